#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/local_object_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "openaml/common/crypto.h"
#include "openaml/storage/objects/test_util_internal.h"
#include "openaml/storage/objects/text_internal.h"

namespace openaml::storage {
namespace {

using testing::FilesUnder;
using testing::Message;
using testing::GetString;
using testing::PutString;
using testing::ReadAll;
using testing::TempDir;

std::string Md5Hex(std::string_view data) { return crypto::HexEncode(crypto::Md5(data)); }

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open(LocalObjectStoreOptions options = FastOptions()) {
    store_.reset();
    auto store = LocalObjectStore::Make(dir_.path(), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->CreateBucket("bucket").ok() || store_->HeadBucket("bucket").ok());
  }

  /// No fsync (these tests check names and bytes, not power loss) and tiny multipart parts.
  static LocalObjectStoreOptions FastOptions() {
    LocalObjectStoreOptions options;
    options.sync = false;
    options.min_part_size = 4;
    return options;
  }

  std::vector<std::string> TmpFiles() { return FilesUnder(dir_.path() + "/tmp"); }

  TempDir dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

// ---------------------------------------------------------------------------------------------------------------
// Buckets

TEST(BucketName, FollowsS3Rules) {
  struct Case {
    std::string name;
    bool valid;
  };
  const Case cases[] = {
      {"abc", true},          {"my-bucket.data-01", true}, {"aml-sample-data", true}, {"a1b", true},
      {"ab", false},          {"", false},                 {"MyBucket", false},       {"under_score", false},
      {"-abc", false},        {"abc-", false},             {".abc", false},           {"abc.", false},
      {"a..b", false},        {"a.-b", false},             {"a-.b", false},           {"192.168.5.4", false},
      {"xn--abc", false},     {"sthree-abc", false},       {"abc-s3alias", false},    {"abc--ol-s3", false},
      {"..", false},          {"...", false},              {"a/b", false},            {"a b", false},
      {std::string("bucket\0x", 8), false},   {"1.2.3", true},             {"999.1.1.1.1", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ValidateBucketName(c.name).ok(), c.valid) << c.name;
  }
  EXPECT_TRUE(ValidateBucketName(std::string(63, 'a')).ok());
  Status too_long = ValidateBucketName(std::string(64, 'a'));
  EXPECT_TRUE(absl::IsInvalidArgument(too_long));
  EXPECT_TRUE(Message(too_long).starts_with("InvalidBucketName")) << too_long;
}

TEST_F(LocalObjectStoreTest, BucketLifecycle) {
  EXPECT_TRUE(store_->CreateBucket("second").ok());
  Status again = store_->CreateBucket("second");
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_TRUE(Message(again).starts_with("BucketAlreadyOwnedByYou"));

  auto buckets = store_->ListBuckets();
  ASSERT_TRUE(buckets.ok());
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_EQ((*buckets)[0].name, "bucket");
  EXPECT_EQ((*buckets)[1].name, "second");
  EXPECT_GT((*buckets)[1].created_at_ms, 1600000000000);

  ASSERT_TRUE(PutString(*store_, "second", "a/b/c", "x").ok());
  Status not_empty = store_->DeleteBucket("second");
  EXPECT_TRUE(absl::IsFailedPrecondition(not_empty)) << not_empty;
  EXPECT_TRUE(Message(not_empty).starts_with("BucketNotEmpty"));

  ASSERT_TRUE(store_->DeleteObject("second", "a/b/c").ok());
  EXPECT_TRUE(store_->DeleteBucket("second").ok());
  Status gone = store_->HeadBucket("second");
  EXPECT_TRUE(absl::IsNotFound(gone));
  EXPECT_TRUE(Message(gone).starts_with("NoSuchBucket"));
  EXPECT_TRUE(absl::IsNotFound(store_->DeleteBucket("second")));
  EXPECT_TRUE(TmpFiles().empty());
}

TEST_F(LocalObjectStoreTest, OperationsOnMissingOrInvalidBucketsFail) {
  EXPECT_TRUE(absl::IsNotFound(PutString(*store_, "nobucket", "k", "x").status()));
  EXPECT_TRUE(absl::IsNotFound(GetString(*store_, "nobucket", "k").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->ListObjects("nobucket", {}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->CreateBucket("../escape")));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->HeadBucket("..")));
  EXPECT_TRUE(absl::IsInvalidArgument(PutString(*store_, "../tmp", "k", "x").status()));
}

// ---------------------------------------------------------------------------------------------------------------
// Objects

TEST_F(LocalObjectStoreTest, EtagIsMd5OfTheBody) {
  auto empty = PutString(*store_, "bucket", "empty", "");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(empty->size, 0u);
  auto hello = PutString(*store_, "bucket", "hello", "hello world");
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(hello->etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  auto head = store_->HeadObject("bucket", "hello");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(head->key, "hello");
  EXPECT_EQ(*GetString(*store_, "bucket", "empty"), "");
}

TEST_F(LocalObjectStoreTest, StreamsLargeBodiesInManyWrites) {
  std::string chunk(100000, 'x');
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>('a' + i % 26);
  auto writer = store_->PutObject("bucket", "big", {});
  ASSERT_TRUE(writer.ok());
  std::string all;
  for (int i = 0; i < 30; ++i) {  // mixes small (buffered) and large (direct) writes
    std::string_view piece = i % 3 == 0 ? std::string_view(chunk) : std::string_view(chunk).substr(0, 777 * i);
    ASSERT_TRUE((*writer)->Write(piece).ok());
    all.append(piece);
  }
  auto info = (*writer)->CommitObject();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, all.size());
  EXPECT_EQ(info->etag, Md5Hex(all));
  EXPECT_EQ(*GetString(*store_, "bucket", "big"), all);
}

TEST_F(LocalObjectStoreTest, KeepsContentTypeAndUserMetadata) {
  PutOptions options;
  options.content_type = "text/csv";
  options.user_metadata = {{"origin", "tutorial"}, {"ünïcode", "välue"}};
  ASSERT_TRUE(PutString(*store_, "bucket", "data.csv", "a,b\n", options).ok());
  ObjectInfo info;
  auto body = GetString(*store_, "bucket", "data.csv", std::nullopt, &info);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(info.content_type, "text/csv");
  EXPECT_EQ(info.user_metadata, options.user_metadata);
  EXPECT_GT(info.last_modified_ms, 1600000000000);
}

TEST_F(LocalObjectStoreTest, LastCommitWins) {
  auto first = store_->PutObject("bucket", "k", {});
  auto second = store_->PutObject("bucket", "k", {});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE((*first)->Write("first").ok());
  ASSERT_TRUE((*second)->Write("second").ok());
  ASSERT_TRUE((*second)->Commit().ok());
  ASSERT_TRUE((*first)->Commit().ok());
  EXPECT_EQ(*GetString(*store_, "bucket", "k"), "first");
  // A writer is done after its commit.
  EXPECT_TRUE(absl::IsFailedPrecondition((*first)->Write("more")));
  EXPECT_TRUE(absl::IsFailedPrecondition((*first)->Commit()));
}

TEST_F(LocalObjectStoreTest, UncommittedWriterLeavesNothing) {
  ASSERT_TRUE(PutString(*store_, "bucket", "k", "old").ok());
  {
    auto writer = store_->PutObject("bucket", "k", {});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(std::string(1 << 20, 'n')).ok());
    EXPECT_EQ(TmpFiles().size(), 1u);  // staged, not visible
    EXPECT_EQ(*GetString(*store_, "bucket", "k"), "old");
  }
  EXPECT_TRUE(TmpFiles().empty());
  EXPECT_EQ(*GetString(*store_, "bucket", "k"), "old");
  {
    auto writer = store_->PutObject("bucket", "new-key", {});
    ASSERT_TRUE((*writer)->Write("abandoned").ok());
  }
  EXPECT_TRUE(absl::IsNotFound(store_->HeadObject("bucket", "new-key").status()));
}

