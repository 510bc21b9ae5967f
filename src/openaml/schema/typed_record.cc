#include "openaml/schema/typed_record.h"

#include "openaml/schema/value_rules_internal.h"

namespace openaml {

RecordTyper::RecordTyper(const Schema& schema) {
  types_.reserve(schema.attributes.size());
  for (const Attribute& a : schema.attributes) types_.push_back(a.type);
}

void RecordTyper::Type(std::span<const std::string_view> fields, TypedRecord* out) const {
  out->resize(types_.size());
  for (size_t i = 0; i < types_.size(); ++i) {
    TypedValue& v = (*out)[i];
    v.text = i < fields.size() ? fields[i] : std::string_view();
    v.number = 0.0;
    switch (types_[i]) {
      case AttributeType::kNumeric:
        v.state = value_rules_internal::ParseNumericInline(v.text, &v.number);
        break;
      case AttributeType::kBinary: {
        bool b = false;
        v.state = value_rules_internal::ParseBinaryInline(v.text, &b);
        v.number = b ? 1.0 : 0.0;
        break;
      }
      case AttributeType::kCategorical:
      case AttributeType::kText:
        v.state = ValueState::kPresent;
        break;
    }
  }
}

}  // namespace openaml
