// Inline body of ForEachWord (declared in statistics.h).
#pragma once

#include <string>
#include <string_view>

namespace openaml {

namespace stats_internal {
inline bool IsWordSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline bool IsAsciiPunct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}
}  // namespace stats_internal

template <typename F>
void ForEachWord(std::string_view text, std::string& scratch, F&& on_word) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && stats_internal::IsWordSpace(text[i])) ++i;
    size_t begin = i;
    while (i < n && !stats_internal::IsWordSpace(text[i])) ++i;
    size_t end = i;
    while (begin < end && stats_internal::IsAsciiPunct(text[begin])) ++begin;
    while (end > begin && stats_internal::IsAsciiPunct(text[end - 1])) --end;
    if (begin == end) continue;
    scratch.assign(text.data() + begin, end - begin);
    for (char& c : scratch) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    on_word(std::string_view(scratch));
  }
}

}  // namespace openaml
