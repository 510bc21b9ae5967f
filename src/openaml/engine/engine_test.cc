#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "openaml/common/str_cat.h"
#include "openaml/engine/jobs.h"
#include "openaml/ingest/dataset_reader.h"
#include "openaml/learn/model.h"
#include "openaml/predict/number_format.h"
#include "openaml/predict/predictor.h"
#include "openaml/stats/statistics.h"

namespace openaml::engine {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/engine-test-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A sink capturing bytes in memory.
class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Write(std::string_view data) override {
    pending_.append(data);
    return absl::OkStatus();
  }
  Status Commit() override {
    *out_ = pending_;
    return absl::OkStatus();
  }

 private:
  std::string* out_;
  std::string pending_;
};

const std::string kBanking = std::string(OPENAML_SOURCE_DIR) + "/examples/banking/";

DataSourceSpec Banking(const std::string& split) {
  DataSourceSpec spec;
  spec.files = *ListLocalDataFiles(kBanking + "banking.csv");
  spec.schema = *Schema::FromJson(ReadFile(kBanking + "banking.csv.schema"));
  spec.rearrangement = *DataRearrangement::FromSpec(split);
  return spec;
}

TEST(EngineBanking, RandomSplitAucAboveBar) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.training = Banking("random:0-70:banking");
  request.recipe_json = R"J({"outputs":["ALL_BINARY","ALL_CATEGORICAL","quantile_bin(ALL_NUMERIC,50)"]})J";
  request.model_path = dir.File("model");
  auto trained = TrainModel(request, ctx);
  ASSERT_TRUE(trained.ok()) << trained.status();
  EXPECT_NEAR(static_cast<double>(trained->records_used), 41188 * 0.7, 41188 * 0.02);
  auto evaluation = EvaluateModel(request.model_path, Banking("random:70-100:banking"), "", ctx);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  double auc = std::stod(evaluation->performance_metrics.at("BinaryAUC"));
  EXPECT_GE(auc, 0.935);
  EXPECT_EQ(evaluation->records + trained->records_used, 41188u);
  auto detail = nlohmann::json::parse(evaluation->detail_json);
  EXPECT_EQ(detail["thresholdCurve"].size(), 101u);
}

TEST(EngineBanking, TrainingIsDeterministicPerSeed) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.training = Banking("random:0-20:det");
  request.parameters = {{"sgd.shuffleType", "auto"}, {"sgd.maxPasses", "3"}};
  request.model_path = dir.File("a");
  request.one_thread_max_bytes = 0;  // the reader thread and the featurizing thread, even on this little data
  ASSERT_TRUE(TrainModel(request, ctx).ok());
  request.model_path = dir.File("b");
  request.threads = 1;
  ASSERT_TRUE(TrainModel(request, ctx).ok());
  EXPECT_EQ(ReadFile(dir.File("a")), ReadFile(dir.File("b")));
  request.seed = 2;
  request.model_path = dir.File("c");
  ASSERT_TRUE(TrainModel(request, ctx).ok());
  EXPECT_NE(ReadFile(dir.File("a")), ReadFile(dir.File("c")));
}

TEST(EngineBanking, NoEarlyStopRunsExactlyMaxPasses) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.training = Banking("random:0-20:passes");
  request.parameters = {{"sgd.shuffleType", "auto"}, {"sgd.maxPasses", "30"}};
  request.model_path = dir.File("early");
  auto early = TrainModel(request, ctx);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_LT(early->passes_run, 30);  // converges well before 30 passes
  request.early_stop = false;
  request.model_path = dir.File("all");
  auto all = TrainModel(request, ctx);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->passes_run, 30);
  EXPECT_EQ(all->training_parameters.at("sgd.maxPasses"), "30");
}

