#include "openaml/auth/sigv4_verifier.h"

#include <gtest/gtest.h>

#include "openaml/common/crypto.h"

namespace openaml::auth {
namespace {

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const Clock::time_point kNow = ParseAmzDate("20261204T120000Z").value();

struct Fixture {
  Clock::time_point now = kNow;
  SigV4Verifier verifier{[](std::string_view id) -> std::optional<std::string> {
                           if (id == kCredentials.access_key_id) return kCredentials.secret_access_key;
                           return std::nullopt;
                         },
                         SigV4Verifier::Options{std::chrono::seconds(900), [this] { return now; }}};
};

struct SignedRequest {
  std::string method = "GET";
  std::string path = "/bucket/key";
  std::string query;
  Headers headers = {{"Host", "127.0.0.1:8600"}};
  RequestView View() const { return RequestView{method, path, query, &headers}; }
};

SignedRequest Sign(SignedRequest request, Clock::time_point at = kNow, const Credentials& creds = kCredentials,
                   std::string payload = std::string(kUnsignedPayload), std::string service = "s3") {
  SigningOptions options;
  options.now = at;
  options.payload_hash = payload;
  options.service = service;
  if (service != "s3") options.uri_mode = UriMode::kNormalized;
  EXPECT_TRUE(SignRequest(creds, request.method, request.path, request.query, &request.headers, options).ok());
  return request;
}

std::string CodeOf(const Status& status) {
  std::string message(status.message());
  return std::string(message.substr(0, message.find(':')));
}

TEST(SigV4Verifier, AcceptsAHeaderSignedRequest) {
  Fixture f;
  SignedRequest request = Sign(SignedRequest{});
  auto context = f.verifier.Verify(request.View(), {"s3", UriMode::kS3, std::nullopt});
  ASSERT_TRUE(context.ok()) << context.status();
  EXPECT_EQ(context->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(context->payload_hash, "UNSIGNED-PAYLOAD");
  EXPECT_FALSE(context->presigned);
  EXPECT_EQ(context->signing_key, DeriveSigningKey(kCredentials.secret_access_key, "20261204", "us-east-1", "s3"));
}

TEST(SigV4Verifier, RejectsTamperedRequests) {
  Fixture f;
  VerifyOptions s3{"s3", UriMode::kS3, std::nullopt};
  SignedRequest good = Sign(SignedRequest{});

  SignedRequest other_path = good;
  other_path.path = "/bucket/other";
  EXPECT_EQ(CodeOf(f.verifier.Verify(other_path.View(), s3).status()), "SignatureDoesNotMatch");

  SignedRequest other_query = good;
  other_query.query = "acl";
  EXPECT_EQ(CodeOf(f.verifier.Verify(other_query.View(), s3).status()), "SignatureDoesNotMatch");

  SignedRequest other_host = good;
  other_host.headers[0].value = "evil:8600";
  EXPECT_EQ(CodeOf(f.verifier.Verify(other_host.View(), s3).status()), "SignatureDoesNotMatch");

  SignedRequest other_method = good;
  other_method.method = "DELETE";
  EXPECT_EQ(CodeOf(f.verifier.Verify(other_method.View(), s3).status()), "SignatureDoesNotMatch");

  SignedRequest wrong_secret = Sign(SignedRequest{}, kNow, {"AKIDEXAMPLE", "not-the-secret"});
  auto status = f.verifier.Verify(wrong_secret.View(), s3).status();
  EXPECT_EQ(CodeOf(status), "SignatureDoesNotMatch");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  // The message never echoes the expected signature.
  EXPECT_EQ(std::string(status.message()).find(good.headers.back().value.substr(good.headers.back().value.size() - 64)),
            std::string::npos);

  SignedRequest unknown_key = Sign(SignedRequest{}, kNow, {"AKIDUNKNOWN", "x"});
  EXPECT_EQ(CodeOf(f.verifier.Verify(unknown_key.View(), s3).status()), "InvalidAccessKeyId");
}

TEST(SigV4Verifier, EnforcesTheClockSkewWindow) {
  Fixture f;
  VerifyOptions s3{"s3", UriMode::kS3, std::nullopt};
  EXPECT_TRUE(f.verifier.Verify(Sign(SignedRequest{}, kNow - std::chrono::minutes(14)).View(), s3).ok());
  EXPECT_TRUE(f.verifier.Verify(Sign(SignedRequest{}, kNow + std::chrono::minutes(14)).View(), s3).ok());
  EXPECT_EQ(CodeOf(f.verifier.Verify(Sign(SignedRequest{}, kNow - std::chrono::minutes(16)).View(), s3).status()),
            "RequestTimeTooSkewed");
  EXPECT_EQ(CodeOf(f.verifier.Verify(Sign(SignedRequest{}, kNow + std::chrono::minutes(16)).View(), s3).status()),
            "RequestTimeTooSkewed");
}

TEST(SigV4Verifier, ReportsUnsignedRequestsAsMissingCredentials) {
  Fixture f;
  SignedRequest request;
  auto status = f.verifier.Verify(request.View(), {"s3", UriMode::kS3, std::nullopt}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CodeOf(status), "AccessDenied");
  EXPECT_FALSE(SigV4Verifier::HasCredentials(request.View()));
}

TEST(SigV4Verifier, RejectsHostileAuthorizationHeaders) {
  Fixture f;
  VerifyOptions s3{"s3", UriMode::kS3, std::nullopt};
  const std::string now = FormatAmzDate(kNow);
  const std::vector<std::string> hostile = {
      "",
      "AWS AKIDEXAMPLE:c2lnbmF0dXJl",  // Signature Version 2
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 ",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request/x, SignedHeaders=host, Signature=0",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204//s3/aws4_request, SignedHeaders=host, Signature=0",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, "
      "Signature=0",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, SignedHeaders=host;missing, "
      "Signature=0",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, SignedHeaders=;;;, Signature=0",
      "AWS4-HMAC-SHA256 Credential==, SignedHeaders==, Signature==",
      "AWS4-HMAC-SHA256 " + std::string(100000, ','),
      std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\0/20261204/us-east-1/s3/aws4_request, SignedHeaders=host, "
                  "Signature=0",
                  110),
  };
  for (const std::string& value : hostile) {
    SignedRequest request;
    request.headers.push_back({"X-Amz-Date", now});
    request.headers.push_back({"X-Amz-Content-Sha256", std::string(kUnsignedPayload)});
    request.headers.push_back({"Authorization", value});
    auto result = f.verifier.Verify(request.View(), s3);
    EXPECT_FALSE(result.ok()) << value.substr(0, 120);
    EXPECT_NE(result.status().code(), absl::StatusCode::kOk);
  }
}

TEST(SigV4Verifier, RequiresAValidContentSha256ForS3) {
  Fixture f;
  SignedRequest request = Sign(SignedRequest{});
  for (Header& h : request.headers) {
    if (h.name == "X-Amz-Content-Sha256") h.value = "not-a-hash";
  }
  EXPECT_EQ(CodeOf(f.verifier.Verify(request.View(), {"s3", UriMode::kS3, std::nullopt}).status()),
            "InvalidArgument");
  SignedRequest missing;
  missing.headers.push_back({"X-Amz-Date", FormatAmzDate(kNow)});
  missing.headers.push_back(
      {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, "
                        "SignedHeaders=host;x-amz-date, Signature=00"});
  EXPECT_EQ(CodeOf(f.verifier.Verify(missing.View(), {"s3", UriMode::kS3, std::nullopt}).status()),
            "InvalidRequest");
}

TEST(SigV4Verifier, VerifiesJsonBodiesByTheirHash) {
  Fixture f;
  std::string body = R"({"Limit":5})";
  SignedRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers.push_back({"X-Amz-Target", "AmazonML_20141212.DescribeMLModels"});
  SigningOptions options;
  options.now = kNow;
  options.service = "machinelearning";
  options.uri_mode = UriMode::kNormalized;
  options.payload_hash = crypto::Sha256Hex(body);
  options.add_content_sha256_header = false;
  ASSERT_TRUE(SignRequest(kCredentials, "POST", "/", "", &request.headers, options).ok());
  VerifyOptions ml{"machinelearning", UriMode::kNormalized, crypto::Sha256Hex(body)};
  ASSERT_TRUE(f.verifier.Verify(request.View(), ml).ok());
  // Another body: the signature no longer matches.
  VerifyOptions other{"machinelearning", UriMode::kNormalized, crypto::Sha256Hex(R"({"Limit":6})")};
  EXPECT_EQ(CodeOf(f.verifier.Verify(request.View(), other).status()), "SignatureDoesNotMatch");
  // Signed for S3, sent to the ML API: the scope names the wrong service.
  SignedRequest for_s3 = Sign(SignedRequest{}, kNow, kCredentials, crypto::Sha256Hex(body));
  EXPECT_EQ(CodeOf(f.verifier.Verify(for_s3.View(), ml).status()), "AuthorizationHeaderMalformed");
  // A declared content hash that is not the body's.
  request.headers.push_back({"X-Amz-Content-Sha256", crypto::Sha256Hex("other")});
  EXPECT_EQ(CodeOf(f.verifier.Verify(request.View(), ml).status()), "XAmzContentSHA256Mismatch");
}

TEST(SigV4Verifier, AcceptsPresignedUrlsUntilTheyExpire) {
  Fixture f;
  VerifyOptions s3{"s3", UriMode::kS3, std::nullopt};
  SigningOptions options;
  options.now = kNow;
  auto query = PresignQuery(kCredentials, "GET", "/bucket/a%20key", "", "127.0.0.1:8600", 600, options);
  ASSERT_TRUE(query.ok());
  SignedRequest request;
  request.path = "/bucket/a%20key";
  request.query = *query;
  EXPECT_TRUE(SigV4Verifier::HasCredentials(request.View()));
  auto context = f.verifier.Verify(request.View(), s3);
  ASSERT_TRUE(context.ok()) << context.status();
  EXPECT_TRUE(context->presigned);

  f.now = kNow + std::chrono::seconds(601);
  EXPECT_EQ(f.verifier.Verify(request.View(), s3).status().message(), "AccessDenied: Request has expired");
  f.now = kNow - std::chrono::minutes(20);
  EXPECT_EQ(CodeOf(f.verifier.Verify(request.View(), s3).status()), "AccessDenied");
  f.now = kNow;

  SignedRequest tampered = request;
  tampered.path = "/bucket/other";
  EXPECT_EQ(CodeOf(f.verifier.Verify(tampered.View(), s3).status()), "SignatureDoesNotMatch");
  SignedRequest extra = request;
  extra.query += "&x-id=PutObject";
  EXPECT_EQ(CodeOf(f.verifier.Verify(extra.View(), s3).status()), "SignatureDoesNotMatch");
  SignedRequest both = request;
  both.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=x"});
  EXPECT_EQ(CodeOf(f.verifier.Verify(both.View(), s3).status()), "InvalidArgument");
}

TEST(SigV4Verifier, RejectsHostilePresignedQueries) {
  Fixture f;
  VerifyOptions s3{"s3", UriMode::kS3, std::nullopt};
  const std::vector<std::string> hostile = {
      "X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-east-1%2Fs3%2Faws4_request&"
      "X-Amz-Date=20261204T120000Z&X-Amz-Expires=-1&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-east-1%2Fs3%2Faws4_request&"
      "X-Amz-Date=20261204T120000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-east-1%2Fs3%2Faws4_request&"
      "X-Amz-Date=yesterday&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%ZZ&X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE&X-Amz-Date=20261204T120000Z&X-Amz-Expires=60&"
      "X-Amz-SignedHeaders=host&X-Amz-Signature=00",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-east-1%2Fs3%2Faws4_request&"
      "X-Amz-Date=20261204T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
  };
  for (const std::string& query : hostile) {
    SignedRequest request;
    request.query = query;
    EXPECT_FALSE(f.verifier.Verify(request.View(), s3).ok()) << query;
  }
}

}  // namespace
}  // namespace openaml::auth
