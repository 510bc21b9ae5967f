#include "openaml/storage/databases/column_types.h"

#include <map>
#include <set>

#include "mysql.h"
#include "openaml/common/str_cat.h"
#include "openaml/schema/inference.h"

namespace openaml::databases {
namespace {

// PostgreSQL type OIDs (src/include/catalog/pg_type.dat; fixed since 7.x, shared by Redshift). Only the names
// are here, libpq-dev does not ship the server's catalog headers.
struct PgType {
  const char* name;
  ColumnTypeClass type_class;
};
const std::map<uint32_t, PgType>& PgTypes() {
  static const std::map<uint32_t, PgType> kTypes = {
      {16, {"bool", ColumnTypeClass::kBoolean}},     {18, {"char", ColumnTypeClass::kFixedChar}},
      {20, {"int8", ColumnTypeClass::kNumeric}},     {21, {"int2", ColumnTypeClass::kNumeric}},
      {23, {"int4", ColumnTypeClass::kNumeric}},     {25, {"text", ColumnTypeClass::kText}},
      {26, {"oid", ColumnTypeClass::kNumeric}},      {700, {"float4", ColumnTypeClass::kNumeric}},
      {701, {"float8", ColumnTypeClass::kNumeric}},  {1042, {"bpchar", ColumnTypeClass::kFixedChar}},
      {1043, {"varchar", ColumnTypeClass::kText}},   {1082, {"date", ColumnTypeClass::kText}},
      {1083, {"time", ColumnTypeClass::kText}},      {1114, {"timestamp", ColumnTypeClass::kText}},
      {1184, {"timestamptz", ColumnTypeClass::kText}}, {1700, {"numeric", ColumnTypeClass::kNumeric}},
      {19, {"name", ColumnTypeClass::kText}},        {2950, {"uuid", ColumnTypeClass::kText}},
      {114, {"json", ColumnTypeClass::kText}},       {3802, {"jsonb", ColumnTypeClass::kText}},
  };
  return kTypes;
}

bool IsZeroOrOne(std::string_view value) { return value == "0" || value == "1"; }

}  // namespace

ColumnTypeClass PostgresTypeClass(uint32_t type_oid) {
  auto it = PgTypes().find(type_oid);
  return it == PgTypes().end() ? ColumnTypeClass::kText : it->second.type_class;
}

std::string PostgresTypeName(uint32_t type_oid) {
  auto it = PgTypes().find(type_oid);
  return it == PgTypes().end() ? StrCat("oid ", type_oid) : std::string(it->second.name);
}

ColumnTypeClass MysqlTypeClass(int field_type, uint64_t length) {
  switch (static_cast<enum_field_types>(field_type)) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_BIT:
      // MySQL's BOOLEAN is TINYINT(1); BIT(1) is the other usual flag column.
      return length == 1 ? ColumnTypeClass::kBoolean : ColumnTypeClass::kNumeric;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_YEAR:
      return ColumnTypeClass::kNumeric;
    case MYSQL_TYPE_STRING:  // CHAR(n), and ENUM / SET as the server reports them
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_SET:
      return ColumnTypeClass::kFixedChar;
    default:
      return ColumnTypeClass::kText;
  }
}

std::string MysqlTypeName(int field_type) {
  switch (static_cast<enum_field_types>(field_type)) {
    case MYSQL_TYPE_DECIMAL: return "DECIMAL";
    case MYSQL_TYPE_TINY: return "TINY";
    case MYSQL_TYPE_SHORT: return "SHORT";
    case MYSQL_TYPE_LONG: return "LONG";
    case MYSQL_TYPE_FLOAT: return "FLOAT";
    case MYSQL_TYPE_DOUBLE: return "DOUBLE";
    case MYSQL_TYPE_NULL: return "NULL";
    case MYSQL_TYPE_TIMESTAMP: return "TIMESTAMP";
    case MYSQL_TYPE_LONGLONG: return "LONGLONG";
    case MYSQL_TYPE_INT24: return "INT24";
    case MYSQL_TYPE_DATE: return "DATE";
    case MYSQL_TYPE_TIME: return "TIME";
    case MYSQL_TYPE_DATETIME: return "DATETIME";
    case MYSQL_TYPE_YEAR: return "YEAR";
    case MYSQL_TYPE_NEWDATE: return "NEWDATE";
    case MYSQL_TYPE_VARCHAR: return "VARCHAR";
    case MYSQL_TYPE_BIT: return "BIT";
    case MYSQL_TYPE_JSON: return "JSON";
    case MYSQL_TYPE_NEWDECIMAL: return "NEWDECIMAL";
    case MYSQL_TYPE_ENUM: return "ENUM";
    case MYSQL_TYPE_SET: return "SET";
    case MYSQL_TYPE_TINY_BLOB: return "TINY_BLOB";
    case MYSQL_TYPE_MEDIUM_BLOB: return "MEDIUM_BLOB";
    case MYSQL_TYPE_LONG_BLOB: return "LONG_BLOB";
    case MYSQL_TYPE_BLOB: return "BLOB";
    case MYSQL_TYPE_VAR_STRING: return "VAR_STRING";
    case MYSQL_TYPE_STRING: return "STRING";
    case MYSQL_TYPE_GEOMETRY: return "GEOMETRY";
    default: return StrCat("type ", field_type);
  }
}

AttributeType DecideAttributeType(ColumnTypeClass type_class, const std::vector<std::string_view>& sample) {
  switch (type_class) {
    case ColumnTypeClass::kNumeric:
      return AttributeType::kNumeric;
    case ColumnTypeClass::kBoolean: {
      bool all_binary = true;
      for (std::string_view value : sample) {
        if (!value.empty() && !IsZeroOrOne(value)) all_binary = false;
      }
      if (all_binary) return AttributeType::kBinary;
      // Spec §4.7: not valid binary values -> the most specific type that fits (0/1/2 -> NUMERIC).
      return InferAttributeType(sample);
    }
    case ColumnTypeClass::kFixedChar:
      return AttributeType::kCategorical;
    case ColumnTypeClass::kText:
      return InferAttributeType(sample) == AttributeType::kText ? AttributeType::kText : AttributeType::kCategorical;
  }
  return AttributeType::kText;  // unreachable: every enumerator returns above
}

std::vector<std::string> UniqueColumnNames(const std::vector<std::string>& raw_names) {
  std::vector<std::string> names;
  std::set<std::string> used;
  names.reserve(raw_names.size());
  for (size_t column_idx = 0; column_idx < raw_names.size(); ++column_idx) {
    std::string_view name = raw_names[column_idx];
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::string base = name.empty() ? StrCat("Var", column_idx + 1) : std::string(name);
    std::string unique = base;
    for (int suffix = 2; used.count(unique) > 0; ++suffix) unique = StrCat(base, "_", suffix);
    used.insert(unique);
    names.push_back(std::move(unique));
  }
  return names;
}

}  // namespace openaml::databases
