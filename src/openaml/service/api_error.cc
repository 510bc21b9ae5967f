#include "openaml/service/api_error.h"

#include <nlohmann/json.hpp>

#include "absl/strings/cord.h"
#include "openaml/common/logging.h"

namespace openaml::service {
namespace {

constexpr std::string_view kPayloadUrl = "openaml/aws-error-type";

constexpr ApiErrorType kAllTypes[] = {
    ApiErrorType::kInvalidInput,     ApiErrorType::kResourceNotFound,    ApiErrorType::kIdempotentParameterMismatch,
    ApiErrorType::kLimitExceeded,    ApiErrorType::kInternalServer,      ApiErrorType::kPredictorNotMounted,
    ApiErrorType::kInvalidTag,       ApiErrorType::kTagLimitExceeded,    ApiErrorType::kUnknownOperation,
    ApiErrorType::kSerialization,
};

// Error messages are at most 2048 characters (spec §13).
constexpr size_t kMaxMessage = 2048;

}  // namespace

std::string_view ApiErrorTypeName(ApiErrorType type) {
  switch (type) {
    case ApiErrorType::kInvalidInput: return "InvalidInputException";
    case ApiErrorType::kResourceNotFound: return "ResourceNotFoundException";
    case ApiErrorType::kIdempotentParameterMismatch: return "IdempotentParameterMismatchException";
    case ApiErrorType::kLimitExceeded: return "LimitExceededException";
    case ApiErrorType::kInternalServer: return "InternalServerException";
    case ApiErrorType::kPredictorNotMounted: return "PredictorNotMountedException";
    case ApiErrorType::kInvalidTag: return "InvalidTagException";
    case ApiErrorType::kTagLimitExceeded: return "TagLimitExceededException";
    case ApiErrorType::kUnknownOperation: return "UnknownOperationException";
    case ApiErrorType::kSerialization: return "SerializationException";
  }
  return "InternalServerException";  // unreachable: the switch covers every enumerator
}

int ApiErrorHttpStatus(ApiErrorType type) {
  switch (type) {
    case ApiErrorType::kResourceNotFound: return 404;
    case ApiErrorType::kLimitExceeded: return 417;
    case ApiErrorType::kInternalServer: return 500;
    default: return 400;
  }
}

Status MakeApiError(ApiErrorType type, std::string_view message) {
  absl::StatusCode code = type == ApiErrorType::kResourceNotFound ? absl::StatusCode::kNotFound
                          : type == ApiErrorType::kInternalServer ? absl::StatusCode::kInternal
                          : type == ApiErrorType::kLimitExceeded  ? absl::StatusCode::kResourceExhausted
                                                                  : absl::StatusCode::kInvalidArgument;
  Status status(code, absl::string_view(message.data(), message.size()));
  std::string_view name = ApiErrorTypeName(type);
  status.SetPayload(absl::string_view(kPayloadUrl.data(), kPayloadUrl.size()),
                    absl::Cord(absl::string_view(name.data(), name.size())));
  return status;
}

ApiErrorType ApiErrorTypeOf(const Status& status) {
  if (auto payload = status.GetPayload(absl::string_view(kPayloadUrl.data(), kPayloadUrl.size()))) {
    std::string name(*payload);
    for (ApiErrorType type : kAllTypes) {
      if (ApiErrorTypeName(type) == name) return type;
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return ApiErrorType::kInvalidInput;
    case absl::StatusCode::kNotFound: return ApiErrorType::kResourceNotFound;
    case absl::StatusCode::kAlreadyExists: return ApiErrorType::kIdempotentParameterMismatch;
    case absl::StatusCode::kResourceExhausted: return ApiErrorType::kLimitExceeded;
    default: return ApiErrorType::kInternalServer;
  }
}

http::ApiResponse ErrorResponse(const Status& status) {
  ApiErrorType type = ApiErrorTypeOf(status);
  std::string message(status.message());
  if (type == ApiErrorType::kInternalServer) {
    spdlog::error("ml api: internal error: {}", message);
    message = "An internal error occurred; see the server log.";
  }
  if (message.size() > kMaxMessage) message.resize(kMaxMessage);
  nlohmann::json body = {{"__type", ApiErrorTypeName(type)}, {"message", message}};
  http::ApiResponse response;
  response.status = ApiErrorHttpStatus(type);
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace openaml::service
