// CreateDataSourceFromS3 / FromRDS / FromRedshift, GetDataSource, UpdateDataSource, DeleteDataSource (spec §3.3,
// §3.5, §3.7, §3.8).
#include <fmt/format.h>

#include "openaml/service/format_internal.h"

#include "openaml/ingest/data_rearrangement.h"
#include "openaml/schema/schema.h"
#include "openaml/service/database_datasource.h"
#include "openaml/service/handler_support.h"
#include "openaml/service/handlers.h"
#include "openaml/service/ml_jobs.h"

namespace openaml::service {
namespace {

constexpr size_t kMaxSchemaBytes = 131071;  // DataSchema limit (spec §3.2)

std::vector<storage::TagRecord> NoTags() { return {}; }

}  // namespace

HandlerResult CreateDataSourceFromS3(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("DataSourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto name, request.String("DataSourceName", StringRule::EntityName()));
  OPENAML_ASSIGN_OR_RETURN(auto compute_statistics, request.Bool("ComputeStatistics"));
  OPENAML_ASSIGN_OR_RETURN(auto data_spec, request.Object("DataSpec"));
  if (!data_spec) {
    return absl::InvalidArgumentError(
        "1 validation error detected: Value null at 'dataSpec' failed to satisfy constraint: Member must not be null");
  }
  OPENAML_ASSIGN_OR_RETURN(std::string location, data_spec->RequiredString("DataLocationS3", StringRule::S3Url()));
  OPENAML_ASSIGN_OR_RETURN(auto rearrangement, data_spec->String("DataRearrangement", StringRule::LongText()));
  OPENAML_ASSIGN_OR_RETURN(auto schema_text, data_spec->String("DataSchema", StringRule::LongText()));
  OPENAML_ASSIGN_OR_RETURN(auto schema_location, data_spec->String("DataSchemaLocationS3", StringRule::S3Url()));

  if (rearrangement && !rearrangement->empty()) {
    auto parsed = DataRearrangement::FromJson(*rearrangement);
    if (!parsed.ok()) return absl::InvalidArgumentError(fmt::format("DataRearrangement: {}", parsed.status().message()));
  }
  bool has_inline = schema_text && !schema_text->empty();
  bool has_location = schema_location && !schema_location->empty();
  if (has_inline && has_location) {
    return absl::InvalidArgumentError("DataSpec: give either DataSchema or DataSchemaLocationS3, not both");
  }
  if (!has_inline && !has_location) {
    return absl::InvalidArgumentError("DataSpec: a schema is required: give DataSchema or DataSchemaLocationS3");
  }
  // An existing ID answers from the stored request before touching S3 (a retry must not depend on S3 state).
  if (auto existing = ctx.store->GetEntity(EntityKind::kDataSource, id); existing.ok()) {
    return CreateEntity(ctx, EntityKind::kDataSource, id,
                        NewDocument(ctx, call, EntityKind::kDataSource, id, name, request), NoTags());
  }
  std::string schema_json;
  if (has_inline) {
    schema_json = *schema_text;
  } else {
    auto text = ReadObjectText(*ctx.objects, *schema_location, kMaxSchemaBytes);
    if (!text.ok()) return absl::InvalidArgumentError(fmt::format("DataSchemaLocationS3: {}", text.status().message()));
    schema_json = *std::move(text);
  }
  auto schema = Schema::FromJson(schema_json);
  if (!schema.ok()) return absl::InvalidArgumentError(fmt::format("DataSchema: {}", schema.status().message()));

  nlohmann::json doc = NewDocument(ctx, call, EntityKind::kDataSource, id, name, request);
  doc["DataLocationS3"] = location;
  if (rearrangement) doc["DataRearrangement"] = *rearrangement;
  doc["ComputeStatistics"] = compute_statistics.value_or(false);
  doc["_schema"] = schema_json;
  return CreateEntity(ctx, EntityKind::kDataSource, id, std::move(doc), NoTags());
}

// CreateDataSourceFromRDS / CreateDataSourceFromRedshift: database_datasource_handlers.cc.

HandlerResult GetDataSource(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("DataSourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto verbose, request.Bool("Verbose"));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, EntityKind::kDataSource, id));
  nlohmann::json out = RenderPublic(doc);
  if (auto log_uri = LogUriOf(ctx, call, EntityKind::kDataSource, doc)) out["LogUri"] = *log_uri;
  if (verbose.value_or(false) && doc.contains("_schema")) out["DataSourceSchema"] = doc["_schema"];
  if (verbose.value_or(false)) AddVerboseDatabaseMembers(doc, out);
  return out;
}

HandlerResult UpdateDataSource(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("DataSourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string name, request.RequiredString("DataSourceName", StringRule::EntityName()));
  return RenameEntity(ctx, EntityKind::kDataSource, id, name);
}

HandlerResult DeleteDataSource(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("DataSourceId", StringRule::EntityId()));
  return DeleteEntity(ctx, EntityKind::kDataSource, id);
}

}  // namespace openaml::service
