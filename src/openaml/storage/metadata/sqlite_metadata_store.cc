#include "openaml/storage/metadata/sqlite_metadata_store.h"

#include <sqlite3.h>

#include <utility>

#include <fmt/format.h>

namespace openaml::storage {

namespace {

/// Concatenate string-like pieces and numbers (absl::StrCat does not take std::string_view on Debian's Abseil).
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  ((out += fmt::format("{}", args)), ...);
  return out;
}

}  // namespace

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDataSource: return "DataSource";
    case EntityKind::kMLModel: return "MLModel";
    case EntityKind::kEvaluation: return "Evaluation";
    case EntityKind::kBatchPrediction: return "BatchPrediction";
  }
  return "DataSource";  // unreachable: the switch covers every enumerator
}

Result<EntityKind> ParseEntityKind(std::string_view name) {
  for (EntityKind kind : {EntityKind::kDataSource, EntityKind::kMLModel, EntityKind::kEvaluation,
                          EntityKind::kBatchPrediction}) {
    if (EntityKindName(kind) == name) return kind;
  }
  return absl::InvalidArgumentError(
      Cat("'", name, "' is not one of BatchPrediction, DataSource, Evaluation, MLModel"));
}

namespace {

// Schema versions, applied in order inside one transaction each; never edit a released step, append one.
constexpr const char* kMigrations[] = {
    // 1: entities, their named results, tags and the job queue.
    R"sql(
CREATE TABLE entities (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX entities_by_created ON entities (kind, created_at_ms, id);
CREATE TABLE blobs (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (kind, id, name)
);
CREATE TABLE tags (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT,
  PRIMARY KEY (kind, id, tag_key)
);
CREATE TABLE jobs (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  enqueued_at_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, id)
);
)sql",
};

Status SqliteError(sqlite3* db, std::string_view what) {
  return absl::InternalError(Cat("metadata store: ", what, ": ", sqlite3_errmsg(db)));
}

}  // namespace

// A prepared statement (RAII): bind by position (1-based), step, read columns.
class SqliteMetadataStore::Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status status() const { return stmt_ ? Status() : SqliteError(db_, "prepare"); }
  void Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int index, std::string_view data) {
    sqlite3_bind_blob(stmt_, index, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
  }
  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  Status Run() {
    int rc = Step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status();
    if (rc == SQLITE_CONSTRAINT) return absl::AlreadyExistsError(sqlite3_errmsg(db_));
    return SqliteError(db_, "step");
  }
  std::string Text(int column) const {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }
  std::string Blob(int column) const {
    const void* p = sqlite3_column_blob(stmt_, column);
    int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(static_cast<const char*>(p), n) : std::string();
  }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Make(const Options& options) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status error = absl::UnavailableError(Cat("metadata store: cannot open '", options.path,
                                                       "': ", db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return error;
  }
  std::unique_ptr<SqliteMetadataStore> store(new SqliteMetadataStore(db));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  {
    std::lock_guard lock(store->mu_);
    OPENAML_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
    OPENAML_RETURN_IF_ERROR(
        store->Exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
    OPENAML_RETURN_IF_ERROR(store->Exec("PRAGMA foreign_keys=ON"));
  }
  OPENAML_RETURN_IF_ERROR(store->Migrate());
  return store;
}

SqliteMetadataStore::~SqliteMetadataStore() {
  std::lock_guard lock(mu_);
  sqlite3_close_v2(db_);
}

Status SqliteMetadataStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    Status status = absl::InternalError(Cat("metadata store: ", error ? error : "exec failed"));
    sqlite3_free(error);
    return status;
  }
  return Status();
}

Status SqliteMetadataStore::InTransaction(const std::function<Status()>& body) {
  OPENAML_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (!status.ok()) {
    Exec("ROLLBACK").IgnoreError();  // the body's error is the one worth reporting
    return status;
  }
  Status commit = Exec("COMMIT");
  if (!commit.ok()) Exec("ROLLBACK").IgnoreError();
  return commit;
}

