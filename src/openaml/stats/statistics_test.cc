#include "openaml/stats/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openaml/ingest/dataset_reader.h"

namespace openaml {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Schema MakeSchema(std::vector<Attribute> attributes, std::optional<std::string> target = std::nullopt) {
  Schema schema;
  schema.attributes = std::move(attributes);
  schema.target = std::move(target);
  return schema;
}

void AddRows(StatsAccumulator& acc, const std::vector<std::vector<std::string>>& rows) {
  for (const auto& row : rows) {
    std::vector<std::string_view> fields(row.begin(), row.end());
    acc.AddFields(fields);
  }
}

TEST(Statistics, TextWorkedExampleOfTheGuide) {
  // Spec §6: total words 12, unique words 10, words per record 0-6, word length 2-11.
  StatsAccumulator acc(MakeSchema({{"review", AttributeType::kText}}));
  AddRows(acc, {{"The fox jumped over the fence."}, {"This movie is intriguing."}, {""}, {"Fascinating movie."}});
  const DataSourceStatistics stats = acc.Finish();
  const TextSummary& text = *stats.attributes[0].text;
  EXPECT_EQ(text.total_words, 12u);
  EXPECT_EQ(text.unique_words, 10u);
  EXPECT_EQ(text.min_words_per_record, 0u);
  EXPECT_EQ(text.max_words_per_record, 6u);
  EXPECT_EQ(text.min_word_length, 2u);
  EXPECT_EQ(text.max_word_length, 11u);
  ASSERT_FALSE(text.prominent_words.empty());
  // Without a target, words are ranked by the entropy of their presence: "movie" (2 of 4 records) first.
  EXPECT_EQ(text.prominent_words[0].token, "movie");
  EXPECT_EQ(text.prominent_words[0].records, 2u);
  EXPECT_DOUBLE_EQ(text.prominent_words[0].percent_records, 50.0);
  EXPECT_EQ(text.prominent_words[0].rank, 1);
}

TEST(Statistics, NumericSummaryIsExactOnSmallData) {
  StatsAccumulator acc(MakeSchema({{"x", AttributeType::kNumeric}}));
  AddRows(acc, {{"1"}, {"2"}, {"3"}, {"4"}, {"100"}, {""}, {"abc"}, {" 5 "}});
  const DataSourceStatistics stats = acc.Finish();
  const AttributeStatistics& x = stats.attributes[0];
  EXPECT_EQ(x.missing_count, 1u);
  EXPECT_EQ(x.invalid_count, 1u);
  const NumericSummary& n = *x.numeric;
  EXPECT_EQ(n.count, 6u);
  EXPECT_EQ(n.min, 1.0);
  EXPECT_EQ(n.max, 100.0);
  EXPECT_DOUBLE_EQ(*n.mean, 115.0 / 6);
  EXPECT_EQ(n.median, 3.0);  // 1 2 3 4 5 100: the lower median
  EXPECT_EQ(n.quantile_rank_error, 0.0);
  ASSERT_EQ(n.quantiles.size(), 1001u);
  EXPECT_EQ(n.quantiles.front(), 1.0);
  EXPECT_EQ(n.quantiles.back(), 100.0);
  ASSERT_EQ(n.histogram_counts.size(), 50u);
  // 50 bins of width 99/50 = 1.98 from 1: [1, 2.98) holds 1 and 2, [2.98, 4.96) holds 3 and 4.
  EXPECT_EQ(n.histogram_counts[0], 2u);
  EXPECT_EQ(n.histogram_counts[1], 2u);
  EXPECT_EQ(n.histogram_counts[2], 1u);
  EXPECT_EQ(n.histogram_counts[49], 1u);  // the maximum is in the last bin
}

TEST(Statistics, BinBoundariesSplitIntoEqualFrequencies) {
  StatsAccumulator acc(MakeSchema({{"x", AttributeType::kNumeric}}));
  for (int i = 1; i <= 1000; ++i) AddRows(acc, {{std::to_string(i)}});
  const DataSourceStatistics stats = acc.Finish();
  const NumericSummary& n = *stats.attributes[0].numeric;
  const std::vector<double> b = n.BinBoundaries(4);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_NEAR(b[0], 250, 1);
  EXPECT_NEAR(b[1], 500, 1);
  EXPECT_NEAR(b[2], 750, 1);
  EXPECT_EQ(n.BinBoundaries(1000).size(), 999u);
  EXPECT_TRUE(n.BinBoundaries(1).empty());
  EXPECT_TRUE(NumericSummary{}.BinBoundaries(10).empty());
}

TEST(Statistics, BinaryAndCategoricalCounts) {
  StatsAccumulator acc(MakeSchema({{"b", AttributeType::kBinary}, {"c", AttributeType::kCategorical}}));
  AddRows(acc, {{"yes", "red"}, {"no", "red"}, {"Y", "blue"}, {"", "red"}, {"maybe", ""}, {"1", "green"}});
  const DataSourceStatistics stats = acc.Finish();
  const AttributeStatistics& b = stats.attributes[0];
  EXPECT_EQ(b.binary->true_count, 3u);
  EXPECT_EQ(b.binary->false_count, 1u);
  EXPECT_DOUBLE_EQ(b.binary->percent_true, 75.0);
  EXPECT_EQ(b.missing_count, 1u);
  EXPECT_EQ(b.invalid_count, 1u);
  const CategoricalSummary& c = *stats.attributes[1].categorical;
  EXPECT_EQ(c.unique_count, 4u);  // red, blue, "", green: the empty string is a value
  EXPECT_TRUE(c.unique_count_exact);
  ASSERT_GE(c.top_values.size(), 1u);
  EXPECT_EQ(c.top_values[0].value, "red");
  EXPECT_EQ(c.top_values[0].count, 3u);
  EXPECT_EQ(c.other_count, 0u);
  EXPECT_EQ(c.least_frequent_values[0].value, "green");  // ties broken by value: "", blue, green reversed
}

TEST(Statistics, CategoricalValuesOfEveryLengthAreKeptApart) {
  // Values of 0..40 bytes, each with variants differing in one byte at every position (the counter keys
  // short values by fixed reads of their bytes: every byte must count), each added (position + 1) times.
  StatsOptions options;
  options.top_values = 100000;
  StatsAccumulator acc(MakeSchema({{"c", AttributeType::kCategorical}}), options);
  std::map<std::string, uint64_t> expected;
  for (size_t n = 0; n <= 40; ++n) {
    const std::string base(n, 'a');
    ++expected[base];
    AddRows(acc, {{base}});
    for (size_t i = 0; i < n; ++i) {
      std::string variant = base;
      variant[i] = static_cast<char>(i % 2 == 0 ? 'b' : '\0');
      for (size_t k = 0; k <= i; ++k) AddRows(acc, {{variant}});
      expected[variant] += i + 1;
    }
  }
  const DataSourceStatistics stats = acc.Finish();
  const CategoricalSummary& c = *stats.attributes[0].categorical;
  EXPECT_EQ(c.unique_count, expected.size());
  ASSERT_EQ(c.top_values.size(), expected.size());
  for (const ValueCount& v : c.top_values) {
    ASSERT_TRUE(expected.count(v.value)) << v.value.size() << " " << v.value;
    EXPECT_EQ(v.count, expected[v.value]) << v.value.size();
  }
}

TEST(Statistics, ShortTypedRecordsReadMissingValuesAsEmpty) {
  // Add() with fewer values than attributes: the rest read as empty fields (as RecordTyper gives them).
  StatsAccumulator acc(MakeSchema({{"n", AttributeType::kNumeric}, {"c", AttributeType::kCategorical}}));
  TypedRecord record(1);
  record[0] = TypedValue{ValueState::kPresent, 2.5, "2.5"};
  acc.Add(record);
  const DataSourceStatistics stats = acc.Finish();
  EXPECT_EQ(stats.records_processed, 1u);
  EXPECT_EQ(stats.attributes[0].numeric->count, 1u);
  EXPECT_EQ(*stats.attributes[0].numeric->max, 2.5);
  ASSERT_EQ(stats.attributes[1].categorical->top_values.size(), 1u);
  EXPECT_EQ(stats.attributes[1].categorical->top_values[0].value, "");
}

TEST(Statistics, CategoricalMemoryIsBoundedAndSaysSo) {
  StatsOptions options;
  options.max_distinct_values = 10;
  options.top_values = 3;
  StatsAccumulator acc(MakeSchema({{"id", AttributeType::kCategorical}}), options);
  for (int i = 0; i < 100; ++i) AddRows(acc, {{"id" + std::to_string(i)}});
  const DataSourceStatistics stats = acc.Finish();
  const CategoricalSummary& c = *stats.attributes[0].categorical;
  EXPECT_EQ(c.unique_count, 10u);
  EXPECT_FALSE(c.unique_count_exact);
  EXPECT_EQ(c.top_values.size(), 3u);
  EXPECT_EQ(c.other_count, 97u);
}

// CATEGORICAL values past max_distinct_values are not counted one by one, but they still take part in the
// correlation, as one class: here the tracked values all come with y = 0 and the untracked ones with y = 1,
// so the attribute tells the target exactly; `mixed` puts untracked values on both sides and tells less.
TEST(Statistics, UntrackedCategoricalValuesAreOneClassInTheCorrelation) {
  StatsOptions options;
  options.max_distinct_values = 50;
  StatsAccumulator acc(MakeSchema({{"code", AttributeType::kCategorical},
                                   {"mixed", AttributeType::kCategorical},
                                   {"y", AttributeType::kBinary}},
                                  "y"),
                       options);
  for (int i = 0; i < 2000; ++i) {
    const bool y = i >= 1000;
    AddRows(acc, {{y ? "new" + std::to_string(i) : "old" + std::to_string(i % 50), "m" + std::to_string(i % 700),
                   y ? "1" : "0"}});
  }
  const DataSourceStatistics stats = acc.Finish();
  const AttributeStatistics& code = stats.attributes[0];
  EXPECT_EQ(code.categorical->unique_count, 50u);
  EXPECT_FALSE(code.categorical->unique_count_exact);
  EXPECT_EQ(code.categorical->other_count, 2000u - 10 * 20);  // all but the top 10 values (20 records each)
  ASSERT_TRUE(code.correlation_to_target.has_value());
  EXPECT_NEAR(*code.correlation_to_target, 1.0, 1e-9);
  const AttributeStatistics& mixed = stats.attributes[1];
  EXPECT_FALSE(mixed.categorical->unique_count_exact);
  ASSERT_TRUE(mixed.correlation_to_target.has_value());
  EXPECT_GT(*mixed.correlation_to_target, 0.0);
  EXPECT_LT(*mixed.correlation_to_target, 0.2);
}

TEST(Statistics, CorrelationFindsTheInformativeAttribute) {
  // `signal` equals the target, `noise` is independent of it, `half` agrees half the time.
  StatsAccumulator acc(MakeSchema({{"signal", AttributeType::kCategorical},
                                   {"noise", AttributeType::kNumeric},
                                   {"words", AttributeType::kText},
                                   {"y", AttributeType::kBinary}},
                                  "y"));
  for (int i = 0; i < 4000; ++i) {
    const bool y = (i * 7919) % 3 == 0;
    AddRows(acc, {{y ? "a" : "b", std::to_string(i % 4), y ? "great product" : "bad product", y ? "1" : "0"}});
  }
  const DataSourceStatistics stats = acc.Finish();
  EXPECT_NEAR(*stats.attributes[0].correlation_to_target, 1.0, 1e-9);
  EXPECT_LT(*stats.attributes[1].correlation_to_target, 0.01);
  EXPECT_NEAR(*stats.attributes[2].correlation_to_target, 1.0, 1e-9);
  EXPECT_FALSE(stats.attributes[3].correlation_to_target.has_value());
  EXPECT_EQ(stats.attributes[3].role, "target");
  // "product" is in every record: no information; "great"/"bad" carry it all.
  const std::vector<TokenSummary>& words = stats.attributes[2].text->prominent_words;
  ASSERT_EQ(words.size(), 3u);
  EXPECT_NE(words[0].token, "product");
  EXPECT_EQ(words[2].token, "product");
  EXPECT_NEAR(words[2].prominence, 0.0, 1e-9);
  ASSERT_EQ(stats.target_distribution.size(), 2u);
  EXPECT_EQ(stats.target_distribution[0].value, "0");
  EXPECT_EQ(stats.target_distribution[0].count + stats.target_distribution[1].count, 4000u);
}

// NUMERIC values are folded in batches (StatsAccumulator buffers them): the results must be those of the
// per-value definitions, on data that crosses batch boundaries, with missing and invalid values anywhere,
// an all-missing attribute, short records and a Finish() in the middle of the stream.
TEST(Statistics, BatchedNumericSummariesEqualThePerValueDefinitions) {
  StatsAccumulator acc(MakeSchema({{"a", AttributeType::kNumeric},
                                   {"c", AttributeType::kCategorical},
                                   {"b", AttributeType::kNumeric},
                                   {"empty", AttributeType::kNumeric},
                                   {"y", AttributeType::kBinary}},
                                  "y"));
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uniform(-1000.0, 1000.0);
  std::vector<double> a, b;
  uint64_t a_missing = 0, a_invalid = 0, b_missing = 0;
  auto check = [&](const DataSourceStatistics& stats, uint64_t records) {
    EXPECT_EQ(stats.records_processed, records);
    for (const auto& [name, values, missing, invalid] :
         {std::tuple{"a", &a, a_missing, a_invalid}, std::tuple{"b", &b, b_missing, uint64_t{0}}}) {
      const AttributeStatistics& s = *stats.Find(name);
      EXPECT_EQ(s.missing_count, missing) << name;
      EXPECT_EQ(s.invalid_count, invalid) << name;
      const NumericSummary& n = *s.numeric;
      ASSERT_EQ(n.count, values->size()) << name;
      EXPECT_EQ(*n.min, *std::min_element(values->begin(), values->end())) << name;
      EXPECT_EQ(*n.max, *std::max_element(values->begin(), values->end())) << name;
      long double sum = 0;
      for (double v : *values) sum += v;
      const long double mean = sum / values->size();
      EXPECT_NEAR(*n.mean, static_cast<double>(mean), 1e-15 * 1000) << name;
      long double m2 = 0;
      for (double v : *values) m2 += (v - mean) * (v - mean);
      EXPECT_NEAR(*n.stddev, std::sqrt(static_cast<double>(m2 / values->size())), 1e-12 * *n.stddev) << name;
      std::vector<double> sorted = *values;
      std::sort(sorted.begin(), sorted.end());
      EXPECT_EQ(n.quantile_rank_error, 0.0);  // few records: exact
      EXPECT_EQ(*n.median, sorted[(sorted.size() + 1) / 2 - 1]) << name;
      uint64_t histogram = 0;
      for (uint64_t c : n.histogram_counts) histogram += c;
      EXPECT_EQ(histogram, values->size()) << name;
    }
    const AttributeStatistics& empty = *stats.Find("empty");
    EXPECT_EQ(empty.missing_count, records);
    EXPECT_EQ(empty.numeric->count, 0u);
    EXPECT_FALSE(empty.numeric->min.has_value());
    EXPECT_TRUE(empty.numeric->quantiles.empty());
  };
  uint64_t records = 0;
  for (int i = 0; i < 1300; ++i, ++records) {
    if (i == 700) check(acc.Finish(), records);  // mid-stream: the buffered values count, later ones too
    if (i % 97 == 13) {
      // A short typed record: the missing values read as empty fields.
      TypedRecord record(1);
      const double v = std::round(uniform(rng));
      record[0] = TypedValue{ValueState::kPresent, v, "v"};
      a.push_back(v);
      ++b_missing;
      acc.Add(record);
      continue;
    }
    std::vector<std::string> row(5);
    const int kind = static_cast<int>(rng() % 20);
    if (kind == 0) {
      row[0] = "";
      ++a_missing;
    } else if (kind == 1) {
      row[0] = "x1";
      ++a_invalid;
    } else {
      const double v = std::round(uniform(rng) * 1000) / 1000;  // 3 decimals: sums are not exact
      row[0] = std::to_string(v);
      a.push_back(std::strtod(row[0].c_str(), nullptr));
    }
    if (rng() % 7 == 0) {
      row[2] = "";
      ++b_missing;
    } else {
      const double v = 1e9 + static_cast<double>(rng() % 1000) / 8;  // large offset, small spread
      row[2] = std::to_string(v);
      b.push_back(std::strtod(row[2].c_str(), nullptr));
    }
    row[1] = "k" + std::to_string(i % 5);
    row[4] = i % 3 == 0 ? "1" : "0";
    AddRows(acc, {row});
  }
  check(acc.Finish(), records);
}

TEST(Statistics, StddevIsAccurateFarFromZero) {
  // 10^9 + {1, 2, 3, 4}: population stddev sqrt(1.25); sum-of-squares formulas lose every digit here.
  StatsAccumulator acc(MakeSchema({{"x", AttributeType::kNumeric}}));
  for (int r = 0; r < 1000; ++r) AddRows(acc, {{"1000000001"}, {"1000000002"}, {"1000000003"}, {"1000000004"}});
  const DataSourceStatistics stats = acc.Finish();
  const NumericSummary& n = *stats.attributes[0].numeric;
  EXPECT_EQ(*n.mean, 1000000002.5);
  EXPECT_NEAR(*n.stddev, std::sqrt(1.25), 1e-9);
}

TEST(Statistics, SummariesAreDeterministic) {
  auto run = [] {
    StatsAccumulator acc(MakeSchema({{"n", AttributeType::kNumeric},
                                     {"c", AttributeType::kCategorical},
                                     {"t", AttributeType::kText},
                                     {"y", AttributeType::kBinary}},
                                    "y"));
    std::mt19937 rng(5);
    for (int i = 0; i < 5000; ++i) {
      AddRows(acc, {{std::to_string(rng() % 100000 / 7.0), "v" + std::to_string(rng() % 50),
                     "w" + std::to_string(rng() % 9) + " x", std::to_string(rng() % 2)}});
    }
    const std::string first = acc.Finish().ToJson();
    EXPECT_EQ(acc.Finish().ToJson(), first);  // Finish twice: the same
    return first;
  };
  EXPECT_EQ(run(), run());
}

TEST(Statistics, CategoricalValuesAtAPageEndAndWithoutDataAreCounted) {
  // The counter reads a short value with one 16-byte load when that stays in the value's page; values that
  // end at a page's end are copied instead. Either way, the same bytes are the same value.
  StatsOptions options;
  options.top_values = 100;
  StatsAccumulator acc(MakeSchema({{"c", AttributeType::kCategorical}}), options);
  char* pages = static_cast<char*>(std::aligned_alloc(4096, 2 * 4096));
  ASSERT_NE(pages, nullptr);
  std::memset(pages, 'z', 2 * 4096);
  std::map<std::string, uint64_t> expected;
  for (const std::string& value : {std::string("a"), std::string("ab\0", 3), std::string("abcdefghijklmno"),
                                  std::string("abcdefghijklmnopqrst"), std::string(40, 'q')}) {
    for (size_t offset : {size_t{0}, size_t{4096 - 16}, size_t{4096} - value.size()}) {
      std::memcpy(pages + offset, value.data(), value.size());
      TypedRecord record(1);
      record[0] = TypedValue{ValueState::kPresent, 0, std::string_view(pages + offset, value.size())};
      acc.Add(record);
      ++expected[value];
      std::memset(pages + offset, 'z', value.size());
    }
  }
  TypedRecord empty(1);
  empty[0] = TypedValue{ValueState::kPresent, 0, std::string_view()};  // no data pointer at all
  acc.Add(empty);
  ++expected[""];
  std::free(pages);
  const DataSourceStatistics stats = acc.Finish();
  const CategoricalSummary& c = *stats.attributes[0].categorical;
  EXPECT_EQ(c.unique_count, expected.size());
  for (const ValueCount& v : c.top_values) EXPECT_EQ(v.count, expected[v.value]) << v.value;
}

TEST(Statistics, CompactedQuantilesStayWithinTheStatedRankError) {
  // A large skewed input with many distinct values: the quantile grid comes from the compacting sketch;
  // every grid value's true rank must be within quantile_rank_error of its nominal rank.
  StatsOptions options;
  options.max_exact_numeric_values = 100;
  StatsAccumulator acc(MakeSchema({{"x", AttributeType::kNumeric}}), options);
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> skewed(0.0, 2.0);
  std::vector<double> values(400000);
  for (double& v : values) v = std::round(skewed(rng) * 1e6) / 1e6;
  TypedRecord record(1);
  for (double v : values) {
    record[0] = TypedValue{ValueState::kPresent, v, "v"};
    acc.Add(record);
  }
  const DataSourceStatistics stats = acc.Finish();
  const NumericSummary& n = *stats.attributes[0].numeric;
  std::sort(values.begin(), values.end());
  const double total = static_cast<double>(values.size());
  ASSERT_GT(n.quantile_rank_error, 0.0);
  EXPECT_LT(n.quantile_rank_error, 0.01);
  ASSERT_EQ(n.quantiles.size(), 1001u);
  for (size_t i = 0; i <= 1000; ++i) {
    const double q = i / 1000.0;
    const double v = n.quantiles[i];
    // The ranks v occupies in the data: (values < v, values <= v] as fractions.
    const double below = (std::lower_bound(values.begin(), values.end(), v) - values.begin()) / total;
    const double upto = (std::upper_bound(values.begin(), values.end(), v) - values.begin()) / total;
    EXPECT_GE(upto, q - n.quantile_rank_error - 1e-9) << i;
    EXPECT_LE(below, q + n.quantile_rank_error + 1e-9) << i;
  }
  EXPECT_EQ(*n.min, values.front());
  EXPECT_EQ(*n.max, values.back());
}

TEST(Statistics, JsonRoundTrips) {
  StatsAccumulator acc(MakeSchema({{"n", AttributeType::kNumeric},
                                   {"b", AttributeType::kBinary},
                                   {"c", AttributeType::kCategorical},
                                   {"t", AttributeType::kText},
                                   {"y", AttributeType::kCategorical}},
                                  "y"));
  AddRows(acc, {{"1.5", "y", "x", "hello world", "k1"},
                {"", "n", "z", "", "k2"},
                {"-3e5", "bad", "x", "Hello!", "k1"},
                {"0.1", "", "\"q\"", "\xff\xfe", "k3"}});
  const DataSourceStatistics stats = acc.Finish(/*bad_records=*/7);
  const std::string json = stats.ToJson();
  Result<DataSourceStatistics> back = DataSourceStatistics::FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToJson(), json);
  EXPECT_EQ(back->bad_records, 7u);
  EXPECT_EQ(back->Find("n")->numeric->quantiles, stats.Find("n")->numeric->quantiles);
  EXPECT_EQ(back->Find("missing"), nullptr);
  EXPECT_THAT(json, HasSubstr("\"formatVersion\":1"));
}

