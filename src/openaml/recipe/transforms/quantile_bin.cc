// quantile_bin(numeric, n): spec §7.4. Equal-population bins computed on the training data; missing values
// get their own token (spec §7.4 gap).
#include "openaml/recipe/transforms/transform.h"

#include <algorithm>

namespace openaml::recipe {

TransformInfo QuantileBinTransform() {
  return {TransformOp::kQuantileBin, "quantile_bin", "quantile_bin(numeric, n)",
          "Replace a number by the name of its bin among n (5-1000) equal-population bins of the training data.",
          "quantile_bin(age, 50)", 1, true, 5, 1000, {ValueKind::kNumeric}, ValueKind::kTokens};
}

void ApplyQuantileBin(const NodeValue& in, std::span<const double> boundaries, NodeValue* out) {
  out->hashes.clear();
  if (in.missing) {
    out->hashes.push_back(0);
    return;
  }
  size_t bin = std::upper_bound(boundaries.begin(), boundaries.end(), in.number) - boundaries.begin();
  out->hashes.push_back(bin + 1);
}

std::vector<double> QuantileBoundaries(std::vector<double>& sample, int bins) {
  std::vector<double> boundaries;
  if (sample.empty() || bins < 2) return boundaries;
  std::sort(sample.begin(), sample.end());
  size_t n = sample.size();
  for (int i = 1; i < bins; ++i) {
    double b = sample[std::min(n - 1, static_cast<size_t>(static_cast<double>(i) * n / bins))];
    // Skip a boundary equal to the smallest value (it would leave bin 0 empty) and duplicates from ties.
    if (b <= sample.front()) continue;
    if (boundaries.empty() || b > boundaries.back()) boundaries.push_back(b);
  }
  return boundaries;
}

}  // namespace openaml::recipe
