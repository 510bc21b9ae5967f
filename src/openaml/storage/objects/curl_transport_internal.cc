#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/curl_transport_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "openaml/storage/objects/fs_internal.h"
#include "openaml/storage/objects/text_internal.h"

namespace openaml::storage::internal {
namespace {

std::once_flag curl_init_once;

void EnsureCurlInitialised() {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

/// What the callbacks of one transfer share: the request body being sent and the response head being parsed.
struct CallbackContext {
  const HttpRequest* request = nullptr;
  uint64_t body_sent = 0;
  HttpResponse* response = nullptr;
  bool headers_complete = false;
  Status body_error;  // set by the read callback when the body file cannot be read
};

size_t ReadBodyCallback(char* buffer, size_t size, size_t count, void* user) {
  auto* context = static_cast<CallbackContext*>(user);
  const HttpRequest& request = *context->request;
  uint64_t total = request.body_fd >= 0 ? request.body_length : request.body.size();
  size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, total - context->body_sent));
  if (want == 0) return 0;
  if (request.body_fd < 0) {
    std::memcpy(buffer, request.body.data() + context->body_sent, want);
  } else {
    auto got = PreadFull(request.body_fd, buffer, want, request.body_offset + context->body_sent);
    if (!got.ok() || *got != want) {
      context->body_error = got.ok() ? absl::DataLossError("upload body file shorter than expected") : got.status();
      return CURL_READFUNC_ABORT;
    }
  }
  context->body_sent += want;
  return want;
}

size_t HeaderCallback(char* data, size_t size, size_t count, void* user) {
  auto* context = static_cast<CallbackContext*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line (after an interim 1xx response, too): start over.
    context->response->headers.clear();
    size_t space = line.find(' ');
    long status = 0;
    if (space != std::string_view::npos) ParseInt(line.substr(space + 1, 3), &status);
    context->response->status = status;
    return line.size();
  }
  std::string trimmed = Trim(line);
  if (trimmed.empty()) {
    if (context->response->status >= 200) context->headers_complete = true;
    return line.size();
  }
  size_t colon = trimmed.find(':');
  if (colon != std::string::npos) {
    std::string name = trimmed.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    context->response->headers.emplace_back(std::move(name), Trim(std::string_view(trimmed).substr(colon + 1)));
  }
  return line.size();
}

/// Configure `easy` for `request`. The returned header list must outlive the transfer.
Result<curl_slist*> SetUpEasy(CURL* easy, CurlShare& share, const HttpRequest& request, CallbackContext* context,
                              char* error_buffer) {
  curl_easy_setopt(easy, CURLOPT_SHARE, share.handle());
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);  // keys like "a/../b" must reach the server unchanged
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, static_cast<long>(request.connect_timeout_seconds));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.stall_timeout_seconds));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, HeaderCallback);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, context);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  bool has_body = request.body_fd >= 0 || !request.body.empty() || request.method == "PUT" || request.method == "POST";
  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    uint64_t length = request.body_fd >= 0 ? request.body_length : request.body.size();
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, ReadBodyCallback);
    curl_easy_setopt(easy, CURLOPT_READDATA, context);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* list = nullptr;
  auto append = [&list](const std::string& line) -> bool {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) return false;
    list = next;
    return true;
  };
  bool ok = append("Expect:") && append("Accept:");  // no 100-continue round trip; no unsigned extras
  for (const auth::Header& header : request.headers) {
    // A header with an empty value needs curl's "Name;" form, or curl would drop it.
    ok = ok && append(header.value.empty() ? StrCat(header.name, ";") : StrCat(header.name, ": ", header.value));
  }
  if (!ok) {
    curl_slist_free_all(list);
    return absl::ResourceExhaustedError("out of memory building request headers");
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  return list;
}

