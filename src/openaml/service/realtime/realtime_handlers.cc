// CreateRealtimeEndpoint, DeleteRealtimeEndpoint, Predict (spec §3.9, §12). Decisions in realtime_handlers.h.
#include "openaml/service/realtime/realtime_handlers.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>
#include <vector>

#include "openaml/recipe/feature_program.h"
#include "openaml/service/api_error.h"
#include "openaml/service/entity.h"
#include "openaml/service/realtime/endpoint_registry.h"
#include "openaml/service/realtime/predict_codec.h"

namespace openaml::service {
namespace {

using realtime::Endpoint;
using realtime::EndpointRegistry;

constexpr int kPeakRequestsPerSecond = 200;  // spec §12.1

std::string_view ToStatusName(std::string_view status) { return status; }

nlohmann::json NoEndpointInfo() { return {{"EndpointStatus", "NONE"}, {"PeakRequestsPerSecond", 0}}; }

std::string AdvertisedUrl(const ServiceContext& ctx, std::string_view host) {
  if (!ctx.options.public_url.empty()) return ctx.options.public_url;
  return fmt::format("http://{}", host.empty() ? "localhost" : host);
}

double ThresholdOf(const nlohmann::json& doc) {
  auto it = doc.find("ScoreThreshold");
  return it != doc.end() && it->is_number() ? it->get<double>() : 0.5;
}

EndpointRegistry& Registry(ServiceContext& ctx) { return *ctx.realtime; }

nlohmann::json RenderInfo(const nlohmann::json& doc) {
  auto it = doc.find("EndpointInfo");
  return RenderPublic(it != doc.end() && it->is_object() ? *it : NoEndpointInfo());
}

http::ApiResponse Ok(std::string body) {
  http::ApiResponse response;
  response.body = std::move(body);
  return response;
}

// True when `id` certainly passes CheckString(id, ..., StringRule::EntityId()): 1 to 64 ASCII characters from
// [a-zA-Z0-9_.-]. Checked without CheckString's UTF-8 decoding into a vector (three allocations per Predict).
bool IsPlainEntityId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

// Per-thread scratch of the hot path, reused across requests (no allocation once warm).
struct PredictScratch {
  realtime::PredictRequest request;
  std::vector<std::string_view> fields;
  std::vector<bool> absent;
  std::vector<recipe::Feature> features;
  std::vector<double> scores;
  uint64_t extractor_serial = 0;  // Endpoint::serial() the extractor was made for
  std::unique_ptr<recipe::FeatureExtractor> extractor;
};

void AppendPrediction(const Endpoint& endpoint, const std::vector<double>& scores, std::string* out) {
  out->append(R"({"Prediction":{"details":{"PredictiveModelType":")");
  out->append(learn::ModelTypeName(endpoint.type()));
  out->append(R"(","Algorithm":"SGD"},)");
  switch (endpoint.type()) {
    case learn::ModelType::kBinary: {
      // Spec §12.3: one entry keyed by the predicted label, holding P(1); spec §10: >= threshold is "1".
      const bool positive = scores[0] >= endpoint.threshold();
      out->append(positive ? R"("predictedLabel":"1","predictedScores":{"1":)"
                           : R"("predictedLabel":"0","predictedScores":{"0":)");
      realtime::AppendScore(static_cast<float>(scores[0]), out);
      out->append("}");
      break;
    }
    case learn::ModelType::kMulticlass: {
      size_t best = 0;
      for (size_t c = 1; c < scores.size(); ++c) {
        if (scores[c] > scores[best]) best = c;
      }
      const auto& labels = endpoint.class_literals();
      out->append(R"("predictedLabel":)");
      out->append(labels[best]);
      out->append(R"(,"predictedScores":{)");
      for (size_t c = 0; c < scores.size(); ++c) {
        if (c > 0) out->push_back(',');
        out->append(labels[c]);
        out->push_back(':');
        realtime::AppendScore(static_cast<float>(scores[c]), out);
      }
      out->append("}");
      break;
    }
    case learn::ModelType::kRegression:
      out->append(R"("predictedValue":)");
      realtime::AppendScore(static_cast<float>(scores[0]), out);
      break;
  }
  out->append("}}");
}

// The slow path of Predict for a model that is not mounted: tell an unknown model from one without endpoint.
Status NotMountedError(ServiceContext& ctx, const std::string& model_id) {
  auto doc = LoadEntity(*ctx.store, EntityKind::kMLModel, model_id);
  if (!doc.ok()) return doc.status();
  return MakeApiError(ApiErrorType::kPredictorNotMounted,
                      fmt::format("No real-time endpoint is mounted for MLModel '{}' (create one with "
                                  "CreateRealtimeEndpoint and wait for EndpointStatus READY)",
                                  model_id));
}

}  // namespace

