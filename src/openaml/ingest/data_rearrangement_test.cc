#include "openaml/ingest/data_rearrangement.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace openaml {
namespace {

using ::testing::HasSubstr;

TEST(DataRearrangement, ParsesCanonicalForm) {
  Result<DataRearrangement> r = DataRearrangement::FromJson(
      R"({"splitting":{"percentBegin":0,"percentEnd":70,"complement":false,"strategy":"random",
          "strategyParams":{"randomSeed":"s3://bucket/banking.csv"}}})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->percent_begin, 0);
  EXPECT_EQ(r->percent_end, 70);
  EXPECT_FALSE(r->complement);
  EXPECT_EQ(r->strategy, SplitStrategy::kRandom);
  EXPECT_EQ(r->random_seed, "s3://bucket/banking.csv");
  EXPECT_FALSE(r->NeedsRecordCount());
}

TEST(DataRearrangement, EmptyOrBareSelectsAll) {
  for (const char* json : {"", "  ", "{}", R"({"splitting":{}})"}) {
    Result<DataRearrangement> r = DataRearrangement::FromJson(json);
    ASSERT_TRUE(r.ok()) << json;
    EXPECT_TRUE(r->SelectsAll()) << json;
  }
}

TEST(DataRearrangement, ToleratesVariantsSeenInTheWild) {
  // Spec §5.2: seed inside splitting, seed at the top level, complement as a string, sequential default.
  Result<DataRearrangement> a =
      DataRearrangement::FromJson(R"({"splitting":{"percentBegin":70,"percentEnd":100,"strategy":"random","randomSeed":"x"}})");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->random_seed, "x");
  Result<DataRearrangement> b = DataRearrangement::FromJson(
      R"({"splitting":{"percentBegin":"25","percentEnd":50,"complement":"true","strategy":"random"},"randomSeed":"y"})");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->random_seed, "y");
  EXPECT_TRUE(b->complement);
  EXPECT_EQ(b->percent_begin, 25);
  Result<DataRearrangement> c = DataRearrangement::FromJson(R"({"splitting":{"percentBegin":0,"percentEnd":70}})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->strategy, SplitStrategy::kSequential);
  EXPECT_TRUE(c->NeedsRecordCount());
}

TEST(DataRearrangement, RejectsInvalidForms) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "not valid JSON"},
      {"[]", "expected a JSON object"},
      {R"({"splitting":{"percentBegin":-1}})", "splitting.percentBegin: -1 is not between 0 and 100"},
      {R"({"splitting":{"percentEnd":101}})", "splitting.percentEnd: 101 is not between 0 and 100"},
      {R"({"splitting":{"percentEnd":50.5}})", "is not an integer"},
      {R"({"splitting":{"percentEnd":"x"}})", "is not an integer"},
      {R"({"splitting":{"percentBegin":80,"percentEnd":20}})", "percentBegin (80) is greater than percentEnd (20)"},
      {R"({"splitting":{"strategy":"shuffle"}})", "'shuffle' is not \"sequential\" or \"random\""},
      {R"({"splitting":{"complement":"maybe"}})", "splitting.complement: \"maybe\" is not true or false"},
      {R"({"splitting":{"percentage":5}})", "splitting: unknown field 'percentage'"},
      {R"({"splitting":{"strategyParams":{"seed":"x"}}})", "unknown field 'seed'"},
      {R"({"splitting":[]})", "splitting: expected an object"},
      {R"({"split":{}})", "unknown field 'split'"},
  };
  for (const auto& [json, message] : cases) {
    Result<DataRearrangement> r = DataRearrangement::FromJson(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(message)) << json;
  }
}

TEST(DataRearrangement, ParsesCommandLineSpecs) {
  Result<DataRearrangement> r = DataRearrangement::FromSpec("random:0-70:s3://b/k:complement");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->strategy, SplitStrategy::kRandom);
  EXPECT_EQ(r->percent_end, 70);
  EXPECT_EQ(r->random_seed, "s3://b/k");
  EXPECT_TRUE(r->complement);
  r = DataRearrangement::FromSpec("sequential:70-100");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->percent_begin, 70);
  EXPECT_FALSE(r->complement);
  EXPECT_TRUE(DataRearrangement::FromSpec("")->SelectsAll());
  for (const char* bad : {"random", "random:70", "random:a-b", "random:80-20", "mixed:0-70", "random:0-101",
                          "random:-1-50", "random:0-70-80"}) {
    EXPECT_FALSE(DataRearrangement::FromSpec(bad).ok()) << bad;
  }
}

TEST(DataRearrangement, RandomRangeAndComplementPartitionExactly) {
  // Spec §5.2: 0-70 and 70-100 with one seed, and 0-70 with its complement, put each record on exactly one
  // side; the same seed gives the same split; another seed gives another.
  DataRearrangement train = *DataRearrangement::FromSpec("random:0-70:seed");
  DataRearrangement test = *DataRearrangement::FromSpec("random:70-100:seed");
  DataRearrangement complement = *DataRearrangement::FromSpec("random:0-70:seed:complement");
  DataRearrangement other = *DataRearrangement::FromSpec("random:0-70:other");
  int selected = 0;
  int differs = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const uint64_t offset = static_cast<uint64_t>(i) * 117;
    const bool in_train = train.Selects(0, offset, i, 0);
    EXPECT_NE(in_train, test.Selects(0, offset, i, 0));
    EXPECT_EQ(test.Selects(0, offset, i, 0), complement.Selects(0, offset, i, 0));
    EXPECT_EQ(in_train, train.Selects(0, offset, i, 0));
    selected += in_train;
    differs += in_train != other.Selects(0, offset, i, 0);
  }
  EXPECT_NEAR(selected / static_cast<double>(n), 0.70, 0.01);
  EXPECT_GT(differs, n / 10);
}

TEST(DataRearrangement, RandomSplitDependsOnFileIndex) {
  DataRearrangement r = *DataRearrangement::FromSpec("random:0-50:s");
  int differs = 0;
  for (uint64_t offset = 0; offset < 1000; ++offset) differs += r.Selects(0, offset, 0, 0) != r.Selects(1, offset, 0, 0);
  EXPECT_GT(differs, 300);
}

TEST(DataRearrangement, SequentialTakesThePercentRangeInOrder) {
  DataRearrangement first = *DataRearrangement::FromSpec("sequential:0-70");
  DataRearrangement last = *DataRearrangement::FromSpec("sequential:70-100");
  for (uint64_t count : {1u, 3u, 10u, 41188u}) {
    uint64_t in_first = 0;
    for (uint64_t i = 0; i < count; ++i) {
      const bool a = first.Selects(0, 0, i, count);
      EXPECT_NE(a, last.Selects(0, 0, i, count));
      if (a) {
        EXPECT_EQ(in_first, i) << "the first range is a prefix";
        ++in_first;
      }
    }
    EXPECT_EQ(in_first, (count * 70 + 99) / 100) << count;  // indexes i with i*100 < 70*count
  }
}

TEST(DataRearrangement, DegenerateRanges) {
  DataRearrangement empty = *DataRearrangement::FromSpec("random:30-30:s");
  DataRearrangement all = *DataRearrangement::FromSpec("random:0-100:s");
  DataRearrangement none = *DataRearrangement::FromSpec("random:0-100:s:complement");
  for (uint64_t offset = 0; offset < 1000; ++offset) {
    EXPECT_FALSE(empty.Selects(0, offset, 0, 0));
    EXPECT_TRUE(all.Selects(0, offset, 0, 0));
    EXPECT_FALSE(none.Selects(0, offset, 0, 0));
  }
}

}  // namespace
}  // namespace openaml
