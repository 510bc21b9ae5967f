#include "openaml/storage/databases/column_types.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mysql.h"
#include "openaml/storage/databases/csv_stage_writer_internal.h"
#include "openaml/storage/databases/test_util_internal.h"

namespace openaml::databases {
namespace {

using testing_internal::MemorySink;

// Spec §4.7, by PostgreSQL type OID.
TEST(PostgresTypeClass, FollowsTheRedshiftMapping) {
  struct Case {
    uint32_t oid;
    ColumnTypeClass expected;
  };
  for (const Case& c : std::vector<Case>{{21, ColumnTypeClass::kNumeric},     // smallint
                                         {23, ColumnTypeClass::kNumeric},     // integer
                                         {20, ColumnTypeClass::kNumeric},     // bigint
                                         {1700, ColumnTypeClass::kNumeric},   // decimal
                                         {700, ColumnTypeClass::kNumeric},    // real
                                         {701, ColumnTypeClass::kNumeric},    // double precision
                                         {16, ColumnTypeClass::kBoolean},     // boolean
                                         {1042, ColumnTypeClass::kFixedChar}, // char(n)
                                         {1043, ColumnTypeClass::kText},      // varchar
                                         {25, ColumnTypeClass::kText},        // text
                                         {1082, ColumnTypeClass::kText},      // date
                                         {1114, ColumnTypeClass::kText},      // timestamp
                                         {17, ColumnTypeClass::kText},        // bytea: unrecognised
                                         {999999, ColumnTypeClass::kText}}) {
    EXPECT_EQ(PostgresTypeClass(c.oid), c.expected) << c.oid;
  }
  EXPECT_EQ(PostgresTypeName(23), "int4");
  EXPECT_EQ(PostgresTypeName(999999), "oid 999999");
}

TEST(MysqlTypeClass, FollowsTheRedshiftMapping) {
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_TINY, 1), ColumnTypeClass::kBoolean);  // BOOLEAN = TINYINT(1)
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_TINY, 4), ColumnTypeClass::kNumeric);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_BIT, 1), ColumnTypeClass::kBoolean);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_LONG, 11), ColumnTypeClass::kNumeric);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_NEWDECIMAL, 10), ColumnTypeClass::kNumeric);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_DOUBLE, 22), ColumnTypeClass::kNumeric);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_STRING, 4), ColumnTypeClass::kFixedChar);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_VAR_STRING, 40), ColumnTypeClass::kText);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_BLOB, 65535), ColumnTypeClass::kText);
  EXPECT_EQ(MysqlTypeClass(MYSQL_TYPE_DATE, 10), ColumnTypeClass::kText);
  EXPECT_EQ(MysqlTypeName(MYSQL_TYPE_NEWDECIMAL), "NEWDECIMAL");
}

TEST(DecideAttributeType, MapsClassesAndRefinesWithTheSample) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kNumeric, V{"1", "2"}), AttributeType::kNumeric);
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kBoolean, V{"1", "0", ""}), AttributeType::kBinary);
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kBoolean, V{"1", "1"}), AttributeType::kBinary);
  // Spec §4.7: 0/1/2 in a boolean-looking column is NUMERIC.
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kBoolean, V{"0", "1", "2"}), AttributeType::kNumeric);
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kFixedChar, V{"ab", "cd"}), AttributeType::kCategorical);
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kText, V{"married", "single"}), AttributeType::kCategorical);
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kText, V{"12", "13"}), AttributeType::kCategorical);
  std::string long_text =
      "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
      "eighteen nineteen twenty twentyone";
  EXPECT_EQ(DecideAttributeType(ColumnTypeClass::kText, V{"short", long_text}), AttributeType::kText);
}

TEST(UniqueColumnNames, TrimsNamesEmptyAndRepeatedOnes) {
  EXPECT_EQ(UniqueColumnNames({" a ", "", "a", "a", "?column?", "?column?"}),
            (std::vector<std::string>{"a", "Var2", "a_2", "a_3", "?column?", "?column?_2"}));
}

TEST(AppendCsvField, QuotesOnlyWhenNeeded) {
  struct Case {
    std::string_view value;
    std::string_view csv;
  };
  for (const Case& c : std::vector<Case>{{"plain", "plain"},
                                         {"", ""},
                                         {"a,b", "\"a,b\""},
                                         {"say \"hi\"", "\"say \"\"hi\"\"\""},
                                         {"line\nbreak", "\"line\nbreak\""},
                                         {"cr\r", "\"cr\r\""},
                                         {" padded", "\" padded\""},
                                         {"tab\t", "\"tab\t\""},
                                         {"in side", "in side"},
                                         {std::string_view("nul\0byte", 8), std::string_view("nul\0byte", 8)}}) {
    std::string out;
    AppendCsvField(c.value, &out);
    EXPECT_EQ(out, c.csv) << c.value;
  }
}

