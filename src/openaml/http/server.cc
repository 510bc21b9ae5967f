#include "openaml/http/server.h"

#include <array>
#include <charconv>
#include <csignal>
#include <cstring>
#include <random>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>

#include "openaml/auth/aws_chunked.h"
#include "openaml/auth/checksum.h"
#include "openaml/auth/sigv4_verifier.h"
#include "openaml/common/crypto.h"
#include "openaml/common/logging.h"
#include "openaml/console/console_assets.h"
#include "openaml/http/aws_errors.h"
#include "openaml/http/s3_handlers.h"

namespace openaml::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

constexpr size_t kRawBufferBytes = 256 * 1024;
constexpr uint64_t kMaxS3BodyBytes = 6ull << 30;    // a 5 GiB PutObject plus aws-chunked framing
constexpr uint64_t kMaxDrainBytes = 1 << 20;        // unread bodies up to this are drained to keep the connection
constexpr size_t kReadBufferBytes = 16 * 1024;      // a connection's read buffer, reserved up front
constexpr size_t kMaxKeptJsonBodyBytes = 1 << 20;   // a larger JSON body buffer is freed after its request

// A fresh request id written into `id` (16 hex digits; the string keeps its capacity across requests).
void NewRequestId(std::string* id) {
  thread_local std::mt19937_64 random(std::random_device{}());
  static constexpr char kDigits[] = "0123456789ABCDEF";
  id->resize(16);
  uint64_t bits = random();
  for (char& c : *id) {
    c = kDigits[bits & 0xf];
    bits >>= 4;
  }
}

// The Date header's value, formatted once per second per thread.
std::string_view CachedHttpDate() {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  if (ms / 1000 != cached_second) {
    cached_second = ms / 1000;
    cached = HttpDate(ms);
  }
  return cached;
}

// Hex SHA-256 of a JSON request body (signed as its payload hash). The algorithm is fetched once and the context
// kept per thread: EVP_Digest(EVP_sha256()) fetches it on every call, under a read lock of OpenSSL's global
// store that every request would take.
std::string BodySha256Hex(std::string_view data) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) {
    return crypto::Sha256Hex(data);
  }
  return crypto::HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

void AppendHeader(std::string* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->append(": ");
  out->append(value);
  out->append("\r\n");
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsHex64(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string CodeOf(const Status& status) {
  std::string message(status.message());
  size_t colon = message.find(':');
  return colon == std::string::npos || colon > 64 ? std::string(absl::StatusCodeToString(status.code()))
                                                   : message.substr(0, colon);
}

struct JsonRoute {
  std::string prefix;
  JsonApiHandler handler;
  std::string service;
};

// A connection as the idle-timeout sweep of its worker sees it: an intrusive list node with the deadline of
// the socket operation in progress (max: none).
struct TimedConnection {
  virtual ~TimedConnection() = default;
  /// The deadline passed: close the socket (the pending operation completes with beast::error::timeout).
  virtual void Expire() {}
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  TimedConnection* prev = nullptr;
  TimedConnection* next = nullptr;
};

// One I/O thread with its own io_context: a connection lives on one worker from accept to close, so a request
// never hops between threads and takes no lock another worker's requests take.
struct Worker {
  // Declared before `ioc`: destroying ioc destroys the connections' coroutine frames, which unlink themselves.
  TimedConnection connections;  // sentinel of the circular list of this worker's connections
  alignas(64) std::atomic<int> active_requests{0};
  asio::io_context ioc{1};      // concurrency hint 1: run by one thread
  asio::steady_timer sweeper{ioc};

  Worker() { connections.prev = connections.next = &connections; }

  void Link(TimedConnection* c) {
    c->next = connections.next;
    c->prev = &connections;
    connections.next->prev = c;
    connections.next = c;
  }
  static void Unlink(TimedConnection* c) {
    c->prev->next = c->next;
    c->next->prev = c->prev;
    c->prev = c->next = nullptr;
  }

  // Every second: close the connections whose socket operation is past its deadline.
  void Sweep() {
    sweeper.expires_after(std::chrono::seconds(1));
    sweeper.async_wait([this](const beast::error_code& ec) {
      if (ec) return;
      auto now = std::chrono::steady_clock::now();
      for (TimedConnection* c = connections.next; c != &connections; c = c->next) {
        if (c->deadline <= now) c->Expire();
      }
      Sweep();
    });
  }
};

std::vector<std::unique_ptr<Worker>> MakeWorkers(int count) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < std::max(1, count); ++i) workers.push_back(std::make_unique<Worker>());
  return workers;
}

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& opts, auth::Credentials creds, storage::ObjectStore& store)
      : options(opts),
        workers(MakeWorkers(opts.threads)),
        acceptor(workers[0]->ioc),
        signals(workers[0]->ioc),
        credentials(std::move(creds)),
        verifier(
            [this](std::string_view id) -> std::optional<std::string> {
              if (id == credentials.access_key_id) return credentials.secret_access_key;
              return std::nullopt;
            },
            auth::SigV4Verifier::Options::Defaults()),
        s3(store, opts.region) {}

  awaitable<void> Accept();
  void BeginShutdown();
  void WaitForIdleThenStop(std::shared_ptr<asio::steady_timer> timer, std::chrono::steady_clock::time_point deadline);

  int ActiveRequests() const {
    int total = 0;
    for (const auto& worker : workers) total += worker->active_requests.load();
    return total;
  }

  ServerOptions options;
  std::vector<std::unique_ptr<Worker>> workers;  // workers[0] also runs the acceptor and the signal handler
  tcp::acceptor acceptor;
  asio::signal_set signals;
  auth::Credentials credentials;
  auth::SigV4Verifier verifier;
  S3Handlers s3;
  std::vector<JsonRoute> json_routes;
  std::atomic<bool> stopping{false};
  uint16_t port = 0;
};

