#include "openaml/storage/metadata/sqlite_metadata_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace openaml::storage {
namespace {

class SqliteMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("openaml-metadata-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteMetadataStore> Open() {
    SqliteMetadataStore::Options options;
    options.path = (dir_ / "meta.sqlite3").string();
    auto store = SqliteMetadataStore::Make(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return std::move(store).value();
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteMetadataStoreTest, InsertsAndReadsBackEntity) {
  auto store = Open();
  EXPECT_EQ(store->schema_version(), 1);
  ASSERT_TRUE(store->InsertEntity({EntityKind::kDataSource, "ds-1", 1000, R"({"a":1})"}, {}, std::nullopt).ok());
  auto got = store->GetEntity(EntityKind::kDataSource, "ds-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->document, R"({"a":1})");
  EXPECT_EQ(got->created_at_ms, 1000);
  // Same id, other kind: a different entity (spec §1.4).
  EXPECT_TRUE(absl::IsNotFound(store->GetEntity(EntityKind::kEvaluation, "ds-1").status()));
}

TEST_F(SqliteMetadataStoreTest, DuplicateIdIsAlreadyExistsAndWritesNothing) {
  auto store = Open();
  ASSERT_TRUE(store->InsertEntity({EntityKind::kMLModel, "m", 1, "{}"}, {}, std::nullopt).ok());
  Status again = store->InsertEntity({EntityKind::kMLModel, "m", 2, R"({"x":2})"}, {{"k", "v"}},
                                     JobRecord{EntityKind::kMLModel, "m", 2, 0});
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_EQ(store->GetEntity(EntityKind::kMLModel, "m")->document, "{}");
  EXPECT_TRUE(store->GetTags(EntityKind::kMLModel, "m")->empty());  // the failed insert rolled back
  EXPECT_TRUE(store->ListJobs()->empty());
}

TEST_F(SqliteMetadataStoreTest, UpdateIsAtomicAndFailedMutationWritesNothing) {
  auto store = Open();
  ASSERT_TRUE(store->InsertEntity({EntityKind::kEvaluation, "e", 1, "v0"}, {}, std::nullopt).ok());
  ASSERT_TRUE(store->UpdateEntity(EntityKind::kEvaluation, "e", [](std::string& d) {
                     d += "+1";
                     return Status();
                   }).ok());
  Status failed = store->UpdateEntity(EntityKind::kEvaluation, "e", [](std::string& d) {
    d = "garbage";
    return absl::InvalidArgumentError("no");
  });
  EXPECT_TRUE(absl::IsInvalidArgument(failed));
  EXPECT_EQ(store->GetEntity(EntityKind::kEvaluation, "e")->document, "v0+1");
  EXPECT_TRUE(absl::IsNotFound(
      store->UpdateEntity(EntityKind::kEvaluation, "absent", [](std::string&) { return Status(); })));
}

TEST_F(SqliteMetadataStoreTest, ConcurrentUpdatesAreNotLost) {
  auto store = Open();
  ASSERT_TRUE(store->InsertEntity({EntityKind::kDataSource, "c", 1, "0"}, {}, std::nullopt).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        ASSERT_TRUE(store->UpdateEntity(EntityKind::kDataSource, "c", [](std::string& d) {
                           d = std::to_string(std::stoi(d) + 1);
                           return Status();
                         }).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store->GetEntity(EntityKind::kDataSource, "c")->document, "100");
}

TEST_F(SqliteMetadataStoreTest, ListsInCreationOrder) {
  auto store = Open();
  ASSERT_TRUE(store->InsertEntity({EntityKind::kBatchPrediction, "b", 20, "{}"}, {}, std::nullopt).ok());
  ASSERT_TRUE(store->InsertEntity({EntityKind::kBatchPrediction, "a", 10, "{}"}, {}, std::nullopt).ok());
  ASSERT_TRUE(store->InsertEntity({EntityKind::kBatchPrediction, "c", 20, "{}"}, {}, std::nullopt).ok());
  ASSERT_TRUE(store->InsertEntity({EntityKind::kMLModel, "z", 1, "{}"}, {}, std::nullopt).ok());
  auto list = store->ListEntities(EntityKind::kBatchPrediction);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, "a");
  EXPECT_EQ((*list)[1].id, "b");
  EXPECT_EQ((*list)[2].id, "c");
}

TEST_F(SqliteMetadataStoreTest, TagsKeepNullValuesAndReplaceWhole) {
  auto store = Open();
  std::vector<TagRecord> tags = {{"b", "2"}, {"a", std::nullopt}, {"c", ""}};
  ASSERT_TRUE(store->InsertEntity({EntityKind::kDataSource, "t", 1, "{}"}, tags, std::nullopt).ok());
  auto got = store->GetTags(EntityKind::kDataSource, "t");
  ASSERT_TRUE(got.ok());
  std::vector<TagRecord> expected = {{"a", std::nullopt}, {"b", "2"}, {"c", ""}};
  EXPECT_EQ(*got, expected);
  ASSERT_TRUE(store->ReplaceTags(EntityKind::kDataSource, "t", {{"x", "y"}}).ok());
  expected = {{"x", "y"}};
  EXPECT_EQ(*store->GetTags(EntityKind::kDataSource, "t"), expected);
}

TEST_F(SqliteMetadataStoreTest, BlobsRoundTripBinaryData) {
  auto store = Open();
  std::string data("a\0b\xff", 4);
  ASSERT_TRUE(store->PutBlob(EntityKind::kDataSource, "d", "statistics", data).ok());
  EXPECT_EQ(store->GetBlob(EntityKind::kDataSource, "d", "statistics")->value(), data);
  EXPECT_FALSE(store->GetBlob(EntityKind::kDataSource, "d", "other")->has_value());
  ASSERT_TRUE(store->PutBlob(EntityKind::kDataSource, "d", "statistics", "new").ok());
  EXPECT_EQ(store->GetBlob(EntityKind::kDataSource, "d", "statistics")->value(), "new");
}

TEST_F(SqliteMetadataStoreTest, EverythingSurvivesReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store->InsertEntity({EntityKind::kMLModel, "m", 5, R"({"Status":"PENDING"})"}, {{"k", "v"}},
                                    JobRecord{EntityKind::kMLModel, "m", 5, 0})
                    .ok());
    ASSERT_TRUE(store->PutBlob(EntityKind::kMLModel, "m", "x", "y").ok());
    ASSERT_TRUE(store->PutJob({EntityKind::kMLModel, "m", 5, 1}).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->schema_version(), 1);  // migrations are not re-applied
  EXPECT_EQ(store->GetEntity(EntityKind::kMLModel, "m")->document, R"({"Status":"PENDING"})");
  EXPECT_EQ(store->GetBlob(EntityKind::kMLModel, "m", "x")->value(), "y");
  auto jobs = store->ListJobs();
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].attempts, 1);
  ASSERT_TRUE(store->RemoveJob(EntityKind::kMLModel, "m").ok());
  EXPECT_TRUE(store->ListJobs()->empty());
  EXPECT_TRUE(store->RemoveJob(EntityKind::kMLModel, "m").ok());  // absent: OK
}

TEST_F(SqliteMetadataStoreTest, UnopenablePathIsAnError) {
  SqliteMetadataStore::Options options;
  options.path = (dir_ / "no" / "such" / "dir" / "meta.sqlite3").string();
  auto store = SqliteMetadataStore::Make(options);
  EXPECT_FALSE(store.ok());
}

TEST_F(SqliteMetadataStoreTest, NotADatabaseIsAnError) {
  std::FILE* f = std::fopen((dir_ / "meta.sqlite3").c_str(), "w");
  std::fputs("this is not an sqlite database, just some text that is long enough to look like a header....", f);
  std::fclose(f);
  SqliteMetadataStore::Options options;
  options.path = (dir_ / "meta.sqlite3").string();
  EXPECT_FALSE(SqliteMetadataStore::Make(options).ok());
}

TEST(EntityKind, NamesRoundTrip) {
  for (auto kind : {EntityKind::kDataSource, EntityKind::kMLModel, EntityKind::kEvaluation,
                    EntityKind::kBatchPrediction}) {
    EXPECT_EQ(*ParseEntityKind(EntityKindName(kind)), kind);
  }
  EXPECT_FALSE(ParseEntityKind("datasource").ok());
}

}  // namespace
}  // namespace openaml::storage
