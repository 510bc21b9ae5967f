// The S3 REST API over an ObjectStore: one handler per S3 action, chosen by method, bucket/key and query
// (https://docs.aws.amazon.com/AmazonS3/latest/API/). Errors become S3 XML through http/aws_errors.
//
//   GET /                          ListBuckets
//   PUT|HEAD|DELETE /b             CreateBucket, HeadBucket, DeleteBucket
//   GET /b[?list-type=2]           ListObjects v1 / ListObjectsV2;  GET /b?location  GetBucketLocation
//   POST /b?delete                 DeleteObjects
//   PUT /b/k                       PutObject, or CopyObject with x-amz-copy-source
//   GET|HEAD|DELETE /b/k           GetObject (Range), HeadObject, DeleteObject
//   POST /b/k?uploads              CreateMultipartUpload
//   PUT /b/k?partNumber&uploadId   UploadPart
//   POST|DELETE|GET /b/k?uploadId  CompleteMultipartUpload, AbortMultipartUpload, ListParts
#pragma once

#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "openaml/http/s3_exchange.h"
#include "openaml/storage/objects/object_store.h"

namespace openaml::http {

class S3Handlers {
 public:
  /// `store` must outlive the handlers. `region` is what GetBucketLocation reports.
  S3Handlers(storage::ObjectStore& store, std::string region);

  /// Handle one authenticated request. Never throws; failures become S3 error responses.
  boost::asio::awaitable<S3Response> Handle(S3Exchange& exchange);

  /// The S3 XML error response for `status`.
  static S3Response ErrorResponse(const Status& status, const S3Request& request);

 private:
  boost::asio::awaitable<S3Response> Dispatch(S3Exchange& exchange);
  S3Response ListBuckets(const S3Request& request);
  boost::asio::awaitable<S3Response> CreateBucket(S3Exchange& exchange);
  S3Response ListObjects(const S3Request& request, bool v2);
  boost::asio::awaitable<S3Response> DeleteObjects(S3Exchange& exchange);
  boost::asio::awaitable<S3Response> PutObject(S3Exchange& exchange);
  S3Response CopyObject(const S3Request& request);
  S3Response GetObject(const S3Request& request, bool head);
  S3Response CreateMultipartUpload(const S3Request& request);
  boost::asio::awaitable<S3Response> UploadPart(S3Exchange& exchange);
  boost::asio::awaitable<S3Response> CompleteMultipartUpload(S3Exchange& exchange);
  S3Response ListParts(const S3Request& request);

  storage::ObjectStore& store_;
  std::string region_;
};

/// Read a whole small request body (XML) of at most `limit` bytes; EntityTooLarge beyond it.
boost::asio::awaitable<Result<std::string>> ReadSmallBody(S3Exchange& exchange, size_t limit);

}  // namespace openaml::http
