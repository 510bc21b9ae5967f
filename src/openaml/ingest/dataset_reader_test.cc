#include "openaml/ingest/dataset_reader.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace openaml {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Schema TwoColumns(bool header) {
  Schema schema;
  schema.attributes = {{"x", AttributeType::kNumeric}, {"y", AttributeType::kBinary}};
  schema.target = "y";
  schema.data_file_contains_header = header;
  return schema;
}

struct Collected {
  std::vector<std::string> xs;
  std::vector<uint32_t> files;
  std::vector<uint64_t> indexes;
};

Result<Collected> Collect(DataSetReader& reader) {
  Collected out;
  DataRow row;
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(bool more, reader.Next(&row));
    if (!more) return out;
    out.xs.emplace_back(row.fields[0]);
    out.files.push_back(row.file_index);
    out.indexes.push_back(row.record_index);
  }
}

std::vector<DataFile> ThreeFiles(size_t chunk = SIZE_MAX) {
  return {MakeMemoryDataFile("mem://a.csv", "x,y\n1,0\n2,1\n", chunk),
          MakeMemoryDataFile("mem://b.csv", "x,y\r\n3,0\r\n", chunk),
          MakeMemoryDataFile("mem://c.csv", "\xEF\xBB\xBFx,y\n4,1\n5,0\n6,1\n", chunk)};
}

TEST(DataSetReader, ReadsFilesInOrderSkippingEachHeader) {
  auto reader = DataSetReader::Make(ThreeFiles(), TwoColumns(true), DataRearrangement{}, DataSetOptions::Defaults());
  ASSERT_TRUE(reader.ok()) << reader.status();
  Result<Collected> rows = Collect(**reader);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->xs, ElementsAre("1", "2", "3", "4", "5", "6"));
  EXPECT_THAT(rows->files, ElementsAre(0, 0, 1, 2, 2, 2));
  EXPECT_THAT(rows->indexes, ElementsAre(0, 1, 2, 3, 4, 5));
  const IngestReport& report = (*reader)->report();
  EXPECT_EQ(report.records_read, 6u);
  EXPECT_EQ(report.records_selected, 6u);
  EXPECT_EQ(report.bad_records, 0u);
  EXPECT_EQ(report.bytes_read, 12u + 10u + 19u);
}

TEST(DataSetReader, WithoutHeaderTheFirstLineIsData) {
  auto reader = DataSetReader::Make({MakeMemoryDataFile("m", "1,0\n2,1\n")}, TwoColumns(false), DataRearrangement{},
                                    DataSetOptions::Defaults());
  ASSERT_TRUE(reader.ok());
  EXPECT_THAT(Collect(**reader)->xs, ElementsAre("1", "2"));
}

TEST(DataSetReader, SequentialSplitCountsAcrossFilesAndPartitions) {
  std::vector<std::string> seen;
  for (const char* spec : {"sequential:0-50", "sequential:50-100"}) {
    auto reader = DataSetReader::Make(ThreeFiles(3), TwoColumns(true), *DataRearrangement::FromSpec(spec),
                                      DataSetOptions::Defaults());
    ASSERT_TRUE(reader.ok());
    Result<Collected> rows = Collect(**reader);
    ASSERT_TRUE(rows.ok()) << rows.status();
    EXPECT_EQ(rows->xs.size(), 3u) << spec;
    seen.insert(seen.end(), rows->xs.begin(), rows->xs.end());
  }
  EXPECT_THAT(seen, ElementsAre("1", "2", "3", "4", "5", "6"));
}

