#include "openaml/eval/metrics.h"

#include <algorithm>
#include <cmath>

namespace openaml::eval {

double ExactAuc(std::vector<ScoredLabel>& examples) {
  std::sort(examples.begin(), examples.end(), [](const ScoredLabel& a, const ScoredLabel& b) { return a.score < b.score; });
  double positives = 0, negatives = 0, rank_sum = 0;
  size_t i = 0, n = examples.size();
  while (i < n) {
    size_t j = i;
    double pos_in_group = 0;
    while (j < n && examples[j].score == examples[i].score) pos_in_group += examples[j++].label;
    double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // 1-based ranks i+1..j
    rank_sum += pos_in_group * average_rank;
    positives += pos_in_group;
    negatives += static_cast<double>(j - i) - pos_in_group;
    i = j;
  }
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

namespace {
void FillRates(ThresholdMetrics* m) {
  double total = static_cast<double>(m->tp + m->tn + m->fp + m->fn);
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  m->accuracy = ratio(static_cast<double>(m->tp + m->tn), total);
  m->precision = ratio(static_cast<double>(m->tp), static_cast<double>(m->tp + m->fp));
  m->recall = ratio(static_cast<double>(m->tp), static_cast<double>(m->tp + m->fn));
  m->false_positive_rate = ratio(static_cast<double>(m->fp), static_cast<double>(m->fp + m->tn));
  m->predicted_positive_share = ratio(static_cast<double>(m->tp + m->fp), total);
}
}  // namespace

ThresholdMetrics MetricsAtThreshold(std::span<const ScoredLabel> examples, double threshold) {
  ThresholdMetrics m;
  m.threshold = threshold;
  for (const ScoredLabel& e : examples) {
    bool predicted = e.score >= threshold;
    if (predicted) (e.label ? m.tp : m.fp)++;
    else (e.label ? m.fn : m.tn)++;
  }
  FillRates(&m);
  return m;
}

std::vector<ThresholdMetrics> ThresholdCurve(std::span<const ScoredLabel> sorted, int steps) {
  uint64_t positives = 0;
  for (const ScoredLabel& e : sorted) positives += e.label;
  uint64_t negatives = sorted.size() - positives;
  std::vector<ThresholdMetrics> curve;
  size_t below = 0;  // examples with score < threshold
  uint64_t pos_below = 0;
  for (int s = 0; s <= steps; ++s) {
    double t = static_cast<double>(s) / steps;
    while (below < sorted.size() && sorted[below].score < t) pos_below += sorted[below++].label;
    ThresholdMetrics m;
    m.threshold = t;
    m.fn = pos_below;
    m.tn = below - pos_below;
    m.tp = positives - m.fn;
    m.fp = negatives - m.tn;
    FillRates(&m);
    curve.push_back(m);
  }
  return curve;
}

std::vector<uint64_t> Histogram(std::span<const double> values, int bins, double lo, double hi) {
  std::vector<uint64_t> counts(bins, 0);
  double width = (hi - lo) / bins;
  for (double v : values) {
    int b = width > 0 ? static_cast<int>(std::floor((v - lo) / width)) : 0;
    counts[std::clamp(b, 0, bins - 1)]++;
  }
  return counts;
}

MulticlassMetrics ComputeMulticlass(const std::vector<std::vector<uint64_t>>& confusion, size_t majority_class) {
  size_t k = confusion.size();
  MulticlassMetrics m;
  m.f1.assign(k, 0);
  std::vector<uint64_t> row(k, 0), col(k, 0);
  for (size_t t = 0; t < k; ++t)
    for (size_t p = 0; p < k; ++p) {
      row[t] += confusion[t][p];
      col[p] += confusion[t][p];
    }
  size_t present = 0;
  double sum = 0, baseline_sum = 0;
  uint64_t total = 0;
  for (size_t c = 0; c < k; ++c) total += row[c];
  for (size_t c = 0; c < k; ++c) {
    if (row[c] == 0 && col[c] == 0) continue;
    ++present;
    double tp = static_cast<double>(confusion[c][c]);
    double denominator = static_cast<double>(row[c] + col[c]);
    m.f1[c] = denominator > 0 ? 2 * tp / denominator : 0;
    sum += m.f1[c];
    // Baseline: every record predicted as the majority class.
    if (c == majority_class && total > 0)
      baseline_sum += 2.0 * static_cast<double>(row[c]) / static_cast<double>(row[c] + total);
  }
  bool majority_counted = majority_class < k && (row[majority_class] > 0 || col[majority_class] > 0);
  size_t baseline_present = present + (majority_counted ? 0 : 1);
  m.macro_f1 = present ? sum / static_cast<double>(present) : 0;
  m.baseline_macro_f1 = baseline_present ? baseline_sum / static_cast<double>(baseline_present) : 0;
  return m;
}

double Rmse(double sum_squared, uint64_t count) {
  return count ? std::sqrt(sum_squared / static_cast<double>(count)) : 0;
}

}  // namespace openaml::eval
