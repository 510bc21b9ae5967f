// The engine's entry points: each whole job (datasource, training, evaluation, batch prediction) as one
// function. The command line (cli/engine_commands.cc) and the service's job runner (service/) call only these,
// so local runs and API jobs share one code path.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"
#include "openaml/ingest/csv_reader.h"
#include "openaml/ingest/data_rearrangement.h"
#include "openaml/schema/schema.h"

namespace openaml::engine {

enum class MLModelType { kBinary, kMulticlass, kRegression };
std::string_view MLModelTypeName(MLModelType type);  // "BINARY" | "MULTICLASS" | "REGRESSION"
Result<MLModelType> ParseMLModelType(std::string_view name);

/// Where a datasource's records come from.
struct DataSourceSpec {
  std::vector<DataFile> files;            // in dataset order
  Schema schema;
  DataRearrangement rearrangement;        // default: all data
};

/// What a job reports while it runs. Every member may be empty. Called from the job's thread.
struct JobContext {
  /// A log line for the job log (spec §11.5), e.g. level "INFO"/"WARN", text "Number of bad records : 1".
  std::function<void(std::string_view level, std::string_view text)> log;
  /// Progress: what is being done ("pass 3 of 10"), fraction done in [0,1].
  std::function<void(std::string_view stage, double fraction)> progress;
  /// Set to true by another thread to cancel; the job then returns a Cancelled status soon.
  const std::atomic<bool>* cancelled = nullptr;
};

struct DataSourceResult {
  uint64_t records = 0;          // selected good records
  uint64_t bad_records = 0;
  uint64_t data_size_bytes = 0;  // sum of file sizes
  uint32_t number_of_files = 0;
  std::string statistics_json;   // empty unless statistics were computed (stats/statistics.h format)
  // Additions of the engine:
  uint64_t records_read = 0;     // good records seen, selected by the rearrangement or not
  uint64_t bytes_read = 0;       // of the data (uncompressed)
};

/// Read a datasource once: count records and bad records and, if asked, compute the descriptive statistics.
Result<DataSourceResult> BuildDataSource(const DataSourceSpec& spec, bool compute_statistics, JobContext& ctx);

/// Addition of the engine: how BuildDataSource runs (the command line's `openaml stats` sets these).
struct DataSourceOptions {
  /// Called for each bad record, in dataset order, from the reading thread; default: a WARN
  /// line "Invalid Record Found [Byte Offset : N] :reason" in the job log (spec §4.5).
  std::function<void(const std::string& uri, const BadRecord& bad)> on_bad_record;
  int statistics_json_indent = -1;  // DataSourceStatistics::ToJson's indent (< 0: one line)
};
Result<DataSourceResult> BuildDataSource(const DataSourceSpec& spec, bool compute_statistics,
                                         const DataSourceOptions& options, JobContext& ctx);

/// Data (the files' total size) up to this is read on one thread by training and evaluation: a reader
/// thread's batches (a copy of every row into freshly touched memory) and the hand-offs cost more than the
/// overlap saves there (banking's 70% split: 83 -> 68 ms CPU).
inline constexpr uint64_t kOneThreadMaxBytes = 8u << 20;

struct TrainRequest {
  DataSourceSpec training;
  MLModelType model_type = MLModelType::kBinary;
  std::optional<std::string> recipe_json;  // none: the suggested recipe from the statistics (spec §7.6)
  std::map<std::string, std::string> parameters;  // sgd.* (spec §8.3), strings as the API passes them
  std::string statistics_json;  // the training datasource's statistics (may be empty)
  std::string model_path;       // where to write the model file (atomically)
  // Additions of the engine (all optional):
  uint64_t seed = 1;                      // shuffling and sampling: same seed, same model
  std::string cache_directory;            // feature cache spill file (empty: the system temp dir)
  size_t cache_memory_bytes = 256u << 20;  // featurized rows kept in memory before spilling to the cache file
  uint64_t fit_sample_rows = 1000000;     // rows read to fit quantile_bin/normalize (and the default recipe)
  int threads = 2;                        // pass 1: one thread parses, one featurizes (1: all on one thread)
  /// Training data up to this is sampled and featurized on one thread whatever `threads` says.
  uint64_t one_thread_max_bytes = kOneThreadMaxBytes;
  /// false: exactly sgd.maxPasses passes, never an early stop on the pass loss. Not an Amazon ML parameter, so
  /// the command line sets it (`openaml train --no-early-stop`), never the API's Parameters map.
  bool early_stop = true;
};

struct TrainResult {
  uint64_t size_in_bytes = 0;
  std::string recipe_json;  // the recipe actually used
  std::map<std::string, std::string> training_parameters;  // with the defaults applied
  uint64_t records_used = 0;
  uint64_t features_dropped = 0;  // trimmed to fit sgd.maxMLModelSizeInBytes
  int passes_run = 0;
  // Additions of the engine:
  uint64_t invalid_records = 0;  // rows refused for a missing or invalid target
  uint64_t features = 0;         // features in the model
  double final_loss = 0;         // mean training loss of the last pass
};

Result<TrainResult> TrainModel(const TrainRequest& request, JobContext& ctx);

struct EvaluationResult {
  std::map<std::string, std::string> performance_metrics;  // {"BinaryAUC": "0.936..."} etc. (spec §9.1)
  std::string detail_json;  // histograms, threshold curve, confusion matrix, alerts: for the console
  uint64_t records = 0;
  uint64_t invalid_records = 0;
};

/// Evaluate the model at `model_path` on `data` (training datasource's statistics for the alerts, may be empty).
Result<EvaluationResult> EvaluateModel(const std::string& model_path, const DataSourceSpec& data,
                                       const std::string& training_statistics_json, JobContext& ctx);

/// Addition of the engine: what EvaluateModel cannot know by itself.
struct EvaluateOptions {
  bool same_datasource = false;              // raises the "Evaluation on held-out data" alert (spec §9.5)
  std::optional<double> score_threshold;     // BINARY threshold for the detail (default: the model's)
};
Result<EvaluationResult> EvaluateModel(const std::string& model_path, const DataSourceSpec& data,
                                       const std::string& training_statistics_json, const EvaluateOptions& options,
                                       JobContext& ctx);

struct BatchPredictionResult {
  uint64_t total_records = 0;
  uint64_t invalid_records = 0;
};

/// Predict every record of `data` with the model at `model_path` and `score_threshold` (BINARY), writing one
/// output per input file (Amazon ML's batch CSV, spec §11.3, gzip when `gzip`) to `open_output(file_index)`.
Result<BatchPredictionResult> BatchPredict(
    const std::string& model_path, const DataSourceSpec& data, std::optional<double> score_threshold, bool gzip,
    const std::function<Result<std::unique_ptr<ByteSink>>(size_t file_index)>& open_output, JobContext& ctx);

}  // namespace openaml::engine
