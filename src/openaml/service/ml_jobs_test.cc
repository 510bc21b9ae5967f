// The asynchronous jobs end to end through the handlers with the real engine, object store and SQLite: small
// generated data for BINARY, MULTICLASS and REGRESSION; job logs; batch output layout (spec §11.2); dependency
// failure; restart recovery of a job left INPROGRESS.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "openaml/service/ml_api_test_util.h"
#include "openaml/storage/metadata/sqlite_metadata_store.h"

namespace openaml::service {
namespace {

class MlJobsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    // 400 rows: x in [0,1), c in {red, green, blue}; y = 1 when x > 0.5 (BINARY), cls by c (MULTICLASS),
    // v = 3x + 1 (REGRESSION).
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::ostringstream binary, multi, regression, batch;
    binary << "x,c,y\n";
    multi << "x,c,cls\n";
    regression << "x,c,v\n";
    batch << "x,c\n";
    const char* colors[] = {"red", "green", "blue"};
    for (int i = 0; i < 400; ++i) {
      double x = uniform(rng);
      const char* c = colors[i % 3];
      binary << x << "," << c << "," << (x > 0.5 ? 1 : 0) << "\n";
      multi << x << "," << c << "," << "class_" << c << "\n";
      regression << x << "," << c << "," << 3 * x + 1 << "\n";
      if (i < 50) batch << x << "," << c << "\n";
    }
    PutObject("binary.csv", binary.str());
    PutObject("multi.csv", multi.str());
    PutObject("regression.csv", regression.str());
    PutObject("in/batch.csv", batch.str());
  }

  std::string Schema(const std::string& target, const std::string& target_type) {
    nlohmann::json schema = {{"version", "1.0"},
                             {"dataFormat", "CSV"},
                             {"dataFileContainsHeader", true},
                             {"attributes",
                              {{{"attributeName", "x"}, {"attributeType", "NUMERIC"}},
                               {{"attributeName", "c"}, {"attributeType", "CATEGORICAL"}}}}};
    if (!target.empty()) {
      schema["targetAttributeName"] = target;
      schema["attributes"].push_back({{"attributeName", target}, {"attributeType", target_type}});
    }
    return schema.dump();
  }

