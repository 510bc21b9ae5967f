// Inline bodies of the value rules (value_rules.h), shared by value_rules.cc and the record typer's hot
// loop (typed_record.cc) so that the compiler can inline them there. Private to schema/.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "openaml/schema/value_rules.h"

namespace openaml {
namespace value_rules_internal {

/// ' ', '\t', '\n', '\v', '\f', '\r'.
inline bool IsSpace(char c) { return c == ' ' || static_cast<unsigned char>(c - '\t') < 5; }

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Case-insensitive equality with a lower-case literal.
inline bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (Lower(text[i]) != lower[i]) return false;
  }
  return true;
}

// Exact powers of ten up to 1e22: every one is a double exactly, so mantissa / kPow10[k] is correctly
// rounded when the mantissa is below 2^53 (Clinger's fast path).
inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// Parse plain decimals ("-12.345", "7", ".5", "5.") exactly and fast; false means "use the general path".
inline bool ParseSimpleDecimal(const char* p, const char* end, double* value) {
  const bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  const char* digits = p;
  uint64_t mantissa = 0;
  while (p < end && static_cast<unsigned>(*p - '0') < 10) mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0');
  const ptrdiff_t integer_digits = p - digits;
  ptrdiff_t fraction_digits = 0;
  if (p < end && *p == '.') {
    const char* fraction = ++p;
    while (p < end && static_cast<unsigned>(*p - '0') < 10) mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0');
    fraction_digits = p - fraction;
  }
  // 19 digits cannot overflow 64 bits; below 2^53 the mantissa is an exact double, and so is 10^k for k <= 22,
  // so one division is correctly rounded.
  if (p != end || integer_digits + fraction_digits == 0 || integer_digits + fraction_digits > 19 ||
      mantissa > (uint64_t{1} << 53) || fraction_digits > 22) {
    return false;
  }
  double v = static_cast<double>(mantissa);
  if (fraction_digits > 0) v /= kPow10[fraction_digits];
  *value = negative ? -v : v;
  return true;
}

/// The bytes [p, p + n), 1 <= n <= 8, as a little-endian word (p[0] lowest), zero above, without reading
/// outside them and without a loop (two overlapping loads, or three single bytes for n < 4).
inline uint64_t LoadUpTo8(const char* p, size_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return uint64_t{lo} | (uint64_t{hi} << (8 * (n - 4)));  // the overlapping bytes are the same bytes
  }
  const auto byte = [p](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

inline ValueState ParseBinaryInline(std::string_view text, bool* value) {
  if (text.size() == 1 && static_cast<unsigned>(text[0] - '0') < 2) {  // "0" or "1": most binary data
    *value = text[0] == '1';
    return ValueState::kPresent;
  }
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  const std::string_view t = text.substr(begin, end - begin);
  if (t.empty()) return ValueState::kMissing;
  switch (t.size()) {
    case 1: {
      const char c = Lower(t[0]);
      if (c == '0' || c == 'n' || c == 'f') {
        *value = false;
        return ValueState::kPresent;
      }
      if (c == '1' || c == 'y' || c == 't') {
        *value = true;
        return ValueState::kPresent;
      }
      return ValueState::kInvalid;
    }
    case 2:
      if (EqualsLower(t, "no")) {
        *value = false;
        return ValueState::kPresent;
      }
      return ValueState::kInvalid;
    case 3:
      if (EqualsLower(t, "yes")) {
        *value = true;
        return ValueState::kPresent;
      }
      return ValueState::kInvalid;
    case 4:
      if (EqualsLower(t, "true")) {
        *value = true;
        return ValueState::kPresent;
      }
      return ValueState::kInvalid;
    case 5:
      if (EqualsLower(t, "false")) {
        *value = false;
        return ValueState::kPresent;
      }
      return ValueState::kInvalid;
    default:
      return ValueState::kInvalid;
  }
}

/// The general path of ParseNumericInline (whitespace already stripped, p < end): any decimal, exponents,
/// leading '+', by from_chars (correctly rounded). Out of line: the hot loop only calls it for values the
/// fast path declines, and the tests check the fast path against it.
[[gnu::noinline]] inline ValueState ParseNumericGeneral(const char* p, const char* end, double* value) {
  // General path: exponents, long mantissas. from_chars takes no leading '+', so skip one (Java's
  // Double.parseDouble, which Amazon ML used, accepts it); a second sign stays invalid.
  const char* start = p;
  if (*start == '+') ++start;
  if (start == end || *start == '+' || (*start == '-' && start != p)) return ValueState::kInvalid;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(start, end, v, std::chars_format::general);
  if (ptr != end) return ValueState::kInvalid;
  // Out of range is overflow (not finite: invalid) or underflow (a negative exponent: the value is 0).
  if (ec == std::errc::result_out_of_range) {
    for (const char* q = start; q + 1 < end; ++q) {
      if ((*q == 'e' || *q == 'E') && q[1] == '-') {
        *value = 0.0;
        return ValueState::kPresent;
      }
    }
    return ValueState::kInvalid;
  }
  if (ec != std::errc() || !std::isfinite(v)) return ValueState::kInvalid;
  *value = v;
  return ValueState::kPresent;
}

[[gnu::always_inline]] inline ValueState ParseNumericInline(std::string_view text, double* value) {
  const char* p = text.data();
  const size_t n = text.size();
  if (n == 0) return ValueState::kMissing;
  // Plain decimals first: surrounding whitespace makes the fast path decline (it accepts only signs, digits
  // and one '.'), and the general path strips it.
  if (ParseSimpleDecimal(p, p + n, value)) return ValueState::kPresent;
  const char* end = p + n;
  if (IsSpace(*p) || IsSpace(end[-1])) {
    while (p < end && IsSpace(*p)) ++p;
    while (end > p && IsSpace(end[-1])) --end;
    if (p == end) return ValueState::kMissing;
  }
  return ParseNumericGeneral(p, end, value);
}

}  // namespace value_rules_internal
}  // namespace openaml
