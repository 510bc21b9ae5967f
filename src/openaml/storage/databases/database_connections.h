// Named database connections: how openaml turns a Redshift ClusterIdentifier or an RDS InstanceIdentifier
// (spec §3.3: names, not hosts) into a server address. Read from a JSON file (docs/databases.md); the
// database name and the credentials come from each request, never from this file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "openaml/common/status.h"

namespace openaml::databases {

/// The wire protocol spoken by a server: PostgreSQL (also Amazon Redshift) or MySQL (also MariaDB).
enum class DatabaseEngine { kPostgresql, kMysql };

/// "postgresql" | "mysql".
std::string_view DatabaseEngineName(DatabaseEngine engine);

/// Which API operation a connection serves: CreateDataSourceFromRedshift (ClusterIdentifier) or
/// CreateDataSourceFromRDS (InstanceIdentifier).
enum class ConnectionKind { kRedshift, kRds };

/// Where one named server is and how to reach it.
struct DatabaseConnection {
  std::string name;  // the ClusterIdentifier / InstanceIdentifier
  DatabaseEngine engine = DatabaseEngine::kPostgresql;
  /// TCP host name or address; empty when `socket` is set.
  std::string host;
  /// TCP port; 0 means the engine's default (5432, 3306).
  uint16_t port = 0;
  /// Unix socket: for PostgreSQL the directory holding `.s.PGSQL.<port>`, for MySQL the socket file.
  std::string socket;
  /// PostgreSQL sslmode (disable, allow, prefer, require, verify-ca, verify-full); for MySQL `disable`
  /// turns TLS off, `require` / `verify-ca` / `verify-full` demand it (verify-* check the certificate).
  std::string sslmode = "prefer";
  /// Seconds to wait for the server to answer a connection attempt (an unreachable host fails after this).
  int connect_timeout_seconds = 10;
  /// Longest run of the query in seconds, 0 for no limit (PostgreSQL statement_timeout; MySQL read timeout).
  int query_timeout_seconds = 0;
};

/// The set of named connections. Immutable once loaded; safe to share between threads.
class DatabaseConnections {
 public:
  /// Parse and validate the configuration JSON (format in docs/databases.md). InvalidArgument naming the
  /// field on any problem ("rds.mydb.port: must be an integer 1-65535").
  static Result<DatabaseConnections> FromJson(std::string_view json);
  /// Read and parse `path`. NotFound when the file is absent (callers that treat the file as optional
  /// check for it), InvalidArgument with the path on a parse or validation error.
  static Result<DatabaseConnections> Load(const std::string& path);

  /// The connection named `identifier` for `kind`. NotFound with a message naming the identifier and
  /// telling where connections are configured.
  Result<DatabaseConnection> Find(ConnectionKind kind, std::string_view identifier) const;

  size_t size() const { return redshift_.size() + rds_.size(); }

 private:
  std::map<std::string, DatabaseConnection, std::less<>> redshift_;
  std::map<std::string, DatabaseConnection, std::less<>> rds_;
};

}  // namespace openaml::databases
