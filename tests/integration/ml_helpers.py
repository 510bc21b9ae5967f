"""Helpers shared by the Amazon ML integration tests (test_ml_*.py): boto3 clients for the shared `server`
fixture (tests/integration/conftest.py), polling, small generated datasets."""
import io
import random
import time
import uuid

import boto3
from botocore.config import Config

GET = {
    "DataSource": ("get_data_source", "DataSourceId"),
    "MLModel": ("get_ml_model", "MLModelId"),
    "Evaluation": ("get_evaluation", "EvaluationId"),
    "BatchPrediction": ("get_batch_prediction", "BatchPredictionId"),
}


def client(server, service):
    cfg = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"},
                 connect_timeout=5, read_timeout=60)
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key, config=cfg)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait(ml, kind, entity_id, timeout=120):
    """Poll Get* until the entity is COMPLETED or FAILED; return the last response."""
    op, member = GET[kind]
    deadline = time.time() + timeout
    while True:
        got = getattr(ml, op)(**{member: entity_id})
        if got["Status"] in ("COMPLETED", "FAILED", "DELETED"):
            return got
        if time.time() > deadline:
            raise AssertionError(f"{kind} {entity_id} still {got['Status']} after {timeout}s")
        time.sleep(0.05)


def make_bucket(s3):
    name = unique("mltest")
    s3.create_bucket(Bucket=name)
    return name


def put_text(s3, bucket, key, text):
    s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
    return f"s3://{bucket}/{key}"


def schema(columns, target=None, header=True):
    """columns: [(name, type)]"""
    doc = {"version": "1.0", "dataFormat": "CSV", "dataFileContainsHeader": header,
           "attributes": [{"attributeName": n, "attributeType": t} for n, t in columns],
           "excludedAttributeNames": [], "rowId": None}
    if target:
        doc["targetAttributeName"] = target
    import json
    return json.dumps(doc)


def generated_csv(kind, rows=600, seed=3):
    """Small learnable data. BINARY: y = x1 + x2 > 1; MULTICLASS: class from the colour and x1;
    REGRESSION: v = 2*x1 - 3*x2 + 5 (+ small noise)."""
    rng = random.Random(seed)
    out = io.StringIO()
    target = {"BINARY": "y", "MULTICLASS": "cls", "REGRESSION": "v"}[kind]
    out.write(f"x1,x2,colour,{target}\n")
    colours = ["red", "green", "blue"]
    for i in range(rows):
        x1, x2 = rng.random(), rng.random()
        colour = colours[i % 3]
        if kind == "BINARY":
            t = "1" if x1 + x2 > 1 else "0"
        elif kind == "MULTICLASS":
            t = f"{colour}_{'hi' if x1 > 0.5 else 'lo'}"
        else:
            t = f"{2 * x1 - 3 * x2 + 5 + rng.gauss(0, 0.05):.4f}"
        out.write(f"{x1:.4f},{x2:.4f},{colour},{t}\n")
    target_type = {"BINARY": "BINARY", "MULTICLASS": "CATEGORICAL", "REGRESSION": "NUMERIC"}[kind]
    cols = [("x1", "NUMERIC"), ("x2", "NUMERIC"), ("colour", "CATEGORICAL"), (target, target_type)]
    return out.getvalue(), schema(cols, target)


def require_ml_api(server):
    """Skip (saying why) when this `openaml serve` does not answer the Amazon ML API yet: the API is wired in
    src/openaml/cli/serve_command.cc once the engine library is in the build."""
    import pytest
    from botocore.exceptions import ClientError
    try:
        client(server, "machinelearning").describe_data_sources(Limit=1)
    except ClientError as err:
        pytest.skip(f"the server does not answer the Amazon ML API: {err.response['Error'].get('Code')}")
