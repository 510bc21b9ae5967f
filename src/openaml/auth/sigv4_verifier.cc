#include "openaml/auth/sigv4_verifier.h"

#include <charconv>
#include <map>
#include <vector>

#include "openaml/common/str_cat.h"

namespace openaml::auth {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Status Error(absl::StatusCode code, std::string_view s3_code, std::string_view message) {
  return Status(code, Concat({s3_code, ": ", message}));
}
Status Malformed(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, "AuthorizationHeaderMalformed", message);
}
Status QueryError(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, "AuthorizationQueryParametersError", message);
}
Status Denied(std::string_view s3_code, std::string_view message) {
  return Error(absl::StatusCode::kPermissionDenied, s3_code, message);
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

bool IsKnownPayloadToken(std::string_view value) {
  return value == kUnsignedPayload || value == kStreamingSignedPayload || value == kStreamingSignedPayloadTrailer ||
         value == kStreamingUnsignedPayloadTrailer;
}

std::vector<std::string_view> SplitAll(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// Decoded query parameters by name (the first value of each name wins).
Result<std::map<std::string, std::string>> DecodeQuery(std::string_view raw_query) {
  std::map<std::string, std::string> params;
  for (std::string_view part : SplitAll(raw_query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string name, value;
    if (!PercentDecode(part.substr(0, eq), &name) ||
        !PercentDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), &value)) {
      return absl::InvalidArgumentError("malformed percent-escape in query string");
    }
    params.emplace(std::move(name), std::move(value));
  }
  return params;
}

}  // namespace

const Header* FindHeader(const Headers& headers, std::string_view name) {
  for (const Header& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return &header;
  }
  return nullptr;
}

SigV4Verifier::SigV4Verifier(SecretLookup lookup, Options options)
    : lookup_(std::move(lookup)), options_(std::move(options)) {}

Clock::time_point SigV4Verifier::Now() const { return options_.now ? options_.now() : Clock::now(); }

bool SigV4Verifier::HasCredentials(const RequestView& request) {
  if (request.headers != nullptr && FindHeader(*request.headers, "authorization") != nullptr) return true;
  return request.raw_query.find("X-Amz-Signature=") != std::string_view::npos ||
         request.raw_query.find("X-Amz-Credential=") != std::string_view::npos;
}

Result<AuthContext> SigV4Verifier::Verify(const RequestView& request, const VerifyOptions& options) {
  static const Headers kNoHeaders;
  RequestView view = request;
  if (view.headers == nullptr) view.headers = &kNoHeaders;
  const Header* authorization = FindHeader(*view.headers, "authorization");
  bool query_form = view.raw_query.find("X-Amz-Signature=") != std::string_view::npos ||
                    view.raw_query.find("X-Amz-Credential=") != std::string_view::npos ||
                    view.raw_query.find("X-Amz-Algorithm=") != std::string_view::npos;
  if (authorization != nullptr && query_form) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidArgument", "Only one auth mechanism allowed");
  }
  if (authorization != nullptr) return VerifyHeaderForm(view, authorization->value, options);
  if (query_form) return VerifyQueryForm(view, options);
  if (view.raw_query.find("AWSAccessKeyId=") != std::string_view::npos) {
    return Error(absl::StatusCode::kUnauthenticated, "AccessDenied",
                 "Signature Version 2 presigned URLs are not supported: presign with Signature Version 4 "
                 "(botocore: Config(signature_version='s3v4'))");
  }
  return Error(absl::StatusCode::kUnauthenticated, "AccessDenied",
               "request is not signed: no Authorization header or X-Amz-Signature");
}

