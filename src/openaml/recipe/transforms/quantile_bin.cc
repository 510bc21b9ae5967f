// quantile_bin(numeric, n): spec §7.4. Equal-population bins computed on the training data; missing values
// get their own token (spec §7.4 gap).
#include "openaml/recipe/transforms/transform.h"

#include <emmintrin.h>

#include <algorithm>

namespace openaml::recipe {

TransformInfo QuantileBinTransform() {
  return {TransformOp::kQuantileBin, "quantile_bin", "quantile_bin(numeric, n)",
          "Replace a number by the name of its bin among n (5-1000) equal-population bins of the training data.",
          "quantile_bin(age, 50)", 1, true, 5, 1000, {ValueKind::kNumeric}, ValueKind::kTokens};
}

// Token = 1 + the number of boundaries <= value (as std::upper_bound counts them), 0 when missing; searched
// without a branchy binary search (this runs per value on the extraction hot path).
void ApplyQuantileBin(const NodeValue& in, std::span<const double> boundaries, NodeValue* out) {
  out->hashes.clear();
  if (in.missing) {
    out->hashes.push_back(0);
    return;
  }
  const double v = in.number;
  const double* base = boundaries.data();
  size_t n = boundaries.size();
  if (n == 0) {
    out->hashes.push_back(1);
    return;
  }
  if (n <= 64) {
    // Count the boundaries b with !(v < b) two at a time (SSE2): no chain of dependent loads.
    const __m128d value = _mm_set1_pd(v);
    __m128i less = _mm_setzero_si128(), less2 = _mm_setzero_si128();  // per lane: minus the count above v
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      __m128i a = _mm_add_epi64(_mm_castpd_si128(_mm_cmplt_pd(value, _mm_loadu_pd(base + i))),
                                _mm_castpd_si128(_mm_cmplt_pd(value, _mm_loadu_pd(base + i + 2))));
      __m128i b = _mm_add_epi64(_mm_castpd_si128(_mm_cmplt_pd(value, _mm_loadu_pd(base + i + 4))),
                                _mm_castpd_si128(_mm_cmplt_pd(value, _mm_loadu_pd(base + i + 6))));
      less = _mm_add_epi64(less, a);
      less2 = _mm_add_epi64(less2, b);
    }
    less = _mm_add_epi64(less, less2);
    for (; i + 2 <= n; i += 2) less = _mm_add_epi64(less, _mm_castpd_si128(_mm_cmplt_pd(value, _mm_loadu_pd(base + i))));
    int64_t lanes[2];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), less);
    size_t above = static_cast<size_t>(-(lanes[0] + lanes[1]));
    if (i < n && v < base[i]) ++above;
    out->hashes.push_back(n - above + 1);
    return;
  }
  while (n > 1) {
    size_t half = n / 2;
    base = (v < base[half - 1]) ? base : base + half;
    n -= half;
  }
  size_t bin = static_cast<size_t>(base - boundaries.data()) + (v < *base ? 0 : 1);
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
