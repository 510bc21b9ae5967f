// LocalObjectStore: the built-in S3-compatible store, objects as files under a data directory.
//
// On-disk layout (see README.md in this folder for the reasoning):
//   <root>/objects/<bucket>/.bucket            bucket marker (creation time, JSON)
//   <root>/objects/<bucket>/d<seg>/.../o<seg>  one object: body, then its metadata (JSON), then a 16-byte footer
//   <root>/uploads/<uploadId>/upload.json      a multipart upload in progress and its parts (part-00001, ...)
//   <root>/tmp/                                staging for atomic writes; emptied when the store opens
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/storage/objects/object_store.h"

namespace openaml::storage {

/// Options of the local store.
struct LocalObjectStoreOptions {
  /// Smallest size of every part but the last at CompleteMultipartUpload (S3: 5 MiB; EntityTooSmall otherwise).
  uint64_t min_part_size = 5ull << 20;
  /// fsync files and directories before reporting a write as done (off only in tests that measure nothing).
  bool sync = true;

  static LocalObjectStoreOptions Defaults() { return {}; }
};

/// An ObjectStore on the local filesystem. Writes are atomic (temporary file in <root>/tmp, fsync, rename, fsync
/// of the directory): after a crash an object is either its old version, the new one, or absent, never torn.
/// Every legal S3 key maps to a safe path (each '/'-separated segment is percent-encoded behind a one-letter
/// tag; segments too long for a file name are hashed), so no key can name a file outside the bucket.
/// Thread-safe: concurrent writers of one key race and the last commit wins; readers always see a whole object
/// (an open object stays readable even if replaced or deleted meanwhile).
class LocalObjectStore final : public ObjectStore {
 public:
  /// Open (creating if needed) the store rooted at `root`, and remove staging leftovers of earlier crashes.
  static Result<std::unique_ptr<LocalObjectStore>> Make(const std::string& root,
                                                        const LocalObjectStoreOptions& options =
                                                            LocalObjectStoreOptions::Defaults());
  ~LocalObjectStore() override;

  Result<std::vector<BucketInfo>> ListBuckets() override;
  Status CreateBucket(std::string_view bucket) override;
  Status HeadBucket(std::string_view bucket) override;
  Status DeleteBucket(std::string_view bucket) override;

  /// The writer refers to this store: the store must outlive it.
  Result<std::unique_ptr<ObjectWriter>> PutObject(std::string_view bucket, std::string_view key,
                                                  const PutOptions& options) override;
  /// `info->size` is the whole object's size even when `range` selects part of it.
  Result<std::unique_ptr<ByteSource>> GetObject(std::string_view bucket, std::string_view key,
                                                std::optional<ByteRange> range, ObjectInfo* info) override;
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) override;
  Status DeleteObject(std::string_view bucket, std::string_view key) override;
  Result<ObjectInfo> CopyObject(std::string_view src_bucket, std::string_view src_key, std::string_view dst_bucket,
                                std::string_view dst_key, const std::optional<PutOptions>& replace_metadata) override;
  /// Walk the bucket's directories in key order, skipping subtrees outside the prefix, before `start_after`, or
  /// folded into one common prefix, so a page costs about its own size. A `start_after` equal to a common prefix
  /// returned earlier resumes after that whole group (as S3's marker / continuation token).
  Result<ListObjectsResult> ListObjects(std::string_view bucket, const ListObjectsRequest& request) override;

  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            const PutOptions& options) override;
  /// Part numbers 1..10000; uploading a part number again replaces that part.
  Result<std::unique_ptr<ObjectWriter>> UploadPart(std::string_view bucket, std::string_view key,
                                                   std::string_view upload_id, int part_number) override;
  /// Validate `parts` (ascending: InvalidPartOrder; known with matching ETag: InvalidPart; all but the last at
  /// least min_part_size: EntityTooSmall), then concatenate them into one object atomically and drop the upload.
  Result<ObjectInfo> CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id,
                                             const std::vector<MultipartPart>& parts) override;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key, std::string_view upload_id) override;
  /// The parts uploaded so far, by part number.
  Result<std::vector<MultipartPart>> ListParts(std::string_view bucket, std::string_view key,
                                               std::string_view upload_id) override;

  const std::string& root() const { return root_; }

  /// Opaque state, defined in the .cc (named here so that the writers defined there can hold it).
  struct Impl;

 private:
  LocalObjectStore(std::string root, const LocalObjectStoreOptions& options);

  std::string root_;
  std::unique_ptr<Impl> impl_;
};

/// Check a bucket name against S3's rules (3-63 characters of a-z, 0-9, '.', '-'; starts and ends with a letter
/// or digit; no "..", ".-" or "-."; not an IPv4 address; no reserved prefix "xn--", "sthree-" or suffix
/// "-s3alias", "--ol-s3"). InvalidArgument "InvalidBucketName: ..." otherwise.
Status ValidateBucketName(std::string_view bucket);

/// Check an object key: 1..1024 bytes of valid UTF-8 ("KeyTooLongError: ..." or "InvalidKey: ..." otherwise).
/// Any other byte string is legal, including "a/../b", "a//b", "/abs", "dir/" and control characters.
Status ValidateObjectKey(std::string_view key);

}  // namespace openaml::storage