TEST_F(LocalObjectStoreTest, BadDigestCommitsNothing) {
  ASSERT_TRUE(PutString(*store_, "bucket", "k", "old").ok());
  PutOptions options;
  options.expected_md5_hex = Md5Hex("something else");
  auto result = PutString(*store_, "bucket", "k", "new", options);
  EXPECT_TRUE(absl::IsInvalidArgument(result.status()));
  EXPECT_TRUE(Message(result.status()).starts_with("BadDigest"));
  EXPECT_EQ(*GetString(*store_, "bucket", "k"), "old");
  EXPECT_TRUE(TmpFiles().empty());
  options.expected_md5_hex = "\"" + Md5Hex("new") + "\"";
  EXPECT_TRUE(PutString(*store_, "bucket", "k", "new", options).ok());
  EXPECT_EQ(*GetString(*store_, "bucket", "k"), "new");
}

TEST_F(LocalObjectStoreTest, MissingKeyIsNoSuchKeyAndDeleteIsIdempotent) {
  auto missing = store_->HeadObject("bucket", "nope/deeper");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_TRUE(Message(missing.status()).starts_with("NoSuchKey"));
  EXPECT_TRUE(store_->DeleteObject("bucket", "nope").ok());
  EXPECT_TRUE(store_->DeleteObject("bucket", "nope/deeper/still").ok());
}

