#include "openaml/http/s3_routing.h"

#include <gtest/gtest.h>

namespace openaml::http {
namespace {

const std::vector<std::string> kBases = {"localhost", "s3.example.com"};

TEST(S3Routing, ParsesPathStyle) {
  struct Case {
    std::string path, bucket, key;
  };
  for (const Case& c : std::vector<Case>{{"/", "", ""},
                                         {"/bucket", "bucket", ""},
                                         {"/bucket/", "bucket", ""},
                                         {"/bucket/a/b.csv", "bucket", "a/b.csv"},
                                         {"/bucket/a%20b%2Bc", "bucket", "a b+c"},
                                         {"/bucket/a+b", "bucket", "a+b"},
                                         {"/bucket//abs", "bucket", "/abs"},
                                         {"/bucket/..%2F..%2Fx", "bucket", "../../x"},
                                         {"/bucket/%E1%88%B4", "bucket", "\xE1\x88\xB4"}}) {
    auto target = ParseS3Target("127.0.0.1:8600", c.path, kBases);
    ASSERT_TRUE(target.ok()) << c.path;
    EXPECT_EQ(target->bucket, c.bucket) << c.path;
    EXPECT_EQ(target->key, c.key) << c.path;
    EXPECT_FALSE(target->virtual_hosted);
  }
}

TEST(S3Routing, ParsesVirtualHostedStyle) {
  auto target = ParseS3Target("MyBucket.LOCALHOST:8600", "/dir/key", kBases);
  ASSERT_TRUE(target.ok());
  EXPECT_TRUE(target->virtual_hosted);
  EXPECT_EQ(target->bucket, "mybucket");
  EXPECT_EQ(target->key, "dir/key");
  auto dotted = ParseS3Target("my.bucket.s3.example.com", "/", kBases);
  ASSERT_TRUE(dotted.ok());
  EXPECT_EQ(dotted->bucket, "my.bucket");
  EXPECT_EQ(dotted->key, "");
  // The base host itself, or a host that merely ends with the same letters, is path-style.
  EXPECT_FALSE(ParseS3Target("localhost:8600", "/b/k", kBases)->virtual_hosted);
  EXPECT_FALSE(ParseS3Target("notlocalhost", "/b/k", kBases)->virtual_hosted);
}

TEST(S3Routing, RejectsMalformedAndOverlongPaths) {
  EXPECT_FALSE(ParseS3Target("h", "/b/%zz", kBases).ok());
  EXPECT_FALSE(ParseS3Target("h", "/b/%4", kBases).ok());
  EXPECT_TRUE(ParseS3Target("h", "/b/" + std::string(1024, 'k'), kBases).ok());
  auto long_key = ParseS3Target("h", "/b/" + std::string(1025, 'k'), kBases);
  ASSERT_FALSE(long_key.ok());
  EXPECT_TRUE(std::string(long_key.status().message()).starts_with("KeyTooLongError"));
}

TEST(S3Routing, ParsesQueries) {
  auto query = ParseQuery("list-type=2&prefix=a%2Fb&uploads&delimiter=%2F&prefix=second");
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->at("prefix"), "a/b");
  EXPECT_EQ(query->at("uploads"), "");
  EXPECT_EQ(query->at("delimiter"), "/");
  EXPECT_FALSE(ParseQuery("a=%G0").ok());
  EXPECT_TRUE(ParseQuery("&&&").ok());
}

TEST(S3Routing, ResolvesRanges) {
  auto range = [](std::string_view header, uint64_t size) { return ResolveRange(header, size); };
  EXPECT_FALSE(range("", 100)->has_value());
  EXPECT_EQ(range("bytes=0-9", 100)->value().first, 0u);
  EXPECT_EQ(*range("bytes=0-9", 100)->value().last, 9u);
  EXPECT_EQ(*range("bytes=90-200", 100)->value().last, 99u);  // clamped to the end
  EXPECT_EQ(range("bytes=-10", 100)->value().first, 90u);
  EXPECT_EQ(range("bytes=-1000", 100)->value().first, 0u);
  EXPECT_EQ(*range("bytes=5-", 100)->value().last, 99u);
  EXPECT_FALSE(range("bytes=0-1,5-6", 100)->has_value());  // several ranges: whole object
  EXPECT_FALSE(range("bytes=9-3", 100)->has_value());      // invalid: ignored
  EXPECT_FALSE(range("items=0-3", 100)->has_value());
  EXPECT_FALSE(range("bytes=a-b", 100)->has_value());
  EXPECT_EQ(range("bytes=100-", 100).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(range("bytes=-0", 100).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(range("bytes=0-", 0).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(range("bytes=99999999999999999999999-", 100)->has_value());
}

TEST(S3Routing, FormatsDates) {
  EXPECT_EQ(HttpDate(1440938160000), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(IsoDate(1440938160123), "2015-08-30T12:36:00.123Z");
  EXPECT_EQ(UrlEncodeKey("a b/ü+"), "a%20b/%C3%BC%2B");
}

}  // namespace
}  // namespace openaml::http