  void CreateDataSource(const std::string& id, const std::string& location, const std::string& schema,
                        const std::string& rearrangement = "", bool statistics = true) {
    nlohmann::json spec = {{"DataLocationS3", location}, {"DataSchema", schema}};
    if (!rearrangement.empty()) spec["DataRearrangement"] = rearrangement;
    CallResult r = Call("CreateDataSourceFromS3", {{"DataSourceId", id}, {"DataSpec", spec}, {"ComputeStatistics", statistics}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  nlohmann::json Get(const std::string& op, const std::string& member, const std::string& id) {
    return Call(op, {{member, id}}).body;
  }
};

TEST_F(MlJobsTest, BinaryTutorialInMiniature) {
  OpenApi(/*run_jobs=*/true);
  std::string schema = Schema("y", "BINARY");
  CreateDataSource("ds-train", "s3://bucket/binary.csv", schema,
                   R"({"splitting":{"percentBegin":0,"percentEnd":70,"strategy":"random","strategyParams":{"randomSeed":"s"}}})");
  CreateDataSource("ds-eval", "s3://bucket/binary.csv", schema,
                   R"({"splitting":{"percentBegin":0,"percentEnd":70,"strategy":"random","strategyParams":{"randomSeed":"s"},"complement":true}})");
  CreateDataSource("ds-batch", "s3://bucket/in/", Schema("", ""), "", /*statistics=*/false);
  // Requested at once: the model waits for its datasource, the evaluation and batch for the model.
  ASSERT_EQ(Call("CreateMLModel", {{"MLModelId", "ml"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "ds-train"},
                                   {"Parameters", {{"sgd.maxPasses", "10"}, {"sgd.shuffleType", "auto"}}}})
                .status,
            200);
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds-eval"}}).status, 200);
  ASSERT_TRUE(api_->WaitForIdleForTest(60000));

  nlohmann::json ds = Get("GetDataSource", "DataSourceId", "ds-train");
  EXPECT_EQ(ds["Status"], "COMPLETED") << ds;
  EXPECT_EQ(ds["NumberOfFiles"], 1);
  EXPECT_GT(ds["DataSizeInBytes"].get<int64_t>(), 1000);
  EXPECT_TRUE(ds.contains("StartedAt") && ds.contains("FinishedAt") && ds.contains("ComputeTime"));
  ASSERT_TRUE(ds.contains("LogUri"));
  EXPECT_EQ(ds["LogUri"], "http://localhost:8080/openaml-logs/ds/ds-train.log");
  nlohmann::json batch_ds = Get("GetDataSource", "DataSourceId", "ds-batch");
  EXPECT_EQ(batch_ds["Status"], "COMPLETED");
  EXPECT_FALSE(batch_ds.contains("ComputeTime"));  // no statistics: no ComputeTime (spec §1.7)

  nlohmann::json model = Get("GetMLModel", "MLModelId", "ml");
  ASSERT_EQ(model["Status"], "COMPLETED") << model;
  EXPECT_GT(model["SizeInBytes"].get<int64_t>(), 0);
  EXPECT_EQ(model["TrainingParameters"]["sgd.maxPasses"], "10");
  EXPECT_TRUE(model["TrainingParameters"].contains("sgd.maxMLModelSizeInBytes"));  // defaults applied
  nlohmann::json verbose = Call("GetMLModel", {{"MLModelId", "ml"}, {"Verbose", true}}).body;
  EXPECT_FALSE(verbose.value("Recipe", "").empty());  // the suggested recipe actually used

  nlohmann::json ev = Get("GetEvaluation", "EvaluationId", "ev");
  ASSERT_EQ(ev["Status"], "COMPLETED") << ev;
  double auc = std::stod(ev["PerformanceMetrics"]["Properties"]["BinaryAUC"].get<std::string>());
  EXPECT_GT(auc, 0.9);
  CallResult detail = CallRaw("OpenAML_20241201.GetEvaluationDetail", R"({"EvaluationId":"ev"})");
  ASSERT_EQ(detail.status, 200);
  EXPECT_FALSE(detail.body["Detail"].get<std::string>().empty());
  auto raised = [](const nlohmann::json& detail_doc, const std::string& name) {
    for (const auto& a : detail_doc["alerts"])
      if (a["name"] == name) return a["raised"].get<bool>();
    ADD_FAILURE() << "no alert " << name;
    return false;
  };
  // ds-eval is the complementary split of the same file: held out, no alert.
  EXPECT_FALSE(raised(nlohmann::json::parse(detail.body["Detail"].get<std::string>()), "Evaluation on held-out data"));
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev-same"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds-train"}}).status, 200);
  ASSERT_TRUE(api_->WaitForIdleForTest(60000));
  CallResult same = CallRaw("OpenAML_20241201.GetEvaluationDetail", R"({"EvaluationId":"ev-same"})");
  ASSERT_EQ(same.status, 200);
  EXPECT_TRUE(raised(nlohmann::json::parse(same.body["Detail"].get<std::string>()), "Evaluation on held-out data"));
  // Statistics are served once the engine computes them (engine/datasource_job.cc); until then the extension
  // answers InvalidInputException rather than an empty document.
  CallResult stats = CallRaw("OpenAML_20241201.GetDataSourceStatistics", R"({"DataSourceId":"ds-train"})");
  if (stats.status == 200) {
    EXPECT_TRUE(nlohmann::json::parse(stats.body["Statistics"].get<std::string>(), nullptr, false).is_object());
  } else {
    EXPECT_EQ(stats.error_type(), "InvalidInputException");
  }

  ASSERT_EQ(Call("UpdateMLModel", {{"MLModelId", "ml"}, {"ScoreThreshold", 0.75}}).status, 200);
  model = Get("GetMLModel", "MLModelId", "ml");
  EXPECT_DOUBLE_EQ(model["ScoreThreshold"].get<double>(), 0.75);
  EXPECT_TRUE(model.contains("ScoreThresholdLastUpdatedAt"));

  ASSERT_EQ(Call("CreateBatchPrediction", {{"BatchPredictionId", "bp"}, {"MLModelId", "ml"},
                                           {"BatchPredictionDataSourceId", "ds-batch"}, {"OutputUri", "s3://bucket/out/"}})
                .status,
            200);
  ASSERT_TRUE(api_->WaitForIdleForTest(60000));
  nlohmann::json bp = Get("GetBatchPrediction", "BatchPredictionId", "bp");
  ASSERT_EQ(bp["Status"], "COMPLETED") << bp;
  EXPECT_EQ(bp["TotalRecordCount"], 50);
  EXPECT_EQ(bp["InvalidRecordCount"], 0);
  EXPECT_NE(ReadObject("bucket", "out/.writePermissionCheck.tmp"), "<missing>");
  EXPECT_EQ(ReadObject("bucket", "out/batch-prediction/bp.manifest"),
            "{\"s3://bucket/in/batch.csv\":\"s3://bucket/out/batch-prediction/result/bp-batch.csv.gz\"}\n");
  std::string gz = ReadObject("bucket", "out/batch-prediction/result/bp-batch.csv.gz");
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);

  std::string log = ReadObject("openaml-logs", "bp/bp.log");
  EXPECT_NE(log.find("Amazon Machine Learning"), std::string::npos) << log;
  EXPECT_NE(log.find("INFO: BATCH_PREDICTION bp-bp started"), std::string::npos) << log;
  EXPECT_NE(log.find("INFO: BATCH_PREDICTION bp-bp completed."), std::string::npos) << log;
  EXPECT_NE(log.find("MIME-Version: 1.0"), std::string::npos);
}

