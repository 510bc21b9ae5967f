// StageQueryAsCsv against real servers: PostgreSQL 15 and MariaDB started by scripts/db-test-servers (the CTest
// fixture databases_servers_start, or this binary itself when run alone).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libpq-fe.h"
#include "mysql.h"
#include "openaml/storage/databases/query_stager.h"
#include "openaml/storage/databases/test_util_internal.h"

namespace openaml::databases {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_internal::MemorySink;

constexpr const char* kBankingColumns =
    "age INT, job VARCHAR(32), marital VARCHAR(32), education VARCHAR(32), \"default\" VARCHAR(16), "
    "housing VARCHAR(16), loan VARCHAR(16), contact VARCHAR(16), month VARCHAR(8), day_of_week VARCHAR(8), "
    "duration INT, campaign INT, pdays INT, previous INT, poutcome VARCHAR(16), emp_var_rate DOUBLE PRECISION, "
    "cons_price_idx DOUBLE PRECISION, cons_conf_idx DOUBLE PRECISION, euribor3m DOUBLE PRECISION, "
    "nr_employed DOUBLE PRECISION, y BOOLEAN";

// The table keeps the file's row order in row_idx; the view `banking` is what the tests SELECT * from (a heap
// table has no order of its own: PostgreSQL's COPY may place rows out of file order).
constexpr const char* kBankingColumnNames =
    "age, job, marital, education, \"default\", housing, loan, contact, month, day_of_week, duration, campaign, "
    "pdays, previous, poutcome, emp_var_rate, cons_price_idx, cons_conf_idx, euribor3m, nr_employed, y";

std::string MysqlQuoted(std::string sql) {
  size_t pos;
  while ((pos = sql.find('"')) != std::string::npos) sql[pos] = '`';
  return sql;
}

std::string BankingPath() { return std::string(OPENAML_SOURCE_DIR) + "/examples/banking/banking.csv"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// Where the servers are: the variables of `scripts/db-test-servers env`.
struct ServerEnv {
  std::map<std::string, std::string> vars;
  std::string Get(const std::string& name) const {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  }
};

ServerEnv* g_env = nullptr;
std::string g_skip_reason;

class ServersEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string script = std::string(OPENAML_SOURCE_DIR) + "/scripts/db-test-servers";
    int rc = std::system((script + " start").c_str());
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 3) {
      g_skip_reason = "PostgreSQL / MariaDB server binaries are not installed (run scripts/install-deps)";
      return;
    }
    ASSERT_EQ(rc, 0) << "scripts/db-test-servers start failed";
    FILE* pipe = popen((script + " env").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    pclose(pipe);
    g_env = new ServerEnv;
    for (const std::string& line : Lines(output)) {
      std::string assignment = line.rfind("export ", 0) == 0 ? line.substr(7) : line;
      size_t eq = assignment.find('=');
      if (eq != std::string::npos) g_env->vars[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    }
  }
};

const ::testing::Environment* const kServers = ::testing::AddGlobalTestEnvironment(new ServersEnvironment);

// Direct connections for loading test data (the code under test only reads).
struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct MysqlDeleter {
  void operator()(MYSQL* m) const { mysql_close(m); }
};

std::unique_ptr<PGconn, PgConnDeleter> PgAdmin() {
  std::string conninfo = "host=127.0.0.1 port=" + g_env->Get("OPENAML_TEST_PG_PORT") +
                         " dbname=" + g_env->Get("OPENAML_TEST_DB_NAME") + " user=" + g_env->Get("OPENAML_TEST_DB_USER") +
                         " password=" + g_env->Get("OPENAML_TEST_DB_PASSWORD");
  return std::unique_ptr<PGconn, PgConnDeleter>(PQconnectdb(conninfo.c_str()));
}

void PgExec(PGconn* conn, const std::string& sql) {
  PGresult* result = PQexec(conn, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(conn);
  PQclear(result);
}

std::unique_ptr<MYSQL, MysqlDeleter> MysqlAdmin() {
  std::unique_ptr<MYSQL, MysqlDeleter> mysql(mysql_init(nullptr));
  unsigned int local_infile = 1;
  mysql_optionsv(mysql.get(), MYSQL_OPT_LOCAL_INFILE, &local_infile);
  EXPECT_NE(mysql_real_connect(mysql.get(), "localhost", g_env->Get("OPENAML_TEST_DB_USER").c_str(),
                               g_env->Get("OPENAML_TEST_DB_PASSWORD").c_str(), g_env->Get("OPENAML_TEST_DB_NAME").c_str(),
                               0, g_env->Get("OPENAML_TEST_MYSQL_SOCKET").c_str(), 0),
            nullptr)
      << mysql_error(mysql.get());
  return mysql;
}

void MysqlExec(MYSQL* mysql, const std::string& sql) {
  EXPECT_EQ(mysql_query(mysql, sql.c_str()), 0) << sql << ": " << mysql_error(mysql);
  if (MYSQL_RES* result = mysql_store_result(mysql)) mysql_free_result(result);
}

// Tables shared by the tests, loaded once per process.
void LoadPostgres() {
  static bool loaded = false;
  if (loaded) return;
  loaded = true;
  auto conn = PgAdmin();
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  // Each CTest process runs one test: load once per server (the marker table is created last).
  PGresult* marker = PQexec(conn.get(), "SELECT 1 FROM load_complete");
  bool done_before = PQresultStatus(marker) == PGRES_TUPLES_OK;
  PQclear(marker);
  if (done_before) return;
  PgExec(conn.get(), "SET client_min_messages = warning");
  PgExec(conn.get(), std::string("DROP VIEW IF EXISTS banking; DROP TABLE IF EXISTS banking_rows; "
                                  "CREATE TABLE banking_rows (row_idx SERIAL PRIMARY KEY, ") +
                          kBankingColumns + ")");
  PGresult* copy = PQexec(conn.get(), (std::string("COPY banking_rows (") + kBankingColumnNames +
                                       ") FROM STDIN WITH (FORMAT csv, HEADER true)")
                                          .c_str());
  ASSERT_EQ(PQresultStatus(copy), PGRES_COPY_IN) << PQerrorMessage(conn.get());
  PQclear(copy);
  std::string data = ReadFile(BankingPath());
  ASSERT_EQ(PQputCopyData(conn.get(), data.data(), static_cast<int>(data.size())), 1);
  ASSERT_EQ(PQputCopyEnd(conn.get(), nullptr), 1);
  PGresult* done = PQgetResult(conn.get());
  ASSERT_EQ(PQresultStatus(done), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());
  PQclear(done);
  while (PGresult* more = PQgetResult(conn.get())) PQclear(more);
  PgExec(conn.get(), std::string("CREATE VIEW banking AS SELECT ") + kBankingColumnNames +
                         " FROM banking_rows ORDER BY row_idx");
  PgExec(conn.get(),
         "DROP TABLE IF EXISTS types; CREATE TABLE types (i2 SMALLINT, i4 INTEGER, i8 BIGINT, dec DECIMAL(10,2), "
         "r REAL, d DOUBLE PRECISION, b BOOLEAN, c CHAR(3), vc VARCHAR(200), t TEXT, dt DATE, ts TIMESTAMP, "
         "by BYTEA, long_text TEXT)");
  PgExec(conn.get(),
         "INSERT INTO types VALUES (1, 2, 3, 4.50, 1.5, 2.25, true, 'abc', 'x', 'y', '2024-01-02', "
         "'2024-01-02 03:04:05', '\\x01', 'one two three four five six seven eight nine ten eleven twelve "
         "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone'), "
         "(NULL, -2, NULL, NULL, NULL, NULL, false, 'de', 'a,b', 'say \"hi\"', NULL, NULL, NULL, 'line\nbreak')");
  PgExec(conn.get(), "DROP TABLE IF EXISTS empty_table; CREATE TABLE empty_table (a INT)");
  PgExec(conn.get(), "CREATE TABLE load_complete (a INT)");
}

void LoadMysql() {
  static bool loaded = false;
  if (loaded) return;
  loaded = true;
  auto mysql = MysqlAdmin();
  if (mysql_query(mysql.get(), "SELECT 1 FROM load_complete") == 0) {
    if (MYSQL_RES* result = mysql_store_result(mysql.get())) mysql_free_result(result);
    return;
  }
  MysqlExec(mysql.get(), "DROP VIEW IF EXISTS banking");
  MysqlExec(mysql.get(), "DROP TABLE IF EXISTS banking_rows");
  MysqlExec(mysql.get(), MysqlQuoted(std::string("CREATE TABLE banking_rows (row_idx INT AUTO_INCREMENT PRIMARY KEY, ") +
                                     kBankingColumns + ")"));
  MysqlExec(mysql.get(), "LOAD DATA LOCAL INFILE '" + BankingPath() +
                             "' INTO TABLE banking_rows FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' "
                             "LINES TERMINATED BY '\\n' IGNORE 1 LINES (" +
                             MysqlQuoted(kBankingColumnNames) + ")");
  MysqlExec(mysql.get(), MysqlQuoted(std::string("CREATE VIEW banking AS SELECT ") + kBankingColumnNames +
                                     " FROM banking_rows ORDER BY row_idx"));
  MysqlExec(mysql.get(), "DROP TABLE IF EXISTS types");
  MysqlExec(mysql.get(),
            "CREATE TABLE types (i2 SMALLINT, i4 INT, i8 BIGINT, `dec` DECIMAL(10,2), r FLOAT, d DOUBLE, "
            "b BOOLEAN, bit1 BIT(1), c CHAR(3), vc VARCHAR(200), t TEXT, dt DATE, ts DATETIME, e ENUM('s','m'), "
            "long_text TEXT)");
  MysqlExec(mysql.get(),
            "INSERT INTO types VALUES (1, 2, 3, 4.50, 1.5, 2.25, true, b'1', 'abc', 'x', 'y', '2024-01-02', "
            "'2024-01-02 03:04:05', 's', 'one two three four five six seven eight nine ten eleven twelve "
            "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone'), "
            "(NULL, -2, NULL, NULL, NULL, NULL, false, b'0', 'de', 'a,b', 'say \"hi\"', NULL, NULL, 'm', "
            "'line\\nbreak')");
  MysqlExec(mysql.get(), "DROP TABLE IF EXISTS empty_table");
  MysqlExec(mysql.get(), "CREATE TABLE empty_table (a INT)");
  MysqlExec(mysql.get(), "CREATE TABLE load_complete (a INT)");
}

// The two engines, the same tests.
class QueryStagerTest : public ::testing::TestWithParam<DatabaseEngine> {
 protected:
  void SetUp() override {
    if (!g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
    ASSERT_NE(g_env, nullptr) << "servers not started";
    if (GetParam() == DatabaseEngine::kPostgresql) {
      ASSERT_NO_FATAL_FAILURE(LoadPostgres());
    } else {
      ASSERT_NO_FATAL_FAILURE(LoadMysql());
    }
  }

  bool is_pg() const { return GetParam() == DatabaseEngine::kPostgresql; }

  // A request over TCP with the test user.
  QueryStagingRequest Request(std::string query) const {
    QueryStagingRequest request;
    request.connection.name = is_pg() ? "test-cluster" : "test-instance";
    request.connection.engine = GetParam();
    request.connection.host = "127.0.0.1";
    request.connection.port =
        static_cast<uint16_t>(std::stoi(g_env->Get(is_pg() ? "OPENAML_TEST_PG_PORT" : "OPENAML_TEST_MYSQL_PORT")));
    request.connection.sslmode = "disable";
    request.connection.connect_timeout_seconds = 2;
    request.database_name = g_env->Get("OPENAML_TEST_DB_NAME");
    request.username = g_env->Get("OPENAML_TEST_DB_USER");
    request.password = g_env->Get("OPENAML_TEST_DB_PASSWORD");
    request.select_sql_query = std::move(query);
    return request;
  }

  void ExpectNoPassword(const Status& status, const QueryStagingRequest& request) {
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(request.password)));
  }
};

TEST_P(QueryStagerTest, StagesBankingRowByRowAsTheOriginalCsv) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT * FROM banking;");
  request.fetch_rows = 997;  // several fetches, the last one partial
  auto result = StageQueryAsCsv(request, sink);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(sink.committed());
  std::vector<std::string> original = Lines(ReadFile(BankingPath()));
  std::vector<std::string> staged = Lines(sink.data());
  ASSERT_EQ(staged.size(), original.size());
  for (size_t line_idx = 0; line_idx < original.size(); ++line_idx) {
    ASSERT_EQ(staged[line_idx], original[line_idx]) << "line " << line_idx + 1;
  }
  EXPECT_EQ(result->row_count, original.size() - 1);
  EXPECT_EQ(result->byte_count, sink.data().size());
  ASSERT_EQ(result->columns.size(), 21u);
  EXPECT_EQ(result->columns[4].name, "default");
  const Schema& schema = result->schema;
  EXPECT_TRUE(schema.data_file_contains_header);
  EXPECT_EQ(schema.attributes[0].type, AttributeType::kNumeric);       // age INT
  EXPECT_EQ(schema.attributes[1].type, AttributeType::kCategorical);   // job VARCHAR, refined
  EXPECT_EQ(schema.attributes[15].type, AttributeType::kNumeric);      // emp_var_rate DOUBLE
  EXPECT_EQ(schema.attributes[20].type, AttributeType::kBinary);       // y BOOLEAN
}

