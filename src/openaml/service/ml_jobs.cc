#include "openaml/service/ml_jobs.h"

#include <fmt/format.h>

#include "openaml/service/format_internal.h"
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "openaml/ingest/data_rearrangement.h"
#include "openaml/schema/schema.h"
#include "openaml/service/database_datasource.h"
#include "openaml/service/entity.h"

namespace openaml::service {
namespace {

constexpr size_t kMaxMessage = 10240;  // Message member limit (spec §1.7)

std::string Truncate(std::string text, size_t limit) {
  if (text.size() > limit) text.resize(limit);
  return text;
}

/// The inputs a job needs finished before it can start, as (kind, member holding the ID).
std::vector<std::pair<EntityKind, std::string_view>> InputsOf(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDataSource: return {};
    case EntityKind::kMLModel: return {{EntityKind::kDataSource, "TrainingDataSourceId"}};
    case EntityKind::kEvaluation:
      return {{EntityKind::kMLModel, "MLModelId"}, {EntityKind::kDataSource, "EvaluationDataSourceId"}};
    case EntityKind::kBatchPrediction:
      return {{EntityKind::kMLModel, "MLModelId"}, {EntityKind::kDataSource, "BatchPredictionDataSourceId"}};
  }
  return {};
}

std::string Basename(std::string_view uri) {
  size_t slash = uri.rfind('/');
  return std::string(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
}

}  // namespace

std::string MlJobs::ModelPath(const std::string& data_dir, std::string_view model_id) {
  return fmt::format("{}/models/{}.model", data_dir, model_id);
}

Result<std::string> ReadObjectText(storage::ObjectStore& objects, std::string_view s3_url, size_t max_bytes) {
  OPENAML_ASSIGN_OR_RETURN(auto location, storage::ParseS3Url(s3_url));
  storage::ObjectInfo info;
  auto source = objects.GetObject(location.first, location.second, std::nullopt, &info);
  if (!source.ok()) return absl::InvalidArgumentError(fmt::format("cannot read {}: {}", s3_url, source.status().message()));
  if (info.size > max_bytes) {
    return absl::InvalidArgumentError(fmt::format("{} is {} bytes, more than the limit of {}", s3_url, info.size, max_bytes));
  }
  std::string text;
  char buffer[65536];
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(size_t n, (*source)->Read(buffer, sizeof buffer));
    if (n == 0) break;
    text.append(buffer, n);
    if (text.size() > max_bytes) return absl::InvalidArgumentError(fmt::format("{} is too large", s3_url));
  }
  return text;
}

JobReadiness MlJobs::Check(const JobKey& key, std::string* message) {
  auto doc = LoadEntity(*ctx_.store, key.kind, key.id);
  if (!doc.ok()) {
    *message = std::string(doc.status().message());
    return JobReadiness::kFail;  // Fail() then finds nothing to change
  }
  std::string own = StatusOf(*doc);
  if (own != kPending && own != kInProgress) {
    *message = "no longer pending";
    return JobReadiness::kFail;
  }
  bool wait = false;
  for (auto [kind, member] : InputsOf(key.kind)) {
    std::string input_id = doc->value(std::string(member), "");
    auto input = LoadEntity(*ctx_.store, kind, input_id);
    if (!input.ok()) {
      *message = fmt::format("{} '{}' does not exist", storage::EntityKindName(kind), input_id);
      return JobReadiness::kFail;
    }
    std::string status = StatusOf(*input);
    if (status == kFailed) {
      *message = fmt::format("{} '{}' failed: {}", storage::EntityKindName(kind), input_id,
                             input->value("Message", "no message"));
      return JobReadiness::kFail;
    }
    if (status == kDeleted) {
      *message = fmt::format("{} '{}' was deleted", storage::EntityKindName(kind), input_id);
      return JobReadiness::kFail;
    }
    if (status != kCompleted) wait = true;
  }
  return wait ? JobReadiness::kWait : JobReadiness::kReady;
}

