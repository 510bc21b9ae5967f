// Unit tests of the real-time path: the Predict codec (hostile bodies included), the endpoint registry, and
// HandlePredict on a hand-built model. The lifecycle through boto3 is in tests/integration/test_ml_realtime.py.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "openaml/recipe/feature_program.h"
#include "openaml/recipe/recipe.h"
#include "openaml/schema/schema.h"
#include "openaml/service/api_error.h"
#include "openaml/service/realtime/endpoint_registry.h"
#include "openaml/service/realtime/predict_codec.h"
#include "openaml/service/realtime/realtime_handlers.h"
#include "openaml/service/service_context.h"

namespace openaml::service::realtime {
namespace {

Status Parse(std::string_view body, PredictRequest* out) { return ParsePredictRequest(body, out); }

std::string ErrorType(const Status& status) {
  return nlohmann::json::parse(ErrorResponse(status).body).value("__type", "");
}

TEST(PredictCodec, ParsesMembersInAnyOrderAndSkipsUnknownOnes) {
  PredictRequest r;
  ASSERT_TRUE(Parse(R"( {"Extra": [1, {"a": null}, -2.5e3, true], "Record": {"age": "42", "job": "a\"b\\c\u00e9\ud83d\ude00"},
                        "PredictEndpoint": "http://localhost:1", "MLModelId": "ml-1"} )", &r).ok());
  EXPECT_TRUE(r.has_model_id && r.has_record && r.has_predict_endpoint);
  EXPECT_EQ(r.model_id, "ml-1");
  EXPECT_EQ(r.predict_endpoint, "http://localhost:1");
  ASSERT_EQ(r.record_size, 2u);
  EXPECT_EQ(r.record[0].first, "age");
  EXPECT_EQ(r.record[0].second, "42");
  EXPECT_EQ(r.record[1].second, "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(PredictCodec, ReusesBuffersAcrossCalls) {
  PredictRequest r;
  ASSERT_TRUE(Parse(R"({"MLModelId":"a","Record":{"x":"1","y":"2","z":"3"},"PredictEndpoint":"e"})", &r).ok());
  ASSERT_TRUE(Parse(R"({"MLModelId":"b","Record":{"w":"9"}})", &r).ok());
  EXPECT_EQ(r.model_id, "b");
  EXPECT_FALSE(r.has_predict_endpoint);
  ASSERT_EQ(r.record_size, 1u);
  EXPECT_EQ(r.record[0].first, "w");
}

TEST(PredictCodec, NullsAreAbsent) {
  PredictRequest r;
  ASSERT_TRUE(Parse(R"({"MLModelId":null,"Record":{"x":null,"y":"2"},"PredictEndpoint":null})", &r).ok());
  EXPECT_FALSE(r.has_model_id);
  EXPECT_FALSE(r.has_predict_endpoint);
  ASSERT_EQ(r.record_size, 1u);
  EXPECT_EQ(r.record[0].first, "y");
}

TEST(PredictCodec, MalformedBodiesAreSerializationErrors) {
  const std::vector<std::string> bodies = {
      "", "   ", "[]", "\"x\"", "{", "{\"MLModelId\"", "{\"MLModelId\":", "{\"MLModelId\":\"abc",
      "{\"MLModelId\":\"a\"", "{\"MLModelId\":\"a\",}", "{\"a\":1}x", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}",
      "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
      "{\"a\":\"tab\there\"}", "{\"Record\":{\"x\":\"1\"", "{\"Record\":{\"x\" \"1\"}}", "{'a':1}",
      std::string("{\"a\":\"\0\"}", 9)};
  for (const std::string& body : bodies) {
    PredictRequest r;
    Status status = Parse(body, &r);
    EXPECT_EQ(ErrorType(status), "SerializationException") << body;
  }
}

TEST(PredictCodec, DeepNestingIsRefusedWithoutRecursingForever) {
  std::string body = "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  PredictRequest r;
  EXPECT_EQ(ErrorType(Parse(body, &r)), "SerializationException");
}

TEST(PredictCodec, WrongMemberTypesAreInvalidInput) {
  for (std::string body : {R"({"MLModelId":5})", R"({"MLModelId":["a"]})", R"({"Record":"x"})",
                           R"({"Record":["x"]})", R"({"Record":{"x":1}})", R"({"Record":{"x":{"y":"z"}}})",
                           R"({"PredictEndpoint":true})"}) {
    PredictRequest r;
    EXPECT_EQ(ErrorType(Parse(body, &r)), "InvalidInputException") << body;
  }
}

TEST(PredictCodec, RecordOver100KBIsInvalidInput) {
  PredictRequest r;
  std::string just_fits = R"({"Record":{"k":")" + std::string(kMaxRecordBytes - 1, 'v') + "\"}}";
  EXPECT_TRUE(Parse(just_fits, &r).ok());
  std::string too_big = R"({"Record":{"k":")" + std::string(kMaxRecordBytes, 'v') + "\"}}";
  Status status = Parse(too_big, &r);
  EXPECT_EQ(ErrorType(status), "InvalidInputException");
  EXPECT_NE(status.message().find("100 KB"), std::string::npos);
}

