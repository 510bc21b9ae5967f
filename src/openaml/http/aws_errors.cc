#include "openaml/http/aws_errors.h"

#include <array>

#include "nlohmann/json.hpp"
#include "openaml/http/xml.h"

namespace openaml::http {
namespace {

struct Entry {
  std::string_view code;        // the S3 (or auth) code carried in a Status message
  int http_status;              // S3's HTTP status for it
  std::string_view json_type;   // the JSON-protocol exception when the same failure reaches the ML API
};

// S3 error codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) and the authentication
// codes of auth/sigv4_verifier.h. The JSON column follows spec §2.5 (authentication: the gap we decided).
constexpr Entry kTable[] = {
    {"AccessDenied", 403, "MissingAuthenticationTokenException"},
    {"AuthorizationHeaderMalformed", 400, "IncompleteSignatureException"},
    {"AuthorizationQueryParametersError", 400, "IncompleteSignatureException"},
    {"BadDigest", 400, "InvalidInputException"},
    {"BucketAlreadyExists", 409, "InvalidInputException"},
    {"BucketAlreadyOwnedByYou", 409, "InvalidInputException"},
    {"BucketNotEmpty", 409, "InvalidInputException"},
    {"EntityTooLarge", 400, "InvalidInputException"},
    {"EntityTooSmall", 400, "InvalidInputException"},
    {"IncompleteBody", 400, "InvalidInputException"},
    {"InternalError", 500, "InternalServerException"},
    {"InvalidAccessKeyId", 403, "UnrecognizedClientException"},
    {"InvalidArgument", 400, "InvalidInputException"},
    {"InvalidBucketName", 400, "InvalidInputException"},
    {"InvalidDigest", 400, "InvalidInputException"},
    {"InvalidKey", 400, "InvalidInputException"},
    {"InvalidPart", 400, "InvalidInputException"},
    {"InvalidPartOrder", 400, "InvalidInputException"},
    {"InvalidRange", 416, "InvalidInputException"},
    {"InvalidRequest", 400, "InvalidInputException"},
    {"InvalidURI", 400, "InvalidInputException"},
    {"KeyTooLongError", 400, "InvalidInputException"},
    {"MalformedXML", 400, "InvalidInputException"},
    {"MethodNotAllowed", 405, "InvalidInputException"},
    {"MissingContentLength", 411, "InvalidInputException"},
    {"NoSuchBucket", 404, "ResourceNotFoundException"},
    {"NoSuchKey", 404, "ResourceNotFoundException"},
    {"NoSuchUpload", 404, "ResourceNotFoundException"},
    {"NotImplemented", 501, "UnknownOperationException"},
    {"PreconditionFailed", 412, "InvalidInputException"},
    {"RequestTimeTooSkewed", 403, "InvalidSignatureException"},
    {"RequestTimeout", 400, "InvalidInputException"},
    {"SignatureDoesNotMatch", 403, "InvalidSignatureException"},
    {"SlowDown", 503, "LimitExceededException"},
    {"XAmzContentSHA256Mismatch", 400, "InvalidSignatureException"},
    // JSON-protocol exceptions (spec §2.5), carried by Status messages of the ML API and the server.
    {"InvalidInputException", 400, "InvalidInputException"},
    {"ResourceNotFoundException", 404, "ResourceNotFoundException"},
    {"IdempotentParameterMismatchException", 400, "IdempotentParameterMismatchException"},
    {"LimitExceededException", 417, "LimitExceededException"},
    {"InternalServerException", 500, "InternalServerException"},
    {"PredictorNotMountedException", 400, "PredictorNotMountedException"},
    {"InvalidTagException", 400, "InvalidTagException"},
    {"TagLimitExceededException", 400, "TagLimitExceededException"},
    {"UnknownOperationException", 400, "UnknownOperationException"},
    {"SerializationException", 400, "SerializationException"},
};

// When a Status carries no code in its message: its canonical code decides (conventions.md §4).
struct Fallback {
  absl::StatusCode code;
  std::string_view s3_code;
  std::string_view json_type;
};
constexpr Fallback kFallbacks[] = {
    {absl::StatusCode::kInvalidArgument, "InvalidArgument", "InvalidInputException"},
    {absl::StatusCode::kOutOfRange, "InvalidRange", "InvalidInputException"},
    {absl::StatusCode::kNotFound, "NoSuchKey", "ResourceNotFoundException"},
    {absl::StatusCode::kAlreadyExists, "BucketAlreadyOwnedByYou", "IdempotentParameterMismatchException"},
    {absl::StatusCode::kFailedPrecondition, "InvalidRequest", "InvalidInputException"},
    {absl::StatusCode::kResourceExhausted, "SlowDown", "LimitExceededException"},
    {absl::StatusCode::kUnauthenticated, "AccessDenied", "MissingAuthenticationTokenException"},
    {absl::StatusCode::kPermissionDenied, "AccessDenied", "AccessDeniedException"},
    {absl::StatusCode::kUnimplemented, "NotImplemented", "UnknownOperationException"},
    {absl::StatusCode::kDeadlineExceeded, "RequestTimeout", "InternalServerException"},
};

const Entry* Find(std::string_view code) {
  for (const Entry& entry : kTable) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

// Split "Code: message" when Code is in the table.
const Entry* SplitCode(const Status& status, std::string* message) {
  std::string_view text(status.message().data(), status.message().size());
  size_t colon = text.find(": ");
  if (colon != std::string_view::npos && colon < 64) {
    if (const Entry* entry = Find(text.substr(0, colon))) {
      *message = std::string(text.substr(colon + 2));
      return entry;
    }
  }
  *message = std::string(text);
  return nullptr;
}

const Fallback* FallbackFor(absl::StatusCode code) {
  for (const Fallback& fallback : kFallbacks) {
    if (fallback.code == code) return &fallback;
  }
  return nullptr;
}

}  // namespace

AwsError ToS3Error(const Status& status) {
  AwsError error;
  if (const Entry* entry = SplitCode(status, &error.message)) {
    error.code = std::string(entry->code);
    error.http_status = entry->http_status;
    return error;
  }
  const Fallback* fallback = FallbackFor(status.code());
  const Entry* entry = fallback ? Find(fallback->s3_code) : nullptr;
  error.code = entry ? std::string(entry->code) : "InternalError";
  error.http_status = entry ? entry->http_status : 500;
  if (!entry) error.message = "We encountered an internal error. Please try again.";
  return error;
}

AwsError ToJsonError(const Status& status) {
  AwsError error;
  std::string_view type;
  if (const Entry* entry = SplitCode(status, &error.message)) {
    type = entry->json_type;
  } else if (const Fallback* fallback = FallbackFor(status.code())) {
    type = fallback->json_type;
  } else {
    type = "InternalServerException";
    error.message = "An internal error occurred.";
  }
  error.code = std::string(type);
  const Entry* json_entry = Find(type);
  error.http_status = json_entry ? json_entry->http_status : 400;
  if (type == "MissingAuthenticationTokenException" || type == "UnrecognizedClientException" ||
      type == "InvalidSignatureException" || type == "IncompleteSignatureException" ||
      type == "AccessDeniedException") {
    error.http_status = type == "IncompleteSignatureException" ? 400 : 403;
  }
  return error;
}

std::string S3ErrorXml(const AwsError& error, std::string_view resource, std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + XmlEscape(error.code) +
                    "</Code><Message>" + XmlEscape(error.message) + "</Message>";
  if (!resource.empty()) out += "<Resource>" + XmlEscape(resource) + "</Resource>";
  out += "<RequestId>" + XmlEscape(request_id) + "</RequestId></Error>";
  return out;
}

std::string JsonErrorBody(const AwsError& error) {
  nlohmann::json body = {{"__type", error.code}, {"message", error.message}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status S3Status(absl::StatusCode code, std::string_view s3_code, std::string_view message) {
  return Status(code, std::string(s3_code) + ": " + std::string(message));
}

}  // namespace openaml::http
