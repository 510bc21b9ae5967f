#include "openaml/http/aws_errors.h"

#include <gtest/gtest.h>

namespace openaml::http {
namespace {

TEST(AwsErrors, MapsCodesInMessagesToS3Errors) {
  struct Case {
    Status status;
    std::string code;
    int http;
  };
  for (const Case& c : std::vector<Case>{
           {absl::NotFoundError("NoSuchBucket: no bucket 'x'"), "NoSuchBucket", 404},
           {absl::NotFoundError("NoSuchKey: k"), "NoSuchKey", 404},
           {absl::AlreadyExistsError("BucketAlreadyOwnedByYou: b"), "BucketAlreadyOwnedByYou", 409},
           {absl::FailedPreconditionError("BucketNotEmpty: b"), "BucketNotEmpty", 409},
           {absl::PermissionDeniedError("SignatureDoesNotMatch: x"), "SignatureDoesNotMatch", 403},
           {absl::UnauthenticatedError("AccessDenied: unsigned"), "AccessDenied", 403},
           {absl::OutOfRangeError("InvalidRange: r"), "InvalidRange", 416},
           {absl::InvalidArgumentError("MalformedXML: m"), "MalformedXML", 400},
           {absl::InvalidArgumentError("just a message"), "InvalidArgument", 400},
           {absl::NotFoundError("plain"), "NoSuchKey", 404},
           {absl::InternalError("disk on fire"), "InternalError", 500},
           {absl::InvalidArgumentError("NotACode: x"), "InvalidArgument", 400},
       }) {
    AwsError error = ToS3Error(c.status);
    EXPECT_EQ(error.code, c.code) << c.status;
    EXPECT_EQ(error.http_status, c.http) << c.status;
  }
  // Internal details stay out of responses.
  EXPECT_EQ(ToS3Error(absl::InternalError("disk on fire")).message.find("fire"), std::string::npos);
  EXPECT_EQ(ToS3Error(absl::NotFoundError("NoSuchKey: the key")).message, "the key");
}

TEST(AwsErrors, MapsAuthAndCanonicalCodesToJsonExceptions) {
  struct Case {
    Status status;
    std::string type;
    int http;
  };
  for (const Case& c : std::vector<Case>{
           {absl::UnauthenticatedError("AccessDenied: unsigned"), "MissingAuthenticationTokenException", 403},
           {absl::PermissionDeniedError("SignatureDoesNotMatch: x"), "InvalidSignatureException", 403},
           {absl::PermissionDeniedError("InvalidAccessKeyId: x"), "UnrecognizedClientException", 403},
           {absl::PermissionDeniedError("RequestTimeTooSkewed: x"), "InvalidSignatureException", 403},
           {absl::InvalidArgumentError("bad value"), "InvalidInputException", 400},
           {absl::NotFoundError("no such model"), "ResourceNotFoundException", 404},
           {absl::AlreadyExistsError("same id"), "IdempotentParameterMismatchException", 400},
           {absl::ResourceExhaustedError("too many"), "LimitExceededException", 417},
           {absl::InternalError("boom"), "InternalServerException", 500},
           {absl::InvalidArgumentError("PredictorNotMountedException: not mounted"), "PredictorNotMountedException",
            400},
       }) {
    AwsError error = ToJsonError(c.status);
    EXPECT_EQ(error.code, c.type) << c.status;
    EXPECT_EQ(error.http_status, c.http) << c.status;
  }
}

TEST(AwsErrors, RendersBodies) {
  AwsError error{"NoSuchKey", 404, "key <a&b>"};
  std::string xml = S3ErrorXml(error, "/b/<k>", "REQ1");
  EXPECT_NE(xml.find("<Code>NoSuchKey</Code><Message>key &lt;a&amp;b&gt;</Message>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Resource>/b/&lt;k&gt;</Resource><RequestId>REQ1</RequestId>"), std::string::npos);
  EXPECT_EQ(JsonErrorBody({"InvalidInputException", 400, "bad \"x\"\n"}),
            R"({"__type":"InvalidInputException","message":"bad \"x\"\n"})");
  EXPECT_EQ(JsonErrorBody({"InvalidInputException", 400, std::string("\xff")}),
            "{\"__type\":\"InvalidInputException\",\"message\":\"\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace openaml::http
