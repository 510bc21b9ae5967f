"""CreateDataSourceFromRedshift (PostgreSQL protocol) and CreateDataSourceFromRDS (MariaDB) through boto3
(issue 8, spec §3.3): banking.csv loaded into real PostgreSQL 15 and MariaDB servers (scripts/db-test-servers),
datasources from a SELECT, a BINARY model on each with the same AUC as the model trained from the CSV in S3, and
each failure case ending FAILED with a clear Message, the password never returned or stored.

Servers: when OPENAML_TEST_PG_PORT is set (`eval "$(scripts/db-test-servers env)"`) those are used; otherwise this
module starts its own in a temporary directory and stops them at the end.
"""
import json
import os
import pathlib
import subprocess
import tempfile

import pytest
from botocore.exceptions import ClientError

from ml_helpers import client, make_bucket, put_text, unique, wait

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "db-test-servers"
BANKING = ROOT / "examples" / "banking" / "banking.csv"
BANKING_SCHEMA = ROOT / "examples" / "banking" / "banking.csv.schema"
PASSWORD = "openaml-test-pw"
COLUMNS = ("age job marital education default housing loan contact month day_of_week duration campaign pdays "
           "previous poutcome emp_var_rate cons_price_idx cons_conf_idx euribor3m nr_employed y").split()
TYPES = {"age": "INT", "duration": "INT", "campaign": "INT", "pdays": "INT", "previous": "INT",
         "emp_var_rate": "DOUBLE PRECISION", "cons_price_idx": "DOUBLE PRECISION", "cons_conf_idx": "DOUBLE PRECISION",
         "euribor3m": "DOUBLE PRECISION", "nr_employed": "DOUBLE PRECISION", "y": "BOOLEAN"}
QUOTED = {"default"}


def column_defs(quote):
    return ", ".join(f"{quote}{c}{quote} {TYPES.get(c, 'VARCHAR(32)')}" for c in COLUMNS)