TEST(EngineBanking, RealtimePredictionEqualsBatchLineAndBadRecordsLeaveBlankLines) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.training = Banking("random:0-30:pred");
  request.model_path = dir.File("model");
  ASSERT_TRUE(TrainModel(request, ctx).ok());  // the suggested recipe
  std::string header = "age,job,marital,education,default,housing,loan,contact,month,day_of_week,duration,campaign,"
                       "pdays,previous,poutcome,emp_var_rate,cons_price_idx,cons_conf_idx,euribor3m,nr_employed\n";
  std::string row1 = "32,services,divorced,basic.9y,no,unknown,yes,cellular,dec,mon,110,1,11,0,nonexistent,-1.8,94.465,-36.1,0.883,5228.1\n";
  std::string row2 = "56,housemaid,married,basic.4y,no,no,no,telephone,may,mon,261,1,999,0,nonexistent,1.1,93.994,-36.4,4.857,5191\n";
  DataSourceSpec batch;
  batch.schema = *Schema::FromJson(ReadFile(kBanking + "banking-batch.csv.schema"));
  batch.files = {MakeMemoryDataFile("mem://batch.csv", header + row1 + "1,2,3\n" + row2 + "4\n")};
  std::string out;
  auto result = BatchPredict(request.model_path, batch, 0.5, false,
                             [&](size_t) -> Result<std::unique_ptr<ByteSink>> { return std::make_unique<StringSink>(&out); }, ctx);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->total_records, 4u);
  EXPECT_EQ(result->invalid_records, 2u);
  std::vector<std::string> lines;
  std::stringstream ss(out);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "bestAnswer,score");
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[4], "");

  auto predictor = *predict::Predictor::Load(request.model_path);
  std::vector<std::string> names, values;
  std::stringstream hs(header.substr(0, header.size() - 1)), vs(row1.substr(0, row1.size() - 1));
  for (std::string v; std::getline(hs, v, ',');) names.push_back(v);
  for (std::string v; std::getline(vs, v, ',');) values.push_back(v);
  std::map<std::string, std::string> record;
  for (size_t i = 0; i < names.size(); ++i) record[names[i]] = values[i];
  record["not_an_attribute"] = "ignored";
  predict::Prediction p = predictor->PredictRecord(record);
  ASSERT_TRUE(p.predicted_label.has_value());
  ASSERT_EQ(p.predicted_scores.size(), 1u);
  float score = p.predicted_scores.begin()->second;
  EXPECT_EQ(lines[1], *p.predicted_label + "," + predict::FormatScore(score)) << p.ToJson();
  auto json = nlohmann::json::parse(p.ToJson());
  EXPECT_EQ(json["details"]["PredictiveModelType"], "BINARY");
  EXPECT_EQ(json["details"]["Algorithm"], "SGD");

  // Absent attributes are missing, not an error.
  predict::Prediction sparse = predictor->PredictRecord({{"age", "40"}});
  EXPECT_TRUE(sparse.predicted_label.has_value());
}