TEST(Statistics, FromJsonRejectsBadInput) {
  for (const char* json : {"", "{", "[]", "{\"formatVersion\":2}", "{\"formatVersion\":1}",
                           R"({"formatVersion":1,"dataSummary":{"recordsProcessed":"x"}})"}) {
    EXPECT_FALSE(DataSourceStatistics::FromJson(json).ok()) << json;
  }
}

TEST(Statistics, EmptyDataGivesEmptySummaries) {
  StatsAccumulator acc(MakeSchema({{"n", AttributeType::kNumeric}, {"t", AttributeType::kText}}, "n"));
  const DataSourceStatistics stats = acc.Finish();
  EXPECT_EQ(stats.records_processed, 0u);
  EXPECT_FALSE(stats.attributes[0].numeric->median.has_value());
  EXPECT_FALSE(stats.attributes[1].text->min_words_per_record.has_value());
  EXPECT_TRUE(DataSourceStatistics::FromJson(stats.ToJson()).ok());
}

TEST(Statistics, BankingTargetDistribution) {
  // spec §15.1: y is 1 in 4,640 records and 0 in 36,548.
  std::ifstream in(std::string(OPENAML_SOURCE_DIR) + "/examples/banking/banking.csv.schema");
  std::stringstream text;
  text << in.rdbuf();
  Result<Schema> schema = Schema::FromJson(text.str());
  ASSERT_TRUE(schema.ok()) << schema.status();
  Result<std::vector<DataFile>> files = ListLocalDataFiles(std::string(OPENAML_SOURCE_DIR) + "/examples/banking/banking.csv");
  ASSERT_TRUE(files.ok());
  auto reader = DataSetReader::Make(*files, *schema, DataRearrangement{}, DataSetOptions::Defaults());
  ASSERT_TRUE(reader.ok());
  StatsAccumulator acc(*schema);
  DataRow row;
  while (*(*reader)->Next(&row)) acc.AddFields(row.fields);
  const DataSourceStatistics stats = acc.Finish((*reader)->report().bad_records);
  EXPECT_EQ(stats.records_processed, 41188u);
  EXPECT_EQ(stats.bad_records, 0u);
  ASSERT_EQ(stats.target_distribution.size(), 2u);
  EXPECT_EQ(stats.target_distribution[0].value, "0");
  EXPECT_EQ(stats.target_distribution[0].count, 36548u);
  EXPECT_EQ(stats.target_distribution[1].count, 4640u);
  // `previous` as BINARY (AWS's sample schema): 1,064 records with 2 or more are invalid.
  EXPECT_EQ(stats.Find("previous")->invalid_count, 1064u);
  EXPECT_EQ(stats.Find("age")->numeric->min, 17.0);
  EXPECT_EQ(stats.Find("age")->numeric->max, 98.0);
  EXPECT_EQ(stats.Find("age")->numeric->quantile_rank_error, 0.0);
  // duration is the strongest single predictor of y in this data set (it is known after the call).
  double best = 0;
  std::string best_name;
  for (const AttributeStatistics& a : stats.attributes) {
    if (a.correlation_to_target && *a.correlation_to_target > best) {
      best = *a.correlation_to_target;
      best_name = a.name;
    }
  }
  EXPECT_EQ(best_name, "duration");
  EXPECT_EQ(stats.attribute_counts_by_type.at("NUMERIC"), 9u);
}

}  // namespace
}  // namespace openaml
