#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/object_file_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "nlohmann/json.hpp"
#include "openaml/storage/objects/text_internal.h"

namespace openaml::storage::internal {
namespace {

constexpr size_t kBufferSize = 256 << 10;

void PutUint64Le(uint64_t value, char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

uint64_t GetUint64Le(const char* in) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

}  // namespace

std::string EncodeTrailer(const ObjectInfo& info) {
  nlohmann::json meta = {
      {"key", info.key},
      {"size", info.size},
      {"etag", info.etag},
      {"last_modified_ms", info.last_modified_ms},
      {"content_type", info.content_type},
      {"user_metadata", info.user_metadata},
  };
  // Metadata reaches us from HTTP headers: replace invalid UTF-8 rather than fail (keys are validated earlier).
  std::string trailer = meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  char footer[kFooterSize];
  PutUint64Le(trailer.size(), footer);
  std::memcpy(footer + 8, kFooterMagic, 8);
  trailer.append(footer, kFooterSize);
  return trailer;
}

Result<ObjectInfo> ReadObjectInfo(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("stat object", errno);
  auto file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < kFooterSize) return absl::DataLossError("object file too short for its footer");
  char footer[kFooterSize];
  OPENAML_ASSIGN_OR_RETURN(size_t n, PreadFull(fd, footer, kFooterSize, file_size - kFooterSize));
  if (n != kFooterSize || std::memcmp(footer + 8, kFooterMagic, 8) != 0) {
    return absl::DataLossError("object file has no valid footer");
  }
  uint64_t meta_size = GetUint64Le(footer);
  if (meta_size > kMaxMetadataBytes || meta_size > file_size - kFooterSize) {
    return absl::DataLossError("object file metadata length out of range");
  }
  std::string text(meta_size, '\0');
  OPENAML_ASSIGN_OR_RETURN(n, PreadFull(fd, text.data(), meta_size, file_size - kFooterSize - meta_size));
  if (n != meta_size) return absl::DataLossError("object file metadata truncated");
  ObjectInfo info;
  try {
    nlohmann::json meta = nlohmann::json::parse(text);
    info.key = meta.at("key").get<std::string>();
    info.size = meta.at("size").get<uint64_t>();
    info.etag = meta.at("etag").get<std::string>();
    info.last_modified_ms = meta.at("last_modified_ms").get<int64_t>();
    info.content_type = meta.at("content_type").get<std::string>();
    info.user_metadata = meta.at("user_metadata").get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(StrCat("object file metadata unreadable: ", e.what()));
  }
  if (info.size != file_size - kFooterSize - meta_size) {
    return absl::DataLossError("object file body size disagrees with its metadata");
  }
  return info;
}

Result<std::unique_ptr<StagedFile>> StagedFile::Create(int tmp_dir_fd) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string name = "put-" + RandomHex(12);
    int fd = ::openat(tmp_dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return std::unique_ptr<StagedFile>(new StagedFile(tmp_dir_fd, std::move(name), UniqueFd(fd)));
    if (errno != EEXIST) return ErrnoStatus("create staging file", errno);
  }
  return absl::InternalError("create staging file: no unique name found");
}

StagedFile::StagedFile(int tmp_dir_fd, std::string name, UniqueFd fd)
    : tmp_dir_fd_(tmp_dir_fd), name_(std::move(name)), fd_(std::move(fd)) {}

StagedFile::~StagedFile() {
  if (!renamed_) ::unlinkat(tmp_dir_fd_, name_.c_str(), 0);
}

Status StagedFile::Flush() {
  if (buffer_.empty()) return absl::OkStatus();
  Status status = WriteAll(fd_.get(), buffer_);
  buffer_.clear();
  return status;
}

Status StagedFile::Append(std::string_view data) {
  md5_.Update(data);
  size_ += data.size();
  if (buffer_.size() + data.size() <= kBufferSize) {
    if (buffer_.capacity() < kBufferSize) buffer_.reserve(kBufferSize);
    buffer_.append(data);
    return absl::OkStatus();
  }
  OPENAML_RETURN_IF_ERROR(Flush());
  if (data.size() >= kBufferSize) return WriteAll(fd_.get(), data);  // large writes skip the copy
  buffer_.append(data);
  return absl::OkStatus();
}

Status StagedFile::AppendUnhashed(int src_fd, uint64_t offset, uint64_t length) {
  OPENAML_RETURN_IF_ERROR(Flush());
  size_ += length;
  auto in_offset = static_cast<off64_t>(offset);
  while (length > 0) {
    ssize_t n = ::copy_file_range(src_fd, &in_offset, fd_.get(), nullptr, length, 0);
    if (n > 0) {
      length -= static_cast<uint64_t>(n);
      continue;
    }
    if (n == 0) return absl::DataLossError("copy: source shorter than its metadata says");
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) {
      return ErrnoStatus("copy", errno);
    }
    // The kernel cannot copy between these files: copy through a buffer.
    std::string chunk(std::min<uint64_t>(length, kBufferSize), '\0');
    while (length > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(length, chunk.size()));
      OPENAML_ASSIGN_OR_RETURN(size_t got, PreadFull(src_fd, chunk.data(), want, static_cast<uint64_t>(in_offset)));
      if (got != want) return absl::DataLossError("copy: source shorter than its metadata says");
      OPENAML_RETURN_IF_ERROR(WriteAll(fd_.get(), std::string_view(chunk.data(), got)));
      in_offset += static_cast<off64_t>(got);
      length -= got;
    }
  }
  return absl::OkStatus();
}

Status StagedFile::Seal(const ObjectInfo& info, bool sync) {
  OPENAML_RETURN_IF_ERROR(Flush());
  OPENAML_RETURN_IF_ERROR(WriteAll(fd_.get(), EncodeTrailer(info)));
  if (sync) OPENAML_RETURN_IF_ERROR(SyncFd(fd_.get(), "staging file"));
  return absl::OkStatus();
}

Status StagedFile::RenameInto(int dir_fd, const std::string& name) {
  if (::renameat(tmp_dir_fd_, name_.c_str(), dir_fd, name.c_str()) != 0) return ErrnoStatus("rename", errno);
  renamed_ = true;
  return absl::OkStatus();
}

}  // namespace openaml::storage::internal
