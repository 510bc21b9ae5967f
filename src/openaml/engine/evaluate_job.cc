// EvaluateModel (spec §9): predict every record of the evaluation datasource and compute the metric,
// the console's detail and the alerts. Records whose target is missing or invalid are left out (spec §4.4).
#include "openaml/engine/job_util_internal.h"
#include "openaml/engine/jobs.h"
#include "openaml/engine/row_pipeline_internal.h"
#include "openaml/eval/evaluator.h"
#include "openaml/predict/predictor.h"
#include "openaml/schema/value_rules.h"

namespace openaml::engine {

Result<EvaluationResult> EvaluateModel(const std::string& model_path, const DataSourceSpec& data,
                                       const std::string& training_statistics_json, JobContext& ctx) {
  return EvaluateModel(model_path, data, training_statistics_json, EvaluateOptions{}, ctx);
}

Result<EvaluationResult> EvaluateModel(const std::string& model_path, const DataSourceSpec& data,
                                       const std::string& training_statistics_json, const EvaluateOptions& options,
                                       JobContext& ctx) {
  OPENAML_ASSIGN_OR_RETURN(std::shared_ptr<predict::Predictor> predictor, predict::Predictor::Load(model_path));
  const learn::Model& model = predictor->model();
  const Schema& model_schema = predictor->schema();
  if (!model_schema.target) return absl::DataLossError("the model's schema has no target");
  int target = data.schema.IndexOf(*model_schema.target);
  if (target < 0)
    return absl::InvalidArgumentError(StrCat("the evaluation datasource has no column '", *model_schema.target,
                                             "', the model's target"));
  FieldMapper mapper;
  mapper.Init(model_schema, data.schema);
  bool schema_matches = data.schema.attributes.size() == model_schema.attributes.size();
  for (int c : mapper.columns) schema_matches = schema_matches && c >= 0;

  eval::Evaluator evaluator(model.type, model.classes, model.summary,
                            options.score_threshold.value_or(model.score_threshold));
  OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make(data.files, data.schema, data.rearrangement,
                                                            DataSetOptions::Defaults()));
  auto extractor = predictor->NewExtractor();
  std::vector<recipe::Feature> features;
  std::vector<double> scores(model.width());
  ProgressTicker ticker(ctx, "evaluating", TotalBytes(data));
  const int threads = TotalBytes(data) <= kOneThreadMaxBytes ? 1 : 2;
  Status status = ForEachRow(*reader, threads, [&](const PipelineRow& row) -> Status {
    ticker.Tick(row.bytes_read);
    std::string_view target_text = row.fields[target];
    double actual = 0;
    bool label = false;
    switch (model.type) {
      case learn::ModelType::kBinary:
        if (ParseBinary(target_text, &label) != ValueState::kPresent) {
          evaluator.AddInvalid();
          return absl::OkStatus();
        }
        break;
      case learn::ModelType::kMulticlass:
        if (target_text.empty()) {
          evaluator.AddInvalid();
          return absl::OkStatus();
        }
        break;
      case learn::ModelType::kRegression:
        if (ParseNumeric(target_text, &actual) != ValueState::kPresent) {
          evaluator.AddInvalid();
          return absl::OkStatus();
        }
        break;
    }
    extractor->Extract(mapper.Map(row.fields), &features, mapper.absent_flags());
    predictor->Score(features, scores.data());
    switch (model.type) {
      case learn::ModelType::kBinary: evaluator.AddBinary(label, scores[0]); break;
      case learn::ModelType::kMulticlass: evaluator.AddMulticlass(target_text, scores.data()); break;
      case learn::ModelType::kRegression: evaluator.AddRegression(actual, scores[0]); break;
    }
    return CheckCancelled(ctx);
  });
  OPENAML_RETURN_IF_ERROR(status);
  for (uint64_t i = 0; i < reader->report().bad_records; ++i) evaluator.AddInvalid();
  eval::EvaluationReport report = evaluator.Finish({options.same_datasource, schema_matches});
  EvaluationResult result;
  result.performance_metrics = report.performance_metrics;
  result.detail_json = report.detail_json;
  result.records = report.records;
  result.invalid_records = report.invalid_records;
  Log(ctx, "INFO", StrCat("Evaluated ", report.records, " records, ", report.invalid_records, " invalid"));
  return result;
}

}  // namespace openaml::engine
