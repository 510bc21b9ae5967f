// Typed values of one record: the raw CSV fields read with the value rules of their attribute types
// (spec §4.4). The one conversion every consumer (statistics, recipes, prediction) starts from.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "openaml/schema/schema.h"
#include "openaml/schema/value_rules.h"

namespace openaml {

/// One attribute value. NUMERIC: `number` when present. BINARY: `number` is 0 or 1 when present.
/// CATEGORICAL and TEXT: always present, `text` is the raw field (an empty string is a value; empty TEXT has
/// zero tokens). `text` is also set for NUMERIC and BINARY (the raw field, e.g. for messages). Views are
/// valid as long as the fields they came from.
struct TypedValue {
  ValueState state = ValueState::kMissing;
  double number = 0.0;
  std::string_view text;
};

/// The values of one record, in schema attribute order.
using TypedRecord = std::vector<TypedValue>;

/// Convert records of one schema. Cheap to copy; thread-compatible.
class RecordTyper {
 public:
  explicit RecordTyper(const Schema& schema);
  /// Fill `out` from `fields` (one per attribute, in order: DataSetReader guarantees the count; extra
  /// fields are ignored and missing ones read as empty).
  void Type(std::span<const std::string_view> fields, TypedRecord* out) const;
  const std::vector<AttributeType>& types() const { return types_; }

 private:
  std::vector<AttributeType> types_;
  std::vector<uint32_t> numeric_;  // indexes of the NUMERIC attributes
  std::vector<uint32_t> binary_;   // and of the BINARY ones
};

}  // namespace openaml
