// StrCat for std types. Debian's Abseil is built with its own absl::string_view (not std::string_view), so
// absl::StrCat does not take std::string_view arguments; this one takes anything fmt can format.
#pragma once

#include <iterator>
#include <string>

#include "fmt/format.h"

namespace openaml {

/// Concatenate the text forms of `args` (strings, string_views, numbers, chars) into a new string.
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
  return out;
}

}  // namespace openaml
