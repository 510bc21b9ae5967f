// String helpers for this domain that Debian's Abseil cannot provide for std::string_view (its absl::string_view
// is a separate type): splitting and integer parsing. Concatenation is openaml::StrCat (common/str_cat.h).
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace openaml::storage::internal {

/// Split `text` on `separator`, keeping empty pieces.
inline std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

/// Parse a whole string as a decimal integer.
template <std::integral T>
bool ParseInt(std::string_view text, T* value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace openaml::storage::internal