namespace {

// One keep-alive connection: reads requests one after another and answers each.
class Connection final : public S3Exchange, public TimedConnection {
 public:
  Connection(Server::Impl& server, Worker& worker, tcp::socket socket)
      : server_(server), worker_(worker), socket_(std::move(socket)) {
    worker_.Link(this);
    // Room for a whole small request (a signed Predict is about 1 KiB): one read per request.
    buffer_.reserve(kReadBufferBytes);
  }
  ~Connection() override { Worker::Unlink(this); }

  awaitable<void> Run() {
    try {
      while (co_await HandleOne()) {
      }
    } catch (const std::exception& e) {
      spdlog::error("connection error: {}", e.what());
    }
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  void Expire() override {
    timed_out_ = true;
    deadline = std::chrono::steady_clock::time_point::max();
    beast::error_code ec;
    socket_.close(ec);
  }

  const S3Request& request() const override { return s3_request_; }
  std::optional<uint64_t> body_length() const override {
    if (decoded_length_.has_value()) return decoded_length_;
    if (chunked_) return std::nullopt;
    if (auto length = parser_->content_length()) return *length;
    return std::nullopt;
  }

  awaitable<Result<size_t>> ReadBody(char* buffer, size_t size) override {
    if (body_done_) co_return size_t{0};
    if (size == 0) co_return size_t{0};
    if (expect_continue_ && !continue_sent_) co_await SendContinueIfNeeded();
    if (chunked_) {
      while (decoded_pos_ == decoded_.size()) {
        decoded_.clear();
        decoded_pos_ = 0;
        if (parser_->is_done()) {
          Status finished = chunked_->Finish();
          if (!finished.ok()) co_return finished;
          Status verified = VerifyDigests();
          if (!verified.ok()) co_return verified;
          body_done_ = true;
          co_return size_t{0};
        }
        if (raw_.empty()) raw_.resize(kRawBufferBytes);
        Result<size_t> n = co_await ReadRaw(raw_.data(), raw_.size());
        if (!n.ok()) co_return n.status();
        if (sha256_) sha256_->Update(std::string_view(raw_.data(), *n));
        Status fed = chunked_->Feed(std::string_view(raw_.data(), *n), &decoded_);
        if (!fed.ok()) co_return fed;
      }
      size_t n = std::min(size, decoded_.size() - decoded_pos_);
      std::memcpy(buffer, decoded_.data() + decoded_pos_, n);
      decoded_pos_ += n;
      UpdateDigests(std::string_view(buffer, n), /*wire=*/false);
      co_return n;
    }
    Result<size_t> n = co_await ReadRaw(buffer, size);
    if (!n.ok()) co_return n.status();
    if (*n == 0) {
      Status verified = VerifyDigests();
      if (!verified.ok()) co_return verified;
      body_done_ = true;
      co_return size_t{0};
    }
    UpdateDigests(std::string_view(buffer, *n), /*wire=*/true);
    co_return *n;
  }

 private:
  // Read and answer one request; false when the connection should close.
  awaitable<bool> HandleOne() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(kMaxS3BodyBytes);
    ResetBodyState();
    beast::error_code ec;
    Arm();
    co_await bhttp::async_read_header(socket_, buffer_, *parser_, asio::redirect_error(asio::use_awaitable, ec));
    Settle(ec);
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        co_await WriteSimple(431, "text/plain", "request header too large\n", false);
      } else if (ec != bhttp::error::end_of_stream && ec != asio::error::eof && ec != beast::error::timeout &&
                 ec != asio::error::operation_aborted && ec != asio::error::connection_reset) {
        co_await WriteSimple(400, "text/plain", "bad request\n", false);
      }
      co_return false;
    }
    worker_.active_requests.fetch_add(1, std::memory_order_relaxed);
    struct Done {
      std::atomic<int>& count;
      ~Done() { count.fetch_sub(1, std::memory_order_release); }
    } done{worker_.active_requests};

