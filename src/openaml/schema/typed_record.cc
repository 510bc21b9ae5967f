#include "openaml/schema/typed_record.h"

#include <algorithm>

#include "openaml/schema/value_rules_internal.h"

namespace openaml {

RecordTyper::RecordTyper(const Schema& schema) {
  types_.reserve(schema.attributes.size());
  for (const Attribute& a : schema.attributes) {
    if (a.type == AttributeType::kNumeric) numeric_.push_back(static_cast<uint32_t>(types_.size()));
    if (a.type == AttributeType::kBinary) binary_.push_back(static_cast<uint32_t>(types_.size()));
    types_.push_back(a.type);
  }
}

void RecordTyper::Type(std::span<const std::string_view> fields, TypedRecord* out) const {
  // Every value first as present text (CATEGORICAL and TEXT are done then), then the NUMERIC and BINARY
  // attributes parsed, each in its own loop: no switch per value.
  const size_t width = types_.size();
  out->resize(width);
  TypedValue* values = out->data();
  const size_t given = std::min(width, fields.size());
  for (size_t i = 0; i < given; ++i) values[i] = TypedValue{ValueState::kPresent, 0.0, fields[i]};
  for (size_t i = given; i < width; ++i) values[i] = TypedValue{ValueState::kPresent, 0.0, std::string_view()};
  for (uint32_t i : numeric_) {
    TypedValue& v = values[i];
    v.state = value_rules_internal::ParseNumericInline(v.text, &v.number);
  }
  for (uint32_t i : binary_) {
    TypedValue& v = values[i];
    bool b = false;
    v.state = value_rules_internal::ParseBinaryInline(v.text, &b);
    v.number = b ? 1.0 : 0.0;
  }
}

}  // namespace openaml
