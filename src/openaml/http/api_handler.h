// The seam between the HTTP server (http/) and the JSON-protocol APIs it fronts (the Amazon ML API in
// service/): the server authenticates the request (SigV4), then hands it over as an ApiRequest.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace openaml::http {

struct ApiRequest {
  std::string_view target;         // X-Amz-Target, e.g. "AmazonML_20141212.GetMLModel"
  std::string_view body;           // the JSON body as received
  std::string_view access_key_id;  // the authenticated caller
  std::string_view request_id;     // also sent back as x-amzn-RequestId
  std::string_view host;           // Host header as received (for URLs the API hands out)
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/x-amz-json-1.1";
  std::string body;
};

/// Handle one authenticated JSON-protocol request. Called concurrently from the server's I/O threads: it must
/// be thread-safe, must not throw, and must not block for long (enqueue long work; a metadata query is fine).
using JsonApiHandler = std::function<ApiResponse(const ApiRequest&)>;

}  // namespace openaml::http
