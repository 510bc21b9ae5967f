// Amazon ML's batch prediction output (spec §11.2, §11.3): the header and rows of the result CSV, and a
// buffered writer that gzips into a ByteSink.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"
#include "openaml/learn/model.h"

namespace openaml::predict {

/// Column layout of one batch output: `[tag,][trueLabel,]` then BINARY `bestAnswer,score`, MULTICLASS one
/// column per class (the model's classes, sorted by name), REGRESSION `score`.
struct BatchOutputFormat {
  learn::ModelType type = learn::ModelType::kBinary;
  std::vector<std::string> classes;
  bool has_tag = false;         // the schema has a rowId: its value goes first, column `tag`
  bool has_true_label = false;  // the input holds the target: column `trueLabel` (spec §11.3 gap)

  /// The header line, with its trailing "\n".
  std::string Header() const;
  /// Append one result line (with "\n") for `scores` (model width values). BINARY: bestAnswer is 1 when
  /// score >= threshold (spec §10). Scores use FormatScore (spec §11.3) of the single-precision value, as
  /// real-time Predict returns it, so a batch line and a Predict of the same record print the same digits.
  void AppendRow(std::string_view tag, std::string_view true_label, const double* scores, double threshold,
                 std::string* out) const;
};

/// Buffers text and writes it to a sink, gzip-compressed when asked (zlib, gzip wrapper).
class BatchOutputWriter {
 public:
  static Result<std::unique_ptr<BatchOutputWriter>> Make(std::unique_ptr<ByteSink> sink, bool gzip);
  ~BatchOutputWriter();
  /// Append text; flushed to the sink in large blocks.
  Status Write(std::string_view text);
  /// Flush, finish the gzip stream and commit the sink (the output appears whole or not at all).
  Status Commit();
  uint64_t bytes_in() const { return bytes_in_; }

 private:
  BatchOutputWriter() = default;
  Status Flush(bool finish);
  std::unique_ptr<ByteSink> sink_;
  bool gzip_ = false;
  struct Deflater;
  std::unique_ptr<Deflater> deflater_;
  std::string buffer_;
  std::string compressed_;
  uint64_t bytes_in_ = 0;
};

}  // namespace openaml::predict
