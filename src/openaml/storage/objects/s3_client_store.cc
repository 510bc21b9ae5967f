#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/s3_client_store.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <thread>

#include "openaml/auth/sigv4.h"
#include "openaml/common/crypto.h"
#include "openaml/common/logging.h"
#include "openaml/storage/objects/curl_transport_internal.h"
#include "openaml/storage/objects/fs_internal.h"
#include "openaml/storage/objects/text_internal.h"

namespace openaml::storage {

using internal::HttpRequest;
using internal::HttpResponse;
using internal::HttpStream;
using internal::UniqueFd;
using Ptree = boost::property_tree::ptree;

namespace {

constexpr size_t kMaxXmlResponse = 32 << 20;  // a ListObjects page of 1000 long keys is a few MB at most
constexpr size_t kMaxErrorBody = 64 << 10;
constexpr int kMaxParts = 10000;
constexpr int kAttempts = 3;
constexpr std::chrono::milliseconds kFirstBackoff{100};

// ---------------------------------------------------------------------------------------------------------------
// Small parsers

Result<Ptree> ParseXml(const std::string& text) {
  Ptree tree;
  try {
    std::istringstream in(text);
    boost::property_tree::read_xml(in, tree);
  } catch (const boost::property_tree::ptree_error& e) {
    return absl::InternalError(StrCat("external S3: unreadable XML response: ", e.what()));
  }
  return tree;
}

std::string StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

/// "2024-01-31T12:34:56.789Z" -> epoch milliseconds (0 when unreadable).
int64_t ParseIso8601Ms(const std::string& text) {
  struct tm fields = {};
  int millis = 0;
  int consumed = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &fields.tm_year, &fields.tm_mon,
                             &fields.tm_mday, &fields.tm_hour, &fields.tm_min, &fields.tm_sec, &millis);
  if (consumed < 6) return 0;
  fields.tm_year -= 1900;
  fields.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&fields)) * 1000 + (consumed == 7 ? millis : 0);
}

int64_t ParseHttpDateMs(const std::optional<std::string>& text) {
  if (!text) return 0;
  auto time = auth::ParseHttpDate(*text);
  if (!time.ok()) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(time->time_since_epoch()).count();
}

/// The S3 error of a failed response: its XML <Code> and <Message> when present, else one from the HTTP status.
Status ErrorFromResponse(const HttpResponse& response, std::string_view what, std::string_view not_found_code) {
  std::string code;
  std::string message;
  if (!response.body.empty()) {
    auto tree = ParseXml(response.body);
    if (tree.ok()) {
      code = tree->get<std::string>("Error.Code", "");
      message = tree->get<std::string>("Error.Message", "");
    }
  }
  if (code.empty()) {
    switch (response.status) {
      case 404:
        code = std::string(not_found_code);
        break;
      case 403:
        code = "AccessDenied";
        break;
      case 409:
        code = "Conflict";
        break;
      case 412:
        code = "PreconditionFailed";
        break;
      case 416:
        code = "InvalidRange";
        break;
      default:
        code = response.status >= 500 ? "InternalError" : "InvalidRequest";
    }
  }
  std::string text = StrCat(code, ": ", message.empty() ? std::string("request failed") : message, " (external S3 ",
                         what, ", HTTP ", static_cast<int64_t>(response.status), ")");
  if (code == "NoSuchBucket" || code == "NoSuchKey" || code == "NoSuchUpload" || response.status == 404) {
    return absl::NotFoundError(text);
  }
  if (code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists") return absl::AlreadyExistsError(text);
  if (code == "BucketNotEmpty" || response.status == 409 || response.status == 412) {
    return absl::FailedPreconditionError(text);
  }
  if (response.status == 403 || response.status == 401) return absl::PermissionDeniedError(text);
  if (response.status == 503 || code == "SlowDown") return absl::UnavailableError(text);
  if (response.status >= 500) return absl::InternalError(text);
  return absl::InvalidArgumentError(text);
}

bool IsSuccess(const HttpResponse& response) { return response.status >= 200 && response.status < 300; }

/// S3 may answer 200 with an <Error> document (CopyObject, CompleteMultipartUpload): treat it as the error.
Status CheckEmbeddedError(const HttpResponse& response, std::string_view what) {
  if (response.body.find("<Error>") == std::string::npos) return absl::OkStatus();
  HttpResponse failed = response;
  failed.status = 500;
  return ErrorFromResponse(failed, what, "NoSuchKey");
}

void AddPutHeaders(const PutOptions& options, auth::Headers* headers) {
  if (!options.content_type.empty()) headers->push_back({"Content-Type", options.content_type});
  for (const auto& [name, value] : options.user_metadata) headers->push_back({"x-amz-meta-" + name, value});
}

ObjectInfo InfoFromHeaders(const HttpResponse& response, std::string_view key) {
  ObjectInfo info;
  info.key = std::string(key);
  uint64_t size = 0;
  if (auto length = response.Header("content-length"); length && internal::ParseInt(*length, &size)) info.size = size;
  if (auto range = response.Header("content-range")) {
    // "bytes 0-9/1234": the whole object's size follows the slash.
    size_t slash = range->rfind('/');
    if (slash != std::string::npos && internal::ParseInt(std::string_view(*range).substr(slash + 1), &size)) {
      info.size = size;
    }
  }
  info.etag = StripQuotes(response.Header("etag").value_or(""));
  info.last_modified_ms = ParseHttpDateMs(response.Header("last-modified"));
  info.content_type = response.Header("content-type").value_or("");
  for (const auto& [name, value] : response.headers) {
    if (name.starts_with("x-amz-meta-")) info.user_metadata[name.substr(11)] = value;
  }
  return info;
}

/// Bucket names of external stores may follow older, looser rules: only refuse what would change the URL.
Status CheckExternalBucket(std::string_view bucket) {
  if (bucket.empty() || bucket.size() > 255 ||
      bucket.find_first_of("/?#%\\ \t\r\n") != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("InvalidBucketName: '", bucket.substr(0, 80), "' cannot be addressed"));
  }
  return absl::OkStatus();
}

