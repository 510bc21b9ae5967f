// Pieces shared by the handlers: creating an entity idempotently, the common Get/Update/Delete steps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "openaml/common/status.h"
#include "openaml/service/entity.h"
#include "openaml/service/request.h"
#include "openaml/service/service_context.h"

namespace openaml::service {

/// CreatedByIamUser for a caller: arn:aws:iam::<account>:user/<access key id> (root when there is no key).
std::string IamUserArn(const ServiceContext& ctx, const CallContext& call);

/// The request as compared for idempotency (spec §1.5): the body's members with nulls dropped.
nlohmann::json CanonicalRequest(const Request& request);

/// Insert a new entity whose document is `document` (public members plus private ones), with `tags`, and queue
/// its job. When the ID exists (deleted ones included): the same request succeeds without doing anything, any
/// difference is IdempotentParameterMismatchException (spec §1.5). Returns {"<IdMember>": id}.
Result<nlohmann::json> CreateEntity(ServiceContext& ctx, EntityKind kind, const std::string& id, nlohmann::json document,
                                    const std::vector<storage::TagRecord>& tags);

/// The fields every new entity starts with: ID, Name (when given), Status PENDING, CreatedAt, LastUpdatedAt,
/// CreatedByIamUser and the canonical request.
nlohmann::json NewDocument(ServiceContext& ctx, const CallContext& call, EntityKind kind, const std::string& id,
                           const std::optional<std::string>& name, const Request& request);

/// Load an input entity for a Create*: it must exist and not be DELETED or FAILED (InvalidInputException naming
/// the member otherwise).
Result<nlohmann::json> LoadInput(ServiceContext& ctx, EntityKind kind, std::string_view member, const std::string& id);

/// LogUri of an entity when its log was written (presigned for the caller), else nullopt.
std::optional<std::string> LogUriOf(ServiceContext& ctx, const CallContext& call, EntityKind kind,
                                    const nlohmann::json& document);

/// Rename (Update* name members): not allowed once DELETED.
Result<nlohmann::json> RenameEntity(ServiceContext& ctx, EntityKind kind, const std::string& id, const std::string& name);

/// Delete*: mark DELETED (keeping every other field), cancel its job, answer {"<IdMember>": id}.
Result<nlohmann::json> DeleteEntity(ServiceContext& ctx, EntityKind kind, const std::string& id);

}  // namespace openaml::service
