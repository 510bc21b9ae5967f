// ObjectStore: buckets and objects, S3 semantics. Two implementations: the local store on disk (the built-in
// S3-compatible service, local_object_store.h) and a client of an external S3-compatible service
// (s3_client_store.h, libcurl + SigV4). The engine reads datasources and writes outputs only through this.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"

namespace openaml::storage {

struct BucketInfo {
  std::string name;
  int64_t created_at_ms = 0;  // Unix epoch milliseconds
};

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // S3 form without quotes: hex MD5, or "<hex>-<parts>" for multipart
  int64_t last_modified_ms = 0;
  std::string content_type;
  std::map<std::string, std::string> user_metadata;  // x-amz-meta-* without the prefix
};

struct ListObjectsRequest {
  std::string prefix;
  std::string delimiter;    // empty: no grouping
  std::string start_after;  // list keys strictly after this (continuation)
  int max_keys = 1000;
};

struct ListObjectsResult {
  std::vector<ObjectInfo> objects;          // in key order (UTF-8 byte order)
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_start_after;  // when truncated: the last key or prefix returned
};

struct PutOptions {
  std::string content_type;
  std::map<std::string, std::string> user_metadata;
  std::optional<std::string> expected_md5_hex;  // Content-MD5, verified at Commit (BadDigest on mismatch)
};

/// A byte range [first, last] inclusive, as in HTTP Range; last unset means to the end.
struct ByteRange {
  uint64_t first = 0;
  std::optional<uint64_t> last;
  /// HTTP's suffix form "bytes=-N": the last N bytes (first and last are then ignored).
  std::optional<uint64_t> suffix_length;
};

/// An object being written: bytes stream to a temporary file; Commit() makes the object visible atomically and
/// returns its info (ETag computed on the way). Destroying it uncommitted discards everything.
class ObjectWriter : public ByteSink {
 public:
  virtual Result<ObjectInfo> CommitObject() = 0;
  Status Commit() override { return CommitObject().status(); }
};

struct MultipartPart {
  int part_number = 0;
  std::string etag;
  uint64_t size = 0;
};

/// Error codes map to S3 errors at the HTTP edge: NotFound (NoSuchBucket / NoSuchKey / NoSuchUpload, the message
/// starts with the S3 code name), AlreadyExists (BucketAlreadyOwnedByYou), FailedPrecondition (BucketNotEmpty),
/// InvalidArgument (InvalidBucketName, InvalidKey, InvalidRange, BadDigest, InvalidPart...).
/// All methods are thread-safe.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<std::vector<BucketInfo>> ListBuckets() = 0;
  virtual Status CreateBucket(std::string_view bucket) = 0;
  virtual Status HeadBucket(std::string_view bucket) = 0;
  virtual Status DeleteBucket(std::string_view bucket) = 0;  // only when empty

  virtual Result<std::unique_ptr<ObjectWriter>> PutObject(std::string_view bucket, std::string_view key,
                                                          const PutOptions& options) = 0;
  /// Open the object (or `range` of it) for streaming; `info` receives its metadata.
  virtual Result<std::unique_ptr<ByteSource>> GetObject(std::string_view bucket, std::string_view key,
                                                        std::optional<ByteRange> range, ObjectInfo* info) = 0;
  virtual Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) = 0;
  virtual Status DeleteObject(std::string_view bucket, std::string_view key) = 0;  // absent key: OK, as S3
  virtual Result<ObjectInfo> CopyObject(std::string_view src_bucket, std::string_view src_key,
                                        std::string_view dst_bucket, std::string_view dst_key,
                                        const std::optional<PutOptions>& replace_metadata) = 0;
  virtual Result<ListObjectsResult> ListObjects(std::string_view bucket, const ListObjectsRequest& request) = 0;

  // Multipart upload (the external client may answer Unimplemented).
  virtual Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                    const PutOptions& options) = 0;
  virtual Result<std::unique_ptr<ObjectWriter>> UploadPart(std::string_view bucket, std::string_view key,
                                                           std::string_view upload_id, int part_number) = 0;
  virtual Result<ObjectInfo> CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                                     std::string_view upload_id,
                                                     const std::vector<MultipartPart>& parts) = 0;
  virtual Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) = 0;
  virtual Result<std::vector<MultipartPart>> ListParts(std::string_view bucket, std::string_view key,
                                                       std::string_view upload_id) = 0;
};

/// Parse "s3://bucket/key-or-prefix" (spec §3.2 S3Url). InvalidArgument with the reason otherwise.
Result<std::pair<std::string, std::string>> ParseS3Url(std::string_view url);

/// The data files named by an S3 URL: one object, or every non-empty object under a prefix ending in "/" in key
/// order (spec §4.2), each openable through `store` (the DataFile keeps a reference: `store` must outlive it).
Result<std::vector<DataFile>> ListDataFiles(ObjectStore& store, std::string_view s3_url);

/// A sink that writes the object at `s3_url` atomically.
Result<std::unique_ptr<ByteSink>> OpenObjectSink(ObjectStore& store, std::string_view s3_url);

}  // namespace openaml::storage
