// SQLite implementation of MetadataStore: one database file (meta.sqlite3 in the data dir) in WAL mode, one
// connection guarded by a mutex, prepared statements, versioned schema migrations (table schema_migrations).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "openaml/storage/metadata/metadata_store.h"

struct sqlite3;

namespace openaml::storage {

class SqliteMetadataStore final : public MetadataStore {
 public:
  struct Options {
    std::string path;            // database file; ":memory:" for a private in-memory database
    int busy_timeout_ms = 5000;  // wait this long for a lock held by another process
    bool synchronous_full = true;  // fsync at every commit (survives power loss, not only kill -9)
    static Options Defaults() { return {}; }
  };

  /// Open (creating if needed) and migrate the database. Unavailable / Internal when SQLite fails, with its message.
  static Result<std::unique_ptr<SqliteMetadataStore>> Make(const Options& options);
  ~SqliteMetadataStore() override;

  Status InsertEntity(const EntityRecord& record, const std::vector<TagRecord>& tags,
                      const std::optional<JobRecord>& job) override;
  Result<EntityRecord> GetEntity(EntityKind kind, std::string_view id) override;
  Status UpdateEntity(EntityKind kind, std::string_view id,
                      const std::function<Status(std::string& document)>& mutate) override;
  Result<std::vector<EntityRecord>> ListEntities(EntityKind kind) override;
  Status PutBlob(EntityKind kind, std::string_view id, std::string_view name, std::string_view data) override;
  Result<std::optional<std::string>> GetBlob(EntityKind kind, std::string_view id, std::string_view name) override;
  Result<std::vector<TagRecord>> GetTags(EntityKind kind, std::string_view id) override;
  Status ReplaceTags(EntityKind kind, std::string_view id, const std::vector<TagRecord>& tags) override;
  Result<std::vector<JobRecord>> ListJobs() override;
  Status PutJob(const JobRecord& job) override;
  Status RemoveJob(EntityKind kind, std::string_view entity_id) override;

  /// The schema version after migrations (for tests and `openaml doctor`-style checks).
  int schema_version() const { return schema_version_; }

 private:
  class Statement;
  explicit SqliteMetadataStore(sqlite3* db) : db_(db) {}
  Status Migrate();
  Status Exec(const char* sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status InsertEntityLocked(const EntityRecord& record, const std::vector<TagRecord>& tags,
                            const std::optional<JobRecord>& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status ReplaceTagsLocked(EntityKind kind, std::string_view id, const std::vector<TagRecord>& tags)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status PutJobLocked(const JobRecord& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  /// Run `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it fails.
  Status InTransaction(const std::function<Status()>& body) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::mutex mu_;
  sqlite3* db_ ABSL_GUARDED_BY(mu_);
  int schema_version_ = 0;
};

}  // namespace openaml::storage
