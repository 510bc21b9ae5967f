// MetadataStore: the durable home of Amazon ML entities (datasources, models, evaluations, batch predictions),
// their tags, their stored results (statistics, evaluation detail) and the job queue. One interface, two
// implementations over time: SQLite (sqlite_metadata_store.h, the embedded default) and later PostgreSQL.
//
// Entities are stored as an opaque JSON document per (kind, id) plus the columns a store needs to order them;
// the service (service/) owns the document's shape. Every method is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::storage {

/// The four kinds of Amazon ML entity (spec §1.1); also the `ResourceType` values of the tag operations.
enum class EntityKind { kDataSource, kMLModel, kEvaluation, kBatchPrediction };

/// "DataSource" | "MLModel" | "Evaluation" | "BatchPrediction" (the TaggableResourceType spelling).
std::string_view EntityKindName(EntityKind kind);
/// Inverse of EntityKindName; InvalidArgument for anything else.
Result<EntityKind> ParseEntityKind(std::string_view name);

/// One stored entity.
struct EntityRecord {
  EntityKind kind = EntityKind::kDataSource;
  std::string id;
  int64_t created_at_ms = 0;  // Unix epoch milliseconds; stable order for listings
  std::string document;       // JSON object owned by the service
};

/// One tag; a key added without a value has no value (spec §14).
struct TagRecord {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const TagRecord&) const = default;
};

/// A queued or running job: the entity it produces.
struct JobRecord {
  EntityKind kind = EntityKind::kDataSource;
  std::string entity_id;
  int64_t enqueued_at_ms = 0;
  int attempts = 0;  // times the job was started (a restart re-runs an interrupted job)
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  /// Insert a new entity together with its initial tags and (when `job` is set) its job row, atomically.
  /// AlreadyExists when an entity of that kind and id exists (deleted ones included: IDs stay reserved, §1.5).
  virtual Status InsertEntity(const EntityRecord& record, const std::vector<TagRecord>& tags,
                              const std::optional<JobRecord>& job) = 0;
  /// NotFound when absent.
  virtual Result<EntityRecord> GetEntity(EntityKind kind, std::string_view id) = 0;
  /// Read-modify-write the document atomically: `mutate` sees the current document and edits it in place; if it
  /// returns an error nothing is written and that error is returned. NotFound when absent.
  virtual Status UpdateEntity(EntityKind kind, std::string_view id,
                              const std::function<Status(std::string& document)>& mutate) = 0;
  /// Every entity of `kind` (deleted ones included), in (created_at_ms, id) order.
  virtual Result<std::vector<EntityRecord>> ListEntities(EntityKind kind) = 0;

  /// Store a named result of an entity ("statistics", "evaluation_detail"), replacing any previous one.
  virtual Status PutBlob(EntityKind kind, std::string_view id, std::string_view name, std::string_view data) = 0;
  /// The named result, or nullopt when none was stored.
  virtual Result<std::optional<std::string>> GetBlob(EntityKind kind, std::string_view id,
                                                     std::string_view name) = 0;

  /// Tags of an entity, ordered by key.
  virtual Result<std::vector<TagRecord>> GetTags(EntityKind kind, std::string_view id) = 0;
  /// Replace the whole tag set of an entity atomically.
  virtual Status ReplaceTags(EntityKind kind, std::string_view id, const std::vector<TagRecord>& tags) = 0;

  /// Queued and running jobs in enqueue order.
  virtual Result<std::vector<JobRecord>> ListJobs() = 0;
  /// Insert or replace a job row.
  virtual Status PutJob(const JobRecord& job) = 0;
  /// Remove a job row (absent: OK).
  virtual Status RemoveJob(EntityKind kind, std::string_view entity_id) = 0;
};

}  // namespace openaml::storage
