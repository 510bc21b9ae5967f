// AWS Signature Version 4: the signing building blocks, shared by the server (verification, see
// sigv4_verifier.h) and by every client openaml runs itself (the external S3 store's libcurl client).
//
// The algorithm (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
//   1. CanonicalRequest = method \n CanonicalUri \n CanonicalQueryString \n CanonicalHeaders \n
//                         SignedHeaders \n PayloadHash
//   2. StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(SHA256(CanonicalRequest)),
//                         Scope = yyyymmdd/region/service/aws4_request
//   3. SigningKey       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
//   4. Signature        = hex(HMAC(SigningKey, StringToSign))
// URI rules differ by service: S3 encodes the path once and never normalises it; other services normalise
// the path (".", "..", "//") and encode the already-encoded path a second time.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::auth {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
/// x-amz-content-sha256 values that are not a hex SHA-256 of the body.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
/// hex(SHA-256("")): the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

/// One header as sent on the wire; the name may be in any case. Repeated names are allowed.
struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

enum class UriMode {
  kS3,          // path encoded once, not normalised (S3 and S3-compatible stores)
  kNormalized,  // dot segments and empty segments removed, then the wire path encoded again (other services)
};

using Clock = std::chrono::system_clock;

// ---------------------------------------------------------------------------------------------------------
// Building blocks (each one step of the algorithm above; all pure functions, thread-safe).

/// Percent-encode `text` as SigV4 requires: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, every other
/// byte becomes %XX with upper-case hex; '/' stays unless `encode_slash`.
std::string UriEncode(std::string_view text, bool encode_slash);

/// Decode %XX escapes ('+' stays '+'). False on a truncated or non-hex escape.
bool PercentDecode(std::string_view text, std::string* out);

/// The CanonicalURI of a request whose path is `raw_path` exactly as on the wire (percent-encoded, without
/// the query). kS3: decode, then encode once with '/' kept. kNormalized: remove dot segments and empty
/// segments, then encode the wire form (so "%20" becomes "%2520", as AWS SDKs do for non-S3 services).
/// InvalidArgument on a malformed escape.
Result<std::string> CanonicalUri(std::string_view raw_path, UriMode mode);

/// The CanonicalQueryString of `raw_query` (as on the wire, without '?'): each name and value decoded, then
/// re-encoded strictly, sorted by name then value, joined "n=v&...". A parameter named `omit` (e.g.
/// "X-Amz-Signature" when verifying a presigned URL) is left out. InvalidArgument on a malformed escape.
Result<std::string> CanonicalQueryString(std::string_view raw_query, std::string_view omit = {});

/// The canonical form of one header value: leading/trailing blanks removed, inner runs of blanks collapsed.
std::string CanonicalHeaderValue(std::string_view value);

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per signed header, sorted by lower-case name
  std::string signed_headers;  // "host;x-amz-date"
};

/// Canonicalise all of `headers` (a client signs every header it sends). Repeated names are joined with ','.
CanonicalHeaders CanonicalizeHeaders(const Headers& headers);

/// Canonicalise only the headers named in `signed_headers` (the server's view: the client said which it
/// signed). InvalidArgument when a named header is absent or the list is empty or malformed.
Result<std::string> CanonicalHeadersBlock(const Headers& headers, std::string_view signed_headers);

/// Step 1: join the parts into the canonical request.
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers_block,
                             std::string_view signed_headers, std::string_view payload_hash);

/// "yyyymmdd/region/service/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region, std::string_view service);

/// Step 2: the string to sign for a request (`amz_date` is "yyyymmddThhmmssZ").
std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

/// Step 3: the raw 32-byte signing key.
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date, std::string_view region,
                             std::string_view service);

/// Step 4: lower-case hex HMAC-SHA256 of `string_to_sign` with `signing_key`.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

/// "AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex".
std::string AuthorizationHeader(std::string_view access_key_id, std::string_view scope,
                                std::string_view signed_headers, std::string_view signature_hex);

/// The string to sign for one aws-chunked chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): chains
/// `previous_signature` (the seed signature for the first chunk) with hex(SHA-256(chunk data)).
std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature, std::string_view chunk_sha256_hex);

/// The string to sign for the trailer of STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: chains the last chunk's
/// signature with hex(SHA-256(trailer lines, each "name:value\n")).
std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature, std::string_view trailer_sha256_hex);

/// "yyyymmddThhmmssZ" (UTC) of `time`.
std::string FormatAmzDate(Clock::time_point time);
/// Parse "yyyymmddThhmmssZ"; InvalidArgument otherwise.
Result<Clock::time_point> ParseAmzDate(std::string_view text);
/// Parse an RFC 1123 date ("Sun, 30 Aug 2015 12:36:00 GMT", the Date header); InvalidArgument otherwise.
Result<Clock::time_point> ParseHttpDate(std::string_view text);

/// Compare two signatures in constant time.
bool SignaturesEqual(std::string_view a, std::string_view b);

// ---------------------------------------------------------------------------------------------------------
// Signing key cache: the HMAC chain costs four HMACs; a server verifying many requests per second (Predict)
// derives each key once per (access key, date, region, service). Thread-safe; bounded (cleared when full).
// Each thread also keeps its last key, so the steady state takes no lock shared by threads.

class SigningKeyCache {
 public:
  /// The signing key for the given scope, derived on first use.
  std::string Get(std::string_view access_key_id, std::string_view secret_access_key, std::string_view date,
                  std::string_view region, std::string_view service);

 private:
  /// The shared map behind the per-thread entry of Get() (takes mutex_).
  std::string GetShared(std::string_view access_key_id, std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service);
  static constexpr size_t kMaxEntries = 256;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> keys_;  // guarded by mutex_; "akid\0secret\0scope" -> key
};

// ---------------------------------------------------------------------------------------------------------
// High-level signing for clients.

struct SigningOptions {
  std::string region = "us-east-1";
  std::string service = "s3";
  UriMode uri_mode = UriMode::kS3;
  Clock::time_point now = Clock::now();
  /// hex SHA-256 of the body, or kUnsignedPayload / a STREAMING-* value. Empty: the empty-body hash.
  std::string payload_hash;
  /// Also send x-amz-content-sha256 (S3 requires it; other services accept it).
  bool add_content_sha256_header = true;
  /// Sent as X-Amz-Security-Token when not empty (temporary credentials).
  std::string session_token;
};

/// Sign a request in header form. `headers` must already hold Host (and whatever else is sent, all of which
/// gets signed); this adds X-Amz-Date, X-Amz-Content-Sha256 (per options), X-Amz-Security-Token (if any) and
/// Authorization. `raw_path` and `raw_query` are exactly what goes on the wire (already percent-encoded).
Status SignRequest(const Credentials& credentials, std::string_view method, std::string_view raw_path,
                   std::string_view raw_query, Headers* headers, const SigningOptions& options);

/// Presign a request (query form): return the full query string to send (`raw_query`'s parameters plus the
/// X-Amz-* ones, X-Amz-Signature last). Only the Host header is signed; the payload is UNSIGNED-PAYLOAD.
/// `expires_seconds` must be in [1, 604800].
Result<std::string> PresignQuery(const Credentials& credentials, std::string_view method, std::string_view raw_path,
                                 std::string_view raw_query, std::string_view host, int64_t expires_seconds,
                                 const SigningOptions& options);

}  // namespace openaml::auth
