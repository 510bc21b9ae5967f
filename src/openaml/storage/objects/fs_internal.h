// Small POSIX helpers for the local object store: owned descriptors, *at()-relative directory walks, durable
// writes. Everything works relative to directory descriptors so that deep keys never hit PATH_MAX and no path
// component is ever resolved through a symbolic link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openaml/common/errno_status.h"
#include "openaml/common/status.h"

namespace openaml::storage::internal {

/// An owned file descriptor, closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

using ::openaml::ErrnoStatus;  // common/errno_status.h

/// Open the directory `name` under `dir_fd` without following symbolic links.
Result<UniqueFd> OpenDirAt(int dir_fd, const std::string& name);
/// Open the regular file `name` under `dir_fd` for reading without following symbolic links.
Result<UniqueFd> OpenFileAt(int dir_fd, const std::string& name);
/// Open (creating with mode 0755 if missing) a directory given by an absolute or relative path.
Result<UniqueFd> OpenOrCreateDir(const std::string& path);

/// The entry names of a directory (without "." and ".."), unsorted. A directory removed meanwhile gives none.
Result<std::vector<std::string>> ListDirNames(int dir_fd);

/// Remove `name` under `dir_fd` and, when it is a directory, everything below it. Missing is fine.
Status RemoveTreeAt(int dir_fd, const std::string& name);

/// fsync, retrying on EINTR.
Status SyncFd(int fd, std::string_view what);

/// Write all of `data` at the current position / read up to `size` bytes at `offset` (short only at EOF).
Status WriteAll(int fd, std::string_view data);
Result<size_t> PreadFull(int fd, char* buffer, size_t size, uint64_t offset);

/// Read a whole small file (at most `max_size` bytes; larger is an error).
Result<std::string> ReadSmallFileAt(int dir_fd, const std::string& name, size_t max_size);

/// Create the new file `name` in `dir_fd` holding `content` (fsynced when `sync`). AlreadyExists if present.
Status WriteNewFileAt(int dir_fd, const std::string& name, std::string_view content, bool sync);

/// A random lower-case hex string of 2 * `bytes` characters (OpenSSL RAND_bytes).
std::string RandomHex(size_t bytes);

/// Milliseconds since the Unix epoch, now.
int64_t NowMs();

}  // namespace openaml::storage::internal
