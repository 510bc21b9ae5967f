// The Amazon ML handlers called directly (no HTTP), with jobs held PENDING: validation, errors, idempotency,
// Get/Update/Delete, Describe filters / sort / pagination, tags, durability.
#include <gtest/gtest.h>

#include "openaml/service/ml_api_test_util.h"

namespace openaml::service {
namespace {

const char* kSchema = R"({"version":"1.0","targetAttributeName":"y","dataFormat":"CSV",
  "dataFileContainsHeader":true,"attributes":[{"attributeName":"x","attributeType":"NUMERIC"},
  {"attributeName":"c","attributeType":"CATEGORICAL"},{"attributeName":"y","attributeType":"BINARY"}]})";

class MlApiTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    OpenApi(/*run_jobs=*/false);
  }

  nlohmann::json DataSourceRequest(const std::string& id, bool statistics = true) {
    return {{"DataSourceId", id},
            {"DataSpec", {{"DataLocationS3", "s3://bucket/data.csv"}, {"DataSchema", kSchema}}},
            {"ComputeStatistics", statistics}};
  }
  void CreateDataSource(const std::string& id, bool statistics = true, const std::string& name = "") {
    nlohmann::json request = DataSourceRequest(id, statistics);
    if (!name.empty()) request["DataSourceName"] = name;
    CallResult r = Call("CreateDataSourceFromS3", request);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void CreateModel(const std::string& id, const std::string& ds) {
    CallResult r = Call("CreateMLModel", {{"MLModelId", id}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", ds}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void ExpectError(const CallResult& r, int status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.error_type(), type) << r.body;
    EXPECT_FALSE(r.message().empty());
  }
};

// ---- protocol ----------------------------------------------------------------------------------------------

TEST_F(MlApiTest, UnknownOperationIsUnknownOperationException) {
  ExpectError(CallRaw("AmazonML_20141212.Frobnicate", "{}"), 400, "UnknownOperationException");
  ExpectError(CallRaw("SomethingElse.GetDataSource", "{}"), 400, "UnknownOperationException");
  ExpectError(CallRaw("", "{}"), 400, "UnknownOperationException");
}

TEST_F(MlApiTest, MalformedBodiesAreSerializationExceptions) {
  for (std::string body : {"{", "{\"DataSourceId\": ", "[1,2]", "\"text\"", "nul", "{\"a\":1}}", "\xff\xfe"}) {
    ExpectError(CallRaw("AmazonML_20141212.GetDataSource", body), 400, "SerializationException");
  }
  std::string deep(10000, '[');
  ExpectError(CallRaw("AmazonML_20141212.GetDataSource", deep), 400, "SerializationException");
  std::string huge = "{\"DataSourceId\":\"" + std::string(5 << 20, 'a') + "\"}";
  ExpectError(CallRaw("AmazonML_20141212.GetDataSource", huge), 400, "SerializationException");
}

TEST_F(MlApiTest, EmptyBodyCountsAsEmptyObject) {
  CallResult r = CallRaw("AmazonML_20141212.DescribeDataSources", "");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body["Results"].is_array());
}

TEST_F(MlApiTest, WrongJsonTypesAreInvalidInput) {
  ExpectError(Call("GetDataSource", {{"DataSourceId", 5}}), 400, "InvalidInputException");
  ExpectError(Call("GetDataSource", {{"DataSourceId", "ds"}, {"Verbose", "true"}}), 400, "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3", {{"DataSourceId", "ds"}, {"DataSpec", "s3://bucket/x"}}), 400,
              "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"Limit", "5"}}), 400, "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"Limit", 2.5}}), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", {{"MLModelId", "m"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "d"},
                                     {"Parameters", {{"sgd.maxPasses", 5}}}}),
              400, "InvalidInputException");
  ExpectError(Call("UpdateMLModel", {{"MLModelId", "m"}, {"ScoreThreshold", "0.5"}}), 400, "InvalidInputException");
  // Tags as an object instead of a list.
  ExpectError(Call("AddTags", {{"ResourceId", "d"}, {"ResourceType", "DataSource"}, {"Tags", {{"k", "v"}}}}), 400,
              "InvalidInputException");
}