void MlJobs::Fail(const JobKey& key, std::string_view message) {
  int64_t now = ctx_.NowMs();
  Status status = MutateEntity(*ctx_.store, key.kind, key.id, [&](nlohmann::json& doc) -> Status {
    std::string current = StatusOf(doc);
    if (current != kPending && current != kInProgress) return absl::CancelledError("not pending");
    doc["Status"] = kFailed;
    doc["Message"] = Truncate(std::string(message), kMaxMessage);
    doc["FinishedAt"] = now;
    doc["LastUpdatedAt"] = now;
    return Status();
  });
  if (!status.ok() && !absl::IsCancelled(status) && !absl::IsNotFound(status)) {
    spdlog::error("job {} {}: cannot record failure: {}", storage::EntityKindName(key.kind), key.id, status.ToString());
  }
  if (status.ok()) {
    JobLog log(key.kind, key.id, ctx_.options.account_id, now);
    log.Add(now, "WARN", fmt::format("{} failed: {}", log.EntityLabel(), message));
    WriteLog(key, log);
  }
}

bool MlJobs::Recover(const JobKey& key, int attempts) {
  auto doc = LoadEntity(*ctx_.store, key.kind, key.id);
  if (!doc.ok()) return false;
  std::string status = StatusOf(*doc);
  if (status != kPending && status != kInProgress) return false;
  if (attempts >= JobRunner::kMaxAttempts) {
    Fail(key, fmt::format("The job was interrupted {} times (server stopped while it ran) and is not run again; "
                          "create a new entity to retry",
                          attempts));
    return false;
  }
  if (status == kInProgress) {
    int64_t now = ctx_.NowMs();
    MutateEntity(*ctx_.store, key.kind, key.id, [&](nlohmann::json& d) -> Status {
      d["Status"] = kPending;
      d.erase("StartedAt");
      d["Message"] = "Re-queued: the server stopped while this job was running";
      d["LastUpdatedAt"] = now;
      return Status();
    }).IgnoreError();  // if this fails the job still runs and overwrites the state
  }
  return true;
}

void MlJobs::WriteLog(const JobKey& key, const JobLog& log) {
  Status status = [&]() -> Status {
    Status created = ctx_.objects->CreateBucket(ctx_.options.log_bucket);
    if (!created.ok() && !absl::IsAlreadyExists(created)) return created;
    OPENAML_ASSIGN_OR_RETURN(auto writer, ctx_.objects->PutObject(ctx_.options.log_bucket, LogKey(key.kind, key.id),
                                                                 storage::PutOptions{"text/plain", {}, std::nullopt}));
    OPENAML_RETURN_IF_ERROR(writer->Write(log.Render()));
    return writer->Commit();
  }();
  if (!status.ok()) {
    spdlog::warn("job {} {}: cannot write the job log: {}", storage::EntityKindName(key.kind), key.id,
                 status.ToString());
  }
}

