// StrCat for std types. Debian's Abseil is built with its own absl::string_view (not std::string_view), so
// absl::StrCat does not take std::string_view arguments; this one takes anything fmt can format.
#pragma once

#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>

#include "fmt/format.h"

namespace openaml {

/// Concatenate the text forms of `args` (strings, string_views, numbers, chars) into a new string.
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
  return out;
}

/// Concatenate string pieces with one allocation: the cheap form for hot paths (SigV4 on every request).
inline std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (std::string_view part : parts) out.append(part);
  return out;
}

}  // namespace openaml
