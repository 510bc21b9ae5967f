// ngram(text, n): spec §7.3. Word n-grams of lengths 1..n, hashed as the chain of their words' hashes.
#include "openaml/recipe/transforms/transform.h"

namespace openaml::recipe {

TransformInfo NgramTransform() {
  return {TransformOp::kNgram, "ngram", "ngram(text, n)",
          "All word n-grams of lengths 1 to n (n = 2-10) of a TEXT value, from whitespace tokens.",
          "ngram(lowercase(title), 2)", 1, true, 2, 10, {ValueKind::kText}, ValueKind::kTokens};
}

void ApplyNgram(const NodeValue& in, int n, NodeValue* out) {
  out->hashes.clear();
  size_t count = in.tokens.size();
  for (size_t i = 0; i < count; ++i) {
    uint64_t h = HashToken(in.tokens[i]);
    out->hashes.push_back(h);
    for (size_t k = 1; k < static_cast<size_t>(n) && i + k < count; ++k) {
      h = CombineHashes(h, HashToken(in.tokens[i + k]));
      out->hashes.push_back(h);
    }
  }
}

}  // namespace openaml::recipe
