#include "openaml/service/entity.h"

#include <fmt/format.h>

#include "openaml/service/format_internal.h"

#include <chrono>
#include <cmath>

#include "openaml/service/service_context.h"

namespace openaml::service {
namespace {

// Members holding timestamps (EpochTime in the model), stored as epoch milliseconds.
bool IsTimestampMember(std::string_view name) {
  return name == "CreatedAt" || name == "LastUpdatedAt" || name == "StartedAt" || name == "FinishedAt" ||
         name == "ScoreThresholdLastUpdatedAt";
}

}  // namespace

int64_t ServiceContext::NowMs() const {
  if (options.now_ms) return options.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view IdMember(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDataSource: return "DataSourceId";
    case EntityKind::kMLModel: return "MLModelId";
    case EntityKind::kEvaluation: return "EvaluationId";
    case EntityKind::kBatchPrediction: return "BatchPredictionId";
  }
  return "DataSourceId";  // unreachable: the switch covers every enumerator
}

std::string_view KindPrefix(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDataSource: return "ds";
    case EntityKind::kMLModel: return "ml";
    case EntityKind::kEvaluation: return "ev";
    case EntityKind::kBatchPrediction: return "bp";
  }
  return "ds";  // unreachable
}

std::string_view KindJobName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDataSource: return "DATASOURCE";
    case EntityKind::kMLModel: return "MLMODEL";
    case EntityKind::kEvaluation: return "EVALUATION";
    case EntityKind::kBatchPrediction: return "BATCH_PREDICTION";
  }
  return "DATASOURCE";  // unreachable
}

Result<nlohmann::json> ParseDocument(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InternalError("metadata store holds a document that is not a JSON object");
  }
  return doc;
}

Result<nlohmann::json> LoadEntity(storage::MetadataStore& store, EntityKind kind, std::string_view id) {
  auto record = store.GetEntity(kind, id);
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(fmt::format("No {} exists with ID '{}'", storage::EntityKindName(kind), id));
  }
  OPENAML_RETURN_IF_ERROR(record.status());
  return ParseDocument(record->document);
}

Status MutateEntity(storage::MetadataStore& store, EntityKind kind, std::string_view id,
                    const std::function<Status(nlohmann::json&)>& mutate) {
  Status status = store.UpdateEntity(kind, id, [&](std::string& text) -> Status {
    OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDocument(text));
    OPENAML_RETURN_IF_ERROR(mutate(doc));
    text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return Status();
  });
  if (absl::IsNotFound(status) && status.message().find("does not exist") != std::string_view::npos) {
    return absl::NotFoundError(fmt::format("No {} exists with ID '{}'", storage::EntityKindName(kind), id));
  }
  return status;
}

nlohmann::json EpochSeconds(int64_t ms) {
  if (ms % 1000 == 0) return nlohmann::json(static_cast<double>(ms / 1000));
  return nlohmann::json(static_cast<double>(ms) / 1000.0);
}

nlohmann::json RenderPublic(const nlohmann::json& document) {
  nlohmann::json out = nlohmann::json::object();
  for (auto it = document.begin(); it != document.end(); ++it) {
    const std::string& key = it.key();
    if (!key.empty() && key[0] == '_') continue;
    if (IsTimestampMember(key) && it.value().is_number_integer()) {
      out[key] = EpochSeconds(it.value().get<int64_t>());
    } else if (key == "EndpointInfo" && it.value().is_object()) {
      out[key] = RenderPublic(it.value());  // its CreatedAt
    } else {
      out[key] = it.value();
    }
  }
  return out;
}

std::string StatusOf(const nlohmann::json& document) {
  auto it = document.find("Status");
  return it != document.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string LogKey(EntityKind kind, std::string_view id) { return fmt::format("{}/{}.log", KindPrefix(kind), id); }

}  // namespace openaml::service
