#include "openaml/auth/sigv4.h"

#include <gtest/gtest.h>

#include "openaml/common/crypto.h"

namespace openaml::auth {
namespace {

// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): credentials, scope and time.
const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
constexpr std::string_view kSuiteDate = "20150830T123600Z";

struct SuiteCase {
  std::string name;
  std::string method;
  std::string path;   // as on the wire
  std::string query;  // as on the wire
  Headers extra_headers;
  std::string body;
  std::string signature;
};

std::string SignSuiteCase(const SuiteCase& c, UriMode mode = UriMode::kNormalized) {
  Headers headers = c.extra_headers;
  headers.push_back({"Host", "example.amazonaws.com"});
  headers.push_back({"X-Amz-Date", std::string(kSuiteDate)});
  CanonicalHeaders canonical = CanonicalizeHeaders(headers);
  std::string uri = CanonicalUri(c.path, mode).value();
  std::string query = CanonicalQueryString(c.query).value();
  std::string request = CanonicalRequest(c.method, uri, query, canonical.block, canonical.signed_headers,
                                         crypto::Sha256Hex(c.body));
  std::string scope = CredentialScope("20150830", "us-east-1", "service");
  std::string key = DeriveSigningKey(kSuiteCredentials.secret_access_key, "20150830", "us-east-1", "service");
  return SignatureHex(key, StringToSign(kSuiteDate, scope, request));
}

TEST(SigV4, MatchesAwsTestSuite) {
  const std::vector<SuiteCase> cases = {
      {"get-vanilla", "GET", "/", "", {}, "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", {}, "",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-empty-query-key", "GET", "/", "Param1=value1", {}, "",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-unreserved", "GET", "/",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {}, "", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query", "GET", "/", "%E1%88%B4=bar", {}, "",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", {}, "",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8", "GET", "/\xE1\x88\xB4", "", {}, "",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-header-key-duplicate", "GET", "/", "",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}, "",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order", "GET", "/", "",
       {{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}}, "",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim", "GET", "/", "", {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}, "",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-vanilla", "POST", "/", "", {}, "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-vanilla-query", "POST", "/", "Param1=value1", {}, "",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-header-key-case", "POST", "/", "", {{"MY-HEADER1", "value1"}}, "",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case", "POST", "/", "", {{"My-Header1", "VALUE1"}}, "",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla-query-nonunreserved", "POST", "/",
       "%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D", {}, "",
       "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
      {"post-vanilla-query-space", "POST", "/", "p=", {}, "",
       "e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b"},
      {"post-x-www-form-urlencoded", "POST", "/", "", {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Param1=value1", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
  };
  for (const SuiteCase& c : cases) {
    EXPECT_EQ(SignSuiteCase(c), c.signature) << c.name;
  }
}

TEST(SigV4, NormalizesPathsForNonS3Services) {
  EXPECT_EQ(CanonicalUri("/example/..", UriMode::kNormalized).value(), "/");
  EXPECT_EQ(CanonicalUri("/./", UriMode::kNormalized).value(), "/");
  EXPECT_EQ(CanonicalUri("//example//", UriMode::kNormalized).value(), "/example/");
  EXPECT_EQ(CanonicalUri("/example%20space/", UriMode::kNormalized).value(), "/example%2520space/");
  // S3: no normalisation, one encoding of the decoded path.
  EXPECT_EQ(CanonicalUri("/b/a/../c//d", UriMode::kS3).value(), "/b/a/../c//d");
  EXPECT_EQ(CanonicalUri("/b/a%20b%2Bc~%21", UriMode::kS3).value(), "/b/a%20b%2Bc~%21");
  EXPECT_EQ(CanonicalUri("/b/a+b", UriMode::kS3).value(), "/b/a%2Bb");
  EXPECT_FALSE(CanonicalUri("/b/%2", UriMode::kS3).ok());
  EXPECT_FALSE(CanonicalUri("/b/%zz", UriMode::kS3).ok());
}

TEST(SigV4, CanonicalQueryRejectsMalformedEscapes) {
  EXPECT_FALSE(CanonicalQueryString("a=%").ok());
  EXPECT_FALSE(CanonicalQueryString("a%G1=b").ok());
  EXPECT_EQ(CanonicalQueryString("b=2&a=1&a=0&X-Amz-Signature=abc", "X-Amz-Signature").value(), "a=0&a=1&b=2");
  EXPECT_EQ(CanonicalQueryString("uploads").value(), "uploads=");
}

TEST(SigV4, DerivesPublishedSigningKey) {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  EXPECT_EQ(crypto::HexEncode(DeriveSigningKey(kSuiteCredentials.secret_access_key, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

// The S3 API reference's worked examples (sig-v4-header-based-auth / query-string-auth / streaming).
const Credentials kS3DocCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
const Clock::time_point kS3DocTime = ParseAmzDate("20130524T000000Z").value();

TEST(SigV4, SignsS3DocGetObjectExample) {
  Headers headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  SigningOptions options;
  options.now = kS3DocTime;
  ASSERT_TRUE(SignRequest(kS3DocCredentials, "GET", "/test.txt", "", &headers, options).ok());
  EXPECT_EQ(headers.back().name, "Authorization");
  EXPECT_EQ(headers.back().value,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PresignsS3DocExample) {
  SigningOptions options;
  options.now = kS3DocTime;
  auto query = PresignQuery(kS3DocCredentials, "GET", "/test.txt", "", "examplebucket.s3.amazonaws.com", 86400,
                            options);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
            "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&"
            "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_FALSE(PresignQuery(kS3DocCredentials, "GET", "/t", "", "h", 0, options).ok());
  EXPECT_FALSE(PresignQuery(kS3DocCredentials, "GET", "/t", "", "h", 604801, options).ok());
}

TEST(SigV4, ChainsS3DocChunkSignatures) {
  // PUT /examplebucket/chunkObject.txt with STREAMING-AWS4-HMAC-SHA256-PAYLOAD: 64 KiB + 1 KiB of 'a'.
  Headers headers = {{"Host", "s3.amazonaws.com"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"Content-Encoding", "aws-chunked"},
                     {"x-amz-decoded-content-length", "66560"},
                     {"Content-Length", "66824"}};
  SigningOptions options;
  options.now = kS3DocTime;
  options.payload_hash = std::string(kStreamingSignedPayload);
  ASSERT_TRUE(SignRequest(kS3DocCredentials, "PUT", "/examplebucket/chunkObject.txt", "", &headers, options).ok());
  std::string seed = headers.back().value.substr(headers.back().value.rfind('=') + 1);
  EXPECT_EQ(seed, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

  std::string key = DeriveSigningKey(kS3DocCredentials.secret_access_key, "20130524", "us-east-1", "s3");
  std::string scope = CredentialScope("20130524", "us-east-1", "s3");
  std::string first = SignatureHex(
      key, ChunkStringToSign("20130524T000000Z", scope, seed, crypto::Sha256Hex(std::string(65536, 'a'))));
  EXPECT_EQ(first, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  std::string second = SignatureHex(
      key, ChunkStringToSign("20130524T000000Z", scope, first, crypto::Sha256Hex(std::string(1024, 'a'))));
  EXPECT_EQ(second, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  std::string last = SignatureHex(key, ChunkStringToSign("20130524T000000Z", scope, second, kEmptyPayloadSha256));
  EXPECT_EQ(last, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

// Cross-checked with botocore 1.43 (S3SigV4Auth / S3SigV4QueryAuth / SigV4Auth at 2015-08-30T12:36:00Z).
TEST(SigV4, MatchesBotocoreForS3KeysWithReservedCharacters) {
  Headers headers = {{"Content-Type", "text/plain"}, {"Host", "127.0.0.1:8600"}};
  SigningOptions options;
  options.now = ParseAmzDate(kSuiteDate).value();
  options.payload_hash = crypto::Sha256Hex("hello");
  ASSERT_TRUE(
      SignRequest(kSuiteCredentials, "PUT", "/my-bucket/dir/a%20b%2Bc~%21.txt", "", &headers, options).ok());
  EXPECT_EQ(headers.back().value,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
            "Signature=a4005a5934acde38496f98050f196e7580ca17a52f9a15dad1138e141037cc18");
}

TEST(SigV4, MatchesBotocorePresignWithQuery) {
  SigningOptions options;
  options.now = ParseAmzDate(kSuiteDate).value();
  auto query = PresignQuery(kSuiteCredentials, "GET", "/my-bucket/key%20one",
                            "list-type=2&prefix=a%2Fb&delimiter=%2F", "127.0.0.1:8600", 3600, options);
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query->ends_with("X-Amz-Signature=adb0f66102abc88a9f3b9c940914b1a62479a094da023d14892ca3b94308dd48"))
      << *query;
}

TEST(SigV4, MatchesBotocoreForMachineLearningJson) {
  Headers headers = {{"X-Amz-Target", "AmazonML_20141212.DescribeMLModels"},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"Host", "127.0.0.1:8600"}};
  SigningOptions options;
  options.service = "machinelearning";
  options.uri_mode = UriMode::kNormalized;
  options.now = ParseAmzDate(kSuiteDate).value();
  options.payload_hash = crypto::Sha256Hex("{}");
  options.add_content_sha256_header = false;
  ASSERT_TRUE(SignRequest(kSuiteCredentials, "POST", "/", "", &headers, options).ok());
  EXPECT_TRUE(headers.back().value.ends_with(
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature=8538360ff38ed268a3285dd044df58d42074d6151120919285dc5b5adc95cf42"));
}

TEST(SigV4, SignRequestNeedsHost) {
  Headers headers;
  EXPECT_FALSE(SignRequest(kSuiteCredentials, "GET", "/", "", &headers, SigningOptions{}).ok());
}

TEST(SigV4, ParsesDates) {
  auto t = ParseAmzDate("20150830T123600Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatAmzDate(*t), "20150830T123600Z");
  EXPECT_EQ(ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT").value(), *t);
  for (std::string_view bad : {"", "20150830", "20150830T123600", "2015083OT123600Z", "20151330T123600Z",
                               "20150830T253600Z", "20150830T123600Z0"}) {
    EXPECT_FALSE(ParseAmzDate(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseHttpDate("Sun, 30 Foo 2015 12:36:00 GMT").ok());
  EXPECT_FALSE(ParseHttpDate("30 Aug 2015").ok());
}

TEST(SigV4, CachesSigningKeys) {
  SigningKeyCache cache;
  std::string a = cache.Get("AK", "secret", "20150830", "us-east-1", "s3");
  EXPECT_EQ(a, DeriveSigningKey("secret", "20150830", "us-east-1", "s3"));
  EXPECT_EQ(cache.Get("AK", "secret", "20150830", "us-east-1", "s3"), a);
  EXPECT_NE(cache.Get("AK", "other", "20150830", "us-east-1", "s3"), a);  // a rotated secret is not served stale
  for (int i = 0; i < 1000; ++i) cache.Get("AK", "secret", std::to_string(20150000 + i), "r", "s");  // bounded
  EXPECT_EQ(cache.Get("AK", "secret", "20150830", "us-east-1", "s3"), a);
}

TEST(SigV4, ComparesSignaturesExactly) {
  EXPECT_TRUE(SignaturesEqual("abc", "abc"));
  EXPECT_FALSE(SignaturesEqual("abc", "abd"));
  EXPECT_FALSE(SignaturesEqual("abc", "ab"));
}

}  // namespace
}  // namespace openaml::auth
