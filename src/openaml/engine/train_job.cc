// TrainModel (spec §8): recipe, fitting pre-pass, pass 1 into the feature cache, SGD passes, model file.
//
// Steps:
//   1. check the target and model type, parse the sgd.* parameters;
//   2. recipe: the given one, or the suggested one (spec §7.6) from a sample of the numeric attributes;
//   3. fitting pre-pass: a reservoir sample of up to fit_sample_rows rows fits quantile_bin and normalize;
//   4. pass 1: parse (reader thread) and featurize (this thread) every row; feature keys get dense indexes
//      (the dictionary), rows go to the FeatureCache; targets are checked (missing/invalid: row refused);
//   5. TrainSgd over the cache; AssembleWeights trims to sgd.maxMLModelSizeInBytes;
//   6. write the model file atomically.
#include <algorithm>
#include <cmath>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "nlohmann/json.hpp"
#include "openaml/engine/job_util_internal.h"
#include "openaml/engine/jobs.h"
#include "openaml/engine/row_pipeline_internal.h"
#include "openaml/learn/feature_cache.h"
#include "openaml/learn/parameters.h"
#include "openaml/learn/sgd_trainer.h"
#include "openaml/recipe/default_recipe.h"
#include "openaml/recipe/feature_program.h"
#include "openaml/schema/value_rules.h"

namespace openaml::engine {

std::string_view MLModelTypeName(MLModelType type) {
  switch (type) {
    case MLModelType::kBinary: return "BINARY";
    case MLModelType::kMulticlass: return "MULTICLASS";
    case MLModelType::kRegression: return "REGRESSION";
  }
  return "?";
}

Result<MLModelType> ParseMLModelType(std::string_view name) {
  if (name == "BINARY") return MLModelType::kBinary;
  if (name == "MULTICLASS") return MLModelType::kMulticlass;
  if (name == "REGRESSION") return MLModelType::kRegression;
  return absl::InvalidArgumentError(StrCat("MLModelType '", name, "' is not one of BINARY, MULTICLASS, REGRESSION"));
}

namespace {

constexpr size_t kMaxClasses = 100;  // spec §13

Status CheckTargetType(const Schema& schema, int target, MLModelType type) {
  AttributeType t = schema.attributes[target].type;
  AttributeType wanted = type == MLModelType::kBinary       ? AttributeType::kBinary
                         : type == MLModelType::kMulticlass ? AttributeType::kCategorical
                                                            : AttributeType::kNumeric;
  if (t != wanted)
    return absl::InvalidArgumentError(StrCat("a ", MLModelTypeName(type), " model needs a ", AttributeTypeName(wanted),
                                             " target, but '", schema.attributes[target].name, "' is ",
                                             AttributeTypeName(t), " (spec §4.4)"));
  return absl::OkStatus();
}

/// Samples the NUMERIC attributes in `attributes` over the first `max_rows` selected rows.
Result<std::map<int, recipe::FitSampler>> SampleNumeric(const DataSourceSpec& data, const std::vector<int>& attributes,
                                                        uint64_t max_rows, uint64_t seed, JobContext& ctx) {
  std::map<int, recipe::FitSampler> samplers;
  for (int a : attributes) samplers.emplace(a, recipe::FitSampler(200000, seed + a));
  if (attributes.empty()) return samplers;
  OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make(data.files, data.schema, data.rearrangement,
                                                            DataSetOptions::Defaults()));
  DataRow row;
  uint64_t rows = 0;
  while (rows < max_rows) {
    OPENAML_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    ++rows;
    for (auto& [attr, sampler] : samplers) {
      double v;
      if (ParseNumeric(row.fields[attr], &v) == ValueState::kPresent) sampler.Add(v);
    }
    if ((rows & 65535) == 0) OPENAML_RETURN_IF_ERROR(CheckCancelled(ctx));
  }
  return samplers;
}

}  // namespace