    auto started = std::chrono::steady_clock::now();
    auto& req = parser_->get();
    // The per-request strings and header vector keep their capacity: no allocation once the connection is warm.
    beast::string_view method_string = req.method_string();
    method_.assign(method_string.data(), method_string.size());
    std::string_view target(req.target().data(), req.target().size());
    size_t question = target.find('?');
    path_.assign(target.substr(0, question));
    if (question == std::string_view::npos) {
      query_.clear();
    } else {
      query_.assign(target.substr(question + 1));
    }
    size_t header_count = 0;
    for (const auto& field : req) {
      if (header_count == headers_.size()) headers_.emplace_back();
      auth::Header& header = headers_[header_count++];
      beast::string_view name = field.name_string(), value = field.value();
      header.name.assign(name.data(), name.size());
      header.value.assign(value.data(), value.size());
    }
    headers_.resize(header_count);
    NewRequestId(&request_id_);
    access_key_id_.clear();
    bytes_in_ = bytes_out_ = 0;
    keep_alive_ = req.keep_alive() && !server_.stopping.load();
    auto expect = req[bhttp::field::expect];
    expect_continue_ = beast::iequals(expect, "100-continue");

    int status = 0;
    if (method_ == "GET" && path_ == "/healthz") {
      status = 200;
      co_await WriteSimple(200, "text/plain", "ok\n", keep_alive_);
    } else if ((method_ == "GET" || method_ == "HEAD") && !server_.options.console_dir.empty() &&
               (path_ == console::kConsolePrefix || path_.starts_with("/console/"))) {
      status = co_await HandleConsole();
    } else if (method_ == "POST" && path_ == "/" && auth::FindHeader(headers_, "x-amz-target") != nullptr) {
      status = co_await HandleJson();
    } else {
      status = co_await HandleS3();
    }

    // A body the handler did not read: drain a small one to keep the connection, else close it.
    if (keep_alive_ && !parser_->is_done()) keep_alive_ = co_await DrainBody();

