// Amazon ML attribute types for database columns (spec §4.7, the console's Redshift type mapping) and the
// derived schema of a staged query.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/schema/schema.h"

namespace openaml::databases {

/// What a column's declared SQL type says about its values.
enum class ColumnTypeClass {
  kNumeric,    // integers, decimals, floating point: NUMERIC
  kBoolean,    // BOOLEAN, MySQL TINYINT(1) / BIT(1): BINARY when the values are 0/1, else NUMERIC
  kFixedChar,  // CHAR(n) / BPCHAR / NCHAR: CATEGORICAL
  kText,       // VARCHAR / TEXT / DATE / TIMESTAMP / anything else: TEXT, or CATEGORICAL when the sample says so
};

/// One column of a query result.
struct ColumnDescription {
  std::string name;      // as written in the CSV header (unique)
  std::string sql_type;  // the server's type name, for messages and logs ("int4", "varchar", "DECIMAL")
  ColumnTypeClass type_class = ColumnTypeClass::kText;
};

/// The class of a PostgreSQL type, by its OID (pg_type.h of PostgreSQL 15; Redshift uses the same OIDs).
ColumnTypeClass PostgresTypeClass(uint32_t type_oid);
/// The server's name of a PostgreSQL type OID ("int4", "varchar"); "oid <n>" for others.
std::string PostgresTypeName(uint32_t type_oid);

/// The class of a MySQL column (enum_field_types from mysql_com.h), given its display length and whether it
/// is a BIT / binary-charset column (`length` 1 marks TINYINT(1), MySQL's BOOLEAN, and BIT(1)).
ColumnTypeClass MysqlTypeClass(int field_type, uint64_t length);
/// The name of a MySQL field type ("LONG", "NEWDECIMAL", "VAR_STRING").
std::string MysqlTypeName(int field_type);

/// Decide one attribute type (spec §4.7) from the column's class and a sample of its staged CSV values:
/// kNumeric -> NUMERIC; kBoolean -> BINARY when every non-empty sample value is 0/1 (both occurring or
/// not), NUMERIC otherwise; kFixedChar -> CATEGORICAL; kText -> TEXT when InferAttributeType says TEXT
/// (long free text), CATEGORICAL otherwise ("CATEGORICAL or TEXT as inference decides", issue 8).
AttributeType DecideAttributeType(ColumnTypeClass type_class, const std::vector<std::string_view>& sample);

/// Make header names usable as attribute names: trimmed, empty ones become VarN (1-based column number),
/// repeated ones get "_2", "_3"... (as schema inference does for a CSV header).
std::vector<std::string> UniqueColumnNames(const std::vector<std::string>& raw_names);

}  // namespace openaml::databases
