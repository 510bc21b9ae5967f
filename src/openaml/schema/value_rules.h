// How a raw CSV string becomes a typed value, per attribute type (spec §4.4). Hot path: no allocation.
#pragma once

#include <string_view>

namespace openaml {

enum class ValueState : unsigned char { kPresent, kMissing, kInvalid };

/// BINARY: false 0,n,no,f,false; true 1,y,yes,t,true; case-insensitive, surrounding whitespace stripped.
/// Empty (after stripping) is missing; anything else invalid. `*value` is 0 or 1 when present.
ValueState ParseBinary(std::string_view text, bool* value);

/// NUMERIC: a decimal or exponent number (surrounding whitespace stripped). Empty is missing; anything else
/// that is not a finite number is invalid.
ValueState ParseNumeric(std::string_view text, double* value);

}  // namespace openaml