def column_list(quote):
    return ", ".join(f"{quote}{c}{quote}" if c in QUOTED else c for c in COLUMNS)


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    env = dict(os.environ)
    own = "OPENAML_TEST_PG_PORT" not in env
    if own:
        # Not under pytest's 0700 tmp dir: the servers run as another OS user (postgres) when we are root.
        env["OPENAML_DB_TEST_DIR"] = tempfile.mkdtemp(prefix="openaml-db-")
        os.chmod(env["OPENAML_DB_TEST_DIR"], 0o755)
        started = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True)
        if started.returncode == 3:
            pytest.skip(f"database server binaries absent: {started.stderr.strip()}")
        assert started.returncode == 0, started.stderr
        out = subprocess.run([str(SCRIPT), "env"], env=env, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value
    load_postgres(env)
    load_mysql(env)
    yield env
    if own:
        subprocess.run([str(SCRIPT), "stop"], env=env, check=False)


def load_postgres(env):
    sql = (f"DROP TABLE IF EXISTS ml_banking_rows; CREATE TABLE ml_banking_rows (row_idx SERIAL PRIMARY KEY, "
           f"{column_defs(chr(34))}); DROP TABLE IF EXISTS ml_empty_table; CREATE TABLE ml_empty_table (a INT);")
    psql = ["/usr/lib/postgresql/15/bin/psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
            "-p", env["OPENAML_TEST_PG_PORT"], "-U", env["OPENAML_TEST_DB_USER"], env["OPENAML_TEST_DB_NAME"]]
    penv = dict(env, PGPASSWORD=env["OPENAML_TEST_DB_PASSWORD"])
    subprocess.run(psql + ["-c", sql], env=penv, check=True, capture_output=True)
    copy = f"\\copy ml_banking_rows ({column_list(chr(34))}) FROM '{BANKING}' WITH (FORMAT csv, HEADER true)"
    subprocess.run(psql + ["-c", copy], env=penv, check=True, capture_output=True)


def load_mysql(env):
    sql = (f"DROP TABLE IF EXISTS ml_banking_rows; CREATE TABLE ml_banking_rows (row_idx INT AUTO_INCREMENT PRIMARY KEY, "
           f"{column_defs('`')}); DROP TABLE IF EXISTS ml_empty_table; CREATE TABLE ml_empty_table (a INT); "
           f"LOAD DATA LOCAL INFILE '{BANKING}' INTO TABLE ml_banking_rows FIELDS TERMINATED BY ',' "
           f"LINES TERMINATED BY '\\n' IGNORE 1 LINES ({column_list('`')});")
    subprocess.run(["mariadb", "--no-defaults", "--local-infile=1", "-S", env["OPENAML_TEST_MYSQL_SOCKET"],
                    "-u", env["OPENAML_TEST_DB_USER"], f"-p{env['OPENAML_TEST_DB_PASSWORD']}",
                    env["OPENAML_TEST_DB_NAME"], "-e", sql], check=True, capture_output=True)


@pytest.fixture(scope="module")
def setup(server, dbs):
    """The server's named connections (read at each request) and a bucket with banking.csv and its schema."""
    (server.data_dir / "databases.json").write_text(json.dumps({
        "redshift": {
            "banking-pg": {"host": "127.0.0.1", "port": int(dbs["OPENAML_TEST_PG_PORT"]), "sslmode": "disable"},
            "refused-pg": {"host": "127.0.0.1", "port": 1, "connectTimeoutSeconds": 2},
        },
        "rds": {
            "banking-maria": {"engine": "mysql", "socket": dbs["OPENAML_TEST_MYSQL_SOCKET"]},
        },
    }))
    s3 = client(server, "s3")
    bucket = make_bucket(s3)
    schema = json.loads(BANKING_SCHEMA.read_text())
    schema["targetAttributeName"] = "y"
    schema["attributes"] = [a if a["attributeName"] != "y" else {"attributeName": "y", "attributeType": "BINARY"}
                            for a in schema["attributes"]]
    s3.put_object(Bucket=bucket, Key="banking.csv", Body=BANKING.read_bytes())
    return {"bucket": bucket, "schema": json.dumps(schema), "ml": client(server, "machinelearning")}


def query(quote):
    return f"SELECT {column_list(quote)} FROM ml_banking_rows ORDER BY row_idx"


def redshift(setup, ds_id, sql=None, cluster="banking-pg", password=PASSWORD, schema=True, split=(0, 70)):
    spec = {"DatabaseInformation": {"DatabaseName": "openaml", "ClusterIdentifier": cluster},
            "SelectSqlQuery": sql or query('"'),
            "DatabaseCredentials": {"Username": "openaml", "Password": password},
            "S3StagingLocation": f"s3://{setup['bucket']}/staging/",
            "DataRearrangement": json.dumps({"splitting": {"percentBegin": split[0], "percentEnd": split[1]}})}
    if schema:
        spec["DataSchema"] = setup["schema"]
    setup["ml"].create_data_source_from_redshift(DataSourceId=ds_id, DataSpec=spec, ComputeStatistics=True,
                                                 RoleARN="arn:aws:iam::000000000000:role/ml")


def rds(setup, ds_id, sql=None, password=PASSWORD, split=(0, 70)):
    setup["ml"].create_data_source_from_rds(
        DataSourceId=ds_id, ComputeStatistics=True, RoleARN="arn:aws:iam::000000000000:role/ml",
        RDSData={"DatabaseInformation": {"InstanceIdentifier": "banking-maria", "DatabaseName": "openaml"},
                 "SelectSqlQuery": sql or query("`"),
                 "DatabaseCredentials": {"Username": "openaml", "Password": password},
                 "S3StagingLocation": f"s3://{setup['bucket']}/rds-staging",
                 "DataRearrangement": json.dumps({"splitting": {"percentBegin": split[0], "percentEnd": split[1]}}),
                 "DataSchema": setup["schema"],
                 "ResourceRole": "DataPipelineDefaultResourceRole", "ServiceRole": "DataPipelineDefaultRole",
                 "SubnetId": "subnet-1", "SecurityGroupIds": ["sg-1"]})


def s3_source(setup, ds_id, split):
    setup["ml"].create_data_source_from_s3(
        DataSourceId=ds_id, ComputeStatistics=True,
        DataSpec={"DataLocationS3": f"s3://{setup['bucket']}/banking.csv", "DataSchema": setup["schema"],
                  "DataRearrangement": json.dumps({"splitting": {"percentBegin": split[0], "percentEnd": split[1]}})})


def train_and_evaluate(ml, run, train_id, test_id):
    ml.create_ml_model(MLModelId=f"ml-{run}", MLModelType="BINARY", TrainingDataSourceId=train_id,
                       Parameters={"sgd.maxPasses": "5", "sgd.shuffleType": "auto"})
    ml.create_evaluation(EvaluationId=f"ev-{run}", MLModelId=f"ml-{run}", EvaluationDataSourceId=test_id)
    ev = wait(ml, "Evaluation", f"ev-{run}", timeout=600)
    assert ev["Status"] == "COMPLETED", ev
    return float(ev["PerformanceMetrics"]["Properties"]["BinaryAUC"])


def test_models_from_postgresql_and_mariadb_match_the_s3_one(server, setup):
    ml = setup["ml"]
    run = unique("db")
    s3_source(setup, f"s3-train-{run}", (0, 70))
    s3_source(setup, f"s3-test-{run}", (70, 100))
    redshift(setup, f"pg-train-{run}", split=(0, 70))
    redshift(setup, f"pg-test-{run}", split=(70, 100))
    rds(setup, f"my-train-{run}", split=(0, 70))
    rds(setup, f"my-test-{run}", split=(70, 100))
    for ds in ("pg-train", "my-train"):
        got = wait(ml, "DataSource", f"{ds}-{run}", timeout=300)
        assert got["Status"] == "COMPLETED", got
    pg = ml.get_data_source(DataSourceId=f"pg-train-{run}", Verbose=True)
    assert pg["RedshiftMetadata"]["RedshiftDatabase"] == {"DatabaseName": "openaml", "ClusterIdentifier": "banking-pg"}
    assert pg["RedshiftMetadata"]["DatabaseUserName"] == "openaml"
    assert pg["RedshiftMetadata"]["SelectSqlQuery"] == query('"')
    assert pg["DataLocationS3"] == f"s3://{setup['bucket']}/staging/pg-train-{run}/"
    assert pg["RoleARN"] == "arn:aws:iam::000000000000:role/ml"
    assert "SelectSqlQuery" not in ml.get_data_source(DataSourceId=f"pg-train-{run}")["RedshiftMetadata"]
    my = ml.get_data_source(DataSourceId=f"my-train-{run}", Verbose=True)
    assert my["RDSMetadata"]["Database"] == {"InstanceIdentifier": "banking-maria", "DatabaseName": "openaml"}
    assert my["RDSMetadata"]["ResourceRole"] == "DataPipelineDefaultResourceRole"
    assert my["RDSMetadata"]["ServiceRole"] == "DataPipelineDefaultRole"
    staged = client(server, "s3").get_object(Bucket=setup["bucket"], Key=f"staging/pg-train-{run}/data.csv")
    assert staged["Body"].read() == BANKING.read_bytes()

    auc_s3 = train_and_evaluate(ml, f"s3-{run}", f"s3-train-{run}", f"s3-test-{run}")
    auc_pg = train_and_evaluate(ml, f"pg-{run}", f"pg-train-{run}", f"pg-test-{run}")
    auc_my = train_and_evaluate(ml, f"my-{run}", f"my-train-{run}", f"my-test-{run}")
    assert auc_s3 > 0.6  # a learned model; the point is the equality below
    assert round(auc_pg, 3) == round(auc_s3, 3)
    assert round(auc_my, 3) == round(auc_s3, 3)


def test_schema_is_derived_from_column_types_when_not_given(setup):
    ml = setup["ml"]
    ds = unique("pg-derived")
    redshift(setup, ds, schema=False, split=(0, 100))
    got = wait(ml, "DataSource", ds, timeout=300)
    assert got["Status"] == "COMPLETED", got
    schema = json.loads(ml.get_data_source(DataSourceId=ds, Verbose=True)["DataSourceSchema"])
    types = {a["attributeName"]: a["attributeType"] for a in schema["attributes"]}
    assert types["age"] == "NUMERIC" and types["emp_var_rate"] == "NUMERIC"
    assert types["y"] == "BINARY"
    assert types["job"] == "CATEGORICAL"
    assert schema["dataFileContainsHeader"] is True


@pytest.mark.parametrize("case,make,expected", [
    ("wrong-password", lambda s, d: redshift(s, d, password="Wr0ng-Passw0rd!"), "wrong user name or password"),
    ("wrong-password-rds", lambda s, d: rds(s, d, password="Wr0ng-Passw0rd!"), "wrong user name or password"),
    ("unreachable", lambda s, d: redshift(s, d, cluster="refused-pg"), "cannot connect"),
    ("failing-query", lambda s, d: redshift(s, d, sql="SELECT * FROM no_such_table"), "no_such_table"),
    ("failing-query-rds", lambda s, d: rds(s, d, sql="SELECT nope FROM ml_banking_rows"), "nope"),
    ("zero-rows", lambda s, d: redshift(s, d, sql="SELECT * FROM ml_empty_table"), "no rows"),
    ("zero-rows-rds", lambda s, d: rds(s, d, sql="SELECT * FROM ml_empty_table"), "no rows"),
])
def test_failures_end_failed_with_a_clear_message(server, setup, case, make, expected):
    ds = unique(case)
    make(setup, ds)
    got = wait(setup["ml"], "DataSource", ds, timeout=120)
    assert got["Status"] == "FAILED", got
    assert expected in got["Message"], got["Message"]
    assert "Wr0ng-Passw0rd!" not in json.dumps(got, default=str)


def test_unknown_cluster_and_bad_members_are_invalid_input(setup):
    ml = setup["ml"]
    with pytest.raises(ClientError) as err:
        redshift(setup, unique("unknown"), cluster="no-such-cluster")
    assert err.value.response["Error"]["Code"] == "InvalidInputException"
    assert "no-such-cluster" in err.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as err:
        ml.create_data_source_from_redshift(
            DataSourceId=unique("bad"), RoleARN="arn:aws:iam::0:role/x",
            DataSpec={"DatabaseInformation": {"DatabaseName": "Bad_Name", "ClusterIdentifier": "banking-pg"},
                      "SelectSqlQuery": "SELECT 1", "DatabaseCredentials": {"Username": "u", "Password": "12345678"},
                      "S3StagingLocation": "s3://b/p"})
    assert err.value.response["Error"]["Code"] == "InvalidInputException"
    assert "databaseName" in err.value.response["Error"]["Message"]


def test_password_is_never_returned_logged_or_stored(server, setup):
    ml = setup["ml"]
    ds = unique("pw")
    redshift(setup, ds, split=(0, 10))
    redshift(setup, ds, split=(0, 10))  # an identical retry is idempotent
    with pytest.raises(ClientError) as err:
        redshift(setup, ds, split=(0, 10), password="another-password")
    assert err.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    got = wait(ml, "DataSource", ds, timeout=300)
    assert got["Status"] == "COMPLETED", got
    everything = json.dumps([ml.get_data_source(DataSourceId=ds, Verbose=True),
                             ml.describe_data_sources()], default=str)
    assert PASSWORD not in everything
    for path in server.data_dir.rglob("*"):
        if path.is_file() and path.name != "databases.json":
            assert PASSWORD.encode() not in path.read_bytes(), path
    assert PASSWORD not in server.log_path.read_text(errors="replace")
