"""Real-time endpoints and Predict (issue 6; spec §3.9, §12) through boto3 and the AWS CLI on the shared server:
endpoint lifecycle and EndpointInfo, predictions equal to batch predictions of the same records, threshold
updates taking effect without remounting, PredictorNotMountedException, bad records, 8 concurrent clients,
deleting a model with an endpoint, and remounting after a restart (last: it restarts the module's server)."""
import csv
import gzip
import io
import json
import math
import threading

import pytest
from botocore.exceptions import ClientError

from ml_helpers import client, generated_csv, make_bucket, put_text, unique, wait

KINDS = ("BINARY", "MULTICLASS", "REGRESSION")
FEATURES = ("x1", "x2", "colour")


@pytest.fixture(scope="module")
def models(server):
    """One trained model per kind on 300 generated rows, with a batch prediction over the same rows."""
    ml = client(server, "machinelearning")
    s3 = client(server, "s3")
    bucket = make_bucket(s3)
    out = {}
    for kind in KINDS:
        data, data_schema = generated_csv(kind, rows=300, seed=11)
        location = put_text(s3, bucket, f"{kind}.csv", data)
        run = unique(f"rt-{kind.lower()}")
        ml.create_data_source_from_s3(DataSourceId=f"ds-{run}", ComputeStatistics=True,
                                      DataSpec={"DataLocationS3": location, "DataSchema": data_schema})
        ml.create_ml_model(MLModelId=f"ml-{run}", MLModelType=kind, TrainingDataSourceId=f"ds-{run}",
                           Parameters={"sgd.maxPasses": "10", "sgd.shuffleType": "auto"})
        ml.create_batch_prediction(BatchPredictionId=f"bp-{run}", MLModelId=f"ml-{run}",
                                   BatchPredictionDataSourceId=f"ds-{run}", OutputUri=f"s3://{bucket}/{kind}/")
        out[kind] = {"run": run, "model": f"ml-{run}", "rows": list(csv.DictReader(io.StringIO(data)))}
    for kind, info in out.items():
        assert wait(ml, "MLModel", info["model"])["Status"] == "COMPLETED"
        bp = wait(ml, "BatchPrediction", f"bp-{info['run']}")
        assert bp["Status"] == "COMPLETED", bp
        body = s3.get_object(Bucket=bucket, Key=f"{kind}/batch-prediction/result/bp-{info['run']}-{kind}.csv.gz")
        info["batch"] = list(csv.DictReader(io.StringIO(gzip.decompress(body["Body"].read()).decode())))
        assert len(info["batch"]) == 300
    return out


def record_of(row):
    return {name: row[name] for name in FEATURES}


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def mount(ml, model_id):
    info = ml.create_realtime_endpoint(MLModelId=model_id)["RealtimeEndpointInfo"]
    assert info["EndpointStatus"] in ("UPDATING", "READY")
    for _ in range(200):
        got = ml.get_ml_model(MLModelId=model_id)["EndpointInfo"]
        if got["EndpointStatus"] == "READY":
            return got
    raise AssertionError(f"endpoint of {model_id} never READY: {got}")


def predict(ml, server, model_id, record):
    return ml.predict(MLModelId=model_id, Record=record, PredictEndpoint=server.url)["Prediction"]


def close(a, b):
    # Batch output prints 7 significant digits (spec §11.3); Predict returns the single-precision score.
    return math.isclose(float(a), float(b), rel_tol=2e-6, abs_tol=1e-12)


def test_endpoint_lifecycle(server, models):
    ml = client(server, "machinelearning")
    model_id = models["BINARY"]["model"]
    got = ml.get_ml_model(MLModelId=model_id)
    assert got["EndpointInfo"] == {"EndpointStatus": "NONE", "PeakRequestsPerSecond": 0}
    record = record_of(models["BINARY"]["rows"][0])
    with pytest.raises(ClientError) as excinfo:
        predict(ml, server, model_id, record)
    assert error_code(excinfo) == "PredictorNotMountedException"

    info = mount(ml, model_id)
    assert info["PeakRequestsPerSecond"] == 200
    assert info["EndpointUrl"] == server.url
    assert "CreatedAt" in info
    described = ml.describe_ml_models(FilterVariable="RealtimeEndpointStatus", EQ="READY")["Results"]
    mine = [m for m in described if m["MLModelId"] == model_id]
    assert mine and mine[0]["EndpointInfo"]["EndpointStatus"] == "READY"
    assert mine[0]["EndpointInfo"]["EndpointUrl"] == server.url
    again = ml.create_realtime_endpoint(MLModelId=model_id)
    assert again["MLModelId"] == model_id
    assert again["RealtimeEndpointInfo"]["EndpointStatus"] == "READY"
    assert again["RealtimeEndpointInfo"]["CreatedAt"] == info["CreatedAt"]

    prediction = predict(ml, server, model_id, record)
    assert prediction["details"] == {"PredictiveModelType": "BINARY", "Algorithm": "SGD"}
    assert prediction["predictedLabel"] in ("0", "1")
    assert list(prediction["predictedScores"]) == [prediction["predictedLabel"]]
    assert "predictedValue" not in prediction

    deleted = ml.delete_realtime_endpoint(MLModelId=model_id)
    assert deleted["RealtimeEndpointInfo"]["EndpointStatus"] == "NONE"
    assert ml.get_ml_model(MLModelId=model_id)["EndpointInfo"]["EndpointStatus"] == "NONE"
    with pytest.raises(ClientError) as excinfo:
        predict(ml, server, model_id, record)
    assert error_code(excinfo) == "PredictorNotMountedException"