TEST_P(QueryStagerTest, UnixSocketConnectionWorks) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT age, job FROM banking WHERE age > 90 ORDER BY age, job");
  request.connection.host.clear();
  request.connection.port = is_pg() ? request.connection.port : 0;  // PostgreSQL names the socket by its port
  request.connection.socket = g_env->Get(is_pg() ? "OPENAML_TEST_PG_SOCKET_DIR" : "OPENAML_TEST_MYSQL_SOCKET");
  auto result = StageQueryAsCsv(request, sink);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Lines(sink.data())[0], "age,job");
  EXPECT_GT(result->row_count, 0u);
}

TEST_P(QueryStagerTest, MapsColumnTypesAndEncodesValues) {
  MemorySink sink;
  auto result = StageQueryAsCsv(Request("SELECT * FROM types ORDER BY i4 DESC"), sink);
  ASSERT_TRUE(result.ok()) << result.status();
  std::map<std::string, AttributeType> types;
  for (const Attribute& attribute : result->schema.attributes) types[attribute.name] = attribute.type;
  // Spec §4.7.
  for (const char* numeric : {"i2", "i4", "i8", "dec", "r", "d"}) EXPECT_EQ(types[numeric], AttributeType::kNumeric) << numeric;
  EXPECT_EQ(types["b"], AttributeType::kBinary);
  EXPECT_EQ(types["c"], AttributeType::kCategorical);
  EXPECT_EQ(types["vc"], AttributeType::kCategorical);  // short values: inference says CATEGORICAL
  EXPECT_EQ(types["t"], AttributeType::kCategorical);
  EXPECT_EQ(types["dt"], AttributeType::kCategorical);  // text-like, refined by inference
  EXPECT_EQ(types["long_text"], AttributeType::kText);   // more than 20 words
  std::vector<std::string> lines = Lines(sink.data());
  if (is_pg()) {
    EXPECT_EQ(lines[0], "i2,i4,i8,dec,r,d,b,c,vc,t,dt,ts,by,long_text");
    EXPECT_THAT(lines[1], ::testing::StartsWith("1,2,3,4.50,1.5,2.25,1,abc,x,y,2024-01-02,2024-01-02 03:04:05,\\x01,"));
    EXPECT_EQ(lines[2], ",-2,,,,,0,\"de \",\"a,b\",\"say \"\"hi\"\"\",,,,\"line");  // CHAR(3) pads; NULL is empty
    EXPECT_EQ(types["by"], AttributeType::kCategorical);
  } else {
    EXPECT_EQ(lines[0], "i2,i4,i8,dec,r,d,b,bit1,c,vc,t,dt,ts,e,long_text");
    EXPECT_THAT(lines[1], ::testing::StartsWith("1,2,3,4.50,1.5,2.25,1,1,abc,x,y,2024-01-02,2024-01-02 03:04:05,s,"));
    EXPECT_EQ(lines[2], ",-2,,,,,0,0,de,\"a,b\",\"say \"\"hi\"\"\",,,m,\"line");
    EXPECT_EQ(types["bit1"], AttributeType::kBinary);
    EXPECT_EQ(types["e"], AttributeType::kCategorical);
  }
  EXPECT_EQ(lines[3], "break\"");
}

