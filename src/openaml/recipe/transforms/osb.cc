// osb(text, window): spec §7.3. Orthogonal sparse bigrams: word i paired with word i+k for k < window,
// the gap k being part of the feature (The__brown differs from The_brown).
#include "openaml/recipe/transforms/transform.h"

namespace openaml::recipe {

TransformInfo OsbTransform() {
  return {TransformOp::kOsb, "osb", "osb(text, window)",
          "Orthogonal sparse bigrams: each word paired with each later word inside the window (2-10).",
          "osb(lowercase(review), 4)", 1, true, 2, 10, {ValueKind::kText}, ValueKind::kTokens};
}

void ApplyOsb(const NodeValue& in, int window, NodeValue* out) {
  out->hashes.clear();
  size_t count = in.tokens.size();
  for (size_t i = 0; i < count; ++i) {
    uint64_t first = HashToken(in.tokens[i]);
    for (size_t k = 1; k < static_cast<size_t>(window) && i + k < count; ++k)
      out->hashes.push_back(CombineHashes(CombineHashes(first, k), HashToken(in.tokens[i + k])));
  }
}

}  // namespace openaml::recipe
