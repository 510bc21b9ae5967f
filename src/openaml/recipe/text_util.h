// Small string helpers for the engine domains (recipe, learn, eval, predict, engine). Debian's Abseil has
// its own absl::string_view, so absl::StrCat does not take std::string_view: Cat() uses fmt instead.
#pragma once

#include <iterator>
#include <string>

#include "fmt/format.h"

namespace openaml {

/// Concatenate the text forms of `parts` ({fmt} formatting of each).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", parts), ...);
  return out;
}

}  // namespace openaml
