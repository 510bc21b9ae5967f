// Options of the Amazon ML API service (MlApi::Make).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace openaml::storage {
class MetadataStore;
class ObjectStore;
}  // namespace openaml::storage

namespace openaml::service {

/// What a presigned log URL must name (LogUri, spec §1.7): a GET of bucket/key on `host` for `access_key_id`.
struct PresignRequest {
  std::string_view bucket;
  std::string_view key;
  std::string_view access_key_id;
  std::string_view host;
};

struct MlApiOptions {
  /// The data directory: models/<model-id> holds trained models; meta.sqlite3 the metadata (when `metadata` is
  /// not given).
  std::string data_dir;
  /// Object store for datasource data, schema/recipe files, batch output and job logs. Required; not owned,
  /// must outlive the MlApi.
  storage::ObjectStore* objects = nullptr;
  /// Metadata store to use instead of opening <data_dir>/meta.sqlite3. Not owned, must outlive the MlApi.
  storage::MetadataStore* metadata = nullptr;
  /// Job worker threads; 0 means one per core.
  int workers = 0;
  /// Start the job runner (tests of synchronous behaviour may keep jobs PENDING).
  bool run_jobs = true;
  /// Bucket for job logs (created on first use).
  std::string log_bucket = "openaml-logs";
  /// Account number used in CreatedByIamUser ARNs: arn:aws:iam::<account_id>:user/<access key id>.
  std::string account_id = "000000000000";
  /// Build the presigned GET URL of a log object. Unset: an unsigned http://<host>/<bucket>/<key> URL.
  std::function<std::string(const PresignRequest&)> presign;
  /// The URL clients use to reach this server, advertised as real-time EndpointUrl (spec §2.6, §12.1), e.g.
  /// "http://127.0.0.1:8600". Empty: http://<Host header of the CreateRealtimeEndpoint call>.
  std::string public_url;
  /// Named database connections for CreateDataSourceFromRedshift / FromRDS (docs/databases.md). Empty:
  /// <data_dir>/databases.json when that file exists, else none.
  std::string databases_file;
  /// Current time in Unix epoch milliseconds; unset: the system clock. Injected by tests.
  std::function<int64_t()> now_ms;

  static MlApiOptions Defaults() { return {}; }
};

}  // namespace openaml::service
