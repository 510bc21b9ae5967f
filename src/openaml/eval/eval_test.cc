#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "openaml/eval/evaluator.h"
#include "openaml/eval/metrics.h"

namespace openaml::eval {
namespace {

std::vector<ScoredLabel> Examples(std::vector<std::pair<float, int>> v) {
  std::vector<ScoredLabel> out;
  for (auto [s, l] : v) out.push_back({s, static_cast<uint8_t>(l)});
  return out;
}

struct AucCase {
  std::vector<std::pair<float, int>> examples;
  double auc;
};

TEST(ExactAuc, HandCheckedCasesWithTies) {
  std::vector<AucCase> cases = {
      {{{0.1f, 0}, {0.9f, 1}}, 1.0},
      {{{0.9f, 0}, {0.1f, 1}}, 0.0},
      {{{0.5f, 0}, {0.5f, 1}}, 0.5},                        // a tie counts one half
      {{{0.1f, 0}, {0.4f, 1}, {0.35f, 0}, {0.8f, 1}}, 1.0},
      {{{0.1f, 0}, {0.4f, 0}, {0.35f, 1}, {0.8f, 1}}, 0.75},  // sklearn roc_auc_score
      {{{0.2f, 0}, {0.2f, 1}, {0.2f, 0}, {0.6f, 1}, {0.1f, 0}}, (0.5 + 0.5 + 1 + 3) / 6.0},
      {{{0.3f, 1}, {0.3f, 1}, {0.3f, 0}, {0.3f, 0}}, 0.5},
  };
  for (const AucCase& c : cases) {
    auto e = Examples(c.examples);
    EXPECT_NEAR(ExactAuc(e), c.auc, 1e-12);
  }
}

TEST(ExactAuc, SingleClassIsTheBaseline) {
  auto only_positive = Examples({{0.1f, 1}, {0.7f, 1}});
  auto only_negative = Examples({{0.1f, 0}});
  std::vector<ScoredLabel> empty;
  EXPECT_EQ(ExactAuc(only_positive), 0.5);
  EXPECT_EQ(ExactAuc(only_negative), 0.5);
  EXPECT_EQ(ExactAuc(empty), 0.5);
}

TEST(Threshold, BankingTableFromSpec) {
  // spec §15.2: TP 291, FN 1072, FP 91, TN 10901 at threshold 0.75.
  std::vector<ScoredLabel> e;
  for (int i = 0; i < 291; ++i) e.push_back({0.8f, 1});
  for (int i = 0; i < 1072; ++i) e.push_back({0.2f, 1});
  for (int i = 0; i < 91; ++i) e.push_back({0.75f, 0});  // equal to the threshold: positive (spec §10)
  for (int i = 0; i < 10901; ++i) e.push_back({0.1f, 0});
  ThresholdMetrics m = MetricsAtThreshold(e, 0.75);
  EXPECT_EQ(m.tp, 291u);
  EXPECT_EQ(m.fn, 1072u);
  EXPECT_EQ(m.fp, 91u);
  EXPECT_EQ(m.tn, 10901u);
  EXPECT_NEAR(m.accuracy, 0.9059, 1e-4);
  EXPECT_NEAR(m.precision, 0.7618, 1e-4);
  EXPECT_NEAR(m.recall, 0.2135, 1e-4);
  EXPECT_NEAR(m.false_positive_rate, 0.0083, 1e-4);
  ExactAuc(e);  // sorts
  auto curve = ThresholdCurve(e, 100);
  ASSERT_EQ(curve.size(), 101u);
  EXPECT_EQ(curve[75].tp, 291u);
  EXPECT_EQ(curve[75].fp, 91u);
  EXPECT_EQ(curve[0].tp + curve[0].fp, e.size());  // threshold 0: everything positive
  auto empty_rates = MetricsAtThreshold({}, 0.5);
  EXPECT_EQ(empty_rates.precision, 0);
}

TEST(Multiclass, MacroF1AndBaseline) {
  // true a: 3 (2 right, 1 as b); true b: 1 (right); true c: 2 (as a).
  std::vector<std::vector<uint64_t>> confusion = {{2, 1, 0}, {0, 1, 0}, {2, 0, 0}};
  MulticlassMetrics m = ComputeMulticlass(confusion, 0);
  EXPECT_NEAR(m.f1[0], 2.0 * 2 / (3 + 4), 1e-12);
  EXPECT_NEAR(m.f1[1], 2.0 * 1 / (1 + 2), 1e-12);
  EXPECT_EQ(m.f1[2], 0);
  EXPECT_NEAR(m.macro_f1, (4.0 / 7 + 2.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(m.baseline_macro_f1, (2.0 * 3 / (3 + 6)) / 3, 1e-12);
}

TEST(Evaluator, ReportsMetricKeysDetailAndAlerts) {
  learn::TrainingSummary training;
  training.records = 1000;
  training.class_counts = {900, 100};
  Evaluator binary(learn::ModelType::kBinary, {"0", "1"}, training, 0.5);
  binary.AddBinary(true, 0.9);
  binary.AddBinary(false, 0.2);
  binary.AddInvalid();
  EvaluationReport r = binary.Finish({});
  EXPECT_EQ(r.performance_metrics.at("BinaryAUC"), "1.0000000");
  EXPECT_EQ(r.records, 2u);
  EXPECT_THAT(r.alerts, ::testing::UnorderedElementsAre("Sufficient evaluation data", "All records used",
                                                         "Target distribution"));
  auto detail = nlohmann::json::parse(r.detail_json);
  EXPECT_EQ(detail["thresholdCurve"].size(), 101u);
  EXPECT_EQ(detail["atThreshold"]["truePositives"], 1);

  training.target_mean = 10;
  training.class_counts.clear();
  Evaluator reg(learn::ModelType::kRegression, {}, training, 0);
  reg.AddRegression(12, 11);
  reg.AddRegression(8, 9);
  EvaluationReport rr = reg.Finish({true, false});
  EXPECT_EQ(rr.performance_metrics.at("RegressionRMSE"), "1.0000000");
  EXPECT_NEAR(rr.baseline, 2.0, 1e-12);
  EXPECT_THAT(rr.alerts, ::testing::Contains("Evaluation on held-out data"));
  EXPECT_THAT(rr.alerts, ::testing::Contains("Schema matched"));

  training.class_counts = {5, 5};
  Evaluator multi(learn::ModelType::kMulticlass, {"a", "b"}, training, 0);
  double s1[] = {0.9, 0.1}, s2[] = {0.2, 0.8};
  multi.AddMulticlass("a", s1);
  multi.AddMulticlass("b", s2);
  multi.AddMulticlass("zzz", s2);  // a class unseen in training counts as a miss
  EvaluationReport mr = multi.Finish({});
  EXPECT_EQ(mr.records, 3u);
  EXPECT_NEAR(mr.metric, (1.0 + 2.0 / 3 + 0) / 3, 1e-6);
}

TEST(FormatMetric, PlainDecimal) { EXPECT_EQ(FormatMetric(0.93612341), "0.9361234"); }

}  // namespace
}  // namespace openaml::eval
