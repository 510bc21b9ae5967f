// Amazon ML's schema JSON (spec §4.3): parsing with precise messages, validation, canonical output.
#include "openaml/schema/schema.h"

#include <set>

#include "openaml/common/str_cat.h"
#include "nlohmann/json.hpp"

namespace openaml {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

Status Invalid(std::string_view message) { return absl::InvalidArgumentError(std::string(message)); }

std::string JsonTypeName(const Json& value) { return value.type_name(); }

/// Read an optional string-or-null field into `out`; absent and null leave it empty.
Status ReadOptionalName(const Json& root, std::string_view key, std::optional<std::string>* out) {
  auto it = root.find(key);
  if (it == root.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) {
    return Invalid(StrCat(key, ": expected a string or null, got ", JsonTypeName(*it)));
  }
  // An empty string is how some clients write "none" (the console's form fields); treat it as null.
  if (it->get_ref<const std::string&>().empty()) return absl::OkStatus();
  *out = it->get<std::string>();
  return absl::OkStatus();
}

}  // namespace

std::string_view AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kBinary:
      return "BINARY";
    case AttributeType::kCategorical:
      return "CATEGORICAL";
    case AttributeType::kNumeric:
      return "NUMERIC";
    case AttributeType::kText:
      return "TEXT";
  }
  return "CATEGORICAL";  // unreachable: the switch covers every enumerator
}

Result<AttributeType> ParseAttributeType(std::string_view name) {
  if (name == "BINARY") return AttributeType::kBinary;
  if (name == "CATEGORICAL") return AttributeType::kCategorical;
  if (name == "NUMERIC") return AttributeType::kNumeric;
  if (name == "TEXT") return AttributeType::kText;
  return Invalid(StrCat("'", name, "' is not one of BINARY, CATEGORICAL, NUMERIC, TEXT"));
}

Result<Schema> Schema::FromJson(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::exception& e) {  // the adapter's exceptions become a status here
    return Invalid(StrCat("schema is not valid JSON: ", e.what()));
  }
  if (!root.is_object()) return Invalid(StrCat("schema: expected a JSON object, got ", JsonTypeName(root)));

  // Known keys: the canonical form (spec §4.3) and the older aliases of the API reference.
  static const std::set<std::string, std::less<>> kKnown = {
      "version",          "rowId",           "rowWeight",         "targetAttributeName",
      "dataFormat",       "dataFileContainsHeader", "attributes", "excludedAttributeNames",
      "recordAnnotationFieldName", "recordWeightFieldName", "targetFieldName", "variables",
      "excludedVariableNames"};
  for (const auto& [key, value] : root.items()) {
    if (!kKnown.contains(key)) return Invalid(StrCat("unknown schema field '", key, "'"));
  }
  auto alias = [&root](std::string_view canonical, std::string_view old) -> Result<std::string_view> {
    const bool has_canonical = root.contains(canonical);
    const bool has_old = root.contains(old);
    if (has_canonical && has_old) {
      return Invalid(StrCat("schema has both '", canonical, "' and its alias '", old, "'"));
    }
    return has_old ? old : canonical;
  };

  Schema schema;
  if (auto it = root.find("version"); it != root.end() && !it->is_null()) {
    if (!it->is_string()) return Invalid(StrCat("version: expected a string, got ", JsonTypeName(*it)));
    if (it->get_ref<const std::string&>() != "1.0") {
      return Invalid(StrCat("version: '", it->get<std::string>(), "' is not supported (expected \"1.0\")"));
    }
  }
  OPENAML_ASSIGN_OR_RETURN(std::string_view row_id_key, alias("rowId", "recordAnnotationFieldName"));
  OPENAML_RETURN_IF_ERROR(ReadOptionalName(root, row_id_key, &schema.row_id));
  OPENAML_ASSIGN_OR_RETURN(std::string_view weight_key, alias("rowWeight", "recordWeightFieldName"));
  OPENAML_RETURN_IF_ERROR(ReadOptionalName(root, weight_key, &schema.row_weight));
  OPENAML_ASSIGN_OR_RETURN(std::string_view target_key, alias("targetAttributeName", "targetFieldName"));
  OPENAML_RETURN_IF_ERROR(ReadOptionalName(root, target_key, &schema.target));

  if (auto it = root.find("dataFormat"); it != root.end() && !it->is_null()) {
    if (!it->is_string()) return Invalid(StrCat("dataFormat: expected a string, got ", JsonTypeName(*it)));
    if (it->get_ref<const std::string&>() != "CSV") {
      return Invalid(StrCat("dataFormat: '", it->get<std::string>(), "' is not supported (expected \"CSV\")"));
    }
  }
  if (auto it = root.find("dataFileContainsHeader"); it != root.end() && !it->is_null()) {
    if (it->is_boolean()) {
      schema.data_file_contains_header = it->get<bool>();
    } else if (it->is_string() && (*it == "true" || *it == "false")) {
      schema.data_file_contains_header = *it == "true";  // the string form appears in hand-written schemas
    } else {
      return Invalid(StrCat("dataFileContainsHeader: expected true or false, got ", it->dump()));
    }
  }

  OPENAML_ASSIGN_OR_RETURN(std::string_view attributes_key, alias("attributes", "variables"));
  auto attrs = root.find(attributes_key);
  if (attrs == root.end() || attrs->is_null()) return Invalid("attributes: missing (a schema needs its attributes)");
  if (!attrs->is_array()) {
    return Invalid(StrCat(attributes_key, ": expected an array, got ", JsonTypeName(*attrs)));
  }
  if (attrs->size() > kMaxAttributes) {
    return Invalid(StrCat(attributes_key, ": ", attrs->size(), " attributes, more than the limit of ",
                                kMaxAttributes));
  }
  const bool old_form = attributes_key == "variables";
  const char* name_key = old_form ? "fieldName" : "attributeName";
  const char* type_key = old_form ? "fieldType" : "attributeType";
  for (size_t i = 0; i < attrs->size(); ++i) {
    const Json& a = (*attrs)[i];
    const std::string where = StrCat(attributes_key, "[", i, "]");
    if (!a.is_object()) return Invalid(StrCat(where, ": expected an object, got ", JsonTypeName(a)));
    for (const auto& [key, value] : a.items()) {
      if (key != name_key && key != type_key) return Invalid(StrCat(where, ": unknown field '", key, "'"));
    }
    auto name = a.find(name_key);
    if (name == a.end() || !name->is_string()) {
      return Invalid(StrCat(where, ".", name_key, ": missing or not a string"));
    }
    auto type = a.find(type_key);
    if (type == a.end() || !type->is_string()) {
      return Invalid(StrCat(where, ".", type_key, ": missing or not a string"));
    }
    Result<AttributeType> parsed = ParseAttributeType(type->get_ref<const std::string&>());
    if (!parsed.ok()) return WithContext(parsed.status(), StrCat(where, ".", type_key));
    schema.attributes.push_back({name->get<std::string>(), *parsed});
  }

  OPENAML_ASSIGN_OR_RETURN(std::string_view excluded_key, alias("excludedAttributeNames", "excludedVariableNames"));
  if (auto it = root.find(excluded_key); it != root.end() && !it->is_null()) {
    if (!it->is_array()) return Invalid(StrCat(excluded_key, ": expected an array, got ", JsonTypeName(*it)));
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) {
        return Invalid(StrCat(excluded_key, "[", i, "]: expected a string, got ", JsonTypeName((*it)[i])));
      }
      schema.excluded_attribute_names.push_back((*it)[i].get<std::string>());
    }
  }
  OPENAML_RETURN_IF_ERROR(schema.Validate());
  return schema;
}

