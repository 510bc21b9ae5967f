#include "openaml/service/ml_api.h"

#include <fmt/format.h>

#include "openaml/service/format_internal.h"
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "openaml/service/api_error.h"
#include "openaml/service/handlers.h"
#include "openaml/service/job_runner.h"
#include "openaml/service/ml_jobs.h"
#include "openaml/service/realtime/endpoint_registry.h"
#include "openaml/service/realtime/realtime_handlers.h"
#include "openaml/storage/metadata/sqlite_metadata_store.h"

namespace openaml::service {
namespace {

constexpr std::string_view kAmazonMlPrefix = "AmazonML_20141212.";
constexpr std::string_view kExtensionPrefix = "OpenAML_20241201.";

using Handler = HandlerResult (*)(ServiceContext&, const CallContext&, const Request&);

const std::map<std::string, Handler, std::less<>>& AmazonMlHandlers() {
  static const std::map<std::string, Handler, std::less<>> handlers = {
      {"CreateDataSourceFromS3", CreateDataSourceFromS3},
      {"CreateDataSourceFromRDS", CreateDataSourceFromRDS},
      {"CreateDataSourceFromRedshift", CreateDataSourceFromRedshift},
      {"GetDataSource", GetDataSource},
      {"UpdateDataSource", UpdateDataSource},
      {"DeleteDataSource", DeleteDataSource},
      {"DescribeDataSources", DescribeDataSources},
      {"CreateMLModel", CreateMLModel},
      {"GetMLModel", GetMLModel},
      {"UpdateMLModel", UpdateMLModel},
      {"DeleteMLModel", DeleteMLModel},
      {"DescribeMLModels", DescribeMLModels},
      {"CreateEvaluation", CreateEvaluation},
      {"GetEvaluation", GetEvaluation},
      {"UpdateEvaluation", UpdateEvaluation},
      {"DeleteEvaluation", DeleteEvaluation},
      {"DescribeEvaluations", DescribeEvaluations},
      {"CreateBatchPrediction", CreateBatchPrediction},
      {"GetBatchPrediction", GetBatchPrediction},
      {"UpdateBatchPrediction", UpdateBatchPrediction},
      {"DeleteBatchPrediction", DeleteBatchPrediction},
      {"DescribeBatchPredictions", DescribeBatchPredictions},
      {"AddTags", AddTags},
      {"DeleteTags", DeleteTags},
      {"DescribeTags", DescribeTags},
      {"CreateRealtimeEndpoint", CreateRealtimeEndpoint},
      {"DeleteRealtimeEndpoint", DeleteRealtimeEndpoint},
  };
  return handlers;
}

const std::map<std::string, Handler, std::less<>>& ExtensionHandlers() {
  static const std::map<std::string, Handler, std::less<>> handlers = {
      {"GetDataSourceStatistics", GetDataSourceStatistics},
      {"GetEvaluationDetail", GetEvaluationDetail},
  };
  return handlers;
}

// Predict takes the real-time fast path (realtime/realtime_handlers.h), not the generic JSON request.
constexpr std::string_view kPredictTarget = "AmazonML_20141212.Predict";

}  // namespace

MlApi::MlApi() = default;

MlApi::~MlApi() { Stop(); }

bool MlApi::Accepts(std::string_view target) {
  return target.substr(0, kAmazonMlPrefix.size()) == kAmazonMlPrefix ||
         target.substr(0, kExtensionPrefix.size()) == kExtensionPrefix;
}

Result<std::unique_ptr<MlApi>> MlApi::Make(MlApiOptions options) {
  if (!options.objects) return absl::InvalidArgumentError("MlApi needs an object store");
  std::unique_ptr<MlApi> api(new MlApi());
  storage::MetadataStore* store = options.metadata;
  if (!store) {
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) return absl::UnavailableError(fmt::format("cannot create data dir '{}': {}", options.data_dir, ec.message()));
    storage::SqliteMetadataStore::Options store_options;
    store_options.path = options.data_dir + "/meta.sqlite3";
    OPENAML_ASSIGN_OR_RETURN(api->owned_store_, storage::SqliteMetadataStore::Make(store_options));
    store = api->owned_store_.get();
  }
  int workers = options.workers > 0 ? options.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool run_jobs = options.run_jobs;
  api->ctx_ = std::make_unique<ServiceContext>();
  api->ctx_->options = std::move(options);
  api->ctx_->store = store;
  api->ctx_->objects = api->ctx_->options.objects;
  api->ctx_->realtime = std::make_shared<realtime::EndpointRegistry>();
  // Endpoints survive a restart (issue 6): mount again every model whose endpoint was READY.
  OPENAML_RETURN_IF_ERROR(RemountEndpoints(*api->ctx_));
  api->jobs_ = std::make_unique<MlJobs>(*api->ctx_);
  api->runner_ = std::make_unique<JobRunner>(*store, *api->jobs_, workers);
  if (run_jobs) {
    api->ctx_->runner = api->runner_.get();
    OPENAML_RETURN_IF_ERROR(api->runner_->Start());
  }
  return api;
}

void MlApi::Stop() {
  if (runner_) runner_->Stop();
}

bool MlApi::WaitForIdleForTest(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (runner_->pending_count() == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return runner_->pending_count() == 0;
}

http::ApiResponse MlApi::Handle(const http::ApiRequest& request) {
  try {
    std::string_view target = request.target;
    if (target == kPredictTarget) return HandlePredict(*ctx_, request);
    const std::map<std::string, Handler, std::less<>>* table = nullptr;
    std::string_view operation;
    if (target.substr(0, kAmazonMlPrefix.size()) == kAmazonMlPrefix) {
      table = &AmazonMlHandlers();
      operation = target.substr(kAmazonMlPrefix.size());
    } else if (target.substr(0, kExtensionPrefix.size()) == kExtensionPrefix) {
      table = &ExtensionHandlers();
      operation = target.substr(kExtensionPrefix.size());
    }
    auto it = table ? table->find(operation) : AmazonMlHandlers().end();
    if (!table || it == table->end()) {
      return ErrorResponse(MakeApiError(ApiErrorType::kUnknownOperation,
                                        fmt::format("Unknown operation '{}'", std::string(target.substr(0, 256)))));
    }
    auto parsed = Request::Parse(request.body);
    if (!parsed.ok()) return ErrorResponse(parsed.status());
    CallContext call{std::string(request.access_key_id), std::string(request.host), std::string(request.request_id)};
    HandlerResult result = it->second(*ctx_, call, *parsed);
    if (!result.ok()) return ErrorResponse(result.status());
    http::ApiResponse response;
    response.body = result->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
  } catch (const std::exception& e) {
    // Adapter edge: nothing may escape into the server's I/O loop.
    return ErrorResponse(absl::InternalError(fmt::format("unexpected exception: {}", e.what())));
  }
}

}  // namespace openaml::service