TEST_F(LocalObjectStoreTest, RangesSelectBytes) {
  ASSERT_TRUE(PutString(*store_, "bucket", "r", "0123456789").ok());
  struct Case {
    ByteRange range;
    const char* expected;
  };
  const Case cases[] = {
      {{0, 0, std::nullopt}, "0"},
      {{2, 5, std::nullopt}, "2345"},
      {{7, std::nullopt, std::nullopt}, "789"},
      {{8, 100, std::nullopt}, "89"},  // past the end: clamped, as HTTP says
      {{0, std::nullopt, 3}, "789"},
      {{0, std::nullopt, 50}, "0123456789"},
  };
  for (const Case& c : cases) {
    ObjectInfo info;
    auto body = GetString(*store_, "bucket", "r", c.range, &info);
    ASSERT_TRUE(body.ok()) << body.status();
    EXPECT_EQ(*body, c.expected);
    EXPECT_EQ(info.size, 10u);  // the whole object's size, for Content-Range
  }
  const ByteRange invalid[] = {{10, std::nullopt, std::nullopt}, {5, 4, std::nullopt}, {0, std::nullopt, 0}};
  for (const ByteRange& range : invalid) {
    auto result = store_->GetObject("bucket", "r", range, nullptr);
    EXPECT_TRUE(absl::IsInvalidArgument(result.status()));
    EXPECT_TRUE(Message(result.status()).starts_with("InvalidRange"));
  }
}

TEST_F(LocalObjectStoreTest, OpenReadersSurviveReplaceAndDelete) {
  std::string old_body(300000, 'o');
  ASSERT_TRUE(PutString(*store_, "bucket", "k", old_body).ok());
  auto reader = store_->GetObject("bucket", "k", std::nullopt, nullptr);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(PutString(*store_, "bucket", "k", "new").ok());
  auto second = store_->GetObject("bucket", "k", std::nullopt, nullptr);
  ASSERT_TRUE(store_->DeleteObject("bucket", "k").ok());
  EXPECT_EQ(*ReadAll(**reader), old_body);
  EXPECT_EQ(*ReadAll(**second), "new");
}

// ---------------------------------------------------------------------------------------------------------------
// Keys: every legal S3 key round-trips and stays inside the bucket.

TEST(ObjectKey, ValidationRejectsOnlyWhatS3Rejects) {
  EXPECT_TRUE(ValidateObjectKey(std::string(1024, 'k')).ok());
  Status too_long = ValidateObjectKey(std::string(1025, 'k'));
  EXPECT_TRUE(Message(too_long).starts_with("KeyTooLongError")) << too_long;
  const std::string invalid[] = {"", "\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "trunc\xe2\x82"};
  for (const std::string& key : invalid) {
    Status status = ValidateObjectKey(key);
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << key;
    EXPECT_TRUE(Message(status).starts_with("InvalidKey")) << status;
  }
}

TEST_F(LocalObjectStoreTest, HostileAndOddKeysRoundTripInsideTheBucket) {
  std::vector<std::string> keys = {
      "../../../../etc/passwd", "..", ".", "./.", "a/../b", "a/./b", "a//b", "//", "/", "/abs/path",
      "dir/", "dir/file", "dir", "dir//", "a\\..\\..\\b", std::string("nul\0byte", 8), "%2e%2e/%2F", "%",
      "tab\there\nnewline", "ünïcode/ключ/鍵", "-", "~user/.ssh/authorized_keys", "C:\\Windows", ".bucket",
      "d", "o", "D", "O", ".name", std::string(300, 'L') + "/x",                 // overlong segment: hashed directory
      "y/" + std::string(300, 'L'),                                              // overlong last segment: hashed object
      std::string(1024, '%'),                                                    // worst-case encoding growth
      [] {  // 1024 bytes of short segments: the deepest tree
        std::string key;
        while (key.size() + 2 <= 1024) key += "%/";
        return key;
      }(),
  };
  for (const std::string& key : keys) {
    std::string body = "body of " + key;
    auto put = PutString(*store_, "bucket", key, body);
    ASSERT_TRUE(put.ok()) << put.status() << " key=" << key;
    auto got = GetString(*store_, "bucket", key);
    ASSERT_TRUE(got.ok()) << got.status() << " key=" << key;
    EXPECT_EQ(*got, body) << key;
  }
  // Listing returns each key once, byte for byte, in byte order.
  ListObjectsRequest request;
  request.max_keys = 1000;
  auto listed = store_->ListObjects("bucket", request);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> actual;
  for (const ObjectInfo& info : listed->objects) actual.push_back(info.key);
  EXPECT_EQ(actual, expected);
  // Nothing was written outside objects/bucket.
  for (const std::string& file : FilesUnder(dir_.path())) {
    EXPECT_TRUE(file.starts_with("objects/bucket/")) << file;
  }
  // And everything goes away again, leaving no directories behind.
  for (const std::string& key : keys) ASSERT_TRUE(store_->DeleteObject("bucket", key).ok()) << key;
  EXPECT_EQ(FilesUnder(dir_.path()), std::vector<std::string>{"objects/bucket/.bucket"});
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path() + "/objects/bucket"),
                          std::filesystem::directory_iterator()),
            1);
  EXPECT_TRUE(store_->DeleteBucket("bucket").ok());
}

