// CreateMLModel, GetMLModel, UpdateMLModel, DeleteMLModel (spec §3.4, §3.5, §3.7, §3.8, §10).
#include <fmt/format.h>

#include "openaml/service/format_internal.h"

#include "openaml/learn/parameters.h"
#include "openaml/recipe/recipe.h"
#include "openaml/schema/schema.h"
#include "openaml/service/handler_support.h"
#include "openaml/service/handlers.h"
#include "openaml/service/ml_jobs.h"
#include "openaml/service/realtime/realtime_handlers.h"

namespace openaml::service {
namespace {

constexpr size_t kMaxRecipeBytes = 131071;  // Recipe limit (spec §3.2)

/// Spec §8.1: the target's type decides which model types can learn it.
Status CheckTargetSuitsModel(const Schema& schema, std::string_view model_type, std::string_view ds_id) {
  int target = schema.target_index();
  if (target < 0) {
    return absl::InvalidArgumentError(
        fmt::format("TrainingDataSourceId: the schema of DataSource '{}' has no targetAttributeName", ds_id));
  }
  AttributeType type = schema.attributes[target].type;
  bool ok = (model_type == "BINARY" && type == AttributeType::kBinary) ||
            (model_type == "REGRESSION" && type == AttributeType::kNumeric) ||
            (model_type == "MULTICLASS" && (type == AttributeType::kCategorical || type == AttributeType::kBinary));
  if (!ok) {
    return absl::InvalidArgumentError(fmt::format(
        "MLModelType {} cannot learn target '{}' of type {}: BINARY needs a BINARY target, REGRESSION a NUMERIC "
        "one, MULTICLASS a CATEGORICAL one",
        model_type, schema.attributes[target].name, AttributeTypeName(type)));
  }
  return Status();
}

}  // namespace

HandlerResult CreateMLModel(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("MLModelId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto name, request.String("MLModelName", StringRule::EntityName()));
  OPENAML_ASSIGN_OR_RETURN(std::string model_type,
                           request.RequiredString("MLModelType", StringRule::OneOf({"REGRESSION", "BINARY", "MULTICLASS"})));
  OPENAML_ASSIGN_OR_RETURN(auto parameters, request.StringMap("Parameters"));
  OPENAML_ASSIGN_OR_RETURN(std::string ds_id, request.RequiredString("TrainingDataSourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto recipe, request.String("Recipe", StringRule::LongText()));
  OPENAML_ASSIGN_OR_RETURN(auto recipe_uri, request.String("RecipeUri", StringRule::S3Url()));

  if (parameters) {
    auto parsed = learn::TrainingParameters::FromMap(*parameters);
    if (!parsed.ok()) return absl::InvalidArgumentError(fmt::format("Parameters: {}", parsed.status().message()));
  }
  bool has_recipe = recipe && !recipe->empty();
  bool has_recipe_uri = recipe_uri && !recipe_uri->empty();
  if (has_recipe && has_recipe_uri) {
    return absl::InvalidArgumentError("Give either Recipe or RecipeUri, not both");
  }
  if (auto existing = ctx.store->GetEntity(EntityKind::kMLModel, id); existing.ok()) {
    return CreateEntity(ctx, EntityKind::kMLModel, id, NewDocument(ctx, call, EntityKind::kMLModel, id, name, request), {});
  }

  OPENAML_ASSIGN_OR_RETURN(nlohmann::json datasource, LoadInput(ctx, EntityKind::kDataSource, "TrainingDataSourceId", ds_id));
  // Spec §1.3: training needs statistics.
  if (!datasource.value("ComputeStatistics", false)) {
    return absl::InvalidArgumentError(fmt::format(
        "TrainingDataSourceId: DataSource '{}' was created with ComputeStatistics false; a training datasource "
        "needs statistics (create it again with ComputeStatistics true)",
        ds_id));
  }
  auto schema = Schema::FromJson(datasource.value("_schema", ""));
  if (!schema.ok()) return absl::InvalidArgumentError(fmt::format("TrainingDataSourceId: {}", schema.status().message()));
  OPENAML_RETURN_IF_ERROR(CheckTargetSuitsModel(*schema, model_type, ds_id));

  std::string recipe_json;
  if (has_recipe) {
    recipe_json = *recipe;
  } else if (has_recipe_uri) {
    auto text = ReadObjectText(*ctx.objects, *recipe_uri, kMaxRecipeBytes);
    if (!text.ok()) return absl::InvalidArgumentError(fmt::format("RecipeUri: {}", text.status().message()));
    recipe_json = *std::move(text);
  }
  if (!recipe_json.empty()) {
    auto parsed = recipe::Recipe::Parse(recipe_json);
    if (!parsed.ok()) return absl::InvalidArgumentError(fmt::format("Recipe: {}", parsed.status().message()));
  }

  nlohmann::json doc = NewDocument(ctx, call, EntityKind::kMLModel, id, name, request);
  doc["TrainingDataSourceId"] = ds_id;
  doc["MLModelType"] = model_type;
  doc["Algorithm"] = "sgd";
  doc["InputDataLocationS3"] = datasource.value("DataLocationS3", "");
  doc["EndpointInfo"] = {{"EndpointStatus", "NONE"}, {"PeakRequestsPerSecond", 0}};
  if (model_type == "BINARY") doc["ScoreThreshold"] = 0.5;  // spec §10 default
  doc["TrainingParameters"] = parameters.value_or(std::map<std::string, std::string>{});
  doc["_parameters"] = parameters.value_or(std::map<std::string, std::string>{});
  if (!recipe_json.empty()) doc["_recipe"] = recipe_json;
  doc["_schema"] = datasource.value("_schema", "");
  // Spec §14: tags propagate from the datasource to the model.
  OPENAML_ASSIGN_OR_RETURN(auto tags, ctx.store->GetTags(EntityKind::kDataSource, ds_id));
  return CreateEntity(ctx, EntityKind::kMLModel, id, std::move(doc), tags);
}

HandlerResult GetMLModel(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("MLModelId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto verbose, request.Bool("Verbose"));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, EntityKind::kMLModel, id));
  nlohmann::json out = RenderPublic(doc);
  out.erase("Algorithm");  // GetMLModelOutput has no Algorithm member (spec §3.1)
  if (auto log_uri = LogUriOf(ctx, call, EntityKind::kMLModel, doc)) out["LogUri"] = *log_uri;
  if (verbose.value_or(false)) {
    // Spec §3.5 gap: the recipe actually used, the suggested one included.
    if (doc.contains("_recipe_used")) {
      out["Recipe"] = doc["_recipe_used"];
    } else if (doc.contains("_recipe")) {
      out["Recipe"] = doc["_recipe"];
    }
    if (doc.contains("_schema")) out["Schema"] = doc["_schema"];
  }
  return out;
}

HandlerResult UpdateMLModel(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("MLModelId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(auto name, request.String("MLModelName", StringRule::EntityName()));
  OPENAML_ASSIGN_OR_RETURN(auto threshold, request.Number("ScoreThreshold"));
  if (threshold && !(*threshold >= 0.0 && *threshold <= 1.0)) {
    return absl::InvalidArgumentError(fmt::format("ScoreThreshold {} is outside [0, 1]", *threshold));
  }
  int64_t now = ctx.NowMs();
  OPENAML_RETURN_IF_ERROR(MutateEntity(*ctx.store, EntityKind::kMLModel, id, [&](nlohmann::json& doc) -> Status {
    std::string status = StatusOf(doc);
    if (status == kDeleted) return absl::InvalidArgumentError(fmt::format("MLModel '{}' is deleted", id));
    if (threshold) {
      // Spec §10: BINARY only, model COMPLETED.
      if (doc.value("MLModelType", "") != "BINARY") {
        return absl::InvalidArgumentError(fmt::format(
            "ScoreThreshold applies to BINARY models only; MLModel '{}' is {}", id, doc.value("MLModelType", "")));
      }
      if (status != kCompleted) {
        return absl::InvalidArgumentError(
            fmt::format("ScoreThreshold can be set only when the model is COMPLETED; MLModel '{}' is {}", id, status));
      }
      // Spec §10 lets us refuse while a real-time endpoint exists; we allow it (issue 6): see below.
      doc["ScoreThreshold"] = *threshold;
      doc["ScoreThresholdLastUpdatedAt"] = now;
    }
    if (name) doc["Name"] = *name;
    doc["LastUpdatedAt"] = now;
    return Status();
  }));
  // The mounted endpoint uses the new threshold from the next Predict, without remounting.
  if (threshold) OnScoreThresholdUpdated(ctx, id, *threshold);
  return nlohmann::json{{"MLModelId", id}};
}

HandlerResult DeleteMLModel(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("MLModelId", StringRule::EntityId()));
  // Spec §3.8 gap: deleting a model removes its real-time endpoint too (realtime/realtime_handlers.h).
  OPENAML_RETURN_IF_ERROR(RemoveEndpointOfDeletedModel(ctx, id));
  return DeleteEntity(ctx, EntityKind::kMLModel, id);
}

}  // namespace openaml::service