TEST_P(QueryStagerTest, DuplicateAndUnnamedColumnsGetUniqueNames) {
  MemorySink sink;
  auto result = StageQueryAsCsv(Request("SELECT age, age, 1 + 1 FROM banking LIMIT 1"), sink);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->columns[0].name, "age");
  EXPECT_EQ(result->columns[1].name, "age_2");
  EXPECT_TRUE(result->schema.Validate().ok());
}

TEST_P(QueryStagerTest, WrongPasswordIsUnauthenticatedWithoutThePassword) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT 1");
  request.password = "Wr0ng-Passw0rd!";
  auto result = StageQueryAsCsv(request, sink);
  EXPECT_TRUE(absl::IsUnauthenticated(result.status())) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("wrong user name or password"));
  ExpectNoPassword(result.status(), request);
  EXPECT_FALSE(sink.committed());
}

TEST_P(QueryStagerTest, UnknownUserIsUnauthenticated) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT 1");
  request.username = "nobody_here";
  auto result = StageQueryAsCsv(request, sink);
  EXPECT_TRUE(absl::IsUnauthenticated(result.status())) << result.status();
  ExpectNoPassword(result.status(), request);
}

TEST_P(QueryStagerTest, UnknownDatabaseIsInvalidArgument) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT 1");
  request.database_name = "nosuchdb";
  auto result = StageQueryAsCsv(request, sink);
  EXPECT_FALSE(result.ok());
  // MariaDB answers an unknown database to a user without global rights as access denied.
  EXPECT_TRUE(absl::IsInvalidArgument(result.status()) || absl::IsUnauthenticated(result.status())) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("nosuchdb"));
}