def test_unknown_model_and_unfinished_model(server, models):
    ml = client(server, "machinelearning")
    with pytest.raises(ClientError) as excinfo:
        predict(ml, server, "ml-does-not-exist", {"x1": "1"})
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        ml.create_realtime_endpoint(MLModelId="ml-does-not-exist")
    assert error_code(excinfo) == "ResourceNotFoundException"


@pytest.mark.parametrize("kind", KINDS)
def test_predictions_equal_batch_predictions(server, models, kind):
    ml = client(server, "machinelearning")
    info = models[kind]
    mount(ml, info["model"])
    for row, batch in list(zip(info["rows"], info["batch"]))[:60]:
        p = predict(ml, server, info["model"], record_of(row))
        assert p["details"] == {"PredictiveModelType": kind, "Algorithm": "SGD"}
        if kind == "BINARY":
            assert p["predictedLabel"] == batch["bestAnswer"]
            assert close(p["predictedScores"][p["predictedLabel"]], batch["score"]), (p, batch)
        elif kind == "MULTICLASS":
            classes = sorted(c for c in batch if c not in ("tag", "trueLabel"))
            assert sorted(p["predictedScores"]) == classes
            for c in classes:
                assert close(p["predictedScores"][c], batch[c]), (p, batch)
            assert p["predictedLabel"] == max(classes, key=lambda c: p["predictedScores"][c])
        else:
            assert set(p) == {"details", "predictedValue"}
            assert close(p["predictedValue"], batch["score"]), (p, batch)


def test_threshold_update_takes_effect_without_remount(server, models):
    ml = client(server, "machinelearning")
    info = models["BINARY"]
    model_id = info["model"]
    mount(ml, model_id)
    created = ml.get_ml_model(MLModelId=model_id)["EndpointInfo"]["CreatedAt"]
    records = [record_of(r) for r in info["rows"][:20]]
    before = [predict(ml, server, model_id, r) for r in records]
    ml.update_ml_model(MLModelId=model_id, ScoreThreshold=0.0)
    assert all(predict(ml, server, model_id, r)["predictedLabel"] == "1" for r in records)
    ml.update_ml_model(MLModelId=model_id, ScoreThreshold=1.0)
    after = [predict(ml, server, model_id, r) for r in records]
    for old, new in zip(before, after):
        old_score = next(iter(old["predictedScores"].values()))
        new_score = new["predictedScores"][new["predictedLabel"]]
        assert new_score == old_score, "the score is P(1) whatever the threshold"
        assert new["predictedLabel"] == ("1" if new_score >= 1.0 else "0")
    ml.update_ml_model(MLModelId=model_id, ScoreThreshold=0.5)
    got = ml.get_ml_model(MLModelId=model_id)
    assert got["ScoreThreshold"] == 0.5
    assert got["EndpointInfo"]["CreatedAt"] == created, "no remount"


def test_bad_and_partial_records(server, models):
    ml = client(server, "machinelearning")
    model_id = models["BINARY"]["model"]
    mount(ml, model_id)
    row = models["BINARY"]["rows"][1]
    full = predict(ml, server, model_id, record_of(row))
    # Unknown attributes and the target are ignored.
    extra = predict(ml, server, model_id, {**record_of(row), "tweet": "{\"a\": 1}", "y": row["y"], "": "z"})
    assert extra == full
    # An invalid NUMERIC value is missing, the same as leaving the attribute out.
    invalid = predict(ml, server, model_id, {**record_of(row), "x1": "not-a-number"})
    absent = predict(ml, server, model_id, {"x2": row["x2"], "colour": row["colour"]})
    assert invalid == absent
    empty = predict(ml, server, model_id, {})
    assert empty["predictedLabel"] in ("0", "1")
    # Hostile text is fine.
    predict(ml, server, model_id, {"colour": "\u00e9\u0000\"\\\n\U0001F600", "x1": "1e999", "x2": "-nan"})
    # Over 100 KB for one observation: InvalidInputException.
    with pytest.raises(ClientError) as excinfo:
        predict(ml, server, model_id, {"colour": "x" * (100 * 1024 + 1)})
    assert error_code(excinfo) == "InvalidInputException"
    with pytest.raises(ClientError) as excinfo:
        predict(ml, server, model_id, {f"a{i}": "v" * 200 for i in range(600)})
    assert error_code(excinfo) == "InvalidInputException"


