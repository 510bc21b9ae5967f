// Server-side verification of SigV4-signed requests: the Authorization header form and the presigned-URL
// query form, with the 15-minute clock-skew window and presigned expiry.
//
// Errors are Status values whose message starts with the S3 error code ("SignatureDoesNotMatch: ..."), which
// http/aws_errors maps to the S3 XML error or the JSON-protocol exception. Codes used:
//   kUnauthenticated   AccessDenied (no credentials at all: no Authorization header, no X-Amz-Signature)
//   kPermissionDenied  SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed, AccessDenied (expired)
//   kInvalidArgument   AuthorizationHeaderMalformed, AuthorizationQueryParametersError, InvalidRequest,
//                      XAmzContentSHA256Mismatch
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "openaml/auth/sigv4.h"
#include "openaml/common/status.h"

namespace openaml::auth {

/// A request as received, before its body is read.
struct RequestView {
  std::string_view method;
  std::string_view raw_path;   // as on the wire, percent-encoded, without '?'
  std::string_view raw_query;  // as on the wire, without '?'
  const Headers* headers = nullptr;
};

/// What a verified request proves, and what its aws-chunked body (if any) must chain from.
struct AuthContext {
  std::string access_key_id;
  bool presigned = false;
  /// The payload hash that was signed: a hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* value.
  std::string payload_hash;
  std::string amz_date;        // "yyyymmddThhmmssZ"
  std::string scope;           // "yyyymmdd/region/service/aws4_request"
  std::string signing_key;     // raw key, for chunk signatures; never logged
  std::string seed_signature;  // the request's signature (hex)
};

struct VerifyOptions {
  /// The service the scope must name ("s3", "machinelearning").
  std::string_view service;
  UriMode uri_mode = UriMode::kS3;
  /// hex SHA-256 of the whole body when the caller has read it (JSON APIs): signed as the payload hash, and
  /// x-amz-content-sha256, if sent, must equal it. Unset (S3): x-amz-content-sha256 is required in header form
  /// and the handler checks a hex value against the streamed body itself.
  std::optional<std::string> body_sha256_hex;
};

/// Verify requests against one set of credentials (or a lookup). Thread-safe.
class SigV4Verifier {
 public:
  /// The secret for an access key id, or nullopt if the key is unknown.
  using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

  struct Options {
    std::chrono::seconds max_skew{15 * 60};
    /// Injected for tests; defaults to the system clock.
    std::function<Clock::time_point()> now;
    static Options Defaults() { return Options{}; }
  };

  SigV4Verifier(SecretLookup lookup, Options options);

  /// Verify `request`; on success say who signed it and how its payload is covered.
  Result<AuthContext> Verify(const RequestView& request, const VerifyOptions& options);

  /// True when the request carries any SigV4 credentials (header or query); false means anonymous.
  static bool HasCredentials(const RequestView& request);

 private:
  Result<AuthContext> VerifyHeaderForm(const RequestView& request, std::string_view authorization,
                                       const VerifyOptions& options);
  Result<AuthContext> VerifyQueryForm(const RequestView& request, const VerifyOptions& options);
  /// Check scope/date/access key, derive the signing key and compare the signature.
  Status CheckSignature(const RequestView& request, const VerifyOptions& options, std::string_view access_key_id,
                        std::string_view scope, std::string_view amz_date, std::string_view signed_headers,
                        std::string_view canonical_query, std::string_view payload_hash,
                        std::string_view signature, std::string* signing_key);
  Clock::time_point Now() const;

  SecretLookup lookup_;
  Options options_;
  SigningKeyCache key_cache_;
};

/// Find the first header named `name` (case-insensitive) in `headers`.
const Header* FindHeader(const Headers& headers, std::string_view name);

}  // namespace openaml::auth
