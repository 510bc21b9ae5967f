// Pure functions that turn an S3 request line and headers into what the handlers act on: the bucket and key
// (path-style "/bucket/key" or virtual-hosted "bucket.host/key"), the decoded query parameters, the byte range,
// and the date formats S3 sends back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/storage/objects/object_store.h"

namespace openaml::http {

/// Longest key S3 accepts, in bytes of UTF-8.
inline constexpr size_t kMaxKeyBytes = 1024;

struct S3Target {
  std::string bucket;  // empty: the service (ListBuckets)
  std::string key;     // empty: a bucket operation
  bool virtual_hosted = false;
};

/// Find the bucket and key of a request. `host` is the Host header; when it is "<bucket>.<base>" for one of
/// `base_hosts` (host names without port, e.g. "localhost"), the request is virtual-hosted and the whole path
/// is the key. `raw_path` is the wire path (percent-encoded, starts with '/'). Errors: InvalidURI for a
/// malformed escape, KeyTooLongError for keys over 1024 bytes.
Result<S3Target> ParseS3Target(std::string_view host, std::string_view raw_path,
                               const std::vector<std::string>& base_hosts);

/// Decoded query parameters; a parameter without '=' maps to "". The first of repeated names wins.
using QueryParams = std::map<std::string, std::string, std::less<>>;
Result<QueryParams> ParseQuery(std::string_view raw_query);

/// Resolve an HTTP Range header against an object of `size` bytes. nullopt: serve the whole object (no header,
/// or a form S3 ignores such as several ranges). InvalidRange (OutOfRange) when no byte can be served.
Result<std::optional<storage::ByteRange>> ResolveRange(std::string_view header, uint64_t size);

/// "Sun, 30 Aug 2015 12:36:00 GMT" for Last-Modified.
std::string HttpDate(int64_t epoch_ms);
/// "2015-08-30T12:36:00.000Z" for XML timestamps.
std::string IsoDate(int64_t epoch_ms);

/// Percent-encode for encoding-type=url responses (as S3: unreserved characters and '/' kept).
std::string UrlEncodeKey(std::string_view key);

}  // namespace openaml::http
