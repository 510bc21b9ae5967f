// MlApi: the Amazon Machine Learning JSON API (2014-12-12) behind http::JsonApiHandler. One handler per action
// (handlers.h), a metadata store, and the job runner for the asynchronous Create* operations.
//
// Targets: "AmazonML_20141212.<Operation>" (spec §3) and openaml's extensions "OpenAML_20241201.<Operation>"
// (GetDataSourceStatistics, GetEvaluationDetail; see extension_handlers.cc). Real-time endpoints and Predict:
// realtime/realtime_handlers.h (Predict bypasses the generic request parsing: it is the hot path).
#pragma once

#include <memory>
#include <string_view>

#include "openaml/common/status.h"
#include "openaml/http/api_handler.h"
#include "openaml/service/ml_api_options.h"

namespace openaml::service {

class MlJobs;
class JobRunner;
struct ServiceContext;

class MlApi {
 public:
  /// Open the metadata store (unless one is given), recover jobs interrupted by a crash and start the workers.
  static Result<std::unique_ptr<MlApi>> Make(MlApiOptions options);
  ~MlApi();

  /// Handle one authenticated request. Thread-safe, never throws.
  http::ApiResponse Handle(const http::ApiRequest& request);
  /// Adapter for the HTTP server.
  http::JsonApiHandler AsHandler() {
    return [this](const http::ApiRequest& request) { return Handle(request); };
  }
  /// Whether `target` is one this API answers ("AmazonML_20141212." or "OpenAML_20241201." prefix).
  static bool Accepts(std::string_view target);

  /// Stop the workers (running jobs are cancelled and re-run at the next start). Called by the destructor.
  void Stop();
  /// Wait until no job is queued or running, or `timeout_ms` passes; true when idle. For tests and benchmarks.
  bool WaitForIdleForTest(int timeout_ms);

 private:
  MlApi();
  std::unique_ptr<storage::MetadataStore> owned_store_;
  std::unique_ptr<ServiceContext> ctx_;
  std::unique_ptr<MlJobs> jobs_;
  std::unique_ptr<JobRunner> runner_;
};

}  // namespace openaml::service
