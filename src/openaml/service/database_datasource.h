// Database datasources (issue 8): CreateDataSourceFromRedshift / FromRDS handlers live in
// database_datasource_handlers.cc; this is the job step that stages the query into the object store before the
// normal datasource build (ml_jobs.cc).
#pragma once

#include <nlohmann/json.hpp>

#include "openaml/common/status.h"
#include "openaml/engine/jobs.h"
#include "openaml/service/job_log.h"
#include "openaml/service/service_context.h"

namespace openaml::service {

/// Whether a stored datasource document comes from a database (it has the private "_database" member).
bool IsDatabaseDataSource(const nlohmann::json& datasource);

/// Run the datasource's SelectSqlQuery on its named connection (storage/databases) and write the rows as CSV to
/// <DataLocationS3>data.csv (DataLocationS3 is <S3StagingLocation>/<DataSourceId>/). Returns the members to
/// merge into the document before the build: "_schema" when the request gave none (derived from the column
/// types, spec §4.7). The password is taken from memory (the create handler left it there, never on disk) and
/// forgotten whether staging succeeds or fails; after a restart it is gone and the job fails asking for a new
/// datasource. Errors carry a clear message without the password.
Result<nlohmann::json> StageDatabaseDataSource(ServiceContext& ctx, const nlohmann::json& datasource,
                                               engine::JobContext& jc, JobLog& log);

}  // namespace openaml::service

namespace openaml::service {

/// GetDataSource with Verbose: add SelectSqlQuery to the RedshiftMetadata / RDSMetadata of `out` (spec §3.1:
/// only when Verbose).
void AddVerboseDatabaseMembers(const nlohmann::json& datasource, nlohmann::json& out);

}  // namespace openaml::service
