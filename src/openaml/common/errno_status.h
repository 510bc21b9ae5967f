// The Status of a failed POSIX call, for every domain that touches files (ingest's byte sources, the local
// object store).
#pragma once

#include <string_view>

#include "openaml/common/status.h"

namespace openaml {

/// A Status for `error_number` (an errno value): NotFound for ENOENT/ENOTDIR, PermissionDenied for
/// EACCES/EPERM, ResourceExhausted for ENOSPC/EDQUOT/EMFILE/ENFILE, Internal otherwise. The message is
/// "<what>: <strerror>".
Status ErrnoStatus(std::string_view what, int error_number);

}  // namespace openaml
