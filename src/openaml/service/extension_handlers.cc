// openaml's own operations (target prefix OpenAML_20241201), for the console: what Amazon ML showed only in its
// console. GetDataSourceStatistics {DataSourceId} -> {DataSourceId, Statistics (JSON string, stats/ format)};
// GetEvaluationDetail {EvaluationId} -> {EvaluationId, Detail (JSON string: histograms, threshold curve,
// confusion matrix, alerts)}. ResourceNotFoundException when the entity is unknown; InvalidInputException when it
// has no such result (yet).
#include <fmt/format.h>

#include "openaml/service/entity.h"
#include "openaml/service/handlers.h"

namespace openaml::service {
namespace {

HandlerResult StoredResult(ServiceContext& ctx, const Request& request, EntityKind kind, std::string_view blob,
                           std::string_view member) {
  std::string_view id_member = IdMember(kind);
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString(id_member, StringRule::EntityId()));
  OPENAML_RETURN_IF_ERROR(LoadEntity(*ctx.store, kind, id).status());
  OPENAML_ASSIGN_OR_RETURN(auto data, ctx.store->GetBlob(kind, id, blob));
  if (!data) {
    return absl::InvalidArgumentError(
        fmt::format("{} '{}' has no {} (not COMPLETED, or not computed)", storage::EntityKindName(kind), id, member));
  }
  return nlohmann::json{{std::string(id_member), id}, {std::string(member), *data}};
}

}  // namespace

HandlerResult GetDataSourceStatistics(ServiceContext& ctx, const CallContext&, const Request& request) {
  return StoredResult(ctx, request, EntityKind::kDataSource, "statistics", "Statistics");
}

HandlerResult GetEvaluationDetail(ServiceContext& ctx, const CallContext&, const Request& request) {
  return StoredResult(ctx, request, EntityKind::kEvaluation, "evaluation_detail", "Detail");
}

}  // namespace openaml::service
