// cartesian(a, b): spec §7.5. Every token of a crossed with every token of b (a TEXT value contributes each
// of its tokens, a CATEGORICAL or binned value its one token).
#include "openaml/recipe/transforms/transform.h"

namespace openaml::recipe {

TransformInfo CartesianTransform() {
  return {TransformOp::kCartesian, "cartesian", "cartesian(a, b)",
          "Cross two TEXT or CATEGORICAL values (including quantile_bin output): one token per pair.",
          "cartesian(education, quantile_bin(age, 10))", 2, false, 0, 0,
          {ValueKind::kText, ValueKind::kCategorical, ValueKind::kTokens, ValueKind::kBinary},
          ValueKind::kTokens};
}

namespace {
/// Append the hashes of a value's tokens to `out` (binary: "0"/"1"; missing binary: nothing).
void TokenHashes(const NodeValue& v, ValueKind kind, std::vector<uint64_t>* out) {
  out->clear();
  switch (kind) {
    case ValueKind::kText:
    case ValueKind::kCategorical:
      for (std::string_view t : v.tokens) out->push_back(HashToken(t));
      break;
    case ValueKind::kTokens:
      out->assign(v.hashes.begin(), v.hashes.end());
      break;
    case ValueKind::kBinary:
      if (!v.missing) out->push_back(HashToken(v.number != 0 ? "1" : "0"));
      break;
    case ValueKind::kNumeric:
      break;  // refused at compile time
  }
}
}  // namespace

void ApplyCartesian(const NodeValue& a, ValueKind a_kind, const NodeValue& b, ValueKind b_kind, NodeValue* out) {
  thread_local std::vector<uint64_t> left, right;
  TokenHashes(a, a_kind, &left);
  TokenHashes(b, b_kind, &right);
  out->hashes.clear();
  for (uint64_t x : left)
    for (uint64_t y : right) out->hashes.push_back(CombineHashes(x, y));
}

}  // namespace openaml::recipe
