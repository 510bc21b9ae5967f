// CreateDataSourceFromRedshift / CreateDataSourceFromRDS (spec §3.3) and the job step staging their query
// (issue 8). The query runs on a named connection (storage/databases, docs/databases.md) and its rows land as
// CSV under the request's S3StagingLocation; the datasource is then built like an S3 one.
//
// The password: the request's Password is needed by the job only, so it never reaches the disk. The stored copy
// of the request (compared for idempotency, spec §1.5) keeps a salted SHA-256 of it; the password itself waits in
// this process's memory (PendingPasswords) until the job takes it. A job that runs after a restart finds no
// password and fails asking for a new datasource. No API output, log line or stored document includes it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "openaml/common/crypto.h"
#include "openaml/ingest/data_rearrangement.h"
#include "openaml/schema/schema.h"
#include "openaml/service/database_datasource.h"
#include "openaml/service/format_internal.h"
#include "openaml/service/handler_support.h"
#include "openaml/service/handlers.h"
#include "openaml/service/ml_jobs.h"
#include "openaml/storage/databases/database_connections.h"
#include "openaml/storage/databases/query_stager.h"

namespace openaml::service {
namespace {

using databases::ConnectionKind;
using databases::DatabaseConnections;

constexpr size_t kMaxSchemaBytes = 131071;  // DataSchema limit (spec §3.2)
constexpr size_t kMaxQueryChars = 16777216;  // SelectSqlQuery limit (spec §13)

StringRule Length(size_t min, size_t max) { return {min, max, StringPattern::kNone, {}}; }

Status Violation(std::string_view member, std::string_view constraint) {
  return absl::InvalidArgumentError(fmt::format(
      "1 validation error detected: Value at '{}' failed to satisfy constraint: {}", LowerCamel(member), constraint));
}

Status MissingMember(std::string_view member) {
  return absl::InvalidArgumentError(fmt::format(
      "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
      LowerCamel(member)));
}

// The service model's [a-z0-9]+ and [a-z0-9-]+ patterns (RedshiftDatabaseName, cluster/instance identifiers).
Status CheckLowerAlnum(std::string_view value, std::string_view member, bool allow_dash) {
  for (char c : value) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (allow_dash && c == '-'))) {
      return Violation(member, fmt::format("Member must satisfy regular expression pattern: {}",
                                           allow_dash ? "[a-z0-9-]+" : "[a-z0-9]+"));
    }
  }
  return absl::OkStatus();
}

Result<Request> RequiredObject(const Request& parent, std::string_view member) {
  OPENAML_ASSIGN_OR_RETURN(auto object, parent.Object(member));
  if (!object) return MissingMember(member);
  return *std::move(object);
}

std::string ConnectionsPath(const ServiceContext& ctx) {
  return ctx.options.databases_file.empty() ? ctx.options.data_dir + "/databases.json" : ctx.options.databases_file;
}

// The named connections, read at each use so that edits apply without a restart. An absent default file means
// no connection is configured; an absent explicit file or an invalid one is a server configuration error.
Result<DatabaseConnections> LoadConnections(const ServiceContext& ctx) {
  std::string path = ConnectionsPath(ctx);
  auto connections = DatabaseConnections::Load(path);
  if (absl::IsNotFound(connections.status()) && ctx.options.databases_file.empty()) {
    return DatabaseConnections::FromJson("{}");
  }
  if (!connections.ok()) {
    return absl::InternalError(fmt::format("the server's database connections are misconfigured: {}",
                                           connections.status().message()));
  }
  return connections;
}

Result<databases::DatabaseConnection> ResolveConnection(const ServiceContext& ctx, ConnectionKind kind,
                                                        const std::string& identifier) {
  OPENAML_ASSIGN_OR_RETURN(DatabaseConnections connections, LoadConnections(ctx));
  auto connection = connections.Find(kind, identifier);
  if (!connection.ok()) return absl::InvalidArgumentError(connection.status().message());
  return connection;
}

