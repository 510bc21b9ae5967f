// The openaml HTTP server: one port for the S3 API, the JSON-protocol APIs (Amazon ML) and GET /healthz.
//
// Boost.Asio/Beast, N workers (an io_context and a thread each; a connection stays on the worker that accepted
// it), one coroutine per keep-alive connection. Each request:
//   1. read the header (limits: 64 KiB of header, idle timeout);
//   2. GET /healthz answers 200 unauthenticated;
//   3. POST / with X-Amz-Target: read the JSON body (16 MiB at most), verify SigV4 with the body's hash, hand
//      it to the JsonApiHandler registered for the target prefix;
//   4. otherwise S3: verify SigV4 from the header alone, then S3Handlers reads the body as a verified stream
//      (aws-chunked decoded, digests checked) and may stream the response from the store.
// Request bodies and object downloads stream through fixed buffers: memory does not grow with object size.
// SIGINT/SIGTERM stop accepting, let in-flight requests finish (up to a grace period), then return from Run().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "openaml/auth/sigv4.h"
#include "openaml/common/status.h"
#include "openaml/http/api_handler.h"
#include "openaml/storage/objects/object_store.h"

namespace openaml::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8600;  // 0: any free port (see Server::port())
  int threads = 0;       // 0: one per core
  /// Host names (without port) under which "<bucket>.<host>" means a virtual-hosted bucket.
  std::vector<std::string> virtual_host_bases = {"localhost"};
  std::string region = "us-east-1";
  size_t max_header_bytes = 64 * 1024;
  size_t max_json_body_bytes = 16 * 1024 * 1024;
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds shutdown_grace{10};
  /// The built web console served unauthenticated under /console/ (console/console_assets.h); empty: none.
  std::string console_dir;
  /// Handle SIGINT/SIGTERM inside Run() (off in tests that stop the server with Stop()).
  bool handle_signals = true;

  static ServerOptions Defaults() { return {}; }
};

class Server {
 public:
  /// Bind the listening socket. `store` must outlive the server. Unavailable if the address cannot be bound.
  static Result<std::unique_ptr<Server>> Make(const ServerOptions& options, auth::Credentials credentials,
                                              storage::ObjectStore& store);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Route `POST /` requests whose X-Amz-Target starts with "<target_prefix>." to `handler`, after verifying
  /// their SigV4 signature for `signing_service` (e.g. "AmazonML_20141212", "machinelearning"). Call before
  /// Run().
  void RegisterJsonApi(std::string target_prefix, JsonApiHandler handler,
                       std::string signing_service = "machinelearning");

  /// The bound port (useful with port 0).
  uint16_t port() const;

  /// Serve until Stop() or a signal; blocks the calling thread (which becomes one of the I/O threads).
  Status Run();

  /// Stop gracefully (thread-safe, callable from any thread or a signal handler's completion).
  void Stop();

  struct Impl;  // implementation detail (server.cc)

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace openaml::http