TEST_F(MlApiTest, IdsAndNamesFollowTheModelConstraints) {
  ExpectError(Call("GetDataSource", {{"DataSourceId", ""}}), 400, "InvalidInputException");
  ExpectError(Call("GetDataSource", {{"DataSourceId", std::string(65, 'a')}}), 400, "InvalidInputException");
  ExpectError(Call("GetDataSource", {{"DataSourceId", "has space"}}), 400, "InvalidInputException");
  ExpectError(Call("GetDataSource", {{"DataSourceId", "semi;colon"}}), 400, "InvalidInputException");
  ExpectError(Call("GetDataSource", {}), 400, "InvalidInputException");
  // 64 characters of the allowed set are fine (the entity just does not exist).
  ExpectError(Call("GetDataSource", {{"DataSourceId", std::string(62, 'a') + ".-"}}), 404, "ResourceNotFoundException");
  nlohmann::json request = DataSourceRequest("ds-name");
  request["DataSourceName"] = "   ";
  ExpectError(Call("CreateDataSourceFromS3", request), 400, "InvalidInputException");
  request["DataSourceName"] = std::string(1025, 'n');
  ExpectError(Call("CreateDataSourceFromS3", request), 400, "InvalidInputException");
  request["DataSourceName"] = std::string(1024, 'n');
  EXPECT_EQ(Call("CreateDataSourceFromS3", request).status, 200);
}

// ---- datasources -------------------------------------------------------------------------------------------

TEST_F(MlApiTest, CreateDataSourceReturnsIdAndGetShowsPendingEntity) {
  nlohmann::json request = DataSourceRequest("ds-1");
  request["DataSourceName"] = "Banking";
  request["DataSpec"]["DataRearrangement"] = R"({"splitting":{"percentBegin":0,"percentEnd":70}})";
  CallResult created = Call("CreateDataSourceFromS3", request);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.body, nlohmann::json({{"DataSourceId", "ds-1"}}));

  CallResult got = Call("GetDataSource", {{"DataSourceId", "ds-1"}});
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["Status"], "PENDING");
  EXPECT_EQ(got.body["Name"], "Banking");
  EXPECT_EQ(got.body["DataLocationS3"], "s3://bucket/data.csv");
  EXPECT_EQ(got.body["DataRearrangement"], R"({"splitting":{"percentBegin":0,"percentEnd":70}})");
  EXPECT_EQ(got.body["ComputeStatistics"], true);
  EXPECT_EQ(got.body["CreatedByIamUser"], "arn:aws:iam::000000000000:user/AKIDTEST");
  EXPECT_TRUE(got.body["CreatedAt"].is_number());
  EXPECT_DOUBLE_EQ(got.body["CreatedAt"].get<double>(), 1700000001.0);
  EXPECT_FALSE(got.body.contains("StartedAt"));   // absent while PENDING (spec §1.7)
  EXPECT_FALSE(got.body.contains("FinishedAt"));
  EXPECT_FALSE(got.body.contains("ComputeTime"));
  EXPECT_FALSE(got.body.contains("DataSourceSchema"));  // only with Verbose
  for (auto it = got.body.begin(); it != got.body.end(); ++it) EXPECT_NE(it.key()[0], '_') << it.key();

  CallResult verbose = Call("GetDataSource", {{"DataSourceId", "ds-1"}, {"Verbose", true}});
  EXPECT_EQ(verbose.body["DataSourceSchema"], kSchema);
}

TEST_F(MlApiTest, SchemaFromObjectStoreLocation) {
  PutObject("data.csv.schema", kSchema);
  CallResult r = Call("CreateDataSourceFromS3", {{"DataSourceId", "ds-loc"},
                                                 {"DataSpec", {{"DataLocationS3", "s3://bucket/data.csv"},
                                                               {"DataSchemaLocationS3", "s3://bucket/data.csv.schema"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Call("GetDataSource", {{"DataSourceId", "ds-loc"}, {"Verbose", true}}).body["DataSourceSchema"], kSchema);
  ExpectError(Call("CreateDataSourceFromS3", {{"DataSourceId", "ds-loc2"},
                                              {"DataSpec", {{"DataLocationS3", "s3://bucket/data.csv"},
                                                            {"DataSchemaLocationS3", "s3://bucket/missing.schema"}}}}),
              400, "InvalidInputException");
}

TEST_F(MlApiTest, CreateDataSourceValidatesSynchronously) {
  auto with_spec = [](nlohmann::json spec) { return nlohmann::json{{"DataSourceId", "ds-v"}, {"DataSpec", spec}}; };
  // Neither schema member, both of them.
  ExpectError(Call("CreateDataSourceFromS3", with_spec({{"DataLocationS3", "s3://bucket/d.csv"}})), 400,
              "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3", with_spec({{"DataLocationS3", "s3://bucket/d.csv"},
                                                        {"DataSchema", kSchema},
                                                        {"DataSchemaLocationS3", "s3://bucket/s"}})),
              400, "InvalidInputException");
  // Not an S3 URL, missing location, malformed schema, malformed or out-of-range rearrangement.
  ExpectError(Call("CreateDataSourceFromS3", with_spec({{"DataLocationS3", "http://x/d.csv"}, {"DataSchema", kSchema}})),
              400, "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3", with_spec({{"DataSchema", kSchema}})), 400, "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3", with_spec({{"DataLocationS3", "s3://bucket/d.csv"}, {"DataSchema", "{"}})),
              400, "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3", with_spec({{"DataLocationS3", "s3://bucket/d.csv"},
                                                        {"DataSchema", kSchema},
                                                        {"DataRearrangement", "{\"splitting\":"}})),
              400, "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3",
                   with_spec({{"DataLocationS3", "s3://bucket/d.csv"},
                              {"DataSchema", kSchema},
                              {"DataRearrangement", R"({"splitting":{"percentBegin":0,"percentEnd":170}})"}})),
              400, "InvalidInputException");
  ExpectError(Call("CreateDataSourceFromS3", {{"DataSourceId", "ds-v"}}), 400, "InvalidInputException");
  // Nothing was created by the failures.
  ExpectError(Call("GetDataSource", {{"DataSourceId", "ds-v"}}), 404, "ResourceNotFoundException");
}

