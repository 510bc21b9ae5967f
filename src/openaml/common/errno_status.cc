#include "openaml/common/errno_status.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "openaml/common/str_cat.h"

namespace openaml {

Status ErrnoStatus(std::string_view what, int error_number) {
  const std::string message = StrCat(what, ": ", std::string_view(std::strerror(error_number)));
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace openaml
