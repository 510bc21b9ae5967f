// One handler per Amazon ML API action (spec §3): parse the request into values, validate, act, respond.
// Each returns the response object or a Status that api_error.h maps to the AWS error.
#pragma once

#include <nlohmann/json.hpp>

#include "openaml/common/status.h"
#include "openaml/service/request.h"
#include "openaml/service/service_context.h"

namespace openaml::service {

using HandlerResult = Result<nlohmann::json>;

// Datasources (datasource_handlers.cc).
HandlerResult CreateDataSourceFromS3(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult CreateDataSourceFromRDS(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult CreateDataSourceFromRedshift(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult GetDataSource(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult UpdateDataSource(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DeleteDataSource(ServiceContext& ctx, const CallContext& call, const Request& request);

// Models (mlmodel_handlers.cc).
HandlerResult CreateMLModel(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult GetMLModel(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult UpdateMLModel(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DeleteMLModel(ServiceContext& ctx, const CallContext& call, const Request& request);

// Evaluations (evaluation_handlers.cc).
HandlerResult CreateEvaluation(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult GetEvaluation(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult UpdateEvaluation(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DeleteEvaluation(ServiceContext& ctx, const CallContext& call, const Request& request);

// Batch predictions (batch_prediction_handlers.cc).
HandlerResult CreateBatchPrediction(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult GetBatchPrediction(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult UpdateBatchPrediction(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DeleteBatchPrediction(ServiceContext& ctx, const CallContext& call, const Request& request);

// Describe* (describe_handlers.cc).
HandlerResult DescribeDataSources(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DescribeMLModels(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DescribeEvaluations(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DescribeBatchPredictions(ServiceContext& ctx, const CallContext& call, const Request& request);

// Tags (tag_handlers.cc).
HandlerResult AddTags(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DeleteTags(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DescribeTags(ServiceContext& ctx, const CallContext& call, const Request& request);

// openaml extensions, target prefix OpenAML_20241201 (extension_handlers.cc).
HandlerResult GetDataSourceStatistics(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult GetEvaluationDetail(ServiceContext& ctx, const CallContext& call, const Request& request);

}  // namespace openaml::service
