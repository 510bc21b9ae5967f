#include "openaml/service/handler_support.h"

#include <fmt/format.h>

#include "openaml/service/job_runner.h"

namespace openaml::service {
namespace {

nlohmann::json DropNulls(const nlohmann::json& value) {
  if (!value.is_object()) return value;
  nlohmann::json out = nlohmann::json::object();
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it.value().is_null()) out[it.key()] = DropNulls(it.value());
  }
  return out;
}

}  // namespace

std::string IamUserArn(const ServiceContext& ctx, const CallContext& call) {
  if (call.access_key_id.empty()) return fmt::format("arn:aws:iam::{}:root", ctx.options.account_id);
  return fmt::format("arn:aws:iam::{}:user/{}", ctx.options.account_id, call.access_key_id);
}

nlohmann::json CanonicalRequest(const Request& request) { return DropNulls(request.json()); }

nlohmann::json NewDocument(ServiceContext& ctx, const CallContext& call, EntityKind kind, const std::string& id,
                           const std::optional<std::string>& name, const Request& request) {
  int64_t now = ctx.NowMs();
  nlohmann::json doc = {{std::string(IdMember(kind)), id},
                        {"Status", kPending},
                        {"CreatedAt", now},
                        {"LastUpdatedAt", now},
                        {"CreatedByIamUser", IamUserArn(ctx, call)},
                        {"_request", CanonicalRequest(request)}};
  if (name) doc["Name"] = *name;
  return doc;
}

Result<nlohmann::json> CreateEntity(ServiceContext& ctx, EntityKind kind, const std::string& id, nlohmann::json document,
                                    const std::vector<storage::TagRecord>& tags) {
  int64_t created = document.value("CreatedAt", int64_t{0});
  storage::EntityRecord record{kind, id, created, document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  Status inserted = ctx.store->InsertEntity(record, tags, storage::JobRecord{kind, id, created, 0});
  nlohmann::json response = {{std::string(IdMember(kind)), id}};
  if (absl::IsAlreadyExists(inserted)) {
    OPENAML_ASSIGN_OR_RETURN(nlohmann::json existing, LoadEntity(*ctx.store, kind, id));
    if (existing.contains("_request") && existing["_request"] == document["_request"]) return response;  // a retry
    return absl::AlreadyExistsError(fmt::format(
        "{} '{}' already exists with different parameters; use a new ID or repeat the original request exactly",
        storage::EntityKindName(kind), id));
  }
  OPENAML_RETURN_IF_ERROR(inserted);
  if (ctx.runner) ctx.runner->Submit(JobKey{kind, id});
  return response;
}

Result<nlohmann::json> LoadInput(ServiceContext& ctx, EntityKind kind, std::string_view member, const std::string& id) {
  auto doc = LoadEntity(*ctx.store, kind, id);
  if (absl::IsNotFound(doc.status())) {
    return absl::InvalidArgumentError(
        fmt::format("{}: no {} exists with ID '{}'", member, storage::EntityKindName(kind), id));
  }
  OPENAML_RETURN_IF_ERROR(doc.status());
  std::string status = StatusOf(*doc);
  if (status == kDeleted) {
    return absl::InvalidArgumentError(
        fmt::format("{}: {} '{}' is deleted and cannot be used", member, storage::EntityKindName(kind), id));
  }
  if (status == kFailed) {
    return absl::InvalidArgumentError(fmt::format("{}: {} '{}' failed and cannot be used: {}", member,
                                                  storage::EntityKindName(kind), id, doc->value("Message", "")));
  }
  return doc;
}

std::optional<std::string> LogUriOf(ServiceContext& ctx, const CallContext& call, EntityKind kind,
                                    const nlohmann::json& document) {
  if (!document.value("_log", false)) return std::nullopt;
  std::string id = document.value(std::string(IdMember(kind)), "");
  std::string key = LogKey(kind, id);
  if (ctx.options.presign) {
    return ctx.options.presign(PresignRequest{ctx.options.log_bucket, key, call.access_key_id, call.host});
  }
  return fmt::format("http://{}/{}/{}", call.host.empty() ? "localhost" : call.host, ctx.options.log_bucket, key);
}

Result<nlohmann::json> RenameEntity(ServiceContext& ctx, EntityKind kind, const std::string& id, const std::string& name) {
  int64_t now = ctx.NowMs();
  OPENAML_RETURN_IF_ERROR(MutateEntity(*ctx.store, kind, id, [&](nlohmann::json& doc) -> Status {
    if (StatusOf(doc) == kDeleted) {
      return absl::InvalidArgumentError(
          fmt::format("{} '{}' is deleted and cannot be renamed", storage::EntityKindName(kind), id));
    }
    doc["Name"] = name;
    doc["LastUpdatedAt"] = now;
    return Status();
  }));
  return nlohmann::json{{std::string(IdMember(kind)), id}};
}

Result<nlohmann::json> DeleteEntity(ServiceContext& ctx, EntityKind kind, const std::string& id) {
  int64_t now = ctx.NowMs();
  OPENAML_RETURN_IF_ERROR(MutateEntity(*ctx.store, kind, id, [&](nlohmann::json& doc) -> Status {
    if (StatusOf(doc) == kDeleted) return Status();  // deleting twice changes nothing
    doc["Status"] = kDeleted;
    doc["LastUpdatedAt"] = now;
    doc.erase("_progress");
    return Status();
  }));
  if (ctx.runner) {
    ctx.runner->Cancel(JobKey{kind, id});
    ctx.runner->Wake();  // jobs waiting on this entity now fail
  }
  return nlohmann::json{{std::string(IdMember(kind)), id}};
}

}  // namespace openaml::service