void MlJobs::Run(const JobKey& key, int attempt, const std::atomic<bool>& cancelled) {
  int64_t started = ctx_.NowMs();
  nlohmann::json doc;
  Status began = MutateEntity(*ctx_.store, key.kind, key.id, [&](nlohmann::json& d) -> Status {
    std::string status = StatusOf(d);
    if (status != kPending && status != kInProgress) return absl::CancelledError("not pending");
    d["Status"] = kInProgress;
    d["StartedAt"] = started;
    d["LastUpdatedAt"] = started;
    d.erase("Message");
    d["_log"] = true;
    doc = d;
    return Status();
  });
  if (!began.ok()) return;  // deleted (or finished) before it could start

  JobLog log(key.kind, key.id, ctx_.options.account_id, started);
  log.Add(started, "INFO", fmt::format("{} started{}", log.EntityLabel(),
                                      attempt > 1 ? fmt::format(" (attempt {})", attempt) : ""));
  WriteLog(key, log);

  engine::JobContext jc;
  jc.cancelled = &cancelled;
  jc.log = [&](std::string_view level, std::string_view text) { log.Add(ctx_.NowMs(), level, text); };
  auto last_progress = std::chrono::steady_clock::now();
  jc.progress = [&](std::string_view stage, double fraction) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_progress < std::chrono::milliseconds(500)) return;  // keep store writes rare
    last_progress = now;
    MutateEntity(*ctx_.store, key.kind, key.id, [&](nlohmann::json& d) -> Status {
      if (StatusOf(d) != kInProgress) return absl::CancelledError("not running");
      d["_progress"] = {{"stage", stage}, {"fraction", fraction}};
      return Status();
    }).IgnoreError();  // progress is advisory
  };

  auto wall_start = std::chrono::steady_clock::now();
  Result<nlohmann::json> patch = absl::InternalError("unknown job kind");
  switch (key.kind) {
    case EntityKind::kDataSource: patch = RunDataSource(doc, jc, log); break;
    case EntityKind::kMLModel: patch = RunMLModel(doc, jc, log); break;
    case EntityKind::kEvaluation: patch = RunEvaluation(doc, jc, log); break;
    case EntityKind::kBatchPrediction: patch = RunBatchPrediction(doc, jc, log); break;
  }
  int64_t compute_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                             wall_start)
                           .count();
  int64_t finished = ctx_.NowMs();

  if (cancelled.load()) {
    auto now_doc = LoadEntity(*ctx_.store, key.kind, key.id);
    if (now_doc.ok() && StatusOf(*now_doc) == kDeleted) {
      log.Add(finished, "INFO", fmt::format("{} cancelled: the entity was deleted", log.EntityLabel()));
      WriteLog(key, log);
    }
    // Otherwise the server is stopping: the job row stays and the next start runs the job again.
    return;
  }

  Status recorded = MutateEntity(*ctx_.store, key.kind, key.id, [&](nlohmann::json& d) -> Status {
    if (StatusOf(d) != kInProgress) return absl::CancelledError("no longer running");
    d.erase("_progress");
    d["FinishedAt"] = finished;
    d["LastUpdatedAt"] = finished;
    if (patch.ok()) {
      for (auto it = patch->begin(); it != patch->end(); ++it) d[it.key()] = it.value();
      d["Status"] = kCompleted;
      bool timed = key.kind != EntityKind::kDataSource || d.value("ComputeStatistics", false);
      if (timed) d["ComputeTime"] = std::max<int64_t>(compute_ms, 1);
    } else {
      d["Status"] = kFailed;
      d["Message"] = Truncate(std::string(patch.status().message()), kMaxMessage);
    }
    return Status();
  });
  if (!recorded.ok() && !absl::IsCancelled(recorded)) {
    spdlog::error("job {} {}: cannot record the result: {}", storage::EntityKindName(key.kind), key.id,
                  recorded.ToString());
  }
  if (patch.ok()) {
    log.Add(finished, "INFO", fmt::format("{} completed.", log.EntityLabel()));
  } else {
    log.Add(finished, "WARN", fmt::format("{} failed: {}", log.EntityLabel(), patch.status().message()));
  }
  WriteLog(key, log);
}

Result<engine::DataSourceSpec> MlJobs::DataSpecOf(const nlohmann::json& datasource) {
  engine::DataSourceSpec spec;
  std::string location = datasource.value("DataLocationS3", "");
  auto files = storage::ListDataFiles(*ctx_.objects, location);
  if (!files.ok()) {
    return absl::InvalidArgumentError(fmt::format("Cannot read the data at {}: {}", location, files.status().message()));
  }
  if (files->empty()) return absl::InvalidArgumentError(fmt::format("No data files found at {}", location));
  spec.files = std::move(files).value();
  auto schema = Schema::FromJson(datasource.value("_schema", ""));
  if (!schema.ok()) return absl::InvalidArgumentError(fmt::format("Invalid schema: {}", schema.status().message()));
  spec.schema = std::move(schema).value();
  auto rearrangement = DataRearrangement::FromJson(datasource.value("DataRearrangement", ""));
  if (!rearrangement.ok()) {
    return absl::InvalidArgumentError(fmt::format("Invalid DataRearrangement: {}", rearrangement.status().message()));
  }
  spec.rearrangement = *rearrangement;
  return spec;
}

