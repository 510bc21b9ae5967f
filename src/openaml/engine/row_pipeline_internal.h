// Read a dataset's rows on one thread and process them on others (pass 1 of training, evaluation): parsing
// and featurizing overlap on two cores. Rows travel in batches of copied bytes, the batches are recycled,
// and what must happen in dataset order happens in dataset order, so results do not depend on timing.
//   HandOffBatches      — recycled batches from a filling thread to a consuming one, in order;
//   ForEachRow          — reader thread + this thread consuming every row in order (on HandOffBatches);
//   ForEachBatchOrdered — reader thread + N workers mapping whole batches concurrently (featurizing), each
//                         batch's result then committed one at a time in dataset order (dictionary, cache).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
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
  std::vector<uint32_t> starts, ends;  // offsets of each field in bytes
  std::vector<uint32_t> file_index;
  std::vector<uint64_t> byte_offset;
  std::vector<uint64_t> bytes_read;
  size_t fields_per_row = 0;
  uint64_t sequence = 0;
  /// Bad records met while filling, each with the number of this batch's rows read before it (only when the
  /// pipeline is asked to keep them: see ForEachBatchOrdered).
  std::vector<std::pair<uint32_t, BadRecord>> bad_records;
  size_t rows() const { return file_index.size(); }
  bool empty() const { return rows() == 0 && bad_records.empty(); }
  /// Copy one row in. Fields that lie one separator apart in the reader's buffer (the usual unquoted CSV
  /// line) are copied with one memcpy for the whole row. The offsets are written through raw pointers
  /// (push_back per field reloads the vectors' ends each time: the copy then cost as much as the parse).
  void Append(const DataRow& row, uint64_t read_so_far) {
    const auto& f = row.fields;
    const size_t n = f.size();
    fields_per_row = n;
    const size_t at = starts.size();
    starts.resize(at + n);
    ends.resize(at + n);
    uint32_t* s = starts.data() + at;
    uint32_t* e = ends.data() + at;
    const uint32_t base = static_cast<uint32_t>(bytes.size());
    if (n > 0) {
      bool contiguous = true;
      for (size_t k = 1; k < n && contiguous; ++k)
        contiguous = f[k].data() == f[k - 1].data() + f[k - 1].size() + 1;
      if (contiguous) {
        const char* first = f.front().data();
        for (size_t k = 0; k < n; ++k) {
          s[k] = base + static_cast<uint32_t>(f[k].data() - first);
          e[k] = s[k] + static_cast<uint32_t>(f[k].size());
        }
        bytes.append(first, static_cast<size_t>(f.back().data() + f.back().size() - first));
      } else {
        for (size_t k = 0; k < n; ++k) {
          s[k] = static_cast<uint32_t>(bytes.size());
          bytes.append(f[k]);
          e[k] = static_cast<uint32_t>(bytes.size());
        }
      }
    }
    file_index.push_back(row.file_index);
    byte_offset.push_back(row.byte_offset);
    bytes_read.push_back(read_so_far);
  }
  /// Row `r` (`fields` is scratch space for its field views).
  PipelineRow Row(size_t r, std::vector<std::string_view>* fields) const {
    size_t n = fields_per_row;
    fields->resize(n);
    const uint32_t* s = starts.data() + r * n;
    const uint32_t* e = ends.data() + r * n;
    for (size_t k = 0; k < n; ++k) (*fields)[k] = std::string_view(bytes.data() + s[k], e[k] - s[k]);
    return PipelineRow{*fields, file_index[r], byte_offset[r], bytes_read[r]};
  }
  void Clear() {
    bytes.clear();
    starts.clear();
    ends.clear();
    file_index.clear();
    byte_offset.clear();
    bytes_read.clear();
    bad_records.clear();
  }
};