HandlerResult CreateRealtimeEndpoint(ServiceContext& ctx, const CallContext& call, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("MLModelId", StringRule::EntityId()));
  EndpointRegistry& registry = Registry(ctx);
  std::lock_guard admin(registry.admin_mutex());
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, EntityKind::kMLModel, id));
  std::string status = StatusOf(doc);
  if (status != kCompleted) {
    return absl::InvalidArgumentError(fmt::format(
        "MLModel '{}' is {}: a real-time endpoint needs a COMPLETED model", id, ToStatusName(status)));
  }
  if (registry.Find(id) != nullptr) return nlohmann::json{{"MLModelId", id}, {"RealtimeEndpointInfo", RenderInfo(doc)}};

  const int64_t now = ctx.NowMs();
  auto endpoint = Endpoint::Make(id, doc.value("_model_path", ""), ThresholdOf(doc), now);
  nlohmann::json info = {{"EndpointStatus", endpoint.ok() ? "READY" : "FAILED"},
                         {"PeakRequestsPerSecond", endpoint.ok() ? kPeakRequestsPerSecond : 0},
                         {"CreatedAt", now},
                         {"EndpointUrl", AdvertisedUrl(ctx, call.host)}};
  OPENAML_RETURN_IF_ERROR(MutateEntity(*ctx.store, EntityKind::kMLModel, id, [&](nlohmann::json& stored) -> Status {
    if (StatusOf(stored) != kCompleted) {
      return absl::InvalidArgumentError(fmt::format("MLModel '{}' is {}", id, StatusOf(stored)));
    }
    stored["EndpointInfo"] = info;
    return Status();
  }));
  if (!endpoint.ok()) {
    spdlog::error("CreateRealtimeEndpoint {}: {}", id, endpoint.status().ToString());
    return absl::InternalError(endpoint.status().ToString());
  }
  registry.Mount(*std::move(endpoint));
  spdlog::info("real-time endpoint mounted for MLModel {}", id);
  return nlohmann::json{{"MLModelId", id}, {"RealtimeEndpointInfo", RenderPublic(info)}};
}

HandlerResult DeleteRealtimeEndpoint(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("MLModelId", StringRule::EntityId()));
  EndpointRegistry& registry = Registry(ctx);
  std::lock_guard admin(registry.admin_mutex());
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, EntityKind::kMLModel, id));
  OPENAML_RETURN_IF_ERROR(MutateEntity(*ctx.store, EntityKind::kMLModel, id, [&](nlohmann::json& stored) -> Status {
    stored["EndpointInfo"] = NoEndpointInfo();
    return Status();
  }));
  if (registry.Unmount(id)) spdlog::info("real-time endpoint unmounted for MLModel {}", id);
  return nlohmann::json{{"MLModelId", id}, {"RealtimeEndpointInfo", NoEndpointInfo()}};
}

http::ApiResponse HandlePredict(ServiceContext& ctx, const http::ApiRequest& request) {
  try {
    thread_local PredictScratch scratch;
    realtime::PredictRequest& parsed = scratch.request;
    if (Status status = realtime::ParsePredictRequest(request.body, &parsed); !status.ok()) return ErrorResponse(status);
    if (!parsed.has_model_id) return ErrorResponse(absl::InvalidArgumentError("MLModelId is required"));
    if (!IsPlainEntityId(parsed.model_id)) {
      // The full check, for its exact message (it decodes UTF-8 into a vector: not on the hot path).
      Status status = CheckString(parsed.model_id, "mLModelId", StringRule::EntityId());
      if (!status.ok()) return ErrorResponse(status);
    }
    if (!parsed.has_record) return ErrorResponse(absl::InvalidArgumentError("Record is required"));
    if (!parsed.has_predict_endpoint || parsed.predict_endpoint.empty()) {
      return ErrorResponse(absl::InvalidArgumentError("PredictEndpoint is required"));
    }
    const Endpoint* endpoint = Registry(ctx).Find(parsed.model_id);
    if (endpoint == nullptr) return ErrorResponse(NotMountedError(ctx, parsed.model_id));

    // Lay the record out in schema order; names the model does not use are ignored (spec §12.2).
    const size_t columns = endpoint->column_count();
    scratch.fields.assign(columns, std::string_view());
    scratch.absent.assign(columns, true);
    for (size_t i = 0; i < parsed.record_size; ++i) {
      const auto& [name, value] = parsed.record[i];
      int column = endpoint->ColumnOf(name);
      if (column < 0) continue;
      scratch.fields[column] = value;
      scratch.absent[column] = false;
    }
    if (scratch.extractor_serial != endpoint->serial()) {
      scratch.extractor = std::make_unique<recipe::FeatureExtractor>(endpoint->predictor().program());
      scratch.extractor_serial = endpoint->serial();
    }
    scratch.extractor->Extract(scratch.fields, &scratch.features, &scratch.absent);
    scratch.scores.resize(endpoint->predictor().model().width());
    endpoint->predictor().Score(scratch.features, scratch.scores.data());

    http::ApiResponse response;
    response.body.reserve(256);
    AppendPrediction(*endpoint, scratch.scores, &response.body);
    return response;
  } catch (const std::exception& e) {
    // Adapter edge: nothing may escape into the server's I/O loop.
    return ErrorResponse(absl::InternalError(fmt::format("unexpected exception in Predict: {}", e.what())));
  }
}