// Batch output spans many chunks scored on several threads: every line is still the line of its own input
// record, in input order, with bad records (at batch edges, and after the last rows) as blank lines, in
// every file.
TEST(EngineBanking, ParallelBatchKeepsInputOrderAcrossChunksAndFiles) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.training = Banking("random:0-30:order");
  request.model_path = dir.File("model");
  ASSERT_TRUE(TrainModel(request, ctx).ok());
  auto predictor = *predict::Predictor::Load(request.model_path);
  const std::vector<std::string> names = {"age", "job", "marital", "education", "default", "housing", "loan",
                                          "contact", "month", "day_of_week", "duration", "campaign", "pdays",
                                          "previous", "poutcome", "emp_var_rate", "cons_price_idx", "cons_conf_idx",
                                          "euribor3m", "nr_employed"};
  std::string header;
  for (const std::string& n : names) header += (header.empty() ? "" : ",") + n;
  // Files 0 and 1: bad records at batch edges; file 2: bad records only after its last full batch of rows.
  const std::vector<int> rows_in = {10000, 10000, 2050};
  const std::vector<std::set<int>> bad = {{0, 4095, 4096, 4097, 8191, 9999}, {0, 4095, 4096, 4097, 8191, 9999}, {2048, 2049}};
  DataSourceSpec batch;
  batch.schema = *Schema::FromJson(ReadFile(kBanking + "banking-batch.csv.schema"));
  std::vector<std::vector<std::string>> expected(3);
  for (int file = 0; file < 3; ++file) {
    std::string csv = header + "\n";
    for (int r = 0; r < rows_in[file]; ++r) {
      if (bad[file].count(r)) {
        csv += "1,2,3\n";
        expected[file].push_back("");
        continue;
      }
      std::vector<std::string> values = {std::to_string(18 + (r * 7 + file) % 70), r % 3 ? "services" : "admin.",
                                         "married", "basic.9y", "no", "yes", "no", "cellular", r % 2 ? "may" : "dec",
                                         "mon", std::to_string((r * 37) % 2000), "1", "999", "0", "nonexistent",
                                         "-1.8", "94.465", "-36.1", "0.883", "5228.1"};
      std::map<std::string, std::string> record;
      for (size_t i = 0; i < names.size(); ++i) {
        csv += (i ? "," : "") + values[i];
        record[names[i]] = values[i];
      }
      csv += "\n";
      predict::Prediction p = predictor->PredictRecord(record, 0.5);
      expected[file].push_back(*p.predicted_label + "," + predict::FormatScore(p.predicted_scores.begin()->second));
    }
    batch.files.push_back(MakeMemoryDataFile("mem://batch" + std::to_string(file) + ".csv", csv));
  }
  std::vector<std::string> outs(3);
  auto result = BatchPredict(request.model_path, batch, 0.5, false,
                             [&](size_t i) -> Result<std::unique_ptr<ByteSink>> { return std::make_unique<StringSink>(&outs[i]); }, ctx);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->total_records, 22050u);
  EXPECT_EQ(result->invalid_records, 14u);
  for (int file = 0; file < 3; ++file) {
    std::vector<std::string> lines;
    std::stringstream ss(outs[file]);
    for (std::string line; std::getline(ss, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), static_cast<size_t>(rows_in[file]) + 1);
    EXPECT_EQ(lines[0], "bestAnswer,score");
    for (size_t r = 0; r < expected[file].size(); ++r) ASSERT_EQ(lines[r + 1], expected[file][r]) << "file " << file << " row " << r;
  }
}

Schema SmallSchema(AttributeType target_type) {
  Schema s;
  s.target = "t";
  s.row_id = "id";
  s.attributes = {{"id", AttributeType::kCategorical}, {"x", AttributeType::kNumeric},
                  {"c", AttributeType::kCategorical}, {"t", target_type}};
  return s;
}

DataSourceSpec SmallData(AttributeType target_type, int rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 0.5);
  std::string csv;
  const char* classes[] = {"red", "green", "blue"};
  for (int r = 0; r < rows; ++r) {
    int c = static_cast<int>(rng() % 3);
    double x = static_cast<double>(rng() % 1000) / 100;
    std::string target;
    if (target_type == AttributeType::kNumeric) target = std::to_string(3 * x + 10 * c + noise(rng));
    else target = classes[(c + (x > 5 ? 1 : 0)) % 3];
    if (r % 50 == 7) target = "";  // missing target: refused
    csv += "id" + std::to_string(r) + "," + std::to_string(x) + ",c" + std::to_string(c) + "," + target + "\n";
  }
  DataSourceSpec spec;
  spec.schema = SmallSchema(target_type);
  spec.files = {MakeMemoryDataFile("mem://small.csv", csv)};
  return spec;
}

