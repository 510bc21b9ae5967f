// The trained model and its file format (MODEL_FORMAT.md): a versioned little-endian binary file holding the
// schema, the recipe and its fitted parameters, the feature keys and weights, and a checksum.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "openaml/common/status.h"

namespace openaml::learn {

/// The learning task (spec §8.1).
enum class ModelType : uint32_t { kBinary = 0, kMulticlass = 1, kRegression = 2 };

inline constexpr uint32_t kModelFormatVersion = 1;

/// What training learned about its data; used for baselines and evaluation alerts (spec §9).
struct TrainingSummary {
  uint64_t records = 0;                 // training rows used
  uint64_t invalid_records = 0;         // rows refused (missing/invalid target)
  int passes = 0;
  uint64_t features_dropped = 0;        // trimmed for sgd.maxMLModelSizeInBytes
  double target_mean = 0;               // REGRESSION: baseline prediction
  std::vector<uint64_t> class_counts;   // BINARY (0,1) / MULTICLASS (per class): target distribution
};

/// An immutable trained model. Shared read-only between concurrent predictions once loaded.
struct Model {
  ModelType type = ModelType::kBinary;
  std::string schema_json;
  std::string recipe_json;
  std::string fit_json;                       // FeatureProgram::FitJson()
  std::vector<std::string> classes;           // MULTICLASS class labels, sorted; BINARY {"0","1"}
  std::string training_parameters_json;       // the map with defaults applied
  TrainingSummary summary;
  double score_threshold = 0.5;               // BINARY (spec §10)
  std::vector<uint64_t> keys;                 // feature keys, ascending
  std::vector<float> weights;                 // keys.size() * width(), row-major
  std::vector<float> bias;                    // width()

  /// Weight columns: classes for MULTICLASS, else 1.
  size_t width() const { return type == ModelType::kMulticlass ? classes.size() : 1; }
  /// Size in bytes of the serialised model (what SizeInBytes reports).
  uint64_t SerializedSize() const;

  /// Serialise to bytes (MODEL_FORMAT.md).
  std::string Serialize() const;
  /// Parse bytes written by Serialize(). A foreign file, another format version, a truncated or corrupted
  /// file are DataLoss / FailedPrecondition errors that say which; never a crash.
  static Result<std::shared_ptr<Model>> Parse(std::string_view bytes);
  /// Read a model file.
  static Result<std::shared_ptr<Model>> Load(const std::string& path);

  /// Index of feature `key` in keys, or -1. Built lazily by BuildIndex() (called by Parse()).
  int64_t Find(uint64_t key) const {
    auto it = index_.find(key);
    return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  void BuildIndex();

 private:
  absl::flat_hash_map<uint64_t, uint32_t> index_;
};

std::string_view ModelTypeName(ModelType type);

}  // namespace openaml::learn
