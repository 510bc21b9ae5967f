// Amazon ML's schema JSON (spec §4.3): attribute names and types, target, row id, header flag, exclusions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"

namespace openaml {

enum class AttributeType { kBinary, kCategorical, kNumeric, kText };

/// "BINARY" | "CATEGORICAL" | "NUMERIC" | "TEXT".
std::string_view AttributeTypeName(AttributeType type);
Result<AttributeType> ParseAttributeType(std::string_view name);

struct Attribute {
  std::string name;
  AttributeType type = AttributeType::kCategorical;
};

struct Schema {
  std::string version = "1.0";
  std::optional<std::string> row_id;
  std::optional<std::string> row_weight;  // accepted and stored, never used (spec §4.3)
  std::optional<std::string> target;
  std::string data_format = "CSV";
  bool data_file_contains_header = false;
  std::vector<Attribute> attributes;  // in column order
  std::vector<std::string> excluded_attribute_names;

  /// Parse and validate schema JSON. Every failure names the field ("targetAttributeName 'z' is not an
  /// attribute", "attributes[3].attributeType: 'NUMBER' is not one of BINARY, CATEGORICAL, NUMERIC, TEXT").
  static Result<Schema> FromJson(std::string_view json);
  /// The canonical JSON form, with null rowId/rowWeight/targetAttributeName written as null.
  std::string ToJson() const;
  /// The canonical JSON form, indented by `indent` spaces (for files and the command line).
  std::string ToPrettyJson(int indent = 2) const;

  /// Check the rules FromJson enforces (for schemas built in code, e.g. by inference): at least one and at
  /// most kMaxAttributes attributes, non-empty unique names, target / row id / exclusions naming attributes,
  /// row id different from the target, the target not excluded. InvalidArgument naming the field.
  Status Validate() const;

  /// Spec §13: at most 1,000 attributes per schema.
  static constexpr size_t kMaxAttributes = 1000;

  /// Column index of `name`, or -1.
  int IndexOf(std::string_view name) const;
  int target_index() const { return target ? IndexOf(*target) : -1; }
  int row_id_index() const { return row_id ? IndexOf(*row_id) : -1; }
  /// True for attributes used as model inputs: not the target, not the row id, not excluded.
  bool IsInput(int attribute_index) const;
};

}  // namespace openaml
