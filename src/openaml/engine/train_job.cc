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
#include <chrono>
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

/// Samples the NUMERIC attributes in `attributes` over the first `max_rows` selected rows (parsing on a reader
/// thread when threads >= 2).
Result<std::map<int, recipe::FitSampler>> SampleNumeric(const DataSourceSpec& data, const std::vector<int>& attributes,
                                                        uint64_t max_rows, uint64_t seed, int threads,
                                                        JobContext& ctx) {
  std::map<int, recipe::FitSampler> samplers;
  // A record has at least one byte per field (separators, newline): a bound on the rows to sample. The room
  // reserved is never touched beyond what is sampled, and no sample grows by copying.
  const uint64_t row_bound =
      std::min<uint64_t>(max_rows, TotalBytes(data) / std::max<size_t>(1, data.schema.attributes.size()) + 1);
  for (int a : attributes) samplers.emplace(a, recipe::FitSampler(200000, seed + a)).first->second.Reserve(row_bound);
  if (attributes.empty() || max_rows == 0) return samplers;
  std::vector<std::pair<int, recipe::FitSampler*>> list;
  for (auto& [attr, sampler] : samplers) list.emplace_back(attr, &sampler);
  OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make(data.files, data.schema, data.rearrangement,
                                                            DataSetOptions::Defaults()));
  uint64_t rows = 0;
  const Status enough = absl::OutOfRangeError("sampled enough rows");
  Status status = ForEachRow(*reader, threads, [&](const PipelineRow& row) -> Status {
    for (auto& [attr, sampler] : list) {
      double v;
      if (ParseNumeric(row.fields[attr], &v) == ValueState::kPresent) sampler->Add(v);
    }
    if ((++rows & 65535) == 0) OPENAML_RETURN_IF_ERROR(CheckCancelled(ctx));
    return rows < max_rows ? absl::OkStatus() : enough;
  });
  if (!status.ok() && status != enough) return status;
  return samplers;
}

/// Feature key -> uint32 value. Keys are already well-mixed 64-bit hashes, so an open addressing table probed
/// with the key's own bits is enough (and fast: a few hundred keys stay in L1).
class KeyTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  KeyTable() { Rehash(1024); }
  uint32_t Lookup(uint64_t key) const {
    for (size_t slot = Slot(key);; slot = (slot + 1) & mask_) {
      const Entry& e = slots_[slot];
      if (e.key == key && e.value != kNone) return e.value;
      if (e.value == kNone) return kNone;
    }
  }
  /// Insert a key not in the table.
  void Insert(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    Place(key, value);
    ++size_;
  }

 private:
  struct Entry {
    uint64_t key = 0;
    uint32_t value = kNone;
  };
  size_t Slot(uint64_t key) const { return (key ^ (key >> 29)) & mask_; }
  void Place(uint64_t key, uint32_t value) {
    size_t slot = Slot(key);
    while (slots_[slot].value != kNone) slot = (slot + 1) & mask_;
    slots_[slot] = {key, value};
  }
  void Rehash(size_t capacity) {
    std::vector<Entry> old = std::move(slots_);
    slots_.assign(capacity, Entry());
    mask_ = capacity - 1;
    for (const Entry& e : old)
      if (e.value != kNone) Place(e.key, e.value);
  }
  std::vector<Entry> slots_;
  size_t mask_ = 0, size_ = 0;
};

