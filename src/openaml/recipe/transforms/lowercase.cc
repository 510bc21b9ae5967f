// lowercase(text): spec §7.3. ASCII letters are lowered; other bytes (UTF-8 sequences) are kept.
#include "openaml/recipe/transforms/transform.h"

namespace openaml::recipe {

TransformInfo LowercaseTransform() {
  return {TransformOp::kLowercase, "lowercase", "lowercase(text)", "Lower-case every token of a TEXT value.",
          "lowercase(title)", 1, false, 0, 0, {ValueKind::kText}, ValueKind::kText};
}

void ApplyLowercase(const NodeValue& in, NodeValue* out) {
  size_t total = 0;
  for (std::string_view t : in.tokens) total += t.size();
  out->storage.clear();
  out->storage.reserve(total);  // no reallocation below: views stay valid
  out->tokens.clear();
  for (std::string_view t : in.tokens) {
    size_t start = out->storage.size();
    for (char c : t) out->storage.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    out->tokens.emplace_back(out->storage.data() + start, t.size());
  }
}

}  // namespace openaml::recipe