TEST_F(LocalObjectStoreTest, PlantedSymlinksAreNotFollowed) {
  TempDir outside;
  std::string bucket_dir = dir_.path() + "/objects/bucket";
  // A symbolic link where the directory for segment "evil" would be, and one where object "link" would be.
  std::filesystem::create_directory_symlink(outside.path(), bucket_dir + "/devil");
  std::ofstream(outside.path() + "/secret") << "secret";
  std::filesystem::create_symlink(outside.path() + "/secret", bucket_dir + "/olink");
  EXPECT_FALSE(PutString(*store_, "bucket", "evil/x", "payload").ok());
  EXPECT_FALSE(GetString(*store_, "bucket", "link").ok());
  EXPECT_EQ(FilesUnder(outside.path()), std::vector<std::string>{"secret"});
}

// ---------------------------------------------------------------------------------------------------------------
// Listing

/// What ListObjects must return, computed the obvious way from the full sorted key set.
ListObjectsResult ReferenceList(const std::set<std::string>& keys, const ListObjectsRequest& request) {
  ListObjectsResult result;
  if (request.max_keys <= 0) return result;
  int emitted = 0;
  std::string last_group;
  for (const std::string& key : keys) {
    if (!key.starts_with(request.prefix)) continue;
    std::string value = key;
    bool group = false;
    if (!request.delimiter.empty()) {
      size_t pos = key.find(request.delimiter, request.prefix.size());
      if (pos != std::string::npos) {
        value = key.substr(0, pos + request.delimiter.size());
        group = true;
      }
    }
    if (value <= request.start_after || (group && value == last_group)) continue;
    if (emitted == request.max_keys) {
      result.truncated = true;
      break;
    }
    if (group) {
      result.common_prefixes.push_back(value);
      last_group = value;
    } else {
      ObjectInfo info;
      info.key = key;
      result.objects.push_back(info);
    }
    result.next_start_after = value;
    ++emitted;
  }
  return result;
}

std::vector<std::string> Keys(const ListObjectsResult& result) {
  std::vector<std::string> keys;
  for (const ObjectInfo& info : result.objects) keys.push_back(info.key);
  return keys;
}

TEST_F(LocalObjectStoreTest, ListsWithPrefixAndDelimiter) {
  for (const char* key : {"photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/index.html",
                          "photos-old/x", "readme", "zeta/"}) {
    ASSERT_TRUE(PutString(*store_, "bucket", key, "x").ok());
  }
  ListObjectsRequest request;
  request.delimiter = "/";
  auto top = store_->ListObjects("bucket", request);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Keys(*top), std::vector<std::string>{"readme"});
  EXPECT_EQ(top->common_prefixes, (std::vector<std::string>{"photos-old/", "photos/", "zeta/"}));
  EXPECT_FALSE(top->truncated);

  request.prefix = "photos/";
  auto photos = store_->ListObjects("bucket", request);
  ASSERT_TRUE(photos.ok());
  EXPECT_EQ(Keys(*photos), std::vector<std::string>{"photos/index.html"});
  EXPECT_EQ(photos->common_prefixes, (std::vector<std::string>{"photos/2024/", "photos/2025/"}));

  request.prefix = "photos/20";
  request.delimiter = "";
  auto flat = store_->ListObjects("bucket", request);
  EXPECT_EQ(Keys(*flat),
            (std::vector<std::string>{"photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg"}));

  request.prefix = "nothing/here/";
  EXPECT_TRUE(store_->ListObjects("bucket", request)->objects.empty());
}

TEST_F(LocalObjectStoreTest, PaginatesThroughGroupsWithoutRepeats) {
  for (int i = 0; i < 5; ++i) {
    for (int k = 0; k < 3; ++k) ASSERT_TRUE(PutString(*store_, "bucket", StrCat("d", i, "/f", k), "x").ok());
    ASSERT_TRUE(PutString(*store_, "bucket", StrCat("f", i), "x").ok());
  }
  ListObjectsRequest request;
  request.delimiter = "/";
  request.max_keys = 3;
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    auto page = store_->ListObjects("bucket", request);
    ASSERT_TRUE(page.ok());
    ++pages;
    for (auto& prefix : page->common_prefixes) seen.push_back(prefix);
    for (auto& key : Keys(*page)) seen.push_back(key);
    if (!page->truncated) break;
    request.start_after = page->next_start_after;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"d0/", "d1/", "d2/", "d3/", "d4/", "f0", "f1", "f2", "f3", "f4"}));
  EXPECT_EQ(pages, 4);
}

