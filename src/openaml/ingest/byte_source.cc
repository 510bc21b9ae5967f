// Local byte sources and sinks: POSIX reads with sequential read-ahead; sinks write a temporary file in the
// destination directory and rename it into place, so readers never see a partial file.
#include "openaml/ingest/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "openaml/common/errno_status.h"
#include "openaml/common/str_cat.h"

namespace openaml {
namespace {

class LocalFileSource final : public ByteSource {
 public:
  LocalFileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~LocalFileSource() override { ::close(fd_); }

  Result<size_t> Read(char* buffer, size_t size) override {
    while (true) {
      const ssize_t n = ::read(fd_, buffer, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return ErrnoStatus(StrCat("cannot read '", path_, "'"), errno);
    }
  }

 private:
  int fd_;
  std::string path_;
};

class LocalFileSink final : public ByteSink {
 public:
  LocalFileSink(int fd, std::string temp_path, std::string path)
      : fd_(fd), temp_path_(std::move(temp_path)), path_(std::move(path)) {}
  ~LocalFileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_path_.c_str());
  }

  Status Write(std::string_view data) override {
    if (committed_ || fd_ < 0) return absl::FailedPreconditionError(StrCat("sink '", path_, "' is closed"));
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(StrCat("cannot write '", temp_path_, "'"), errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  Status Commit() override {
    if (committed_ || fd_ < 0) return absl::FailedPreconditionError(StrCat("sink '", path_, "' is closed"));
    if (::fsync(fd_) != 0) return ErrnoStatus(StrCat("cannot sync '", temp_path_, "'"), errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoStatus(StrCat("cannot close '", temp_path_, "'"), errno);
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      return ErrnoStatus(StrCat("cannot rename into '", path_, "'"), errno);
    }
    committed_ = true;
    // Make the rename itself durable.
    const std::string dir = std::filesystem::path(path_).parent_path().string();
    const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      ::fsync(dir_fd);
      ::close(dir_fd);
    }
    return absl::OkStatus();
  }

 private:
  int fd_;
  std::string temp_path_;
  std::string path_;
  bool committed_ = false;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string data, size_t max_chunk) : data_(std::move(data)), max_chunk_(std::max<size_t>(1, max_chunk)) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min({size, max_chunk_, data_.size() - position_});
    std::memcpy(buffer, data_.data() + position_, n);
    position_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t max_chunk_;
  size_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSink>> OpenLocalFileSink(const std::string& path) {
  std::string temp = StrCat(path, ".tmp.XXXXXX");
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(StrCat("cannot create a temporary file for '", path, "'"), errno);
  ::fchmod(fd, 0644);  // mkstemp makes 0600; the result is an ordinary file
  return std::unique_ptr<ByteSink>(std::make_unique<LocalFileSink>(fd, std::move(temp), path));
}

Result<std::unique_ptr<ByteSource>> OpenLocalFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(StrCat("cannot open '", path, "'"), errno);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(StrCat("'", path, "' is a directory, not a file"));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ByteSource>(std::make_unique<LocalFileSource>(fd, path));
}

Result<std::vector<DataFile>> ListLocalDataFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return absl::NotFoundError(StrCat("no such file or directory '", path, "'"));
  auto make = [](const std::string& file, uint64_t size) {
    DataFile f;
    f.uri = file;
    f.size_bytes = size;
    f.open = [file]() { return OpenLocalFile(file); };
    return f;
  };
  std::vector<DataFile> files;
  if (fs::is_regular_file(status)) {
    const uint64_t size = fs::file_size(path, ec);
    if (ec) return ErrnoStatus(StrCat("cannot stat '", path, "'"), ec.value());
    files.push_back(make(path, size));
    return files;
  }
  if (!fs::is_directory(status)) return absl::InvalidArgumentError(StrCat("'", path, "' is not a file or directory"));
  std::vector<std::pair<std::string, uint64_t>> entries;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || name.ends_with(".schema")) continue;
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || entry_ec) continue;
    const uint64_t size = it->file_size(entry_ec);
    if (entry_ec || size == 0) continue;  // zero-byte "folder" markers (spec §4.2)
    entries.emplace_back(it->path().string(), size);
  }
  if (ec) return ErrnoStatus(StrCat("cannot list '", path, "'"), ec.value());
  std::sort(entries.begin(), entries.end());
  for (auto& [file, size] : entries) files.push_back(make(file, size));
  if (files.empty()) return absl::NotFoundError(StrCat("directory '", path, "' holds no data files"));
  return files;
}

std::unique_ptr<ByteSource> MakeMemorySource(std::string data, size_t max_chunk) {
  return std::make_unique<MemorySource>(std::move(data), max_chunk);
}

DataFile MakeMemoryDataFile(std::string uri, std::string data, size_t max_chunk) {
  DataFile f;
  f.uri = std::move(uri);
  f.size_bytes = data.size();
  auto shared = std::make_shared<const std::string>(std::move(data));
  f.open = [shared, max_chunk]() -> Result<std::unique_ptr<ByteSource>> { return MakeMemorySource(*shared, max_chunk); };
  return f;
}

}  // namespace openaml
