// BatchPredict (spec §11): one result per input file, header first, one line per input record in input
// order; a bad record leaves an empty line so results join row by row with the input (spec §11.2).
//
// Per file, a pipeline over chunks of rows keeps every core busy while the output stays in input order:
//   reader thread  — parses CSV into a chunk (copied field bytes; bad records marked in place);
//   worker threads — featurize, score and format a whole chunk into its output text;
//   this thread    — writes finished chunks in sequence, logs bad records, reports progress, checks cancel.
// Memory is bounded by the number of chunks in flight (kChunkRows rows each), never by the file.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "openaml/engine/job_util_internal.h"
#include "openaml/engine/jobs.h"
#include "openaml/predict/batch_output.h"
#include "openaml/predict/predictor.h"

namespace openaml::engine {
namespace {

constexpr size_t kChunkRows = 4096;

/// Rows of one chunk: the good ones' fields as copied bytes, bad ones as a log message.
struct Chunk {
  uint64_t sequence = 0;
  std::string bytes;
  std::vector<uint32_t> field_ends;     // end offset in `bytes` of each field of the good rows
  std::vector<int32_t> entries;         // per record in input order: >= 0 good (row number), < 0 bad (-1 - k)
  std::vector<std::string> bad_messages;
  size_t fields_per_row = 0;
  uint64_t good = 0;
  uint64_t bytes_read = 0;  // of the file once this chunk was read (progress)
  std::string output;
  void Clear() {
    bytes.clear();
    field_ends.clear();
    entries.clear();
    bad_messages.clear();
    good = 0;
    output.clear();
  }
};

/// What a worker needs to turn a chunk into output lines; one per worker thread.
struct ChunkScorer {
  const predict::Predictor* predictor;
  const predict::BatchOutputFormat* format;
  FieldMapper mapper;
  std::unique_ptr<recipe::FeatureExtractor> extractor;
  std::vector<recipe::Feature> features;
  std::vector<double> scores;
  std::vector<std::string_view> fields;
  int tag_column = -1, true_label_column = -1;
  double threshold = 0.5;

  void Score(Chunk& chunk) {
    const size_t n = chunk.fields_per_row;
    fields.resize(n);
    for (int32_t entry : chunk.entries) {
      if (entry < 0) {
        chunk.output.push_back('\n');
        continue;
      }
      size_t first = static_cast<size_t>(entry) * n;
      uint32_t start = first == 0 ? 0 : chunk.field_ends[first - 1];
      for (size_t k = 0; k < n; ++k) {
        uint32_t end = chunk.field_ends[first + k];
        fields[k] = std::string_view(chunk.bytes.data() + start, end - start);
        start = end;
      }
      extractor->Extract(mapper.Map(fields), &features, mapper.absent_flags());
      predictor->Score(features, scores.data());
      format->AppendRow(tag_column >= 0 ? fields[tag_column] : std::string_view(),
                        true_label_column >= 0 ? fields[true_label_column] : std::string_view(), scores.data(),
                        threshold, &chunk.output);
    }
  }
};

/// Runs the reader/worker/writer pipeline for one file. `write(chunk)` runs on the calling thread, in order.
class FilePipeline {
 public:
  FilePipeline(DataSetReader& reader, std::vector<ChunkScorer>& scorers) : reader_(reader), scorers_(scorers) {
    storage_.resize(scorers.size() * 2 + 2);
    for (Chunk& c : storage_) free_.push_back(&c);
  }