TEST_F(LocalObjectStoreTest, ListingMatchesReferenceOnRandomKeysAndRequests) {
  // Keys over a tiny alphabet so that prefixes, delimiters and directory boundaries collide in every way.
  std::mt19937 random(42);
  const std::string alphabet = "ab/-.";
  std::set<std::string> keys;
  while (keys.size() < 300) {
    std::string key;
    int length = 1 + static_cast<int>(random() % 7);
    for (int i = 0; i < length; ++i) key.push_back(alphabet[random() % alphabet.size()]);
    keys.insert(key);
  }
  for (const std::string& key : keys) ASSERT_TRUE(PutString(*store_, "bucket", key, "v").ok()) << key;
  const std::vector<std::string> prefixes = {"", "a", "a/", "b/a", "/", "-", "ab", "a/b/", "zz"};
  const std::vector<std::string> delimiters = {"", "/", "-", "a/", "//"};
  for (const std::string& prefix : prefixes) {
    for (const std::string& delimiter : delimiters) {
      for (int max_keys : {1, 7, 1000}) {
        ListObjectsRequest request;
        request.prefix = prefix;
        request.delimiter = delimiter;
        request.max_keys = max_keys;
        for (int page = 0; page < 400; ++page) {
          auto actual = store_->ListObjects("bucket", request);
          ASSERT_TRUE(actual.ok());
          ListObjectsResult expected = ReferenceList(keys, request);
          std::string where = StrCat("prefix='", prefix, "' delimiter='", delimiter, "' max=", max_keys,
                                  " after='", request.start_after, "'");
          ASSERT_EQ(Keys(*actual), Keys(expected)) << where;
          ASSERT_EQ(actual->common_prefixes, expected.common_prefixes) << where;
          ASSERT_EQ(actual->truncated, expected.truncated) << where;
          if (!actual->truncated) break;
          ASSERT_EQ(actual->next_start_after, expected.next_start_after) << where;
          request.start_after = actual->next_start_after;
        }
      }
    }
  }
  // A user-given start_after in the middle of nowhere.
  ListObjectsRequest request;
  request.start_after = "a/-";
  EXPECT_EQ(Keys(*store_->ListObjects("bucket", request)), Keys(ReferenceList(keys, request)));
  request.max_keys = 0;
  auto none = store_->ListObjects("bucket", request);
  EXPECT_TRUE(none->objects.empty() && !none->truncated);
}

TEST_F(LocalObjectStoreTest, ListsThousandsOfKeysInPages) {
  std::set<std::string> keys;
  for (int i = 0; i < 3000; ++i) keys.insert(StrCat("logs/", i % 10, "/part-", 100000 + i));
  for (const std::string& key : keys) ASSERT_TRUE(PutString(*store_, "bucket", key, "x").ok());
  ListObjectsRequest request;
  request.prefix = "logs/";
  std::vector<std::string> all;
  while (true) {
    auto page = store_->ListObjects("bucket", request);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page->objects.size(), 1000u);
    for (auto& key : Keys(*page)) all.push_back(key);
    if (!page->truncated) break;
    request.start_after = page->next_start_after;
  }
  EXPECT_EQ(all, std::vector<std::string>(keys.begin(), keys.end()));
  request = {};
  request.prefix = "logs/";
  request.delimiter = "/";
  EXPECT_EQ(store_->ListObjects("bucket", request)->common_prefixes.size(), 10u);
}

TEST_F(LocalObjectStoreTest, ListedInfoCarriesSizeAndEtag) {
  ASSERT_TRUE(PutString(*store_, "bucket", "a/b", "hello world").ok());
  auto page = store_->ListObjects("bucket", {});
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].size, 11u);
  EXPECT_EQ(page->objects[0].etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
}

// ---------------------------------------------------------------------------------------------------------------
// Copy

