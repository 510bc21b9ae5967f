"""The Amazon ML API through boto3 against a real server: every operation, validation errors, idempotency,
deleted entities, Describe filters / sort / pagination, tags, the error shapes botocore parses (spec §2.5, §3)."""
import json
import time

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from ml_helpers import require_ml_api, client, make_bucket, put_text, schema, unique, wait


@pytest.fixture(autouse=True)
def _needs_ml_api(server):
    require_ml_api(server)


SCHEMA = schema([("x", "NUMERIC"), ("c", "CATEGORICAL"), ("y", "BINARY")], target="y")
DATA = "x,c,y\n" + "".join(f"{i / 100},{'ab'[i % 2]},{int(i > 50)}\n" for i in range(100))


@pytest.fixture(scope="module")
def env(server):
    ml = client(server, "machinelearning")
    s3 = client(server, "s3")
    bucket = make_bucket(s3)
    location = put_text(s3, bucket, "data.csv", DATA)
    return ml, s3, bucket, location


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def create_ds(ml, location, ds_id=None, **extra):
    ds_id = ds_id or unique("ds")
    ml.create_data_source_from_s3(DataSourceId=ds_id, DataSpec={"DataLocationS3": location, "DataSchema": SCHEMA},
                                  ComputeStatistics=True, **extra)
    return ds_id


def test_datasource_get_update_delete(env):
    ml, _, _, location = env
    ds_id = create_ds(ml, location, DataSourceName="first")
    got = ml.get_data_source(DataSourceId=ds_id, Verbose=True)
    assert got["DataSourceId"] == ds_id
    assert got["Status"] in ("PENDING", "INPROGRESS", "COMPLETED")
    assert got["CreatedByIamUser"].startswith("arn:aws:iam::")
    assert got["DataSourceSchema"] == SCHEMA
    assert "RequestId" in got["ResponseMetadata"] and got["ResponseMetadata"]["RequestId"]
    done = wait(ml, "DataSource", ds_id)
    assert done["Status"] == "COMPLETED", done
    assert done["NumberOfFiles"] == 1 and done["DataSizeInBytes"] == len(DATA)
    assert done["ComputeStatistics"] is True and done["ComputeTime"] >= 1
    assert done["LogUri"].startswith("http")
    ml.update_data_source(DataSourceId=ds_id, DataSourceName="renamed")
    assert ml.get_data_source(DataSourceId=ds_id)["Name"] == "renamed"
    assert ml.delete_data_source(DataSourceId=ds_id)["DataSourceId"] == ds_id
    assert ml.get_data_source(DataSourceId=ds_id)["Status"] == "DELETED"


def test_log_uri_is_fetchable(env):
    import urllib.request
    ml, _, _, location = env
    ds_id = create_ds(ml, location)
    done = wait(ml, "DataSource", ds_id)
    with urllib.request.urlopen(done["LogUri"], timeout=10) as response:
        text = response.read().decode()
    assert "Amazon Machine Learning" in text
    assert f"DATASOURCE ds-{ds_id} started" in text