Status RemountEndpoints(ServiceContext& ctx) {
  EndpointRegistry& registry = Registry(ctx);
  std::lock_guard admin(registry.admin_mutex());
  OPENAML_ASSIGN_OR_RETURN(auto records, ctx.store->ListEntities(EntityKind::kMLModel));
  for (const auto& record : records) {
    auto doc = ParseDocument(record.document);
    if (!doc.ok()) continue;
    auto info = doc->find("EndpointInfo");
    if (info == doc->end() || !info->is_object()) continue;
    std::string endpoint_status = info->value("EndpointStatus", "NONE");
    if (endpoint_status != "READY" && endpoint_status != "UPDATING") continue;
    std::string id = doc->value("MLModelId", "");
    int64_t created_at = info->value("CreatedAt", int64_t{0});
    auto endpoint = StatusOf(*doc) == kCompleted
                        ? Endpoint::Make(id, doc->value("_model_path", ""), ThresholdOf(*doc), created_at)
                        : Result<std::shared_ptr<Endpoint>>(absl::FailedPreconditionError("model is not COMPLETED"));
    if (endpoint.ok()) {
      registry.Mount(*std::move(endpoint));
      spdlog::info("real-time endpoint remounted for MLModel {}", id);
    } else {
      spdlog::error("real-time endpoint of MLModel {} cannot be remounted: {}", id, endpoint.status().ToString());
    }
    const bool mounted = endpoint.ok();
    Status updated = MutateEntity(*ctx.store, EntityKind::kMLModel, id, [&](nlohmann::json& stored) -> Status {
      nlohmann::json& stored_info = stored["EndpointInfo"];
      stored_info["EndpointStatus"] = mounted ? "READY" : "FAILED";
      // The listen address may differ from the last run's.
      if (!ctx.options.public_url.empty()) stored_info["EndpointUrl"] = ctx.options.public_url;
      return Status();
    });
    if (!updated.ok()) spdlog::warn("MLModel {}: cannot update EndpointInfo: {}", id, updated.ToString());
  }
  return Status();
}

void OnScoreThresholdUpdated(ServiceContext& ctx, const std::string& model_id, double threshold) {
  if (!ctx.realtime) return;
  // Under the admin mutex: a CreateRealtimeEndpoint that read the old threshold has mounted by now, and gets
  // the new one here; one that has not read it yet will read the stored new value.
  std::lock_guard admin(ctx.realtime->admin_mutex());
  ctx.realtime->SetThreshold(model_id, threshold);
}

Status RemoveEndpointOfDeletedModel(ServiceContext& ctx, const std::string& model_id) {
  if (!ctx.realtime) return Status();
  EndpointRegistry& registry = Registry(ctx);
  std::lock_guard admin(registry.admin_mutex());
  auto doc = LoadEntity(*ctx.store, EntityKind::kMLModel, model_id);
  if (!doc.ok()) return Status();  // DeleteMLModel reports the missing model itself
  auto info = doc->find("EndpointInfo");
  if (info != doc->end() && info->is_object() && info->value("EndpointStatus", "NONE") != "NONE") {
    OPENAML_RETURN_IF_ERROR(MutateEntity(*ctx.store, EntityKind::kMLModel, model_id, [&](nlohmann::json& stored) {
      stored["EndpointInfo"] = NoEndpointInfo();
      return Status();
    }));
  }
  registry.Unmount(model_id);
  return Status();
}

}  // namespace openaml::service