TEST_F(MlApiTest, RdsAndRedshiftAnswerNotSupported) {
  for (std::string op : {"CreateDataSourceFromRDS", "CreateDataSourceFromRedshift"}) {
    CallResult r = Call(op, {{"DataSourceId", "ds-db"}, {"RoleARN", "arn:aws:iam::1:role/x"}});
    ExpectError(r, 400, "InvalidInputException");
    // Supported since issue 8 (database_datasource_handlers.cc): here the required spec member is missing.
    EXPECT_NE(r.message().find(op == "CreateDataSourceFromRDS" ? "rDSData" : "dataSpec"), std::string::npos);
  }
  // Real-time endpoints exist now (realtime/realtime_test.cc, tests/integration/test_ml_realtime.py).
  for (std::string op : {"CreateRealtimeEndpoint", "DeleteRealtimeEndpoint"}) {
    ExpectError(Call(op, {{"MLModelId", "m"}}), 404, "ResourceNotFoundException");
  }
  ExpectError(Call("Predict", {{"MLModelId", "m"}}), 400, "InvalidInputException");  // Record is required
}

TEST_F(MlApiTest, CreateIsIdempotentAndMismatchIsReported) {
  nlohmann::json request = DataSourceRequest("ds-idem");
  ASSERT_EQ(Call("CreateDataSourceFromS3", request).status, 200);
  CallResult again = Call("CreateDataSourceFromS3", request);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body["DataSourceId"], "ds-idem");

  nlohmann::json changed = request;
  changed["ComputeStatistics"] = false;
  ExpectError(Call("CreateDataSourceFromS3", changed), 400, "IdempotentParameterMismatchException");
  nlohmann::json added = request;
  added["DataSourceName"] = "new name";  // present now, absent before: a difference (spec §1.5)
  ExpectError(Call("CreateDataSourceFromS3", added), 400, "IdempotentParameterMismatchException");

  // A deleted ID stays reserved.
  ASSERT_EQ(Call("DeleteDataSource", {{"DataSourceId", "ds-idem"}}).status, 200);
  ExpectError(Call("CreateDataSourceFromS3", changed), 400, "IdempotentParameterMismatchException");
  // Same ID, other kind: independent (spec §1.4).
  CreateDataSource("ml-shared");
  CreateModel("ml-shared", "ml-shared");
}

TEST_F(MlApiTest, UpdateAndDeleteDataSource) {
  CreateDataSource("ds-u", true, "before");
  ASSERT_EQ(Call("UpdateDataSource", {{"DataSourceId", "ds-u"}, {"DataSourceName", "after"}}).status, 200);
  CallResult got = Call("GetDataSource", {{"DataSourceId", "ds-u"}});
  EXPECT_EQ(got.body["Name"], "after");
  EXPECT_GT(got.body["LastUpdatedAt"].get<double>(), got.body["CreatedAt"].get<double>());
  ExpectError(Call("UpdateDataSource", {{"DataSourceId", "ds-u"}}), 400, "InvalidInputException");
  ExpectError(Call("UpdateDataSource", {{"DataSourceId", "nope"}, {"DataSourceName", "x"}}), 404,
              "ResourceNotFoundException");

  CallResult deleted = Call("DeleteDataSource", {{"DataSourceId", "ds-u"}});
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, nlohmann::json({{"DataSourceId", "ds-u"}}));
  got = Call("GetDataSource", {{"DataSourceId", "ds-u"}});
  EXPECT_EQ(got.body["Status"], "DELETED");
  EXPECT_EQ(got.body["Name"], "after");  // other fields kept (spec §1.6)
  ExpectError(Call("UpdateDataSource", {{"DataSourceId", "ds-u"}, {"DataSourceName", "x"}}), 400,
              "InvalidInputException");
  EXPECT_EQ(Call("DeleteDataSource", {{"DataSourceId", "ds-u"}}).status, 200);  // again: still DELETED
  ExpectError(Call("DeleteDataSource", {{"DataSourceId", "nope"}}), 404, "ResourceNotFoundException");
  // A deleted datasource cannot be used as an input.
  ExpectError(Call("CreateMLModel", {{"MLModelId", "m"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "ds-u"}}),
              400, "InvalidInputException");
}