TEST_F(LocalObjectStoreTest, CopyKeepsOrReplacesMetadata) {
  PutOptions options;
  options.content_type = "text/plain";
  options.user_metadata = {{"a", "1"}};
  ASSERT_TRUE(PutString(*store_, "bucket", "src", "hello world", options).ok());
  ASSERT_TRUE(store_->CreateBucket("other").ok());
  auto copied = store_->CopyObject("bucket", "src", "other", "dst/copy", std::nullopt);
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_EQ(copied->etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  ObjectInfo info;
  EXPECT_EQ(*GetString(*store_, "other", "dst/copy", std::nullopt, &info), "hello world");
  EXPECT_EQ(info.content_type, "text/plain");
  EXPECT_EQ(info.user_metadata, options.user_metadata);

  PutOptions replaced;
  replaced.content_type = "application/json";
  auto onto_itself = store_->CopyObject("bucket", "src", "bucket", "src", replaced);
  ASSERT_TRUE(onto_itself.ok());
  auto head = store_->HeadObject("bucket", "src");
  EXPECT_EQ(head->content_type, "application/json");
  EXPECT_TRUE(head->user_metadata.empty());
  EXPECT_EQ(*GetString(*store_, "bucket", "src"), "hello world");

  EXPECT_TRUE(absl::IsNotFound(store_->CopyObject("bucket", "missing", "bucket", "x", std::nullopt).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->CopyObject("bucket", "src", "nobucket", "x", std::nullopt).status()));
  EXPECT_TRUE(TmpFiles().empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Multipart

class MultipartTest : public LocalObjectStoreTest {
 protected:
  std::string UploadPart(const std::string& upload_id, int number, const std::string& body,
                         const std::string& key = "mp") {
    auto writer = store_->UploadPart("bucket", key, upload_id, number);
    EXPECT_TRUE(writer.ok()) << writer.status();
    if (!writer.ok()) return "";
    EXPECT_TRUE((*writer)->Write(body).ok());
    auto info = (*writer)->CommitObject();
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? info->etag : "";
  }
};

TEST_F(MultipartTest, CompleteConcatenatesAndComputesMultipartEtag) {
  PutOptions options;
  options.content_type = "text/csv";
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", options);
  ASSERT_TRUE(upload_id.ok());
  std::string p1 = "first part", p2 = "second part", p3 = "end";
  // Uploaded out of order, part 2 twice (the later one replaces the first).
  std::string e3 = UploadPart(*upload_id, 3, p3);
  UploadPart(*upload_id, 2, "to be replaced");
  std::string e2 = UploadPart(*upload_id, 2, p2);
  std::string e1 = UploadPart(*upload_id, 1, p1);
  EXPECT_EQ(e1, Md5Hex(p1));

  auto parts = store_->ListParts("bucket", "mp", *upload_id);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[1].part_number, 2);
  EXPECT_EQ((*parts)[1].etag, e2);
  EXPECT_EQ((*parts)[1].size, p2.size());

  auto info = store_->CompleteMultipartUpload("bucket", "mp", *upload_id,
                                              {{1, "\"" + e1 + "\"", 0}, {2, e2, 0}, {3, e3, 0}});
  ASSERT_TRUE(info.ok()) << info.status();
  std::string expected_etag =
      Md5Hex(crypto::Md5(p1) + crypto::Md5(p2) + crypto::Md5(p3)) + "-3";
  EXPECT_EQ(info->etag, expected_etag);
  ObjectInfo stored;
  EXPECT_EQ(*GetString(*store_, "bucket", "mp", std::nullopt, &stored), p1 + p2 + p3);
  EXPECT_EQ(stored.etag, expected_etag);
  EXPECT_EQ(stored.content_type, "text/csv");
  // The upload is gone.
  EXPECT_TRUE(absl::IsNotFound(store_->ListParts("bucket", "mp", *upload_id).status()));
  EXPECT_TRUE(FilesUnder(dir_.path() + "/uploads").empty());
  EXPECT_TRUE(TmpFiles().empty());

  // A copy of a multipart object gets the MD5 of its bytes.
  auto copied = store_->CopyObject("bucket", "mp", "bucket", "mp-copy", std::nullopt);
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->etag, Md5Hex(p1 + p2 + p3));
}

TEST_F(MultipartTest, KnownMultipartEtag) {
  // Two parts: 5 MiB of 'a' and "b". Expected value computed independently with
  // python3 -c "import hashlib;a=hashlib.md5(b'a'*5242880).digest();b=hashlib.md5(b'b').digest();
  //             print(hashlib.md5(a+b).hexdigest())"
  Open([] {
    LocalObjectStoreOptions options;
    options.sync = false;
    return options;
  }());
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", {});
  ASSERT_TRUE(upload_id.ok());
  std::string e1 = UploadPart(*upload_id, 1, std::string(5 << 20, 'a'));
  std::string e2 = UploadPart(*upload_id, 2, "b");
  auto info = store_->CompleteMultipartUpload("bucket", "mp", *upload_id, {{1, e1, 0}, {2, e2, 0}});
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->etag, "e5a8c5272b26fc10581a21089559b006-2");
  EXPECT_EQ(info->size, (5u << 20) + 1);
}

