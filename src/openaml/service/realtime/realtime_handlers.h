// CreateRealtimeEndpoint, DeleteRealtimeEndpoint and Predict (spec §3.9, §12), remounting at start, and the hooks
// the model handlers call (threshold update, model delete).
//
// Decisions (spec gaps):
// - CreateRealtimeEndpoint mounts the model before answering, so the answer already says READY (AWS answered
//   UPDATING first; clients that wait for READY see it on their first poll). The model must be COMPLETED
//   (InvalidInputException otherwise); an existing endpoint answers its current info. A model file that cannot
//   be loaded leaves EndpointStatus FAILED with the reason in the server log, and answers InternalServerException.
// - DeleteRealtimeEndpoint answers EndpointStatus NONE (PeakRequestsPerSecond 0); without an endpoint it is a
//   no-op answering the same.
// - EndpointUrl is the server's advertised URL (MlApiOptions::public_url: `serve --public-url`, defaulting to
//   the listen address), else http://<Host header>. It is refreshed at every start (remount), since the listen
//   port may change. PredictEndpoint is required but not compared with it (it only routes, spec §2.6).
// - UpdateMLModel may change ScoreThreshold while an endpoint exists (spec §10 allows refusing; we allow): the
//   mounted endpoint uses it from the next Predict, without remounting.
// - DeleteMLModel on a model with an endpoint removes the endpoint as part of the delete (spec §3.8 gap): the
//   model is unmounted and its EndpointInfo becomes NONE; later Predict calls get PredictorNotMountedException.
// - Predict: Record over 100 KB (names + values, decoded) -> InvalidInputException; a non-string value ->
//   InvalidInputException; unknown names, the target and the row id are ignored; absent attributes and values
//   that do not fit their type (e.g. "abc" for NUMERIC) are missing. An unknown model is
//   ResourceNotFoundException; a known model without a READY endpoint (never created, deleted, FAILED) is
//   PredictorNotMountedException. No per-endpoint TPS limit is enforced (the 200 in PeakRequestsPerSecond is
//   informational).
#pragma once

#include <string>

#include "openaml/common/status.h"
#include "openaml/http/api_handler.h"
#include "openaml/service/handlers.h"

namespace openaml::service {

HandlerResult CreateRealtimeEndpoint(ServiceContext& ctx, const CallContext& call, const Request& request);
HandlerResult DeleteRealtimeEndpoint(ServiceContext& ctx, const CallContext& call, const Request& request);

/// Predict, straight from the body (no JSON DOM, no metadata read, no disk I/O for a mounted model).
/// Thread-safe; never throws.
http::ApiResponse HandlePredict(ServiceContext& ctx, const http::ApiRequest& request);

/// Mount every model whose stored EndpointInfo is READY or UPDATING (server start). A model that fails to load
/// is marked FAILED and logged; the others still mount. Errors only when the store cannot be listed.
Status RemountEndpoints(ServiceContext& ctx);

/// Called by UpdateMLModel after a ScoreThreshold change was stored.
void OnScoreThresholdUpdated(ServiceContext& ctx, const std::string& model_id, double threshold);
/// Called by DeleteMLModel before the model is marked DELETED: unmount and set EndpointInfo NONE.
Status RemoveEndpointOfDeletedModel(ServiceContext& ctx, const std::string& model_id);

}  // namespace openaml::service