def test_errors_have_aws_shapes(env):
    ml, _, _, location = env
    with pytest.raises(ClientError) as e:
        ml.get_data_source(DataSourceId="does-not-exist")
    assert error_of(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        ml.get_data_source(DataSourceId="bad id!")
    assert error_of(e) == ("InvalidInputException", 400)
    with pytest.raises(ClientError) as e:
        ml.create_data_source_from_s3(DataSourceId=unique("ds"), DataSpec={"DataLocationS3": location})
    assert error_of(e) == ("InvalidInputException", 400)
    with pytest.raises(ClientError) as e:
        ml.create_data_source_from_redshift(
            DataSourceId=unique("ds"), RoleARN="arn:aws:iam::1:role/r",
            DataSpec={"DatabaseInformation": {"DatabaseName": "db", "ClusterIdentifier": "c"},
                      "SelectSqlQuery": "select 1", "DatabaseCredentials": {"Username": "u", "Password": "password1"},
                      "S3StagingLocation": "s3://b/x/"})
    assert error_of(e) == ("InvalidInputException", 400)
    # An unknown cluster is refused at once, naming the configuration to fix (docs/databases.md).
    assert "not a configured database connection" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        ml.describe_data_sources(FilterVariable="Name", SortOrder="asc", NextToken="not-a-token")
    assert error_of(e) == ("InvalidInputException", 400)
    with pytest.raises(ParamValidationError):  # botocore checks the minimum itself (spec §2.7)
        ml.describe_data_sources(Limit=0)


def test_raw_protocol_errors(server):
    """Bodies botocore would never send: malformed, wrong types, unknown target."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import urllib.request
    creds = botocore.credentials.Credentials(server.access_key, server.secret_key)

    def post(target, body):
        req = botocore.awsrequest.AWSRequest(method="POST", url=server.url + "/", data=body, headers={
            "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
        botocore.auth.SigV4Auth(creds, "machinelearning", "us-east-1").add_auth(req)
        prepared = req.prepare()
        r = urllib.request.Request(prepared.url, data=body.encode() if isinstance(body, str) else body,
                                   headers=dict(prepared.headers), method="POST")
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    assert post("AmazonML_20141212.Nope", "{}") == (400, {"__type": "UnknownOperationException",
                                                        "message": "Unknown operation 'AmazonML_20141212.Nope'"})
    status, body = post("AmazonML_20141212.GetDataSource", '{"DataSourceId": ')
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body = post("AmazonML_20141212.GetDataSource", '{"DataSourceId": 12}')
    assert (status, body["__type"]) == (400, "InvalidInputException")
    status, body = post("AmazonML_20141212.DescribeMLModels", '{"Limit": "10"}')
    assert (status, body["__type"]) == (400, "InvalidInputException")
    status, body = post("AmazonML_20141212.DescribeMLModels", "[" * 5000)
    assert (status, body["__type"]) == (400, "SerializationException")
    # The server is unaffected.
    status, body = post("AmazonML_20141212.DescribeMLModels", "{}")
    assert status == 200 and "Results" in body


def test_idempotency(env):
    ml, _, _, location = env
    ds_id = unique("ds")
    spec = {"DataLocationS3": location, "DataSchema": SCHEMA}
    ml.create_data_source_from_s3(DataSourceId=ds_id, DataSpec=spec, ComputeStatistics=True)
    again = ml.create_data_source_from_s3(DataSourceId=ds_id, DataSpec=spec, ComputeStatistics=True)
    assert again["DataSourceId"] == ds_id
    for changed in (dict(DataSpec=spec, ComputeStatistics=False),
                    dict(DataSpec=spec, ComputeStatistics=True, DataSourceName="named")):
        with pytest.raises(ClientError) as e:
            ml.create_data_source_from_s3(DataSourceId=ds_id, **changed)
        assert error_of(e) == ("IdempotentParameterMismatchException", 400)


def test_model_requires_statistics_and_threshold_rules(env):
    ml, _, _, location = env
    ds_plain = unique("ds")
    ml.create_data_source_from_s3(DataSourceId=ds_plain, DataSpec={"DataLocationS3": location, "DataSchema": SCHEMA})
    with pytest.raises(ClientError) as e:
        ml.create_ml_model(MLModelId=unique("ml"), MLModelType="BINARY", TrainingDataSourceId=ds_plain)
    assert error_of(e) == ("InvalidInputException", 400)
    ds_id = create_ds(ml, location)
    ml_id = unique("ml")
    ml.create_ml_model(MLModelId=ml_id, MLModelType="BINARY", TrainingDataSourceId=ds_id,
                       Parameters={"sgd.maxPasses": "5"})
    model = wait(ml, "MLModel", ml_id)
    assert model["Status"] == "COMPLETED", model
    assert model["EndpointInfo"] == {"EndpointStatus": "NONE", "PeakRequestsPerSecond": 0}
    assert model["ScoreThreshold"] == 0.5 and model["SizeInBytes"] > 0
    for bad in (1.5, -0.2):
        with pytest.raises(ClientError) as e:
            ml.update_ml_model(MLModelId=ml_id, ScoreThreshold=bad)
        assert error_of(e) == ("InvalidInputException", 400)
    ml.update_ml_model(MLModelId=ml_id, ScoreThreshold=0.75, MLModelName="tuned")
    model = ml.get_ml_model(MLModelId=ml_id, Verbose=True)
    assert model["ScoreThreshold"] == 0.75 and model["Name"] == "tuned"
    assert "ScoreThresholdLastUpdatedAt" in model and model["Recipe"] and model["Schema"] == SCHEMA
    listed = ml.describe_ml_models(FilterVariable="Name", EQ="tuned")["Results"]
    assert [m["MLModelId"] for m in listed] == [ml_id] and listed[0]["Algorithm"] == "sgd"


def test_describe_filters_sort_and_paginate(env):
    ml, _, _, location = env
    tag = unique("p")
    ids = []
    for i in range(7):
        ids.append(create_ds(ml, location, DataSourceName=f"{tag}-{i:02d}"))
    names = lambda r: [d["Name"] for d in r["Results"]]
    r = ml.describe_data_sources(FilterVariable="Name", Prefix=tag, SortOrder="asc")
    assert names(r) == [f"{tag}-{i:02d}" for i in range(7)]
    r = ml.describe_data_sources(FilterVariable="Name", Prefix=tag, SortOrder="dsc", Limit=3)
    assert names(r) == [f"{tag}-{i:02d}" for i in (6, 5, 4)] and "NextToken" in r
    assert names(ml.describe_data_sources(FilterVariable="Name", GE=f"{tag}-05", LE=f"{tag}-06", SortOrder="asc")) == \
        [f"{tag}-05", f"{tag}-06"]
    assert names(ml.describe_data_sources(FilterVariable="Name", GT=f"{tag}-05", LT=f"{tag}-99")) == [f"{tag}-06"]
    assert len(ml.describe_data_sources(FilterVariable="Name", Prefix=tag, NE=f"{tag}-03")["Results"]) == 6
    # The paginator walks everything exactly once.
    pages = ml.get_paginator("describe_data_sources").paginate(FilterVariable="Name", Prefix=tag, SortOrder="asc",
                                                              PaginationConfig={"PageSize": 2})
    walked = [d["DataSourceId"] for page in pages for d in page["Results"]]
    assert sorted(walked) == sorted(ids) and len(walked) == 7
    # CreatedAt with epoch seconds; deleted items only on request.
    first = ml.get_data_source(DataSourceId=ids[0])["CreatedAt"]
    r = ml.describe_data_sources(FilterVariable="CreatedAt", GE=str(first.timestamp() - 1))
    assert ids[0] in [d["DataSourceId"] for d in r["Results"]]
    ml.delete_data_source(DataSourceId=ids[1])
    assert ids[1] not in [d["DataSourceId"] for d in ml.describe_data_sources(FilterVariable="Name", Prefix=tag)["Results"]]
    deleted = ml.describe_data_sources(FilterVariable="Status", EQ="DELETED")["Results"]
    assert ids[1] in [d["DataSourceId"] for d in deleted]


def test_tags(env):
    ml, _, _, location = env
    ds_id = create_ds(ml, location)
    ml.add_tags(ResourceId=ds_id, ResourceType="DataSource", Tags=[{"Key": "team", "Value": "risk"}, {"Key": "solo"}])
    ml.add_tags(ResourceId=ds_id, ResourceType="DataSource", Tags=[{"Key": "team", "Value": "growth"}])
    tags = ml.describe_tags(ResourceId=ds_id, ResourceType="DataSource")["Tags"]
    assert tags == [{"Key": "solo"}, {"Key": "team", "Value": "growth"}]
    ml.delete_tags(ResourceId=ds_id, ResourceType="DataSource", TagKeys=["solo", "absent"])
    assert ml.describe_tags(ResourceId=ds_id, ResourceType="DataSource")["Tags"] == [{"Key": "team", "Value": "growth"}]
    with pytest.raises(ClientError) as e:
        ml.add_tags(ResourceId=ds_id, ResourceType="DataSource", Tags=[{"Key": "aws:x", "Value": "v"}])
    assert error_of(e) == ("InvalidTagException", 400)
    with pytest.raises(ClientError) as e:
        ml.add_tags(ResourceId=ds_id, ResourceType="DataSource",
                    Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(e) == ("TagLimitExceededException", 400)
    with pytest.raises(ClientError) as e:
        ml.describe_tags(ResourceId="nope-nope", ResourceType="MLModel")
    assert error_of(e) == ("ResourceNotFoundException", 404)
    # Propagation datasource -> model.
    ml_id = unique("ml")
    ml.create_ml_model(MLModelId=ml_id, MLModelType="BINARY", TrainingDataSourceId=ds_id)
    assert ml.describe_tags(ResourceId=ml_id, ResourceType="MLModel")["Tags"] == [{"Key": "team", "Value": "growth"}]


def test_extension_statistics(server, env):
    ml, _, _, location = env
    ds_id = create_ds(ml, location)
    wait(ml, "DataSource", ds_id)
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import urllib.request
    body = json.dumps({"DataSourceId": ds_id})
    req = botocore.awsrequest.AWSRequest(method="POST", url=server.url + "/", data=body, headers={
        "X-Amz-Target": "OpenAML_20241201.GetDataSourceStatistics", "Content-Type": "application/x-amz-json-1.1"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key),
                            "machinelearning", "us-east-1").add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=body.encode(), headers=dict(prepared.headers), method="POST")
    with urllib.request.urlopen(r, timeout=10) as resp:
        out = json.loads(resp.read())
    assert out["DataSourceId"] == ds_id and isinstance(json.loads(out["Statistics"]), dict)
