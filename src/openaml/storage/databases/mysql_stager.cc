// Staging a query from a MySQL-protocol server (MySQL, MariaDB, Amazon RDS for MySQL) with MariaDB
// Connector/C, streaming with mysql_use_result.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "errmsg.h"
#include "mysql.h"
#include "mysqld_error.h"
#include "openaml/common/str_cat.h"
#include "openaml/storage/databases/csv_stage_writer_internal.h"

namespace openaml::databases {
namespace {

struct MysqlDeleter {
  void operator()(MYSQL* mysql) const { mysql_close(mysql); }
};
struct MysqlResultDeleter {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using MysqlPtr = std::unique_ptr<MYSQL, MysqlDeleter>;
using MysqlResultPtr = std::unique_ptr<MYSQL_RES, MysqlResultDeleter>;

// mysql_library_init is not thread-safe and must run before the first mysql_init of a threaded program.
void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

bool IsConnectionLost(unsigned int error) {
  return error == CR_SERVER_GONE_ERROR || error == CR_SERVER_LOST || error == CR_CONNECTION_ERROR ||
         error == CR_CONN_HOST_ERROR;
}

Status ConnectError(const QueryStagingRequest& request, MYSQL* mysql) {
  unsigned int error = mysql_errno(mysql);
  std::string message = ScrubSecret(mysql_error(mysql), request.password);
  std::string target = DescribeTarget(request);
  if (error == ER_ACCESS_DENIED_ERROR || error == ER_DBACCESS_DENIED_ERROR ||
      error == ER_ACCESS_DENIED_NO_PASSWORD_ERROR) {
    return absl::UnauthenticatedError(StrCat("cannot log in to ", target, " as user '", request.username,
                                             "': wrong user name or password, or no access to the database (",
                                             message, ")"));
  }
  if (error == ER_BAD_DB_ERROR) return absl::InvalidArgumentError(StrCat("cannot connect to ", target, ": ", message));
  if (error == CR_SSL_CONNECTION_ERROR) {
    return absl::FailedPreconditionError(StrCat("cannot connect to ", target, " with sslmode '",
                                                request.connection.sslmode, "': ", message));
  }
  return absl::UnavailableError(StrCat("cannot connect to ", target, " (connect timeout ",
                                       request.connection.connect_timeout_seconds, " s): ", message, " [", error, "]"));
}

Status StatementError(const QueryStagingRequest& request, MYSQL* mysql, std::string_view what) {
  unsigned int error = mysql_errno(mysql);
  std::string message = ScrubSecret(mysql_error(mysql), request.password);
  if (IsConnectionLost(error)) {
    return absl::UnavailableError(StrCat("lost the connection to ", DescribeTarget(request), " ", what, ": ", message));
  }
  return absl::InvalidArgumentError(StrCat("the SelectSqlQuery failed on ", DescribeTarget(request),
                                           what.empty() ? "" : " ", what, ": ", message, " (error ", error, ")"));
}

// A BIT(n) value arrives as n/8 big-endian bytes; Amazon ML wants its number.
std::string BitValue(std::string_view bytes) {
  uint64_t value = 0;
  for (unsigned char byte : bytes) value = (value << 8) | byte;
  return std::to_string(value);
}

}  // namespace

Result<QueryStagingResult> StageMysqlQuery(const QueryStagingRequest& request, ByteSink& sink) {
  InitLibraryOnce();
  const DatabaseConnection& c = request.connection;
  MysqlPtr mysql(mysql_init(nullptr));
  if (!mysql) return absl::ResourceExhaustedError("MySQL client: out of memory");
  unsigned int connect_timeout = static_cast<unsigned int>(c.connect_timeout_seconds);
  mysql_optionsv(mysql.get(), MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  if (c.query_timeout_seconds > 0) {
    unsigned int read_timeout = static_cast<unsigned int>(c.query_timeout_seconds);
    mysql_optionsv(mysql.get(), MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  }
  // A hostile server may ask the client for a local file (LOAD DATA LOCAL): never.
  unsigned int local_infile = 0;
  mysql_optionsv(mysql.get(), MYSQL_OPT_LOCAL_INFILE, &local_infile);
  mysql_optionsv(mysql.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(mysql.get(), MYSQL_READ_DEFAULT_FILE, "/dev/null");  // no option files of the server's user
  if (c.sslmode == "require" || c.sslmode == "verify-ca" || c.sslmode == "verify-full") {
    my_bool enforce = 1;
    mysql_optionsv(mysql.get(), MYSQL_OPT_SSL_ENFORCE, &enforce);
    my_bool verify = c.sslmode != "require";
    mysql_optionsv(mysql.get(), MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
  const char* host = nullptr;
  const char* socket = nullptr;
  if (c.socket.empty()) {
    // A host of "localhost" would silently mean the default socket: name TCP explicitly.
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    mysql_optionsv(mysql.get(), MYSQL_OPT_PROTOCOL, &protocol);
    host = c.host.c_str();
  } else {
    unsigned int protocol = MYSQL_PROTOCOL_SOCKET;
    mysql_optionsv(mysql.get(), MYSQL_OPT_PROTOCOL, &protocol);
    host = "localhost";
    socket = c.socket.c_str();
  }
  // No CLIENT_MULTI_STATEMENTS: "SELECT ...; DROP TABLE x" is a syntax error, not two statements.
  if (!mysql_real_connect(mysql.get(), host, request.username.c_str(), request.password.c_str(),
                          request.database_name.c_str(), c.port, socket, 0)) {
    return ConnectError(request, mysql.get());
  }
  if (mysql_query(mysql.get(), "START TRANSACTION READ ONLY") != 0) {
    return StatementError(request, mysql.get(), "while starting a transaction");
  }
  std::string_view query = TrimQuery(request.select_sql_query);
  if (mysql_real_query(mysql.get(), query.data(), query.size()) != 0) return StatementError(request, mysql.get(), "");
  MysqlResultPtr result(mysql_use_result(mysql.get()));
  if (!result) {
    if (mysql_errno(mysql.get()) != 0) return StatementError(request, mysql.get(), "");
    return absl::InvalidArgumentError(
        StrCat("the SelectSqlQuery on ", DescribeTarget(request), " returned no result set (it must be a SELECT)"));
  }
  unsigned int field_count = mysql_num_fields(result.get());
  MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
  std::vector<ColumnDescription> columns;
  std::vector<bool> is_bit;
  for (unsigned int field_idx = 0; field_idx < field_count; ++field_idx) {
    const MYSQL_FIELD& field = fields[field_idx];
    columns.push_back({std::string(field.name, field.name_length), MysqlTypeName(field.type),
                       MysqlTypeClass(field.type, field.length)});
    is_bit.push_back(field.type == MYSQL_TYPE_BIT);
  }
  CsvStageWriter writer(sink, request.schema_sample_rows);
  OPENAML_RETURN_IF_ERROR(writer.Begin(std::move(columns)));
  std::string bit_text;
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    unsigned long* lengths = mysql_fetch_lengths(result.get());
    for (unsigned int field_idx = 0; field_idx < field_count; ++field_idx) {
      if (row[field_idx] == nullptr) {
        writer.AddField({}, true);
        continue;
      }
      std::string_view value(row[field_idx], lengths[field_idx]);
      if (is_bit[field_idx]) {
        bit_text = BitValue(value);
        value = bit_text;
      }
      writer.AddField(value, false);
    }
    OPENAML_RETURN_IF_ERROR(writer.EndRow());
  }
  // mysql_fetch_row returns NULL both at the end and on an error.
  if (mysql_errno(mysql.get()) != 0) return StatementError(request, mysql.get(), "while fetching rows");
  result.reset();
  if (mysql_query(mysql.get(), "COMMIT") != 0) return StatementError(request, mysql.get(), "while committing");
  return writer.Finish();
}

}  // namespace openaml::databases
