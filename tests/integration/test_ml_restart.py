"""Durability: kill -9 the server while a model trains, restart it on the same data directory: no entity is
lost, completed results stay, and the interrupted job runs again (never stuck INPROGRESS). Starts its own
server ($OPENAML_BIN serve) because it must kill it."""
import time
from pathlib import Path

from helpers.server import OpenamlServer
from ml_helpers import client, require_ml_api, make_bucket, unique, wait

REPO = Path(__file__).resolve().parents[2]
BANKING = REPO / "examples" / "banking"


def test_kill9_mid_training_then_restart(tmp_path):
    server = OpenamlServer(tmp_path / "data")
    server.start()
    try:
        require_ml_api(server)
        ml, s3 = client(server, "machinelearning"), client(server, "s3")
        bucket = make_bucket(s3)
        s3.upload_file(str(BANKING / "banking.csv"), bucket, "banking.csv")
        s3.upload_file(str(BANKING / "banking.csv.schema"), bucket, "banking.csv.schema")
        run = unique("k")
        ml.create_data_source_from_s3(DataSourceId=f"ds-{run}", ComputeStatistics=True, DataSourceName="kept",
                                      DataSpec={"DataLocationS3": f"s3://{bucket}/banking.csv",
                                                "DataSchemaLocationS3": f"s3://{bucket}/banking.csv.schema"})
        assert wait(ml, "DataSource", f"ds-{run}")["Status"] == "COMPLETED"
        ml.add_tags(ResourceId=f"ds-{run}", ResourceType="DataSource", Tags=[{"Key": "k", "Value": "v"}])
        # A long training (many passes), and an evaluation waiting for it.
        ml.create_ml_model(MLModelId=f"ml-{run}", MLModelType="BINARY", TrainingDataSourceId=f"ds-{run}",
                           Parameters={"sgd.maxPasses": "200"})
        ml.create_evaluation(EvaluationId=f"ev-{run}", MLModelId=f"ml-{run}", EvaluationDataSourceId=f"ds-{run}")
        deadline = time.time() + 60
        while ml.get_ml_model(MLModelId=f"ml-{run}")["Status"] == "PENDING":
            assert time.time() < deadline
            time.sleep(0.01)
        status_at_kill = ml.get_ml_model(MLModelId=f"ml-{run}")["Status"]
        server.kill9()

        server.start()  # same data dir, same port
        ml = client(server, "machinelearning")
        ds = ml.get_data_source(DataSourceId=f"ds-{run}")
        assert ds["Status"] == "COMPLETED" and ds["Name"] == "kept"
        assert ml.describe_tags(ResourceId=f"ds-{run}", ResourceType="DataSource")["Tags"] == [{"Key": "k", "Value": "v"}]
        model = wait(ml, "MLModel", f"ml-{run}", timeout=300)
        assert model["Status"] == "COMPLETED", (status_at_kill, model)
        ev = wait(ml, "Evaluation", f"ev-{run}", timeout=300)
        assert ev["Status"] == "COMPLETED", ev
        # Nothing is left in flight.
        for op, key in (("describe_data_sources", "DataSourceId"), ("describe_ml_models", "MLModelId"),
                        ("describe_evaluations", "EvaluationId")):
            for item in getattr(ml, op)()["Results"]:
                assert item["Status"] in ("COMPLETED", "FAILED"), item
    finally:
        server.stop()