def test_malformed_predict_bodies(server, models):
    """Bodies botocore would never send, signed and posted by hand."""
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    ml = client(server, "machinelearning")
    model_id = models["BINARY"]["model"]
    mount(ml, model_id)

    def post(body):
        request = AWSRequest(method="POST", url=server.url + "/", data=body.encode(),
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "AmazonML_20141212.Predict"})
        SigV4Auth(Credentials(server.access_key, server.secret_key), "machinelearning", "us-east-1").add_auth(request)
        req = urllib.request.Request(server.url + "/", data=body.encode(), headers=dict(request.headers), method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    good = {"MLModelId": model_id, "Record": {"x1": "0.5"}, "PredictEndpoint": server.url}
    assert post(json.dumps(good))[0] == 200
    for body, code in [("{", "SerializationException"), ("[]", "SerializationException"),
                       (json.dumps(good) + "x", "SerializationException"),
                       ("{\"Record\": " + "[" * 5000 + "]" * 5000 + "}", "SerializationException"),
                       (json.dumps({**good, "Record": {"x1": 1}}), "InvalidInputException"),
                       (json.dumps({**good, "Record": "x1=1"}), "InvalidInputException"),
                       (json.dumps({k: v for k, v in good.items() if k != "Record"}), "InvalidInputException"),
                       (json.dumps({**good, "MLModelId": "bad id"}), "InvalidInputException")]:
        status, answer = post(body)
        assert status == 400 and answer["__type"] == code, (body[:80], status, answer)


def test_concurrent_predict_from_8_threads(server, models):
    info = models["MULTICLASS"]
    ml = client(server, "machinelearning")
    mount(ml, info["model"])
    records = [record_of(r) for r in info["rows"][:25]]
    expected = [predict(ml, server, info["model"], r) for r in records]
    errors, mismatches = [], []

    def worker():
        own = client(server, "machinelearning")
        try:
            for _ in range(6):
                for record, want in zip(records, expected):
                    if predict(own, server, info["model"], record) != want:
                        mismatches.append(record)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert not mismatches


def test_aws_cli_predict(server, models):
    ml = client(server, "machinelearning")
    info = models["REGRESSION"]
    mount(ml, info["model"])
    row = info["rows"][0]
    result = server.aws("machinelearning", "predict", "--ml-model-id", info["model"],
                        "--record", json.dumps(record_of(row)), "--predict-endpoint", server.url)
    prediction = json.loads(result.stdout)["Prediction"]
    assert prediction == predict(ml, server, info["model"], record_of(row))


def test_deleting_a_model_removes_its_endpoint(server):
    ml = client(server, "machinelearning")
    s3 = client(server, "s3")
    bucket = make_bucket(s3)
    data, data_schema = generated_csv("BINARY", rows=100, seed=5)
    location = put_text(s3, bucket, "d.csv", data)
    run = unique("rt-del")
    ml.create_data_source_from_s3(DataSourceId=f"ds-{run}", ComputeStatistics=True,
                                  DataSpec={"DataLocationS3": location, "DataSchema": data_schema})
    ml.create_ml_model(MLModelId=f"ml-{run}", MLModelType="BINARY", TrainingDataSourceId=f"ds-{run}")
    with pytest.raises(ClientError) as excinfo:
        ml.create_realtime_endpoint(MLModelId=f"ml-{run}")  # not COMPLETED yet, or about to be
    assert error_code(excinfo) == "InvalidInputException"
    assert wait(ml, "MLModel", f"ml-{run}")["Status"] == "COMPLETED"
    mount(ml, f"ml-{run}")
    ml.delete_ml_model(MLModelId=f"ml-{run}")
    got = ml.get_ml_model(MLModelId=f"ml-{run}")
    assert got["Status"] == "DELETED"
    assert got["EndpointInfo"] == {"EndpointStatus": "NONE", "PeakRequestsPerSecond": 0}
    with pytest.raises(ClientError) as excinfo:
        predict(ml, server, f"ml-{run}", {"x1": "0.5"})
    assert error_code(excinfo) == "PredictorNotMountedException"


def test_endpoints_are_remounted_after_restart(server, models):
    ml = client(server, "machinelearning")
    info = models["BINARY"]
    mount(ml, info["model"])
    ml.update_ml_model(MLModelId=info["model"], ScoreThreshold=0.0)
    record = record_of(info["rows"][2])
    before = predict(ml, server, info["model"], record)
    assert before["predictedLabel"] == "1"
    server.restart()
    ml = client(server, "machinelearning")
    got = ml.get_ml_model(MLModelId=info["model"])["EndpointInfo"]
    assert got["EndpointStatus"] == "READY" and got["EndpointUrl"] == server.url
    assert predict(ml, server, info["model"], record) == before, "same model, same threshold after the restart"
    ml.update_ml_model(MLModelId=info["model"], ScoreThreshold=0.5)
