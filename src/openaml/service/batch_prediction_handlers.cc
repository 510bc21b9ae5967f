// CreateBatchPrediction, GetBatchPrediction, UpdateBatchPrediction, DeleteBatchPrediction (spec §3.4, §3.5,
// §3.7, §3.8, §11).
#include <fmt/format.h>

#include "openaml/service/format_internal.h"

#include "openaml/service/handler_support.h"
#include "openaml/service/handlers.h"

namespace openaml::service {
namespace {

/// Spec §3.4: OutputUri ends with "/" and its key part has no ":", "//", "/./" or "/../".
Status CheckOutputUri(std::string_view uri) {
  auto location = storage::ParseS3Url(uri);
  if (!location.ok()) return absl::InvalidArgumentError(fmt::format("OutputUri: {}", location.status().message()));
  if (uri.empty() || uri.back() != '/') {
    return absl::InvalidArgumentError(fmt::format("OutputUri '{}' must end with '/'", uri));
  }
  std::string key = "/" + location->second;
  for (std::string_view bad : {":", "//", "/./", "/../"}) {
    if (key.find(bad) != std::string::npos) {
      return absl::InvalidArgumentError(fmt::format("OutputUri '{}' must not contain '{}' in its key", uri, bad));
    }
  }
  return Status();
}

}  // namespace

HandlerResult CreateBatchPrediction(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("BatchPredictionId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto name, request.String("BatchPredictionName", StringRule::EntityName()));
  OPENAML_ASSIGN_OR_RETURN(std::string model_id, request.RequiredString("MLModelId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string ds_id,
                           request.RequiredString("BatchPredictionDataSourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string output_uri, request.RequiredString("OutputUri", StringRule::S3Url()));
  OPENAML_RETURN_IF_ERROR(CheckOutputUri(output_uri));
  if (auto existing = ctx.store->GetEntity(EntityKind::kBatchPrediction, id); existing.ok()) {
    return CreateEntity(ctx, EntityKind::kBatchPrediction, id,
                        NewDocument(ctx, call, EntityKind::kBatchPrediction, id, name, request), {});
  }
  OPENAML_RETURN_IF_ERROR(LoadInput(ctx, EntityKind::kMLModel, "MLModelId", model_id).status());
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json datasource,
                           LoadInput(ctx, EntityKind::kDataSource, "BatchPredictionDataSourceId", ds_id));
  nlohmann::json doc = NewDocument(ctx, call, EntityKind::kBatchPrediction, id, name, request);
  doc["MLModelId"] = model_id;
  doc["BatchPredictionDataSourceId"] = ds_id;
  doc["InputDataLocationS3"] = datasource.value("DataLocationS3", "");
  doc["OutputUri"] = output_uri;
  // Spec §14: tags propagate from the model.
  OPENAML_ASSIGN_OR_RETURN(auto tags, ctx.store->GetTags(EntityKind::kMLModel, model_id));
  return CreateEntity(ctx, EntityKind::kBatchPrediction, id, std::move(doc), tags);
}

HandlerResult GetBatchPrediction(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("BatchPredictionId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, EntityKind::kBatchPrediction, id));
  nlohmann::json out = RenderPublic(doc);
  if (auto log_uri = LogUriOf(ctx, call, EntityKind::kBatchPrediction, doc)) out["LogUri"] = *log_uri;
  return out;
}

HandlerResult UpdateBatchPrediction(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("BatchPredictionId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string name, request.RequiredString("BatchPredictionName", StringRule::EntityName()));
  return RenameEntity(ctx, EntityKind::kBatchPrediction, id, name);
}

HandlerResult DeleteBatchPrediction(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("BatchPredictionId", StringRule::EntityId()));
  return DeleteEntity(ctx, EntityKind::kBatchPrediction, id);
}

}  // namespace openaml::service
