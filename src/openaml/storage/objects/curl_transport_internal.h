// HTTP transport of the external S3 client over libcurl: one-shot requests with a bounded response body, and
// streamed responses read through ByteSource without holding the body in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openaml/auth/sigv4.h"
#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"

namespace openaml::storage::internal {

/// A connection and DNS cache shared by every request of one client (libcurl share interface). Thread-safe.
class CurlShare {
 public:
  static Result<std::unique_ptr<CurlShare>> Make();
  ~CurlShare();
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;
  void* handle() const { return share_; }

 private:
  CurlShare() = default;
  static void Lock(void* handle, int data, int access, void* user);
  static void Unlock(void* handle, int data, void* user);

  void* share_ = nullptr;
  std::mutex mutexes_[8];  // one per curl_lock_data value
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  auth::Headers headers;  // sent exactly (already signed); curl adds only Content-Length
  /// The body: `body` in memory, or `body_length` bytes of `body_fd` from `body_offset` when body_fd >= 0.
  std::string body;
  int body_fd = -1;
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  int connect_timeout_seconds = 10;
  /// Abort when slower than 1 byte/s for this long (no overall timeout: bodies may be gigabytes).
  int stall_timeout_seconds = 60;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  /// The first header called `name` (lower case), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

/// Perform `request`, keeping at most `max_body` bytes of response body (more is an error: Internal).
/// Unavailable when the server cannot be reached or the connection fails.
Result<HttpResponse> PerformRequest(CurlShare& share, const HttpRequest& request, size_t max_body);

/// A GET whose body is read as it arrives: Open() returns once the status line and headers are in; Read() then
/// pulls the body through a buffer of about `kStreamBufferBytes` (the transfer pauses while it is full).
class HttpStream final : public ByteSource {
 public:
  static constexpr size_t kStreamBufferBytes = 1 << 20;

  static Result<std::unique_ptr<HttpStream>> Open(CurlShare& share, const HttpRequest& request);
  ~HttpStream() override;

  /// Status and headers of the response (body empty).
  const HttpResponse& head() const { return head_; }
  Result<size_t> Read(char* buffer, size_t size) override;

 private:
  struct Transfer;
  HttpStream();
  /// Drive the transfer until data is buffered, the headers are complete (`until_headers`) or it ends.
  Status Pump(bool until_headers);

  std::unique_ptr<Transfer> transfer_;
  HttpResponse head_;
};

}  // namespace openaml::storage::internal
