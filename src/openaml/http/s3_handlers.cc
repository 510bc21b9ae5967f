#include "openaml/http/s3_handlers.h"

#include <charconv>
#include <chrono>
#include <vector>

#include "openaml/auth/sigv4_verifier.h"
#include "openaml/common/crypto.h"
#include "openaml/common/logging.h"
#include "openaml/http/aws_errors.h"
#include "openaml/http/xml.h"

namespace openaml::http {
namespace {

using boost::asio::awaitable;

constexpr size_t kIoBufferBytes = 256 * 1024;
constexpr size_t kMaxXmlBodyBytes = 2 * 1024 * 1024;  // 1000 keys of 1 KiB or 10000 parts, with markup
constexpr int kMaxKeysPerPage = 1000;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Quoted(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string Unquoted(std::string_view etag) {
  while (!etag.empty() && (etag.front() == '"' || etag.front() == ' ')) etag.remove_prefix(1);
  while (!etag.empty() && (etag.back() == '"' || etag.back() == ' ')) etag.remove_suffix(1);
  return std::string(etag);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Invalid(std::string_view s3_code, std::string_view message) {
  return S3Status(absl::StatusCode::kInvalidArgument, s3_code, message);
}

bool ParseInt(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

storage::PutOptions PutOptionsFrom(const S3Request& request) {
  storage::PutOptions options;
  options.content_type = std::string(request.Header("content-type").value_or("binary/octet-stream"));
  for (const auth::Header& header : *request.headers) {
    std::string name = Lower(header.name);
    if (name.starts_with("x-amz-meta-") && name.size() > 11) options.user_metadata[name.substr(11)] = header.value;
  }
  return options;
}

S3Response XmlResponse(std::string body, int status = 200) {
  S3Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/xml");
  response.body = std::move(body);
  return response;
}

S3Response EmptyResponse(int status) {
  S3Response response;
  response.status = status;
  return response;
}

// Stream the whole body into `sink`; the sink commits nothing itself.
awaitable<Status> CopyBodyTo(S3Exchange& exchange, ByteSink& sink) {
  std::vector<char> buffer(kIoBufferBytes);
  while (true) {
    Result<size_t> n = co_await exchange.ReadBody(buffer.data(), buffer.size());
    if (!n.ok()) co_return n.status();
    if (*n == 0) co_return absl::OkStatus();
    Status written = sink.Write(std::string_view(buffer.data(), *n));
    if (!written.ok()) co_return written;
  }
}

// Parse x-amz-copy-source: "[/]bucket/key[?versionId=...]", URL-encoded.
Result<std::pair<std::string, std::string>> ParseCopySource(std::string_view header) {
  size_t question = header.find('?');
  if (question != std::string_view::npos) header = header.substr(0, question);
  std::string decoded;
  if (!auth::PercentDecode(header, &decoded)) return Invalid("InvalidArgument", "Invalid copy source encoding");
  if (!decoded.empty() && decoded.front() == '/') decoded.erase(0, 1);
  size_t slash = decoded.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == decoded.size()) {
    return Invalid("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  }
  return std::make_pair(decoded.substr(0, slash), decoded.substr(slash + 1));
}

void AddObjectHeaders(const storage::ObjectInfo& info, S3Response* response) {
  response->headers.emplace_back("ETag", Quoted(info.etag));
  response->headers.emplace_back("Last-Modified", HttpDate(info.last_modified_ms));
  response->headers.emplace_back("Content-Type", info.content_type.empty() ? "binary/octet-stream"
                                                                           : info.content_type);
  response->headers.emplace_back("Accept-Ranges", "bytes");
  for (const auto& [name, value] : info.user_metadata) response->headers.emplace_back("x-amz-meta-" + name, value);
}

}  // namespace

std::optional<std::string_view> S3Request::Header(std::string_view name) const {
  if (headers == nullptr) return std::nullopt;
  if (const auth::Header* header = auth::FindHeader(*headers, name)) return std::string_view(header->value);
  return std::nullopt;
}

std::string_view S3Request::Query(std::string_view name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string_view() : std::string_view(it->second);
}

S3Handlers::S3Handlers(storage::ObjectStore& store, std::string region) : store_(store), region_(std::move(region)) {}

S3Response S3Handlers::ErrorResponse(const Status& status, const S3Request& request) {
  AwsError error = ToS3Error(status);
  if (error.http_status >= 500) {
    spdlog::error("s3 internal error request_id={} status={}", request.request_id, status.ToString());
  }
  S3Response response = XmlResponse(S3ErrorXml(error, request.raw_path, request.request_id), error.http_status);
  return response;
}

awaitable<Result<std::string>> ReadSmallBody(S3Exchange& exchange, size_t limit) {
  if (auto length = exchange.body_length(); length.has_value() && *length > limit) {
    co_return Invalid("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
  }
  std::string body;
  std::vector<char> buffer(64 * 1024);
  while (true) {
    Result<size_t> n = co_await exchange.ReadBody(buffer.data(), buffer.size());
    if (!n.ok()) co_return n.status();
    if (*n == 0) break;
    if (body.size() + *n > limit) {
      co_return Invalid("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    }
    body.append(buffer.data(), *n);
  }
  co_return body;
}

awaitable<S3Response> S3Handlers::Handle(S3Exchange& exchange) {
  try {
    co_return co_await Dispatch(exchange);
  } catch (const std::exception& e) {
    // Last line of defence: handlers report failures as values; nothing may escape into the event loop.
    co_return ErrorResponse(absl::InternalError(e.what()), exchange.request());
  }
}

awaitable<S3Response> S3Handlers::Dispatch(S3Exchange& exchange) {
  const S3Request& request = exchange.request();
  const std::string& method = request.method;
  const S3Target& target = request.target;

  if (target.bucket.empty()) {
    if (method == "GET") co_return ListBuckets(request);
    co_return ErrorResponse(Invalid("MethodNotAllowed", "The specified method is not allowed against this resource"),
                            request);
  }

  if (target.key.empty()) {
    // Bucket sub-resources openaml does not implement (acl, policy, versioning, ...) say so plainly.
    static constexpr std::string_view kUnsupported[] = {
        "acl", "policy", "versioning", "tagging", "cors", "lifecycle", "website", "encryption", "logging",
        "notification", "replication", "requestPayment", "uploads", "versions", "object-lock", "accelerate",
        "analytics", "inventory", "metrics", "ownershipControls", "publicAccessBlock", "intelligent-tiering"};
    for (std::string_view name : kUnsupported) {
      if (request.HasQuery(name)) {
        co_return ErrorResponse(S3Status(absl::StatusCode::kUnimplemented, "NotImplemented",
                                         "A header or query you provided implies functionality that is not "
                                         "implemented"),
                                request);
      }
    }
    if (method == "GET" && request.HasQuery("location")) {
      std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
                         "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
                         (region_ == "us-east-1" ? std::string() : XmlEscape(region_)) + "</LocationConstraint>";
      Status exists = store_.HeadBucket(target.bucket);
      if (!exists.ok()) co_return ErrorResponse(exists, request);
      co_return XmlResponse(std::move(body));
    }
    if (method == "PUT") co_return co_await CreateBucket(exchange);
    if (method == "HEAD") {
      Status status = store_.HeadBucket(target.bucket);
      if (!status.ok()) co_return ErrorResponse(status, request);
      S3Response response = EmptyResponse(200);
      response.headers.emplace_back("x-amz-bucket-region", region_);
      co_return response;
    }
    if (method == "DELETE") {
      Status status = store_.DeleteBucket(target.bucket);
      if (!status.ok()) co_return ErrorResponse(status, request);
      co_return EmptyResponse(204);
    }
    if (method == "GET") co_return ListObjects(request, request.Query("list-type") == "2");
    if (method == "POST" && request.HasQuery("delete")) co_return co_await DeleteObjects(exchange);
    co_return ErrorResponse(Invalid("MethodNotAllowed", "The specified method is not allowed against this resource"),
                            request);
  }

  // Object operations.
  if (request.HasQuery("uploadId")) {
    if (method == "PUT") co_return co_await UploadPart(exchange);
    if (method == "POST") co_return co_await CompleteMultipartUpload(exchange);
    if (method == "DELETE") {
      Status status = store_.AbortMultipartUpload(target.bucket, target.key, request.Query("uploadId"));
      if (!status.ok()) co_return ErrorResponse(status, request);
      co_return EmptyResponse(204);
    }
    if (method == "GET") co_return ListParts(request);
  }
  if (method == "POST" && request.HasQuery("uploads")) co_return CreateMultipartUpload(request);
  for (std::string_view name : {"acl", "tagging", "retention", "legal-hold", "torrent", "attributes", "restore"}) {
    if (request.HasQuery(name)) {
      co_return ErrorResponse(S3Status(absl::StatusCode::kUnimplemented, "NotImplemented",
                                       "A header or query you provided implies functionality that is not "
                                       "implemented"),
                              request);
    }
  }
  if (method == "PUT") {
    if (request.Header("x-amz-copy-source").has_value()) co_return CopyObject(request);
    co_return co_await PutObject(exchange);
  }
  if (method == "GET" || method == "HEAD") co_return GetObject(request, method == "HEAD");
  if (method == "DELETE") {
    Status status = store_.DeleteObject(target.bucket, target.key);
    if (!status.ok()) co_return ErrorResponse(status, request);
    co_return EmptyResponse(204);
  }
  co_return ErrorResponse(Invalid("MethodNotAllowed", "The specified method is not allowed against this resource"),
                          request);
}

S3Response S3Handlers::ListBuckets(const S3Request& request) {
  auto buckets = store_.ListBuckets();
  if (!buckets.ok()) return ErrorResponse(buckets.status(), request);
  XmlWriter xml("ListAllMyBucketsResult");
  xml.Open("Owner").Element("ID", request.access_key_id).Element("DisplayName", "openaml").Close();
  xml.Open("Buckets");
  for (const storage::BucketInfo& bucket : *buckets) {
    xml.Open("Bucket").Element("Name", bucket.name).Element("CreationDate", IsoDate(bucket.created_at_ms)).Close();
  }
  xml.Close();
  return XmlResponse(xml.Finish());
}

awaitable<S3Response> S3Handlers::CreateBucket(S3Exchange& exchange) {
  const S3Request& request = exchange.request();
  // The optional CreateBucketConfiguration body names a region; any region is accepted.
  Result<std::string> body = co_await ReadSmallBody(exchange, 64 * 1024);
  if (!body.ok()) co_return ErrorResponse(body.status(), request);
  if (!body->empty()) {
    auto xml = ParseXml(*body);
    if (!xml.ok()) co_return ErrorResponse(xml.status(), request);
  }
  Status status = store_.CreateBucket(request.target.bucket);
  if (!status.ok()) co_return ErrorResponse(status, request);
  S3Response response = EmptyResponse(200);
  response.headers.emplace_back("Location", "/" + request.target.bucket);
  co_return response;
}

S3Response S3Handlers::ListObjects(const S3Request& request, bool v2) {
  std::string_view encoding = request.Query("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    return ErrorResponse(Invalid("InvalidArgument", "Invalid Encoding Method specified in Request"), request);
  }
  bool url = encoding == "url";
  auto enc = [url](std::string_view text) { return url ? UrlEncodeKey(text) : std::string(text); };

  int64_t max_keys = kMaxKeysPerPage;
  if (request.HasQuery("max-keys")) {
    if (!ParseInt(request.Query("max-keys"), &max_keys) || max_keys < 0) {
      return ErrorResponse(Invalid("InvalidArgument", "Provided max-keys not an integer or within integer range"),
                           request);
    }
    max_keys = std::min<int64_t>(max_keys, kMaxKeysPerPage);
  }
  storage::ListObjectsRequest list;
  list.prefix = std::string(request.Query("prefix"));
  list.delimiter = std::string(request.Query("delimiter"));
  list.max_keys = static_cast<int>(max_keys);
  std::string continuation = std::string(request.Query("continuation-token"));
  if (v2) {
    list.start_after = std::string(request.Query("start-after"));
    if (request.HasQuery("continuation-token")) {
      std::string decoded;
      if (continuation.empty() || !crypto::Base64Decode(continuation, &decoded)) {
        return ErrorResponse(Invalid("InvalidArgument", "The continuation token provided is incorrect"), request);
      }
      list.start_after = decoded;
    }
  } else {
    list.start_after = std::string(request.Query("marker"));
  }

  storage::ListObjectsResult result;
  if (max_keys > 0) {
    auto listed = store_.ListObjects(request.target.bucket, list);
    if (!listed.ok()) return ErrorResponse(listed.status(), request);
    result = std::move(*listed);
  } else {
    Status exists = store_.HeadBucket(request.target.bucket);
    if (!exists.ok()) return ErrorResponse(exists, request);
  }

  XmlWriter xml("ListBucketResult");
  xml.Element("Name", request.target.bucket).Element("Prefix", enc(list.prefix));
  if (v2) {
    if (request.HasQuery("start-after")) xml.Element("StartAfter", enc(request.Query("start-after")));
    if (request.HasQuery("continuation-token")) xml.Element("ContinuationToken", continuation);
    xml.Element("KeyCount", std::to_string(result.objects.size() + result.common_prefixes.size()));
  } else {
    xml.Element("Marker", enc(list.start_after));
  }
  xml.Element("MaxKeys", std::to_string(max_keys));
  if (!list.delimiter.empty()) xml.Element("Delimiter", enc(list.delimiter));
  if (url) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", result.truncated ? "true" : "false");
  if (result.truncated) {
    if (v2) {
      xml.Element("NextContinuationToken", crypto::Base64Encode(result.next_start_after));
    } else {
      xml.Element("NextMarker", enc(result.next_start_after));
    }
  }
  for (const storage::ObjectInfo& object : result.objects) {
    xml.Open("Contents")
        .Element("Key", enc(object.key))
        .Element("LastModified", IsoDate(object.last_modified_ms))
        .Element("ETag", Quoted(object.etag))
        .Element("Size", std::to_string(object.size))
        .Element("StorageClass", "STANDARD");
    if (!v2) xml.Open("Owner").Element("ID", request.access_key_id).Element("DisplayName", "openaml").Close();
    xml.Close();
  }
  for (const std::string& prefix : result.common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", enc(prefix)).Close();
  }
  return XmlResponse(xml.Finish());
}

awaitable<S3Response> S3Handlers::DeleteObjects(S3Exchange& exchange) {
  const S3Request& request = exchange.request();
  Result<std::string> body = co_await ReadSmallBody(exchange, kMaxXmlBodyBytes);
  if (!body.ok()) co_return ErrorResponse(body.status(), request);
  auto document = ParseXml(*body);
  if (!document.ok()) co_return ErrorResponse(document.status(), request);
  if (document->name != "Delete") co_return ErrorResponse(Invalid("MalformedXML", "root element must be Delete"), request);
  bool quiet = false;
  if (const XmlNode* node = document->Child("Quiet")) quiet = node->text == "true";
  std::vector<std::string> keys;
  for (const XmlNode& child : document->children) {
    if (child.name != "Object") continue;
    const XmlNode* key = child.Child("Key");
    if (key == nullptr) co_return ErrorResponse(Invalid("MalformedXML", "Object without Key"), request);
    keys.push_back(key->text);
  }
  if (keys.empty() || keys.size() > 1000) {
    co_return ErrorResponse(Invalid("MalformedXML", "Delete must name between 1 and 1000 objects"), request);
  }
  Status bucket = store_.HeadBucket(request.target.bucket);
  if (!bucket.ok()) co_return ErrorResponse(bucket, request);
  XmlWriter xml("DeleteResult");
  for (const std::string& key : keys) {
    Status status = key.size() > kMaxKeyBytes ? Invalid("KeyTooLongError", "Your key is too long")
                                              : store_.DeleteObject(request.target.bucket, key);
    if (status.ok()) {
      if (!quiet) xml.Open("Deleted").Element("Key", key).Close();
    } else {
      AwsError error = ToS3Error(status);
      xml.Open("Error").Element("Key", key).Element("Code", error.code).Element("Message", error.message).Close();
    }
  }
  co_return XmlResponse(xml.Finish());
}

awaitable<S3Response> S3Handlers::PutObject(S3Exchange& exchange) {
  const S3Request& request = exchange.request();
  auto writer = store_.PutObject(request.target.bucket, request.target.key, PutOptionsFrom(request));
  if (!writer.ok()) co_return ErrorResponse(writer.status(), request);
  Status copied = co_await CopyBodyTo(exchange, **writer);
  if (!copied.ok()) co_return ErrorResponse(copied, request);  // the uncommitted writer discards its bytes
  auto info = (*writer)->CommitObject();
  if (!info.ok()) co_return ErrorResponse(info.status(), request);
  S3Response response = EmptyResponse(200);
  response.headers.emplace_back("ETag", Quoted(info->etag));
  co_return response;
}

S3Response S3Handlers::CopyObject(const S3Request& request) {
  auto source = ParseCopySource(*request.Header("x-amz-copy-source"));
  if (!source.ok()) return ErrorResponse(source.status(), request);
  std::optional<storage::PutOptions> replace;
  std::string_view directive = request.Header("x-amz-metadata-directive").value_or("COPY");
  if (directive == "REPLACE") {
    replace = PutOptionsFrom(request);
  } else if (directive != "COPY") {
    return ErrorResponse(Invalid("InvalidArgument", "Unknown metadata directive."), request);
  }
  if (source->first == request.target.bucket && source->second == request.target.key && !replace.has_value()) {
    return ErrorResponse(Invalid("InvalidRequest",
                                 "This copy request is illegal because it is trying to copy an object to itself "
                                 "without changing the object's metadata."),
                         request);
  }
  auto info = store_.CopyObject(source->first, source->second, request.target.bucket, request.target.key, replace);
  if (!info.ok()) return ErrorResponse(info.status(), request);
  XmlWriter xml("CopyObjectResult");
  xml.Element("LastModified", IsoDate(info->last_modified_ms)).Element("ETag", Quoted(info->etag));
  return XmlResponse(xml.Finish());
}

S3Response S3Handlers::GetObject(const S3Request& request, bool head) {
  std::optional<storage::ByteRange> range;
  std::optional<std::string_view> range_header = request.Header("range");
  if (range_header.has_value()) {
    auto info = store_.HeadObject(request.target.bucket, request.target.key);
    if (!info.ok()) return ErrorResponse(info.status(), request);
    auto resolved = ResolveRange(*range_header, info->size);
    if (!resolved.ok()) {
      S3Response response = ErrorResponse(resolved.status(), request);
      response.headers.emplace_back("Content-Range", "bytes */" + std::to_string(info->size));
      return response;
    }
    range = *resolved;
  }
  storage::ObjectInfo info;
  auto source = store_.GetObject(request.target.bucket, request.target.key, range, &info);
  if (!source.ok()) return ErrorResponse(source.status(), request);

  // Conditional requests (If-Match / If-None-Match), as S3 evaluates them.
  if (auto if_match = request.Header("if-match"); if_match.has_value() && Unquoted(*if_match) != info.etag &&
                                                  *if_match != "*") {
    return ErrorResponse(S3Status(absl::StatusCode::kFailedPrecondition, "PreconditionFailed",
                                  "At least one of the pre-conditions you specified did not hold"),
                         request);
  }
  if (auto if_none = request.Header("if-none-match"); if_none.has_value() && (Unquoted(*if_none) == info.etag ||
                                                                              *if_none == "*")) {
    S3Response response = EmptyResponse(304);
    response.headers.emplace_back("ETag", Quoted(info.etag));
    return response;
  }

  S3Response response;
  AddObjectHeaders(info, &response);
  uint64_t length = info.size;
  if (range.has_value()) {
    uint64_t last = range->last.value_or(info.size - 1);
    length = last - range->first + 1;
    response.status = 206;
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                       std::to_string(last) + "/" + std::to_string(info.size));
  }
  // Presigned GETs may override response headers (response-content-type=...).
  static constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"},
      {"response-content-language", "Content-Language"},
      {"response-cache-control", "Cache-Control"},
      {"response-expires", "Expires"}};
  for (const auto& [param, header] : kOverrides) {
    if (!request.HasQuery(param)) continue;
    std::erase_if(response.headers, [&](const auto& h) { return h.first == header; });
    response.headers.emplace_back(std::string(header), std::string(request.Query(param)));
  }
  response.stream_length = length;
  response.headers_only = head;
  if (!head) response.stream = std::move(*source);
  return response;
}

S3Response S3Handlers::CreateMultipartUpload(const S3Request& request) {
  auto upload_id = store_.CreateMultipartUpload(request.target.bucket, request.target.key, PutOptionsFrom(request));
  if (!upload_id.ok()) return ErrorResponse(upload_id.status(), request);
  XmlWriter xml("InitiateMultipartUploadResult");
  xml.Element("Bucket", request.target.bucket).Element("Key", request.target.key).Element("UploadId", *upload_id);
  return XmlResponse(xml.Finish());
}

awaitable<S3Response> S3Handlers::UploadPart(S3Exchange& exchange) {
  const S3Request& request = exchange.request();
  if (request.Header("x-amz-copy-source").has_value()) {
    co_return ErrorResponse(S3Status(absl::StatusCode::kUnimplemented, "NotImplemented",
                                     "UploadPartCopy is not implemented"),
                            request);
  }
  int64_t part_number = 0;
  if (!ParseInt(request.Query("partNumber"), &part_number) || part_number < 1 || part_number > 10000) {
    co_return ErrorResponse(Invalid("InvalidArgument", "Part number must be an integer between 1 and 10000, "
                                                       "inclusive"),
                            request);
  }
  auto writer = store_.UploadPart(request.target.bucket, request.target.key, request.Query("uploadId"),
                                  static_cast<int>(part_number));
  if (!writer.ok()) co_return ErrorResponse(writer.status(), request);
  Status copied = co_await CopyBodyTo(exchange, **writer);
  if (!copied.ok()) co_return ErrorResponse(copied, request);
  auto info = (*writer)->CommitObject();
  if (!info.ok()) co_return ErrorResponse(info.status(), request);
  S3Response response = EmptyResponse(200);
  response.headers.emplace_back("ETag", Quoted(info->etag));
  co_return response;
}

awaitable<S3Response> S3Handlers::CompleteMultipartUpload(S3Exchange& exchange) {
  const S3Request& request = exchange.request();
  Result<std::string> body = co_await ReadSmallBody(exchange, kMaxXmlBodyBytes);
  if (!body.ok()) co_return ErrorResponse(body.status(), request);
  XmlLimits limits;
  auto document = ParseXml(*body, limits);
  if (!document.ok()) co_return ErrorResponse(document.status(), request);
  if (document->name != "CompleteMultipartUpload") {
    co_return ErrorResponse(Invalid("MalformedXML", "root element must be CompleteMultipartUpload"), request);
  }
  std::vector<storage::MultipartPart> parts;
  for (const XmlNode& child : document->children) {
    if (child.name != "Part") continue;
    const XmlNode* number = child.Child("PartNumber");
    const XmlNode* etag = child.Child("ETag");
    int64_t part_number = 0;
    if (number == nullptr || etag == nullptr || !ParseInt(number->text, &part_number) || part_number < 1 ||
        part_number > 10000) {
      co_return ErrorResponse(Invalid("MalformedXML", "each Part needs a PartNumber (1-10000) and an ETag"),
                              request);
    }
    storage::MultipartPart part;
    part.part_number = static_cast<int>(part_number);
    part.etag = Unquoted(etag->text);
    parts.push_back(std::move(part));
  }
  if (parts.empty()) {
    co_return ErrorResponse(Invalid("MalformedXML", "You must specify at least one part"), request);
  }
  auto info = store_.CompleteMultipartUpload(request.target.bucket, request.target.key, request.Query("uploadId"),
                                             parts);
  if (!info.ok()) co_return ErrorResponse(info.status(), request);
  XmlWriter xml("CompleteMultipartUploadResult");
  std::string host(request.Header("host").value_or("localhost"));
  xml.Element("Location", "http://" + host + "/" + request.target.bucket + "/" + UrlEncodeKey(request.target.key))
      .Element("Bucket", request.target.bucket)
      .Element("Key", request.target.key)
      .Element("ETag", Quoted(info->etag));
  co_return XmlResponse(xml.Finish());
}

S3Response S3Handlers::ListParts(const S3Request& request) {
  auto parts = store_.ListParts(request.target.bucket, request.target.key, request.Query("uploadId"));
  if (!parts.ok()) return ErrorResponse(parts.status(), request);
  int64_t max_parts = 1000, marker = 0;
  if (request.HasQuery("max-parts") && (!ParseInt(request.Query("max-parts"), &max_parts) || max_parts < 0)) {
    return ErrorResponse(Invalid("InvalidArgument", "max-parts must be a non-negative integer"), request);
  }
  if (request.HasQuery("part-number-marker") &&
      (!ParseInt(request.Query("part-number-marker"), &marker) || marker < 0)) {
    return ErrorResponse(Invalid("InvalidArgument", "part-number-marker must be a non-negative integer"), request);
  }
  max_parts = std::min<int64_t>(max_parts, 1000);
  XmlWriter xml("ListPartsResult");
  xml.Element("Bucket", request.target.bucket)
      .Element("Key", request.target.key)
      .Element("UploadId", request.Query("uploadId"))
      .Element("PartNumberMarker", std::to_string(marker))
      .Element("MaxParts", std::to_string(max_parts))
      .Element("StorageClass", "STANDARD");
  std::string now = IsoDate(NowMs());
  int64_t listed = 0, last = marker;
  bool truncated = false;
  for (const storage::MultipartPart& part : *parts) {
    if (part.part_number <= marker) continue;
    if (listed == max_parts) {
      truncated = true;
      break;
    }
    xml.Open("Part")
        .Element("PartNumber", std::to_string(part.part_number))
        .Element("LastModified", now)
        .Element("ETag", Quoted(part.etag))
        .Element("Size", std::to_string(part.size))
        .Close();
    ++listed;
    last = part.part_number;
  }
  xml.Element("NextPartNumberMarker", std::to_string(last)).Element("IsTruncated", truncated ? "true" : "false");
  return XmlResponse(xml.Finish());
}

}  // namespace openaml::http
