// AddTags, DeleteTags, DescribeTags (spec §3.10, §14).
#include <fmt/format.h>

#include "openaml/service/format_internal.h"

#include <map>

#include "openaml/service/api_error.h"
#include "openaml/service/entity.h"
#include "openaml/service/handlers.h"

namespace openaml::service {
namespace {

constexpr size_t kMaxTagsPerObject = 50;   // spec §14 (the guide's limit)
constexpr size_t kMaxTagsPerRequest = 100;  // TagList / TagKeyList max (model)

const StringRule kTagKeyRule{1, 128, StringPattern::kTag, {}};
const StringRule kTagValueRule{0, 256, StringPattern::kTag, {}};

struct Target {
  EntityKind kind;
  std::string id;
  nlohmann::json document;
};

Result<Target> ResolveTarget(ServiceContext& ctx, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(std::string id, request.RequiredString("ResourceId", StringRule::EntityId()));
  OPENAML_ASSIGN_OR_RETURN(std::string type, request.RequiredString(
                                                 "ResourceType", StringRule::OneOf({"BatchPrediction", "DataSource",
                                                                                     "Evaluation", "MLModel"})));
  OPENAML_ASSIGN_OR_RETURN(EntityKind kind, storage::ParseEntityKind(type));
  OPENAML_ASSIGN_OR_RETURN(nlohmann::json doc, LoadEntity(*ctx.store, kind, id));
  return Target{kind, std::move(id), std::move(doc)};
}

/// Any rule a tag breaks is an InvalidTagException (spec §2.5).
Status AsInvalidTag(const Status& status) {
  if (status.ok()) return status;
  return MakeApiError(ApiErrorType::kInvalidTag, std::string(status.message()));
}

Status CheckKey(const std::string& key) {
  OPENAML_RETURN_IF_ERROR(AsInvalidTag(CheckString(key, "Key", kTagKeyRule)));
  if (key.rfind("aws:", 0) == 0) {
    return MakeApiError(ApiErrorType::kInvalidTag, fmt::format("Tag key '{}' uses the reserved prefix 'aws:'", key));
  }
  return Status();
}

nlohmann::json Response(const Target& target) {
  return {{"ResourceId", target.id}, {"ResourceType", storage::EntityKindName(target.kind)}};
}

Status RefuseDeleted(const Target& target) {
  if (StatusOf(target.document) == kDeleted) {
    return absl::InvalidArgumentError(fmt::format("{} '{}' is deleted: its tags cannot change",
                                                  storage::EntityKindName(target.kind), target.id));
  }
  return Status();
}

}  // namespace

HandlerResult AddTags(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(auto list, request.List("Tags", kMaxTagsPerRequest));
  if (!list) return absl::InvalidArgumentError("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  std::vector<storage::TagRecord> added;
  for (const nlohmann::json& item : *list) {
    OPENAML_ASSIGN_OR_RETURN(Request tag, Request::FromJson(item, "Tags"));
    auto key = tag.String("Key", StringRule{0, SIZE_MAX, StringPattern::kNone, {}});
    OPENAML_RETURN_IF_ERROR(key.status());
    if (!*key) return MakeApiError(ApiErrorType::kInvalidTag, "Every tag needs a Key");
    OPENAML_RETURN_IF_ERROR(CheckKey(**key));
    OPENAML_ASSIGN_OR_RETURN(auto value, tag.String("Value", StringRule{0, SIZE_MAX, StringPattern::kNone, {}}));
    if (value) OPENAML_RETURN_IF_ERROR(AsInvalidTag(CheckString(*value, "Value", kTagValueRule)));
    added.push_back(storage::TagRecord{**key, value});
  }
  OPENAML_ASSIGN_OR_RETURN(Target target, ResolveTarget(ctx, request));
  OPENAML_RETURN_IF_ERROR(RefuseDeleted(target));
  std::lock_guard lock(ctx.tag_mutex);
  OPENAML_ASSIGN_OR_RETURN(auto current, ctx.store->GetTags(target.kind, target.id));
  std::map<std::string, std::optional<std::string>> merged;
  for (auto& tag : current) merged[tag.key] = tag.value;
  for (auto& tag : added) merged[tag.key] = tag.value;  // an existing key gets its value replaced (spec §14)
  if (merged.size() > kMaxTagsPerObject) {
    return MakeApiError(ApiErrorType::kTagLimitExceeded,
                        fmt::format("{} '{}' would have {} tags; the limit is {}", storage::EntityKindName(target.kind),
                                    target.id, merged.size(), kMaxTagsPerObject));
  }
  std::vector<storage::TagRecord> tags;
  for (auto& [key, value] : merged) tags.push_back({key, value});
  OPENAML_RETURN_IF_ERROR(ctx.store->ReplaceTags(target.kind, target.id, tags));
  return Response(target);
}

HandlerResult DeleteTags(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(auto list, request.List("TagKeys", kMaxTagsPerRequest));
  if (!list) return absl::InvalidArgumentError("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  std::vector<std::string> keys;
  for (const nlohmann::json& item : *list) {
    if (!item.is_string()) return absl::InvalidArgumentError("TagKeys: every key must be a string");
    OPENAML_RETURN_IF_ERROR(CheckKey(item.get<std::string>()));
    keys.push_back(item.get<std::string>());
  }
  OPENAML_ASSIGN_OR_RETURN(Target target, ResolveTarget(ctx, request));
  OPENAML_RETURN_IF_ERROR(RefuseDeleted(target));
  std::lock_guard lock(ctx.tag_mutex);
  OPENAML_ASSIGN_OR_RETURN(auto current, ctx.store->GetTags(target.kind, target.id));
  std::vector<storage::TagRecord> kept;
  for (auto& tag : current) {
    if (std::find(keys.begin(), keys.end(), tag.key) == keys.end()) kept.push_back(tag);  // absent keys: ignored
  }
  OPENAML_RETURN_IF_ERROR(ctx.store->ReplaceTags(target.kind, target.id, kept));
  return Response(target);
}

HandlerResult DescribeTags(ServiceContext& ctx, const CallContext&, const Request& request) {
  OPENAML_ASSIGN_OR_RETURN(Target target, ResolveTarget(ctx, request));
  OPENAML_ASSIGN_OR_RETURN(auto tags, ctx.store->GetTags(target.kind, target.id));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& tag : tags) {
    nlohmann::json item = {{"Key", tag.key}};
    if (tag.value) item["Value"] = *tag.value;  // a key added without a value comes back without one
    list.push_back(std::move(item));
  }
  nlohmann::json out = Response(target);
  out["Tags"] = std::move(list);
  return out;
}

}  // namespace openaml::service
