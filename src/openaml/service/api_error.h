// Amazon ML's JSON errors (spec §2.5): a Status travels up from the handlers; this maps it, in one table, to
// {"__type": "<ExceptionName>", "message": "..."} and the HTTP status clients expect.
#pragma once

#include <string>
#include <string_view>

#include "openaml/common/status.h"
#include "openaml/http/api_handler.h"

namespace openaml::service {

/// The exception names of spec §2.5 plus the generic JSON-protocol ones.
enum class ApiErrorType {
  kInvalidInput,                 // 400
  kResourceNotFound,             // 404
  kIdempotentParameterMismatch,  // 400
  kLimitExceeded,                // 417
  kInternalServer,               // 500
  kPredictorNotMounted,          // 400
  kInvalidTag,                   // 400
  kTagLimitExceeded,             // 400
  kUnknownOperation,             // 400
  kSerialization,                // 400
};

/// "InvalidInputException", ... (the `__type` value).
std::string_view ApiErrorTypeName(ApiErrorType type);
int ApiErrorHttpStatus(ApiErrorType type);

/// A Status carrying an explicit exception type (as a payload). Use for the types that do not follow from the
/// canonical code: InvalidTag, TagLimitExceeded, UnknownOperation, Serialization, PredictorNotMounted.
Status MakeApiError(ApiErrorType type, std::string_view message);

/// The exception type for `status`: its explicit type when set, else by code: InvalidArgument and
/// FailedPrecondition -> InvalidInput, NotFound -> ResourceNotFound, AlreadyExists -> IdempotentParameterMismatch,
/// ResourceExhausted -> LimitExceeded, anything else -> InternalServer.
ApiErrorType ApiErrorTypeOf(const Status& status);

/// The full error response for a non-OK `status`. Internal errors keep their detail out of the message.
http::ApiResponse ErrorResponse(const Status& status);

}  // namespace openaml::service
