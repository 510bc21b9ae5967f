// BatchPredict (spec §11): one result per input file, header first, one line per input record in input
// order; a bad record leaves an empty line so results join row by row with the input (spec §11.2).
#include "openaml/engine/job_util_internal.h"
#include "openaml/engine/jobs.h"
#include "openaml/predict/batch_output.h"
#include "openaml/predict/predictor.h"

namespace openaml::engine {

Result<BatchPredictionResult> BatchPredict(
    const std::string& model_path, const DataSourceSpec& data, std::optional<double> score_threshold, bool gzip,
    const std::function<Result<std::unique_ptr<ByteSink>>(size_t file_index)>& open_output, JobContext& ctx) {
  OPENAML_ASSIGN_OR_RETURN(std::shared_ptr<predict::Predictor> predictor, predict::Predictor::Load(model_path));
  const learn::Model& model = predictor->model();
  const Schema& model_schema = predictor->schema();
  FieldMapper mapper;
  mapper.Init(model_schema, data.schema);
  predict::BatchOutputFormat format;
  format.type = model.type;
  format.classes = model.classes;
  int tag_column = data.schema.row_id ? data.schema.IndexOf(*data.schema.row_id) : -1;
  int true_label_column = model_schema.target ? data.schema.IndexOf(*model_schema.target) : -1;
  format.has_tag = tag_column >= 0;
  format.has_true_label = true_label_column >= 0;
  const double threshold = score_threshold.value_or(model.score_threshold);
  Log(ctx, "INFO", "BATCH_PREDICTION started");

  BatchPredictionResult result;
  auto extractor = predictor->NewExtractor();
  std::vector<recipe::Feature> features;
  std::vector<double> scores(model.width());
  std::string line;
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
    Status write_status;
    uint64_t file_bad = 0, file_good = 0;
    // The handler runs inside Next(), before the following good record is returned: the blank line lands
    // in the bad record's place.
    reader->set_bad_record_handler([&](const std::string& uri, const BadRecord& bad) {
      ++file_bad;
      Log(ctx, "WARN", StrCat("Invalid Record Found [Byte Offset : ", bad.byte_offset, "] :", bad.reason));
      if (write_status.ok()) write_status = writer->Write("\n");
    });
    DataRow row;
    while (true) {
      OPENAML_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
      OPENAML_RETURN_IF_ERROR(write_status);
      if (!more) break;
      ++file_good;
      ticker.Tick(bytes_before + reader->report().bytes_read);
      extractor->Extract(mapper.Map(row.fields), &features, mapper.absent_flags());
      predictor->Score(features, scores.data());
      line.clear();
      format.AppendRow(tag_column >= 0 ? row.fields[tag_column] : std::string_view(),
                       true_label_column >= 0 ? row.fields[true_label_column] : std::string_view(), scores.data(),
                       threshold, &line);
      OPENAML_RETURN_IF_ERROR(writer->Write(line));
      if ((file_good & 65535) == 0) OPENAML_RETURN_IF_ERROR(CheckCancelled(ctx));
    }
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