Status TransferStatus(CURLcode code, const char* error_buffer, const CallbackContext& context,
                      const HttpRequest& request) {
  if (code == CURLE_OK) return absl::OkStatus();
  if (!context.body_error.ok()) return context.body_error;
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  std::string message = StrCat("external S3 ", request.method, " failed: ", detail);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

struct WriteToString {
  std::string* body;
  size_t max_body;
  bool overflow = false;
};

size_t WriteStringCallback(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<WriteToString*>(user);
  size_t n = size * count;
  if (sink->body->size() + n > sink->max_body) {
    sink->overflow = true;
    return 0;  // aborts the transfer
  }
  sink->body->append(data, n);
  return n;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------------
// CurlShare

Result<std::unique_ptr<CurlShare>> CurlShare::Make() {
  EnsureCurlInitialised();
  std::unique_ptr<CurlShare> share(new CurlShare());
  share->share_ = curl_share_init();
  if (share->share_ == nullptr) return absl::InternalError("curl_share_init failed");
  curl_share_setopt(share->share_, CURLSHOPT_LOCKFUNC, &CurlShare::Lock);
  curl_share_setopt(share->share_, CURLSHOPT_UNLOCKFUNC, &CurlShare::Unlock);
  curl_share_setopt(share->share_, CURLSHOPT_USERDATA, share.get());
  curl_share_setopt(share->share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share->share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(share->share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  return share;
}

CurlShare::~CurlShare() {
  if (share_ != nullptr) curl_share_cleanup(share_);
}

void CurlShare::Lock(void*, int data, int, void* user) {
  static_cast<CurlShare*>(user)->mutexes_[static_cast<size_t>(data) % 8].lock();
}

void CurlShare::Unlock(void*, int data, void* user) {
  static_cast<CurlShare*>(user)->mutexes_[static_cast<size_t>(data) % 8].unlock();
}

// ---------------------------------------------------------------------------------------------------------------
// One-shot requests

Result<HttpResponse> PerformRequest(CurlShare& share, const HttpRequest& request, size_t max_body) {
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return absl::InternalError("curl_easy_init failed");
  HttpResponse response;
  CallbackContext context;
  context.request = &request;
  context.response = &response;
  WriteToString sink{&response.body, max_body};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  auto headers = SetUpEasy(easy, share, request, &context, error_buffer);
  if (!headers.ok()) {
    curl_easy_cleanup(easy);
    return headers.status();
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, WriteStringCallback);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
  CURLcode code = curl_easy_perform(easy);
  curl_easy_cleanup(easy);
  curl_slist_free_all(*headers);
  if (sink.overflow) {
    return absl::InternalError(StrCat("external S3 ", request.method, ": response body larger than ", max_body, " bytes"));
  }
  OPENAML_RETURN_IF_ERROR(TransferStatus(code, error_buffer, context, request));
  return response;
}

// ---------------------------------------------------------------------------------------------------------------
// Streamed responses: the multi interface drives one transfer from Read(), pausing it while the buffer is full.

struct HttpStream::Transfer {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  HttpRequest request;
  CallbackContext context;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  std::string buffer;
  size_t buffer_position = 0;
  bool paused = false;
  bool done = false;
  CURLcode result = CURLE_OK;

  ~Transfer() {
    if (multi != nullptr && easy != nullptr) curl_multi_remove_handle(multi, easy);
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }

  size_t Buffered() const { return buffer.size() - buffer_position; }

  static size_t Write(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    if (transfer->Buffered() >= kStreamBufferBytes) {
      transfer->paused = true;
      return CURL_WRITEFUNC_PAUSE;  // curl keeps this data and offers it again after unpausing
    }
    if (transfer->buffer_position > 0 && transfer->buffer_position == transfer->buffer.size()) {
      transfer->buffer.clear();
      transfer->buffer_position = 0;
    }
    transfer->buffer.append(data, size * count);
    return size * count;
  }
};

HttpStream::HttpStream() = default;
HttpStream::~HttpStream() = default;

Result<std::unique_ptr<HttpStream>> HttpStream::Open(CurlShare& share, const HttpRequest& request) {
  std::unique_ptr<HttpStream> stream(new HttpStream());
  stream->transfer_ = std::make_unique<Transfer>();
  Transfer& transfer = *stream->transfer_;
  transfer.request = request;
  transfer.context.request = &transfer.request;
  transfer.context.response = &stream->head_;
  transfer.easy = curl_easy_init();
  transfer.multi = curl_multi_init();
  if (transfer.easy == nullptr || transfer.multi == nullptr) return absl::InternalError("curl init failed");
  OPENAML_ASSIGN_OR_RETURN(transfer.headers,
                           SetUpEasy(transfer.easy, share, transfer.request, &transfer.context, transfer.error_buffer));
  curl_easy_setopt(transfer.easy, CURLOPT_WRITEFUNCTION, &Transfer::Write);
  curl_easy_setopt(transfer.easy, CURLOPT_WRITEDATA, &transfer);
  curl_multi_add_handle(transfer.multi, transfer.easy);
  OPENAML_RETURN_IF_ERROR(stream->Pump(/*until_headers=*/true));
  if (!transfer.context.headers_complete) {
    OPENAML_RETURN_IF_ERROR(TransferStatus(transfer.result, transfer.error_buffer, transfer.context, transfer.request));
    return absl::UnavailableError("external S3: connection closed before the response headers");
  }
  return stream;
}

Status HttpStream::Pump(bool until_headers) {
  Transfer& transfer = *transfer_;
  while (!transfer.done) {
    if (until_headers ? transfer.context.headers_complete : transfer.Buffered() > 0) return absl::OkStatus();
    if (transfer.paused) {
      transfer.paused = false;
      curl_easy_pause(transfer.easy, CURLPAUSE_CONT);  // may deliver held data through Write right away
      continue;
    }
    int running = 0;
    CURLMcode code = curl_multi_perform(transfer.multi, &running);
    if (code != CURLM_OK) return absl::InternalError(StrCat("curl_multi_perform: ", curl_multi_strerror(code)));
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(transfer.multi, &queued)) {
      if (message->msg == CURLMSG_DONE) {
        transfer.done = true;
        transfer.result = message->data.result;
      }
    }
    if (transfer.done || transfer.Buffered() > 0 || transfer.paused) continue;
    if (until_headers && transfer.context.headers_complete) continue;
    code = curl_multi_poll(transfer.multi, nullptr, 0, 1000, nullptr);
    if (code != CURLM_OK) return absl::InternalError(StrCat("curl_multi_poll: ", curl_multi_strerror(code)));
  }
  return absl::OkStatus();
}

Result<size_t> HttpStream::Read(char* buffer, size_t size) {
  Transfer& transfer = *transfer_;
  if (size == 0) return size_t{0};
  if (transfer.Buffered() == 0) {
    OPENAML_RETURN_IF_ERROR(Pump(/*until_headers=*/false));
    if (transfer.Buffered() == 0) {
      // The transfer ended: cleanly, or with an error that must not pass for end of data.
      OPENAML_RETURN_IF_ERROR(
          TransferStatus(transfer.result, transfer.error_buffer, transfer.context, transfer.request));
      return size_t{0};
    }
  }
  size_t n = std::min(size, transfer.Buffered());
  std::memcpy(buffer, transfer.buffer.data() + transfer.buffer_position, n);
  transfer.buffer_position += n;
  return n;
}

}  // namespace openaml::storage::internal
