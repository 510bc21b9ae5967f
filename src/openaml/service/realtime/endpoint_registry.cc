#include "openaml/service/realtime/endpoint_registry.h"

#include <utility>

#include "openaml/common/str_cat.h"
#include "openaml/service/realtime/predict_codec.h"

namespace openaml::service::realtime {
namespace {

std::atomic<uint64_t> next_serial{1};

}  // namespace

std::shared_ptr<Endpoint> Endpoint::FromPredictor(std::string model_id, std::shared_ptr<const predict::Predictor> p,
                                                  double threshold, int64_t created_at_ms) {
  std::shared_ptr<Endpoint> endpoint(new Endpoint());
  endpoint->model_id_ = std::move(model_id);
  endpoint->predictor_ = std::move(p);
  endpoint->created_at_ms_ = created_at_ms;
  endpoint->serial_ = next_serial.fetch_add(1);
  endpoint->threshold_.store(threshold);
  const Schema& schema = endpoint->predictor_->schema();
  endpoint->column_count_ = schema.attributes.size();
  // Spec §12.2: the target and the row id, if sent, are ignored like unknown names.
  const int target = schema.target_index(), row_id = schema.row_id_index();
  for (size_t i = 0; i < schema.attributes.size(); ++i) {
    if (static_cast<int>(i) == target || static_cast<int>(i) == row_id) continue;
    endpoint->columns_.emplace(schema.attributes[i].name, static_cast<int>(i));
  }
  for (const std::string& label : endpoint->predictor_->model().classes) {
    std::string literal;
    AppendJsonString(label, &literal);
    endpoint->class_literals_.push_back(std::move(literal));
  }
  return endpoint;
}

Result<std::shared_ptr<Endpoint>> Endpoint::Make(std::string model_id, const std::string& model_path,
                                                 double threshold, int64_t created_at_ms) {
  auto predictor = predict::Predictor::Load(model_path);
  if (!predictor.ok()) {
    return WithContext(predictor.status(), StrCat("mounting MLModel '", model_id, "'"));
  }
  return FromPredictor(std::move(model_id), *std::move(predictor), threshold, created_at_ms);
}

namespace {
std::atomic<uint64_t> next_registry_id{1};

// This thread's snapshot of the last registry it read (one registry per process in practice).
struct Snapshot {
  uint64_t registry_id = 0;
  uint64_t version = 0;
  std::shared_ptr<const void> map;  // type-erased EndpointRegistry::Map
};
thread_local Snapshot snapshot;
}  // namespace

EndpointRegistry::EndpointRegistry() : id_(next_registry_id.fetch_add(1)), map_(std::make_shared<Map>()) {}

const Endpoint* EndpointRegistry::Find(std::string_view model_id) const {
  const uint64_t version = version_.load(std::memory_order_acquire);
  if (snapshot.registry_id != id_ || snapshot.version != version) {
    // Stale (first call on this thread, or a mount/unmount since): refresh under the writer mutex. Only after a
    // change, once per thread.
    std::lock_guard lock(writer_mutex_);
    snapshot.map = map_;
    snapshot.registry_id = id_;
    snapshot.version = version_.load(std::memory_order_relaxed);
  }
  const Map& map = *static_cast<const Map*>(snapshot.map.get());
  auto it = map.find(absl::string_view(model_id.data(), model_id.size()));
  return it == map.end() ? nullptr : it->second.get();
}

void EndpointRegistry::Mount(std::shared_ptr<Endpoint> endpoint) {
  std::lock_guard lock(writer_mutex_);
  auto next = std::make_shared<Map>(*map_);
  (*next)[endpoint->model_id()] = std::move(endpoint);
  map_ = std::move(next);
  version_.fetch_add(1, std::memory_order_release);
}

bool EndpointRegistry::Unmount(std::string_view model_id) {
  std::lock_guard lock(writer_mutex_);
  const absl::string_view key(model_id.data(), model_id.size());
  if (!map_->contains(key)) return false;
  auto next = std::make_shared<Map>(*map_);
  next->erase(next->find(key));
  map_ = std::move(next);
  version_.fetch_add(1, std::memory_order_release);
  return true;
}

bool EndpointRegistry::SetThreshold(std::string_view model_id, double threshold) {
  std::lock_guard lock(writer_mutex_);
  auto it = map_->find(absl::string_view(model_id.data(), model_id.size()));
  if (it == map_->end()) return false;
  it->second->set_threshold(threshold);
  return true;
}

size_t EndpointRegistry::size() const {
  std::lock_guard lock(writer_mutex_);
  return map_->size();
}

}  // namespace openaml::service::realtime
