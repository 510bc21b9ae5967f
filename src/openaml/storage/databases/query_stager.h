// Run a SELECT on a PostgreSQL-protocol or MySQL-protocol server and stage its rows as CSV (spec §3.3:
// Amazon ML unloaded the query into S3StagingLocation, then built the datasource from those files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"
#include "openaml/schema/schema.h"
#include "openaml/storage/databases/column_types.h"
#include "openaml/storage/databases/database_connections.h"

namespace openaml::databases {

/// What to run where, as whom. The password is only held here for the connection and never copied into a
/// message or a log line.
struct QueryStagingRequest {
  DatabaseConnection connection;
  std::string database_name;
  std::string username;
  std::string password;
  std::string select_sql_query;
  /// Rows fetched per round trip from the server-side cursor (PostgreSQL); bounds client memory.
  size_t fetch_rows = 1000;
  /// Rows kept to refine the schema of text columns (InferAttributeType, spec §4.6).
  size_t schema_sample_rows = 1000;
};

/// A staged query: its columns (names as written in the header, made unique), the rows written, and the
/// Amazon ML schema derived from the column types (spec §4.7), with `dataFileContainsHeader` true.
struct QueryStagingResult {
  std::vector<ColumnDescription> columns;
  uint64_t row_count = 0;
  uint64_t byte_count = 0;
  Schema schema;
};

/// Run `request.select_sql_query` and write its result to `sink` as RFC 4180 CSV: a header line of column
/// names, then one line per row ("\n" line ends; a value is quoted when it holds ',', '"', CR or LF or has
/// leading/trailing spaces; NULL is an empty value; PostgreSQL booleans become 1/0). Steps:
///   1. Connect (connect timeout from the connection; TLS per sslmode), in a READ ONLY transaction.
///   2. Stream the rows: PostgreSQL through DECLARE CURSOR / FETCH `fetch_rows` (the query must be one
///      statement the server can put in a cursor: SELECT, VALUES, TABLE); MySQL through mysql_use_result.
///      Memory stays bounded by one fetch plus the schema sample, whatever the result size.
///   3. Commit the sink only when the query succeeded and returned at least one row: on any error nothing
///      is visible at the destination.
/// Errors (messages name the engine, the connection and the database, never the password):
///   Unauthenticated: the server refused the user name / password;
///   Unavailable: the server could not be reached within the connect timeout (or the connection broke);
///   InvalidArgument: the query failed (the server's message), or returned no rows, or its columns cannot
///   form a schema (more than Schema::kMaxAttributes);
///   FailedPrecondition: TLS demanded by sslmode and not available; other codes: from the sink.
Result<QueryStagingResult> StageQueryAsCsv(const QueryStagingRequest& request, ByteSink& sink);

}  // namespace openaml::databases