Result<TrainResult> TrainModel(const TrainRequest& request, JobContext& ctx) {
  const Schema& schema = request.training.schema;
  int target = schema.target ? schema.IndexOf(*schema.target) : -1;
  if (target < 0)
    return absl::InvalidArgumentError("the training datasource's schema has no targetAttributeName (spec §4.3)");
  OPENAML_RETURN_IF_ERROR(CheckTargetType(schema, target, request.model_type));
  OPENAML_ASSIGN_OR_RETURN(learn::TrainingParameters params, learn::TrainingParameters::FromMap(request.parameters));
  params.seed = request.seed;
  const learn::ModelType type = ToLearnType(request.model_type);

  // 2-3. Recipe and fitting sample.
  std::vector<int> numeric_inputs;
  for (size_t i = 0; i < schema.attributes.size(); ++i)
    if (schema.attributes[i].type == AttributeType::kNumeric && schema.IsInput(static_cast<int>(i)))
      numeric_inputs.push_back(static_cast<int>(i));
  bool default_recipe = !request.recipe_json || request.recipe_json->empty();
  std::map<int, recipe::FitSampler> samplers;
  std::string recipe_text;
  if (default_recipe) {
    Progress(ctx, "sampling for the suggested recipe", 0);
    OPENAML_ASSIGN_OR_RETURN(samplers, SampleNumeric(request.training, numeric_inputs, request.fit_sample_rows,
                                                     request.seed, ctx));
    std::map<std::string, recipe::NumericSummary> summaries;
    for (auto& [attr, sampler] : samplers) {
      std::vector<double> sorted = sampler.sample();
      std::sort(sorted.begin(), sorted.end());
      uint64_t distinct = std::unique(sorted.begin(), sorted.end()) - sorted.begin();
      summaries[schema.attributes[attr].name] = {distinct, sampler.count()};
    }
    recipe_text = recipe::DefaultRecipeJson(schema, summaries);
    Log(ctx, "INFO", StrCat("Using the suggested recipe: ", recipe_text));
  } else {
    recipe_text = *request.recipe_json;
  }
  OPENAML_ASSIGN_OR_RETURN(recipe::Recipe recipe, recipe::Recipe::Parse(recipe_text));
  OPENAML_ASSIGN_OR_RETURN(std::shared_ptr<recipe::FeatureProgram> program,
                           recipe::FeatureProgram::Compile(recipe, schema));
  if (!program->attributes_to_fit().empty()) {
    if (!default_recipe) {
      Progress(ctx, "fitting quantile bins", 0);
      OPENAML_ASSIGN_OR_RETURN(samplers, SampleNumeric(request.training, program->attributes_to_fit(),
                                                       request.fit_sample_rows, request.seed, ctx));
    }
    std::vector<recipe::FitSampler> ordered;
    for (int attr : program->attributes_to_fit()) ordered.push_back(std::move(samplers.at(attr)));
    program->Fit(ordered);
  }
  samplers.clear();

  // 4. Pass 1: featurize into the cache.
  OPENAML_ASSIGN_OR_RETURN(auto cache, learn::FeatureCache::Make(request.cache_directory, request.cache_memory_bytes));
  OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make(request.training.files, schema,
                                                            request.training.rearrangement, DataSetOptions::Defaults()));
  reader->set_bad_record_handler([&ctx](const std::string& uri, const BadRecord& bad) {
    Log(ctx, "WARN", StrCat("Invalid Record Found [Byte Offset : ", bad.byte_offset, "] :", bad.reason));
  });
  recipe::FeatureExtractor extractor(program);
  std::vector<recipe::Feature> features;
  absl::flat_hash_map<uint64_t, uint32_t> dictionary;
  std::vector<uint64_t> keys;
  std::vector<double> sum_squares;
  std::vector<uint32_t> occurrences;
  std::vector<uint32_t> indices;
  std::vector<float> values;
  std::map<std::string, uint32_t, std::less<>> class_index;  // MULTICLASS: first-seen index
  std::vector<std::string> class_names;
  std::vector<uint64_t> class_counts(type == learn::ModelType::kBinary ? 2 : 0);
  uint64_t invalid = 0;
  double target_mean = 0, target_m2 = 0;
  uint64_t target_count = 0;
  ProgressTicker ticker(ctx, "pass 1: reading and featurizing", TotalBytes(request.training));
  Status pass1 = ForEachRow(*reader, request.threads, [&](const PipelineRow& row) -> Status {
    ticker.Tick(row.bytes_read);
    std::string_view target_text = row.fields[target];
    float label = 0;
    switch (type) {
      case learn::ModelType::kBinary: {
        bool b;
        if (ParseBinary(target_text, &b) != ValueState::kPresent) {
          ++invalid;
          return absl::OkStatus();
        }
        label = b ? 1.0f : 0.0f;
        class_counts[b ? 1 : 0]++;
        break;
      }
      case learn::ModelType::kMulticlass: {
        if (target_text.empty()) {
          ++invalid;
          return absl::OkStatus();
        }
        auto it = class_index.find(target_text);
        if (it == class_index.end()) {
          if (class_names.size() >= kMaxClasses)
            return absl::InvalidArgumentError(StrCat("the MULTICLASS target '", schema.attributes[target].name,
                                                     "' has more than ", kMaxClasses, " classes (spec §13)"));
          it = class_index.emplace(std::string(target_text), static_cast<uint32_t>(class_names.size())).first;
          class_names.emplace_back(target_text);
          class_counts.push_back(0);
        }
        label = static_cast<float>(it->second);
        class_counts[it->second]++;
        break;
      }
      case learn::ModelType::kRegression: {
        double y;
        if (ParseNumeric(target_text, &y) != ValueState::kPresent) {
          ++invalid;
          return absl::OkStatus();
        }
        label = static_cast<float>(y);
        ++target_count;
        double delta = y - target_mean;
        target_mean += delta / static_cast<double>(target_count);
        target_m2 += delta * (y - target_mean);
        break;
      }
    }
    extractor.Extract(row.fields, &features);
    indices.clear();
    values.clear();
    for (const recipe::Feature& f : features) {
      auto [it, inserted] = dictionary.try_emplace(f.key, static_cast<uint32_t>(keys.size()));
      if (inserted) {
        keys.push_back(f.key);
        sum_squares.push_back(0);
        occurrences.push_back(0);
      }
      uint32_t index = it->second;
      sum_squares[index] += static_cast<double>(f.value) * f.value;
      occurrences[index]++;
      indices.push_back(index);
      values.push_back(f.value);
    }
    return cache->Append(label, indices, values);
  });
  OPENAML_RETURN_IF_ERROR(pass1);
  OPENAML_RETURN_IF_ERROR(cache->Finish());
  OPENAML_RETURN_IF_ERROR(CheckCancelled(ctx));
  const IngestReport& report = reader->report();
  Log(ctx, "INFO", StrCat("Number of records processed without error : ", report.records_selected));
  Log(ctx, "INFO", StrCat("Number of bad records : ", report.bad_records + invalid));
  if (cache->rows() == 0)
    return absl::FailedPreconditionError(StrCat("no training records with a valid target (", invalid,
                                                " records had a missing or invalid target)"));
  if (type == learn::ModelType::kMulticlass && class_names.size() < 2)
    return absl::FailedPreconditionError("a MULTICLASS model needs at least 2 classes in the training data");

  // 5. SGD.
  std::vector<float> scale(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    double rms = occurrences[i] ? std::sqrt(sum_squares[i] / occurrences[i]) : 0;
    scale[i] = rms > 0 ? static_cast<float>(1 / rms) : 1.0f;
  }
  learn::SgdOptions options;
  options.type = type;
  options.parameters = params;
  options.cancelled = ctx.cancelled;
  options.target_mean = target_mean;
  options.target_std = target_count > 1 ? std::sqrt(target_m2 / target_count) : 1;
  if (options.target_std <= 0) options.target_std = 1;
  // MULTICLASS: classes sorted by name (spec §11.3 gap), cache labels are first-seen indexes.
  std::vector<std::string> sorted_classes = class_names;
  std::sort(sorted_classes.begin(), sorted_classes.end());
  if (type == learn::ModelType::kMulticlass) {
    options.classes = class_names.size();
    options.label_map.resize(class_names.size());
    for (size_t i = 0; i < class_names.size(); ++i)
      options.label_map[i] = static_cast<uint32_t>(
          std::lower_bound(sorted_classes.begin(), sorted_classes.end(), class_names[i]) - sorted_classes.begin());
  }
  int max_passes = params.max_passes;
  options.on_pass = [&](int pass, double loss) {
    Progress(ctx, StrCat("pass ", pass, " of ", max_passes), static_cast<double>(pass) / max_passes);
    Log(ctx, "INFO", StrCat("Pass ", pass, ": mean training loss ", loss));
  };
  OPENAML_ASSIGN_OR_RETURN(learn::SgdResult trained, learn::TrainSgd(*cache, keys.size(), scale, options));
  cache.reset();

  learn::Model model;
  model.type = type;
  model.schema_json = schema.ToJson();
  model.recipe_json = recipe.ToJson();
  model.fit_json = program->FitJson();
  if (type == learn::ModelType::kBinary) model.classes = {"0", "1"};
  if (type == learn::ModelType::kMulticlass) {
    model.classes = sorted_classes;
    std::vector<uint64_t> sorted_counts(class_names.size());
    for (size_t i = 0; i < class_names.size(); ++i) sorted_counts[options.label_map[i]] = class_counts[i];
    class_counts = sorted_counts;
  }
  nlohmann::json params_json(params.ToMap());
  model.training_parameters_json = params_json.dump();
  model.summary.records = report.records_selected - invalid;
  model.summary.invalid_records = invalid;
  model.summary.passes = trained.passes;
  model.summary.target_mean = target_mean;
  model.summary.class_counts = class_counts;
  uint64_t dropped = learn::AssembleWeights(trained, keys, scale, options, params.max_model_size_bytes, &model);
  model.summary.features_dropped = dropped;
  if (dropped)
    Log(ctx, "WARN", StrCat("Model size limit sgd.maxMLModelSizeInBytes=", params.max_model_size_bytes, ": ", dropped,
                            " of ", dropped + model.keys.size(), " features dropped (the least useful)"));

  // 6. Model file, atomically.
  std::string bytes = model.Serialize();
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> sink, OpenLocalFileSink(request.model_path));
  OPENAML_RETURN_IF_ERROR(sink->Write(bytes));
  OPENAML_RETURN_IF_ERROR(sink->Commit());

  TrainResult result;
  result.size_in_bytes = bytes.size();
  result.recipe_json = model.recipe_json;
  result.training_parameters = params.ToMap();
  result.records_used = model.summary.records;
  result.invalid_records = invalid;
  result.features_dropped = dropped;
  result.features = model.keys.size();
  result.passes_run = trained.passes;
  result.final_loss = trained.last_loss;
  return result;
}

}  // namespace openaml::engine