Status CheckExternalKey(std::string_view key) {
  if (key.empty() || key.size() > 1024) {
    return absl::InvalidArgumentError("InvalidKey: object keys must be 1 to 1024 bytes long");
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Client: URLs, signing, requests

struct S3ClientObjectStore::Client {
  S3ClientOptions options;
  std::string scheme;  // "http" or "https"
  std::string host;    // "host" or "host:port", as in the Host header
  std::unique_ptr<internal::CurlShare> share;

  struct Target {
    std::string url;
    std::string raw_path;
    std::string raw_query;
    std::string host;
  };

  Target MakeTarget(std::string_view bucket, std::string_view key,
                    const std::vector<std::pair<std::string, std::string>>& query) const {
    Target target;
    std::string encoded_key = auth::UriEncode(key, /*encode_slash=*/false);
    if (bucket.empty()) {
      target.host = host;
      target.raw_path = "/";
    } else if (options.path_style) {
      target.host = host;
      target.raw_path = key.empty() ? StrCat("/", bucket) : StrCat("/", bucket, "/", encoded_key);
    } else {
      target.host = StrCat(bucket, ".", host);
      target.raw_path = StrCat("/", encoded_key);
    }
    for (const auto& [name, value] : query) {
      if (!target.raw_query.empty()) target.raw_query += '&';
      target.raw_query += auth::UriEncode(name, true);
      if (!value.empty()) target.raw_query += StrCat("=", auth::UriEncode(value, true));
    }
    target.url = StrCat(scheme, "://", target.host, target.raw_path);
    if (!target.raw_query.empty()) target.url += StrCat("?", target.raw_query);
    return target;
  }

  /// Build and sign a request. `payload_sha256_hex` empty means an empty body.
  Result<HttpRequest> Prepare(std::string_view method, std::string_view bucket, std::string_view key,
                              const std::vector<std::pair<std::string, std::string>>& query, auth::Headers headers,
                              std::string payload_sha256_hex) const {
    Target target = MakeTarget(bucket, key, query);
    HttpRequest request;
    request.method = std::string(method);
    request.url = target.url;
    request.connect_timeout_seconds = options.connect_timeout_seconds;
    headers.insert(headers.begin(), {"Host", target.host});
    auth::SigningOptions signing;
    signing.region = options.region;
    signing.service = "s3";
    signing.uri_mode = auth::UriMode::kS3;
    signing.now = auth::Clock::now();
    signing.payload_hash = std::move(payload_sha256_hex);
    signing.session_token = options.session_token;
    OPENAML_RETURN_IF_ERROR(auth::SignRequest({options.access_key_id, options.secret_access_key}, method,
                                              target.raw_path, target.raw_query, &headers, signing));
    request.headers = std::move(headers);
    return request;
  }

  /// Sign and perform a request, retrying connection failures and 500/503 answers (kAttempts in all, with
  /// backoff) for every method but POST (Create/CompleteMultipartUpload are not idempotent). Each attempt is
  /// signed afresh. `attach_body` puts the body into each attempt's request.
  Result<HttpResponse> Send(std::string_view method, std::string_view bucket, std::string_view key,
                            const std::vector<std::pair<std::string, std::string>>& query, const auth::Headers& headers,
                            const std::string& payload_hash, const std::function<void(HttpRequest&)>& attach_body) {
    for (int attempt = 1;; ++attempt) {
      OPENAML_ASSIGN_OR_RETURN(HttpRequest request, Prepare(method, bucket, key, query, headers, payload_hash));
      attach_body(request);
      Result<HttpResponse> response = internal::PerformRequest(*share, request, kMaxXmlResponse);
      bool transient = response.ok() ? (response->status == 500 || response->status == 503)
                                     : absl::IsUnavailable(response.status());
      if (!transient || method == "POST" || attempt >= kAttempts) return response;
      spdlog::debug("objects: retrying external S3 {} attempt={} reason={}", method, attempt + 1,
                    response.ok() ? std::to_string(response->status) : response.status().ToString());
      std::this_thread::sleep_for(kFirstBackoff * (1 << (2 * (attempt - 1))));
    }
  }

  /// A request with an optional in-memory body; returns any response (the caller checks the status).
  Result<HttpResponse> Call(std::string_view method, std::string_view bucket, std::string_view key,
                            const std::vector<std::pair<std::string, std::string>>& query = {},
                            const auth::Headers& headers = {}, const std::string& body = {}) {
    std::string payload_hash = body.empty() ? std::string() : crypto::Sha256Hex(body);
    return Send(method, bucket, key, query, headers, payload_hash, [&body](HttpRequest& request) {
      request.body = body;
    });
  }

  /// Upload `length` bytes of `fd` from `offset` whose SHA-256 is known.
  Result<HttpResponse> Upload(std::string_view bucket, std::string_view key,
                              const std::vector<std::pair<std::string, std::string>>& query,
                              const auth::Headers& headers, int fd, uint64_t offset, uint64_t length,
                              const std::string& sha256_hex) {
    return Send("PUT", bucket, key, query, headers, sha256_hex, [&](HttpRequest& request) {
      request.body_fd = fd;
      request.body_offset = offset;
      request.body_length = length;
    });
  }

  /// Open a streamed GET of `key` with the given headers (not retried: the caller resumes).
  Result<std::unique_ptr<HttpStream>> OpenStream(std::string_view bucket, std::string_view key,
                                                 const auth::Headers& headers) {
    OPENAML_ASSIGN_OR_RETURN(HttpRequest request, Prepare("GET", bucket, key, {}, headers, ""));
    return internal::HttpStream::Open(*share, request);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Writer: stage to an anonymous local file, hashing per part; upload at commit.

namespace {

class S3ClientWriter final : public ObjectWriter {
 public:
  S3ClientWriter(S3ClientObjectStore::Client* client, UniqueFd fd, std::string bucket, std::string key,
                 PutOptions options)
      : client_(client),
        fd_(std::move(fd)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        options_(std::move(options)) {
    StartPart();
  }

  Status Write(std::string_view data) override {
    if (done_) return absl::FailedPreconditionError("write to an object writer already committed");
    Status status = internal::WriteAll(fd_.get(), data);
    if (!status.ok()) {
      done_ = true;
      return status;
    }
    whole_md5_.Update(data);
    size_ += data.size();
    // Hash per part (part_size bytes each) so that both a single PUT and a multipart upload are signed.
    while (!data.empty()) {
      uint64_t room = client_->options.part_size - part_bytes_;
      std::string_view piece = data.substr(0, static_cast<size_t>(std::min<uint64_t>(room, data.size())));
      part_sha256_->Update(piece);
      part_md5_->Update(piece);
      part_bytes_ += piece.size();
      data.remove_prefix(piece.size());
      if (part_bytes_ == client_->options.part_size) FinishPart();
    }
    return absl::OkStatus();
  }

  Result<ObjectInfo> CommitObject() override {
    if (done_) return absl::FailedPreconditionError("object writer already committed or failed");
    done_ = true;
    if (part_bytes_ > 0 || parts_.empty()) FinishPart();
    std::string md5_hex = crypto::HexEncode(whole_md5_.Finish());
    if (options_.expected_md5_hex && StripQuotes(*options_.expected_md5_hex) != md5_hex) {
      return absl::InvalidArgumentError(StrCat("BadDigest: the Content-MD5 you specified (", *options_.expected_md5_hex,
                                            ") did not match what was received (", md5_hex, ")"));
    }
    if (parts_.size() > static_cast<size_t>(kMaxParts)) {
      return absl::InvalidArgumentError("EntityTooLarge: the object needs more than 10000 parts");
    }
    ObjectInfo info;
    info.key = key_;
    info.size = size_;
    info.content_type = options_.content_type;
    info.user_metadata = options_.user_metadata;
    if (parts_.size() == 1) {
      auth::Headers headers = {{"Content-MD5", crypto::Base64Encode(parts_[0].md5_raw)}};
      AddPutHeaders(options_, &headers);
      OPENAML_ASSIGN_OR_RETURN(HttpResponse response,
                               client_->Upload(bucket_, key_, {}, std::move(headers), fd_.get(), 0, size_,
                                               parts_[0].sha256_hex));
      if (!IsSuccess(response)) return ErrorFromResponse(response, "PutObject", "NoSuchBucket");
      info.etag = StripQuotes(response.Header("etag").value_or(md5_hex));
    } else {
      OPENAML_ASSIGN_OR_RETURN(info.etag, UploadMultipart());
    }
    info.last_modified_ms = internal::NowMs();
    return info;
  }

 private:
  struct Part {
    uint64_t offset = 0;
    uint64_t size = 0;
    std::string sha256_hex;
    std::string md5_raw;
  };

  void StartPart() {
    part_sha256_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kSha256);
    part_md5_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kMd5);
    part_bytes_ = 0;
  }

  void FinishPart() {
    uint64_t offset = parts_.empty() ? 0 : parts_.back().offset + parts_.back().size;
    parts_.push_back({offset, part_bytes_, crypto::HexEncode(part_sha256_->Finish()), part_md5_->Finish()});
    StartPart();
  }

  Result<std::string> UploadMultipart() {
    auth::Headers create_headers;
    AddPutHeaders(options_, &create_headers);
    OPENAML_ASSIGN_OR_RETURN(HttpResponse created,
                             client_->Call("POST", bucket_, key_, {{"uploads", ""}}, std::move(create_headers)));
    if (!IsSuccess(created)) return ErrorFromResponse(created, "CreateMultipartUpload", "NoSuchBucket");
    OPENAML_ASSIGN_OR_RETURN(Ptree tree, ParseXml(created.body));
    std::string upload_id = tree.get<std::string>("InitiateMultipartUploadResult.UploadId", "");
    if (upload_id.empty()) return absl::InternalError("external S3: CreateMultipartUpload returned no UploadId");
    Result<std::string> etag = UploadParts(upload_id);
    if (!etag.ok()) {
      // Best effort: do not leave the parts behind on the server.
      auto aborted = client_->Call("DELETE", bucket_, key_, {{"uploadId", upload_id}});
      if (!aborted.ok() || !IsSuccess(*aborted)) {
        spdlog::warn("objects: external multipart upload not aborted bucket={} upload_id={}", bucket_, upload_id);
      }
    }
    return etag;
  }

  Result<std::string> UploadParts(const std::string& upload_id) {
    std::string complete = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < parts_.size(); ++i) {
      const Part& part = parts_[i];
      std::string number = std::to_string(i + 1);
      OPENAML_ASSIGN_OR_RETURN(
          HttpResponse response,
          client_->Upload(bucket_, key_, {{"partNumber", number}, {"uploadId", upload_id}},
                          {{"Content-MD5", crypto::Base64Encode(part.md5_raw)}}, fd_.get(), part.offset, part.size,
                          part.sha256_hex));
      if (!IsSuccess(response)) return ErrorFromResponse(response, "UploadPart", "NoSuchUpload");
      std::string etag = StripQuotes(response.Header("etag").value_or(crypto::HexEncode(part.md5_raw)));
      complete += StrCat("<Part><PartNumber>", number, "</PartNumber><ETag>\"", etag, "\"</ETag></Part>");
    }
    complete += "</CompleteMultipartUpload>";
    OPENAML_ASSIGN_OR_RETURN(HttpResponse done,
                             client_->Call("POST", bucket_, key_, {{"uploadId", upload_id}}, {}, std::move(complete)));
    if (!IsSuccess(done)) return ErrorFromResponse(done, "CompleteMultipartUpload", "NoSuchUpload");
    OPENAML_RETURN_IF_ERROR(CheckEmbeddedError(done, "CompleteMultipartUpload"));
    OPENAML_ASSIGN_OR_RETURN(Ptree tree, ParseXml(done.body));
    // The root is CompleteMultipartUploadResult on S3; servers differ, so take whatever the root is.
    std::string etag;
    if (!tree.empty()) etag = StripQuotes(tree.front().second.get<std::string>("ETag", ""));
    if (etag.empty()) return absl::InternalError("external S3: CompleteMultipartUpload returned no ETag");
    return etag;
  }

  S3ClientObjectStore::Client* client_;
  UniqueFd fd_;  // an unlinked file: nothing to clean up whatever happens
  std::string bucket_;
  std::string key_;
  PutOptions options_;
  bool done_ = false;
  uint64_t size_ = 0;
  crypto::StreamingDigest whole_md5_{crypto::StreamingDigest::Algorithm::kMd5};
  std::unique_ptr<crypto::StreamingDigest> part_sha256_;
  std::unique_ptr<crypto::StreamingDigest> part_md5_;
  uint64_t part_bytes_ = 0;
  std::vector<Part> parts_;
};

/// Open an anonymous file in `dir` (O_TMPFILE, or a named file unlinked at once).
Result<UniqueFd> OpenAnonymousFile(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return UniqueFd(fd);
  std::string pattern = dir + "/openaml-put-XXXXXX";
  fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return internal::ErrnoStatus(StrCat("create staging file in ", dir), errno);
  ::unlink(pattern.c_str());
  return UniqueFd(fd);
}

}  // namespace

namespace {

/// Open a streamed GET and turn a failed response into its error.
Result<std::unique_ptr<HttpStream>> OpenGetStream(S3ClientObjectStore::Client& client, std::string_view bucket,
                                                  std::string_view key, const auth::Headers& headers) {
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<HttpStream> stream, client.OpenStream(bucket, key, headers));
  if (IsSuccess(stream->head())) return stream;
  // Read the (small) error document, then report it.
  HttpResponse head = stream->head();
  char buffer[4096];
  while (head.body.size() < kMaxErrorBody) {
    auto n = stream->Read(buffer, sizeof(buffer));
    if (!n.ok() || *n == 0) break;
    head.body.append(buffer, *n);
  }
  return ErrorFromResponse(head, "GetObject", "NoSuchKey");
}

/// Reads [position, end) of an object; when the connection breaks, reopens the rest with a Range request
/// (If-Match the ETag, so a replaced object is an error rather than a splice of two versions).
class ResumingSource final : public ByteSource {
 public:
  ResumingSource(S3ClientObjectStore::Client* client, std::string bucket, std::string key, std::string etag,
                 uint64_t begin, uint64_t end, std::unique_ptr<HttpStream> stream)
      : client_(client),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        etag_(std::move(etag)),
        position_(begin),
        end_(end),
        stream_(std::move(stream)) {}

  Result<size_t> Read(char* buffer, size_t size) override {
    while (true) {
      Result<size_t> n = stream_ != nullptr ? stream_->Read(buffer, size)
                                            : Result<size_t>(absl::UnavailableError("external S3: no connection"));
      if (n.ok() && (*n > 0 || position_ >= end_ || size == 0)) {
        position_ += *n;
        if (*n > 0) resumes_left_ = kAttempts;  // the budget is for consecutive failures
        return n;
      }
      Status failure = n.ok() ? absl::UnavailableError("external S3: body ended early") : n.status();
      if (!absl::IsUnavailable(failure) || resumes_left_ == 0 || etag_.empty()) return failure;
      --resumes_left_;
      spdlog::warn("objects: resuming external S3 download key={} offset={} reason={}", key_, position_,
                   failure.ToString());
      stream_.reset();
      auth::Headers headers = {{"Range", StrCat("bytes=", position_, "-", end_ - 1)},
                               {"If-Match", StrCat("\"", etag_, "\"")}};
      auto reopened = OpenGetStream(*client_, bucket_, key_, headers);
      if (!reopened.ok()) {
        if (absl::IsUnavailable(reopened.status())) continue;  // counts as another attempt
        return reopened.status();
      }
      uint64_t first = 0;
      std::string content_range = (*reopened)->head().Header("content-range").value_or("");
      if ((*reopened)->head().status != 206 ||
          std::sscanf(content_range.c_str(), "bytes %" SCNu64 "-", &first) != 1 || first != position_) {
        return absl::InternalError("external S3: the server did not honour the Range header when resuming");
      }
      stream_ = std::move(reopened).value();
    }
  }

 private:
  S3ClientObjectStore::Client* client_;
  std::string bucket_;
  std::string key_;
  std::string etag_;
  uint64_t position_;
  uint64_t end_;
  std::unique_ptr<HttpStream> stream_;
  int resumes_left_ = kAttempts;  // resumes left before giving up, refilled by progress
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// S3ClientObjectStore

S3ClientObjectStore::S3ClientObjectStore(std::unique_ptr<Client> client) : client_(std::move(client)) {}
S3ClientObjectStore::~S3ClientObjectStore() = default;

Result<std::unique_ptr<S3ClientObjectStore>> S3ClientObjectStore::Make(const S3ClientOptions& options) {
  auto client = std::make_unique<Client>();
  client->options = options;
  std::string_view endpoint = options.endpoint;
  while (endpoint.ends_with("/")) endpoint.remove_suffix(1);
  size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("S3 endpoint '", endpoint, "' must start with http:// or https://"));
  }
  client->scheme = std::string(endpoint.substr(0, scheme_end));
  if (client->scheme != "http" && client->scheme != "https") {
    return absl::InvalidArgumentError(StrCat("S3 endpoint '", endpoint, "' must start with http:// or https://"));
  }
  client->host = std::string(endpoint.substr(scheme_end + 3));
  if (client->host.empty() || client->host.find_first_of("/?#@ ") != std::string::npos) {
    return absl::InvalidArgumentError(StrCat("S3 endpoint '", endpoint, "' must be scheme://host[:port] only"));
  }
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    return absl::InvalidArgumentError("the external S3 store needs an access key id and a secret access key");
  }
  if (options.region.empty()) return absl::InvalidArgumentError("the external S3 store needs a region");
  if (options.part_size < (5ull << 20) || options.part_size > (5ull << 30)) {
    return absl::InvalidArgumentError("part_size must be between 5 MiB and 5 GiB (S3's limits)");
  }
  if (client->options.staging_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    client->options.staging_dir = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
  }
  OPENAML_ASSIGN_OR_RETURN(client->share, internal::CurlShare::Make());
  return std::unique_ptr<S3ClientObjectStore>(new S3ClientObjectStore(std::move(client)));
}

