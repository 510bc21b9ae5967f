// Schema inference from a sample of the data, as the Amazon ML console guessed (spec §4.6).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/schema/schema.h"

namespace openaml {

struct InferenceOptions {
  /// Records read (after any header) to guess from; the console's guesser read the first 1,000 lines.
  size_t sample_records = 1000;
  std::optional<std::string> target;
  std::optional<std::string> row_id;
  /// Whether the first record is a header; unset: detect it.
  std::optional<bool> has_header;
  /// A value with more words than this makes its column TEXT.
  size_t text_min_words = 20;
  static InferenceOptions Defaults() { return {}; }
};

/// Guess the type of one column from its sample values by loosening (conventions habit 5), ignoring empty
/// values (missing): BINARY while every value is "0" or "1" and both occur, NUMERIC while every value is a
/// number (a column of only 0s, or only 1s, is NUMERIC), CATEGORICAL otherwise, TEXT as soon as a value
/// has more than `text_min_words` words. A column with no non-empty value is CATEGORICAL.
AttributeType InferAttributeType(const std::vector<std::string_view>& values, size_t text_min_words = 20);

/// Infer a schema from `records` (the first records of the data, the possible header first). Steps:
///   1. Header: as given, or detected: the first record is a header when all its values are non-empty and
///      not numbers, and either some column is NUMERIC/BINARY in the other records or none of its values
///      reappears in its column (so an all-text file is not robbed of its first record lightly).
///   2. Names: from the header (trimmed; empty or repeated names become VarNN / name_2), or Var1.., zero-padded
///      to the width of the column count (Var01..Var21 for 21 columns).
///   3. Types: InferAttributeType on each column of up to sample_records records after the header.
///   4. Target and row id: must name columns; the result is validated (Schema::Validate).
/// InvalidArgument when there is no record or a named target / row id is not a column.
Result<Schema> InferSchemaFromRecords(const std::vector<std::vector<std::string>>& records,
                                      const InferenceOptions& options);

// Reading the sample from files is in ingest/ (InferSchemaFromFiles in dataset_reader.h): ingest depends on
// schema, not the other way round.

}  // namespace openaml
