// The seam between the HTTP server (server.cc: sockets, parsing, SigV4, body decoding) and the S3 handlers
// (s3_handlers.cc: S3 semantics over an ObjectStore). A handler sees one authenticated request, reads its body
// as decoded, verified bytes, and returns a response, which may stream an object.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "openaml/auth/sigv4.h"
#include "openaml/common/status.h"
#include "openaml/http/s3_routing.h"
#include "openaml/ingest/byte_source.h"

namespace openaml::http {

struct S3Request {
  std::string method;  // "GET", "PUT", ...
  std::string raw_path;
  S3Target target;
  QueryParams query;
  const auth::Headers* headers = nullptr;
  std::string access_key_id;
  std::string request_id;

  /// The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  bool HasQuery(std::string_view name) const { return query.find(name) != query.end(); }
  /// The query parameter `name`, or "" when absent.
  std::string_view Query(std::string_view name) const;
};

struct S3Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // used when `stream` is null
  /// A body streamed from the store (GetObject); `stream_length` bytes are sent.
  std::unique_ptr<ByteSource> stream;
  uint64_t stream_length = 0;
  /// HEAD: send the headers (with Content-Length = stream_length) and no body.
  bool headers_only = false;
};

class S3Exchange {
 public:
  virtual ~S3Exchange() = default;
  virtual const S3Request& request() const = 0;
  /// Read up to `size` bytes of the decoded request body (aws-chunked framing removed); 0 at its end. Before
  /// returning 0 every declared digest has been verified (x-amz-content-sha256, Content-MD5, x-amz-checksum-*,
  /// chunk and trailer signatures): a mismatch is returned as an error instead, so a handler that commits only
  /// after reading 0 never commits a corrupted or forged body.
  virtual boost::asio::awaitable<Result<size_t>> ReadBody(char* buffer, size_t size) = 0;
  /// The body's declared decoded length, when known (Content-Length or x-amz-decoded-content-length).
  virtual std::optional<uint64_t> body_length() const = 0;
};

}  // namespace openaml::http
