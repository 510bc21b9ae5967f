// Helpers shared by the engine's job files (private to engine/).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/common/str_cat.h"
#include "openaml/engine/jobs.h"
#include "openaml/ingest/dataset_reader.h"
#include "openaml/learn/model.h"

namespace openaml::engine {

inline learn::ModelType ToLearnType(MLModelType t) {
  switch (t) {
    case MLModelType::kBinary: return learn::ModelType::kBinary;
    case MLModelType::kMulticlass: return learn::ModelType::kMulticlass;
    case MLModelType::kRegression: return learn::ModelType::kRegression;
  }
  return learn::ModelType::kBinary;
}

inline void Log(JobContext& ctx, std::string_view level, std::string_view text) {
  if (ctx.log) ctx.log(level, text);
}
inline void Progress(JobContext& ctx, std::string_view stage, double fraction) {
  if (ctx.progress) ctx.progress(stage, fraction);
}
inline Status CheckCancelled(const JobContext& ctx) {
  if (ctx.cancelled && ctx.cancelled->load()) return absl::CancelledError("job cancelled");
  return absl::OkStatus();
}

inline uint64_t TotalBytes(const DataSourceSpec& spec) {
  uint64_t total = 0;
  for (const DataFile& f : spec.files) total += f.size_bytes;
  return total;
}

/// For each attribute of `model_schema`, the column of `data_schema` with the same name, or -1 (spec §4.4:
/// the training schema's types win; columns are matched by name).
inline std::vector<int> MapColumns(const Schema& model_schema, const Schema& data_schema) {
  std::vector<int> map(model_schema.attributes.size(), -1);
  for (size_t i = 0; i < model_schema.attributes.size(); ++i)
    for (size_t j = 0; j < data_schema.attributes.size(); ++j)
      if (data_schema.attributes[j].name == model_schema.attributes[i].name) map[i] = static_cast<int>(j);
  return map;
}

/// Fields of a data row rearranged into the model's schema order; absent columns flagged.
struct FieldMapper {
  std::vector<int> columns;
  std::vector<std::string_view> fields;
  std::vector<bool> absent;
  bool identity = true;

  void Init(const Schema& model_schema, const Schema& data_schema) {
    columns = MapColumns(model_schema, data_schema);
    fields.assign(columns.size(), {});
    absent.assign(columns.size(), false);
    identity = model_schema.attributes.size() == data_schema.attributes.size();
    for (size_t i = 0; i < columns.size(); ++i) {
      identity = identity && columns[i] == static_cast<int>(i);
      absent[i] = columns[i] < 0;
    }
  }
  std::span<const std::string_view> Map(std::span<const std::string_view> row) {
    if (identity) return row;
    for (size_t i = 0; i < columns.size(); ++i)
      fields[i] = columns[i] >= 0 && static_cast<size_t>(columns[i]) < row.size() ? row[columns[i]] : std::string_view();
    return fields;
  }
  const std::vector<bool>* absent_flags() const { return identity ? nullptr : &absent; }
};

/// Throttled progress for a reading stage, at most a few updates per second: "predicting: 1234567 rows,
/// 850000 rows/s" with the fraction of bytes done (the command line adds elapsed time and time left).
class ProgressTicker {
 public:
  ProgressTicker(JobContext& ctx, std::string stage, uint64_t total_bytes)
      : ctx_(ctx), stage_(std::move(stage)), total_(total_bytes), start_(std::chrono::steady_clock::now()) {}
  /// `rows` more rows were read; `bytes_done` of the total so far.
  void Tick(uint64_t bytes_done, uint64_t rows = 1) {
    rows_ += rows;
    if (!ctx_.progress || rows_ - rows_at_check_ < 4096) return;
    rows_at_check_ = rows_;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    uint64_t rate = seconds > 0 ? static_cast<uint64_t>(static_cast<double>(rows_) / seconds) : 0;
    Progress(ctx_, StrCat(stage_, ": ", rows_, " rows, ", rate, " rows/s"),
             total_ ? std::min(1.0, static_cast<double>(bytes_done) / total_) : 0);
  }

 private:
  JobContext& ctx_;
  std::string stage_;
  uint64_t total_;
  uint64_t rows_ = 0, rows_at_check_ = 0;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace openaml::engine