Result<nlohmann::json> MlJobs::RunDataSource(const nlohmann::json& stored, engine::JobContext& jc, JobLog& log) {
  // A Redshift / RDS datasource first stages its query as CSV (database_datasource.h), then builds as an S3 one.
  nlohmann::json staged_patch = nlohmann::json::object();
  if (IsDatabaseDataSource(stored)) {
    OPENAML_ASSIGN_OR_RETURN(staged_patch, StageDatabaseDataSource(ctx_, stored, jc, log));
  }
  nlohmann::json doc = stored;
  doc.update(staged_patch);
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceSpec spec, DataSpecOf(doc));
  for (const DataFile& file : spec.files) log.Add(ctx_.NowMs(), "INFO", fmt::format("Processing file {} ...", file.uri));
  bool statistics = doc.value("ComputeStatistics", false);
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceResult result, engine::BuildDataSource(spec, statistics, jc));
  std::string id = doc.value("DataSourceId", "");
  if (statistics && !result.statistics_json.empty()) {
    OPENAML_RETURN_IF_ERROR(ctx_.store->PutBlob(EntityKind::kDataSource, id, "statistics", result.statistics_json));
  } else if (statistics) {
    log.Add(ctx_.NowMs(), "WARN", "The engine returned no statistics for this datasource");
  }
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Number of records processed without error : {}", result.records));
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Number of bad records : {}", result.bad_records));
  nlohmann::json patch = {{"DataSizeInBytes", result.data_size_bytes},
                          {"NumberOfFiles", result.number_of_files},
                          {"_records", result.records},
                          {"_bad_records", result.bad_records}};
  patch.update(staged_patch);
  return patch;
}

Result<nlohmann::json> MlJobs::RunMLModel(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log) {
  std::string id = doc.value("MLModelId", "");
  std::string ds_id = doc.value("TrainingDataSourceId", "");
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json datasource, LoadEntity(*ctx_.store, EntityKind::kDataSource, ds_id));
  engine::TrainRequest request;
  OPENAML_ASSIGN_OR_RETURN(request.training, DataSpecOf(datasource));
  OPENAML_ASSIGN_OR_RETURN(request.model_type, engine::ParseMLModelType(doc.value("MLModelType", "")));
  if (doc.contains("_recipe") && doc["_recipe"].is_string() && !doc["_recipe"].get<std::string>().empty()) {
    request.recipe_json = doc["_recipe"].get<std::string>();
  } else {
    log.Add(ctx_.NowMs(), "INFO", "No recipe given: using the suggested recipe");
  }
  if (doc.contains("_parameters")) request.parameters = doc["_parameters"].get<std::map<std::string, std::string>>();
  OPENAML_ASSIGN_OR_RETURN(auto statistics, ctx_.store->GetBlob(EntityKind::kDataSource, ds_id, "statistics"));
  request.statistics_json = statistics.value_or("");
  request.model_path = ModelPath(ctx_.options.data_dir, id);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(request.model_path).parent_path(), ec);
  if (ec) return absl::InternalError(fmt::format("cannot create the models directory: {}", ec.message()));
  OPENAML_ASSIGN_OR_RETURN(engine::TrainResult result, engine::TrainModel(request, jc));
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Records used for training : {}", result.records_used));
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Passes run : {}", result.passes_run));
  if (result.features_dropped > 0) {
    log.Add(ctx_.NowMs(), "INFO",
            fmt::format("Model size limit reached: {} features trimmed", result.features_dropped));
  }
  return nlohmann::json{{"SizeInBytes", result.size_in_bytes},
                        {"TrainingParameters", result.training_parameters},
                        {"_recipe_used", result.recipe_json},
                        {"_schema", datasource.value("_schema", "")},
                        {"_model_path", request.model_path}};
}

