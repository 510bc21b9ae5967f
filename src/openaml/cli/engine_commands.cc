// `openaml train`, `openaml evaluate`, `openaml predict`: the learning engine on local files. Each command
// parses its options into a struct, then calls the engine's job functions (engine/jobs.h), the same code the
// service runs. Errors print one line on stderr and set exit code 1; progress goes to stderr only when it is
// a terminal (and not --quiet), never to stdout.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "nlohmann/json.hpp"
#include "openaml/cli/commands.h"
#include "openaml/common/str_cat.h"
#include "openaml/engine/jobs.h"
#include "openaml/learn/model.h"

namespace openaml::cli {
namespace {

constexpr int kExitError = 1;

void Fail(const Status& status) {
  std::fprintf(stderr, "openaml: %s\n", status.ToString().c_str());
  SetExitCode(kExitError);
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A file path or inline JSON (starting with '{').
Result<std::string> FileOrInline(const std::string& value) {
  if (!value.empty() && value.front() == '{') return value;
  return ReadText(value);
}

Result<Schema> LoadSchema(const std::string& value) {
  OPENAML_ASSIGN_OR_RETURN(std::string text, FileOrInline(value));
  Result<Schema> schema = Schema::FromJson(text);
  if (!schema.ok()) return WithContext(schema.status(), StrCat("schema ", value));
  return schema;
}

Result<engine::DataSourceSpec> LoadData(const std::string& path, Schema schema, const std::string& split) {
  engine::DataSourceSpec spec;
  OPENAML_ASSIGN_OR_RETURN(spec.files, ListLocalDataFiles(path));
  spec.schema = std::move(schema);
  if (!split.empty()) {
    OPENAML_ASSIGN_OR_RETURN(spec.rearrangement, DataRearrangement::FromSpec(split));
  }
  return spec;
}

/// Progress on stderr, on a terminal only: stage, percentage, rows per second is not known here, elapsed and
/// time left estimated from the fraction done.
engine::JobContext MakeContext(bool quiet) {
  engine::JobContext ctx;
  if (quiet || !::isatty(STDERR_FILENO)) return ctx;
  auto start = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  ctx.progress = [start](std::string_view stage, double fraction) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - *start).count();
    double left = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "\r\033[K%.*s: %3.0f%%  %.1fs elapsed, ~%.0fs left", static_cast<int>(stage.size()),
                 stage.data(), fraction * 100, elapsed, left);
    std::fflush(stderr);
  };
  ctx.log = [](std::string_view level, std::string_view text) {
    if (level == "WARN") std::fprintf(stderr, "\r\033[K%.*s\n", static_cast<int>(text.size()), text.data());
  };
  return ctx;
}

void EndProgress(const engine::JobContext& ctx) {
  if (ctx.progress) std::fprintf(stderr, "\r\033[K");
}

struct TrainParams {
  std::string data, schema, recipe, type, split, output, cache_dir;
  std::vector<std::string> params;
  std::string shuffle = "auto";
  uint64_t seed = 1;
  bool quiet = false;
  bool no_early_stop = false;
};

Status RunTrain(const TrainParams& p) {
  OPENAML_ASSIGN_OR_RETURN(Schema schema, LoadSchema(p.schema));
  engine::TrainRequest request;
  OPENAML_ASSIGN_OR_RETURN(request.training, LoadData(p.data, schema, p.split));
  if (!p.recipe.empty()) {
    OPENAML_ASSIGN_OR_RETURN(request.recipe_json, FileOrInline(p.recipe));
  }
  if (!p.type.empty()) {
    OPENAML_ASSIGN_OR_RETURN(request.model_type, engine::ParseMLModelType(p.type));
  } else {
    // The target's type decides the model type (spec §4.4).
    int target = schema.target_index();
    if (target < 0) return absl::InvalidArgumentError("the schema has no targetAttributeName");
    AttributeType t = schema.attributes[target].type;
    request.model_type = t == AttributeType::kBinary        ? engine::MLModelType::kBinary
                         : t == AttributeType::kCategorical ? engine::MLModelType::kMulticlass
                                                            : engine::MLModelType::kRegression;
  }
  // The CLI shuffles by default (as the console did); the API default is none (spec §8.3).
  request.parameters["sgd.shuffleType"] = p.shuffle;
  for (const std::string& kv : p.params) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) return absl::InvalidArgumentError(StrCat("--param '", kv, "' is not KEY=VALUE"));
    request.parameters[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  request.model_path = p.output;
  request.seed = p.seed;
  request.cache_directory = p.cache_dir;
  request.early_stop = !p.no_early_stop;
  engine::JobContext ctx = MakeContext(p.quiet);
  auto start = std::chrono::steady_clock::now();
  Result<engine::TrainResult> result = engine::TrainModel(request, ctx);
  EndProgress(ctx);
  OPENAML_RETURN_IF_ERROR(result.status());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!p.quiet)
    std::fprintf(stderr, "trained %s model on %llu records (%llu invalid) in %d passes, %.2fs: %llu features, %llu bytes%s\n",
                 std::string(engine::MLModelTypeName(request.model_type)).c_str(),
                 static_cast<unsigned long long>(result->records_used),
                 static_cast<unsigned long long>(result->invalid_records), result->passes_run, seconds,
                 static_cast<unsigned long long>(result->features),
                 static_cast<unsigned long long>(result->size_in_bytes),
                 result->features_dropped ? StrCat(", ", result->features_dropped, " features dropped to fit").c_str() : "");
  return absl::OkStatus();
}

