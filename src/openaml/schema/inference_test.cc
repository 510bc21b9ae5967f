#include "openaml/schema/inference.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace openaml {
namespace {

using ::testing::HasSubstr;
using Records = std::vector<std::vector<std::string>>;

AttributeType Infer(std::vector<std::string_view> values) { return InferAttributeType(values); }

TEST(InferAttributeType, LoosensAlongTheLadder) {
  EXPECT_EQ(Infer({"0", "1", "1", "", "0"}), AttributeType::kBinary);
  EXPECT_EQ(Infer({"0", "0", "0"}), AttributeType::kNumeric);  // like `previous` in banking.csv's first 1,000
  EXPECT_EQ(Infer({"1", "1"}), AttributeType::kNumeric);
  EXPECT_EQ(Infer({"0", "1", "2"}), AttributeType::kNumeric);
  EXPECT_EQ(Infer({"1.5", "-3", "1e3", " 7 "}), AttributeType::kNumeric);
  EXPECT_EQ(Infer({"0", "1", "x"}), AttributeType::kCategorical);
  EXPECT_EQ(Infer({"yes", "no"}), AttributeType::kCategorical);  // spec §4.6: yes/no columns came out CATEGORICAL
  EXPECT_EQ(Infer({"12", "NA"}), AttributeType::kCategorical);
  EXPECT_EQ(Infer({"", " "}), AttributeType::kCategorical);
  EXPECT_EQ(Infer({}), AttributeType::kCategorical);
  const std::string long_text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                                "fifteen sixteen seventeen eighteen nineteen twenty twenty-one";
  EXPECT_EQ(Infer({"short", long_text}), AttributeType::kText);
  EXPECT_EQ(Infer({long_text, "5"}), AttributeType::kText);
}

TEST(InferSchema, DetectsHeaderAndTypes) {
  const Records records = {{"id", "age", "city", "y"}, {"7", "31", "Paris", "1"}, {"8", "", "Oslo", "0"}};
  InferenceOptions options;
  options.target = "y";
  options.row_id = "id";
  Result<Schema> schema = InferSchemaFromRecords(records, options);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE(schema->data_file_contains_header);
  ASSERT_EQ(schema->attributes.size(), 4u);
  EXPECT_EQ(schema->attributes[0].type, AttributeType::kNumeric);  // numeric IDs come out NUMERIC (spec §4.6)
  EXPECT_EQ(schema->attributes[1].type, AttributeType::kNumeric);
  EXPECT_EQ(schema->attributes[2].type, AttributeType::kCategorical);
  EXPECT_EQ(schema->attributes[3].type, AttributeType::kBinary);
  EXPECT_EQ(schema->target, "y");
  EXPECT_EQ(schema->row_id, "id");
}

TEST(InferSchema, NamesHeaderlessColumnsVarNN) {
  Records records;
  std::vector<std::string> row;
  for (int c = 0; c < 12; ++c) row.push_back(std::to_string(c));
  records.push_back(row);
  Result<Schema> schema = InferSchemaFromRecords(records, InferenceOptions::Defaults());
  ASSERT_TRUE(schema.ok());
  EXPECT_FALSE(schema->data_file_contains_header);
  EXPECT_EQ(schema->attributes[0].name, "Var01");
  EXPECT_EQ(schema->attributes[11].name, "Var12");
  Result<Schema> small = InferSchemaFromRecords({{"1", "2", "3"}}, InferenceOptions::Defaults());
  EXPECT_EQ(small->attributes[2].name, "Var3");
}

TEST(InferSchema, AllTextFirstRowIsDataWhenItsValuesRecur) {
  // No numeric column and the first row's values appear again: it is data, not a header.
  const Records records = {{"red", "small"}, {"blue", "small"}, {"red", "large"}};
  Result<Schema> schema = InferSchemaFromRecords(records, InferenceOptions::Defaults());
  ASSERT_TRUE(schema.ok());
  EXPECT_FALSE(schema->data_file_contains_header);
  // Unique first-row values over a text-only file: taken as a header, as the console did.
  Result<Schema> named = InferSchemaFromRecords({{"colour", "size"}, {"red", "small"}}, InferenceOptions::Defaults());
  EXPECT_TRUE(named->data_file_contains_header);
}

TEST(InferSchema, HeaderFlagCanBeForced) {
  InferenceOptions options;
  options.has_header = false;
  Result<Schema> schema = InferSchemaFromRecords({{"a", "b"}, {"1", "2"}}, options);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->attributes[0].name, "Var1");
  EXPECT_EQ(schema->attributes[0].type, AttributeType::kCategorical);
}

TEST(InferSchema, RepairsEmptyAndDuplicateHeaderNames) {
  InferenceOptions options;
  options.has_header = true;
  Result<Schema> schema = InferSchemaFromRecords({{"a", " ", "a", "a"}, {"1", "2", "3", "4"}}, options);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ(schema->attributes[1].name, "Var2");
  EXPECT_EQ(schema->attributes[2].name, "a_2");
  EXPECT_EQ(schema->attributes[3].name, "a_3");
}

TEST(InferSchema, RejectsUnknownTargetOrRowIdAndEmptyInput) {
  InferenceOptions options;
  options.target = "z";
  Result<Schema> schema = InferSchemaFromRecords({{"a", "b"}, {"1", "2"}}, options);
  ASSERT_FALSE(schema.ok());
  EXPECT_THAT(std::string(schema.status().message()), HasSubstr("target 'z' is not a column; the columns are: a, b"));
  options.target.reset();
  options.row_id = "q";
  EXPECT_THAT(std::string(InferSchemaFromRecords({{"a", "b"}, {"1", "2"}}, options).status().message()),
              HasSubstr("row id 'q' is not a column"));
  EXPECT_FALSE(InferSchemaFromRecords({}, InferenceOptions::Defaults()).ok());
  options.row_id.reset();
  options.target = "a";
  options.row_id = "a";
  EXPECT_FALSE(InferSchemaFromRecords({{"a", "b"}, {"1", "2"}}, options).ok());
}

TEST(InferSchema, SkipsRecordsWithAnotherFieldCount) {
  Result<Schema> schema =
      InferSchemaFromRecords({{"x", "y"}, {"1", "2"}, {"oops"}, {"3", "4"}}, InferenceOptions::Defaults());
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->attributes[0].type, AttributeType::kNumeric);
}

}  // namespace
}  // namespace openaml
