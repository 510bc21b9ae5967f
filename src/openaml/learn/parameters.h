// Amazon ML's training parameters (spec §8.3), declared once in a table with default, bounds and
// description (conventions.md habit 3). Values arrive as strings, as the API passes them.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "openaml/common/status.h"

namespace openaml::learn {

enum class ShuffleType { kNone, kAuto };

/// One declared parameter.
struct ParameterSpec {
  std::string_view key;
  std::string_view default_value;  // as written back in TrainingParameters
  double min = 0, max = 0;         // numeric bounds (inclusive); unused for enums
  bool integer = false;
  bool is_enum = false;            // sgd.shuffleType: "auto" | "none"
  std::string_view description;
};

/// The table of every accepted key.
std::span<const ParameterSpec> ParameterTable();

struct TrainingParameters {
  int max_passes = 10;
  ShuffleType shuffle = ShuffleType::kNone;  // API default (spec §8.3); the CLI defaults to auto
  double l1 = 0;
  double l2 = 0;
  uint64_t max_model_size_bytes = 33554432;
  /// Seed of shuffling and any randomised step: training is deterministic for a given seed.
  uint64_t seed = 1;

  static TrainingParameters Defaults() { return {}; }
  /// Parse the API's string map. Unknown keys, malformed or out-of-range values, and L1 and L2 both non-zero
  /// are InvalidArgument with a message naming the key and its range.
  static Result<TrainingParameters> FromMap(const std::map<std::string, std::string>& parameters);
  /// Every key with the value applied (defaults included), for the model's TrainingParameters.
  std::map<std::string, std::string> ToMap() const;
};

}  // namespace openaml::learn
