#include "openaml/service/request.h"

#include <fmt/format.h>

#include <algorithm>

#include "openaml/service/api_error.h"

namespace openaml::service {
namespace {

Status ValidationError(std::string_view member, std::string_view value, std::string_view constraint) {
  std::string shown(value.substr(0, 256));
  return absl::InvalidArgumentError(fmt::format(
      "1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: {}", shown,
      LowerCamel(member), constraint));
}

Status TypeError(std::string_view member, std::string_view expected) {
  return absl::InvalidArgumentError(
      fmt::format("1 validation error detected: Value at '{}' must be {}", LowerCamel(member), expected));
}

/// Decode UTF-8 into code points; false when the bytes are not valid UTF-8.
bool DecodeUtf8(std::string_view text, std::vector<char32_t>* out) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    int extra;
    char32_t cp;
    if (byte < 0x80) {
      extra = 0;
      cp = byte;
    } else if ((byte & 0xE0) == 0xC0) {
      extra = 1;
      cp = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      extra = 2;
      cp = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      extra = 3;
      cp = byte & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size() && extra > 0) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    out->push_back(cp);
    i += extra + 1;
  }
  return true;
}

bool IsSpace(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

// \p{L}\p{Z}\p{N} and _.:/=+-@ . ASCII is exact. Beyond ASCII we accept every code point except the C1
// controls, the Latin-1 symbols and the General Punctuation block's non-space marks: without a Unicode
// database this admits some symbols outside L/Z/N (documented in README.md).
bool IsTagChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == ' ' ||
           std::string_view("_.:/=+-@").find(static_cast<char>(cp)) != std::string_view::npos;
  }
  if (cp < 0xA0) return false;
  if (cp <= 0xBF) {
    return cp == 0xA0 || cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 || cp == 0xBA ||
           cp == 0xBC || cp == 0xBD || cp == 0xBE;
  }
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return IsSpace(cp);
  return true;
}

int JsonDepth(std::string_view body) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

std::string LowerCamel(std::string_view member) {
  std::string out(member);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  // Leading acronyms read as AWS printed them: "MLModelId" -> "mLModelId".
  return out;
}