Result<std::vector<BucketInfo>> S3ClientObjectStore::ListBuckets() {
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("GET", "", ""));
  if (!IsSuccess(response)) return ErrorFromResponse(response, "ListBuckets", "NoSuchBucket");
  OPENAML_ASSIGN_OR_RETURN(Ptree tree, ParseXml(response.body));
  std::vector<BucketInfo> buckets;
  auto list = tree.get_child_optional("ListAllMyBucketsResult.Buckets");
  if (!list) return buckets;
  for (const auto& [name, node] : *list) {
    if (name != "Bucket") continue;
    buckets.push_back({node.get<std::string>("Name", ""), ParseIso8601Ms(node.get<std::string>("CreationDate", ""))});
  }
  return buckets;
}

Status S3ClientObjectStore::CreateBucket(std::string_view bucket) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  std::string body;
  if (client_->options.region != "us-east-1") {
    body = StrCat("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>",
               client_->options.region, "</LocationConstraint></CreateBucketConfiguration>");
  }
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("PUT", bucket, "", {}, {}, std::move(body)));
  if (!IsSuccess(response)) return ErrorFromResponse(response, "CreateBucket", "NoSuchBucket");
  return absl::OkStatus();
}

Status S3ClientObjectStore::HeadBucket(std::string_view bucket) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("HEAD", bucket, ""));
  if (!IsSuccess(response)) return ErrorFromResponse(response, "HeadBucket", "NoSuchBucket");
  return absl::OkStatus();
}

