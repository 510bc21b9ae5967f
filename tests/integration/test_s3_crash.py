"""kill -9 during large uploads, then restart: every object is its old version or absent, never torn."""

import http.client
import os

import pytest
from botocore.exceptions import ClientError

from helpers.server import OpenamlServer


@pytest.fixture
def crash_server(tmp_path):
    instance = OpenamlServer(tmp_path / "data")
    instance.start()
    yield instance
    instance.kill9()


def start_streaming_put(server, path, total_size):
    """Begin a signed PUT of `total_size` bytes (UNSIGNED-PAYLOAD) and return the open connection."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    request = botocore.awsrequest.AWSRequest(method="PUT", url=server.url + path,
                                             headers={"Content-Length": str(total_size),
                                                      "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key), "s3",
                              "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
    for name, value in request.headers.items():
        connection.putheader(name, value)
    connection.putheader("Host", f"127.0.0.1:{server.port}")
    connection.endheaders()
    return connection


def send_until_killed(server, connection, block, blocks_before_kill):
    for i in range(blocks_before_kill):
        connection.send(block)
    server.kill9()
    try:
        connection.send(block)
    except OSError:
        pass
    connection.close()


def test_kill9_during_put_leaves_old_version_or_nothing(crash_server, tmp_path):
    s3 = crash_server.s3()
    s3.create_bucket(Bucket="crash")
    old = b"the old version\n" * 1000
    s3.put_object(Bucket="crash", Key="victim", Body=old)

    block = os.urandom(1 << 20)
    victim = start_streaming_put(crash_server, "/crash/victim", 256 << 20)
    fresh = start_streaming_put(crash_server, "/crash/fresh", 256 << 20)
    for _ in range(24):
        victim.send(block)
        fresh.send(block)
    send_until_killed(crash_server, victim, block, 8)
    fresh.close()

    crash_server.start()
    s3 = crash_server.s3()
    assert s3.get_object(Bucket="crash", Key="victim")["Body"].read() == old
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket="crash", Key="fresh")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="crash")["Contents"]] == ["victim"]
    # Staging leftovers of the crash are gone after the restart.
    staging = crash_server.data_dir / "tmp"
    assert not staging.exists() or sum(f.stat().st_size for f in staging.rglob("*") if f.is_file()) == 0


def test_kill9_during_multipart_upload(crash_server):
    s3 = crash_server.s3()
    s3.create_bucket(Bucket="crash-mp")
    upload_id = s3.create_multipart_upload(Bucket="crash-mp", Key="big")["UploadId"]
    part1 = os.urandom(5 << 20)
    etag1 = s3.upload_part(Bucket="crash-mp", Key="big", UploadId=upload_id, PartNumber=1, Body=part1)["ETag"]
    connection = start_streaming_put(crash_server, f"/crash-mp/big?partNumber=2&uploadId={upload_id}", 64 << 20)
    send_until_killed(crash_server, connection, os.urandom(1 << 20), 16)

    crash_server.start()
    s3 = crash_server.s3()
    with pytest.raises(ClientError):
        s3.head_object(Bucket="crash-mp", Key="big")
    # The completed part survived; the interrupted one did not appear.
    parts = s3.list_parts(Bucket="crash-mp", Key="big", UploadId=upload_id).get("Parts", [])
    assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, etag1)]
    done = s3.complete_multipart_upload(Bucket="crash-mp", Key="big", UploadId=upload_id,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag1}]})
    assert done["ETag"].endswith('-1"')
    assert s3.get_object(Bucket="crash-mp", Key="big")["Body"].read() == part1


def test_sigterm_is_graceful(crash_server):
    s3 = crash_server.s3()
    s3.create_bucket(Bucket="graceful")
    assert crash_server.stop() == 0
    assert "shutting down" in crash_server.log()
    crash_server.start()
    assert "graceful" in [b["Name"] for b in crash_server.s3().list_buckets()["Buckets"]]
