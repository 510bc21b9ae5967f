// no_punct(text): spec §7.3. Strips ASCII punctuation at both ends of each token; inner punctuation stays
// ("seat-belts!" -> "seat-belts"); tokens made only of punctuation disappear.
#include "openaml/recipe/transforms/transform.h"

#include <cctype>

namespace openaml::recipe {

TransformInfo NoPunctTransform() {
  return {TransformOp::kNoPunct, "no_punct", "no_punct(text)",
          "Remove punctuation at the start and end of each token; punctuation-only tokens disappear.",
          "no_punct(review)", 1, false, 0, 0, {ValueKind::kText}, ValueKind::kText};
}

void ApplyNoPunct(const NodeValue& in, NodeValue* out) {
  out->tokens.clear();
  out->storage.clear();
  for (std::string_view t : in.tokens) {
    size_t b = 0, e = t.size();
    while (b < e && std::ispunct(static_cast<unsigned char>(t[b]))) ++b;
    while (e > b && std::ispunct(static_cast<unsigned char>(t[e - 1]))) --e;
    if (e > b) out->tokens.push_back(t.substr(b, e - b));  // views into the input's storage
  }
}

}  // namespace openaml::recipe
