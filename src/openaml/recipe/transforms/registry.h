// The explicit list of recipe transformations (no static self-registration; conventions.md habit 2).
#pragma once

#include <string_view>
#include <vector>

#include "openaml/recipe/transforms/transform.h"

namespace openaml::recipe {

class TransformRegistry {
 public:
  /// The registry holding every transformation of spec §7.3-§7.5. Thread-safe (immutable after creation).
  static const TransformRegistry& Default();
  /// The transformation named `name`, or nullptr.
  const TransformInfo* Find(std::string_view name) const;
  const std::vector<TransformInfo>& all() const { return transforms_; }

 private:
  std::vector<TransformInfo> transforms_;
};

}  // namespace openaml::recipe