struct EvaluateParams {
  std::string model, data, schema, split;
  double threshold = -1;
  bool json = false, quiet = false;
};

Status RunEvaluate(const EvaluateParams& p) {
  OPENAML_ASSIGN_OR_RETURN(Schema schema, LoadSchema(p.schema));
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceSpec data, LoadData(p.data, schema, p.split));
  engine::EvaluateOptions options;
  if (p.threshold >= 0) options.score_threshold = p.threshold;
  engine::JobContext ctx = MakeContext(p.quiet);
  Result<engine::EvaluationResult> result = engine::EvaluateModel(p.model, data, "", options, ctx);
  EndProgress(ctx);
  OPENAML_RETURN_IF_ERROR(result.status());
  if (p.json) {
    nlohmann::json doc = {{"PerformanceMetrics", {{"Properties", result->performance_metrics}}},
                          {"records", result->records},
                          {"invalidRecords", result->invalid_records},
                          {"detail", nlohmann::json::parse(result->detail_json)}};
    for (const auto& [key, value] : result->performance_metrics) doc[key] = value;
    std::printf("%s\n", doc.dump().c_str());
  } else {
    for (const auto& [key, value] : result->performance_metrics) std::printf("%s: %s\n", key.c_str(), value.c_str());
    nlohmann::json detail = nlohmann::json::parse(result->detail_json);
    std::printf("records: %llu (invalid: %llu)\n", static_cast<unsigned long long>(result->records),
                static_cast<unsigned long long>(result->invalid_records));
    if (detail.contains("baselineAuc")) std::printf("baseline AUC: 0.5\n");
    if (detail.contains("baselineMacroF1")) std::printf("baseline macro F1: %.7f\n", detail["baselineMacroF1"].get<double>());
    if (detail.contains("baselineRmse")) std::printf("baseline RMSE: %.7f\n", detail["baselineRmse"].get<double>());
    if (detail.contains("atThreshold")) {
      const auto& t = detail["atThreshold"];
      std::printf("at threshold %g: TP %llu FP %llu TN %llu FN %llu, accuracy %.4f precision %.4f recall %.4f FPR %.4f\n",
                  t["threshold"].get<double>(), t["truePositives"].get<unsigned long long>(),
                  t["falsePositives"].get<unsigned long long>(), t["trueNegatives"].get<unsigned long long>(),
                  t["falseNegatives"].get<unsigned long long>(), t["accuracy"].get<double>(),
                  t["precision"].get<double>(), t["recall"].get<double>(), t["falsePositiveRate"].get<double>());
    }
    for (const auto& alert : detail["alerts"])
      if (alert["raised"].get<bool>()) std::printf("alert: %s\n", alert["message"].get<std::string>().c_str());
  }
  return absl::OkStatus();
}

/// Writes to stdout; Commit flushes.
class StdoutSink final : public ByteSink {
 public:
  Status Write(std::string_view data) override {
    if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size()) return absl::InternalError("cannot write to stdout");
    return absl::OkStatus();
  }
  Status Commit() override {
    std::fflush(stdout);
    return absl::OkStatus();
  }
};

struct PredictParams {
  std::string model, data, schema, output;
  double threshold = -1;
  bool gzip = false, quiet = false;
};

/// Number of fields of the first line of `path` (commas outside double quotes), 0 if unreadable.
size_t FirstLineFields(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return 0;
  size_t fields = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) ++fields;
  }
  return fields;
}

