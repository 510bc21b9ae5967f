#include "openaml/common/crypto.h"

#include <gtest/gtest.h>

namespace openaml::crypto {
namespace {

TEST(Crypto, Sha256OfEmptyStringMatchesKnownDigest) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, Md5MatchesRfc1321Vector) {
  EXPECT_EQ(HexEncode(Md5("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, StreamingDigestEqualsOneShot) {
  StreamingDigest digest(StreamingDigest::Algorithm::kMd5);
  digest.Update("message ");
  digest.Update("digest");
  EXPECT_EQ(HexEncode(digest.Finish()), "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(Crypto, Base64RoundTripsAndRejectsMalformed) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    std::string decoded;
    ASSERT_TRUE(Base64Decode(Base64Encode(s), &decoded)) << s;
    EXPECT_EQ(decoded, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  std::string out;
  EXPECT_FALSE(Base64Decode("abc", &out));
  EXPECT_FALSE(Base64Decode("a===", &out));
}

TEST(Crypto, CrcsMatchCheckValues) {
  // The standard check value is the CRC of "123456789".
  EXPECT_EQ(Crc32(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32c(0, "123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(Crc32c(0, "1234"), "56789"), 0xE3069283u);
}

}  // namespace
}  // namespace openaml::crypto
