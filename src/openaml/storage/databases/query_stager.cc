#include "openaml/storage/databases/query_stager.h"

#include "openaml/storage/databases/csv_stage_writer_internal.h"

namespace openaml::databases {

Result<QueryStagingResult> StageQueryAsCsv(const QueryStagingRequest& request, ByteSink& sink) {
  if (request.select_sql_query.find_first_not_of(" \t\r\n;") == std::string::npos) {
    return absl::InvalidArgumentError("the SelectSqlQuery is empty");
  }
  if (request.connection.engine == DatabaseEngine::kPostgresql) return StagePostgresQuery(request, sink);
  return StageMysqlQuery(request, sink);
}

}  // namespace openaml::databases