TEST_F(MultipartTest, DefaultMinimumPartSizeIsFiveMiB) {
  Open([] {
    LocalObjectStoreOptions options;
    options.sync = false;
    return options;
  }());
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", {});
  std::string e1 = UploadPart(*upload_id, 1, std::string((5 << 20) - 1, 'a'));
  std::string e2 = UploadPart(*upload_id, 2, "b");
  auto small = store_->CompleteMultipartUpload("bucket", "mp", *upload_id, {{1, e1, 0}, {2, e2, 0}});
  EXPECT_TRUE(absl::IsInvalidArgument(small.status()));
  EXPECT_TRUE(Message(small.status()).starts_with("EntityTooSmall")) << small.status();
  // A failed Complete keeps the upload: it can be retried.
  EXPECT_TRUE(store_->ListParts("bucket", "mp", *upload_id).ok());
  // A single small part is fine (the last part has no minimum).
  auto single = store_->CompleteMultipartUpload("bucket", "mp", *upload_id, {{2, e2, 0}});
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(*GetString(*store_, "bucket", "mp"), "b");
}

TEST_F(MultipartTest, CompleteValidatesThePartList) {
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", {});
  ASSERT_TRUE(upload_id.ok());
  std::string e1 = UploadPart(*upload_id, 1, "part one");
  std::string e2 = UploadPart(*upload_id, 2, "part two");
  struct Case {
    std::vector<MultipartPart> parts;
    const char* code;
  };
  const Case cases[] = {
      {{}, "MalformedXML"},
      {{{2, e2, 0}, {1, e1, 0}}, "InvalidPartOrder"},
      {{{1, e1, 0}, {1, e1, 0}}, "InvalidPartOrder"},
      {{{1, e1, 0}, {3, e2, 0}}, "InvalidPart"},
      {{{1, e2, 0}, {2, e2, 0}}, "InvalidPart"},
      {{{1, "not-hex", 0}}, "InvalidPart"},
      {{{0, e1, 0}}, "InvalidPart"},
      {{{1, "tiny", 0}, {2, e2, 0}}, "InvalidPart"},
  };
  for (const Case& c : cases) {
    auto result = store_->CompleteMultipartUpload("bucket", "mp", *upload_id, c.parts);
    EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << c.code;
    EXPECT_TRUE(Message(result.status()).starts_with(c.code)) << result.status();
  }
  EXPECT_TRUE(absl::IsNotFound(store_->HeadObject("bucket", "mp").status()));
  EXPECT_TRUE(store_->CompleteMultipartUpload("bucket", "mp", *upload_id, {{1, e1, 0}, {2, e2, 0}}).ok());
}