TEST(DataSetReader, RandomSplitAndComplementPartitionTheDataset) {
  std::string a = "x,y\n";
  std::string b = "x,y\n";
  for (int i = 0; i < 3000; ++i) (i % 2 ? a : b) += std::to_string(i) + "," + std::to_string(i % 2) + "\n";
  auto files = [&] { return std::vector<DataFile>{MakeMemoryDataFile("a", a), MakeMemoryDataFile("b", b)}; };
  auto read = [&](const char* spec) {
    auto reader = DataSetReader::Make(files(), TwoColumns(true), *DataRearrangement::FromSpec(spec),
                                      DataSetOptions::Defaults());
    return Collect(**reader)->xs;
  };
  const std::vector<std::string> train = read("random:0-70:k");
  const std::vector<std::string> test = read("random:70-100:k");
  const std::vector<std::string> complement = read("random:0-70:k:complement");
  EXPECT_EQ(train.size() + test.size(), 3000u);
  EXPECT_EQ(test, complement);
  EXPECT_EQ(train, read("random:0-70:k"));  // deterministic
  std::vector<std::string> all = train;
  all.insert(all.end(), test.begin(), test.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_NEAR(train.size() / 3000.0, 0.7, 0.04);
}

TEST(DataSetReader, ReportsBadRecordsWithFileAndOffset) {
  auto reader = DataSetReader::Make({MakeMemoryDataFile("mem://a.csv", "x,y\n1\n2,1\n"),
                                     MakeMemoryDataFile("mem://b.csv", "x,y\n3,0,9\n")},
                                    TwoColumns(true), DataRearrangement{}, DataSetOptions::Defaults());
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> log;
  (*reader)->set_bad_record_handler([&log](const std::string& uri, const BadRecord& bad) {
    log.push_back(uri + " " + std::to_string(bad.byte_offset) + " " + bad.reason);
  });
  EXPECT_THAT(Collect(**reader)->xs, ElementsAre("2"));
  EXPECT_THAT(log, ElementsAre("mem://a.csv 4 InvalidDataException: Not enough fields in record.",
                               "mem://b.csv 4 InvalidDataException: Too many fields in record."));
  EXPECT_EQ((*reader)->report().bad_records, 2u);
  ASSERT_EQ((*reader)->report().first_bad_records.size(), 2u);
  EXPECT_EQ((*reader)->report().first_bad_records[1].first, "mem://b.csv");
}

TEST(DataSetReader, FailsPastTheBadRecordLimit) {
  std::string text = "x,y\n";
  for (int i = 0; i < 10001; ++i) text += "1\n";
  text += "2,0\n";
  auto reader = DataSetReader::Make({MakeMemoryDataFile("mem://a.csv", text)}, TwoColumns(true), DataRearrangement{},
                                    DataSetOptions::Defaults());
  ASSERT_TRUE(reader.ok());
  Result<Collected> rows = Collect(**reader);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("More than 10000 records were rejected"));
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("mem://a.csv at byte offset 4"));

  // Exactly 10,000 bad records is still fine (spec §4.5: more than 10,000 fails).
  text = "x,y\n";
  for (int i = 0; i < 10000; ++i) text += "1\n";
  text += "2,0\n";
  reader = DataSetReader::Make({MakeMemoryDataFile("mem://a.csv", text)}, TwoColumns(true), DataRearrangement{},
                               DataSetOptions::Defaults());
  rows = Collect(**reader);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(rows->xs, ElementsAre("2"));
}

TEST(DataSetReader, BadRecordLimitAppliesInTheCountPassToo) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "1\n";
  DataSetOptions options;
  options.max_bad_records = 5;
  auto reader = DataSetReader::Make({MakeMemoryDataFile("m", text)}, TwoColumns(false),
                                    *DataRearrangement::FromSpec("sequential:0-70"), options);
  EXPECT_EQ(Collect(**reader).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DataSetReader, HeaderWithWrongColumnCountFailsClearly) {
  auto reader = DataSetReader::Make({MakeMemoryDataFile("mem://a.csv", "x,y,z\n1,2,3\n")}, TwoColumns(true),
                                    DataRearrangement{}, DataSetOptions::Defaults());
  Result<Collected> rows = Collect(**reader);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(std::string(rows.status().message()),
              HasSubstr("mem://a.csv: the header has 3 columns but the schema has 2 attributes"));
}

