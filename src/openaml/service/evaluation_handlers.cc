// CreateEvaluation, GetEvaluation, UpdateEvaluation, DeleteEvaluation (spec §3.4, §3.5, §3.7, §3.8).
#include <fmt/format.h>

#include "openaml/schema/schema.h"
#include "openaml/service/handler_support.h"
#include "openaml/service/handlers.h"

namespace openaml::service {

HandlerResult CreateEvaluation(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("EvaluationId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto name, request.String("EvaluationName", StringRule::EntityName()));
  OPENAML_ASSIGN_OR_RETURN(std::string model_id, request.RequiredString("MLModelId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string ds_id, request.RequiredString("EvaluationDataSourceId", StringRule::EntityId()));
  if (auto existing = ctx.store->GetEntity(EntityKind::kEvaluation, id); existing.ok()) {
    return CreateEntity(ctx, EntityKind::kEvaluation, id,
                        NewDocument(ctx, call, EntityKind::kEvaluation, id, name, request), {});
  }
  OPENAML_RETURN_IF_ERROR(LoadInput(ctx, EntityKind::kMLModel, "MLModelId", model_id).status());
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json datasource,
                           LoadInput(ctx, EntityKind::kDataSource, "EvaluationDataSourceId", ds_id));
  // The evaluation data must carry the target the model learned (spec §3.4).
  auto schema = Schema::FromJson(datasource.value("_schema", ""));
  if (schema.ok() && schema->target_index() < 0) {
    return absl::InvalidArgumentError(fmt::format(
        "EvaluationDataSourceId: the schema of DataSource '{}' has no targetAttributeName; an evaluation needs "
        "target values",
        ds_id));
  }
  nlohmann::json doc = NewDocument(ctx, call, EntityKind::kEvaluation, id, name, request);
  doc["MLModelId"] = model_id;
  doc["EvaluationDataSourceId"] = ds_id;
  doc["InputDataLocationS3"] = datasource.value("DataLocationS3", "");
  // Spec §14: tags propagate from the model to its evaluations.
  OPENAML_ASSIGN_OR_RETURN(auto tags, ctx.store->GetTags(EntityKind::kMLModel, model_id));
  return CreateEntity(ctx, EntityKind::kEvaluation, id, std::move(doc), tags);
}

HandlerResult GetEvaluation(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("EvaluationId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, EntityKind::kEvaluation, id));
  nlohmann::json out = RenderPublic(doc);
  if (auto log_uri = LogUriOf(ctx, call, EntityKind::kEvaluation, doc)) out["LogUri"] = *log_uri;
  return out;
}

HandlerResult UpdateEvaluation(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("EvaluationId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string name, request.RequiredString("EvaluationName", StringRule::EntityName()));
  return RenameEntity(ctx, EntityKind::kEvaluation, id, name);
}

HandlerResult DeleteEvaluation(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("EvaluationId", StringRule::EntityId()));
  return DeleteEntity(ctx, EntityKind::kEvaluation, id);
}

}  // namespace openaml::service
