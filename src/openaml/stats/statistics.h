// Descriptive statistics of a datasource (spec §6), computed in the same streaming pass as the ingest, and
// their JSON form (documented in README.md here), which the API and console serve and the engine reads back
// (e.g. quantile_bin boundaries).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/schema/schema.h"
#include "openaml/schema/typed_record.h"

namespace openaml {

struct ValueCount {
  std::string value;
  uint64_t count = 0;
};

struct NumericSummary {
  uint64_t count = 0;  // present (valid, non-missing) values
  std::optional<double> min, max, mean, median, stddev;
  /// Upper bound of the rank error of `quantiles` and `median`, as a fraction of `count` (0: exact).
  double quantile_rank_error = 0.0;
  /// Values at ranks 0, 1/1000, ..., 1 (1001 values, non-decreasing); empty when count is 0.
  std::vector<double> quantiles;
  /// Equal-width histogram over [histogram_min, histogram_max]; the last bin includes the maximum.
  double histogram_min = 0.0;
  double histogram_max = 0.0;
  std::vector<uint64_t> histogram_counts;

  /// Boundaries of `bins` equal-frequency bins (the recipe's quantile_bin, spec §7.4, 5..1000 bins):
  /// bins - 1 non-decreasing values, the i-th at rank i/bins, interpolated between the stored 0.1% ranks.
  /// Repeated values are kept (callers merge them); empty when count is 0 or bins < 2.
  std::vector<double> BinBoundaries(int bins) const;
};

struct BinarySummary {
  uint64_t true_count = 0;
  uint64_t false_count = 0;
  double percent_true = 0.0;  // of valid values, 0..100
};

struct CategoricalSummary {
  uint64_t unique_count = 0;
  bool unique_count_exact = true;  // false once more than max_distinct_values were seen (a lower bound then)
  std::vector<ValueCount> top_values;  // most frequent first, at most StatsOptions::top_values
  uint64_t other_count = 0;            // records whose value is not in top_values
  std::vector<ValueCount> least_frequent_values;  // least frequent first (among tracked values)
};

struct TokenSummary {
  int rank = 0;
  std::string token;
  double prominence = 0.0;  // normalised mutual information with the target, or presence entropy without one
  uint64_t records = 0;     // records containing the token
  double percent_records = 0.0;
};

struct TextSummary {
  uint64_t total_words = 0;
  uint64_t unique_words = 0;
  bool unique_words_exact = true;
  std::optional<uint64_t> min_words_per_record, max_words_per_record;
  std::optional<uint64_t> min_word_length, max_word_length;  // in bytes
  std::vector<TokenSummary> prominent_words;
};

struct AttributeStatistics {
  std::string name;
  AttributeType type = AttributeType::kCategorical;
  std::string role = "input";  // "input" | "target" | "rowId" | "excluded"
  uint64_t missing_count = 0;  // NUMERIC and BINARY: empty values
  uint64_t invalid_count = 0;  // NUMERIC and BINARY: values the type's rules reject
  /// Mutual information with the target normalised by the target's entropy (0..1), and in bits. Absent
  /// without a target and for the target itself. Estimated on a sample (StatsOptions::correlation_sample_records).
  std::optional<double> correlation_to_target;
  std::optional<double> mutual_information_bits;
  std::optional<NumericSummary> numeric;
  std::optional<BinarySummary> binary;
  std::optional<CategoricalSummary> categorical;
  std::optional<TextSummary> text;
};

struct DataSourceStatistics {
  int format_version = 1;
  uint64_t records_processed = 0;
  uint64_t bad_records = 0;
  std::optional<std::string> target_attribute_name;
  std::map<std::string, uint64_t> attribute_counts_by_type;  // "BINARY" -> 2, ...
  /// BINARY or CATEGORICAL target: count per value ("0"/"1" for BINARY), most frequent first.
  std::vector<ValueCount> target_distribution;
  std::vector<AttributeStatistics> attributes;  // in schema order

  /// The JSON form (README.md); `indent` < 0 gives one line.
  std::string ToJson(int indent = -1) const;
  /// Read the JSON form back (ToJson(FromJson(x)) == x for any x produced by ToJson).
  static Result<DataSourceStatistics> FromJson(std::string_view json);
  /// The statistics of attribute `name`, or nullptr.
  const AttributeStatistics* Find(std::string_view name) const;
};

struct StatsOptions {
  int histogram_bins = 50;
  size_t top_values = 10;
  size_t least_frequent_values = 5;
  size_t prominent_words = 20;
  /// Distinct categorical values / text tokens tracked exactly per attribute; beyond, new values are counted
  /// in other_count and the unique count becomes a lower bound (bounded memory).
  size_t max_distinct_values = 50000;
  /// Distinct numeric values counted exactly before the quantile sketch starts compacting.
  size_t max_exact_numeric_values = 10000;
  /// Records kept (a deterministic hash sample) for correlations to the target; cells are capped at
  /// 4 million (records x attributes) too.
  size_t correlation_sample_records = 100000;
  static StatsOptions Defaults() { return {}; }
};

/// Accumulate statistics record by record. Not thread-safe; memory bounded by the options, not the data.
class StatsAccumulator {
 public:
  /// `schema` must be valid (Schema::Validate); it gives types, roles and the target.
  explicit StatsAccumulator(const Schema& schema, StatsOptions options = StatsOptions::Defaults());
  ~StatsAccumulator();
  StatsAccumulator(StatsAccumulator&&) noexcept;
  StatsAccumulator& operator=(StatsAccumulator&&) noexcept;

  /// Add one record's typed values (schema order, e.g. from RecordTyper).
  void Add(const TypedRecord& record);
  /// Add one record from its raw fields (typed here).
  void AddFields(std::span<const std::string_view> fields);
  uint64_t records() const;

  /// Compute the statistics of the records added so far; `bad_records` comes from the ingest report.
  DataSourceStatistics Finish(uint64_t bad_records = 0) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Split TEXT into words as the statistics count them: on whitespace, then ASCII letters lower-cased and
/// leading/trailing ASCII punctuation stripped; words left empty are dropped (spec §6 worked example:
/// "The fox jumped over the fence." gives the, fox, jumped, over, the, fence). Calls `on_word` per word;
/// `scratch` holds the lower-cased word between calls.
template <typename F>
void ForEachWord(std::string_view text, std::string& scratch, F&& on_word);

}  // namespace openaml

#include "openaml/stats/words_inl.h"
