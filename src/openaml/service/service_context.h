// State shared by the Amazon ML handlers (one instance per MlApi), and what each call carries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "openaml/service/ml_api_options.h"
#include "openaml/storage/metadata/metadata_store.h"
#include "openaml/storage/objects/object_store.h"

namespace openaml::service {

class JobRunner;
namespace realtime {
class EndpointRegistry;
}  // namespace realtime

struct ServiceContext {
  MlApiOptions options;
  storage::MetadataStore* store = nullptr;
  storage::ObjectStore* objects = nullptr;
  JobRunner* runner = nullptr;
  /// The mounted real-time endpoints (realtime/endpoint_registry.h); set by MlApi::Make.
  std::shared_ptr<realtime::EndpointRegistry> realtime;
  /// Serialises tag read-modify-write (AddTags/DeleteTags) so that concurrent calls cannot lose a tag.
  std::mutex tag_mutex;

  int64_t NowMs() const;
};

/// Who is calling, from where.
struct CallContext {
  std::string access_key_id;
  std::string host;
  std::string request_id;
};

}  // namespace openaml::service
