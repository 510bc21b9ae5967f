// BatchPredict (spec §11): one result per input file, header first, one line per input record in input
// order; a bad record leaves an empty line so results join row by row with the input (spec §11.2).
//
// Per file, ForEachBatchOrdered (row_pipeline_internal.h) parses on a reader thread while one worker per core
// featurizes, scores and formats whole batches; each batch's text is then written, its bad records logged and
// progress reported in input order. Memory is bounded by the batches in flight, never by the file.
#include <algorithm>
#include <thread>

#include "openaml/engine/job_util_internal.h"
#include "openaml/engine/jobs.h"
#include "openaml/engine/row_pipeline_internal.h"
#include "openaml/predict/batch_output.h"
#include "openaml/predict/predictor.h"

namespace openaml::engine {
namespace {

/// One batch's result lines, with what the in-order commit reports.
struct ScoredBatch {
  std::string text;
  std::vector<std::string> bad_messages;
  uint64_t good = 0;
  uint64_t bytes_read = 0;
};

/// What a worker needs to turn a batch into result lines; one per worker thread.
struct BatchScorer {
  const predict::Predictor* predictor;
  const predict::BatchOutputFormat* format;
  FieldMapper mapper;
  std::unique_ptr<recipe::FeatureExtractor> extractor;
  std::vector<recipe::Feature> features;
  std::vector<double> scores;
  std::vector<std::string_view> fields;
  int tag_column = -1, true_label_column = -1;
  double threshold = 0.5;

  void Score(const internal::RowBatch& batch, ScoredBatch* out) {
    out->text.clear();
    out->bad_messages.clear();
    out->good = batch.rows();
    if (batch.rows()) out->bytes_read = batch.bytes_read.back();
    auto bad = batch.bad_records.begin();
    for (size_t r = 0; r <= batch.rows(); ++r) {
      for (; bad != batch.bad_records.end() && bad->first == r; ++bad) {
        out->text.push_back('\n');
        out->bad_messages.push_back(
            StrCat("Invalid Record Found [Byte Offset : ", bad->second.byte_offset, "] :", bad->second.reason));
      }
      if (r == batch.rows()) break;
      std::span<const std::string_view> row = batch.Row(r, &fields).fields;
      extractor->Extract(mapper.Map(row), &features, mapper.absent_flags());
      predictor->Score(features, scores.data());
      format->AppendRow(tag_column >= 0 ? row[tag_column] : std::string_view(),
                        true_label_column >= 0 ? row[true_label_column] : std::string_view(), scores.data(),
                        threshold, &out->text);
    }
  }
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

  // One worker per core: the reader thread mostly parses ahead of them.
  std::vector<BatchScorer> scorers(std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16));
  for (BatchScorer& s : scorers) {
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
    auto map = [&](int worker, const internal::RowBatch& batch, ScoredBatch* out) -> Status {
      scorers[worker].Score(batch, out);
      return absl::OkStatus();
    };
    auto commit = [&](int, ScoredBatch& out) -> Status {
      for (const std::string& message : out.bad_messages) Log(ctx, "WARN", message);
      file_bad += out.bad_messages.size();
      file_good += out.good;
      ticker.Tick(bytes_before + out.bytes_read, out.good + out.bad_messages.size());
      OPENAML_RETURN_IF_ERROR(writer->Write(out.text));
      return CheckCancelled(ctx);
    };
    OPENAML_RETURN_IF_ERROR(ForEachBatchOrdered<ScoredBatch>(*reader, static_cast<int>(scorers.size()), map, commit,
                                                             /*keep_bad_records=*/true));
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
