#include "openaml/stats/statistics.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
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