TEST_F(MultipartTest, UnknownOrForeignUploadIdsAreNoSuchUpload) {
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", {});
  ASSERT_TRUE(upload_id.ok());
  EXPECT_EQ(upload_id->size(), 32u);
  ASSERT_TRUE(store_->CreateBucket("other").ok());
  const std::pair<std::string, std::string> wrong_targets[] = {{"bucket", "other-key"}, {"other", "mp"}};
  for (const auto& [bucket, key] : wrong_targets) {
    EXPECT_TRUE(absl::IsNotFound(store_->UploadPart(bucket, key, *upload_id, 1).status()));
    EXPECT_TRUE(absl::IsNotFound(store_->ListParts(bucket, key, *upload_id).status()));
  }
  for (const std::string& hostile : {std::string("../tmp"), std::string(".."), std::string(""),
                                     std::string("0123456789abcdef0123456789abcdeF"), std::string(32, '0')}) {
    auto status = store_->UploadPart("bucket", "mp", hostile, 1).status();
    EXPECT_TRUE(absl::IsNotFound(status)) << hostile;
    EXPECT_TRUE(Message(status).starts_with("NoSuchUpload"));
    EXPECT_TRUE(absl::IsNotFound(store_->AbortMultipartUpload("bucket", "mp", hostile)));
  }
  EXPECT_TRUE(absl::IsInvalidArgument(store_->UploadPart("bucket", "mp", *upload_id, 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->UploadPart("bucket", "mp", *upload_id, 10001).status()));
}

TEST_F(MultipartTest, AbortDropsThePartsAndPartsAfterAbortFail) {
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", {});
  ASSERT_TRUE(upload_id.ok());
  UploadPart(*upload_id, 1, "one");
  auto late_writer = store_->UploadPart("bucket", "mp", *upload_id, 2);
  ASSERT_TRUE(late_writer.ok());
  ASSERT_TRUE((*late_writer)->Write("late").ok());
  EXPECT_TRUE(store_->AbortMultipartUpload("bucket", "mp", *upload_id).ok());
  EXPECT_TRUE(absl::IsNotFound((*late_writer)->Commit()));
  EXPECT_TRUE(absl::IsNotFound(store_->AbortMultipartUpload("bucket", "mp", *upload_id)));
  EXPECT_TRUE(FilesUnder(dir_.path() + "/uploads").empty());
  EXPECT_TRUE(TmpFiles().empty());
}

TEST_F(MultipartTest, UploadsSurviveARestart) {
  auto upload_id = store_->CreateMultipartUpload("bucket", "mp", {});
  std::string e1 = UploadPart(*upload_id, 1, "persisted");
  Open();
  auto info = store_->CompleteMultipartUpload("bucket", "mp", *upload_id, {{1, e1, 0}});
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(*GetString(*store_, "bucket", "mp"), "persisted");
}

// ---------------------------------------------------------------------------------------------------------------
// Crashes and concurrency

TEST_F(LocalObjectStoreTest, CrashMidUploadLeavesOldObjectAndOpeningCleansUp) {
  Open(LocalObjectStoreOptions::Defaults());  // real fsyncs
  ASSERT_TRUE(PutString(*store_, "bucket", "k", "old version").ok());
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The "crashing server": stream half an object, then die without committing or cleaning up.
    auto writer = store_->PutObject("bucket", "k", {});
    if (!writer.ok()) ::_exit(2);
    if (!(*writer)->Write(std::string(3 << 20, 'n')).ok()) ::_exit(3);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(TmpFiles().size(), 1u);  // the dead writer's staging file
  EXPECT_EQ(*GetString(*store_, "bucket", "k"), "old version");
  // A leftover directory from an interrupted bucket deletion, too.
  std::filesystem::create_directories(dir_.path() + "/tmp/del-0123/dsub");
  std::ofstream(dir_.path() + "/tmp/del-0123/dsub/ofile") << "x";

  Open(LocalObjectStoreOptions::Defaults());
  EXPECT_TRUE(TmpFiles().empty());
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() + "/tmp"));
  EXPECT_EQ(*GetString(*store_, "bucket", "k"), "old version");
}

TEST_F(LocalObjectStoreTest, CorruptObjectFilesAreReportedNotServed) {
  ASSERT_TRUE(PutString(*store_, "bucket", "good", "fine").ok());
  ASSERT_TRUE(PutString(*store_, "bucket", "bad", "will be truncated").ok());
  std::filesystem::resize_file(dir_.path() + "/objects/bucket/obad", 5);
  auto result = GetString(*store_, "bucket", "bad");
  EXPECT_TRUE(absl::IsDataLoss(result.status())) << result.status();
  auto page = store_->ListObjects("bucket", {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Keys(*page), std::vector<std::string>{"good"});
}

TEST_F(LocalObjectStoreTest, ConcurrentWritersAndReadersSeeWholeObjects) {
  constexpr int kWriters = 3;
  constexpr int kRounds = 30;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  ASSERT_TRUE(PutString(*store_, "bucket", "shared/key", std::string(1000, 'z')).ok());
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        // Each version is one repeated byte with a distinct length: a mix of two versions is detectable.
        std::string body(1000 + 37 * w + round * 1001, static_cast<char>('a' + w));
        auto writer = store_->PutObject("bucket", "shared/key", {});
        if (!writer.ok()) continue;
        for (size_t offset = 0; offset < body.size(); offset += 4096) {
          (void)(*writer)->Write(std::string_view(body).substr(offset, 4096));
        }
        (void)(*writer)->Commit();
        if (round % 7 == 0) (void)store_->DeleteObject("bucket", "shared/key");
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (!stop) {
        ObjectInfo info;
        auto body = GetString(*store_, "bucket", "shared/key", std::nullopt, &info);
        if (!body.ok()) continue;  // deleted at that moment
        ++reads;
        bool uniform = std::all_of(body->begin(), body->end(), [&](char c) { return c == (*body)[0]; });
        if (!uniform || body->size() != info.size || Md5Hex(*body) != info.etag) ++torn;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  stop = true;
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_TRUE(TmpFiles().empty());
}

TEST_F(LocalObjectStoreTest, ConcurrentPutsAndDeletesInOneDirectoryKeepTheTreeConsistent) {
  // Deletes prune empty directories while other threads commit into them: no commit may fail for it.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string key = StrCat("deep/er/dir/", t, "-", i % 3);
        if (!PutString(*store_, "bucket", key, "x").ok()) ++failures;
        if (!store_->DeleteObject("bucket", key).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(FilesUnder(dir_.path() + "/objects"), std::vector<std::string>{"bucket/.bucket"});
}

}  // namespace
}  // namespace openaml::storage