/// Fill `batch` with up to `max_rows` rows of `reader`; sets *end at the end of the data or on an error.
inline Status FillBatch(DataSetReader& reader, size_t max_rows, RowBatch* batch, bool* end) {
  batch->Clear();
  DataRow row;
  while (batch->rows() < max_rows) {
    Result<bool> more = reader.Next(&row);
    if (!more.ok()) {
      *end = true;
      return more.status();
    }
    if (!*more) {
      *end = true;
      return absl::OkStatus();
    }
    batch->Append(row, reader.report().bytes_read);
  }
  return absl::OkStatus();
}
}  // namespace internal

/// Visit the rows of a batch in order: `f(const PipelineRow&)` returning Status.
template <typename F>
Status ForBatchRows(const internal::RowBatch& batch, std::vector<std::string_view>* scratch, F&& f) {
  for (size_t r = 0; r < batch.rows(); ++r) OPENAML_RETURN_IF_ERROR(f(batch.Row(r, scratch)));
  return absl::OkStatus();
}

/// Hand recycled batches from a filling thread to a consuming thread, in order: `fill(T&, bool* end)` ->
/// Status fills a batch (setting *end once the data is over; that batch is still consumed), and
/// `consume(T&)` -> Status takes it. With `fill_here` the filling runs on this thread and the consuming on a
/// new one, otherwise the reverse. The first error of either side stops both and is returned (the
/// consumer's first); the batches in `slots` bound the memory. An exception on this thread stops the other
/// side (a consumer still takes the batches already filled) and goes on once it has joined; the side on the
/// new thread must not throw.
template <typename T, typename Fill, typename Consume>
Status HandOffBatches(std::vector<T>& slots, bool fill_here, Fill&& fill, Consume&& consume) {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<T*> full, empty;
  for (T& slot : slots) empty.push_back(&slot);
  bool filled = false;  // the filling side is over (end of data, an error, or told to stop)
  bool stop = false;    // the consuming side failed, or this thread is unwinding: stop filling
  Status fill_status, consume_status;
  auto filler = [&] {
    while (true) {
      T* batch = nullptr;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !empty.empty() || stop; });
        if (stop) break;
        batch = empty.front();
        empty.pop_front();
      }
      bool end = false;
      Status status = fill(*batch, &end);
      std::lock_guard lock(mu);
      if (status.ok()) {
        full.push_back(batch);
      } else {
        fill_status = std::move(status);
        end = true;
      }
      cv.notify_all();
      if (end) break;
    }
    std::lock_guard lock(mu);
    filled = true;
    cv.notify_all();
  };
  auto consumer = [&] {
    while (true) {
      T* batch = nullptr;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !full.empty() || filled; });
        if (full.empty() || !fill_status.ok()) break;
        batch = full.front();
        full.pop_front();
      }
      Status status = consume(*batch);
      const bool failed = !status.ok();
      std::lock_guard lock(mu);
      empty.push_back(batch);
      if (failed) {
        consume_status = std::move(status);
        stop = true;
      }
      cv.notify_all();
      if (failed) break;
    }
  };
  // Joins the other side on every way out of this scope.
  struct Joiner {
    std::thread thread;
    std::mutex& mu;
    std::condition_variable& cv;
    bool& stop;
    bool& filled;
    ~Joiner() {
      {
        std::lock_guard lock(mu);
        stop = filled = true;  // no effect on a side that is already done
      }
      cv.notify_all();
      thread.join();
    }
  };
  {
    Joiner other{fill_here ? std::thread(consumer) : std::thread(filler), mu, cv, stop, filled};
    if (fill_here) {
      filler();
    } else {
      consumer();
    }
  }
  OPENAML_RETURN_IF_ERROR(consume_status);
  return fill_status;
}

/// Call `consume(const PipelineRow&)` (returning Status) for every row of `reader`, in order. With threads
/// >= 2 the reader runs on its own thread, a few batches ahead.
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
  std::vector<internal::RowBatch> batches(6);
  std::vector<std::string_view> fields;
  return HandOffBatches(
      batches, /*fill_here=*/false,
      [&](internal::RowBatch& batch, bool* end) { return internal::FillBatch(reader, kRowsPerBatch, &batch, end); },
      [&](const internal::RowBatch& batch) { return ForBatchRows(batch, &fields, consume); });
}

