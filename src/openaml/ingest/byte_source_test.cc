#include "openaml/ingest/byte_source.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace openaml {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "openaml-ingest-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string ReadSource(ByteSource& source) {
  std::string out;
  char buffer[3];
  while (true) {
    Result<size_t> n = source.Read(buffer, sizeof(buffer));
    EXPECT_TRUE(n.ok());
    if (!n.ok() || *n == 0) return out;
    out.append(buffer, *n);
  }
}

TEST(LocalFile, StreamsContents) {
  TempDir dir;
  WriteFile(dir.path() + "/a.csv", "hello,world\n");
  Result<std::unique_ptr<ByteSource>> source = OpenLocalFile(dir.path() + "/a.csv");
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(ReadSource(**source), "hello,world\n");
}

TEST(LocalFile, ReportsMissingFilesAndDirectories) {
  TempDir dir;
  EXPECT_EQ(OpenLocalFile(dir.path() + "/nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(OpenLocalFile(dir.path()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LocalFileSink, AppearsOnlyOnCommit) {
  TempDir dir;
  const std::string path = dir.path() + "/out.csv";
  {
    Result<std::unique_ptr<ByteSink>> sink = OpenLocalFileSink(path);
    ASSERT_TRUE(sink.ok()) << sink.status();
    ASSERT_TRUE((*sink)->Write("part").ok());
    EXPECT_FALSE(fs::exists(path));
  }  // destroyed uncommitted: nothing left behind
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 0);

  WriteFile(path, "old");
  Result<std::unique_ptr<ByteSink>> sink = OpenLocalFileSink(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write("new ").ok());
  ASSERT_TRUE((*sink)->Write("contents").ok());
  {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "old");  // the old file stays whole until the commit
  }
  ASSERT_TRUE((*sink)->Commit().ok());
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "new contents");
  EXPECT_FALSE((*sink)->Write("more").ok());
  EXPECT_FALSE((*sink)->Commit().ok());
}

TEST(LocalFileSink, FailsInMissingDirectory) {
  EXPECT_FALSE(OpenLocalFileSink("/nonexistent-dir-openaml/x").ok());
}

TEST(ListLocalDataFiles, ListsADirectoryInLexicographicOrderSkippingMarkersAndSchemas) {
  TempDir dir;
  WriteFile(dir.path() + "/input10.csv", "c\n");
  WriteFile(dir.path() + "/input1.csv", "a\n");
  WriteFile(dir.path() + "/input2.csv", "bb\n");
  WriteFile(dir.path() + "/empty", "");
  WriteFile(dir.path() + "/.schema", "{}");
  WriteFile(dir.path() + "/input1.csv.schema", "{}");
  fs::create_directory(dir.path() + "/sub");
  Result<std::vector<DataFile>> files = ListLocalDataFiles(dir.path());
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].uri, dir.path() + "/input1.csv");
  EXPECT_EQ((*files)[1].uri, dir.path() + "/input10.csv");
  EXPECT_EQ((*files)[2].uri, dir.path() + "/input2.csv");
  EXPECT_EQ((*files)[2].size_bytes, 3u);
  Result<std::unique_ptr<ByteSource>> source = (*files)[2].open();
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(ReadSource(**source), "bb\n");
}

TEST(ListLocalDataFiles, ListsASingleFileAndReportsMissingOrEmpty) {
  TempDir dir;
  WriteFile(dir.path() + "/one.csv", "x\n");
  Result<std::vector<DataFile>> files = ListLocalDataFiles(dir.path() + "/one.csv");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(ListLocalDataFiles(dir.path() + "/none").status().code(), absl::StatusCode::kNotFound);
  fs::create_directory(dir.path() + "/empty");
  EXPECT_EQ(ListLocalDataFiles(dir.path() + "/empty").status().code(), absl::StatusCode::kNotFound);
}

TEST(MemorySource, HonoursChunkSize) {
  std::unique_ptr<ByteSource> source = MakeMemorySource("abcdef", 4);
  char buffer[10];
  EXPECT_EQ(*source->Read(buffer, 10), 4u);
  EXPECT_EQ(*source->Read(buffer, 10), 2u);
  EXPECT_EQ(*source->Read(buffer, 10), 0u);
}

}  // namespace
}  // namespace openaml
