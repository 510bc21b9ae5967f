#include "openaml/storage/databases/database_connections.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace openaml::databases {
namespace {

using ::testing::HasSubstr;

TEST(DatabaseConnections, ParsesBothSectionsWithDefaults) {
  auto connections = DatabaseConnections::FromJson(R"({
    "redshift": {"analytics-1": {"host": "10.0.0.5", "port": 5439, "sslmode": "require"}},
    "rds": {"orders-db": {"socket": "/run/mysqld/mysqld.sock", "connectTimeoutSeconds": 3}}
  })");
  ASSERT_TRUE(connections.ok()) << connections.status();
  EXPECT_EQ(connections->size(), 2u);

  auto redshift = connections->Find(ConnectionKind::kRedshift, "analytics-1");
  ASSERT_TRUE(redshift.ok()) << redshift.status();
  EXPECT_EQ(redshift->engine, DatabaseEngine::kPostgresql);
  EXPECT_EQ(redshift->host, "10.0.0.5");
  EXPECT_EQ(redshift->port, 5439);
  EXPECT_EQ(redshift->sslmode, "require");
  EXPECT_EQ(redshift->connect_timeout_seconds, 10);

  auto rds = connections->Find(ConnectionKind::kRds, "orders-db");
  ASSERT_TRUE(rds.ok()) << rds.status();
  EXPECT_EQ(rds->engine, DatabaseEngine::kMysql);
  EXPECT_EQ(rds->socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(rds->port, 0);
  EXPECT_EQ(rds->connect_timeout_seconds, 3);
}

TEST(DatabaseConnections, EitherSectionMayNameEitherEngine) {
  auto connections = DatabaseConnections::FromJson(
      R"({"rds": {"pg-instance": {"engine": "postgresql", "host": "db"}}, "redshift": {}})");
  ASSERT_TRUE(connections.ok()) << connections.status();
  EXPECT_EQ(connections->Find(ConnectionKind::kRds, "pg-instance")->engine, DatabaseEngine::kPostgresql);
}

TEST(DatabaseConnections, FindIsPerSectionAndSaysWhereToConfigure) {
  auto connections = DatabaseConnections::FromJson(R"({"redshift": {"c1": {"host": "h"}}})");
  ASSERT_TRUE(connections.ok());
  auto missing = connections->Find(ConnectionKind::kRds, "c1");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("InstanceIdentifier 'c1'"));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("'rds' section"));
}

struct BadConfig {
  const char* json;
  const char* expected;
};

class DatabaseConnectionsBad : public ::testing::TestWithParam<BadConfig> {};

TEST_P(DatabaseConnectionsBad, IsRejectedNamingTheField) {
  auto connections = DatabaseConnections::FromJson(GetParam().json);
  ASSERT_FALSE(connections.ok()) << GetParam().json;
  EXPECT_TRUE(absl::IsInvalidArgument(connections.status()));
  EXPECT_THAT(std::string(connections.status().message()), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DatabaseConnectionsBad,
    ::testing::Values(
        BadConfig{"", "not valid JSON"}, BadConfig{"{\"redshift\": {", "not valid JSON"},
        BadConfig{"[]", "top level must be an object"}, BadConfig{R"({"mysql": {}})", "mysql: unknown member"},
        BadConfig{R"({"rds": []})", "rds: must be an object"},
        BadConfig{R"({"rds": {"Bad_Name": {"host": "h"}}})", "rds.Bad_Name: identifier must be"},
        BadConfig{R"({"rds": {"": {"host": "h"}}})", "identifier must be"},
        BadConfig{R"({"rds": {"x": "h"}})", "rds.x: must be an object"},
        BadConfig{R"({"rds": {"x": {}}})", "exactly one of 'host'"},
        BadConfig{R"({"rds": {"x": {"host": "h", "socket": "/s"}}})", "exactly one of 'host'"},
        BadConfig{R"({"rds": {"x": {"host": ""}}})", "rds.x.host: must not be empty"},
        BadConfig{R"({"rds": {"x": {"host": "a b"}}})", "rds.x.host: must be a host name"},
        BadConfig{R"({"rds": {"x": {"host": 5}}})", "rds.x.host: must be a string"},
        BadConfig{R"({"rds": {"x": {"socket": "relative.sock"}}})", "rds.x.socket: must be an absolute path"},
        BadConfig{R"({"rds": {"x": {"host": "h", "port": 0}}})", "rds.x.port: must be an integer 1-65535"},
        BadConfig{R"({"rds": {"x": {"host": "h", "port": 70000}}})", "rds.x.port"},
        BadConfig{R"({"rds": {"x": {"host": "h", "port": "5432"}}})", "rds.x.port"},
        BadConfig{R"({"rds": {"x": {"host": "h", "engine": "oracle"}}})", "'oracle' is not one of postgresql, mysql"},
        BadConfig{R"({"rds": {"x": {"host": "h", "sslmode": "maybe"}}})", "rds.x.sslmode: 'maybe'"},
        BadConfig{R"({"rds": {"x": {"host": "h", "connectTimeoutSeconds": 0}}})", "connectTimeoutSeconds"},
        BadConfig{R"({"rds": {"x": {"host": "h", "queryTimeoutSeconds": -1}}})", "queryTimeoutSeconds"},
        BadConfig{R"({"rds": {"x": {"host": "h", "password": "secret"}}})", "unknown member 'password'"}));

TEST(DatabaseConnections, LoadReadsAFileAndNamesItInErrors) {
  std::string path = ::testing::TempDir() + "/databases_test_connections.json";
  {
    std::ofstream out(path);
    out << R"({"redshift": {"c1": {"host": "h", "port": 70000}}})";
  }
  auto bad = DatabaseConnections::Load(path);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("redshift.c1.port"));
  {
    std::ofstream out(path);
    out << R"({"redshift": {"c1": {"host": "h"}}})";
  }
  auto good = DatabaseConnections::Load(path);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_TRUE(good->Find(ConnectionKind::kRedshift, "c1").ok());
  std::remove(path.c_str());
  EXPECT_TRUE(absl::IsNotFound(DatabaseConnections::Load(path).status()));
}

}  // namespace
}  // namespace openaml::databases