// Passwords of datasources created but not yet staged, by data dir and DataSourceId. Process-wide: the jobs of
// an MlApi run in its own process.
class PendingPasswords {
 public:
  static PendingPasswords& Instance() {
    static PendingPasswords instance;
    return instance;
  }
  void Put(const std::string& key, const std::string& password) {
    std::lock_guard<std::mutex> lock(mutex_);
    passwords_[key] = password;
  }
  std::optional<std::string> Take(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = passwords_.find(key);
    if (it == passwords_.end()) return std::nullopt;
    std::string password = std::move(it->second);
    passwords_.erase(it);
    return password;
  }
  void Erase(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    passwords_.erase(key);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> passwords_;
};

std::string PasswordKey(const ServiceContext& ctx, const std::string& id) { return ctx.options.data_dir + "\n" + id; }

std::string PasswordDigest(const std::string& id, const std::string& password) {
  return "sha256:" + crypto::Sha256Hex(fmt::format("openaml-datasource-password\n{}\n{}", id, password));
}

std::string WithSlash(std::string url) {
  if (url.empty() || url.back() != '/') url.push_back('/');
  return url;
}

// What both operations share once their members are read.
struct DatabaseDataSourceRequest {
  ConnectionKind kind = ConnectionKind::kRedshift;
  std::string id;
  std::optional<std::string> name;
  std::string role_arn;
  std::optional<bool> compute_statistics;
  std::string identifier;
  std::string database_name;
  std::string username;
  std::string password;
  std::string query;
  std::string staging_location;
  std::optional<std::string> rearrangement;
  std::optional<std::string> schema_text;
  std::optional<std::string> schema_uri;
  nlohmann::json metadata;  // RedshiftMetadata / RDSMetadata without SelectSqlQuery
};

HandlerResult CreateDatabaseDataSource(ServiceContext& ctx, const CallContext& call, const Request& request,
                                       DatabaseDataSourceRequest in, std::string_view spec_member) {
  if (in.rearrangement && !in.rearrangement->empty()) {
    auto parsed = DataRearrangement::FromJson(*in.rearrangement);
    if (!parsed.ok()) return absl::InvalidArgumentError(fmt::format("DataRearrangement: {}", parsed.status().message()));
  }
  bool has_inline = in.schema_text && !in.schema_text->empty();
  bool has_uri = in.schema_uri && !in.schema_uri->empty();
  if (has_inline && has_uri) {
    return absl::InvalidArgumentError(fmt::format("{}: give either DataSchema or DataSchemaUri, not both", spec_member));
  }
  nlohmann::json doc = NewDocument(ctx, call, EntityKind::kDataSource, in.id, in.name, request);
  // Spec §1.5 compares requests; the stored request keeps a digest of the password, never the password.
  nlohmann::json& credentials = doc["_request"][std::string(spec_member)]["DatabaseCredentials"];
  credentials["Password"] = PasswordDigest(in.id, in.password);
  // An existing ID answers from the stored request (a retry must not depend on the database or S3 state).
  if (auto existing = ctx.store->GetEntity(EntityKind::kDataSource, in.id); existing.ok()) {
    return CreateEntity(ctx, EntityKind::kDataSource, in.id, std::move(doc), {});
  }
  OPENAML_RETURN_IF_ERROR(ResolveConnection(ctx, in.kind, in.identifier).status());
  if (has_inline || has_uri) {
    std::string schema_json;
    if (has_inline) {
      schema_json = *in.schema_text;
    } else {
      auto text = ReadObjectText(*ctx.objects, *in.schema_uri, kMaxSchemaBytes);
      if (!text.ok()) return absl::InvalidArgumentError(fmt::format("DataSchemaUri: {}", text.status().message()));
      schema_json = *std::move(text);
    }
    auto schema = Schema::FromJson(schema_json);
    if (!schema.ok()) return absl::InvalidArgumentError(fmt::format("DataSchema: {}", schema.status().message()));
    // The staged CSV always starts with the column names.
    schema->data_file_contains_header = true;
    doc["_schema"] = schema->ToJson();
  }
  doc["DataLocationS3"] = WithSlash(in.staging_location) + in.id + "/";
  if (in.rearrangement) doc["DataRearrangement"] = *in.rearrangement;
  doc["ComputeStatistics"] = in.compute_statistics.value_or(false);
  doc["RoleARN"] = in.role_arn;
  doc[in.kind == ConnectionKind::kRedshift ? "RedshiftMetadata" : "RDSMetadata"] = in.metadata;
  doc["_select_sql_query"] = in.query;
  doc["_database"] = {{"kind", in.kind == ConnectionKind::kRedshift ? "redshift" : "rds"},
                      {"identifier", in.identifier},
                      {"database", in.database_name},
                      {"username", in.username}};
  // Before the insert: the job may start as soon as the entity exists.
  std::string key = PasswordKey(ctx, in.id);
  PendingPasswords::Instance().Put(key, in.password);
  auto created = CreateEntity(ctx, EntityKind::kDataSource, in.id, std::move(doc), {});
  if (!created.ok()) PendingPasswords::Instance().Erase(key);
  return created;
}

// Members common to RedshiftDataSpec and RDSDataSpec.
Status ReadCommonSpec(const Request& spec, size_t max_password, DatabaseDataSourceRequest* in) {
  OPENAML_ASSIGN_OR_RETURN(in->query, spec.RequiredString("SelectSqlQuery", Length(1, kMaxQueryChars)));
  OPENAML_ASSIGN_OR_RETURN(Request credentials, RequiredObject(spec, "DatabaseCredentials"));
  OPENAML_ASSIGN_OR_RETURN(in->username, credentials.RequiredString("Username", Length(1, 128)));
  OPENAML_ASSIGN_OR_RETURN(in->password, credentials.RequiredString("Password", Length(8, max_password)));
  OPENAML_ASSIGN_OR_RETURN(in->staging_location, spec.RequiredString("S3StagingLocation", StringRule::S3Url()));
  OPENAML_ASSIGN_OR_RETURN(in->rearrangement, spec.String("DataRearrangement", StringRule::LongText()));
  OPENAML_ASSIGN_OR_RETURN(in->schema_text, spec.String("DataSchema", StringRule::LongText()));
  OPENAML_ASSIGN_OR_RETURN(in->schema_uri, spec.String("DataSchemaUri", StringRule::S3Url()));
  return absl::OkStatus();
}

Status ReadTopLevel(const Request& request, DatabaseDataSourceRequest* in) {
  OPENAML_ASSIGN_OR_RETURN(in->id, request.RequiredString("DataSourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(in->name, request.String("DataSourceName", StringRule::EntityName()));
  OPENAML_ASSIGN_OR_RETURN(in->role_arn, request.RequiredString("RoleARN", Length(1, 110)));
  OPENAML_ASSIGN_OR_RETURN(in->compute_statistics, request.Bool("ComputeStatistics"));
  return absl::OkStatus();
}

}  // namespace

HandlerResult CreateDataSourceFromRedshift(ServiceContext& ctx, const CallContext& call, const Request& request) {
  DatabaseDataSourceRequest in;
  in.kind = ConnectionKind::kRedshift;
  OPENAML_RETURN_IF_ERROR(ReadTopLevel(request, &in));
  OPENAML_ASSIGN_OR_RETURN(Request spec, RequiredObject(request, "DataSpec"));
  OPENAML_ASSIGN_OR_RETURN(Request database, RequiredObject(spec, "DatabaseInformation"));
  OPENAML_ASSIGN_OR_RETURN(in.database_name, database.RequiredString("DatabaseName", Length(1, 64)));
  OPENAML_RETURN_IF_ERROR(CheckLowerAlnum(in.database_name, "DatabaseName", false));
  OPENAML_ASSIGN_OR_RETURN(in.identifier, database.RequiredString("ClusterIdentifier", Length(1, 63)));
  OPENAML_RETURN_IF_ERROR(CheckLowerAlnum(in.identifier, "ClusterIdentifier", true));
  OPENAML_RETURN_IF_ERROR(ReadCommonSpec(spec, 64, &in));
  in.metadata = {{"RedshiftDatabase", {{"DatabaseName", in.database_name}, {"ClusterIdentifier", in.identifier}}},
                 {"DatabaseUserName", in.username}};
  return CreateDatabaseDataSource(ctx, call, request, std::move(in), "DataSpec");
}

HandlerResult CreateDataSourceFromRDS(ServiceContext& ctx, const CallContext& call, const Request& request) {
  DatabaseDataSourceRequest in;
  in.kind = ConnectionKind::kRds;
  OPENAML_RETURN_IF_ERROR(ReadTopLevel(request, &in));
  OPENAML_ASSIGN_OR_RETURN(Request spec, RequiredObject(request, "RDSData"));
  OPENAML_ASSIGN_OR_RETURN(Request database, RequiredObject(spec, "DatabaseInformation"));
  OPENAML_ASSIGN_OR_RETURN(in.identifier, database.RequiredString("InstanceIdentifier", Length(1, 63)));
  OPENAML_RETURN_IF_ERROR(CheckLowerAlnum(in.identifier, "InstanceIdentifier", true));
  OPENAML_ASSIGN_OR_RETURN(in.database_name, database.RequiredString("DatabaseName", Length(1, 64)));
  OPENAML_RETURN_IF_ERROR(ReadCommonSpec(spec, 128, &in));
  // Amazon ML ran RDS queries through AWS Data Pipeline in the user's VPC (spec §3.3); openaml connects directly
  // and only records these members.
  OPENAML_ASSIGN_OR_RETURN(std::string resource_role, spec.RequiredString("ResourceRole", Length(1, 64)));
  OPENAML_ASSIGN_OR_RETURN(std::string service_role, spec.RequiredString("ServiceRole", Length(1, 64)));
  OPENAML_RETURN_IF_ERROR(spec.RequiredString("SubnetId", Length(1, 255)).status());
  OPENAML_ASSIGN_OR_RETURN(auto security_groups, spec.List("SecurityGroupIds", 1000));
  if (!security_groups) return MissingMember("SecurityGroupIds");
  for (const nlohmann::json& group : *security_groups) {
    if (!group.is_string()) return Violation("SecurityGroupIds", "Member must be a list of strings");
    OPENAML_RETURN_IF_ERROR(CheckString(group.get<std::string>(), "securityGroupIds.member", Length(1, 255)));
  }
  in.metadata = {{"Database", {{"InstanceIdentifier", in.identifier}, {"DatabaseName", in.database_name}}},
                 {"DatabaseUserName", in.username},
                 {"ResourceRole", resource_role},
                 {"ServiceRole", service_role}};
  return CreateDatabaseDataSource(ctx, call, request, std::move(in), "RDSData");
}

bool IsDatabaseDataSource(const nlohmann::json& datasource) { return datasource.contains("_database"); }

void AddVerboseDatabaseMembers(const nlohmann::json& datasource, nlohmann::json& out) {
  if (!datasource.contains("_select_sql_query")) return;
  for (const char* member : {"RedshiftMetadata", "RDSMetadata"}) {
    if (out.contains(member) && out[member].is_object()) out[member]["SelectSqlQuery"] = datasource["_select_sql_query"];
  }
}

Result<nlohmann::json> StageDatabaseDataSource(ServiceContext& ctx, const nlohmann::json& datasource,
                                               engine::JobContext& jc, JobLog& log) {
  const nlohmann::json& database = datasource.at("_database");
  std::string id = datasource.value("DataSourceId", "");
  // Taken once: whatever happens next, the password is not kept.
  std::optional<std::string> password = PendingPasswords::Instance().Take(PasswordKey(ctx, id));
  if (!password) {
    return absl::FailedPreconditionError(
        "The database password is no longer available (the server restarted before the query ran; openaml keeps "
        "it in memory only): create the datasource again");
  }
  bool redshift = database.value("kind", "") == "redshift";
  databases::QueryStagingRequest request;
  OPENAML_ASSIGN_OR_RETURN(request.connection,
                           ResolveConnection(ctx, redshift ? ConnectionKind::kRedshift : ConnectionKind::kRds,
                                             database.value("identifier", "")));
  request.database_name = database.value("database", "");
  request.username = database.value("username", "");
  request.password = *std::move(password);
  request.select_sql_query = datasource.value("_select_sql_query", "");
  std::string data_url = datasource.value("DataLocationS3", "") + "data.csv";
  log.Add(ctx.NowMs(), "INFO",
          fmt::format("Running the SelectSqlQuery on {} '{}', database '{}', as '{}'; staging to {}",
                      redshift ? "cluster" : "instance", request.connection.name, request.database_name,
                      request.username, data_url));
  if (jc.progress) jc.progress("staging the query result", 0.0);
  auto sink = storage::OpenObjectSink(*ctx.objects, data_url);
  if (!sink.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("Cannot write to S3StagingLocation {}: {}", data_url, sink.status().message()));
  }
  auto staged = databases::StageQueryAsCsv(request, **sink);
  if (!staged.ok()) {
    return Status(staged.status().code(), fmt::format("Staging the SelectSqlQuery failed: {}", staged.status().message()));
  }
  log.Add(ctx.NowMs(), "INFO",
          fmt::format("Staged {} rows ({} bytes, {} columns) to {}", staged->row_count, staged->byte_count,
                      staged->columns.size(), data_url));
  nlohmann::json patch = nlohmann::json::object();
  if (!datasource.contains("_schema")) {
    patch["_schema"] = staged->schema.ToJson();
    log.Add(ctx.NowMs(), "INFO", "No schema given: derived from the query's column types");
  }
  return patch;
}

}  // namespace openaml::service