/// One batch of rows featurized by a worker: what the in-order commit needs. Features come as dense indexes
/// when the worker's copy of the dictionary knows their key, else as kUnknown | position in `unknown`.
struct FeaturizedBatch {
  static constexpr uint32_t kUnknown = 0x80000000;
  std::vector<uint8_t> valid;           // per row: the target parsed
  std::vector<float> labels;            // per row (MULTICLASS: unused)
  std::string class_text;               // MULTICLASS: target texts, concatenated
  std::vector<uint32_t> class_ends;
  std::vector<uint32_t> feature_ends;   // per row, into entries/values
  std::vector<uint32_t> entries;
  std::vector<float> values;
  std::vector<uint64_t> unknown;        // keys
  uint64_t bytes_read = 0;
  void Clear() {
    valid.clear();
    labels.clear();
    class_text.clear();
    class_ends.clear();
    feature_ends.clear();
    entries.clear();
    values.clear();
    unknown.clear();
  }
};

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
  const int threads = TotalBytes(request.training) <= request.one_thread_max_bytes ? 1 : request.threads;

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
                                                     request.seed, threads, ctx));
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
                                                       request.fit_sample_rows, request.seed, threads, ctx));
    }
    std::vector<recipe::FitSampler> ordered;
    for (int attr : program->attributes_to_fit()) ordered.push_back(std::move(samplers.at(attr)));
    program->Fit(ordered);
  }
  samplers.clear();

  // 4. Pass 1: featurize into the cache.
  OPENAML_ASSIGN_OR_RETURN(auto cache, learn::FeatureCache::Make(request.cache_directory, request.cache_memory_bytes));
  // Rows stored in the order the SGD passes visit them (sgd.shuffleType=auto): the passes read sequentially.
  if (params.shuffle == learn::ShuffleType::kAuto) cache->StoreRowsShuffled(params.seed);
  OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make(request.training.files, schema,
                                                            request.training.rearrangement, DataSetOptions::Defaults()));
  reader->set_bad_record_handler([&ctx](const std::string& uri, const BadRecord& bad) {
    Log(ctx, "WARN", StrCat("Invalid Record Found [Byte Offset : ", bad.byte_offset, "] :", bad.reason));
  });
  const int workers = std::max(1, threads);
  std::vector<recipe::FeatureExtractor> extractors;
  for (int w = 0; w < workers; ++w) extractors.emplace_back(program);
  std::vector<std::vector<recipe::Feature>> scratch(workers);
  std::vector<std::vector<std::string_view>> field_scratch(workers);
  // The dictionary (key -> dense index in first-seen order) is grown by the commit; each worker keeps its own
  // copy of what it has learned of it (updated in the commits it runs), looked up without locks.
  KeyTable dictionary;
  std::vector<uint64_t> keys;
  std::vector<KeyTable> worker_dictionaries(workers);
  const bool may_repeat = program->may_repeat_features();
  std::vector<double> sum_squares;
  std::vector<uint32_t> occurrences;
  std::vector<uint64_t> seen_in_row;  // per index: 1 + the row it last appeared in (merges repeated features)
  std::vector<uint32_t> position_in_row;
  std::vector<uint32_t> indices;
  std::vector<float> values;
  std::map<std::string, uint32_t, std::less<>> class_index;  // MULTICLASS: first-seen index
  std::vector<std::string> class_names;
  std::vector<uint64_t> class_counts(type == learn::ModelType::kBinary ? 2 : 0);
  uint64_t invalid = 0, row_number = 0;
  double target_mean = 0, target_m2 = 0;
  uint64_t target_count = 0;
  ProgressTicker ticker(ctx, "pass 1: reading and featurizing", TotalBytes(request.training));
  // Workers (concurrently): parse the target, run the recipe. Commit (in dataset order): classes, target
  // moments, the dictionary, the feature statistics and the cache, so the result never depends on timing.
  auto map = [&](int worker, const internal::RowBatch& batch, FeaturizedBatch* out) -> Status {
    out->Clear();
    std::vector<recipe::Feature>& features = scratch[worker];
    return ForBatchRows(batch, &field_scratch[worker], [&](const PipelineRow& row) -> Status {
      out->bytes_read = row.bytes_read;
      std::string_view target_text = row.fields[target];
      bool valid = true;
      float label = 0;
      switch (type) {
        case learn::ModelType::kBinary: {
          bool b;
          valid = ParseBinary(target_text, &b) == ValueState::kPresent;
          label = b ? 1.0f : 0.0f;
          break;
        }
        case learn::ModelType::kMulticlass:
          valid = !target_text.empty();
          out->class_text.append(target_text);
          out->class_ends.push_back(static_cast<uint32_t>(out->class_text.size()));
          break;
        case learn::ModelType::kRegression: {
          double y;
          valid = ParseNumeric(target_text, &y) == ValueState::kPresent;
          label = static_cast<float>(y);
          break;
        }
      }
      out->valid.push_back(valid);
      out->labels.push_back(label);
      if (valid) {
        extractors[worker].Extract(row.fields, &features);
        const KeyTable& known = worker_dictionaries[worker];
        for (const recipe::Feature& f : features) {
          uint32_t index = known.Lookup(f.key);
          if (index == KeyTable::kNone) {
            index = FeaturizedBatch::kUnknown | static_cast<uint32_t>(out->unknown.size());
            out->unknown.push_back(f.key);
          }
          out->entries.push_back(index);
          out->values.push_back(f.value);
        }
      }
      out->feature_ends.push_back(static_cast<uint32_t>(out->entries.size()));
      return absl::OkStatus();
    });
  };
  auto commit = [&](int worker, FeaturizedBatch& batch) -> Status {
    // New keys get the next indexes, in dataset order.
    KeyTable& known = worker_dictionaries[worker];
    for (uint32_t& entry : batch.entries) {
      if (!(entry & FeaturizedBatch::kUnknown)) continue;
      uint64_t key = batch.unknown[entry & ~FeaturizedBatch::kUnknown];
      uint32_t index = dictionary.Lookup(key);
      if (index == KeyTable::kNone) {
        index = static_cast<uint32_t>(keys.size());
        dictionary.Insert(key, index);
        keys.push_back(key);
        sum_squares.push_back(0);
        occurrences.push_back(0);
        seen_in_row.push_back(0);
        position_in_row.push_back(0);
      }
      if (known.Lookup(key) == KeyTable::kNone) known.Insert(key, index);
      entry = index;
    }
    uint32_t begin = 0;
    uint32_t class_begin = 0;
    for (size_t r = 0; r < batch.valid.size(); ++r) {
      const uint32_t end = batch.feature_ends[r];
      std::string_view class_text;
      if (type == learn::ModelType::kMulticlass) {
        class_text = std::string_view(batch.class_text).substr(class_begin, batch.class_ends[r] - class_begin);
        class_begin = batch.class_ends[r];
      }
      if (!batch.valid[r]) {
        ++invalid;
        begin = end;
        continue;
      }
      float label = batch.labels[r];
      switch (type) {
        case learn::ModelType::kBinary:
          class_counts[label > 0.5f ? 1 : 0]++;
          break;
        case learn::ModelType::kMulticlass: {
          auto it = class_index.find(class_text);
          if (it == class_index.end()) {
            if (class_names.size() >= kMaxClasses)
              return absl::InvalidArgumentError(StrCat("the MULTICLASS target '", schema.attributes[target].name,
                                                       "' has more than ", kMaxClasses, " classes (spec §13)"));
            it = class_index.emplace(std::string(class_text), static_cast<uint32_t>(class_names.size())).first;
            class_names.emplace_back(class_text);
            class_counts.push_back(0);
          }
          label = static_cast<float>(it->second);
          class_counts[it->second]++;
          break;
        }
        case learn::ModelType::kRegression: {
          double y = label;
          ++target_count;
          double delta = y - target_mean;
          target_mean += delta / static_cast<double>(target_count);
          target_m2 += delta * (y - target_mean);
          break;
        }
      }
      ++row_number;
      std::span<const uint32_t> row_indices(batch.entries.data() + begin, end - begin);
      std::span<const float> row_values(batch.values.data() + begin, end - begin);
      if (may_repeat) {  // the same feature twice in a row: one entry, values summed
        indices.clear();
        values.clear();
        for (uint32_t k = begin; k < end; ++k) {
          uint32_t index = batch.entries[k];
          if (seen_in_row[index] == row_number) {
            values[position_in_row[index]] += batch.values[k];
            continue;
          }
          seen_in_row[index] = row_number;
          position_in_row[index] = static_cast<uint32_t>(indices.size());
          indices.push_back(index);
          values.push_back(batch.values[k]);
        }
        row_indices = indices;
        row_values = values;
      }
      for (size_t k = 0; k < row_indices.size(); ++k) {
        sum_squares[row_indices[k]] += static_cast<double>(row_values[k]) * row_values[k];
        occurrences[row_indices[k]]++;
      }
      begin = end;
      OPENAML_RETURN_IF_ERROR(cache->Append(label, row_indices, row_values));
    }
    ticker.Tick(batch.bytes_read, batch.valid.size());
    return CheckCancelled(ctx);
  };
  Status pass1 = ForEachBatchOrdered<FeaturizedBatch>(*reader, workers, map, commit);
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
  options.threads = request.threads;
  options.early_stop = request.early_stop;
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
  const uint64_t rows_per_pass = cache->rows();
  auto pass_start = std::chrono::steady_clock::now();
  options.on_pass = [&](int pass, double loss) {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - pass_start).count();
    pass_start = now;
    uint64_t rate = seconds > 0 ? static_cast<uint64_t>(static_cast<double>(rows_per_pass) / seconds) : 0;
    Progress(ctx, StrCat("pass ", pass, " of ", max_passes, ": ", rows_per_pass, " rows, ", rate, " rows/s"),
             static_cast<double>(pass) / max_passes);
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