TEST_P(QueryStagerTest, RefusedPortIsUnavailable) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT 1");
  request.connection.port = 1;  // nothing listens on port 1 of the loopback
  auto result = StageQueryAsCsv(request, sink);
  EXPECT_TRUE(absl::IsUnavailable(result.status())) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("cannot connect"));
  ExpectNoPassword(result.status(), request);
}

TEST_P(QueryStagerTest, UnreachableHostGivesUpAfterTheConnectTimeout) {
  MemorySink sink;
  QueryStagingRequest request = Request("SELECT 1");
  request.connection.host = "192.0.2.1";  // TEST-NET-1 (RFC 5737): never answers
  request.connection.port = 5432;
  request.connection.connect_timeout_seconds = 2;
  auto start = std::chrono::steady_clock::now();
  auto result = StageQueryAsCsv(request, sink);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(absl::IsUnavailable(result.status())) << result.status();
  // Generous bound: the point is that the timeout applies, not its precision.
  EXPECT_LT(seconds, 20.0);
}

TEST_P(QueryStagerTest, FailingQueryIsInvalidArgumentWithTheServersMessage) {
  MemorySink sink;
  auto result = StageQueryAsCsv(Request("SELECT * FROM no_such_table"), sink);
  EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("no_such_table"));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("SelectSqlQuery failed"));
  EXPECT_FALSE(sink.committed());
}

