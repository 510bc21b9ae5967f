// Reading an Amazon ML JSON request body into typed values, with the service model's constraints (spec §3.2):
// a wrong JSON type, a length or pattern violation or a bad enum value is an InvalidInputException whose
// message names the member, in the wording AWS used ("Value 'x' at 'dataSourceId' failed to satisfy
// constraint: ...").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "openaml/common/status.h"

namespace openaml::service {

/// The constraint patterns of the service model.
enum class StringPattern {
  kNone,
  kEntityId,    // [a-zA-Z0-9_.-]+
  kEntityName,  // .*\S.*|^$  (also ComparatorValue)
  kS3Url,       // s3://([^/]+)(/.*)?
  kTag,         // ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
};

struct StringRule {
  size_t min_length = 0;
  size_t max_length = SIZE_MAX;  // in characters (code points), as the model counts
  StringPattern pattern = StringPattern::kNone;
  std::vector<std::string_view> allowed;  // an enum: the value must be one of these

  static StringRule EntityId() { return {1, 64, StringPattern::kEntityId, {}}; }
  static StringRule EntityName() { return {0, 1024, StringPattern::kEntityName, {}}; }
  static StringRule S3Url() { return {0, 2048, StringPattern::kS3Url, {}}; }
  static StringRule LongText() { return {0, 131071, StringPattern::kNone, {}}; }  // DataSchema, Recipe
  static StringRule OneOf(std::vector<std::string_view> values) { return {0, SIZE_MAX, StringPattern::kNone, values}; }
};

/// Check one string against a rule; `member` names it in the message (lower camel case as AWS printed it).
Status CheckString(std::string_view value, std::string_view member, const StringRule& rule);

/// Largest accepted request body and JSON nesting depth (hostile inputs are refused before parsing).
inline constexpr size_t kMaxRequestBytes = 4u << 20;
inline constexpr int kMaxJsonDepth = 32;

/// A parsed request body: a JSON object. Accessors return nullopt for an absent or null member.
class Request {
 public:
  /// Parse `body` ("" counts as {}). SerializationException for malformed, truncated, too deep, too big or
  /// non-object bodies.
  static Result<Request> Parse(std::string_view body);
  /// Wrap an already parsed object (nested structures such as DataSpec).
  static Result<Request> FromJson(const nlohmann::json& value, std::string_view member);

  Result<std::optional<std::string>> String(std::string_view member, const StringRule& rule) const;
  Result<std::string> RequiredString(std::string_view member, const StringRule& rule) const;
  Result<std::optional<bool>> Bool(std::string_view member) const;
  /// An integer member within [min, max].
  Result<std::optional<int64_t>> Integer(std::string_view member, int64_t min, int64_t max) const;
  Result<std::optional<double>> Number(std::string_view member) const;
  /// A map of string to string (Parameters).
  Result<std::optional<std::map<std::string, std::string>>> StringMap(std::string_view member) const;
  /// A nested object member.
  Result<std::optional<Request>> Object(std::string_view member) const;
  /// A list member (elements unchecked).
  Result<std::optional<nlohmann::json>> List(std::string_view member, size_t max_items) const;
  bool Has(std::string_view member) const;

  const nlohmann::json& json() const { return json_; }

 private:
  explicit Request(nlohmann::json json) : json_(std::move(json)) {}
  const nlohmann::json* Find(std::string_view member) const;
  nlohmann::json json_;
};

/// "DataSourceId" -> "dataSourceId": how AWS's validation messages name members.
std::string LowerCamel(std::string_view member);

}  // namespace openaml::service
