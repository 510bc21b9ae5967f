// DescribeDataSources, DescribeMLModels, DescribeEvaluations, DescribeBatchPredictions (spec §3.6).
#include "openaml/service/describe_query.h"
#include "openaml/service/entity.h"
#include "openaml/service/handlers.h"

namespace openaml::service {
namespace {

// FilterVariable values of each operation (service model enums) and the member each reads (spec §3.6 table).
const std::vector<FilterField>& DataSourceFields() {
  static const std::vector<FilterField> fields = {
      {"CreatedAt", "CreatedAt", "", true},          {"LastUpdatedAt", "LastUpdatedAt", "", true},
      {"Status", "Status", "", false},               {"Name", "Name", "", false},
      {"DataLocationS3", "DataLocationS3", "", false}, {"IAMUser", "CreatedByIamUser", "", false},
  };
  return fields;
}

const std::vector<FilterField>& MLModelFields() {
  static const std::vector<FilterField> fields = {
      {"CreatedAt", "CreatedAt", "", true},
      {"LastUpdatedAt", "LastUpdatedAt", "", true},
      {"Status", "Status", "", false},
      {"Name", "Name", "", false},
      {"IAMUser", "CreatedByIamUser", "", false},
      {"TrainingDataSourceId", "TrainingDataSourceId", "", false},
      {"RealtimeEndpointStatus", "EndpointInfo", "EndpointStatus", false},
      {"MLModelType", "MLModelType", "", false},
      {"Algorithm", "Algorithm", "", false},
      {"TrainingDataURI", "InputDataLocationS3", "", false},
  };
  return fields;
}

std::vector<FilterField> EvaluationOrBatchFields(std::string_view datasource_member) {
  return {
      {"CreatedAt", "CreatedAt", "", true},  {"LastUpdatedAt", "LastUpdatedAt", "", true},
      {"Status", "Status", "", false},       {"Name", "Name", "", false},
      {"IAMUser", "CreatedByIamUser", "", false}, {"MLModelId", "MLModelId", "", false},
      {"DataSourceId", datasource_member, "", false}, {"DataURI", "InputDataLocationS3", "", false},
  };
}

HandlerResult Describe(ServiceContext& ctx, const Request& request, EntityKind kind,
                       const std::vector<FilterField>& fields) {
  OPENAML_ASSIGN_OR_RETURN(auto records, ctx.store->ListEntities(kind));
  std::vector<nlohmann::json> documents;
  documents.reserve(records.size());
  for (const storage::EntityRecord& record : records) {
    OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDocument(record.document));
    documents.push_back(std::move(doc));
  }
  OPENAML_ASSIGN_OR_RETURN(DescribePage page, RunDescribeQuery(request, fields, IdMember(kind), documents));
  nlohmann::json results = nlohmann::json::array();
  for (const nlohmann::json* doc : page.items) results.push_back(RenderPublic(*doc));
  nlohmann::json out = {{"Results", std::move(results)}};
  if (!page.next_token.empty()) out["NextToken"] = page.next_token;
  return out;
}

}  // namespace

HandlerResult DescribeDataSources(ServiceContext& ctx, const CallContext&, const Request& request) {
  return Describe(ctx, request, EntityKind::kDataSource, DataSourceFields());
}

HandlerResult DescribeMLModels(ServiceContext& ctx, const CallContext&, const Request& request) {
  return Describe(ctx, request, EntityKind::kMLModel, MLModelFields());
}

HandlerResult DescribeEvaluations(ServiceContext& ctx, const CallContext&, const Request& request) {
  static const std::vector<FilterField> fields = EvaluationOrBatchFields("EvaluationDataSourceId");
  return Describe(ctx, request, EntityKind::kEvaluation, fields);
}

HandlerResult DescribeBatchPredictions(ServiceContext& ctx, const CallContext&, const Request& request) {
  static const std::vector<FilterField> fields = EvaluationOrBatchFields("BatchPredictionDataSourceId");
  return Describe(ctx, request, EntityKind::kBatchPrediction, fields);
}

}  // namespace openaml::service
