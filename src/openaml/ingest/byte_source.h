// ByteSource: where the bytes of one data file come from (a local file, an object in the built-in store,
// an object in an external S3-compatible store). Everything above it streams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"

namespace openaml {

/// A forward-only stream of bytes. Not thread-safe; one reader at a time.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Read up to `size` bytes into `buffer`; return the count read, 0 only at end of data.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
};

/// A stream of bytes written to one destination that appears whole or not at all: nothing is visible until
/// Commit() returns OK; destroying an uncommitted sink discards what was written (no torn files or objects).
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view data) = 0;
  /// Make the written bytes durable and visible at the destination, atomically.
  virtual Status Commit() = 0;
};

/// Open a sink that writes `path` atomically (a temporary file in the same directory, fsync, rename).
Result<std::unique_ptr<ByteSink>> OpenLocalFileSink(const std::string& path);

/// Open a local file for streaming reads (no whole-file load). NotFound / PermissionDenied on failure.
Result<std::unique_ptr<ByteSource>> OpenLocalFile(const std::string& path);

/// One file of a dataset: its name (a path or s3:// URI, used in messages and batch output names), its size,
/// and how to open it. A dataset is an ordered list of these (see DataSetReader).
struct DataFile {
  std::string uri;
  uint64_t size_bytes = 0;
  std::function<Result<std::unique_ptr<ByteSource>>()> open;
};

/// List a local path as a dataset: a file gives itself; a directory gives its regular, non-empty files in
/// lexicographic order (spec §4.2: a prefix holding several files is one dataset in a stable order).
/// Files skipped in a directory: names starting with '.' (e.g. the prefix's `.schema`, spec §4.3) and names
/// ending in ".schema" (a data file's schema beside it).
Result<std::vector<DataFile>> ListLocalDataFiles(const std::string& path);

/// A source over bytes in memory, returning at most `max_chunk` bytes per Read() (tests use small chunks
/// to exercise short reads and buffer boundaries).
std::unique_ptr<ByteSource> MakeMemorySource(std::string data, size_t max_chunk = SIZE_MAX);

/// A dataset file over bytes in memory, named `uri` (tests, and small uploads already in memory).
DataFile MakeMemoryDataFile(std::string uri, std::string data, size_t max_chunk = SIZE_MAX);

}  // namespace openaml