// ---- models ------------------------------------------------------------------------------------------------

TEST_F(MlApiTest, CreateMLModelChecksItsInputs) {
  CreateDataSource("ds-nostats", /*statistics=*/false);
  CreateDataSource("ds");
  auto model = [](nlohmann::json extra) {
    nlohmann::json r = {{"MLModelId", "m"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "ds"}};
    if (!extra.is_null()) r.update(extra);
    return r;
  };
  CallResult r = Call("CreateMLModel", model({{"TrainingDataSourceId", "ds-nostats"}}));
  ExpectError(r, 400, "InvalidInputException");
  EXPECT_NE(r.message().find("ComputeStatistics"), std::string::npos);
  ExpectError(Call("CreateMLModel", model({{"TrainingDataSourceId", "nope"}})), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"MLModelType", "CLUSTERING"}})), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"MLModelType", "REGRESSION"}})), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"Parameters", {{"sgd.maxPasses", "0"}}}})), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"Parameters", {{"sgd.unknown", "1"}}}})), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"Parameters",
                                            {{"sgd.l1RegularizationAmount", "1e-4"}, {"sgd.l2RegularizationAmount", "1e-4"}}}})),
              400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"Recipe", "{\"outputs\":[\"ALL_NUMERIC\"]}"}, {"RecipeUri", "s3://bucket/r"}})),
              400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"Recipe", "{not json"}})), 400, "InvalidInputException");
  ExpectError(Call("CreateMLModel", model({{"RecipeUri", "s3://bucket/missing-recipe"}})), 400, "InvalidInputException");
  ExpectError(Call("GetMLModel", {{"MLModelId", "m"}}), 404, "ResourceNotFoundException");  // none was created
}