    if (spdlog::should_log(spdlog::level::info)) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      std::string_view access_key = access_key_id_.empty() ? std::string_view("-") : std::string_view(access_key_id_);
      spdlog::info("request method={} path={} status={} bytes_in={} bytes_out={} ms={:.1f} access_key={} id={}",
                   method_, path_, status, bytes_in_, bytes_out_, ms, access_key, request_id_);
    }
    if (json_body_.capacity() > kMaxKeptJsonBodyBytes) std::string().swap(json_body_);
    co_return keep_alive_;
  }

  awaitable<int> HandleJson() {
    std::string_view target = auth::FindHeader(headers_, "x-amz-target")->value;
    const JsonRoute* route = nullptr;
    for (const JsonRoute& candidate : server_.json_routes) {
      if (target.size() > candidate.prefix.size() && target.starts_with(candidate.prefix) &&
          target[candidate.prefix.size()] == '.') {
        route = &candidate;
      }
    }
    if (route == nullptr) {
      std::string message = "unknown operation " + std::string(target);
      Status unknown = S3Status(absl::StatusCode::kInvalidArgument, "UnknownOperationException", message);
      co_return co_await WriteJsonError(unknown);
    }
    if (auto length = parser_->content_length(); length && *length > server_.options.max_json_body_bytes) {
      keep_alive_ = false;
      co_return co_await WriteJsonError(S3Status(absl::StatusCode::kInvalidArgument, "SerializationException",
                                                 "request body larger than the limit of 16 MiB"));
    }
    parser_->body_limit(server_.options.max_json_body_bytes);
    std::string& body = json_body_;
    body.clear();
    // The read buffer lives with the connection: no 64 KiB allocation and zeroing per request (real-time Predict).
    if (json_chunk_.empty()) json_chunk_.resize(64 * 1024);
    std::vector<char>& chunk = json_chunk_;
    // Coroutine calls cost a frame allocation each: the common case (the whole body came with the header, no
    // Expect: 100-continue) is handled here without one.
    if (expect_continue_ && !continue_sent_) co_await SendContinueIfNeeded();
    while (true) {
      beast::error_code buffered_ec;
      size_t buffered = ParseBuffered(chunk.data(), chunk.size(), buffered_ec);
      if (!buffered_ec && buffered > 0) {
        body.append(chunk.data(), buffered);
        continue;
      }
      Result<size_t> n = size_t{0};
      if (buffered_ec) {
        n = BodyReadError(buffered_ec);
      } else if (!parser_->is_done()) {
        n = co_await ReadRaw(chunk.data(), chunk.size());
      }
      if (!n.ok()) {
        keep_alive_ = false;
        co_return co_await WriteJsonError(
            S3Status(absl::StatusCode::kInvalidArgument, "SerializationException", std::string(n.status().message())));
      }
      if (*n == 0) break;
      body.append(chunk.data(), *n);
    }
    auth::RequestView view{method_, path_, query_, &headers_};
    auto context = server_.verifier.Verify(
        view, auth::VerifyOptions{route->service, auth::UriMode::kNormalized, BodySha256Hex(body)});
    if (!context.ok()) {
      spdlog::warn("authentication failed api=json target={} code={} id={}", target, CodeOf(context.status()),
                   request_id_);
      co_return co_await WriteJsonError(context.status());
    }
    access_key_id_ = context->access_key_id;
    const auth::Header* host_header = auth::FindHeader(headers_, "host");
    std::string_view host = host_header != nullptr ? std::string_view(host_header->value) : std::string_view();
    ApiRequest api_request{target, body, access_key_id_, request_id_, host};
    ApiResponse api_response;
    bool threw = false;
    try {
      api_response = route->handler(api_request);
    } catch (const std::exception& e) {
      spdlog::error("json api handler threw target={} id={}: {}", target, request_id_, e.what());
      threw = true;
    }
    if (threw) co_return co_await WriteJsonError(absl::InternalError("InternalServerException: internal error"));
    // WriteSimple() inlined (one coroutine frame less per request).
    std::array<asio::const_buffer, 2> buffers =
        PrepareSimple(api_response.status, api_response.content_type, api_response.body, keep_alive_);
    beast::error_code ec;
    Arm();
    co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    Settle(ec);
    if (ec) keep_alive_ = false;
    co_return api_response.status;
  }

  // The console's static files need no signature: they hold no data, and the pages sign every API call.
  awaitable<int> HandleConsole() {
    // No temporaries or conditionals inside co_await arguments: GCC 12 destroys such temporaries twice.
    Result<console::ConsoleAsset> asset = console::FindConsoleAsset(server_.options.console_dir, path_);
    Status status = asset.status();
    std::string body;
    if (asset.ok()) {
      Result<std::string> bytes = console::ReadConsoleAsset(*asset);
      status = bytes.status();
      if (bytes.ok() && method_ != "HEAD") body = std::move(*bytes);
    }
    if (!status.ok()) {
      int code = absl::IsInvalidArgument(status) ? 400 : 404;
      std::string message = std::string(status.message()) + "\n";
      co_await WriteSimple(code, "text/plain", std::move(message), keep_alive_);
      co_return code;
    }
    std::string content_type = asset->content_type;
    std::string cache_control = asset->cache_control;
    co_await WriteSimple(200, content_type, std::move(body), keep_alive_, cache_control);
    co_return 200;
  }

  awaitable<int> WriteJsonError(const Status& status) {
    AwsError error = ToJsonError(status);
    co_await WriteSimple(error.http_status, "application/x-amz-json-1.1", JsonErrorBody(error), keep_alive_);
    co_return error.http_status;
  }

  awaitable<int> HandleS3() {
    auth::RequestView view{method_, path_, query_, &headers_};
    s3_request_ = S3Request{};
    s3_request_.method = method_;
    s3_request_.raw_path = path_;
    s3_request_.headers = &headers_;
    s3_request_.request_id = request_id_;
    bool head = method_ == "HEAD";

    auto fail = [&](const Status& status) -> awaitable<int> {
      S3Response response = S3Handlers::ErrorResponse(status, s3_request_);
      int code = response.status;
      co_await WriteResponse(response, head);
      co_return code;
    };

    std::string host(auth::FindHeader(headers_, "host") ? auth::FindHeader(headers_, "host")->value : "");
    auto target = ParseS3Target(host, path_, server_.options.virtual_host_bases);
    if (!target.ok()) co_return co_await fail(target.status());
    s3_request_.target = std::move(*target);
    auto query = ParseQuery(query_);
    if (!query.ok()) co_return co_await fail(query.status());
    s3_request_.query = std::move(*query);

    auto context = server_.verifier.Verify(view, auth::VerifyOptions{"s3", auth::UriMode::kS3, std::nullopt});
    if (!context.ok()) {
      spdlog::warn("authentication failed api=s3 method={} path={} code={} id={}", method_, path_,
                   CodeOf(context.status()), request_id_);
      co_return co_await fail(context.status());
    }
    access_key_id_ = context->access_key_id;
    s3_request_.access_key_id = access_key_id_;
    Status prepared = PrepareBody(*context);
    if (!prepared.ok()) co_return co_await fail(prepared);

    S3Response response = co_await server_.s3.Handle(*this);
    int code = response.status;
    co_await WriteResponse(response, head);
    co_return code;
  }

  // Set up aws-chunked decoding and the digests the body must match.
  Status PrepareBody(const auth::AuthContext& context) {
    const std::string& payload_hash = context.payload_hash;
    if (payload_hash.starts_with("STREAMING-")) {
      auto options = auth::AwsChunkedDecoder::OptionsFor(payload_hash, context);
      if (!options.ok()) return options.status();
      if (const auth::Header* trailer = auth::FindHeader(headers_, "x-amz-trailer")) {
        options->announced_trailer = trailer->value;
      }
      if (const auth::Header* decoded = auth::FindHeader(headers_, "x-amz-decoded-content-length")) {
        uint64_t length = 0;
        auto [end, ec] = std::from_chars(decoded->value.data(), decoded->value.data() + decoded->value.size(), length);
        if (ec != std::errc() || end != decoded->value.data() + decoded->value.size()) {
          return S3Status(absl::StatusCode::kInvalidArgument, "InvalidArgument",
                          "x-amz-decoded-content-length is not a number");
        }
        options->decoded_length = length;
        decoded_length_ = length;
      }
      chunked_ = std::make_unique<auth::AwsChunkedDecoder>(std::move(*options));
    } else {
      if (IsHex64(payload_hash)) {
        // The hash covers the wire bytes (for an aws-chunked body: the framing included).
        expected_sha256_ = Lower(payload_hash);
        sha256_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kSha256);
      }
      const auth::Header* encoding = auth::FindHeader(headers_, "content-encoding");
      if (encoding != nullptr && Lower(encoding->value).find("aws-chunked") != std::string::npos) {
        // aws-chunked framing with a signed (or unsigned) whole-payload hash: unsigned chunks, maybe a trailer.
        auth::AwsChunkedDecoder::Options options;
        const auth::Header* trailer = auth::FindHeader(headers_, "x-amz-trailer");
        options.has_trailer = trailer != nullptr;
        if (trailer != nullptr) options.announced_trailer = trailer->value;
        chunked_ = std::make_unique<auth::AwsChunkedDecoder>(std::move(options));
      }
    }
    if (const auth::Header* md5 = auth::FindHeader(headers_, "content-md5")) {
      std::string raw;
      if (!crypto::Base64Decode(md5->value, &raw) || raw.size() != 16) {
        return S3Status(absl::StatusCode::kInvalidArgument, "InvalidDigest",
                        "The Content-MD5 you specified was invalid.");
      }
      expected_md5_ = raw;
      md5_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kMd5);
    }
    for (const auth::Header& header : headers_) {
      if (auto algorithm = auth::ChecksumAlgorithmFromHeader(header.name)) {
        expected_checksum_ = std::make_pair(Lower(header.name), header.value);
        checksum_ = std::make_unique<auth::BodyChecksum>(*algorithm);
        break;
      }
    }
    return absl::OkStatus();
  }

  void UpdateDigests(std::string_view data, bool wire) {
    if (wire && sha256_) sha256_->Update(data);
    if (md5_) md5_->Update(data);
    if (checksum_) checksum_->Update(data);
  }

  Status VerifyDigests() {
    if (sha256_ && crypto::HexEncode(sha256_->Finish()) != *expected_sha256_) {
      return S3Status(absl::StatusCode::kInvalidArgument, "XAmzContentSHA256Mismatch",
                      "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    if (md5_ && md5_->Finish() != *expected_md5_) {
      return S3Status(absl::StatusCode::kInvalidArgument, "BadDigest",
                      "The Content-MD5 you specified did not match what we received.");
    }
    if (checksum_ && checksum_->FinishBase64() != expected_checksum_->second) {
      return S3Status(absl::StatusCode::kInvalidArgument, "BadDigest",
                      "The " + expected_checksum_->first + " you specified did not match the calculated checksum.");
    }
    sha256_.reset();
    md5_.reset();
    checksum_.reset();
    return absl::OkStatus();
  }

  void ResetBodyState() {
    body_done_ = false;
    continue_sent_ = false;
    chunked_.reset();
    decoded_.clear();
    decoded_pos_ = 0;
    expected_sha256_.reset();
    sha256_.reset();
    expected_md5_.reset();
    md5_.reset();
    expected_checksum_.reset();
    checksum_.reset();
    decoded_length_.reset();
  }

  // Read raw (wire) body bytes; 0 at the end of the message.
  // Body bytes already in the read buffer (all of a small body arrives with its header), parsed into `buffer`
  // without a socket operation: what Beast's read does first, minus its completion through the scheduler.
  // Returns the body bytes produced (0: none buffered, or more must be read); `ec` as Beast's read reports it.
  size_t ParseBuffered(char* buffer, size_t size, beast::error_code& ec) {
    if (buffer_.size() == 0 || parser_->is_done()) return 0;
    auto& body = parser_->get().body();
    body.data = buffer;
    body.size = size;
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more || ec == bhttp::error::need_buffer) ec = {};
    size_t got = size - body.size;
    bytes_in_ += got;
    return got;
  }

  // A failed body read, as the error the client is told; the connection is not reused.
  Status BodyReadError(const beast::error_code& ec) {
    keep_alive_ = false;
    if (ec == bhttp::error::body_limit) {
      return S3Status(absl::StatusCode::kInvalidArgument, "EntityTooLarge",
                      "Your proposed upload exceeds the maximum allowed size");
    }
    if (ec == beast::error::timeout) {
      return S3Status(absl::StatusCode::kDeadlineExceeded, "RequestTimeout",
                      "Your socket connection to the server was not read from or written to within the timeout "
                      "period.");
    }
    return S3Status(absl::StatusCode::kInvalidArgument, "IncompleteBody",
                    "You did not provide the number of bytes specified by the Content-Length HTTP header: " +
                        ec.message());
  }

  // Read raw (wire) body bytes; 0 at the end of the message.
  awaitable<Result<size_t>> ReadRaw(char* buffer, size_t size) {
    while (!parser_->is_done()) {
      beast::error_code ec;
      size_t got = ParseBuffered(buffer, size, ec);
      if (!ec && got == 0 && !parser_->is_done()) {
        auto& body = parser_->get().body();
        body.data = buffer;
        body.size = size;
        Arm();
        co_await bhttp::async_read(socket_, buffer_, *parser_, asio::redirect_error(asio::use_awaitable, ec));
        Settle(ec);
        if (ec == bhttp::error::need_buffer) ec = {};
        got = size - parser_->get().body().size;
        bytes_in_ += got;
      }
      if (ec) {
        Status error = BodyReadError(ec);
        co_return error;
      }
      if (got > 0) co_return got;
    }
    co_return size_t{0};
  }

  awaitable<void> SendContinueIfNeeded() {
    if (!expect_continue_ || continue_sent_) co_return;
    continue_sent_ = true;
    bhttp::response<bhttp::empty_body> response{bhttp::status::continue_, 11};
    beast::error_code ec;
    Arm();
    co_await bhttp::async_write(socket_, response, asio::redirect_error(asio::use_awaitable, ec));
    Settle(ec);
  }

  awaitable<bool> DrainBody() {
    if (expect_continue_ && !continue_sent_) co_return false;  // the client waits for us and sends nothing
    auto length = parser_->content_length();
    if (!length || *length > kMaxDrainBytes) co_return false;
    std::vector<char> sink(64 * 1024);
    while (!parser_->is_done()) {
      Result<size_t> n = co_await ReadRaw(sink.data(), sink.size());
      if (!n.ok()) co_return false;
    }
    co_return true;
  }

  template <class Response>
  void AddCommonHeaders(Response& response) {
    response.set(bhttp::field::server, "openaml");
    response.set("x-amz-request-id", request_id_);
    response.set("x-amzn-RequestId", request_id_);
    response.set("x-amz-id-2", request_id_);
    std::string_view date = CachedHttpDate();
    response.set(bhttp::field::date, beast::string_view(date.data(), date.size()));
  }

  // Socket operations must each finish within the idle timeout; the worker's sweep closes the socket of one
  // that does not (a second's granularity, so no timer is set and cancelled per operation).
  void Arm() { deadline = std::chrono::steady_clock::now() + server_.options.idle_timeout; }
  // After a socket operation: disarm, and report an operation the sweep cut short as beast::error::timeout.
  void Settle(beast::error_code& ec) {
    deadline = std::chrono::steady_clock::time_point::max();
    if (ec && timed_out_) ec = beast::error::timeout;
  }

  // WriteSimple's response head, formatted into a buffer the connection keeps: head and body then leave in one
  // writev, and the answers of the JSON APIs (real-time Predict) cost no allocation here. The bytes Beast's
  // serializer would send for the same response.
  void FormatSimpleHead(int status, std::string_view content_type, std::string_view cache_control, size_t body_size,
                        bool keep_alive) {
    std::string& head = head_;
    head.clear();
    char digits[24];
    head.append("HTTP/1.1 ");
    head.append(digits, std::to_chars(digits, digits + sizeof(digits), status).ptr);
    head.push_back(' ');
    beast::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    head.append(reason.data(), reason.size());
    head.append("\r\n");
    AppendHeader(&head, "Server", "openaml");
    AppendHeader(&head, "x-amz-request-id", request_id_);
    AppendHeader(&head, "x-amzn-RequestId", request_id_);
    AppendHeader(&head, "x-amz-id-2", request_id_);
    AppendHeader(&head, "Date", CachedHttpDate());
    AppendHeader(&head, "Content-Type", content_type);
    if (!cache_control.empty()) AppendHeader(&head, "Cache-Control", cache_control);
    // As Beast's prepare_payload(): no Content-Length on 1xx, 204 and 304 (which carry no body).
    if (!(status / 100 == 1 || status == 204 || status == 304)) {
      char* end = std::to_chars(digits, digits + sizeof(digits), body_size).ptr;
      AppendHeader(&head, "Content-Length", std::string_view(digits, end - digits));
    }
    if (!keep_alive) AppendHeader(&head, "Connection", "close");
    head.append("\r\n");
  }

  // The buffers of a simple response (head_ formatted, then `body`, which must outlive the write).
  std::array<asio::const_buffer, 2> PrepareSimple(int status, std::string_view content_type, const std::string& body,
                                                  bool keep_alive, std::string_view cache_control = {}) {
    FormatSimpleHead(status, content_type, cache_control, body.size(), keep_alive);
    bytes_out_ += body.size();
    return {asio::buffer(head_), asio::buffer(body)};
  }

  awaitable<void> WriteSimple(int status, std::string_view content_type, std::string body, bool keep_alive,
                              std::string_view cache_control = {}) {
    std::array<asio::const_buffer, 2> buffers = PrepareSimple(status, content_type, body, keep_alive, cache_control);
    beast::error_code ec;
    Arm();
    co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    Settle(ec);
    if (ec) keep_alive_ = false;
  }

  awaitable<void> WriteResponse(S3Response& s3_response, bool head) {
    if (!parser_->is_done() && !body_done_) {
      // An unread body: the connection survives only if DrainBody() can consume it afterwards.
      auto length = parser_->content_length();
      if ((expect_continue_ && !continue_sent_) || !length || *length > kMaxDrainBytes) keep_alive_ = false;
    }
    beast::error_code ec;
    if (head || s3_response.headers_only) {
      bhttp::response<bhttp::empty_body> response{static_cast<bhttp::status>(s3_response.status), 11};
      AddCommonHeaders(response);
      for (const auto& [name, value] : s3_response.headers) response.set(name, value);
      response.keep_alive(keep_alive_);
      response.content_length(s3_response.headers_only ? s3_response.stream_length : 0);
      bhttp::response_serializer<bhttp::empty_body> serializer{response};
      Arm();
      co_await bhttp::async_write_header(socket_, serializer, asio::redirect_error(asio::use_awaitable, ec));
      Settle(ec);
      if (ec) keep_alive_ = false;
      co_return;
    }
    if (!s3_response.stream) {
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(s3_response.status), 11};
      AddCommonHeaders(response);
      for (const auto& [name, value] : s3_response.headers) response.set(name, value);
      response.body() = std::move(s3_response.body);
      response.keep_alive(keep_alive_);
      response.prepare_payload();
      bytes_out_ += response.body().size();
      Arm();
      co_await bhttp::async_write(socket_, response, asio::redirect_error(asio::use_awaitable, ec));
      Settle(ec);
      if (ec) keep_alive_ = false;
      co_return;
    }
    // Stream the object from the store through one buffer.
    bhttp::response<bhttp::buffer_body> response{static_cast<bhttp::status>(s3_response.status), 11};
    AddCommonHeaders(response);
    for (const auto& [name, value] : s3_response.headers) response.set(name, value);
    response.keep_alive(keep_alive_);
    response.content_length(s3_response.stream_length);
    response.body().data = nullptr;
    response.body().more = true;
    bhttp::response_serializer<bhttp::buffer_body> serializer{response};
    Arm();
    co_await bhttp::async_write_header(socket_, serializer, asio::redirect_error(asio::use_awaitable, ec));
    Settle(ec);
    if (ec) {
      keep_alive_ = false;
      co_return;
    }
    std::vector<char> buffer(kRawBufferBytes);
    uint64_t remaining = s3_response.stream_length;
    while (remaining > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(remaining, buffer.size()));
      Result<size_t> n = s3_response.stream->Read(buffer.data(), want);
      if (!n.ok() || *n == 0) {
        // Headers are gone: the only honest signal left is to cut the connection short.
        spdlog::error("object read failed mid-response id={}: {}", request_id_,
                      n.ok() ? "unexpected end of object" : n.status().ToString());
        keep_alive_ = false;
        co_return;
      }
      response.body().data = buffer.data();
      response.body().size = *n;
      response.body().more = true;
      Arm();
      co_await bhttp::async_write(socket_, serializer, asio::redirect_error(asio::use_awaitable, ec));
      Settle(ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        keep_alive_ = false;
        co_return;
      }
      bytes_out_ += *n;
      remaining -= *n;
    }
    response.body().data = nullptr;
    response.body().size = 0;
    response.body().more = false;
    Arm();
    co_await bhttp::async_write(socket_, serializer, asio::redirect_error(asio::use_awaitable, ec));
    Settle(ec);
    if (ec) keep_alive_ = false;
  }

  Server::Impl& server_;
  Worker& worker_;
  tcp::socket socket_;
  bool timed_out_ = false;  // the worker's sweep closed the socket
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;

  std::string method_, path_, query_, request_id_, access_key_id_;
  std::string head_;       // WriteSimple's response head
  std::string json_body_;  // HandleJson's request body
  auth::Headers headers_;
  S3Request s3_request_;
  bool keep_alive_ = false;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;

  // Body state of the current request.
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool body_done_ = false;
  std::unique_ptr<auth::AwsChunkedDecoder> chunked_;
  std::vector<char> raw_;
  std::vector<char> json_chunk_;  // HandleJson's read buffer, allocated on first use
  std::string decoded_;
  size_t decoded_pos_ = 0;
  std::optional<uint64_t> decoded_length_;
  std::optional<std::string> expected_sha256_;
  std::unique_ptr<crypto::StreamingDigest> sha256_;
  std::optional<std::string> expected_md5_;
  std::unique_ptr<crypto::StreamingDigest> md5_;
  std::optional<std::pair<std::string, std::string>> expected_checksum_;
  std::unique_ptr<auth::BodyChecksum> checksum_;
};

