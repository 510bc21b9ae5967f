// Private to openaml_databases: the engine-independent half of staging a query (CSV encoding, buffering,
// the schema sample, the final commit), shared by the PostgreSQL and MySQL stagers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"
#include "openaml/storage/databases/query_stager.h"

namespace openaml::databases {

/// Append `value` to `out` as one RFC 4180 field: quoted (inner quotes doubled) when it holds ',', '"', CR
/// or LF or starts or ends with a space or tab, as is otherwise.
void AppendCsvField(std::string_view value, std::string* out);

/// Return `message` with every occurrence of `secret` replaced by "***" (a server may echo what it was sent).
std::string ScrubSecret(std::string message, std::string_view secret);

/// Writes a query result as CSV to a sink through a bounded buffer and keeps the first rows of each column
/// for the schema. Use: Begin(columns), then per row AddField() for each column in order and EndRow(),
/// then Finish(). Not thread-safe.
class CsvStageWriter {
 public:
  CsvStageWriter(ByteSink& sink, size_t sample_rows) : sink_(sink), sample_rows_(sample_rows) {}

  /// Take the result's columns (names made unique, UniqueColumnNames) and write the header line.
  /// InvalidArgument when there is no column or more than Schema::kMaxAttributes.
  Status Begin(std::vector<ColumnDescription> columns);
  /// Add the next value of the current row (`is_null`: written as an empty field).
  void AddField(std::string_view value, bool is_null);
  /// End the current row; flushes to the sink when the buffer is full.
  Status EndRow();
  /// Flush, derive the schema and commit the sink. InvalidArgument "returned no rows" when no row was added
  /// (the sink is then left uncommitted, so nothing appears at the destination).
  Result<QueryStagingResult> Finish();

  uint64_t row_count() const { return row_count_; }

 private:
  Status Flush();

  static constexpr size_t kFlushBytes = 256 * 1024;
  static constexpr size_t kSampleValueBytes = 4096;

  ByteSink& sink_;
  size_t sample_rows_;
  std::vector<ColumnDescription> columns_;
  std::vector<std::vector<std::string>> samples_;  // [column][row] for the first sample_rows_ rows
  std::string buffer_;
  size_t field_idx_ = 0;
  uint64_t row_count_ = 0;
  uint64_t byte_count_ = 0;
};

/// Remove trailing whitespace and semicolons from a query ("SELECT 1;" -> "SELECT 1"), so that it can be
/// wrapped in a cursor declaration.
std::string_view TrimQuery(std::string_view query);

/// The engine stagers behind StageQueryAsCsv.
Result<QueryStagingResult> StagePostgresQuery(const QueryStagingRequest& request, ByteSink& sink);
Result<QueryStagingResult> StageMysqlQuery(const QueryStagingRequest& request, ByteSink& sink);

/// "PostgreSQL server for 'cluster-1' (127.0.0.1:5432), database 'dev'": how messages name the target.
std::string DescribeTarget(const QueryStagingRequest& request);

}  // namespace openaml::databases
