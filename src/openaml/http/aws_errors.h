// The one table that turns openaml Status values into AWS errors, for both wire protocols:
//   S3 (REST-XML): <Error><Code>NoSuchKey</Code><Message>...</Message>...</Error> with S3's HTTP status;
//   JSON 1.1 (the Amazon ML API): {"__type": "InvalidInputException", "message": "..."} (spec §2.5).
//
// A Status names its AWS error in one of two ways: its message starts with the code ("NoSuchBucket: ...", the
// convention of storage/objects and auth/), or only its absl code carries the meaning and the table's default
// for that code applies.
#pragma once

#include <string>
#include <string_view>

#include "openaml/common/status.h"

namespace openaml::http {

struct AwsError {
  std::string code;     // "NoSuchKey", "InvalidSignatureException"
  int http_status = 500;
  std::string message;  // the Status message without the code prefix
};

/// The S3 error for `status` (which must not be OK).
AwsError ToS3Error(const Status& status);

/// The JSON-protocol exception for `status` (which must not be OK): authentication failures become
/// MissingAuthenticationTokenException / UnrecognizedClientException / InvalidSignatureException (403), the
/// canonical codes become the Amazon ML exceptions of spec §2.5.
AwsError ToJsonError(const Status& status);

/// The S3 XML error document.
std::string S3ErrorXml(const AwsError& error, std::string_view resource, std::string_view request_id);

/// The JSON error body {"__type": ..., "message": ...}.
std::string JsonErrorBody(const AwsError& error);

/// A Status whose message carries an S3 error code, e.g. S3Status(absl::StatusCode::kInvalidArgument,
/// "MalformedXML", "...") has message "MalformedXML: ...".
Status S3Status(absl::StatusCode code, std::string_view s3_code, std::string_view message);

}  // namespace openaml::http
