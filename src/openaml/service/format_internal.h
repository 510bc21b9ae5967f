// fmt support for absl::string_view (Debian's Abseil has its own string_view type, which fmt cannot format), so
// Status messages can go straight into fmt::format.
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "absl/strings/string_view.h"

#ifndef OPENAML_FMT_ABSL_STRING_VIEW
#define OPENAML_FMT_ABSL_STRING_VIEW
#if !defined(ABSL_USES_STD_STRING_VIEW)
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  auto format(absl::string_view value, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(value.data(), value.size()), ctx);
  }
};
#endif
#endif
