// Evaluation metrics (spec §9): exact binary AUC with ties, threshold metrics and curve, score histograms,
// macro-averaged F1 with confusion matrix and baseline, RMSE with baseline and residual histogram.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace openaml::eval {

/// One scored example of a BINARY evaluation.
struct ScoredLabel {
  float score;
  uint8_t label;  // 0 or 1
};

/// Exact area under the ROC curve: the probability that a random positive scores above a random negative,
/// ties counting one half (Mann-Whitney U with average ranks). Sorts `examples`.
/// Single-class data (no positive or no negative): 0.5 — no ranking can be measured, so we report the
/// baseline rather than LightGBM's 1 or XGBoost's NaN (pinned in eval_test).
double ExactAuc(std::vector<ScoredLabel>& examples);

/// Counts and rates at one threshold (spec §9.2): predicted 1 when score >= threshold (spec §10).
struct ThresholdMetrics {
  double threshold = 0.5;
  uint64_t tp = 0, tn = 0, fp = 0, fn = 0;
  double accuracy = 0, precision = 0, recall = 0, false_positive_rate = 0, predicted_positive_share = 0;
};

/// Metrics at `threshold` over `examples` (any order). Rates with a zero denominator are 0.
ThresholdMetrics MetricsAtThreshold(std::span<const ScoredLabel> examples, double threshold);

/// Metrics at thresholds 0, 1/steps, ..., 1 in one pass over `sorted` (sorted ascending by score, as
/// ExactAuc leaves them): the curve the console draws.
std::vector<ThresholdMetrics> ThresholdCurve(std::span<const ScoredLabel> sorted, int steps = 100);

/// Counts of `values` in `bins` equal bins over [lo, hi]; values outside go to the end bins.
std::vector<uint64_t> Histogram(std::span<const double> values, int bins, double lo, double hi);

/// Multiclass results from a confusion matrix (rows: true class, columns: predicted class).
struct MulticlassMetrics {
  std::vector<double> f1;       // per class
  double macro_f1 = 0;          // unweighted mean over classes present in the truth or the predictions
  double baseline_macro_f1 = 0;  // always predicting `majority_class`
};
MulticlassMetrics ComputeMulticlass(const std::vector<std::vector<uint64_t>>& confusion, size_t majority_class);

/// sqrt(mean(squared residuals)).
double Rmse(double sum_squared, uint64_t count);

}  // namespace openaml::eval