Status SqliteMetadataStore::Migrate() {
  std::lock_guard lock(mu_);
  OPENAML_RETURN_IF_ERROR(
      Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER)"));
  int current = 0;
  {
    Statement st(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    OPENAML_RETURN_IF_ERROR(st.status());
    if (st.Step() == SQLITE_ROW) current = static_cast<int>(st.Int(0));
  }
  constexpr int kLatest = static_cast<int>(std::size(kMigrations));
  if (current > kLatest) {
    return absl::FailedPreconditionError(Cat("metadata store: database schema version ", current,
                                                      " is newer than this openaml (", kLatest, ")"));
  }
  for (int version = current + 1; version <= kLatest; ++version) {
    OPENAML_RETURN_IF_ERROR(InTransaction([&]() -> Status {
      OPENAML_RETURN_IF_ERROR(Exec(kMigrations[version - 1]));
      Statement st(db_,
                   "INSERT INTO schema_migrations (version, applied_at_ms) "
                   "VALUES (?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
      OPENAML_RETURN_IF_ERROR(st.status());
      st.Bind(1, static_cast<int64_t>(version));
      return st.Run();
    }));
  }
  schema_version_ = kLatest;
  return Status();
}

Status SqliteMetadataStore::InsertEntityLocked(const EntityRecord& record, const std::vector<TagRecord>& tags,
                                               const std::optional<JobRecord>& job) {
  Statement st(db_, "INSERT INTO entities (kind, id, created_at_ms, document) VALUES (?, ?, ?, ?)");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(record.kind));
  st.Bind(2, record.id);
  st.Bind(3, record.created_at_ms);
  st.Bind(4, record.document);
  Status status = st.Run();
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError(
        Cat(EntityKindName(record.kind), " '", record.id, "' already exists"));
  }
  OPENAML_RETURN_IF_ERROR(status);
  if (!tags.empty()) OPENAML_RETURN_IF_ERROR(ReplaceTagsLocked(record.kind, record.id, tags));
  if (job) OPENAML_RETURN_IF_ERROR(PutJobLocked(*job));
  return Status();
}

Status SqliteMetadataStore::InsertEntity(const EntityRecord& record, const std::vector<TagRecord>& tags,
                                         const std::optional<JobRecord>& job) {
  std::lock_guard lock(mu_);
  return InTransaction([&] { return InsertEntityLocked(record, tags, job); });
}

Result<EntityRecord> SqliteMetadataStore::GetEntity(EntityKind kind, std::string_view id) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT created_at_ms, document FROM entities WHERE kind = ? AND id = ?");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(kind));
  st.Bind(2, id);
  int rc = st.Step();
  if (rc == SQLITE_DONE) {
    return absl::NotFoundError(Cat(EntityKindName(kind), " '", id, "' does not exist"));
  }
  if (rc != SQLITE_ROW) return SqliteError(db_, "read entity");
  return EntityRecord{kind, std::string(id), st.Int(0), st.Text(1)};
}

Status SqliteMetadataStore::UpdateEntity(EntityKind kind, std::string_view id,
                                         const std::function<Status(std::string& document)>& mutate) {
  std::lock_guard lock(mu_);
  return InTransaction([&]() -> Status {
    std::string document;
    {
      Statement st(db_, "SELECT document FROM entities WHERE kind = ? AND id = ?");
      OPENAML_RETURN_IF_ERROR(st.status());
      st.Bind(1, EntityKindName(kind));
      st.Bind(2, id);
      int rc = st.Step();
      if (rc == SQLITE_DONE) {
        return absl::NotFoundError(Cat(EntityKindName(kind), " '", id, "' does not exist"));
      }
      if (rc != SQLITE_ROW) return SqliteError(db_, "read entity");
      document = st.Text(0);
    }
    OPENAML_RETURN_IF_ERROR(mutate(document));
    Statement st(db_, "UPDATE entities SET document = ? WHERE kind = ? AND id = ?");
    OPENAML_RETURN_IF_ERROR(st.status());
    st.Bind(1, document);
    st.Bind(2, EntityKindName(kind));
    st.Bind(3, id);
    return st.Run();
  });
}

Result<std::vector<EntityRecord>> SqliteMetadataStore::ListEntities(EntityKind kind) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT id, created_at_ms, document FROM entities WHERE kind = ? ORDER BY created_at_ms, id");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(kind));
  std::vector<EntityRecord> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) out.push_back(EntityRecord{kind, st.Text(0), st.Int(1), st.Text(2)});
  if (rc != SQLITE_DONE) return SqliteError(db_, "list entities");
  return out;
}