TEST(ScrubSecret, ReplacesEveryOccurrence) {
  EXPECT_EQ(ScrubSecret("pw=hunter22 and hunter22", "hunter22"), "pw=*** and ***");
  EXPECT_EQ(ScrubSecret("nothing here", "hunter22"), "nothing here");
  EXPECT_EQ(ScrubSecret("kept", ""), "kept");
}

TEST(TrimQuery, DropsTrailingSemicolonsAndSpace) {
  EXPECT_EQ(TrimQuery("SELECT 1; \n;"), "SELECT 1");
  EXPECT_EQ(TrimQuery("SELECT ';'"), "SELECT ';'");
  EXPECT_EQ(TrimQuery(" ;"), "");
}

TEST(CsvStageWriter, WritesHeaderRowsAndSchemaThenCommits) {
  MemorySink sink;
  CsvStageWriter writer(sink, 1000);
  ASSERT_TRUE(writer
                  .Begin({{"id", "int4", ColumnTypeClass::kNumeric},
                          {"flag", "bool", ColumnTypeClass::kBoolean},
                          {"id", "varchar", ColumnTypeClass::kText}})
                  .ok());
  writer.AddField("1", false);
  writer.AddField("1", false);
  writer.AddField("a,b", false);
  ASSERT_TRUE(writer.EndRow().ok());
  writer.AddField({}, true);
  writer.AddField("0", false);
  writer.AddField({}, true);
  ASSERT_TRUE(writer.EndRow().ok());
  auto result = writer.Finish();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(sink.committed());
  EXPECT_EQ(sink.data(), "id,flag,id_2\n1,1,\"a,b\"\n,0,\n");
  EXPECT_EQ(result->row_count, 2u);
  EXPECT_EQ(result->byte_count, sink.data().size());
  EXPECT_EQ(result->schema.ToJson(),
            Schema::FromJson(R"({"version":"1.0","dataFormat":"CSV","dataFileContainsHeader":true,"attributes":[
              {"attributeName":"id","attributeType":"NUMERIC"},{"attributeName":"flag","attributeType":"BINARY"},
              {"attributeName":"id_2","attributeType":"CATEGORICAL"}]})")
                ->ToJson());
}

TEST(CsvStageWriter, NoRowsLeavesTheSinkUncommitted) {
  MemorySink sink;
  CsvStageWriter writer(sink, 10);
  ASSERT_TRUE(writer.Begin({{"a", "int4", ColumnTypeClass::kNumeric}}).ok());
  auto result = writer.Finish();
  EXPECT_TRUE(absl::IsInvalidArgument(result.status()));
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("no rows"));
  EXPECT_FALSE(sink.committed());
}

TEST(CsvStageWriter, RejectsTooManyOrNoColumns) {
  MemorySink sink;
  CsvStageWriter writer(sink, 10);
  EXPECT_TRUE(absl::IsInvalidArgument(writer.Begin({})));
  std::vector<ColumnDescription> columns(Schema::kMaxAttributes + 1, {"c", "int4", ColumnTypeClass::kNumeric});
  EXPECT_TRUE(absl::IsInvalidArgument(writer.Begin(columns)));
}

TEST(CsvStageWriter, FlushesLargeResultsInBoundedChunks) {
  // A sink recording the largest single write: the writer must not hold the whole result.
  class MaxWriteSink : public ByteSink {
   public:
    Status Write(std::string_view data) override {
      max_write = std::max(max_write, data.size());
      total += data.size();
      return absl::OkStatus();
    }
    Status Commit() override { return absl::OkStatus(); }
    size_t max_write = 0;
    size_t total = 0;
  } sink;
  CsvStageWriter writer(sink, 10);
  ASSERT_TRUE(writer.Begin({{"text", "text", ColumnTypeClass::kText}}).ok());
  std::string value(1000, 'x');
  for (int row_idx = 0; row_idx < 10000; ++row_idx) {
    writer.AddField(value, false);
    ASSERT_TRUE(writer.EndRow().ok());
  }
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_GT(sink.total, 10'000'000u);
  EXPECT_LT(sink.max_write, 300'000u);
}

}  // namespace
}  // namespace openaml::databases