TEST(EngineSmall, MulticlassAndRegressionTrainEvaluateAndPredict) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.model_type = MLModelType::kMulticlass;
  request.training = SmallData(AttributeType::kCategorical, 3000, 1);
  request.recipe_json = R"J({"outputs":["c","quantile_bin(x,10)","cartesian(c,quantile_bin(x,10))"]})J";
  request.parameters = {{"sgd.maxPasses", "20"}};
  request.model_path = dir.File("multi");
  auto trained = TrainModel(request, ctx);
  ASSERT_TRUE(trained.ok()) << trained.status();
  EXPECT_EQ(trained->invalid_records, 60u);
  auto evaluation = EvaluateModel(request.model_path, SmallData(AttributeType::kCategorical, 1000, 2), "", ctx);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_GT(std::stod(evaluation->performance_metrics.at("MulticlassAvgFScore")), 0.95);
  std::string out;
  auto batch = BatchPredict(request.model_path, SmallData(AttributeType::kCategorical, 3, 3), std::nullopt, false,
                            [&](size_t) -> Result<std::unique_ptr<ByteSink>> { return std::make_unique<StringSink>(&out); }, ctx);
  ASSERT_TRUE(batch.ok());
  EXPECT_THAT(out, ::testing::StartsWith("tag,trueLabel,blue,green,red\nid0,"));

  request.model_type = MLModelType::kRegression;
  request.training = SmallData(AttributeType::kNumeric, 3000, 1);
  request.recipe_json = R"J({"outputs":["x","c"]})J";
  request.model_path = dir.File("reg");
  ASSERT_TRUE(TrainModel(request, ctx).ok());
  evaluation = EvaluateModel(request.model_path, SmallData(AttributeType::kNumeric, 1000, 2), "", ctx);
  ASSERT_TRUE(evaluation.ok());
  EXPECT_LT(std::stod(evaluation->performance_metrics.at("RegressionRMSE")), 0.7);
  auto predictor = *predict::Predictor::Load(request.model_path);
  predict::Prediction p = predictor->PredictRecord({{"x", "2"}, {"c", "c1"}});
  ASSERT_TRUE(p.predicted_value.has_value());
  EXPECT_NEAR(*p.predicted_value, 16, 0.5);
  EXPECT_EQ(p.ToJson().find("predictedLabel"), std::string::npos);
}

TEST(EngineErrors, ClearMessagesNeverCrashes) {
  TempDir dir;
  JobContext ctx;
  TrainRequest request;
  request.training = SmallData(AttributeType::kNumeric, 100, 1);
  request.model_path = dir.File("m");
  request.model_type = MLModelType::kBinary;
  EXPECT_THAT(std::string(TrainModel(request, ctx).status().message()), HasSubstr("needs a BINARY target"));
  request.model_type = MLModelType::kRegression;
  request.parameters = {{"sgd.maxPasses", "0"}};
  EXPECT_THAT(std::string(TrainModel(request, ctx).status().message()), HasSubstr("sgd.maxPasses"));
  request.parameters.clear();
  request.recipe_json = R"J({"outputs":["nope"]})J";
  EXPECT_THAT(std::string(TrainModel(request, ctx).status().message()), HasSubstr("'nope' is not a variable"));
  request.recipe_json.reset();
  request.training.schema.target.reset();
  EXPECT_THAT(std::string(TrainModel(request, ctx).status().message()), HasSubstr("no targetAttributeName"));

  std::ofstream(dir.File("garbage")) << "not a model";
  auto evaluation = EvaluateModel(dir.File("garbage"), SmallData(AttributeType::kNumeric, 10, 1), "", ctx);
  EXPECT_THAT(std::string(evaluation.status().message()), HasSubstr("not an openaml model"));
  EXPECT_FALSE(EvaluateModel(dir.File("missing"), SmallData(AttributeType::kNumeric, 10, 1), "", ctx).ok());
}

TEST(EngineJobs, CancelledTrainingStops) {
  TempDir dir;
  std::atomic<bool> cancelled{true};
  JobContext ctx;
  ctx.cancelled = &cancelled;
  TrainRequest request;
  request.model_type = MLModelType::kRegression;
  request.training = SmallData(AttributeType::kNumeric, 1000, 1);
  request.model_path = dir.File("m");
  EXPECT_EQ(TrainModel(request, ctx).status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(std::filesystem::exists(dir.File("m")));
}

}  // namespace
}  // namespace openaml::engine

