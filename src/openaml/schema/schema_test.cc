#include "openaml/schema/schema.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace openaml {
namespace {

using ::testing::HasSubstr;

constexpr const char* kCanonical = R"({"version": "1.0", "rowId": "customerId", "rowWeight": null,
 "targetAttributeName": "willRespondToCampaign", "dataFormat": "CSV", "dataFileContainsHeader": false,
 "attributes": [{"attributeName": "customerId", "attributeType": "CATEGORICAL"},
                {"attributeName": "jobDescription", "attributeType": "TEXT"},
                {"attributeName": "campaign", "attributeType": "NUMERIC"},
                {"attributeName": "willRespondToCampaign", "attributeType": "BINARY"}],
 "excludedAttributeNames": []})";

TEST(Schema, ParsesCanonicalForm) {
  Result<Schema> schema = Schema::FromJson(kCanonical);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ(schema->row_id, "customerId");
  EXPECT_EQ(schema->target, "willRespondToCampaign");
  EXPECT_FALSE(schema->row_weight.has_value());
  EXPECT_FALSE(schema->data_file_contains_header);
  ASSERT_EQ(schema->attributes.size(), 4u);
  EXPECT_EQ(schema->attributes[1].type, AttributeType::kText);
  EXPECT_EQ(schema->target_index(), 3);
  EXPECT_EQ(schema->row_id_index(), 0);
  EXPECT_FALSE(schema->IsInput(0));
  EXPECT_TRUE(schema->IsInput(1));
  EXPECT_TRUE(schema->IsInput(2));
  EXPECT_FALSE(schema->IsInput(3));
  EXPECT_FALSE(schema->IsInput(4));
  EXPECT_FALSE(schema->IsInput(-1));
}

TEST(Schema, RoundTripsThroughCanonicalJson) {
  Result<Schema> schema = Schema::FromJson(kCanonical);
  ASSERT_TRUE(schema.ok());
  const std::string json = schema->ToJson();
  EXPECT_EQ(json.find("{\"version\":\"1.0\",\"rowId\":\"customerId\",\"rowWeight\":null,"), 0u) << json;
  Result<Schema> again = Schema::FromJson(json);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToJson(), json);
  EXPECT_EQ(Schema::FromJson(schema->ToPrettyJson())->ToJson(), json);
}

TEST(Schema, WritesNullsForAbsentNames) {
  Schema schema;
  schema.attributes = {{"a", AttributeType::kNumeric}};
  EXPECT_EQ(schema.ToJson(),
            R"({"version":"1.0","rowId":null,"rowWeight":null,"targetAttributeName":null,"dataFormat":"CSV",)"
            R"("dataFileContainsHeader":false,"attributes":[{"attributeName":"a","attributeType":"NUMERIC"}],)"
            R"("excludedAttributeNames":[]})");
}

TEST(Schema, ReadsBankingExampleSchemas) {
  for (const char* name : {"banking.csv.schema", "banking-batch.csv.schema"}) {
    std::ifstream in(std::string(OPENAML_SOURCE_DIR) + "/examples/banking/" + name);
    if (!in) GTEST_SKIP() << name << " not present";
    std::stringstream text;
    text << in.rdbuf();
    Result<Schema> schema = Schema::FromJson(text.str());
    ASSERT_TRUE(schema.ok()) << name << ": " << schema.status();
    EXPECT_TRUE(schema->data_file_contains_header);
  }
}

TEST(Schema, AcceptsOldApiReferenceAliases) {
  Result<Schema> schema = Schema::FromJson(R"({"version":"1.0","recordAnnotationFieldName":"id",
    "targetFieldName":"y","variables":[{"fieldName":"id","fieldType":"CATEGORICAL"},
    {"fieldName":"y","fieldType":"BINARY"}],"excludedVariableNames":[]})");
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ(schema->row_id, "id");
  EXPECT_EQ(schema->target, "y");
}

TEST(Schema, AcceptsStringHeaderFlagAndEmptyNamesAsNull) {
  Result<Schema> schema = Schema::FromJson(R"({"dataFileContainsHeader":"true","targetAttributeName":"",
    "attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})");
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE(schema->data_file_contains_header);
  EXPECT_FALSE(schema->target.has_value());
}

struct ErrorCase {
  const char* json;
  const char* message;
};

