#include "openaml/storage/objects/object_store.h"

#include <gtest/gtest.h>

#include "openaml/storage/objects/local_object_store.h"
#include "openaml/storage/objects/test_util_internal.h"

namespace openaml::storage {
namespace {

using testing::GetString;
using testing::PutString;
using testing::ReadAll;
using testing::TempDir;

TEST(ParseS3Url, SplitsBucketAndKey) {
  struct Case {
    const char* url;
    const char* bucket;
    const char* key;
  };
  const Case cases[] = {
      {"s3://bucket", "bucket", ""},
      {"s3://bucket/", "bucket", ""},
      {"s3://bucket/key.csv", "bucket", "key.csv"},
      {"s3://bucket/path/to/data/", "bucket", "path/to/data/"},
      {"s3://bucket//double", "bucket", "/double"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseS3Url(c.url);
    ASSERT_TRUE(parsed.ok()) << c.url;
    EXPECT_EQ(parsed->first, c.bucket);
    EXPECT_EQ(parsed->second, c.key);
  }
  for (const std::string& bad : std::vector<std::string>{"", "s3://", "s3:///key", "http://bucket/key", "S3://bucket/key", "bucket/key",
                          "s3:/bucket", "s3://" + std::string(2044, 'b')}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseS3Url(bad).status())) << bad;
  }
  EXPECT_TRUE(ParseS3Url("s3://" + std::string(2043, 'b')).ok());  // exactly 2048 characters
}

class DataFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LocalObjectStoreOptions options;
    options.sync = false;
    auto store = LocalObjectStore::Make(dir_.path(), options);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->CreateBucket("data").ok());
  }
  TempDir dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(DataFilesTest, PrefixListsNonEmptyFilesInKeyOrder) {
  ASSERT_TRUE(PutString(*store_, "data", "in/", "").ok());  // folder marker: ignored
  ASSERT_TRUE(PutString(*store_, "data", "in/input2.csv", "2\n").ok());
  ASSERT_TRUE(PutString(*store_, "data", "in/input1.csv", "1\n").ok());
  ASSERT_TRUE(PutString(*store_, "data", "in/sub/input3.csv", "33\n").ok());
  ASSERT_TRUE(PutString(*store_, "data", "inside.csv", "not under the prefix").ok());
  auto files = ListDataFiles(*store_, "s3://data/in/");
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].uri, "s3://data/in/input1.csv");
  EXPECT_EQ((*files)[1].uri, "s3://data/in/input2.csv");
  EXPECT_EQ((*files)[2].uri, "s3://data/in/sub/input3.csv");
  EXPECT_EQ((*files)[2].size_bytes, 3u);
  auto source = (*files)[1].open();
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*ReadAll(**source), "2\n");
}

TEST_F(DataFilesTest, PagesThroughLargePrefixes) {
  for (int i = 0; i < 1005; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "many/f%05d", i);
    ASSERT_TRUE(PutString(*store_, "data", key, "x").ok());
  }
  auto files = ListDataFiles(*store_, "s3://data/many/");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1005u);
  EXPECT_EQ(files->back().uri, "s3://data/many/f01004");
}

TEST_F(DataFilesTest, SingleObjectAndMissingLocations) {
  ASSERT_TRUE(PutString(*store_, "data", "one.csv", "a,b\n").ok());
  auto files = ListDataFiles(*store_, "s3://data/one.csv");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->front().size_bytes, 4u);
  EXPECT_TRUE(absl::IsNotFound(ListDataFiles(*store_, "s3://data/two.csv").status()));
  EXPECT_TRUE(absl::IsNotFound(ListDataFiles(*store_, "s3://data/empty/").status()));
  EXPECT_TRUE(absl::IsNotFound(ListDataFiles(*store_, "s3://nobucket/x").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(ListDataFiles(*store_, "data/x").status()));
}

TEST_F(DataFilesTest, ObjectSinkIsAtomic) {
  auto sink = OpenObjectSink(*store_, "s3://data/out/result.gz");
  ASSERT_TRUE(sink.ok()) << sink.status();
  ASSERT_TRUE((*sink)->Write("partial").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->HeadObject("data", "out/result.gz").status()));
  ASSERT_TRUE((*sink)->Write(" and the rest").ok());
  ASSERT_TRUE((*sink)->Commit().ok());
  EXPECT_EQ(*GetString(*store_, "data", "out/result.gz"), "partial and the rest");
  EXPECT_TRUE(absl::IsInvalidArgument(OpenObjectSink(*store_, "s3://data/out/").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(OpenObjectSink(*store_, "s3://data").status()));
}

}  // namespace
}  // namespace openaml::storage
