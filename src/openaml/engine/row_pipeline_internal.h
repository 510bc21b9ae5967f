// Read a dataset's rows on one thread and process them on another (pass 1 of training, evaluation, batch
// prediction): parsing and featurizing overlap on two cores. Rows travel in batches of copied bytes, the
// batches are recycled, and the consumer sees them in dataset order, so results do not depend on timing.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/dataset_reader.h"

namespace openaml::engine {

/// One row as the consumer sees it.
struct PipelineRow {
  std::span<const std::string_view> fields;
  uint32_t file_index = 0;
  uint64_t byte_offset = 0;
  uint64_t bytes_read = 0;  // of the dataset so far (for progress)
};

namespace internal {
struct RowBatch {
  std::string bytes;
  std::vector<uint32_t> ends;  // end offset of each field in bytes
  std::vector<uint32_t> file_index;
  std::vector<uint64_t> byte_offset;
  std::vector<uint64_t> bytes_read;
  size_t fields_per_row = 0;
  size_t rows() const { return file_index.size(); }
  void Clear() {
    bytes.clear();
    ends.clear();
    file_index.clear();
    byte_offset.clear();
    bytes_read.clear();
  }
};
}  // namespace internal

/// Call `consume(const PipelineRow&)` (returning Status) for every row of `reader`, in order. With threads
/// >= 2 the reader runs on its own thread. `before_row` (may be a no-op) runs on the reader thread before
/// each Next(); it lets callers observe bad records in order through the reader's handler.
template <typename Consume>
Status ForEachRow(DataSetReader& reader, int threads, Consume&& consume) {
  if (threads < 2) {
    DataRow row;
    while (true) {
      OPENAML_ASSIGN_OR_RETURN(bool more, reader.Next(&row));
      if (!more) return absl::OkStatus();
      PipelineRow r{row.fields, row.file_index, row.byte_offset, reader.report().bytes_read};
      OPENAML_RETURN_IF_ERROR(consume(r));
    }
  }
  constexpr size_t kRowsPerBatch = 2048;
  constexpr size_t kBatches = 6;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<internal::RowBatch*> full, empty;
  std::vector<internal::RowBatch> storage(kBatches);
  for (auto& b : storage) empty.push_back(&b);
  bool done = false, stop = false;
  Status reader_status;
  std::thread producer([&] {
    DataRow row;
    while (true) {
      internal::RowBatch* batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !empty.empty() || stop; });
        if (stop) break;
        batch = empty.front();
        empty.pop_front();
      }
      batch->Clear();
      bool end = false;
      Status status;
      while (batch->rows() < kRowsPerBatch) {
        Result<bool> more = reader.Next(&row);
        if (!more.ok()) {
          status = more.status();
          end = true;
          break;
        }
        if (!*more) {
          end = true;
          break;
        }
        batch->fields_per_row = row.fields.size();
        for (std::string_view f : row.fields) {
          batch->bytes.append(f);
          batch->ends.push_back(static_cast<uint32_t>(batch->bytes.size()));
        }
        batch->file_index.push_back(row.file_index);
        batch->byte_offset.push_back(row.byte_offset);
        batch->bytes_read.push_back(reader.report().bytes_read);
      }
      std::lock_guard lock(mu);
      full.push_back(batch);
      if (end) {
        reader_status = status;
        done = true;
      }
      cv.notify_all();
      if (end) break;
    }
  });
  Status result;
  std::vector<std::string_view> fields;
  while (true) {
    internal::RowBatch* batch = nullptr;
    bool finished = false;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !full.empty() || done; });
      if (!full.empty()) {
        batch = full.front();
        full.pop_front();
      } else {
        finished = true;
      }
    }
    if (finished) break;
    size_t n = batch->fields_per_row;
    fields.resize(n);
    uint32_t start = 0;
    for (size_t r = 0; r < batch->rows() && result.ok(); ++r) {
      for (size_t k = 0; k < n; ++k) {
        uint32_t end = batch->ends[r * n + k];
        fields[k] = std::string_view(batch->bytes.data() + start, end - start);
        start = end;
      }
      PipelineRow row{fields, batch->file_index[r], batch->byte_offset[r], batch->bytes_read[r]};
      result = consume(row);
    }
    std::lock_guard lock(mu);
    empty.push_back(batch);
    if (!result.ok()) stop = true;
    cv.notify_all();
    if (!result.ok()) break;
  }
  {
    std::lock_guard lock(mu);
    stop = true;
    cv.notify_all();
  }
  producer.join();
  OPENAML_RETURN_IF_ERROR(result);
  return reader_status;
}

}  // namespace openaml::engine
