// MlJobs: what each asynchronous Amazon ML job does (datasource, model, evaluation, batch prediction), on top of
// the engine's job functions (engine/jobs.h), with the lifecycle of spec §1.2-1.3: PENDING -> INPROGRESS ->
// COMPLETED | FAILED, StartedAt / FinishedAt / ComputeTime, a job log in the object store (spec §11.5), and
// the batch output layout of spec §11.2.
#pragma once

#include <atomic>
#include <string>

#include <nlohmann/json.hpp>

#include "openaml/engine/jobs.h"
#include "openaml/service/job_log.h"
#include "openaml/service/job_runner.h"
#include "openaml/service/service_context.h"

namespace openaml::service {

class MlJobs final : public JobHandler {
 public:
  explicit MlJobs(ServiceContext& ctx) : ctx_(ctx) {}

  JobReadiness Check(const JobKey& key, std::string* message) override;
  void Run(const JobKey& key, int attempt, const std::atomic<bool>& cancelled) override;
  void Fail(const JobKey& key, std::string_view message) override;
  bool Recover(const JobKey& key, int attempts) override;

  /// Where the model file of `model_id` lives: <data_dir>/models/<id>.model (the suffix keeps the IDs "." and
  /// ".." from naming directories).
  static std::string ModelPath(const std::string& data_dir, std::string_view model_id);

 private:
  Result<nlohmann::json> RunDataSource(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log);
  Result<nlohmann::json> RunMLModel(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log);
  Result<nlohmann::json> RunEvaluation(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log);
  Result<nlohmann::json> RunBatchPrediction(const nlohmann::json& doc, engine::JobContext& jc, JobLog& log);
  /// The engine's view of a stored datasource: its files listed now, its schema and rearrangement.
  Result<engine::DataSourceSpec> DataSpecOf(const nlohmann::json& datasource);
  /// Store the log document; failures are logged, never fatal to the job.
  void WriteLog(const JobKey& key, const JobLog& log);

  ServiceContext& ctx_;
};

/// Read a whole (small) object named by an S3 URL, refusing objects larger than `max_bytes`.
Result<std::string> ReadObjectText(storage::ObjectStore& objects, std::string_view s3_url, size_t max_bytes);

}  // namespace openaml::service
