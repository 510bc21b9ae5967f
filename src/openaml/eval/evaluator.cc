#include "openaml/eval/evaluator.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace openaml::eval {

std::string FormatMetric(double value) { return fmt::format("{:.7f}", value); }

Evaluator::Evaluator(learn::ModelType type, std::vector<std::string> classes, learn::TrainingSummary training,
                     double threshold)
    : type_(type), classes_(std::move(classes)), training_(std::move(training)), threshold_(threshold) {
  if (type_ == learn::ModelType::kMulticlass)
    confusion_.assign(classes_.size(), std::vector<uint64_t>(classes_.size(), 0));
}

void Evaluator::AddBinary(bool label, double score) { binary_.push_back({static_cast<float>(score), label ? uint8_t{1} : uint8_t{0}}); }

void Evaluator::AddMulticlass(std::string_view label, const double* scores) {
  size_t model_classes = training_.class_counts.empty() ? classes_.size() : training_.class_counts.size();
  size_t predicted = std::max_element(scores, scores + model_classes) - scores;
  size_t truth = std::find(classes_.begin(), classes_.end(), label) - classes_.begin();
  if (truth == classes_.size()) {  // a class the model never saw: its own row and column
    classes_.emplace_back(label);
    for (auto& row : confusion_) row.push_back(0);
    confusion_.emplace_back(classes_.size(), 0);
  }
  confusion_[truth][predicted]++;
}

void Evaluator::AddRegression(double actual, double predicted) {
  double r = actual - predicted;
  residuals_.push_back(r);
  sum_squared_ += r * r;
  double b = actual - training_.target_mean;
  baseline_sum_squared_ += b * b;
  sum_actual_ += actual;
}

EvaluationReport Evaluator::Finish(const AlertInputs& inputs) {
  EvaluationReport report;
  report.invalid_records = invalid_;
  nlohmann::json detail;
  std::vector<double> eval_distribution;  // class shares, for the target-distribution alert
  switch (type_) {
    case learn::ModelType::kBinary: {
      report.records = binary_.size();
      report.metric = ExactAuc(binary_);  // sorts binary_ ascending
      report.baseline = 0.5;
      report.performance_metrics["BinaryAUC"] = FormatMetric(report.metric);
      std::vector<double> pos, neg;
      for (const ScoredLabel& e : binary_) (e.label ? pos : neg).push_back(e.score);
      auto at = MetricsAtThreshold(binary_, threshold_);
      auto to_json = [](const ThresholdMetrics& m) {
        return nlohmann::json{{"threshold", m.threshold}, {"truePositives", m.tp}, {"trueNegatives", m.tn},
                              {"falsePositives", m.fp}, {"falseNegatives", m.fn}, {"accuracy", m.accuracy},
                              {"precision", m.precision}, {"recall", m.recall},
                              {"falsePositiveRate", m.false_positive_rate},
                              {"predictedPositiveShare", m.predicted_positive_share}};
      };
      nlohmann::json curve = nlohmann::json::array();
      for (const ThresholdMetrics& m : ThresholdCurve(binary_, 100)) curve.push_back(to_json(m));
      detail = {{"modelType", "BINARY"}, {"auc", report.metric}, {"baselineAuc", 0.5},
                {"histogramBins", 50},
                {"positiveScoreHistogram", Histogram(pos, 50, 0, 1)},
                {"negativeScoreHistogram", Histogram(neg, 50, 0, 1)},
                {"atThreshold", to_json(at)}, {"thresholdCurve", curve}};
      if (report.records) eval_distribution = {static_cast<double>(neg.size()) / report.records,
                                               static_cast<double>(pos.size()) / report.records};
      break;
    }
    case learn::ModelType::kMulticlass: {
      size_t majority = 0;
      for (size_t c = 0; c < training_.class_counts.size(); ++c)
        if (training_.class_counts[c] > training_.class_counts[majority]) majority = c;
      MulticlassMetrics m = ComputeMulticlass(confusion_, majority);
      for (const auto& row : confusion_)
        for (uint64_t v : row) report.records += v;
      report.metric = m.macro_f1;
      report.baseline = m.baseline_macro_f1;
      report.performance_metrics["MulticlassAvgFScore"] = FormatMetric(m.macro_f1);
      detail = {{"modelType", "MULTICLASS"}, {"macroF1", m.macro_f1}, {"baselineMacroF1", m.baseline_macro_f1},
                {"classes", classes_}, {"confusionMatrix", confusion_}, {"f1", m.f1}};
      for (size_t c = 0; c < confusion_.size() && report.records; ++c) {
        uint64_t row = 0;
        for (uint64_t v : confusion_[c]) row += v;
        eval_distribution.push_back(static_cast<double>(row) / report.records);
      }
      break;
    }
    case learn::ModelType::kRegression: {
      report.records = residuals_.size();
      report.metric = Rmse(sum_squared_, report.records);
      report.baseline = Rmse(baseline_sum_squared_, report.records);
      report.performance_metrics["RegressionRMSE"] = FormatMetric(report.metric);
      double lo = 0, hi = 0;
      if (!residuals_.empty()) {
        auto [mn, mx] = std::minmax_element(residuals_.begin(), residuals_.end());
        lo = *mn;
        hi = *mx;
      }
      detail = {{"modelType", "REGRESSION"}, {"rmse", report.metric}, {"baselineRmse", report.baseline},
                {"residualHistogramRange", {lo, hi}}, {"residualHistogram", Histogram(residuals_, 50, lo, hi)}};
      break;
    }
  }
  // Alerts (spec §9.5).
  auto alert = [&](bool raised, const char* name, const char* text) {
    if (raised) report.alerts.push_back(name);
    return nlohmann::json{{"name", name}, {"raised", raised}, {"message", text}};
  };
  bool distribution_differs = false;
  if (!eval_distribution.empty() && !training_.class_counts.empty()) {
    double train_total = 0, distance = 0;
    for (uint64_t c : training_.class_counts) train_total += static_cast<double>(c);
    for (size_t c = 0; c < std::max(eval_distribution.size(), training_.class_counts.size()); ++c) {
      double p = c < eval_distribution.size() ? eval_distribution[c] : 0;
      double q = c < training_.class_counts.size() && train_total > 0 ? training_.class_counts[c] / train_total : 0;
      distance += std::fabs(p - q) / 2;
    }
    distribution_differs = distance > 0.1;
  } else if (type_ == learn::ModelType::kRegression && report.records) {
    double mean = sum_actual_ / static_cast<double>(report.records);
    distribution_differs = report.baseline > 0 && std::fabs(mean - training_.target_mean) > 0.5 * report.baseline;
  }
  nlohmann::json alerts = nlohmann::json::array();
  alerts.push_back(alert(inputs.same_datasource, "Evaluation on held-out data",
                         "The model is evaluated on the data it was trained on."));
  alerts.push_back(alert(report.records * 10 < training_.records, "Sufficient evaluation data",
                         "Evaluation records are fewer than 10% of the training records."));
  alerts.push_back(alert(!inputs.schema_matches, "Schema matched",
                         "The evaluation schema has attributes missing from, or extra to, the training schema."));
  alerts.push_back(alert(invalid_ > 0, "All records used",
                         "Some evaluation records were invalid (e.g. missing target) and left out."));
  alerts.push_back(alert(distribution_differs, "Target distribution",
                         "Training and evaluation target distributions differ."));
  detail["alerts"] = alerts;
  detail["records"] = report.records;
  detail["invalidRecords"] = invalid_;
  report.detail_json = detail.dump();
  return report;
}

}  // namespace openaml::eval
