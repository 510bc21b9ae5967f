#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/fs_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "openaml/common/crypto.h"
#include "openaml/storage/objects/text_internal.h"

namespace openaml::storage::internal {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<UniqueFd> OpenDirAt(int dir_fd, const std::string& name) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(StrCat("open directory"), errno);
  return UniqueFd(fd);
}

Result<UniqueFd> OpenFileAt(int dir_fd, const std::string& name) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open file", errno);
  return UniqueFd(fd);
}

Result<UniqueFd> OpenOrCreateDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(StrCat("create directory ", path), errno);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(StrCat("open directory ", path), errno);
  return UniqueFd(fd);
}

Result<std::vector<std::string>> ListDirNames(int dir_fd) {
  // fdopendir takes ownership of its descriptor: give it a duplicate, rewound.
  int dup_fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) {
    if (errno == ENOENT) return std::vector<std::string>{};
    return ErrnoStatus("open directory for listing", errno);
  }
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    int saved = errno;
    ::close(dup_fd);
    return ErrnoStatus("list directory", saved);
  }
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    names.emplace_back(entry->d_name);
  }
  int saved = errno;
  ::closedir(dir);
  // A directory unlinked while we read it reads as empty (ENOENT); anything else is a real failure.
  if (saved != 0 && saved != ENOENT) return ErrnoStatus("read directory", saved);
  return names;
}

Status RemoveTreeAt(int dir_fd, const std::string& name) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return absl::OkStatus();
  if (errno != EISDIR && errno != EPERM) return ErrnoStatus("remove file", errno);
  // A directory: empty it first.
  auto child = OpenDirAt(dir_fd, name);
  if (!child.ok()) return absl::IsNotFound(child.status()) ? absl::OkStatus() : child.status();
  OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirNames(child->get()));
  for (const std::string& entry : names) OPENAML_RETURN_IF_ERROR(RemoveTreeAt(child->get(), entry));
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return ErrnoStatus("remove directory", errno);
  }
  return absl::OkStatus();
}

Status SyncFd(int fd, std::string_view what) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return ErrnoStatus(StrCat("fsync ", what), errno);
  }
  return absl::OkStatus();
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

Result<size_t> PreadFull(int fd, char* buffer, size_t size, uint64_t offset) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, buffer + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read", errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<std::string> ReadSmallFileAt(int dir_fd, const std::string& name, size_t max_size) {
  OPENAML_ASSIGN_OR_RETURN(UniqueFd fd, OpenFileAt(dir_fd, name));
  std::string data(max_size + 1, '\0');
  OPENAML_ASSIGN_OR_RETURN(size_t n, PreadFull(fd.get(), data.data(), data.size(), 0));
  if (n > max_size) return absl::DataLossError(StrCat("file '", name, "' is larger than expected"));
  data.resize(n);
  return data;
}

Status WriteNewFileAt(int dir_fd, const std::string& name, std::string_view content, bool sync) {
  int raw_fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (raw_fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(StrCat("file '", name, "' exists"));
    return ErrnoStatus("create file", errno);
  }
  UniqueFd fd(raw_fd);
  OPENAML_RETURN_IF_ERROR(WriteAll(fd.get(), content));
  if (sync) OPENAML_RETURN_IF_ERROR(SyncFd(fd.get(), name));
  return absl::OkStatus();
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    // RAND_bytes fails only when the system has no entropy source at all; fall back to time and address so
    // names stay unique within the process (they are not secrets).
    uint64_t seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                    reinterpret_cast<uintptr_t>(&raw);
    for (size_t i = 0; i < bytes; ++i) raw[i] = static_cast<char>(seed >> ((i % 8) * 8));
  }
  return crypto::HexEncode(raw);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace openaml::storage::internal