Result<AuthContext> SigV4Verifier::VerifyHeaderForm(const RequestView& request, std::string_view authorization,
                                                    const VerifyOptions& options) {
  authorization = Trim(authorization);
  std::string prefix = Concat({kAlgorithm, " "});
  if (!authorization.starts_with(prefix)) {
    return Malformed("the authorization header must use the AWS4-HMAC-SHA256 algorithm");
  }
  std::string_view credential, signed_headers, signature;
  for (std::string_view part : SplitAll(authorization.substr(prefix.size()), ',')) {
    part = Trim(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return Malformed("the authorization header is malformed");
    std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "Credential") credential = value;
    else if (key == "SignedHeaders") signed_headers = value;
    else if (key == "Signature") signature = value;
  }
  if (credential.empty() || signed_headers.empty() || signature.empty()) {
    return Malformed("the authorization header needs Credential, SignedHeaders and Signature");
  }
  std::vector<std::string_view> credential_parts = SplitAll(credential, '/');
  if (credential_parts.size() != 5) return Malformed("Credential must be AKID/date/region/service/aws4_request");
  std::string_view access_key_id = credential_parts[0];
  std::string scope(credential.substr(access_key_id.size() + 1));

  // The request time: x-amz-date, else Date.
  std::string amz_date;
  Clock::time_point request_time;
  if (const Header* h = FindHeader(*request.headers, "x-amz-date")) {
    auto parsed = ParseAmzDate(Trim(h->value));
    if (!parsed.ok()) return Denied("AccessDenied", "X-Amz-Date is not a valid ISO 8601 basic date");
    request_time = *parsed;
    amz_date = std::string(Trim(h->value));
  } else if (const Header* d = FindHeader(*request.headers, "date")) {
    auto parsed = ParseHttpDate(Trim(d->value));
    if (!parsed.ok()) return Denied("AccessDenied", "Date is not a valid RFC 1123 date");
    request_time = *parsed;
    amz_date = FormatAmzDate(request_time);
  } else {
    return Denied("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  auto skew = Now() - request_time;
  if (skew > options_.max_skew || -skew > options_.max_skew) {
    return Denied("RequestTimeTooSkewed",
                  "the difference between the request time and the server's time is too large (15 minutes at most)");
  }

  std::string payload_hash;
  const Header* content_sha = FindHeader(*request.headers, "x-amz-content-sha256");
  if (options.body_sha256_hex.has_value()) {
    payload_hash = *options.body_sha256_hex;
    if (content_sha != nullptr && !EqualsIgnoreCase(Trim(content_sha->value), payload_hash)) {
      return Error(absl::StatusCode::kInvalidArgument, "XAmzContentSHA256Mismatch",
                   "the provided x-amz-content-sha256 header does not match what was computed");
    }
  } else {
    if (content_sha == nullptr) {
      return Error(absl::StatusCode::kInvalidArgument, "InvalidRequest",
                   "Missing required header for this request: x-amz-content-sha256");
    }
    payload_hash = std::string(Trim(content_sha->value));
    if (!IsSha256Hex(payload_hash) && !IsKnownPayloadToken(payload_hash)) {
      return Error(absl::StatusCode::kInvalidArgument, "InvalidArgument",
                   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-..., or a valid sha256 value");
    }
  }

  auto canonical_query = CanonicalQueryString(request.raw_query);
  if (!canonical_query.ok()) return Denied("SignatureDoesNotMatch", std::string(canonical_query.status().message()));
  AuthContext context;
  OPENAML_RETURN_IF_ERROR(CheckSignature(request, options, access_key_id, scope, amz_date, signed_headers,
                                         *canonical_query, payload_hash, signature, &context.signing_key));
  context.access_key_id = std::string(access_key_id);
  context.payload_hash = std::move(payload_hash);
  context.amz_date = std::move(amz_date);
  context.scope = std::move(scope);
  context.seed_signature = std::string(signature);
  return context;
}

Result<AuthContext> SigV4Verifier::VerifyQueryForm(const RequestView& request, const VerifyOptions& options) {
  auto params_or = DecodeQuery(request.raw_query);
  if (!params_or.ok()) return QueryError("malformed percent-escape in query string");
  const auto& params = *params_or;
  auto get = [&params](const char* name) -> std::string_view {
    auto it = params.find(name);
    return it == params.end() ? std::string_view() : std::string_view(it->second);
  };
  std::string_view algorithm = get("X-Amz-Algorithm"), credential = get("X-Amz-Credential"),
                   amz_date = get("X-Amz-Date"), expires_text = get("X-Amz-Expires"),
                   signed_headers = get("X-Amz-SignedHeaders"), signature = get("X-Amz-Signature");
  if (algorithm != kAlgorithm) return QueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  if (credential.empty() || amz_date.empty() || expires_text.empty() || signed_headers.empty() ||
      signature.empty()) {
    return QueryError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
        "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  int64_t expires = 0;
  auto [end, ec] = std::from_chars(expires_text.data(), expires_text.data() + expires_text.size(), expires);
  if (ec != std::errc() || end != expires_text.data() + expires_text.size() || expires < 1 || expires > 604800) {
    return QueryError("X-Amz-Expires must be a number of seconds between 1 and 604800");
  }
  auto request_time = ParseAmzDate(amz_date);
  if (!request_time.ok()) return QueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  Clock::time_point now = Now();
  if (now > *request_time + std::chrono::seconds(expires)) return Denied("AccessDenied", "Request has expired");
  if (*request_time - now > options_.max_skew) return Denied("AccessDenied", "Request is not valid yet");
  std::vector<std::string_view> credential_parts = SplitAll(credential, '/');
  if (credential_parts.size() != 5) return QueryError("X-Amz-Credential must be AKID/date/region/service/aws4_request");
  std::string_view access_key_id = credential_parts[0];
  std::string scope(credential.substr(access_key_id.size() + 1));

  std::string payload_hash =
      options.body_sha256_hex.has_value() ? *options.body_sha256_hex : std::string(kUnsignedPayload);
  auto canonical_query = CanonicalQueryString(request.raw_query, "X-Amz-Signature");
  if (!canonical_query.ok()) return QueryError(std::string(canonical_query.status().message()));
  AuthContext context;
  OPENAML_RETURN_IF_ERROR(CheckSignature(request, options, access_key_id, scope, amz_date, signed_headers,
                                         *canonical_query, payload_hash, signature, &context.signing_key));
  context.access_key_id = std::string(access_key_id);
  context.presigned = true;
  context.payload_hash = std::move(payload_hash);
  context.amz_date = std::string(amz_date);
  context.scope = std::move(scope);
  context.seed_signature = std::string(signature);
  return context;
}

Status SigV4Verifier::CheckSignature(const RequestView& request, const VerifyOptions& options,
                                     std::string_view access_key_id, std::string_view scope,
                                     std::string_view amz_date, std::string_view signed_headers,
                                     std::string_view canonical_query, std::string_view payload_hash,
                                     std::string_view signature, std::string* signing_key) {
  std::vector<std::string_view> scope_parts = SplitAll(scope, '/');  // date/region/service/aws4_request
  if (scope_parts.size() != 4 || scope_parts[3] != "aws4_request") {
    return Malformed("the credential scope must end in aws4_request");
  }
  if (scope_parts[0] != amz_date.substr(0, 8)) {
    return Malformed(Concat({"the date in the credential scope (", scope_parts[0], ") does not match the request date"}));
  }
  if (scope_parts[2] != options.service) {
    return Malformed(Concat({"the credential scope names service '", scope_parts[2], "', expected '", options.service,
                          "'"}));
  }
  if (scope_parts[1].empty()) return Malformed("the credential scope has an empty region");
  std::optional<std::string> secret = lookup_ ? lookup_(access_key_id) : std::nullopt;
  if (!secret.has_value()) {
    return Denied("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
  }
  bool host_signed = false;
  for (std::string_view name : SplitAll(signed_headers, ';')) host_signed |= EqualsIgnoreCase(name, "host");
  if (!host_signed) return Denied("SignatureDoesNotMatch", "the Host header must be signed");

  auto canonical_uri = CanonicalUri(request.raw_path, options.uri_mode);
  if (!canonical_uri.ok()) return Denied("SignatureDoesNotMatch", std::string(canonical_uri.status().message()));
  auto headers_block = CanonicalHeadersBlock(*request.headers, signed_headers);
  if (!headers_block.ok()) return Denied("SignatureDoesNotMatch", std::string(headers_block.status().message()));
  std::string string_to_sign =
      StringToSign(amz_date, scope,
                   CanonicalRequest(request.method, *canonical_uri, canonical_query, *headers_block, signed_headers,
                                    payload_hash));
  *signing_key = key_cache_.Get(access_key_id, *secret, scope_parts[0], scope_parts[1], scope_parts[2]);
  if (!SignaturesEqual(SignatureHex(*signing_key, string_to_sign), signature)) {
    return Denied("SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you provided. Check your key "
                  "and signing method.");
  }
  return absl::OkStatus();
}

}  // namespace openaml::auth
