#include "openaml/auth/aws_chunked.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

#include "openaml/auth/checksum.h"
#include "openaml/common/crypto.h"

namespace openaml::auth {
namespace {

// The S3 API reference's streaming example: 64 KiB + 1 KiB of 'a', chunk signatures chained from the seed.
AuthContext S3DocContext() {
  AuthContext auth;
  auth.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  auth.amz_date = "20130524T000000Z";
  auth.scope = "20130524/us-east-1/s3/aws4_request";
  auth.signing_key = DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
  auth.seed_signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  return auth;
}

std::string S3DocBody() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

Status DecodeAll(AwsChunkedDecoder& decoder, std::string_view wire, std::string* out, size_t step) {
  for (size_t i = 0; i < wire.size(); i += step) {
    OPENAML_RETURN_IF_ERROR(decoder.Feed(wire.substr(i, step), out));
  }
  return decoder.Finish();
}

AwsChunkedDecoder::Options SignedOptions() {
  auto options = AwsChunkedDecoder::OptionsFor(kStreamingSignedPayload, S3DocContext());
  EXPECT_TRUE(options.ok());
  return *options;
}

TEST(AwsChunked, DecodesAndVerifiesTheS3DocExampleInAnySlicing) {
  std::string wire = S3DocBody();
  ASSERT_EQ(wire.size(), 66824u);  // the example's Content-Length
  for (size_t step : {size_t{1}, size_t{7}, size_t{4096}, wire.size()}) {
    auto options = SignedOptions();
    options.decoded_length = 66560;
    AwsChunkedDecoder decoder(options);
    std::string out;
    ASSERT_TRUE(DecodeAll(decoder, wire, &out, step).ok()) << step;
    EXPECT_EQ(out, std::string(66560, 'a'));
    EXPECT_TRUE(decoder.done());
  }
}

TEST(AwsChunked, RejectsTamperedOrTruncatedBodies) {
  std::string wire = S3DocBody();
  {
    std::string tampered = wire;
    tampered[200] = 'b';  // a data byte of the first chunk
    AwsChunkedDecoder decoder(SignedOptions());
    std::string out;
    Status status = DecodeAll(decoder, tampered, &out, 4096);
    EXPECT_TRUE(absl::StartsWith(status.message(), "SignatureDoesNotMatch")) << status;
  }
  {
    AwsChunkedDecoder decoder(SignedOptions());
    std::string out;
    Status status = DecodeAll(decoder, std::string_view(wire).substr(0, wire.size() - 90), &out, 4096);
    EXPECT_FALSE(status.ok());
  }
  {
    auto options = SignedOptions();
    options.decoded_length = 66561;
    AwsChunkedDecoder decoder(options);
    std::string out;
    EXPECT_FALSE(DecodeAll(decoder, wire, &out, 4096).ok());
  }
  {
    // A reordered chain: the second chunk signed as the first.
    AuthContext auth = S3DocContext();
    auth.seed_signature = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    AwsChunkedDecoder decoder(*AwsChunkedDecoder::OptionsFor(kStreamingSignedPayload, auth));
    std::string out;
    EXPECT_FALSE(DecodeAll(decoder, wire, &out, 4096).ok());
  }
}

TEST(AwsChunked, RejectsHostileFraming) {
  const std::vector<std::string> hostile = {
      "",
      "zz;chunk-signature=00\r\n",
      "10000\r\n",                                  // unsigned chunk in a signed stream
      "ffffffffffffffffffff;chunk-signature=00\r\n",  // size overflow
      "5;chunk-signature=00\nhello\r\n",            // bare LF
      std::string(10000, '1'),                      // endless size line
      "0;chunk-signature=00\r\n\r\n",               // wrong final signature
  };
  for (const std::string& wire : hostile) {
    AwsChunkedDecoder decoder(SignedOptions());
    std::string out;
    EXPECT_FALSE(DecodeAll(decoder, wire, &out, 3).ok()) << wire.substr(0, 40);
  }
}

std::string UnsignedTrailerBody(std::string_view data, std::string_view trailer_line) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", data.size());
  return std::string(size) + "\r\n" + std::string(data) + "\r\n0\r\n" + std::string(trailer_line) + "\r\n\r\n";
}

TEST(AwsChunked, VerifiesUnsignedTrailingChecksums) {
  std::string data = "hello, world";
  for (auto [name, algorithm] : std::vector<std::pair<std::string, ChecksumAlgorithm>>{
           {"x-amz-checksum-crc32", ChecksumAlgorithm::kCrc32},
           {"x-amz-checksum-crc32c", ChecksumAlgorithm::kCrc32c},
           {"x-amz-checksum-crc64nvme", ChecksumAlgorithm::kCrc64Nvme},
           {"x-amz-checksum-sha1", ChecksumAlgorithm::kSha1},
           {"x-amz-checksum-sha256", ChecksumAlgorithm::kSha256}}) {
    BodyChecksum checksum(algorithm);
    checksum.Update(data);
    std::string value = checksum.FinishBase64();
    auto options = *AwsChunkedDecoder::OptionsFor(kStreamingUnsignedPayloadTrailer, AuthContext{});
    options.announced_trailer = name;
    {
      AwsChunkedDecoder decoder(options);
      std::string out;
      ASSERT_TRUE(DecodeAll(decoder, UnsignedTrailerBody(data, name + ":" + value), &out, 5).ok()) << name;
      EXPECT_EQ(out, data);
      ASSERT_TRUE(decoder.trailer_checksum().has_value());
      EXPECT_EQ(decoder.trailer_checksum()->second, value);
    }
    {
      AwsChunkedDecoder decoder(options);
      std::string out;
      Status status = DecodeAll(decoder, UnsignedTrailerBody(data, name + ":AAAAAA=="), &out, 5);
      EXPECT_TRUE(absl::StartsWith(status.message(), "BadDigest")) << name << " " << status;
    }
  }
}

TEST(AwsChunked, VerifiesSignedTrailers) {
  AuthContext auth = S3DocContext();
  std::string data(3000, 'x');
  std::string chunk_sig = SignatureHex(
      auth.signing_key, ChunkStringToSign(auth.amz_date, auth.scope, auth.seed_signature, crypto::Sha256Hex(data)));
  std::string final_sig = SignatureHex(
      auth.signing_key, ChunkStringToSign(auth.amz_date, auth.scope, chunk_sig, kEmptyPayloadSha256));
  BodyChecksum crc(ChecksumAlgorithm::kCrc32);
  crc.Update(data);
  std::string trailer = "x-amz-checksum-crc32:" + crc.FinishBase64();
  std::string trailer_sig = SignatureHex(
      auth.signing_key, TrailerStringToSign(auth.amz_date, auth.scope, final_sig, crypto::Sha256Hex(trailer + "\n")));
  std::string wire = "bb8;chunk-signature=" + chunk_sig + "\r\n" + data + "\r\n0;chunk-signature=" + final_sig +
                     "\r\n" + trailer + "\r\nx-amz-trailer-signature:" + trailer_sig + "\r\n\r\n";
  auto options = *AwsChunkedDecoder::OptionsFor(kStreamingSignedPayloadTrailer, auth);
  options.announced_trailer = "x-amz-checksum-crc32";
  {
    AwsChunkedDecoder decoder(options);
    std::string out;
    ASSERT_TRUE(DecodeAll(decoder, wire, &out, 100).ok());
    EXPECT_EQ(out, data);
  }
  {
    std::string forged = wire;
    forged.replace(forged.find("x-amz-trailer-signature:") + 24, 4, "0000");
    AwsChunkedDecoder decoder(options);
    std::string out;
    EXPECT_FALSE(DecodeAll(decoder, forged, &out, 100).ok());
  }
}

TEST(Checksum, MatchesStandardCheckValues) {
  EXPECT_EQ(Crc64Nvme(0, "123456789"), 0xAE8B14860A799888ull);
  EXPECT_EQ(crypto::Crc32(0, "123456789"), 0xCBF43926u);
  BodyChecksum crc32(ChecksumAlgorithm::kCrc32);
  crc32.Update("123");
  crc32.Update("456789");
  EXPECT_EQ(crc32.FinishBase64(), crypto::Base64Encode(std::string("\xCB\xF4\x39\x26", 4)));
  EXPECT_EQ(ChecksumAlgorithmFromHeader("X-Amz-Checksum-SHA256"), ChecksumAlgorithm::kSha256);
  EXPECT_FALSE(ChecksumAlgorithmFromHeader("x-amz-checksum-md5").has_value());
}

}  // namespace
}  // namespace openaml::auth
