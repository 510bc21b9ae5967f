// Staging a query from a PostgreSQL-protocol server (PostgreSQL, Amazon Redshift) with libpq.
#include <memory>
#include <string>
#include <vector>

#include "libpq-fe.h"
#include "openaml/common/str_cat.h"
#include "openaml/storage/databases/csv_stage_writer_internal.h"

namespace openaml::databases {
namespace {

constexpr const char* kCursorName = "openaml_staging";
constexpr uint32_t kBoolOid = 16;

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string TrimMessage(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// A failed connection attempt: libpq gives only text, so the kind is read from the server's wording.
Status ConnectError(const QueryStagingRequest& request, PGconn* conn) {
  std::string message = ScrubSecret(TrimMessage(conn ? PQerrorMessage(conn) : "out of memory"), request.password);
  std::string target = DescribeTarget(request);
  if (message.find("password authentication failed") != std::string::npos ||
      message.find("authentication failed") != std::string::npos ||
      message.find("no pg_hba.conf entry") != std::string::npos ||
      message.find("password is required") != std::string::npos) {
    return absl::UnauthenticatedError(
        StrCat("cannot log in to ", target, " as user '", request.username, "': wrong user name or password (", message, ")"));
  }
  if (message.find("database \"") != std::string::npos && message.find("does not exist") != std::string::npos) {
    return absl::InvalidArgumentError(StrCat("cannot connect to ", target, ": ", message));
  }
  if (message.find("SSL") != std::string::npos || message.find("ssl") != std::string::npos) {
    return absl::FailedPreconditionError(StrCat("cannot connect to ", target, " with sslmode '",
                                                request.connection.sslmode, "': ", message));
  }
  return absl::UnavailableError(StrCat("cannot connect to ", target, " (connect timeout ",
                                       request.connection.connect_timeout_seconds, " s): ", message));
}

// The failure of a statement: a broken connection is Unavailable, anything else is the query's fault.
Status StatementError(const QueryStagingRequest& request, PGconn* conn, const PGresult* result,
                      std::string_view what) {
  std::string message = ScrubSecret(TrimMessage(result ? PQresultErrorMessage(result) : PQerrorMessage(conn)),
                                    request.password);
  if (message.empty()) message = ScrubSecret(TrimMessage(PQerrorMessage(conn)), request.password);
  if (PQstatus(conn) == CONNECTION_BAD) {
    return absl::UnavailableError(StrCat("lost the connection to ", DescribeTarget(request), " ", what, ": ", message));
  }
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return absl::InvalidArgumentError(StrCat("the SelectSqlQuery failed on ", DescribeTarget(request),
                                           what.empty() ? "" : " ", what, ": ",
                                           message, sqlstate ? StrCat(" (SQLSTATE ", sqlstate, ")") : ""));
}

Result<ResultPtr> Exec(const QueryStagingRequest& request, PGconn* conn, const std::string& sql,
                       ExecStatusType expected, std::string_view what) {
  // The extended protocol (PQexecParams) runs exactly one statement: "...; DROP TABLE x" cannot ride along.
  ResultPtr result(PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
  if (!result || PQresultStatus(result.get()) != expected) {
    return StatementError(request, conn, result.get(), what);
  }
  return result;
}

}  // namespace

Result<QueryStagingResult> StagePostgresQuery(const QueryStagingRequest& request, ByteSink& sink) {
  const DatabaseConnection& c = request.connection;
  std::string host = c.socket.empty() ? c.host : c.socket;  // libpq takes a socket directory as the host
  std::string port = c.port ? std::to_string(c.port) : std::string();
  std::string connect_timeout = std::to_string(c.connect_timeout_seconds);
  std::vector<const char*> keys = {"host", "dbname", "user", "password", "sslmode", "connect_timeout",
                                   "application_name", "client_encoding"};
  std::vector<const char*> values = {host.c_str(),      request.database_name.c_str(), request.username.c_str(),
                                     request.password.c_str(), c.sslmode.c_str(), connect_timeout.c_str(),
                                     "openaml",         "UTF8"};
  if (!port.empty()) {
    keys.push_back("port");
    values.push_back(port.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  ConnPtr conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) return ConnectError(request, conn.get());

  if (c.query_timeout_seconds > 0) {
    OPENAML_RETURN_IF_ERROR(Exec(request, conn.get(),
                                 StrCat("SET statement_timeout = ", int64_t{c.query_timeout_seconds} * 1000),
                                 PGRES_COMMAND_OK, "while setting statement_timeout")
                                .status());
  }
  OPENAML_RETURN_IF_ERROR(
      Exec(request, conn.get(), "BEGIN READ ONLY", PGRES_COMMAND_OK, "while starting a transaction").status());
  OPENAML_RETURN_IF_ERROR(Exec(request, conn.get(),
                               StrCat("DECLARE ", kCursorName, " CURSOR FOR ", TrimQuery(request.select_sql_query)),
                               PGRES_COMMAND_OK, "")
                              .status());

  CsvStageWriter writer(sink, request.schema_sample_rows);
  std::string fetch = StrCat("FETCH FORWARD ", request.fetch_rows == 0 ? 1000 : request.fetch_rows, " FROM ", kCursorName);
  std::vector<bool> is_bool;
  bool begun = false;
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(ResultPtr batch, Exec(request, conn.get(), fetch, PGRES_TUPLES_OK, "while fetching rows"));
    PGresult* rows = batch.get();
    int field_count = PQnfields(rows);
    if (!begun) {
      std::vector<ColumnDescription> columns;
      for (int field_idx = 0; field_idx < field_count; ++field_idx) {
        uint32_t oid = PQftype(rows, field_idx);
        columns.push_back({PQfname(rows, field_idx), PostgresTypeName(oid), PostgresTypeClass(oid)});
        is_bool.push_back(oid == kBoolOid);
      }
      OPENAML_RETURN_IF_ERROR(writer.Begin(std::move(columns)));
      begun = true;
    }
    int row_count = PQntuples(rows);
    if (row_count == 0) break;
    for (int row_idx = 0; row_idx < row_count; ++row_idx) {
      for (int field_idx = 0; field_idx < field_count; ++field_idx) {
        if (PQgetisnull(rows, row_idx, field_idx)) {
          writer.AddField({}, true);
          continue;
        }
        std::string_view value(PQgetvalue(rows, row_idx, field_idx),
                               static_cast<size_t>(PQgetlength(rows, row_idx, field_idx)));
        // BINARY values as Amazon ML's own examples write them (spec §4.4): 1 and 0, not PostgreSQL's t and f.
        if (is_bool[field_idx]) value = value == "t" ? "1" : "0";
        writer.AddField(value, false);
      }
      OPENAML_RETURN_IF_ERROR(writer.EndRow());
    }
  }
  OPENAML_RETURN_IF_ERROR(
      Exec(request, conn.get(), StrCat("CLOSE ", kCursorName), PGRES_COMMAND_OK, "while closing the cursor").status());
  OPENAML_RETURN_IF_ERROR(Exec(request, conn.get(), "COMMIT", PGRES_COMMAND_OK, "while committing").status());
  return writer.Finish();
}

}  // namespace openaml::databases