Status CheckString(std::string_view value, std::string_view member, const StringRule& rule) {
  std::vector<char32_t> cps;
  if (!DecodeUtf8(value, &cps)) return ValidationError(member, "", "Member must be valid UTF-8");
  if (cps.size() < rule.min_length) {
    return ValidationError(member, value,
                           fmt::format("Member must have length greater than or equal to {}", rule.min_length));
  }
  if (cps.size() > rule.max_length) {
    return ValidationError(member, value,
                           fmt::format("Member must have length less than or equal to {}", rule.max_length));
  }
  if (!rule.allowed.empty() && std::find(rule.allowed.begin(), rule.allowed.end(), value) == rule.allowed.end()) {
    std::string set;
    for (auto v : rule.allowed) set += (set.empty() ? "" : ", ") + std::string(v);
    return ValidationError(member, value, fmt::format("Member must satisfy enum value set: [{}]", set));
  }
  switch (rule.pattern) {
    case StringPattern::kNone: break;
    case StringPattern::kEntityId:
      for (char32_t cp : cps) {
        bool ok = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' ||
                  cp == '.' || cp == '-';
        if (!ok) {
          return ValidationError(member, value, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
      }
      break;
    case StringPattern::kEntityName:
      if (!cps.empty() && std::all_of(cps.begin(), cps.end(), IsSpace)) {
        return ValidationError(member, value, "Member must satisfy regular expression pattern: .*\\S.*|^$");
      }
      break;
    case StringPattern::kS3Url: {
      bool ok = value.substr(0, 5) == "s3://" && value.size() > 5 && value[5] != '/';
      if (!ok) return ValidationError(member, value, "Member must satisfy regular expression pattern: s3://([^/]+)(/.*)?");
      break;
    }
    case StringPattern::kTag:
      if (!std::all_of(cps.begin(), cps.end(), IsTagChar)) {
        return MakeApiError(ApiErrorType::kInvalidTag,
                            fmt::format("Value '{}' at '{}' failed to satisfy constraint: Member must satisfy "
                                        "regular expression pattern: ^([\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]*)$",
                                        value.substr(0, 256), LowerCamel(member)));
      }
      break;
  }
  return Status();
}

Result<Request> Request::Parse(std::string_view body) {
  if (body.size() > kMaxRequestBytes) {
    return MakeApiError(ApiErrorType::kSerialization,
                        fmt::format("Request body of {} bytes exceeds the limit of {} bytes", body.size(),
                                    kMaxRequestBytes));
  }
  bool blank = std::all_of(body.begin(), body.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  if (blank) return Request(nlohmann::json::object());
  if (JsonDepth(body) > kMaxJsonDepth) {
    return MakeApiError(ApiErrorType::kSerialization, "Request body is nested too deeply");
  }
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return MakeApiError(ApiErrorType::kSerialization, "Request body is not valid JSON");
  }
  if (!json.is_object()) {
    return MakeApiError(ApiErrorType::kSerialization, "Request body must be a JSON object");
  }
  return Request(std::move(json));
}

Result<Request> Request::FromJson(const nlohmann::json& value, std::string_view member) {
  if (!value.is_object()) return TypeError(member, "a structure");
  return Request(value);
}

const nlohmann::json* Request::Find(std::string_view member) const {
  auto it = json_.find(std::string(member));
  if (it == json_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool Request::Has(std::string_view member) const { return Find(member) != nullptr; }

Result<std::optional<std::string>> Request::String(std::string_view member, const StringRule& rule) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<std::string>();
  if (!value->is_string()) return TypeError(member, "a string");
  const std::string& text = value->get_ref<const std::string&>();
  OPENAML_RETURN_IF_ERROR(CheckString(text, member, rule));
  return std::optional<std::string>(text);
}

Result<std::string> Request::RequiredString(std::string_view member, const StringRule& rule) const {
  OPENAML_ASSIGN_OR_RETURN(auto value, String(member, rule));
  if (!value) {
    return absl::InvalidArgumentError(fmt::format(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
        LowerCamel(member)));
  }
  return *value;
}

Result<std::optional<bool>> Request::Bool(std::string_view member) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<bool>();
  if (!value->is_boolean()) return TypeError(member, "a boolean");
  return std::optional<bool>(value->get<bool>());
}

Result<std::optional<int64_t>> Request::Integer(std::string_view member, int64_t min, int64_t max) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<int64_t>();
  if (!value->is_number_integer()) return TypeError(member, "an integer");
  if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return ValidationError(member, value->dump(), fmt::format("Member must have value less than or equal to {}", max));
  }
  int64_t v = value->get<int64_t>();
  if (v < min) {
    return ValidationError(member, std::to_string(v), fmt::format("Member must have value greater than or equal to {}", min));
  }
  if (v > max) {
    return ValidationError(member, std::to_string(v), fmt::format("Member must have value less than or equal to {}", max));
  }
  return std::optional<int64_t>(v);
}

Result<std::optional<double>> Request::Number(std::string_view member) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<double>();
  if (!value->is_number()) return TypeError(member, "a number");
  return std::optional<double>(value->get<double>());
}

Result<std::optional<std::map<std::string, std::string>>> Request::StringMap(std::string_view member) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<std::map<std::string, std::string>>();
  if (!value->is_object()) return TypeError(member, "a map of strings");
  std::map<std::string, std::string> out;
  for (auto it = value->begin(); it != value->end(); ++it) {
    if (!it.value().is_string()) return TypeError(fmt::format("{}.{}", member, it.key()), "a string");
    out[it.key()] = it.value().get<std::string>();
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Result<std::optional<Request>> Request::Object(std::string_view member) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<Request>();
  OPENAML_ASSIGN_OR_RETURN(Request nested, FromJson(*value, member));
  return std::optional<Request>(std::move(nested));
}

Result<std::optional<nlohmann::json>> Request::List(std::string_view member, size_t max_items) const {
  const nlohmann::json* value = Find(member);
  if (!value) return std::optional<nlohmann::json>();
  if (!value->is_array()) return TypeError(member, "a list");
  if (value->size() > max_items) {
    return ValidationError(member, fmt::format("list of {}", value->size()),
                           fmt::format("Member must have length less than or equal to {}", max_items));
  }
  return std::optional<nlohmann::json>(*value);
}

}  // namespace openaml::service