TEST(PredictCodec, FormatsScoresAsWidenedFloatsAndEscapesLabels) {
  std::string out;
  AppendScore(0.47380468f, &out);
  EXPECT_EQ(out, "0.47380468249320984");
  out.clear();
  AppendScore(1.0f, &out);
  EXPECT_EQ(out, "1.0");
  out.clear();
  AppendJsonString("a\"b\\\n", &out);
  EXPECT_EQ(out, R"("a\"b\\\u000a")");
}

// A BINARY model over schema (age NUMERIC, job CATEGORICAL, y BINARY target, id row id) with no weights: every
// record scores sigmoid(bias).
std::shared_ptr<const predict::Predictor> BiasOnlyBinaryModel(float bias) {
  const std::string schema_json = R"({"version":"1.0","rowId":"id","targetAttributeName":"y","dataFormat":"CSV",
    "dataFileContainsHeader":true,"attributes":[{"attributeName":"id","attributeType":"CATEGORICAL"},
    {"attributeName":"age","attributeType":"NUMERIC"},{"attributeName":"job","attributeType":"CATEGORICAL"},
    {"attributeName":"y","attributeType":"BINARY"}]})";
  const std::string recipe_json = R"({"groups":{},"assignments":{},"outputs":["ALL_CATEGORICAL","ALL_NUMERIC"]})";
  auto schema = Schema::FromJson(schema_json);
  EXPECT_TRUE(schema.ok()) << schema.status();
  auto recipe = recipe::Recipe::Parse(recipe_json);
  EXPECT_TRUE(recipe.ok()) << recipe.status();
  auto program = recipe::FeatureProgram::Compile(*recipe, *schema);
  EXPECT_TRUE(program.ok()) << program.status();
  auto model = std::make_shared<learn::Model>();
  model->type = learn::ModelType::kBinary;
  model->schema_json = schema_json;
  model->recipe_json = recipe_json;
  model->fit_json = (*program)->FitJson();
  model->classes = {"0", "1"};
  model->bias = {bias};
  model->BuildIndex();
  auto predictor = predict::Predictor::Make(model);
  EXPECT_TRUE(predictor.ok()) << predictor.status();
  return *predictor;
}

TEST(EndpointRegistry, MountFindUnmount) {
  EndpointRegistry registry;
  EXPECT_EQ(registry.Find("m"), nullptr);
  registry.Mount(Endpoint::FromPredictor("m", BiasOnlyBinaryModel(0), 0.5, 1000));
  const Endpoint* endpoint = registry.Find("m");
  ASSERT_NE(endpoint, nullptr);
  EXPECT_EQ(endpoint->model_id(), "m");
  EXPECT_EQ(endpoint->ColumnOf("age"), 1);
  EXPECT_EQ(endpoint->ColumnOf("y"), -1) << "the target is ignored";
  EXPECT_EQ(endpoint->ColumnOf("id"), -1) << "the row id is ignored";
  EXPECT_EQ(endpoint->ColumnOf("nope"), -1);
  EXPECT_TRUE(registry.SetThreshold("m", 0.25));
  EXPECT_DOUBLE_EQ(registry.Find("m")->threshold(), 0.25);
  EXPECT_FALSE(registry.SetThreshold("other", 0.25));
  EXPECT_TRUE(registry.Unmount("m"));
  EXPECT_FALSE(registry.Unmount("m"));
  EXPECT_EQ(registry.Find("m"), nullptr);
  EXPECT_EQ(registry.size(), 0u);
}

