#include "openaml/stats/quantile_sketch.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace openaml {
namespace {

TEST(QuantileSketch, IsExactForFewDistinctValues) {
  QuantileSketch sketch;
  for (int v : {5, 1, 3, 3, 2, 4, 3}) sketch.Add(v);
  EXPECT_TRUE(sketch.exact());
  EXPECT_EQ(sketch.count(), 7u);
  EXPECT_EQ(sketch.rank_error(), 0.0);
  EXPECT_EQ(sketch.Quantile(0), 1);
  EXPECT_EQ(sketch.Quantile(0.5), 3);  // sorted 1 2 3 3 3 4 5
  EXPECT_EQ(sketch.Quantile(1), 5);
  EXPECT_EQ(sketch.Quantiles(2), (std::vector<double>{1, 3, 5}));
  sketch.AddWeighted(-0.0, 3);
  sketch.Add(0.0);
  EXPECT_EQ(sketch.WeightedValues().front(), (std::pair<double, uint64_t>{0.0, 4}));
}

TEST(QuantileSketch, EmptyGivesNothing) {
  QuantileSketch sketch;
  EXPECT_TRUE(sketch.Quantiles(10).empty());
  EXPECT_EQ(sketch.Quantile(0.5), 0.0);
}

TEST(QuantileSketch, CompactingStaysWithinItsStatedRankError) {
  // 300,000 distinct values in random order: the sketch compacts; every quantile's true rank must be
  // within rank_error() of the asked rank.
  QuantileSketch sketch(/*max_exact_values=*/1000, /*k=*/256);
  std::vector<double> values(300000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  std::mt19937 rng(7);
  std::shuffle(values.begin(), values.end(), rng);
  for (double v : values) sketch.Add(v);
  ASSERT_FALSE(sketch.exact());
  EXPECT_EQ(sketch.count(), values.size());
  const double bound = sketch.rank_error();
  EXPECT_GT(bound, 0.0);
  EXPECT_LT(bound, 0.05);
  uint64_t weight = 0;
  for (const auto& [v, w] : sketch.WeightedValues()) weight += w;
  EXPECT_EQ(weight, values.size());
  for (double q : {0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999}) {
    const double v = sketch.Quantile(q);
    const double true_rank = (v + 1) / values.size();  // values are 0..n-1
    EXPECT_NEAR(true_rank, q, bound + 1e-9) << q;
  }
}

TEST(QuantileSketch, WeightedAddAfterCompactingKeepsCounts) {
  QuantileSketch sketch(/*max_exact_values=*/4, /*k=*/8);
  sketch.AddWeighted(1.0, 1000);
  for (int i = 0; i < 10; ++i) sketch.Add(100 + i);
  EXPECT_FALSE(sketch.exact());
  EXPECT_EQ(sketch.count(), 1010u);
  EXPECT_EQ(sketch.Quantile(0.5), 1.0);
}

TEST(QuantileSketch, AddManyIsAddOnEachValue) {
  // Batches that cross the switch from the exact table to compacting, and values the table already holds.
  std::mt19937_64 rng(9);
  std::vector<double> values(50000);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = i < 20000 ? static_cast<double>(rng() % 300) : static_cast<double>(rng() % 100000) / 3;
  }
  values[5] = -0.0;
  values[6] = 0.0;
  QuantileSketch one(/*max_exact_values=*/1000, /*k=*/64);
  QuantileSketch many(/*max_exact_values=*/1000, /*k=*/64);
  for (double v : values) one.Add(v);
  for (size_t i = 0; i < values.size();) {
    const size_t n = std::min<size_t>(values.size() - i, 1 + rng() % 700);
    many.AddMany(values.data() + i, n);
    i += n;
  }
  many.AddMany(values.data(), 0);
  EXPECT_FALSE(many.exact());
  EXPECT_EQ(many.count(), one.count());
  EXPECT_EQ(many.rank_error(), one.rank_error());
  EXPECT_EQ(many.WeightedValues(), one.WeightedValues());

  QuantileSketch exact;
  exact.AddMany(values.data(), 20000);
  EXPECT_TRUE(exact.exact());
  EXPECT_EQ(exact.count(), 20000u);
  uint64_t weight = 0;
  for (const auto& [v, w] : exact.WeightedValues()) weight += w;
  EXPECT_EQ(weight, 20000u);
}

}  // namespace
}  // namespace openaml