Status S3ClientObjectStore::DeleteBucket(std::string_view bucket) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("DELETE", bucket, ""));
  if (!IsSuccess(response)) return ErrorFromResponse(response, "DeleteBucket", "NoSuchBucket");
  return absl::OkStatus();
}

Result<std::unique_ptr<ObjectWriter>> S3ClientObjectStore::PutObject(std::string_view bucket, std::string_view key,
                                                                     const PutOptions& options) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  OPENAML_RETURN_IF_ERROR(CheckExternalKey(key));
  OPENAML_ASSIGN_OR_RETURN(UniqueFd fd, OpenAnonymousFile(client_->options.staging_dir));
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<S3ClientWriter>(client_.get(), std::move(fd), std::string(bucket), std::string(key), options));
}

Result<std::unique_ptr<ByteSource>> S3ClientObjectStore::GetObject(std::string_view bucket, std::string_view key,
                                                                   std::optional<ByteRange> range, ObjectInfo* info) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  OPENAML_RETURN_IF_ERROR(CheckExternalKey(key));
  auth::Headers headers;
  if (range) {
    std::string spec;
    if (range->suffix_length) {
      spec = StrCat("bytes=-", *range->suffix_length);
    } else if (range->last) {
      spec = StrCat("bytes=", range->first, "-", *range->last);
    } else {
      spec = StrCat("bytes=", range->first, "-");
    }
    headers.push_back({"Range", spec});
  }
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<HttpStream> stream, OpenGetStream(*client_, bucket, key, headers));
  const HttpResponse& head = stream->head();
  if (range && head.status != 206) {
    return absl::InternalError("external S3: the server ignored the Range header of GetObject");
  }
  ObjectInfo object = InfoFromHeaders(head, key);
  // The absolute byte span being sent, so that a broken transfer can resume where it stopped.
  uint64_t begin = 0;
  uint64_t end = object.size;
  if (head.status == 206) {
    std::string content_range = head.Header("content-range").value_or("");
    uint64_t first = 0, last = 0;
    if (std::sscanf(content_range.c_str(), "bytes %" SCNu64 "-%" SCNu64, &first, &last) != 2 || last < first) {
      return absl::InternalError(StrCat("external S3: unreadable Content-Range '", content_range, "'"));
    }
    begin = first;
    end = last + 1;
  }
  if (info != nullptr) *info = object;
  return std::unique_ptr<ByteSource>(std::make_unique<ResumingSource>(client_.get(), std::string(bucket),
                                                                      std::string(key), object.etag, begin, end,
                                                                      std::move(stream)));
}