TEST(EndpointRegistry, ReadersSeeMountsFromOtherThreadsWhileEndpointsChange) {
  EndpointRegistry registry;
  auto predictor = BiasOnlyBinaryModel(0);
  registry.Mount(Endpoint::FromPredictor("stable", predictor, 0.5, 0));
  std::atomic<bool> stop{false};
  std::atomic<int> misses{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const Endpoint* e = registry.Find("stable");
        if (e == nullptr || e->model_id() != "stable") misses.fetch_add(1);
        registry.Find("churn");  // may or may not exist
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    registry.Mount(Endpoint::FromPredictor("churn", predictor, 0.5, i));
    registry.Unmount("churn");
  }
  stop = true;
  for (auto& thread : readers) thread.join();
  EXPECT_EQ(misses.load(), 0);
  EXPECT_EQ(registry.size(), 1u);
}

class HandlePredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_.realtime = std::make_shared<EndpointRegistry>();
    // bias 0.2: P(1) = sigmoid(0.2) = 0.549834
    ctx_.realtime->Mount(Endpoint::FromPredictor("ml-b", BiasOnlyBinaryModel(0.2f), 0.5, 0));
  }
  nlohmann::json Predict(const std::string& body, int* status = nullptr) {
    http::ApiRequest request;
    request.target = "AmazonML_20141212.Predict";
    request.body = body;
    http::ApiResponse response = HandlePredict(ctx_, request);
    if (status) *status = response.status;
    return nlohmann::json::parse(response.body);
  }
  ServiceContext ctx_;
};

TEST_F(HandlePredictTest, BinaryPredictionHasOneScoreKeyedByTheLabelAndFollowsTheThreshold) {
  const std::string body = R"({"MLModelId":"ml-b","Record":{"age":"30","job":"x","unknown":"1","y":"0"},"PredictEndpoint":"http://h"})";
  nlohmann::json p = Predict(body)["Prediction"];
  EXPECT_EQ(p["details"], (nlohmann::json{{"PredictiveModelType", "BINARY"}, {"Algorithm", "SGD"}}));
  EXPECT_EQ(p["predictedLabel"], "1");
  ASSERT_EQ(p["predictedScores"].size(), 1u);
  EXPECT_NEAR(p["predictedScores"]["1"].get<double>(), 0.549834, 1e-6);
  EXPECT_FALSE(p.contains("predictedValue"));

  ASSERT_TRUE(ctx_.realtime->SetThreshold("ml-b", 0.6));
  p = Predict(body)["Prediction"];
  EXPECT_EQ(p["predictedLabel"], "0");
  EXPECT_NEAR(p["predictedScores"]["0"].get<double>(), 0.549834, 1e-6) << "still P(1) (spec §12.3)";

  const double s = static_cast<double>(0.2f);
  ASSERT_TRUE(ctx_.realtime->SetThreshold("ml-b", 1 / (1 + std::exp(-s))));  // spec §10: score >= threshold is "1"
  EXPECT_EQ(Predict(body)["Prediction"]["predictedLabel"], "1");
}

TEST_F(HandlePredictTest, EmptyAndInvalidRecordsStillPredict) {
  for (std::string body : {R"({"MLModelId":"ml-b","Record":{},"PredictEndpoint":"e"})",
                           R"({"MLModelId":"ml-b","Record":{"age":"not a number","job":""},"PredictEndpoint":"e"})"}) {
    int status = 0;
    nlohmann::json out = Predict(body, &status);
    EXPECT_EQ(status, 200) << out.dump();
    EXPECT_TRUE(out["Prediction"].contains("predictedLabel"));
  }
}

TEST_F(HandlePredictTest, MissingMembersAndBadIdsAreInvalidInput) {
  for (std::string body : {R"({"Record":{},"PredictEndpoint":"e"})", R"({"MLModelId":"ml-b","PredictEndpoint":"e"})",
                           R"({"MLModelId":"ml-b","Record":{}})", R"({"MLModelId":"ml-b","Record":{},"PredictEndpoint":""})",
                           R"({"MLModelId":"bad id!","Record":{},"PredictEndpoint":"e"})",
                           R"({"MLModelId":"","Record":{},"PredictEndpoint":"e"})"}) {
    int status = 0;
    nlohmann::json out = Predict(body, &status);
    EXPECT_EQ(status, 400) << body;
    EXPECT_EQ(out.value("__type", ""), "InvalidInputException") << body;
  }
  int status = 0;
  EXPECT_EQ(Predict("{not json", &status).value("__type", ""), "SerializationException");
}

}  // namespace
}  // namespace openaml::service::realtime
