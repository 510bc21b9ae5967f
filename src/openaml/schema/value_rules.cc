// Value rules per attribute type (spec §4.4); the bodies are inline in value_rules_internal.h.
#include "openaml/schema/value_rules.h"

#include "openaml/schema/value_rules_internal.h"

namespace openaml {

ValueState ParseBinary(std::string_view text, bool* value) { return value_rules_internal::ParseBinaryInline(text, value); }

ValueState ParseNumeric(std::string_view text, double* value) { return value_rules_internal::ParseNumericInline(text, value); }

}  // namespace openaml
