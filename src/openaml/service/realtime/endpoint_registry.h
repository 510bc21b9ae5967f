// Real-time endpoints (spec §12): the models mounted in memory for Predict, and the registry that finds them
// without a lock shared by all requests.
//
// An Endpoint is built once at mount (model parsed, recipe compiled, attribute-name index and response pieces
// prepared) and never changes afterwards, except its score threshold, an atomic read on every Predict so that
// UpdateMLModel's ScoreThreshold takes effect on the next call without remounting.
//
// The registry publishes an immutable map (model id -> endpoint) with a version number (read-copy-update):
// writers (mount, unmount) copy the map under a writer mutex and bump the version; each reading thread keeps
// its own copy of the current snapshot and refreshes it only when the version moved. The steady-state lookup is
// one atomic load and one hash lookup: no lock, no shared reference count touched, no disk I/O.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "openaml/common/status.h"
#include "openaml/learn/model.h"
#include "openaml/predict/predictor.h"

namespace openaml::service::realtime {

/// One mounted model. Immutable after Make() except `threshold`.
class Endpoint {
 public:
  /// Load the model file at `model_path`, compile its recipe, and prepare the lookup tables. `threshold` is the
  /// model's current ScoreThreshold (BINARY; ignored otherwise). Errors: the model file is missing or corrupt.
  static Result<std::shared_ptr<Endpoint>> Make(std::string model_id, const std::string& model_path,
                                                double threshold, int64_t created_at_ms);
  /// Same from a predictor already loaded (tests).
  static std::shared_ptr<Endpoint> FromPredictor(std::string model_id, std::shared_ptr<const predict::Predictor> p,
                                                 double threshold, int64_t created_at_ms);

  const std::string& model_id() const { return model_id_; }
  const predict::Predictor& predictor() const { return *predictor_; }
  learn::ModelType type() const { return predictor_->model().type; }
  int64_t created_at_ms() const { return created_at_ms_; }
  /// Unique for the process lifetime (never reused, unlike addresses): keys per-thread scratch state.
  uint64_t serial() const { return serial_; }

  /// Current score threshold (spec §10); relaxed atomic, safe from any thread.
  double threshold() const { return threshold_.load(std::memory_order_relaxed); }
  void set_threshold(double value) { threshold_.store(value, std::memory_order_relaxed); }

  /// Schema column of attribute `name`, or -1 for names the prediction ignores (unknown, the target, the row id).
  int ColumnOf(std::string_view name) const {
    auto it = columns_.find(absl::string_view(name.data(), name.size()));
    return it == columns_.end() ? -1 : it->second;
  }
  size_t column_count() const { return column_count_; }
  /// MULTICLASS class labels as JSON string literals (quoted, escaped), in model order.
  const std::vector<std::string>& class_literals() const { return class_literals_; }

 private:
  Endpoint() = default;
  std::string model_id_;
  std::shared_ptr<const predict::Predictor> predictor_;
  absl::flat_hash_map<std::string, int> columns_;
  size_t column_count_ = 0;
  std::vector<std::string> class_literals_;
  int64_t created_at_ms_ = 0;
  uint64_t serial_ = 0;
  std::atomic<double> threshold_{0.5};
};

/// The mounted endpoints. Thread-safe; Find() is lock-free in the steady state.
class EndpointRegistry {
 public:
  EndpointRegistry();
  EndpointRegistry(const EndpointRegistry&) = delete;
  EndpointRegistry& operator=(const EndpointRegistry&) = delete;

  /// The endpoint of `model_id`, or nullptr. The pointer stays valid until this thread's next Find() on any
  /// registry (the thread's snapshot keeps it alive), so use it within the current request only.
  const Endpoint* Find(std::string_view model_id) const;

  /// Mount (or replace) an endpoint.
  void Mount(std::shared_ptr<Endpoint> endpoint);
  /// Unmount; false when it was not mounted. Requests already holding the endpoint finish with it.
  bool Unmount(std::string_view model_id);
  /// Set the threshold of a mounted endpoint (takes effect on the next Predict); false when not mounted.
  bool SetThreshold(std::string_view model_id, double threshold);
  /// Number of mounted endpoints.
  size_t size() const;

  /// Serialises the slow endpoint operations (Create/Delete/remount read-modify-write of the model document plus
  /// the mount) so that two of them on one model cannot interleave. Never taken by Predict.
  std::mutex& admin_mutex() { return admin_mutex_; }

 private:
  using Map = absl::flat_hash_map<std::string, std::shared_ptr<Endpoint>>;
  const uint64_t id_;                // distinguishes registries in the per-thread snapshot
  mutable std::mutex writer_mutex_;  // writers, and readers refreshing a stale snapshot
  std::shared_ptr<const Map> map_;   // guarded by writer_mutex_
  std::atomic<uint64_t> version_{1};
  std::mutex admin_mutex_;
};

}  // namespace openaml::service::realtime