Result<nlohmann::json> MlJobs::RunEvaluation(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log) {
  std::string id = doc.value("EvaluationId", "");
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json model, LoadEntity(*ctx_.store, EntityKind::kMLModel, doc.value("MLModelId", "")));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json datasource,
                           LoadEntity(*ctx_.store, EntityKind::kDataSource, doc.value("EvaluationDataSourceId", "")));
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceSpec spec, DataSpecOf(datasource));
  auto training_statistics =
      ctx_.store->GetBlob(EntityKind::kDataSource, model.value("TrainingDataSourceId", ""), "statistics");
  std::string statistics = training_statistics.ok() ? training_statistics->value_or("") : "";
  // "Evaluation on held-out data" (spec §9.5): the evaluation reads the very records the model was trained on —
  // the training datasource itself, or one with the same location and the same rearrangement.
  engine::EvaluateOptions options;
  std::string training_id = model.value("TrainingDataSourceId", "");
  if (training_id == datasource.value("DataSourceId", "")) {
    options.same_datasource = true;
  } else if (auto training = LoadEntity(*ctx_.store, EntityKind::kDataSource, training_id); training.ok()) {
    options.same_datasource = training->value("DataLocationS3", "") == datasource.value("DataLocationS3", "") &&
                              training->value("DataRearrangement", "") == datasource.value("DataRearrangement", "");
  }
  OPENAML_ASSIGN_OR_RETURN(engine::EvaluationResult result,
                           engine::EvaluateModel(model.value("_model_path", ""), spec, statistics, options, jc));
  OPENAML_RETURN_IF_ERROR(ctx_.store->PutBlob(EntityKind::kEvaluation, id, "evaluation_detail", result.detail_json));
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Number of records processed without error : {}", result.records));
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Number of bad records : {}", result.invalid_records));
  return nlohmann::json{{"PerformanceMetrics", {{"Properties", result.performance_metrics}}}};
}

Result<nlohmann::json> MlJobs::RunBatchPrediction(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log) {
  std::string id = doc.value("BatchPredictionId", "");
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json model, LoadEntity(*ctx_.store, EntityKind::kMLModel, doc.value("MLModelId", "")));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json datasource, LoadEntity(*ctx_.store, EntityKind::kDataSource,
                                                                 doc.value("BatchPredictionDataSourceId", "")));
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceSpec spec, DataSpecOf(datasource));
  std::string output_uri = doc.value("OutputUri", "");
  // Spec §11.2: Amazon ML proved it could write by leaving .writePermissionCheck.tmp in the output location.
  {
    auto check = storage::OpenObjectSink(*ctx_.objects, output_uri + ".writePermissionCheck.tmp");
    Status written = check.ok() ? (*check)->Commit() : check.status();
    if (!written.ok()) {
      return absl::InvalidArgumentError(fmt::format("Cannot write to OutputUri {}: {}", output_uri, written.message()));
    }
  }
  std::vector<std::pair<std::string, std::string>> outputs;  // input URI -> result URI
  for (const DataFile& file : spec.files) {
    outputs.emplace_back(file.uri, fmt::format("{}batch-prediction/result/{}-{}.gz", output_uri, id, Basename(file.uri)));
    log.Add(ctx_.NowMs(), "INFO", fmt::format("Processing file {} ...", file.uri));
  }
  std::optional<double> threshold;
  if (model.value("MLModelType", "") == "BINARY") threshold = model.value("ScoreThreshold", 0.5);
  auto open_output = [&](size_t file_index) -> Result<std::unique_ptr<ByteSink>> {
    if (file_index >= outputs.size()) return absl::InternalError("batch output index out of range");
    return storage::OpenObjectSink(*ctx_.objects, outputs[file_index].second);
  };
  OPENAML_ASSIGN_OR_RETURN(engine::BatchPredictionResult result,
                           engine::BatchPredict(model.value("_model_path", ""), spec, threshold, /*gzip=*/true,
                                                open_output, jc));
  std::string manifest;
  for (const auto& [input, output] : outputs) manifest += nlohmann::json{{input, output}}.dump() + "\n";
  OPENAML_ASSIGN_OR_RETURN(auto sink,
                           storage::OpenObjectSink(*ctx_.objects, fmt::format("{}batch-prediction/{}.manifest", output_uri, id)));
  OPENAML_RETURN_IF_ERROR(sink->Write(manifest));
  OPENAML_RETURN_IF_ERROR(sink->Commit());
  log.Add(ctx_.NowMs(), "INFO",
          fmt::format("Number of records processed without error : {}", result.total_records - result.invalid_records));
  log.Add(ctx_.NowMs(), "INFO", fmt::format("Number of bad records : {}", result.invalid_records));
  return nlohmann::json{{"TotalRecordCount", result.total_records}, {"InvalidRecordCount", result.invalid_records}};
}

}  // namespace openaml::service