TEST_F(MlApiTest, ModelFieldsFollowTheServiceModel) {
  CreateDataSource("ds");
  PutObject("recipe.json", R"J({"outputs":["ALL_BINARY","ALL_CATEGORICAL","quantile_bin(ALL_NUMERIC,10)"]})J");
  CallResult r = Call("CreateMLModel", {{"MLModelId", "ml-1"},
                                        {"MLModelName", "model one"},
                                        {"MLModelType", "BINARY"},
                                        {"TrainingDataSourceId", "ds"},
                                        {"RecipeUri", "s3://bucket/recipe.json"},
                                        {"Parameters", {{"sgd.maxPasses", "5"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  CallResult got = Call("GetMLModel", {{"MLModelId", "ml-1"}});
  EXPECT_EQ(got.body["Status"], "PENDING");
  EXPECT_EQ(got.body["MLModelType"], "BINARY");
  EXPECT_EQ(got.body["Name"], "model one");
  EXPECT_EQ(got.body["TrainingDataSourceId"], "ds");
  EXPECT_EQ(got.body["InputDataLocationS3"], "s3://bucket/data.csv");
  EXPECT_EQ(got.body["EndpointInfo"], nlohmann::json({{"EndpointStatus", "NONE"}, {"PeakRequestsPerSecond", 0}}));
  EXPECT_EQ(got.body["ScoreThreshold"], 0.5);
  EXPECT_EQ(got.body["TrainingParameters"]["sgd.maxPasses"], "5");
  EXPECT_FALSE(got.body.contains("Algorithm"));  // not in GetMLModelOutput
  EXPECT_FALSE(got.body.contains("Recipe"));
  CallResult verbose = Call("GetMLModel", {{"MLModelId", "ml-1"}, {"Verbose", true}});
  EXPECT_EQ(verbose.body["Recipe"], R"J({"outputs":["ALL_BINARY","ALL_CATEGORICAL","quantile_bin(ALL_NUMERIC,10)"]})J");
  EXPECT_EQ(verbose.body["Schema"], kSchema);
  CallResult listed = Call("DescribeMLModels", {});
  ASSERT_EQ(listed.body["Results"].size(), 1u);
  EXPECT_EQ(listed.body["Results"][0]["Algorithm"], "sgd");
  EXPECT_FALSE(listed.body["Results"][0].contains("LogUri"));
}

TEST_F(MlApiTest, ScoreThresholdRules) {
  CreateDataSource("ds");
  CreateModel("ml", "ds");
  // Not COMPLETED yet.
  ExpectError(Call("UpdateMLModel", {{"MLModelId", "ml"}, {"ScoreThreshold", 0.75}}), 400, "InvalidInputException");
  ExpectError(Call("UpdateMLModel", {{"MLModelId", "ml"}, {"ScoreThreshold", 1.5}}), 400, "InvalidInputException");
  ExpectError(Call("UpdateMLModel", {{"MLModelId", "ml"}, {"ScoreThreshold", -0.1}}), 400, "InvalidInputException");
  ExpectError(Call("UpdateMLModel", {{"MLModelId", "nope"}, {"MLModelName", "x"}}), 404, "ResourceNotFoundException");
  ASSERT_EQ(Call("UpdateMLModel", {{"MLModelId", "ml"}, {"MLModelName", "renamed"}}).status, 200);
  EXPECT_EQ(Call("GetMLModel", {{"MLModelId", "ml"}}).body["Name"], "renamed");
}

// ---- evaluations and batch predictions ----------------------------------------------------------------------

TEST_F(MlApiTest, EvaluationAndBatchPredictionLifecycle) {
  CreateDataSource("ds");
  CreateModel("ml", "ds");
  CallResult ev = Call("CreateEvaluation", {{"EvaluationId", "ev"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds"},
                                            {"EvaluationName", "eval"}});
  ASSERT_EQ(ev.status, 200) << ev.body;
  CallResult got = Call("GetEvaluation", {{"EvaluationId", "ev"}});
  EXPECT_EQ(got.body["Status"], "PENDING");
  EXPECT_EQ(got.body["MLModelId"], "ml");
  EXPECT_EQ(got.body["EvaluationDataSourceId"], "ds");
  EXPECT_EQ(got.body["InputDataLocationS3"], "s3://bucket/data.csv");
  ExpectError(Call("CreateEvaluation", {{"EvaluationId", "ev2"}, {"MLModelId", "nope"}, {"EvaluationDataSourceId", "ds"}}),
              400, "InvalidInputException");
  ASSERT_EQ(Call("UpdateEvaluation", {{"EvaluationId", "ev"}, {"EvaluationName", "n2"}}).status, 200);
  EXPECT_EQ(Call("GetEvaluation", {{"EvaluationId", "ev"}}).body["Name"], "n2");

  auto bp = [](std::string uri) {
    return nlohmann::json{{"BatchPredictionId", "bp"}, {"MLModelId", "ml"}, {"BatchPredictionDataSourceId", "ds"},
                          {"OutputUri", uri}};
  };
  for (std::string bad : {"s3://bucket/out", "s3://bucket/a:b/", "s3://bucket/a//b/", "s3://bucket/a/./b/",
                          "s3://bucket/a/../b/", "https://bucket/out/"}) {
    ExpectError(Call("CreateBatchPrediction", bp(bad)), 400, "InvalidInputException");
  }
  ASSERT_EQ(Call("CreateBatchPrediction", bp("s3://bucket/out/")).status, 200);
  got = Call("GetBatchPrediction", {{"BatchPredictionId", "bp"}});
  EXPECT_EQ(got.body["OutputUri"], "s3://bucket/out/");
  EXPECT_EQ(got.body["BatchPredictionDataSourceId"], "ds");
  ASSERT_EQ(Call("UpdateBatchPrediction", {{"BatchPredictionId", "bp"}, {"BatchPredictionName", "b"}}).status, 200);
  ASSERT_EQ(Call("DeleteBatchPrediction", {{"BatchPredictionId", "bp"}}).status, 200);
  EXPECT_EQ(Call("GetBatchPrediction", {{"BatchPredictionId", "bp"}}).body["Status"], "DELETED");
  ASSERT_EQ(Call("DeleteEvaluation", {{"EvaluationId", "ev"}}).status, 200);
  EXPECT_EQ(Call("GetEvaluation", {{"EvaluationId", "ev"}}).body["Status"], "DELETED");
  ASSERT_EQ(Call("DeleteMLModel", {{"MLModelId", "ml"}}).status, 200);
  EXPECT_EQ(Call("GetMLModel", {{"MLModelId", "ml"}}).body["Status"], "DELETED");
  ExpectError(Call("CreateEvaluation", {{"EvaluationId", "ev3"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds"}}),
              400, "InvalidInputException");
}

// ---- Describe ----------------------------------------------------------------------------------------------

class DescribeTest : public MlApiTest {
 protected:
  void SetUp() override {
    MlApiTest::SetUp();
    // CreatedAt 1700000001 .. 1700000005 (one second apart), names out of order.
    for (auto [id, name] : std::vector<std::pair<std::string, std::string>>{
             {"ds-a", "2014-09-09-HolidayGiftMailer"}, {"ds-b", "banana"}, {"ds-c", "apple"}, {"ds-d", "2014-10"},
             {"ds-e", "cherry"}}) {
      CreateDataSource(id, true, name);
    }
  }
  std::vector<std::string> Ids(const CallResult& r) {
    std::vector<std::string> ids;
    for (auto& item : r.body["Results"]) ids.push_back(item["DataSourceId"]);
    return ids;
  }
  using Ids_t = std::vector<std::string>;
};

TEST_F(DescribeTest, DefaultOrderIsNewestFirst) {
  CallResult r = Call("DescribeDataSources", {});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Ids(r), (Ids_t{"ds-e", "ds-d", "ds-c", "ds-b", "ds-a"}));
  EXPECT_FALSE(r.body.contains("NextToken"));
}

TEST_F(DescribeTest, EveryComparatorOnName) {
  auto run = [&](nlohmann::json extra) {
    nlohmann::json request = {{"FilterVariable", "Name"}, {"SortOrder", "asc"}};
    if (!extra.is_null()) request.update(extra);
    CallResult r = Call("DescribeDataSources", request);
    EXPECT_EQ(r.status, 200) << r.body;
    return Ids(r);
  };
  EXPECT_EQ(run({}), (Ids_t{"ds-a", "ds-d", "ds-c", "ds-b", "ds-e"}));
  EXPECT_EQ(run({{"EQ", "banana"}}), (Ids_t{"ds-b"}));
  EXPECT_EQ(run({{"NE", "banana"}}), (Ids_t{"ds-a", "ds-d", "ds-c", "ds-e"}));
  EXPECT_EQ(run({{"GT", "apple"}}), (Ids_t{"ds-b", "ds-e"}));
  EXPECT_EQ(run({{"GE", "apple"}}), (Ids_t{"ds-c", "ds-b", "ds-e"}));
  EXPECT_EQ(run({{"LT", "apple"}}), (Ids_t{"ds-a", "ds-d"}));
  EXPECT_EQ(run({{"LE", "apple"}}), (Ids_t{"ds-a", "ds-d", "ds-c"}));
  EXPECT_EQ(run({{"Prefix", "2014-09"}}), (Ids_t{"ds-a"}));
  EXPECT_EQ(run({{"Prefix", "2014-09-09-Holiday"}}), (Ids_t{"ds-a"}));
  EXPECT_EQ(run({{"Prefix", "2014-"}}), (Ids_t{"ds-a", "ds-d"}));
  EXPECT_EQ(run({{"GT", "apple"}, {"LT", "cherry"}}), (Ids_t{"ds-b"}));  // comparators AND
  EXPECT_EQ(run({{"SortOrder", "dsc"}, {"GE", "b"}}), (Ids_t{"ds-e", "ds-b"}));
}

TEST_F(DescribeTest, TimeComparatorsTakeEpochSecondsAndIso8601) {
  auto run = [&](nlohmann::json extra) {
    nlohmann::json request = {{"FilterVariable", "CreatedAt"}, {"SortOrder", "asc"}};
    if (!extra.is_null()) request.update(extra);
    CallResult r = Call("DescribeDataSources", request);
    EXPECT_EQ(r.status, 200) << r.body;
    return Ids(r);
  };
  EXPECT_EQ(run({{"GT", "1700000003"}}), (Ids_t{"ds-d", "ds-e"}));
  EXPECT_EQ(run({{"LE", "1700000002.000"}}), (Ids_t{"ds-a", "ds-b"}));
  EXPECT_EQ(run({{"EQ", "2023-11-14T22:13:23Z"}}), (Ids_t{"ds-c"}));  // 1700000003
  EXPECT_EQ(run({{"GE", "2023-11-14T22:13:24.000Z"}}), (Ids_t{"ds-d", "ds-e"}));
  ExpectError(Call("DescribeDataSources", {{"FilterVariable", "CreatedAt"}, {"GT", "yesterday"}}), 400,
              "InvalidInputException");
}

TEST_F(DescribeTest, OtherFilterVariables) {
  CallResult r = Call("DescribeDataSources", {{"FilterVariable", "IAMUser"}, {"EQ", "arn:aws:iam::000000000000:user/AKIDTEST"}});
  EXPECT_EQ(r.body["Results"].size(), 5u);
  r = Call("DescribeDataSources", {{"FilterVariable", "DataLocationS3"}, {"Prefix", "s3://bucket/"}});
  EXPECT_EQ(r.body["Results"].size(), 5u);
  r = Call("DescribeDataSources", {{"FilterVariable", "Status"}, {"EQ", "PENDING"}});
  EXPECT_EQ(r.body["Results"].size(), 5u);
  CreateModel("ml", "ds-a");
  for (auto [variable, value] : std::vector<std::pair<std::string, std::string>>{
           {"TrainingDataSourceId", "ds-a"}, {"RealtimeEndpointStatus", "NONE"}, {"MLModelType", "BINARY"},
           {"Algorithm", "sgd"}, {"TrainingDataURI", "s3://bucket/data.csv"}}) {
    r = Call("DescribeMLModels", {{"FilterVariable", variable}, {"EQ", value}});
    EXPECT_EQ(r.body["Results"].size(), 1u) << variable;
  }
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds-b"}}).status, 200);
  for (auto [variable, value] : std::vector<std::pair<std::string, std::string>>{
           {"MLModelId", "ml"}, {"DataSourceId", "ds-b"}, {"DataURI", "s3://bucket/data.csv"}}) {
    r = Call("DescribeEvaluations", {{"FilterVariable", variable}, {"EQ", value}});
    EXPECT_EQ(r.body["Results"].size(), 1u) << variable;
  }
  // A FilterVariable of another operation, a comparator without a variable, a bad sort order.
  ExpectError(Call("DescribeDataSources", {{"FilterVariable", "MLModelType"}, {"EQ", "BINARY"}}), 400, "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"EQ", "x"}}), 400, "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"SortOrder", "up"}}), 400, "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"Limit", 0}}), 400, "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"Limit", 101}}), 400, "InvalidInputException");
}

TEST_F(DescribeTest, DeletedItemsOnlyWhenAskedFor) {
  ASSERT_EQ(Call("DeleteDataSource", {{"DataSourceId", "ds-c"}}).status, 200);
  EXPECT_EQ(Ids(Call("DescribeDataSources", {})), (Ids_t{"ds-e", "ds-d", "ds-b", "ds-a"}));
  EXPECT_EQ(Ids(Call("DescribeDataSources", {{"FilterVariable", "Status"}, {"EQ", "DELETED"}})), (Ids_t{"ds-c"}));
}

TEST_F(DescribeTest, PaginationWalksEverythingOnceAndIsStableUnderInserts) {
  std::vector<std::string> seen;
  nlohmann::json request = {{"Limit", 2}, {"FilterVariable", "Name"}, {"SortOrder", "asc"}};
  int pages = 0;
  while (true) {
    CallResult r = Call("DescribeDataSources", request);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_LE(r.body["Results"].size(), 2u);
    for (auto& id : Ids(r)) seen.push_back(id);
    if (++pages == 1) {
      // Entities added mid-walk: one sorting before the cursor (not seen), one after (seen once).
      CreateDataSource("ds-early", true, "0-first");
      CreateDataSource("ds-late", true, "zzz");
    }
    if (!r.body.contains("NextToken")) break;
    request["NextToken"] = r.body["NextToken"];
  }
  EXPECT_EQ(seen, (Ids_t{"ds-a", "ds-d", "ds-c", "ds-b", "ds-e", "ds-late"}));
  ExpectError(Call("DescribeDataSources", {{"NextToken", "garbage!"}}), 400, "InvalidInputException");
  ExpectError(Call("DescribeDataSources", {{"NextToken", "eyJ4IjoxfQ=="}}), 400, "InvalidInputException");
  // A token from another sort order is refused.
  CallResult first = Call("DescribeDataSources", {{"Limit", 1}});
  ExpectError(Call("DescribeDataSources", {{"Limit", 1}, {"SortOrder", "asc"}, {"NextToken", first.body["NextToken"]}}),
              400, "InvalidInputException");
}

// ---- tags --------------------------------------------------------------------------------------------------

TEST_F(MlApiTest, TagsAddReplaceDescribeDelete) {
  CreateDataSource("ds");
  auto add = [&](nlohmann::json tags) {
    return Call("AddTags", {{"ResourceId", "ds"}, {"ResourceType", "DataSource"}, {"Tags", tags}});
  };
  CallResult r = add({{{"Key", "team"}, {"Value", "risk"}}, {{"Key", "flag"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, nlohmann::json({{"ResourceId", "ds"}, {"ResourceType", "DataSource"}}));
  ASSERT_EQ(add({{{"Key", "team"}, {"Value", "growth"}}}).status, 200);
  CallResult described = Call("DescribeTags", {{"ResourceId", "ds"}, {"ResourceType", "DataSource"}});
  EXPECT_EQ(described.body["Tags"],
            nlohmann::json::parse(R"([{"Key":"flag"},{"Key":"team","Value":"growth"}])"));
  ASSERT_EQ(Call("DeleteTags", {{"ResourceId", "ds"}, {"ResourceType", "DataSource"}, {"TagKeys", {"team", "absent"}}}).status, 200);
  described = Call("DescribeTags", {{"ResourceId", "ds"}, {"ResourceType", "DataSource"}});
  EXPECT_EQ(described.body["Tags"], nlohmann::json::parse(R"([{"Key":"flag"}])"));
}

TEST_F(MlApiTest, TagRulesAndErrors) {
  CreateDataSource("ds");
  auto add = [&](nlohmann::json tags, std::string id = "ds", std::string type = "DataSource") {
    return Call("AddTags", {{"ResourceId", id}, {"ResourceType", type}, {"Tags", tags}});
  };
  ExpectError(add({{{"Key", "aws:reserved"}, {"Value", "x"}}}), 400, "InvalidTagException");
  ExpectError(add({{{"Key", ""}, {"Value", "x"}}}), 400, "InvalidTagException");
  ExpectError(add({{{"Key", std::string(129, 'k')}}}), 400, "InvalidTagException");
  ExpectError(add({{{"Key", "k"}, {"Value", std::string(257, 'v')}}}), 400, "InvalidTagException");
  ExpectError(add({{{"Key", "bad%char"}}}), 400, "InvalidTagException");
  ExpectError(add({{{"Key", "semi;colon"}}}), 400, "InvalidTagException");
  EXPECT_EQ(add({{{"Key", "ünïcödé key 1_.:/=+-@"}, {"Value", "日本語"}}}).status, 200);
  ExpectError(add({{{"Key", "k"}}}, "nope"), 404, "ResourceNotFoundException");
  ExpectError(add({{{"Key", "k"}}}, "ds", "Endpoint"), 400, "InvalidInputException");
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 101; ++i) many.push_back({{"Key", "k" + std::to_string(i)}});
  ExpectError(add(many), 400, "InvalidInputException");  // request list over 100
  many = nlohmann::json::array();
  for (int i = 0; i < 50; ++i) many.push_back({{"Key", "k" + std::to_string(i)}});
  ExpectError(add(many), 400, "TagLimitExceededException");  // 1 existing + 50 = 51 > 50
  many.erase(many.begin());
  EXPECT_EQ(add(many).status, 200);  // exactly 50
  ExpectError(Call("DescribeTags", {{"ResourceId", "nope"}, {"ResourceType", "MLModel"}}), 404, "ResourceNotFoundException");
  ASSERT_EQ(Call("DeleteDataSource", {{"DataSourceId", "ds"}}).status, 200);
  ExpectError(add({{{"Key", "late"}}}), 400, "InvalidInputException");
  EXPECT_EQ(Call("DescribeTags", {{"ResourceId", "ds"}, {"ResourceType", "DataSource"}}).body["Tags"].size(), 50u);
}

TEST_F(MlApiTest, TagsPropagateFromDataSourceToModelToEvaluation) {
  CreateDataSource("ds");
  ASSERT_EQ(Call("AddTags", {{"ResourceId", "ds"}, {"ResourceType", "DataSource"}, {"Tags", {{{"Key", "project"}, {"Value", "bank"}}}}}).status, 200);
  CreateModel("ml", "ds");
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds"}}).status, 200);
  for (auto [id, type] : std::vector<std::pair<std::string, std::string>>{{"ml", "MLModel"}, {"ev", "Evaluation"}}) {
    CallResult r = Call("DescribeTags", {{"ResourceId", id}, {"ResourceType", type}});
    EXPECT_EQ(r.body["Tags"], nlohmann::json::parse(R"([{"Key":"project","Value":"bank"}])")) << type;
  }
}

// ---- extensions and durability -----------------------------------------------------------------------------

TEST_F(MlApiTest, ExtensionOperations) {
  CreateDataSource("ds");
  ExpectError(CallRaw("OpenAML_20241201.GetDataSourceStatistics", R"({"DataSourceId":"ds"})"), 400,
              "InvalidInputException");  // not computed yet
  ExpectError(CallRaw("OpenAML_20241201.GetDataSourceStatistics", R"({"DataSourceId":"nope"})"), 404,
              "ResourceNotFoundException");
  ExpectError(CallRaw("OpenAML_20241201.GetEvaluationDetail", R"({"EvaluationId":"nope"})"), 404,
              "ResourceNotFoundException");
  ExpectError(CallRaw("OpenAML_20241201.Nothing", "{}"), 400, "UnknownOperationException");
}

TEST_F(MlApiTest, EverythingSurvivesAReopen) {
  CreateDataSource("ds", true, "kept");
  CreateModel("ml", "ds");
  ASSERT_EQ(Call("AddTags", {{"ResourceId", "ml"}, {"ResourceType", "MLModel"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}).status, 200);
  ASSERT_EQ(Call("DeleteDataSource", {{"DataSourceId", "ds"}}).status, 200);
  OpenApi(/*run_jobs=*/false);
  EXPECT_EQ(Call("GetDataSource", {{"DataSourceId", "ds"}}).body["Status"], "DELETED");
  EXPECT_EQ(Call("GetDataSource", {{"DataSourceId", "ds"}}).body["Name"], "kept");
  EXPECT_EQ(Call("GetMLModel", {{"MLModelId", "ml"}}).body["Status"], "PENDING");
  EXPECT_EQ(Call("DescribeTags", {{"ResourceId", "ml"}, {"ResourceType", "MLModel"}}).body["Tags"].size(), 1u);
}

TEST_F(MlApiTest, ConcurrentCallsAreSafe) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        nlohmann::json request = DataSourceRequest("ds-" + std::to_string(t) + "-" + std::to_string(i));
        if (Call("CreateDataSourceFromS3", request).status == 200) ++ok;
        Call("DescribeDataSources", {{"Limit", 5}});
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(Call("DescribeDataSources", {}).body["Results"].size(), 80u);
}

}  // namespace
}  // namespace openaml::service