/// Read `reader` on its own thread into batches; `workers` threads (this one included) call
/// `map(worker, const internal::RowBatch&, Out*)` -> Status on whole batches concurrently, and each batch's
/// `Out` is then passed to `commit(worker, Out&)` -> Status one batch at a time, in dataset order, on the
/// thread of the worker that mapped it (so per-worker state needs no lock). With workers < 2
/// everything runs on this thread. `Out` objects are recycled (map must reset what it fills).
/// With `keep_bad_records` the pipeline owns the reader's bad-record handler for the call: each bad record
/// lands in RowBatch::bad_records of the batch being filled, in its place among the rows.
template <typename Out, typename Map, typename Commit>
Status ForEachBatchOrdered(DataSetReader& reader, int workers, Map&& map, Commit&& commit,
                           bool keep_bad_records = false) {
  constexpr size_t kRowsPerBatch = 2048;
  internal::RowBatch* filling = nullptr;  // touched by the reading thread only
  if (keep_bad_records) {
    reader.set_bad_record_handler([&filling](const std::string&, const BadRecord& bad) {
      filling->bad_records.emplace_back(static_cast<uint32_t>(filling->rows()), bad);
    });
  }
  struct ReleaseHandler {
    DataSetReader& reader;
    bool owned;
    ~ReleaseHandler() {
      if (owned) reader.set_bad_record_handler(nullptr);
    }
  } release{reader, keep_bad_records};
  if (workers < 2) {
    internal::RowBatch batch;
    filling = &batch;
    Out out;
    bool end = false;
    while (!end) {
      OPENAML_RETURN_IF_ERROR(internal::FillBatch(reader, kRowsPerBatch, &batch, &end));
      if (batch.empty()) break;
      OPENAML_RETURN_IF_ERROR(map(0, batch, &out));
      OPENAML_RETURN_IF_ERROR(commit(0, out));
    }
    return absl::OkStatus();
  }
  const size_t kBatches = 4 * static_cast<size_t>(workers);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<size_t> full, empty;  // batch slots
  std::vector<internal::RowBatch> storage(kBatches);
  std::vector<Out> outs(kBatches);
  for (size_t i = 0; i < kBatches; ++i) empty.push_back(i);
  bool done = false, stop = false;
  uint64_t next_commit = 0;
  Status reader_status, result;
  std::thread producer([&] {
    uint64_t sequence = 0;
    while (true) {
      size_t slot;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !empty.empty() || stop; });
        if (stop) break;
        slot = empty.front();
        empty.pop_front();
      }
      internal::RowBatch& batch = storage[slot];
      filling = &batch;
      bool end = false;
      Status status = internal::FillBatch(reader, kRowsPerBatch, &batch, &end);
      batch.sequence = sequence;
      if (!batch.empty()) ++sequence;
      std::lock_guard lock(mu);
      if (!batch.empty()) full.push_back(slot);
      else empty.push_back(slot);
      if (end) {
        reader_status = status;
        done = true;
      }
      cv.notify_all();
      if (end) break;
    }
  });
  auto work = [&](int worker) {
    while (true) {
      size_t slot;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !full.empty() || done || stop; });
        if (stop || full.empty()) return;
        slot = full.front();
        full.pop_front();
      }
      Status status = map(worker, storage[slot], &outs[slot]);
      const uint64_t sequence = storage[slot].sequence;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return next_commit == sequence || stop; });
        if (stop) return;
      }
      // Only this worker may commit now: the others wait for next_commit to move.
      if (status.ok()) status = commit(worker, outs[slot]);
      std::lock_guard lock(mu);
      ++next_commit;
      empty.push_back(slot);
      if (!status.ok()) {
        if (result.ok()) result = status;
        stop = true;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
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