awaitable<void> RunConnection(Server::Impl* server, Worker* worker, tcp::socket socket) {
  Connection connection(*server, *worker, std::move(socket));
  co_await connection.Run();
}

}  // namespace

awaitable<void> Server::Impl::Accept() {
  size_t next_worker = 0;
  while (!stopping.load()) {
    // Connections go to the workers in turn; each stays on its worker's thread until it closes.
    Worker* worker = workers[next_worker++ % workers.size()].get();
    tcp::socket socket(worker->ioc);
    beast::error_code ec;
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping.load() || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(worker->ioc, RunConnection(this, worker, std::move(socket)), asio::detached);
  }
}

void Server::Impl::BeginShutdown() {
  if (stopping.exchange(true)) return;
  spdlog::info("shutting down: waiting for {} in-flight request(s)", ActiveRequests());
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  auto timer = std::make_shared<asio::steady_timer>(workers[0]->ioc);
  WaitForIdleThenStop(timer, std::chrono::steady_clock::now() + options.shutdown_grace);
}

void Server::Impl::WaitForIdleThenStop(std::shared_ptr<asio::steady_timer> timer,
                                       std::chrono::steady_clock::time_point deadline) {
  if (ActiveRequests() == 0 || std::chrono::steady_clock::now() >= deadline) {
    for (auto& worker : workers) worker->ioc.stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(50));
  timer->async_wait([this, timer, deadline](const beast::error_code&) { WaitForIdleThenStop(timer, deadline); });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Make(const ServerOptions& options, auth::Credentials credentials,
                                             storage::ObjectStore& store) {
  ServerOptions resolved = options;
  if (resolved.threads <= 0) resolved.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto impl = std::make_unique<Impl>(resolved, std::move(credentials), store);
  beast::error_code ec;
  auto address = asio::ip::make_address(resolved.host, ec);
  if (ec) return absl::InvalidArgumentError("listen address '" + resolved.host + "' is not an IP address");
  tcp::endpoint endpoint(address, resolved.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError("cannot listen on " + resolved.host + ":" + std::to_string(resolved.port) + ": " +
                                  ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::RegisterJsonApi(std::string target_prefix, JsonApiHandler handler, std::string signing_service) {
  impl_->json_routes.push_back({std::move(target_prefix), std::move(handler), std::move(signing_service)});
}

uint16_t Server::port() const { return impl_->port; }

Status Server::Run() {
  Impl& impl = *impl_;
  if (impl.options.handle_signals) {
    impl.signals.add(SIGINT);
    impl.signals.add(SIGTERM);
    impl.signals.async_wait([&impl](const beast::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("received signal {}", signal);
      impl.BeginShutdown();
    });
  }
  asio::co_spawn(impl.workers[0]->ioc, impl.Accept(), asio::detached);
  for (auto& worker : impl.workers) worker->Sweep();  // also keeps each worker's run() going until stop()
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl.workers.size(); ++i) {
    threads.emplace_back([worker = impl.workers[i].get()] { worker->ioc.run(); });
  }
  impl.workers[0]->ioc.run();
  for (std::thread& thread : threads) thread.join();
  spdlog::info("server stopped");
  return absl::OkStatus();
}

void Server::Stop() {
  asio::post(impl_->workers[0]->ioc, [impl = impl_.get()] { impl->BeginShutdown(); });
}

}  // namespace openaml::http
