// Amazon ML's DataRearrangement JSON (spec §5.2): which records of the input a datasource uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "openaml/common/status.h"

namespace openaml {

enum class SplitStrategy { kSequential, kRandom };

struct DataRearrangement {
  int percent_begin = 0;   // 0-100
  int percent_end = 100;   // 0-100, >= percent_begin
  bool complement = false;
  SplitStrategy strategy = SplitStrategy::kSequential;
  std::string random_seed;

  /// Parse the JSON string (canonical form and the variants of spec §5.2); empty or "{}" selects all data.
  static Result<DataRearrangement> FromJson(std::string_view json);
  /// Shorthand for the command line: "random:0-70:SEED", "sequential:70-100", "random:0-70:SEED:complement".
  static Result<DataRearrangement> FromSpec(std::string_view spec);

  bool SelectsAll() const { return percent_begin == 0 && percent_end == 100 && !complement; }
  /// Whether strategy needs the total record count before selecting (sequential does).
  bool NeedsRecordCount() const { return strategy == SplitStrategy::kSequential && !SelectsAll(); }

  /// Select the record at `byte_offset` of file `file_index` (random), or the `record_index`-th of
  /// `record_count` records of the whole dataset (sequential). The range is half-open [begin, end), so a
  /// range and its complement partition the records exactly.
  bool Selects(uint32_t file_index, uint64_t byte_offset, uint64_t record_index, uint64_t record_count) const;
};

}  // namespace openaml