TEST_P(QueryStagerTest, ErrorWhileStreamingIsReported) {
  MemorySink sink;
  // Fails at execution after rows have streamed: a division by zero in PostgreSQL (MariaDB makes it NULL),
  // a scalar subquery with several rows in MariaDB.
  auto result = StageQueryAsCsv(Request(is_pg() ? "SELECT age / (age - 98) FROM banking"
                                                : "SELECT age, (SELECT 1 FROM banking WHERE age > 95) FROM banking"),
                                sink);
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(sink.committed());
}

TEST_P(QueryStagerTest, ZeroRowsIsAnErrorAndNothingIsCommitted) {
  MemorySink sink;
  auto result = StageQueryAsCsv(Request("SELECT * FROM empty_table"), sink);
  EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("no rows"));
  EXPECT_FALSE(sink.committed());
}

TEST_P(QueryStagerTest, EmptyQueryIsRejected) {
  MemorySink sink;
  EXPECT_TRUE(absl::IsInvalidArgument(StageQueryAsCsv(Request(" ; "), sink).status()));
}

TEST_P(QueryStagerTest, WritesAndPiggybackedStatementsAreRefused) {
  for (const char* query : {"SELECT 1; DROP TABLE empty_table", "DELETE FROM empty_table",
                            "INSERT INTO empty_table VALUES (1)"}) {
    MemorySink sink;
    auto result = StageQueryAsCsv(Request(query), sink);
    EXPECT_FALSE(result.ok()) << query;
    EXPECT_FALSE(sink.committed()) << query;
  }
  MemorySink sink;
  EXPECT_TRUE(absl::IsInvalidArgument(StageQueryAsCsv(Request("SELECT * FROM empty_table"), sink).status()))
      << "empty_table must still exist";
}

INSTANTIATE_TEST_SUITE_P(Engines, QueryStagerTest,
                         ::testing::Values(DatabaseEngine::kPostgresql, DatabaseEngine::kMysql),
                         [](const ::testing::TestParamInfo<DatabaseEngine>& info) {
                           return std::string(info.param == DatabaseEngine::kPostgresql ? "PostgreSQL" : "MariaDB");
                         });

}  // namespace
}  // namespace openaml::databases