Status SqliteMetadataStore::PutBlob(EntityKind kind, std::string_view id, std::string_view name,
                                    std::string_view data) {
  std::lock_guard lock(mu_);
  Statement st(db_, "INSERT OR REPLACE INTO blobs (kind, id, name, data) VALUES (?, ?, ?, ?)");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(kind));
  st.Bind(2, id);
  st.Bind(3, name);
  st.BindBlob(4, data);
  return st.Run();
}

Result<std::optional<std::string>> SqliteMetadataStore::GetBlob(EntityKind kind, std::string_view id,
                                                                std::string_view name) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT data FROM blobs WHERE kind = ? AND id = ? AND name = ?");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(kind));
  st.Bind(2, id);
  st.Bind(3, name);
  int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return SqliteError(db_, "read blob");
  return std::optional<std::string>(st.Blob(0));
}

Result<std::vector<TagRecord>> SqliteMetadataStore::GetTags(EntityKind kind, std::string_view id) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT tag_key, tag_value FROM tags WHERE kind = ? AND id = ? ORDER BY tag_key");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(kind));
  st.Bind(2, id);
  std::vector<TagRecord> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    TagRecord tag{st.Text(0), std::nullopt};
    if (!st.IsNull(1)) tag.value = st.Text(1);
    out.push_back(std::move(tag));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, "read tags");
  return out;
}

Status SqliteMetadataStore::ReplaceTagsLocked(EntityKind kind, std::string_view id,
                                              const std::vector<TagRecord>& tags) {
  {
    Statement st(db_, "DELETE FROM tags WHERE kind = ? AND id = ?");
    OPENAML_RETURN_IF_ERROR(st.status());
    st.Bind(1, EntityKindName(kind));
    st.Bind(2, id);
    OPENAML_RETURN_IF_ERROR(st.Run());
  }
  for (const TagRecord& tag : tags) {
    Statement st(db_, "INSERT OR REPLACE INTO tags (kind, id, tag_key, tag_value) VALUES (?, ?, ?, ?)");
    OPENAML_RETURN_IF_ERROR(st.status());
    st.Bind(1, EntityKindName(kind));
    st.Bind(2, id);
    st.Bind(3, tag.key);
    if (tag.value) {
      st.Bind(4, *tag.value);
    } else {
      st.BindNull(4);
    }
    OPENAML_RETURN_IF_ERROR(st.Run());
  }
  return Status();
}

Status SqliteMetadataStore::ReplaceTags(EntityKind kind, std::string_view id, const std::vector<TagRecord>& tags) {
  std::lock_guard lock(mu_);
  return InTransaction([&] { return ReplaceTagsLocked(kind, id, tags); });
}

Result<std::vector<JobRecord>> SqliteMetadataStore::ListJobs() {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT kind, id, enqueued_at_ms, attempts FROM jobs ORDER BY enqueued_at_ms, rowid");
  OPENAML_RETURN_IF_ERROR(st.status());
  std::vector<JobRecord> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    auto kind = ParseEntityKind(st.Text(0));
    if (!kind.ok()) continue;  // a row written by a newer version: not ours to run
    out.push_back(JobRecord{*kind, st.Text(1), st.Int(2), static_cast<int>(st.Int(3))});
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, "list jobs");
  return out;
}

Status SqliteMetadataStore::PutJobLocked(const JobRecord& job) {
  Statement st(db_, "INSERT OR REPLACE INTO jobs (kind, id, enqueued_at_ms, attempts) VALUES (?, ?, ?, ?)");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(job.kind));
  st.Bind(2, job.entity_id);
  st.Bind(3, job.enqueued_at_ms);
  st.Bind(4, static_cast<int64_t>(job.attempts));
  return st.Run();
}

Status SqliteMetadataStore::PutJob(const JobRecord& job) {
  std::lock_guard lock(mu_);
  return PutJobLocked(job);
}

Status SqliteMetadataStore::RemoveJob(EntityKind kind, std::string_view entity_id) {
  std::lock_guard lock(mu_);
  Statement st(db_, "DELETE FROM jobs WHERE kind = ? AND id = ?");
  OPENAML_RETURN_IF_ERROR(st.status());
  st.Bind(1, EntityKindName(kind));
  st.Bind(2, entity_id);
  return st.Run();
}

}  // namespace openaml::storage