Result<ObjectInfo> S3ClientObjectStore::HeadObject(std::string_view bucket, std::string_view key) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  OPENAML_RETURN_IF_ERROR(CheckExternalKey(key));
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("HEAD", bucket, key));
  if (!IsSuccess(response)) return ErrorFromResponse(response, "HeadObject", "NoSuchKey");
  return InfoFromHeaders(response, key);
}

Status S3ClientObjectStore::DeleteObject(std::string_view bucket, std::string_view key) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  OPENAML_RETURN_IF_ERROR(CheckExternalKey(key));
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("DELETE", bucket, key));
  if (IsSuccess(response)) return absl::OkStatus();
  Status status = ErrorFromResponse(response, "DeleteObject", "NoSuchKey");
  if (absl::IsNotFound(status) && status.message().find("NoSuchKey") == 0) return absl::OkStatus();
  return status;
}

Result<ObjectInfo> S3ClientObjectStore::CopyObject(std::string_view src_bucket, std::string_view src_key,
                                                   std::string_view dst_bucket, std::string_view dst_key,
                                                   const std::optional<PutOptions>& replace_metadata) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(src_bucket));
  OPENAML_RETURN_IF_ERROR(CheckExternalKey(src_key));
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(dst_bucket));
  OPENAML_RETURN_IF_ERROR(CheckExternalKey(dst_key));
  auth::Headers headers = {{"x-amz-copy-source", StrCat("/", src_bucket, "/", auth::UriEncode(src_key, false))}};
  if (replace_metadata) {
    headers.push_back({"x-amz-metadata-directive", "REPLACE"});
    AddPutHeaders(*replace_metadata, &headers);
  }
  OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("PUT", dst_bucket, dst_key, {}, std::move(headers)));
  if (!IsSuccess(response)) return ErrorFromResponse(response, "CopyObject", "NoSuchKey");
  OPENAML_RETURN_IF_ERROR(CheckEmbeddedError(response, "CopyObject"));
  return HeadObject(dst_bucket, dst_key);
}

