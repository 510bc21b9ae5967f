// The object file format and the staging file that produces it.
//
// An object (or a multipart part) is ONE file: the body bytes, then the metadata as JSON, then a 16-byte footer
// (the JSON's length as uint64 little-endian, then the magic "OAMLOBJ1"). Body and metadata are written to a
// staging file, fsynced and renamed into place together, so they can never disagree after a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "openaml/common/crypto.h"
#include "openaml/common/status.h"
#include "openaml/storage/objects/fs_internal.h"
#include "openaml/storage/objects/object_store.h"

namespace openaml::storage::internal {

inline constexpr char kFooterMagic[] = "OAMLOBJ1";
inline constexpr size_t kFooterSize = 16;
/// Metadata larger than this is treated as corruption (S3 limits user metadata to 2 KB; keys to 1 KB).
inline constexpr uint64_t kMaxMetadataBytes = 1 << 20;

/// Serialise the trailer (metadata JSON + footer) of an object file holding `info.size` body bytes.
std::string EncodeTrailer(const ObjectInfo& info);

/// Read and check the metadata of the object file `fd`: DataLoss when the footer, the JSON or the sizes are
/// inconsistent (a file the store did not write).
Result<ObjectInfo> ReadObjectInfo(int fd);

/// A new file in the staging directory, written sequentially (buffered), MD5 computed on the way. It becomes an
/// object by Seal() then RenameInto(); destroying it before that removes the file.
class StagedFile {
 public:
  /// Create a uniquely named file in `tmp_dir_fd` (which must stay open while this object lives).
  static Result<std::unique_ptr<StagedFile>> Create(int tmp_dir_fd);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  /// Append body bytes (included in the MD5).
  Status Append(std::string_view data);
  /// Append `length` bytes of `src_fd` from `offset` without hashing them (copy_file_range where possible): for
  /// copies whose ETag is already known.
  Status AppendUnhashed(int src_fd, uint64_t offset, uint64_t length);
  /// Body bytes appended so far.
  uint64_t size() const { return size_; }
  /// The raw MD5 of the hashed bytes; call once, after the last Append.
  std::string FinishMd5() { return md5_.Finish(); }
  /// Write the trailer for `info` (whose size must equal size()) and, when `sync`, fsync the file.
  Status Seal(const ObjectInfo& info, bool sync);
  /// Rename the sealed file to `name` in `dir_fd`, replacing what was there. The file is no longer ours.
  Status RenameInto(int dir_fd, const std::string& name);

 private:
  StagedFile(int tmp_dir_fd, std::string name, UniqueFd fd);
  Status Flush();

  int tmp_dir_fd_;
  std::string name_;
  UniqueFd fd_;
  std::string buffer_;
  crypto::StreamingDigest md5_{crypto::StreamingDigest::Algorithm::kMd5};
  uint64_t size_ = 0;
  bool renamed_ = false;
};

}  // namespace openaml::storage::internal
