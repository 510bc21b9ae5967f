"""MULTICLASS and REGRESSION end to end through boto3 on small generated data: datasource with statistics,
model with the default (suggested) recipe, evaluation metric, batch prediction output columns."""
import gzip

import pytest

from ml_helpers import require_ml_api, client, generated_csv, make_bucket, put_text, unique, wait


@pytest.fixture(autouse=True)
def _needs_ml_api(server):
    require_ml_api(server)


@pytest.mark.parametrize("kind,metric", [("MULTICLASS", "MulticlassAvgFScore"), ("REGRESSION", "RegressionRMSE"),
                                         ("BINARY", "BinaryAUC")])
def test_model_type_end_to_end(server, kind, metric):
    ml = client(server, "machinelearning")
    s3 = client(server, "s3")
    bucket = make_bucket(s3)
    data, data_schema = generated_csv(kind)
    location = put_text(s3, bucket, "data.csv", data)
    run = unique(kind.lower())
    ml.create_data_source_from_s3(DataSourceId=f"ds-{run}", ComputeStatistics=True,
                                  DataSpec={"DataLocationS3": location, "DataSchema": data_schema})
    ml.create_ml_model(MLModelId=f"ml-{run}", MLModelType=kind, TrainingDataSourceId=f"ds-{run}",
                       Parameters={"sgd.maxPasses": "20", "sgd.shuffleType": "auto"})
    ml.create_evaluation(EvaluationId=f"ev-{run}", MLModelId=f"ml-{run}", EvaluationDataSourceId=f"ds-{run}")
    ml.create_batch_prediction(BatchPredictionId=f"bp-{run}", MLModelId=f"ml-{run}",
                               BatchPredictionDataSourceId=f"ds-{run}", OutputUri=f"s3://{bucket}/out/")
    model = wait(ml, "MLModel", f"ml-{run}")
    assert model["Status"] == "COMPLETED", model
    assert model["MLModelType"] == kind
    assert ("ScoreThreshold" in model) == (kind == "BINARY")
    ev = wait(ml, "Evaluation", f"ev-{run}")
    assert ev["Status"] == "COMPLETED", ev
    value = float(ev["PerformanceMetrics"]["Properties"][metric])
    assert list(ev["PerformanceMetrics"]["Properties"]) == [metric]
    if kind == "REGRESSION":
        assert value < 0.5
    else:
        assert value > 0.85
    bp = wait(ml, "BatchPrediction", f"bp-{run}")
    assert bp["Status"] == "COMPLETED", bp
    assert bp["TotalRecordCount"] == 600
    body = s3.get_object(Bucket=bucket, Key=f"out/batch-prediction/result/bp-{run}-data.csv.gz")["Body"].read()
    lines = gzip.decompress(body).decode().splitlines()
    assert len(lines) == 601
    header = lines[0].split(",")
    if kind == "MULTICLASS":
        assert sorted(header[-6:]) == sorted(f"{c}_{h}" for c in ("red", "green", "blue") for h in ("hi", "lo"))
    elif kind == "REGRESSION":
        assert header[-1] == "score"
    else:
        assert header[-2:] == ["bestAnswer", "score"]