namespace openaml::engine {
namespace {

TEST(EngineDataSource, ComputesStatisticsInTheCountingPassWhenAsked) {
  JobContext ctx;
  auto with = BuildDataSource(Banking("random:0-70:banking"), /*compute_statistics=*/true, ctx);
  ASSERT_TRUE(with.ok()) << with.status();
  auto stats = nlohmann::json::parse(with->statistics_json);
  EXPECT_EQ(stats["dataSummary"]["recordsProcessed"].get<uint64_t>(), with->records);
  EXPECT_EQ(stats["dataSummary"]["targetAttributeName"], "y");
  EXPECT_NEAR(static_cast<double>(with->records), 41188 * 0.7, 41188 * 0.02);
  EXPECT_EQ(with->number_of_files, 1u);

  auto without = BuildDataSource(Banking("random:0-70:banking"), /*compute_statistics=*/false, ctx);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->records, with->records);
  EXPECT_TRUE(without->statistics_json.empty());
}

}  // namespace
}  // namespace openaml::engine

// ---- BuildDataSource with statistics: selected records, bad records, limits, cancellation ----
namespace openaml::engine {
namespace {

Schema MixedSchema() {
  Schema s;
  s.target = "y";
  s.data_file_contains_header = true;
  s.attributes = {{"id", AttributeType::kCategorical}, {"x", AttributeType::kNumeric},
                  {"c", AttributeType::kCategorical},  {"note", AttributeType::kText},
                  {"flag", AttributeType::kBinary},    {"y", AttributeType::kBinary}};
  s.row_id = "id";
  return s;
}

/// A CSV of `rows` lines of MixedSchema (header first), with a bad record (wrong field count, or an
/// unterminated quote on the last line when `bad_end`) every `bad_every` lines and `bad_end` bad lines at
/// the end. Some fields are quoted (with commas and line breaks), so batches copy them field by field.
std::string MixedCsv(int rows, uint64_t seed, int bad_every, int bad_end) {
  std::mt19937_64 rng(seed);
  const char* words[] = {"The", "fox;", "jumped", "over", "fence.", "Movie", "intriguing!", "a", "", "zebra"};
  std::string csv = "id,x,c,note,flag,y\n";
  for (int r = 0; r < rows; ++r) {
    if (bad_every > 0 && r % bad_every == bad_every / 2) csv += "bad,1,2\n";
    std::string note;
    for (uint64_t w = rng() % 6; w > 0; --w) note += std::string(words[rng() % 10]) + " ";
    const uint64_t k = rng() % 100;
    std::string x = k < 3 ? "" : k < 5 ? "n/a" : std::to_string(static_cast<double>(rng() % 100000) / 7);
    std::string c = "cat" + std::to_string(rng() % (k < 50 ? 20 : 3000));
    std::string flag = k < 4 ? "" : k < 6 ? "maybe" : (rng() % 2 ? "yes" : "0");
    csv += StrCat("r", r, ",", x, ",", c, ",");
    csv += rng() % 4 == 0 ? "\"" + note + ",\nsecond line\"" : note;
    csv += StrCat(",", flag, ",", rng() % 3 == 0 ? "1" : "0", "\n");
  }
  for (int b = 0; b < bad_end; ++b) csv += b + 1 < bad_end ? "bad,line\n" : "\"unterminated,1,2,3,4,5\n";
  return csv;
}

struct LoggedBad {
  std::string uri;
  uint64_t byte_offset;
  std::string reason;
  bool operator==(const LoggedBad&) const = default;
};

/// The reference: the selected records of DataSetReader fed straight to StatsAccumulator::AddFields, and the
/// bad records its handler reports.
std::string ReferenceStatistics(const DataSourceSpec& spec, std::vector<LoggedBad>* bad) {
  auto reader = DataSetReader::Make(spec.files, spec.schema, spec.rearrangement, DataSetOptions::Defaults());
  EXPECT_TRUE(reader.ok()) << reader.status();
  (*reader)->set_bad_record_handler([bad](const std::string& uri, const BadRecord& b) {
    bad->push_back({uri, b.byte_offset, b.reason});
  });
  StatsAccumulator stats(spec.schema);
  DataRow row;
  while (true) {
    auto more = (*reader)->Next(&row);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    stats.AddFields(row.fields);
  }
  return stats.Finish((*reader)->report().bad_records).ToJson();
}

Result<DataSourceResult> BuildWithStatistics(const DataSourceSpec& spec, std::vector<LoggedBad>* bad,
                                             JobContext& ctx) {
  DataSourceOptions options;
  options.on_bad_record = [bad](const std::string& uri, const BadRecord& b) {
    bad->push_back({uri, b.byte_offset, b.reason});
  };
  return BuildDataSource(spec, /*compute_statistics=*/true, options, ctx);
}

DataSourceSpec MixedData(const std::string& split) {
  DataSourceSpec spec;
  spec.schema = MixedSchema();
  // ~40,000 records over three files, bad records inside and at the ends of files.
  spec.files = {MakeMemoryDataFile("mem://part-1.csv", MixedCsv(17000, 1, 997, 0), 1 << 16),
                MakeMemoryDataFile("mem://part-2.csv", MixedCsv(3, 2, 0, 2)),  // bad records at a file's end
                MakeMemoryDataFile("mem://part-3.csv", MixedCsv(23000, 3, 1009, 3), 1 << 16)};
  spec.rearrangement = *DataRearrangement::FromSpec(split);
  return spec;
}

TEST(EngineDataSource, StatisticsAreThoseOfTheSelectedRecords) {
  const std::pair<std::string, double> splits[] = {
      {"random:0-100", 1.0}, {"random:10-85:stats", 0.75}, {"sequential:30-100", 0.70}};
  for (const auto& [split, share] : splits) {
    SCOPED_TRACE(split);
    const DataSourceSpec spec = MixedData(split);
    std::vector<LoggedBad> reference_bad;
    const std::string reference = ReferenceStatistics(spec, &reference_bad);
    ASSERT_GT(reference_bad.size(), 40u);
    EXPECT_EQ(reference_bad.back().uri, "mem://part-3.csv");  // the last bad record comes after the last row
    auto parsed = nlohmann::json::parse(reference);
    ASSERT_GT(parsed["dataSummary"]["recordsProcessed"].get<uint64_t>(), 20000u);
    JobContext ctx;
    std::vector<LoggedBad> bad;
    auto result = BuildWithStatistics(spec, &bad, ctx);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->statistics_json, reference);  // byte for byte
    EXPECT_EQ(bad, reference_bad);                  // in order, with file and byte offset
    EXPECT_EQ(result->records, parsed["dataSummary"]["recordsProcessed"].get<uint64_t>());
    EXPECT_EQ(result->bad_records, reference_bad.size());
    EXPECT_EQ(result->number_of_files, 3u);
    // Every file is read whole; the split selects its share of the good records.
    EXPECT_EQ(result->bytes_read, result->data_size_bytes);
    EXPECT_EQ(result->records_read, 40003u);
    EXPECT_NEAR(static_cast<double>(result->records) / static_cast<double>(result->records_read), share, 0.01);
  }
}

TEST(EngineDataSource, BadRecordsGoToTheJobLogInOrderWithTheirOffsets) {
  const DataSourceSpec spec = MixedData("random:0-100");
  std::vector<LoggedBad> reference_bad;
  ReferenceStatistics(spec, &reference_bad);
  std::vector<std::string> expected;
  for (const LoggedBad& b : reference_bad)
    expected.push_back(StrCat("WARN Invalid Record Found [Byte Offset : ", b.byte_offset, "] :", b.reason));
  // The first bad record of part-1 is line 500 (header + 498 records + 'bad,1,2'): its byte offset is exact.
  const std::string part1 = MixedCsv(17000, 1, 997, 0);
  size_t at = part1.find("\nbad,1,2\n");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(reference_bad.front().byte_offset, at + 1);
  std::vector<std::string> logged;
  JobContext ctx;
  ctx.log = [&logged](std::string_view level, std::string_view text) {
    logged.push_back(StrCat(level, " ", text));
  };
  auto result = BuildDataSource(spec, true, ctx);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(logged, expected);
}

TEST(EngineDataSource, FailsPastTheBadRecordLimit) {
  DataSourceSpec spec;
  spec.schema = MixedSchema();
  spec.files = {MakeMemoryDataFile("mem://bad.csv", MixedCsv(12000, 4, 1, 0))};  // every other line bad
  std::vector<LoggedBad> bad;
  JobContext ctx;
  auto result = BuildWithStatistics(spec, &bad, ctx);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("10000"));
  EXPECT_EQ(bad.size(), 10001u);
}