Status Schema::Validate() const {
  if (attributes.empty()) return Invalid("attributes: a schema needs at least one attribute");
  if (attributes.size() > kMaxAttributes) {
    return Invalid(StrCat("attributes: ", attributes.size(), " attributes, more than the limit of ",
                                kMaxAttributes));
  }
  std::set<std::string_view> names;
  for (size_t i = 0; i < attributes.size(); ++i) {
    const std::string& name = attributes[i].name;
    if (name.empty()) return Invalid(StrCat("attributes[", i, "].attributeName: must not be empty"));
    if (!names.insert(name).second) {
      return Invalid(StrCat("attributes[", i, "].attributeName: duplicate attribute name '", name, "'"));
    }
  }
  if (target && !names.contains(*target)) {
    return Invalid(StrCat("targetAttributeName '", *target, "' is not an attribute"));
  }
  if (row_id && !names.contains(*row_id)) return Invalid(StrCat("rowId '", *row_id, "' is not an attribute"));
  if (row_weight && !names.contains(*row_weight)) {
    return Invalid(StrCat("rowWeight '", *row_weight, "' is not an attribute"));
  }
  if (row_id && target && *row_id == *target) {
    return Invalid(StrCat("rowId '", *row_id, "' is also the targetAttributeName"));
  }
  std::set<std::string_view> excluded;
  for (size_t i = 0; i < excluded_attribute_names.size(); ++i) {
    const std::string& name = excluded_attribute_names[i];
    if (!names.contains(name)) {
      return Invalid(StrCat("excludedAttributeNames[", i, "]: '", name, "' is not an attribute"));
    }
    if (target && name == *target) {
      return Invalid(StrCat("excludedAttributeNames[", i, "]: '", name, "' is the targetAttributeName"));
    }
    if (!excluded.insert(name).second) {
      return Invalid(StrCat("excludedAttributeNames[", i, "]: '", name, "' is listed twice"));
    }
  }
  return absl::OkStatus();
}

namespace {
OrderedJson ToJsonValue(const Schema& schema) {
  OrderedJson root;
  auto optional = [](const std::optional<std::string>& v) { return v ? OrderedJson(*v) : OrderedJson(nullptr); };
  root["version"] = schema.version;
  root["rowId"] = optional(schema.row_id);
  root["rowWeight"] = optional(schema.row_weight);
  root["targetAttributeName"] = optional(schema.target);
  root["dataFormat"] = schema.data_format;
  root["dataFileContainsHeader"] = schema.data_file_contains_header;
  OrderedJson attributes = OrderedJson::array();
  for (const Attribute& a : schema.attributes) {
    OrderedJson entry;
    entry["attributeName"] = a.name;
    entry["attributeType"] = std::string(AttributeTypeName(a.type));
    attributes.push_back(std::move(entry));
  }
  root["attributes"] = std::move(attributes);
  root["excludedAttributeNames"] = schema.excluded_attribute_names;
  return root;
}
}  // namespace

std::string Schema::ToJson() const {
  // Names come from parsed JSON or CSV headers and may hold invalid UTF-8: replace rather than throw.
  return ToJsonValue(*this).dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string Schema::ToPrettyJson(int indent) const {
  return ToJsonValue(*this).dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool Schema::IsInput(int attribute_index) const {
  if (attribute_index < 0 || static_cast<size_t>(attribute_index) >= attributes.size()) return false;
  const std::string& name = attributes[attribute_index].name;
  if (target && *target == name) return false;
  if (row_id && *row_id == name) return false;
  for (const std::string& excluded : excluded_attribute_names) {
    if (excluded == name) return false;
  }
  return true;
}

}  // namespace openaml
