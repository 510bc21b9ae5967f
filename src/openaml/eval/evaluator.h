// Evaluator: accumulates one evaluation's predictions and turns them into Amazon ML's metric (spec §9.1),
// the console's detail (histograms, threshold curve, confusion matrix, residuals) and the alerts of §9.5.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "openaml/eval/metrics.h"
#include "openaml/learn/model.h"

namespace openaml::eval {

/// What the alerts of spec §9.5 need beyond the predictions.
struct AlertInputs {
  bool same_datasource = false;   // evaluation data is the training data
  bool schema_matches = true;     // evaluation schema has the training schema's attributes, no more, no less
};

struct EvaluationReport {
  std::map<std::string, std::string> performance_metrics;  // exactly one key (spec §9.1)
  double metric = 0;
  double baseline = 0;
  std::string detail_json;
  uint64_t records = 0;
  uint64_t invalid_records = 0;
  std::vector<std::string> alerts;  // names of the alerts raised, e.g. "Evaluation on held-out data"
};

class Evaluator {
 public:
  /// `training` gives the baselines and the training target distribution; `threshold` the BINARY cut-off.
  Evaluator(learn::ModelType type, std::vector<std::string> classes, learn::TrainingSummary training,
            double threshold);

  void AddBinary(bool label, double score);
  /// `label` is the true class string; `scores` one per model class.
  void AddMulticlass(std::string_view label, const double* scores);
  void AddRegression(double actual, double predicted);
  /// A record left out (missing or invalid target, bad record).
  void AddInvalid() { ++invalid_; }

  EvaluationReport Finish(const AlertInputs& alerts);

 private:
  learn::ModelType type_;
  std::vector<std::string> classes_;
  learn::TrainingSummary training_;
  double threshold_;
  uint64_t invalid_ = 0;
  std::vector<ScoredLabel> binary_;
  std::vector<std::vector<uint64_t>> confusion_;  // grows with classes unseen in training
  std::vector<double> residuals_;
  double sum_squared_ = 0, baseline_sum_squared_ = 0, sum_actual_ = 0;
};

/// Format a metric as a plain decimal string, e.g. "0.9361234" (spec §9.1 gap).
std::string FormatMetric(double value);

}  // namespace openaml::eval