  template <typename Write>
  Status Run(Write&& write) {
    // The reader's handler runs inside Next() on the reader thread, before the next good record: the bad
    // record's entry lands in its place.
    Chunk* filling = nullptr;
    reader_.set_bad_record_handler([&filling](const std::string&, const BadRecord& bad) {
      filling->entries.push_back(-1 - static_cast<int32_t>(filling->bad_messages.size()));
      filling->bad_messages.push_back(
          StrCat("Invalid Record Found [Byte Offset : ", bad.byte_offset, "] :", bad.reason));
    });
    std::thread reader_thread([&] { ReadChunks(&filling); });
    std::vector<std::thread> workers;
    for (ChunkScorer& scorer : scorers_) workers.emplace_back([&] { ScoreChunks(scorer); });

    Status status;
    uint64_t next = 0;
    while (true) {
      Chunk* chunk = nullptr;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return scored_.count(next) || (reader_done_ && next == chunks_read_); });
        auto it = scored_.find(next);
        if (it == scored_.end()) break;  // every chunk written
        chunk = it->second;
        scored_.erase(it);
      }
      status = write(*chunk);
      ++next;
      std::lock_guard lock(mu_);
      free_.push_back(chunk);
      if (!status.ok()) break;
      cv_.notify_all();
    }
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    reader_thread.join();
    for (std::thread& w : workers) w.join();
    reader_.set_bad_record_handler(nullptr);
    OPENAML_RETURN_IF_ERROR(status);
    return reader_status_;
  }

 private:
  void ReadChunks(Chunk** filling) {
    DataRow row;
    bool end = false;
    while (!end) {
      Chunk* chunk;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !free_.empty() || stop_; });
        if (stop_) return;
        chunk = free_.front();
        free_.pop_front();
      }
      chunk->Clear();
      *filling = chunk;
      Status status;
      while (chunk->entries.size() < kChunkRows) {
        Result<bool> more = reader_.Next(&row);
        if (!more.ok() || !*more) {
          if (!more.ok()) status = more.status();
          end = true;
          break;
        }
        chunk->fields_per_row = row.fields.size();
        chunk->entries.push_back(static_cast<int32_t>(chunk->good++));
        for (std::string_view f : row.fields) {
          chunk->bytes.append(f);
          chunk->field_ends.push_back(static_cast<uint32_t>(chunk->bytes.size()));
        }
      }
      chunk->bytes_read = reader_.report().bytes_read;
      std::lock_guard lock(mu_);
      chunk->sequence = chunks_read_++;
      to_score_.push_back(chunk);
      if (end) {
        reader_status_ = status;
        reader_done_ = true;
      }
      cv_.notify_all();
    }
  }

  void ScoreChunks(ChunkScorer& scorer) {
    while (true) {
      Chunk* chunk;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !to_score_.empty() || stop_ || reader_done_; });
        if (stop_ || to_score_.empty()) return;
        chunk = to_score_.front();
        to_score_.pop_front();
      }
      scorer.Score(*chunk);
      std::lock_guard lock(mu_);
      scored_.emplace(chunk->sequence, chunk);
      cv_.notify_all();
    }
  }

  DataSetReader& reader_;
  std::vector<ChunkScorer>& scorers_;
  std::deque<Chunk> storage_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk*> free_, to_score_;
  std::map<uint64_t, Chunk*> scored_;
  uint64_t chunks_read_ = 0;
  bool reader_done_ = false, stop_ = false;
  Status reader_status_;
};

}  // namespace

Result<BatchPredictionResult> BatchPredict(
    const std::string& model_path, const DataSourceSpec& data, std::optional<double> score_threshold, bool gzip,
    const std::function<Result<std::unique_ptr<ByteSink>>(size_t file_index)>& open_output, JobContext& ctx) {
  OPENAML_ASSIGN_OR_RETURN(std::shared_ptr<predict::Predictor> predictor, predict::Predictor::Load(model_path));
  const learn::Model& model = predictor->model();
  const Schema& model_schema = predictor->schema();
  predict::BatchOutputFormat format;
  format.type = model.type;
  format.classes = model.classes;
  int tag_column = data.schema.row_id ? data.schema.IndexOf(*data.schema.row_id) : -1;
  int true_label_column = model_schema.target ? data.schema.IndexOf(*model_schema.target) : -1;
  format.has_tag = tag_column >= 0;
  format.has_true_label = true_label_column >= 0;
  const double threshold = score_threshold.value_or(model.score_threshold);
  Log(ctx, "INFO", "BATCH_PREDICTION started");

  // One worker per core: the reader thread mostly parses ahead of them and this thread mostly waits.
  std::vector<ChunkScorer> scorers(std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16));
  for (ChunkScorer& s : scorers) {
    s.predictor = predictor.get();
    s.format = &format;
    s.mapper.Init(model_schema, data.schema);
    s.extractor = predictor->NewExtractor();
    s.scores.resize(model.width());
    s.tag_column = tag_column;
    s.true_label_column = true_label_column;
    s.threshold = threshold;
  }

  BatchPredictionResult result;
  ProgressTicker ticker(ctx, "predicting", TotalBytes(data));
  uint64_t bytes_before = 0;
  for (size_t file_index = 0; file_index < data.files.size(); ++file_index) {
    const DataFile& file = data.files[file_index];
    Log(ctx, "INFO", StrCat("Processing file ", file.uri, " ..."));
    OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> sink, open_output(file_index));
    OPENAML_ASSIGN_OR_RETURN(auto writer, predict::BatchOutputWriter::Make(std::move(sink), gzip));
    OPENAML_RETURN_IF_ERROR(writer->Write(format.Header()));
    OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make({file}, data.schema, data.rearrangement,
                                                              DataSetOptions::Defaults()));
    uint64_t file_bad = 0, file_good = 0;
    FilePipeline pipeline(*reader, scorers);
    OPENAML_RETURN_IF_ERROR(pipeline.Run([&](const Chunk& chunk) -> Status {
      for (const std::string& message : chunk.bad_messages) Log(ctx, "WARN", message);
      file_bad += chunk.bad_messages.size();
      file_good += chunk.good;
      ticker.Tick(bytes_before + chunk.bytes_read, chunk.entries.size());
      OPENAML_RETURN_IF_ERROR(writer->Write(chunk.output));
      return CheckCancelled(ctx);
    }));
    OPENAML_RETURN_IF_ERROR(writer->Commit());
    bytes_before += reader->report().bytes_read;
    result.total_records += file_good + file_bad;
    result.invalid_records += file_bad;
    Log(ctx, "INFO", StrCat("Number of records processed without error : ", file_good));
    Log(ctx, "INFO", StrCat("Number of bad records : ", file_bad));
  }
  Log(ctx, "INFO", "BATCH_PREDICTION completed.");
  return result;
}

}  // namespace openaml::engine
