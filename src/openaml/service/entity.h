// The stored form of Amazon ML entities and how it becomes API output (spec §3.1).
//
// An entity is a JSON document whose public members use the API's names (DataSourceId, Status, ...), with
// timestamps kept as integer epoch milliseconds, and whose private members start with "_" (the create
// request for idempotency, the resolved schema, the recipe used, ...). Rendering drops private members and turns
// timestamps into epoch seconds with a millisecond fraction (spec §1.7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "openaml/common/status.h"
#include "openaml/storage/metadata/metadata_store.h"

namespace openaml::service {

using storage::EntityKind;

/// Entity status values (spec §1.2).
inline constexpr std::string_view kPending = "PENDING";
inline constexpr std::string_view kInProgress = "INPROGRESS";
inline constexpr std::string_view kCompleted = "COMPLETED";
inline constexpr std::string_view kFailed = "FAILED";
inline constexpr std::string_view kDeleted = "DELETED";

/// The ID member of each kind ("DataSourceId", "MLModelId", "EvaluationId", "BatchPredictionId").
std::string_view IdMember(EntityKind kind);
/// The short prefix used in log lines and log keys ("ds", "ml", "ev", "bp"), spec §11.5.
std::string_view KindPrefix(EntityKind kind);
/// The job type word in log lines ("DATASOURCE", "MLMODEL", "EVALUATION", "BATCH_PREDICTION").
std::string_view KindJobName(EntityKind kind);

/// Parse a stored document (Internal error when it is not a JSON object: the store is corrupt).
Result<nlohmann::json> ParseDocument(const std::string& text);
/// Load and parse an entity; NotFound is a ResourceNotFoundException naming the kind and id.
Result<nlohmann::json> LoadEntity(storage::MetadataStore& store, EntityKind kind, std::string_view id);
/// Read-modify-write an entity document atomically.
Status MutateEntity(storage::MetadataStore& store, EntityKind kind, std::string_view id,
                    const std::function<Status(nlohmann::json&)>& mutate);

/// The API form of a document: private members dropped, timestamps converted.
nlohmann::json RenderPublic(const nlohmann::json& document);

/// Epoch milliseconds -> JSON number of seconds (1427864874227 -> 1427864874.227).
nlohmann::json EpochSeconds(int64_t ms);

/// The status member ("" when absent).
std::string StatusOf(const nlohmann::json& document);

/// Key of the job log object of an entity inside the log bucket: "<kind prefix>/<id>.log".
std::string LogKey(EntityKind kind, std::string_view id);

}  // namespace openaml::service