TEST(DataSetReader, StopsReadingAFileOnceItIsBoundToFail) {
  // 20,000 records of 3 fields against a 2-attribute schema with a 3-column header: the header mismatch is
  // reported, and the reader stops at the first bad record instead of reading on.
  std::string text = "x,y,z\n";
  for (int i = 0; i < 20000; ++i) text += "1,2,3\n";
  auto reader = DataSetReader::Make({MakeMemoryDataFile("mem://a.csv", text)}, TwoColumns(true), DataRearrangement{},
                                    DataSetOptions::Defaults());
  Result<Collected> rows = Collect(**reader);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("the header has 3 columns"));
  EXPECT_EQ((*reader)->report().bad_records, 1u);
}

TEST(DataSetReader, RewindStartsAgain) {
  auto reader = DataSetReader::Make(ThreeFiles(), TwoColumns(true), *DataRearrangement::FromSpec("sequential:0-50"),
                                    DataSetOptions::Defaults());
  ASSERT_TRUE(reader.ok());
  const std::vector<std::string> first = Collect(**reader)->xs;
  ASSERT_TRUE((*reader)->Rewind().ok());
  EXPECT_EQ(Collect(**reader)->xs, first);
  EXPECT_EQ((*reader)->report().records_selected, 3u);
}

TEST(DataSetReader, OpenFailuresNameTheFile) {
  DataFile missing{"file:///nope.csv", 0, [] { return OpenLocalFile("/nonexistent/nope.csv"); }};
  auto reader = DataSetReader::Make({missing}, TwoColumns(false), DataRearrangement{}, DataSetOptions::Defaults());
  Result<Collected> rows = Collect(**reader);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("file:///nope.csv"));
  EXPECT_FALSE(DataSetReader::Make({}, TwoColumns(false), DataRearrangement{}, DataSetOptions::Defaults()).ok());
}

}  // namespace
}  // namespace openaml

namespace openaml {
namespace {

TEST(InferSchemaFromFiles, GuessesTheBankingTypesLikeTheConsole) {
  // Spec §4.6 / §15.1: the console's types for banking.csv. `previous` is all 0 in the first 1,000
  // records, so it comes out NUMERIC (as the console inferred it), not BINARY as in AWS's sample schema.
  Result<std::vector<DataFile>> files =
      ListLocalDataFiles(std::string(OPENAML_SOURCE_DIR) + "/examples/banking/banking.csv");
  ASSERT_TRUE(files.ok());
  InferenceOptions options;
  options.target = "y";
  Result<Schema> schema = InferSchemaFromFiles(*files, options);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE(schema->data_file_contains_header);
  EXPECT_EQ(schema->target, "y");
  ASSERT_EQ(schema->attributes.size(), 21u);
  const std::set<std::string> numeric = {"age",          "duration",       "campaign",      "pdays",
                                         "previous",     "emp_var_rate",   "cons_price_idx", "cons_conf_idx",
                                         "euribor3m",    "nr_employed"};
  for (const Attribute& a : schema->attributes) {
    const AttributeType expected = a.name == "y"                 ? AttributeType::kBinary
                                   : numeric.contains(a.name)    ? AttributeType::kNumeric
                                                                 : AttributeType::kCategorical;
    EXPECT_EQ(a.type, expected) << a.name;
  }
  // The batch file has no target column.
  Result<std::vector<DataFile>> batch =
      ListLocalDataFiles(std::string(OPENAML_SOURCE_DIR) + "/examples/banking/banking-batch.csv");
  Result<Schema> batch_schema = InferSchemaFromFiles(*batch, InferenceOptions::Defaults());
  ASSERT_TRUE(batch_schema.ok());
  EXPECT_EQ(batch_schema->attributes.size(), 20u);
  EXPECT_EQ(batch_schema->attributes[13].name, "previous");
}

TEST(InferSchemaFromFiles, ReportsEmptyFiles) {
  Result<Schema> schema = InferSchemaFromFiles({MakeMemoryDataFile("mem://empty.csv", "\n\n")}, InferenceOptions::Defaults());
  ASSERT_FALSE(schema.ok());
  EXPECT_THAT(std::string(schema.status().message()), HasSubstr("mem://empty.csv: no records"));
}

}  // namespace
}  // namespace openaml