Result<ListObjectsResult> S3ClientObjectStore::ListObjects(std::string_view bucket,
                                                           const ListObjectsRequest& request) {
  OPENAML_RETURN_IF_ERROR(CheckExternalBucket(bucket));
  ListObjectsResult result;
  if (request.max_keys <= 0) return result;
  int emitted = 0;
  std::string last_group;
  std::string continuation;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"}};
    int want = std::min(1000, request.max_keys - emitted + 1);  // one more than needed reveals truncation
    query.push_back({"max-keys", std::to_string(want)});
    if (!request.prefix.empty()) query.push_back({"prefix", request.prefix});
    if (!request.delimiter.empty()) query.push_back({"delimiter", request.delimiter});
    if (!continuation.empty()) {
      query.push_back({"continuation-token", continuation});
    } else if (!request.start_after.empty()) {
      query.push_back({"start-after", request.start_after});
    }
    OPENAML_ASSIGN_OR_RETURN(HttpResponse response, client_->Call("GET", bucket, "", query));
    if (!IsSuccess(response)) return ErrorFromResponse(response, "ListObjectsV2", "NoSuchBucket");
    OPENAML_ASSIGN_OR_RETURN(Ptree tree, ParseXml(response.body));
    auto page = tree.get_child_optional("ListBucketResult");
    if (!page) return absl::InternalError("external S3: ListObjectsV2 answered without ListBucketResult");

    // Merge the page's keys and common prefixes into one sequence in key order.
    struct Entry {
      std::string value;
      std::optional<ObjectInfo> object;
    };
    std::vector<Entry> entries;
    for (const auto& [name, node] : *page) {
      if (name == "Contents") {
        ObjectInfo info;
        info.key = node.get<std::string>("Key", "");
        if (!internal::ParseInt(node.get<std::string>("Size", ""), &info.size)) {
          return absl::InternalError(StrCat("external S3: ListObjectsV2 gave key '", info.key, "' no valid Size"));
        }
        info.etag = StripQuotes(node.get<std::string>("ETag", ""));
        info.last_modified_ms = ParseIso8601Ms(node.get<std::string>("LastModified", ""));
        entries.push_back({info.key, std::move(info)});
      } else if (name == "CommonPrefixes") {
        entries.push_back({node.get<std::string>("Prefix", ""), std::nullopt});
      }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.value < b.value; });
    for (Entry& entry : entries) {
      // Skip what an earlier page returned, whatever the server made of start-after.
      if (!request.start_after.empty() && entry.value <= request.start_after) continue;
      if (!entry.object && entry.value == last_group) continue;
      if (emitted == request.max_keys) {
        result.truncated = true;
        return result;
      }
      result.next_start_after = entry.value;
      if (entry.object) {
        result.objects.push_back(std::move(*entry.object));
      } else {
        last_group = entry.value;
        result.common_prefixes.push_back(entry.value);
      }
      ++emitted;
    }
    bool truncated = page->get<std::string>("IsTruncated", "false") == "true";
    std::string next = page->get<std::string>("NextContinuationToken", "");
    if (!truncated || next.empty()) return result;
    // A server that claims more but makes no progress would keep us here forever.
    if (entries.empty() || next == continuation) {
      return absl::InternalError("external S3: ListObjectsV2 returned a truncated page without progress");
    }
    continuation = std::move(next);
  }
}

Result<std::string> S3ClientObjectStore::CreateMultipartUpload(std::string_view, std::string_view,
                                                               const PutOptions&) {
  return absl::UnimplementedError(
      "the external S3 client does not expose multipart calls; PutObject uploads large bodies in parts itself");
}

Result<std::unique_ptr<ObjectWriter>> S3ClientObjectStore::UploadPart(std::string_view, std::string_view,
                                                                      std::string_view, int) {
  return absl::UnimplementedError("the external S3 client does not expose multipart calls");
}

Result<ObjectInfo> S3ClientObjectStore::CompleteMultipartUpload(std::string_view, std::string_view, std::string_view,
                                                                const std::vector<MultipartPart>&) {
  return absl::UnimplementedError("the external S3 client does not expose multipart calls");
}

Status S3ClientObjectStore::AbortMultipartUpload(std::string_view, std::string_view, std::string_view) {
  return absl::UnimplementedError("the external S3 client does not expose multipart calls");
}

Result<std::vector<MultipartPart>> S3ClientObjectStore::ListParts(std::string_view, std::string_view,
                                                                  std::string_view) {
  return absl::UnimplementedError("the external S3 client does not expose multipart calls");
}

}  // namespace openaml::storage