TEST_F(MlJobsTest, MulticlassAndRegression) {
  OpenApi(/*run_jobs=*/true);
  CreateDataSource("ds-m", "s3://bucket/multi.csv", Schema("cls", "CATEGORICAL"));
  CreateDataSource("ds-r", "s3://bucket/regression.csv", Schema("v", "NUMERIC"));
  ASSERT_EQ(Call("CreateMLModel", {{"MLModelId", "ml-m"}, {"MLModelType", "MULTICLASS"}, {"TrainingDataSourceId", "ds-m"}}).status, 200);
  ASSERT_EQ(Call("CreateMLModel", {{"MLModelId", "ml-r"}, {"MLModelType", "REGRESSION"}, {"TrainingDataSourceId", "ds-r"}}).status, 200);
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev-m"}, {"MLModelId", "ml-m"}, {"EvaluationDataSourceId", "ds-m"}}).status, 200);
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev-r"}, {"MLModelId", "ml-r"}, {"EvaluationDataSourceId", "ds-r"}}).status, 200);
  ASSERT_TRUE(api_->WaitForIdleForTest(60000));
  nlohmann::json m = Get("GetEvaluation", "EvaluationId", "ev-m");
  ASSERT_EQ(m["Status"], "COMPLETED") << m;
  EXPECT_GT(std::stod(m["PerformanceMetrics"]["Properties"]["MulticlassAvgFScore"].get<std::string>()), 0.9);
  nlohmann::json r = Get("GetEvaluation", "EvaluationId", "ev-r");
  ASSERT_EQ(r["Status"], "COMPLETED") << r;
  EXPECT_LT(std::stod(r["PerformanceMetrics"]["Properties"]["RegressionRMSE"].get<std::string>()), 1.0);
  EXPECT_FALSE(Get("GetMLModel", "MLModelId", "ml-r").contains("ScoreThreshold"));
  CallResult refused = Call("UpdateMLModel", {{"MLModelId", "ml-r"}, {"ScoreThreshold", 0.5}});
  EXPECT_EQ(refused.error_type(), "InvalidInputException");
}