Status RunPredict(const PredictParams& p) {
  Schema schema;
  if (!p.schema.empty()) {
    OPENAML_ASSIGN_OR_RETURN(schema, LoadSchema(p.schema));
  } else if (std::filesystem::is_regular_file(p.data + ".schema")) {
    OPENAML_ASSIGN_OR_RETURN(schema, LoadSchema(p.data + ".schema"));
  } else {
    // The model's schema; without its target when the file has one column fewer (a batch input, spec §11.1).
    OPENAML_ASSIGN_OR_RETURN(std::shared_ptr<learn::Model> model, learn::Model::Load(p.model));
    OPENAML_ASSIGN_OR_RETURN(schema, Schema::FromJson(model->schema_json));
    int target = schema.target_index();
    if (target >= 0 && std::filesystem::is_regular_file(p.data) &&
        FirstLineFields(p.data) + 1 == schema.attributes.size()) {
      schema.attributes.erase(schema.attributes.begin() + target);
      schema.target.reset();
    }
  }
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceSpec data, LoadData(p.data, schema, ""));
  bool gzip = p.gzip || (p.output.size() > 3 && p.output.ends_with(".gz"));
  std::string output = p.output;
  size_t files = data.files.size();
  auto open_output = [&](size_t index) -> Result<std::unique_ptr<ByteSink>> {
    if (output.empty() || output == "-") return std::unique_ptr<ByteSink>(std::make_unique<StdoutSink>());
    if (files == 1) return OpenLocalFileSink(output);
    // Several input files: OUT is a directory receiving one result per input (spec §11.2 naming).
    std::filesystem::create_directories(output);
    std::string name = std::filesystem::path(data.files[index].uri).filename().string();
    return OpenLocalFileSink(StrCat(output, "/", name, gzip ? ".gz" : ""));
  };
  engine::JobContext ctx = MakeContext(p.quiet);
  std::optional<double> threshold;
  if (p.threshold >= 0) threshold = p.threshold;
  Result<engine::BatchPredictionResult> result = engine::BatchPredict(p.model, data, threshold, gzip, open_output, ctx);
  EndProgress(ctx);
  OPENAML_RETURN_IF_ERROR(result.status());
  if (!p.quiet)
    std::fprintf(stderr, "%llu records seen, %llu failed\n", static_cast<unsigned long long>(result->total_records),
                 static_cast<unsigned long long>(result->invalid_records));
  return absl::OkStatus();
}

}  // namespace

void RegisterEngineCommands(CLI::App& app) {
  auto train_params = std::make_shared<TrainParams>();
  CLI::App* train = app.add_subcommand("train", "Train a model on a local CSV file or folder");
  train->add_option("DATA", train_params->data, "CSV file, or a folder read as one dataset")->required();
  train->add_option("--schema", train_params->schema, "Schema JSON file (or inline JSON)")->required();
  train->add_option("--recipe", train_params->recipe, "Recipe JSON file (or inline JSON); default: the suggested recipe");
  train->add_option("--type", train_params->type, "BINARY, MULTICLASS or REGRESSION; default: from the target's type");
  train->add_option("--split", train_params->split, "Rows used, e.g. random:0-70:SEED or sequential:0-70");
  train->add_option("--param", train_params->params, "Training parameter KEY=VALUE (sgd.maxPasses=20, ...)");
  train->add_option("--shuffle", train_params->shuffle, "sgd.shuffleType unless given by --param (CLI default: auto)")
      ->check(CLI::IsMember({"auto", "none"}));
  train->add_option("--seed", train_params->seed, "Seed of shuffling and sampling (same seed, same model)");
  train->add_option("--cache-dir", train_params->cache_dir, "Directory of the feature cache file");
  train->add_option("-o,--output", train_params->output, "Model file to write")->required();
  train->add_flag("--no-early-stop", train_params->no_early_stop,
                  "Run exactly sgd.maxPasses passes: no early stop when the pass loss stops improving "
                  "(openaml extension, not an Amazon ML parameter)");
  train->add_flag("--quiet", train_params->quiet, "No progress or summary on stderr");
  train->callback([train_params] {
    Status s = RunTrain(*train_params);
    if (!s.ok()) Fail(s);
  });

  auto eval_params = std::make_shared<EvaluateParams>();
  CLI::App* evaluate = app.add_subcommand("evaluate", "Evaluate a model on a local CSV file or folder");
  evaluate->add_option("MODEL", eval_params->model, "Model file")->required();
  evaluate->add_option("DATA", eval_params->data, "CSV file or folder with the target")->required();
  evaluate->add_option("--schema", eval_params->schema, "Schema JSON file (or inline JSON)")->required();
  evaluate->add_option("--split", eval_params->split, "Rows used, e.g. random:70-100:SEED");
  evaluate->add_option("--threshold", eval_params->threshold, "BINARY score threshold for the counts")
      ->check(CLI::Range(0.0, 1.0));
  evaluate->add_flag("--json", eval_params->json, "Print JSON (keys BinaryAUC, MulticlassAvgFScore, RegressionRMSE)");
  evaluate->add_flag("--quiet", eval_params->quiet, "No progress on stderr");
  evaluate->callback([eval_params] {
    Status s = RunEvaluate(*eval_params);
    if (!s.ok()) Fail(s);
  });

  auto predict_params = std::make_shared<PredictParams>();
  CLI::App* predict = app.add_subcommand("predict", "Batch predictions for a local CSV file or folder");
  predict->add_option("MODEL", predict_params->model, "Model file")->required();
  predict->add_option("DATA", predict_params->data, "CSV file or folder")->required();
  predict->add_option("--schema", predict_params->schema,
                      "Schema of DATA; default: DATA.schema if present, else the model's (without the target when "
                      "DATA has one column fewer)");
  predict->add_option("--threshold", predict_params->threshold, "BINARY score threshold (default: the model's, 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  predict->add_option("-o,--output", predict_params->output, "Output file (default: stdout); .gz compresses");
  predict->add_flag("--gzip", predict_params->gzip, "Compress the output with gzip");
  predict->add_flag("--quiet", predict_params->quiet, "No progress or summary on stderr");
  predict->callback([predict_params] {
    Status s = RunPredict(*predict_params);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace openaml::cli