TEST(Schema, RejectsEveryInvalidFormWithAPreciseMessage) {
  const ErrorCase cases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[1,2]", "expected a JSON object, got array"},
      {"null", "expected a JSON object"},
      {R"({"version":"2.0","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "version: '2.0' is not supported"},
      {R"({"version":1,"attributes":[]})", "version: expected a string"},
      {R"({"dataFormat":"JSON","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "dataFormat: 'JSON' is not supported"},
      {R"({"dataFileContainsHeader":"yes","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "dataFileContainsHeader: expected true or false"},
      {R"({"version":"1.0"})", "attributes: missing"},
      {R"({"attributes":{}})", "attributes: expected an array, got object"},
      {R"({"attributes":[]})", "at least one attribute"},
      {R"({"attributes":[1]})", "attributes[0]: expected an object, got number"},
      {R"({"attributes":[{"attributeType":"NUMERIC"}]})", "attributes[0].attributeName: missing or not a string"},
      {R"({"attributes":[{"attributeName":"a"}]})", "attributes[0].attributeType: missing or not a string"},
      {R"({"attributes":[{"attributeName":"a","attributeType":"NUMBER"}]})",
       "attributes[0].attributeType: 'NUMBER' is not one of BINARY, CATEGORICAL, NUMERIC, TEXT"},
      {R"({"attributes":[{"attributeName":"a","attributeType":"WEIGHTED_INT_SEQUENCE"}]})",
       "attributes[0].attributeType: 'WEIGHTED_INT_SEQUENCE' is not one of"},
      {R"({"attributes":[{"attributeName":"a","attributeType":"numeric"}]})", "'numeric' is not one of"},
      {R"({"attributes":[{"attributeName":"a","attributeType":"NUMERIC","extra":1}]})",
       "attributes[0]: unknown field 'extra'"},
      {R"({"attributes":[{"attributeName":"","attributeType":"NUMERIC"}]})",
       "attributes[0].attributeName: must not be empty"},
      {R"({"attributes":[{"attributeName":"a","attributeType":"NUMERIC"},{"attributeName":"a","attributeType":"TEXT"}]})",
       "attributes[1].attributeName: duplicate attribute name 'a'"},
      {R"({"targetAttributeName":"z","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "targetAttributeName 'z' is not an attribute"},
      {R"({"targetAttributeName":5,"attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "targetAttributeName: expected a string or null, got number"},
      {R"({"rowId":"z","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "rowId 'z' is not an attribute"},
      {R"({"rowWeight":"z","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "rowWeight 'z' is not an attribute"},
      {R"({"rowId":"a","targetAttributeName":"a","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "rowId 'a' is also the targetAttributeName"},
      {R"({"excludedAttributeNames":["q"],"attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "excludedAttributeNames[0]: 'q' is not an attribute"},
      {R"({"excludedAttributeNames":"a","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "excludedAttributeNames: expected an array"},
      {R"({"excludedAttributeNames":[1],"attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "excludedAttributeNames[0]: expected a string"},
      {R"({"excludedAttributeNames":["a","a"],"attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "excludedAttributeNames[1]: 'a' is listed twice"},
      {R"({"targetAttributeName":"a","excludedAttributeNames":["a"],"attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "excludedAttributeNames[0]: 'a' is the targetAttributeName"},
      {R"({"colour":"red","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "unknown schema field 'colour'"},
      {R"({"targetAttributeName":"a","targetFieldName":"a","attributes":[{"attributeName":"a","attributeType":"NUMERIC"}]})",
       "both 'targetAttributeName' and its alias 'targetFieldName'"},
  };
  for (const ErrorCase& c : cases) {
    Result<Schema> schema = Schema::FromJson(c.json);
    ASSERT_FALSE(schema.ok()) << c.json;
    EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(schema.status().message()), HasSubstr(c.message)) << c.json;
  }
}

TEST(Schema, RejectsMoreThanAThousandAttributes) {
  std::string json = R"({"attributes":[)";
  for (int i = 0; i < 1001; ++i) {
    json += (i ? "," : "") + std::string(R"({"attributeName":"a)") + std::to_string(i) +
            R"(","attributeType":"NUMERIC"})";
  }
  json += "]}";
  Result<Schema> schema = Schema::FromJson(json);
  ASSERT_FALSE(schema.ok());
  EXPECT_THAT(std::string(schema.status().message()), HasSubstr("more than the limit of 1000"));
}

TEST(Schema, SurvivesHostileInput) {
  // Deep nesting, invalid UTF-8 names, huge numbers: an error or a schema, never a crash.
  std::string deep(100000, '[');
  EXPECT_FALSE(Schema::FromJson(deep).ok());
  Result<Schema> odd = Schema::FromJson("{\"attributes\":[{\"attributeName\":\"\xff\xfe\",\"attributeType\":\"TEXT\"}]}");
  if (odd.ok()) EXPECT_FALSE(odd->ToJson().empty());
  EXPECT_FALSE(Schema::FromJson(R"({"attributes":[{"attributeName":1e999,"attributeType":"TEXT"}]})").ok());
}

TEST(AttributeType, NamesRoundTrip) {
  for (AttributeType t : {AttributeType::kBinary, AttributeType::kCategorical, AttributeType::kNumeric,
                          AttributeType::kText}) {
    EXPECT_EQ(*ParseAttributeType(AttributeTypeName(t)), t);
  }
}

}  // namespace
}  // namespace openaml
