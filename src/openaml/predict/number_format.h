// Amazon ML's number format for batch prediction scores (spec §11.3).
#pragma once

#include <string>

namespace openaml::predict {

/// Format `value` as Amazon ML wrote scores: scientific, 7 significant digits (printf "%.6E" rounding),
/// trailing zeros of the mantissa removed keeping at least one digit after the point, exponent as a plain
/// signed integer: 0.1237027 -> "1.237027E-1", 1 -> "1.0E0", -15.26385 -> "-1.526385E1". NaN -> "NaN".
std::string FormatScore(double value);
/// Append the same to `out` (no allocation once `out` has capacity).
void AppendScore(double value, std::string* out);

}  // namespace openaml::predict
