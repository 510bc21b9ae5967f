// Shared helpers for the objects tests: a temporary directory and one-call put/get over an ObjectStore.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "openaml/storage/objects/object_store.h"

namespace openaml::storage::testing {

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/openaml-objects-XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A status's message as a std::string (Debian's absl::string_view lacks starts_with).
inline std::string Message(const Status& status) { return std::string(status.message()); }

/// Write `data` as bucket/key in one call.
inline Result<ObjectInfo> PutString(ObjectStore& store, std::string_view bucket, std::string_view key,
                                    std::string_view data, const PutOptions& options = {}) {
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, store.PutObject(bucket, key, options));
  OPENAML_RETURN_IF_ERROR(writer->Write(data));
  return writer->CommitObject();
}

/// Read a source to its end.
inline Result<std::string> ReadAll(ByteSource& source) {
  std::string out;
  char buffer[4096];
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(size_t n, source.Read(buffer, sizeof(buffer)));
    if (n == 0) return out;
    out.append(buffer, n);
  }
}

/// Read bucket/key (or a range of it) whole.
inline Result<std::string> GetString(ObjectStore& store, std::string_view bucket, std::string_view key,
                                     std::optional<ByteRange> range = std::nullopt, ObjectInfo* info = nullptr) {
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, store.GetObject(bucket, key, range, info));
  return ReadAll(*source);
}

/// Every regular file under `root`, as paths relative to it, sorted.
inline std::vector<std::string> FilesUnder(const std::string& root) {
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    if (!it->is_directory()) files.push_back(std::filesystem::relative(it->path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace openaml::storage::testing