TEST(EngineDataSource, StopsWhenCancelled) {
  const DataSourceSpec spec = MixedData("random:0-100");
  std::atomic<bool> cancelled{false};
  JobContext ctx;
  ctx.cancelled = &cancelled;
  // Cancelled from the start.
  cancelled = true;
  std::vector<LoggedBad> bad;
  EXPECT_EQ(BuildWithStatistics(spec, &bad, ctx).status().code(), absl::StatusCode::kCancelled);
  // Cancelled midway (at the first bad record): the job stops at its next check, every 4,096 rows.
  cancelled = false;
  DataSourceOptions options;
  int reported = 0;
  options.on_bad_record = [&](const std::string&, const BadRecord&) {
    ++reported;
    cancelled = true;
  };
  auto result = BuildDataSource(spec, true, options, ctx);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled) << result.status();
  EXPECT_EQ(result.status().message(), "job cancelled");
  // Stopped before the end: not every bad record of the data was met.
  std::vector<LoggedBad> reference_bad;
  ReferenceStatistics(spec, &reference_bad);
  EXPECT_GE(reported, 1);
  EXPECT_LT(static_cast<size_t>(reported), reference_bad.size() - 10);
}

TEST(EngineDataSource, EmptyAndHeaderOnlyFilesGiveEmptyStatistics) {
  DataSourceSpec spec;
  spec.schema = MixedSchema();
  spec.files = {MakeMemoryDataFile("mem://empty.csv", ""),
                MakeMemoryDataFile("mem://header.csv", "id,x,c,note,flag,y\n")};
  std::vector<LoggedBad> reference_bad;
  const std::string reference = ReferenceStatistics(spec, &reference_bad);
  JobContext ctx;
  std::vector<LoggedBad> bad;
  auto result = BuildWithStatistics(spec, &bad, ctx);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->records, 0u);
  EXPECT_EQ(result->bad_records, 0u);
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(result->statistics_json, reference);
  EXPECT_EQ(nlohmann::json::parse(result->statistics_json)["dataSummary"]["recordsProcessed"], 0);
}

TEST(EngineDataSource, OnlyBadRecordsAreAllReported) {
  DataSourceSpec spec;
  spec.schema = MixedSchema();
  spec.files = {MakeMemoryDataFile("mem://bad-only.csv", "id,x,c,note,flag,y\na,b\nc\n\"x,y\n")};
  std::vector<LoggedBad> reference_bad;
  const std::string reference = ReferenceStatistics(spec, &reference_bad);
  ASSERT_EQ(reference_bad.size(), 3u);
  JobContext ctx;
  std::vector<LoggedBad> bad;
  auto result = BuildWithStatistics(spec, &bad, ctx);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(bad, reference_bad);
  EXPECT_EQ(result->statistics_json, reference);
}

}  // namespace
}  // namespace openaml::engine