TEST_F(MlJobsTest, MissingDataFailsWithActionableMessageAndDependentsFail) {
  OpenApi(/*run_jobs=*/false);  // create the chain before any job runs, then start the workers
  CreateDataSource("ds-missing", "s3://bucket/nothing-here.csv", Schema("y", "BINARY"));
  ASSERT_EQ(Call("CreateMLModel", {{"MLModelId", "ml"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "ds-missing"}}).status, 200);
  OpenApi(/*run_jobs=*/true);
  ASSERT_TRUE(api_->WaitForIdleForTest(30000));
  nlohmann::json ds = Get("GetDataSource", "DataSourceId", "ds-missing");
  EXPECT_EQ(ds["Status"], "FAILED");
  EXPECT_NE(ds["Message"].get<std::string>().find("s3://bucket/nothing-here.csv"), std::string::npos) << ds;
  EXPECT_TRUE(ds.contains("FinishedAt"));
  EXPECT_FALSE(ds.contains("ComputeTime"));
  EXPECT_NE(ReadObject("openaml-logs", "ds/ds-missing.log").find("WARN: DATASOURCE ds-ds-missing failed"), std::string::npos);
  nlohmann::json model = Get("GetMLModel", "MLModelId", "ml");
  EXPECT_EQ(model["Status"], "FAILED");
  EXPECT_NE(model["Message"].get<std::string>().find("ds-missing"), std::string::npos) << model;
}

TEST_F(MlJobsTest, DeletedInputFailsWaitingDependents) {
  OpenApi(/*run_jobs=*/false);
  CreateDataSource("ds", "s3://bucket/binary.csv", Schema("y", "BINARY"));
  ASSERT_EQ(Call("CreateMLModel", {{"MLModelId", "ml"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "ds"}}).status, 200);
  ASSERT_EQ(Call("CreateEvaluation", {{"EvaluationId", "ev"}, {"MLModelId", "ml"}, {"EvaluationDataSourceId", "ds"}}).status, 200);
  ASSERT_EQ(Call("DeleteMLModel", {{"MLModelId", "ml"}}).status, 200);
  OpenApi(/*run_jobs=*/true);
  ASSERT_TRUE(api_->WaitForIdleForTest(30000));
  EXPECT_EQ(Get("GetMLModel", "MLModelId", "ml")["Status"], "DELETED");
  nlohmann::json ev = Get("GetEvaluation", "EvaluationId", "ev");
  EXPECT_EQ(ev["Status"], "FAILED");
  EXPECT_EQ(ev["Message"], "MLModel 'ml' was deleted");
  EXPECT_EQ(Get("GetDataSource", "DataSourceId", "ds")["Status"], "COMPLETED");
}

TEST_F(MlJobsTest, InterruptedJobIsRunAgainAfterRestart) {
  OpenApi(/*run_jobs=*/false);
  CreateDataSource("ds", "s3://bucket/binary.csv", Schema("y", "BINARY"));
  api_.reset();
  // Simulate a crash mid-job: the entity INPROGRESS with StartedAt, its job row with one attempt.
  {
    storage::SqliteMetadataStore::Options options;
    options.path = (dir_ / "data" / "meta.sqlite3").string();
    auto store = storage::SqliteMetadataStore::Make(options);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->UpdateEntity(storage::EntityKind::kDataSource, "ds", [](std::string& text) {
                          auto doc = nlohmann::json::parse(text);
                          doc["Status"] = "INPROGRESS";
                          doc["StartedAt"] = 1;
                          text = doc.dump();
                          return Status();
                        }).ok());
    ASSERT_TRUE((*store)->PutJob({storage::EntityKind::kDataSource, "ds", 0, 1}).ok());
  }
  OpenApi(/*run_jobs=*/true);
  ASSERT_TRUE(api_->WaitForIdleForTest(30000));
  nlohmann::json ds = Get("GetDataSource", "DataSourceId", "ds");
  EXPECT_EQ(ds["Status"], "COMPLETED") << ds;
}

TEST_F(MlJobsTest, DeletingARunningOrWaitingJobCancelsIt) {
  OpenApi(/*run_jobs=*/true);
  CreateDataSource("ds", "s3://bucket/binary.csv", Schema("y", "BINARY"));
  ASSERT_EQ(Call("CreateMLModel", {{"MLModelId", "ml"}, {"MLModelType", "BINARY"}, {"TrainingDataSourceId", "ds"}}).status, 200);
  ASSERT_EQ(Call("DeleteMLModel", {{"MLModelId", "ml"}}).status, 200);
  ASSERT_TRUE(api_->WaitForIdleForTest(30000));
  EXPECT_EQ(Get("GetMLModel", "MLModelId", "ml")["Status"], "DELETED");
  EXPECT_EQ(Get("GetDataSource", "DataSourceId", "ds")["Status"], "COMPLETED");
}

}  // namespace
}  // namespace openaml::service
