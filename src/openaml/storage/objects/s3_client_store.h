// S3ClientObjectStore: an ObjectStore backed by an external S3-compatible service (AWS S3, MinIO, moto, another
// openaml server), over libcurl with SigV4 signing (auth/sigv4.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "openaml/storage/objects/object_store.h"

namespace openaml::storage {

namespace internal {
class CurlShare;
}

/// Where the external store is and how to sign for it.
struct S3ClientOptions {
  /// "http://127.0.0.1:9000" or "https://s3.eu-west-1.amazonaws.com" (scheme, host, optional port; no path).
  std::string endpoint;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials, if any
  /// true: http://host/bucket/key; false: virtual-hosted http://bucket.host/key.
  bool path_style = true;
  /// Staging directory for PutObject bodies (they are hashed and sent at Commit); empty: $TMPDIR or /tmp.
  std::string staging_dir;
  /// Bodies up to this size go up in one PUT; larger ones as a multipart upload in parts of this size
  /// (5 MiB to 5 GiB, S3's limits).
  uint64_t part_size = 16ull << 20;
  int connect_timeout_seconds = 10;

  static S3ClientOptions Defaults() { return {}; }
};

/// A client of an external S3-compatible service. Implements buckets, ListObjects (ListObjectsV2), GetObject
/// (streamed, with ranges), HeadObject, PutObject (staged to a local temporary file, then one PUT or a multipart
/// upload), DeleteObject and CopyObject; the explicit multipart calls answer Unimplemented. Thread-safe:
/// connections are pooled and shared between calls.
class S3ClientObjectStore final : public ObjectStore {
 public:
  /// Check the options (endpoint form, credentials present); does not contact the service.
  static Result<std::unique_ptr<S3ClientObjectStore>> Make(const S3ClientOptions& options);
  ~S3ClientObjectStore() override;

  Result<std::vector<BucketInfo>> ListBuckets() override;
  Status CreateBucket(std::string_view bucket) override;
  Status HeadBucket(std::string_view bucket) override;
  Status DeleteBucket(std::string_view bucket) override;

  /// The body is staged in `staging_dir` while written (MD5 and SHA-256 computed on the way) and uploaded by
  /// Commit(); destroying the writer uncommitted uploads nothing.
  Result<std::unique_ptr<ObjectWriter>> PutObject(std::string_view bucket, std::string_view key,
                                                  const PutOptions& options) override;
  /// The body streams from the network as it is read (about 1 MiB buffered). `info->size` is the whole object's.
  Result<std::unique_ptr<ByteSource>> GetObject(std::string_view bucket, std::string_view key,
                                                std::optional<ByteRange> range, ObjectInfo* info) override;
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) override;
  Status DeleteObject(std::string_view bucket, std::string_view key) override;
  Result<ObjectInfo> CopyObject(std::string_view src_bucket, std::string_view src_key, std::string_view dst_bucket,
                                std::string_view dst_key, const std::optional<PutOptions>& replace_metadata) override;
  /// ListObjectsV2 pages, filtered so that a `start_after` equal to a common prefix skips that group whatever
  /// the server does with it; may fetch several server pages to fill one.
  Result<ListObjectsResult> ListObjects(std::string_view bucket, const ListObjectsRequest& request) override;

  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> UploadPart(std::string_view bucket, std::string_view key,
                                                   std::string_view upload_id, int part_number) override;
  Result<ObjectInfo> CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id,
                                             const std::vector<MultipartPart>& parts) override;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key, std::string_view upload_id) override;
  Result<std::vector<MultipartPart>> ListParts(std::string_view bucket, std::string_view key,
                                               std::string_view upload_id) override;

  /// Opaque request machinery, defined in the .cc.
  struct Client;

 private:
  explicit S3ClientObjectStore(std::unique_ptr<Client> client);
  std::unique_ptr<Client> client_;
};

}  // namespace openaml::storage
