#include "openaml/storage/databases/database_connections.h"

#include <fstream>
#include <set>
#include <sstream>

#include "nlohmann/json.hpp"
#include "openaml/common/str_cat.h"

namespace openaml::databases {
namespace {

using Json = nlohmann::json;

Status Invalid(std::string_view field, std::string_view reason) {
  return absl::InvalidArgumentError(StrCat(field, ": ", reason));
}

// Spec §3.3: ClusterIdentifier and InstanceIdentifier are 1-63 characters of [a-z0-9-].
bool IsValidIdentifier(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsKnownSslMode(std::string_view mode) {
  static const std::set<std::string_view> kModes = {"disable", "allow", "prefer", "require", "verify-ca",
                                                    "verify-full"};
  return kModes.count(mode) > 0;
}

Result<std::string> GetString(const Json& object, const std::string& key, const std::string& field) {
  const Json& value = object.at(key);
  if (!value.is_string()) return Invalid(field, "must be a string");
  return value.get<std::string>();
}

Result<int64_t> GetInteger(const Json& object, const std::string& key, const std::string& field, int64_t min,
                           int64_t max) {
  const Json& value = object.at(key);
  if (!value.is_number_integer() || value.get<int64_t>() < min || value.get<int64_t>() > max) {
    return Invalid(field, StrCat("must be an integer ", min, "-", max));
  }
  return value.get<int64_t>();
}

Result<DatabaseConnection> ParseConnection(const Json& object, const std::string& name, const std::string& field,
                                           DatabaseEngine default_engine) {
  if (!object.is_object()) return Invalid(field, "must be an object");
  static const std::set<std::string> kKeys = {"engine", "host", "port", "socket", "sslmode", "connectTimeoutSeconds",
                                              "queryTimeoutSeconds"};
  for (const auto& [key, value] : object.items()) {
    if (kKeys.count(key) == 0) {
      return Invalid(field, StrCat("unknown member '", key,
                                   "' (expected engine, host, port, socket, sslmode, connectTimeoutSeconds, "
                                   "queryTimeoutSeconds)"));
    }
  }
  DatabaseConnection connection;
  connection.name = name;
  connection.engine = default_engine;
  if (object.contains("engine")) {
    OPENAML_ASSIGN_OR_RETURN(std::string engine, GetString(object, "engine", field + ".engine"));
    if (engine == "postgresql") {
      connection.engine = DatabaseEngine::kPostgresql;
    } else if (engine == "mysql") {
      connection.engine = DatabaseEngine::kMysql;
    } else {
      return Invalid(field + ".engine", StrCat("'", engine, "' is not one of postgresql, mysql"));
    }
  }
  if (object.contains("host")) {
    OPENAML_ASSIGN_OR_RETURN(connection.host, GetString(object, "host", field + ".host"));
    if (connection.host.empty()) return Invalid(field + ".host", "must not be empty");
    if (connection.host.find_first_of("/ \t\r\n") != std::string::npos || connection.host.size() > 253) {
      return Invalid(field + ".host", "must be a host name or address (use 'socket' for a Unix socket)");
    }
  }
  if (object.contains("socket")) {
    OPENAML_ASSIGN_OR_RETURN(connection.socket, GetString(object, "socket", field + ".socket"));
    if (connection.socket.empty() || connection.socket.front() != '/') {
      return Invalid(field + ".socket", "must be an absolute path");
    }
  }
  if (connection.host.empty() == connection.socket.empty()) {
    return Invalid(field, "give exactly one of 'host' (TCP) or 'socket' (Unix socket)");
  }
  if (object.contains("port")) {
    OPENAML_ASSIGN_OR_RETURN(int64_t port, GetInteger(object, "port", field + ".port", 1, 65535));
    connection.port = static_cast<uint16_t>(port);
  }
  if (object.contains("sslmode")) {
    OPENAML_ASSIGN_OR_RETURN(connection.sslmode, GetString(object, "sslmode", field + ".sslmode"));
    if (!IsKnownSslMode(connection.sslmode)) {
      return Invalid(field + ".sslmode", StrCat("'", connection.sslmode,
                                                "' is not one of disable, allow, prefer, require, verify-ca, "
                                                "verify-full"));
    }
  }
  if (object.contains("connectTimeoutSeconds")) {
    OPENAML_ASSIGN_OR_RETURN(int64_t seconds,
                             GetInteger(object, "connectTimeoutSeconds", field + ".connectTimeoutSeconds", 1, 3600));
    connection.connect_timeout_seconds = static_cast<int>(seconds);
  }
  if (object.contains("queryTimeoutSeconds")) {
    OPENAML_ASSIGN_OR_RETURN(
        int64_t seconds, GetInteger(object, "queryTimeoutSeconds", field + ".queryTimeoutSeconds", 0, 7 * 86400));
    connection.query_timeout_seconds = static_cast<int>(seconds);
  }
  return connection;
}

Status ParseSection(const Json& root, const std::string& section, DatabaseEngine default_engine,
                    std::map<std::string, DatabaseConnection, std::less<>>* out) {
  if (!root.contains(section)) return absl::OkStatus();
  const Json& entries = root.at(section);
  if (!entries.is_object()) return Invalid(section, "must be an object mapping identifiers to connections");
  for (const auto& [name, value] : entries.items()) {
    std::string field = StrCat(section, ".", name);
    if (!IsValidIdentifier(name)) {
      return Invalid(field, "identifier must be 1-63 characters of a-z, 0-9 and '-'");
    }
    OPENAML_ASSIGN_OR_RETURN(DatabaseConnection connection, ParseConnection(value, name, field, default_engine));
    out->emplace(name, std::move(connection));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view DatabaseEngineName(DatabaseEngine engine) {
  return engine == DatabaseEngine::kPostgresql ? "postgresql" : "mysql";
}

Result<DatabaseConnections> DatabaseConnections::FromJson(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json.begin(), json.end());
  } catch (const Json::parse_error& error) {
    return absl::InvalidArgumentError(StrCat("not valid JSON: ", error.what()));
  }
  if (!root.is_object()) return absl::InvalidArgumentError("the top level must be an object with 'redshift' and/or 'rds'");
  for (const auto& [key, value] : root.items()) {
    if (key != "redshift" && key != "rds") {
      return Invalid(key, "unknown member (expected 'redshift' and/or 'rds')");
    }
  }
  DatabaseConnections connections;
  // Redshift speaks the PostgreSQL protocol, and Amazon ML's RDS support was MySQL only (spec §3.3): those are
  // the default engines; either section may name the other engine.
  OPENAML_RETURN_IF_ERROR(ParseSection(root, "redshift", DatabaseEngine::kPostgresql, &connections.redshift_));
  OPENAML_RETURN_IF_ERROR(ParseSection(root, "rds", DatabaseEngine::kMysql, &connections.rds_));
  return connections;
}

Result<DatabaseConnections> DatabaseConnections::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("database connections file ", path, " cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(StrCat("database connections file ", path, ": read error"));
  auto connections = FromJson(text.str());
  if (!connections.ok()) return WithContext(connections.status(), StrCat("database connections file ", path));
  return connections;
}

Result<DatabaseConnection> DatabaseConnections::Find(ConnectionKind kind, std::string_view identifier) const {
  const auto& map = kind == ConnectionKind::kRedshift ? redshift_ : rds_;
  auto it = map.find(identifier);
  if (it == map.end()) {
    return absl::NotFoundError(
        StrCat(kind == ConnectionKind::kRedshift ? "ClusterIdentifier '" : "InstanceIdentifier '", identifier,
               "' is not a configured database connection (see the '",
               kind == ConnectionKind::kRedshift ? "redshift" : "rds", "' section of databases.json)"));
  }
  return it->second;
}

}  // namespace openaml::databases
