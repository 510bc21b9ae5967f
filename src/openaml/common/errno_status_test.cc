#include "openaml/common/errno_status.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace openaml {
namespace {

TEST(ErrnoStatus, MapsErrnoToCodesWithItsText) {
  const Status missing = ErrnoStatus("cannot open 'x.csv'", ENOENT);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "cannot open 'x.csv': No such file or directory");
  EXPECT_EQ(ErrnoStatus("open", ENOTDIR).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrnoStatus("open", EACCES).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoStatus("rename", EPERM).code(), absl::StatusCode::kPermissionDenied);
  for (int full : {ENOSPC, EDQUOT, EMFILE, ENFILE}) {
    EXPECT_EQ(ErrnoStatus("write", full).code(), absl::StatusCode::kResourceExhausted) << full;
  }
  const Status io = ErrnoStatus("read", EIO);
  EXPECT_EQ(io.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(io.message(), "read: Input/output error");
}

}  // namespace
}  // namespace openaml
