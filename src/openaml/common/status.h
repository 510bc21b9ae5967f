// Status and result types used by every domain: failures from input or the environment travel as values.
//
// We use Abseil's canonical codes (decided once, see conventions.md §4) and map them to AWS errors in one
// table at the HTTP edge (http/aws_errors). Context is added as an error travels up with WithContext().
#pragma once

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace openaml {

using Status = absl::Status;
template <typename T>
using Result = absl::StatusOr<T>;

/// Return `status` with `context` prepended to its message ("row 12: not a number"); OK stays OK.
inline Status WithContext(const Status& status, std::string_view context) {
  if (status.ok()) return status;
  return Status(status.code(), absl::StrCat(absl::string_view(context.data(), context.size()), ": ", status.message()));
}

}  // namespace openaml

#define OPENAML_CONCAT_INNER_(a, b) a##b
#define OPENAML_CONCAT_(a, b) OPENAML_CONCAT_INNER_(a, b)

/// Return from the enclosing function if `expr` (a Status) is not OK.
#define OPENAML_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::openaml::Status openaml_status_ = (expr);        \
    if (!openaml_status_.ok()) return openaml_status_; \
  } while (0)

/// Evaluate `rexpr` (a Result<T>); on error return its status, else move its value into `lhs`.
#define OPENAML_ASSIGN_OR_RETURN(lhs, rexpr) \
  OPENAML_ASSIGN_OR_RETURN_IMPL_(OPENAML_CONCAT_(openaml_result_, __LINE__), lhs, rexpr)
#define OPENAML_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                   \
  if (!result.ok()) return std::move(result).status();     \
  lhs = std::move(result).value()
