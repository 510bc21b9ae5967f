"""The external S3 client (storage/objects/s3_client_store.*) against real S3-compatible services, with boto3 on
the other side: moto's S3 server, and an openaml server (which also checks the client's SigV4 signatures).
Each direction is checked: what boto3 wrote, the C++ client lists and reads; what the C++ client wrote (single
PUT and multipart), boto3 sees with the same bytes, ETag, content type and metadata.
"""

import hashlib
import os

import pytest
from boto3.s3.transfer import TransferConfig

from helpers_external_s3 import MOTO_KEY, MotoServer, Target, probe_bin


@pytest.fixture(scope="module")
def moto():
    server = MotoServer()
    if server.start() is None:
        print(server.skip_reason)
        pytest.skip(server.skip_reason)
    yield server
    server.stop()


@pytest.fixture(params=["moto", "openaml"])
def target(request):
    if not os.path.exists(probe_bin()):
        pytest.skip(f"{probe_bin()} not built (target openaml_s3_probe)")
    if request.param == "moto":
        moto = request.getfixturevalue("moto")
        return Target("moto", moto.url, MOTO_KEY, MOTO_KEY)
    server = request.getfixturevalue("server")
    return Target("openaml", server.url, server.access_key, server.secret_key)


def _bucket(target, name):
    bucket = f"ext-{name}"
    client = target.boto3()
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    return bucket, client


def test_client_reads_what_boto3_wrote(target, tmp_path):
    bucket, s3 = _bucket(target, "read")
    small = b"label,age\n1,42\n"
    big = os.urandom(11 * 1024 * 1024 + 17)
    s3.put_object(Bucket=bucket, Key="data/banking.csv", Body=small, ContentType="text/csv",
                  Metadata={"origin": "boto3"})
    s3.put_object(Bucket=bucket, Key="data/", Body=b"")
    s3.put_object(Bucket=bucket, Key="data/sub dir/ü.csv", Body=b"x")
    big_path = tmp_path / "big.bin"
    big_path.write_bytes(big)
    s3.upload_file(str(big_path), bucket, "data/big.bin",
                   Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))

    expected = {o["Key"]: o for o in s3.list_objects_v2(Bucket=bucket, Prefix="data/")["Contents"]}
    listed = target.probe("list", bucket, "--prefix", "data/", "--max-keys", "2")
    assert [o["key"] for o in listed["objects"]] == sorted(expected)
    assert listed["pages"] == 2
    for obj in listed["objects"]:
        assert obj["etag"] == expected[obj["key"]]["ETag"].strip('"')
        assert obj["size"] == expected[obj["key"]]["Size"]
    grouped = target.probe("list", bucket, "--prefix", "data/", "--delimiter", "/")
    assert grouped["prefixes"] == ["data/sub dir/"]

    out = tmp_path / "out"
    info = target.probe("get", bucket, "data/banking.csv", str(out))
    assert out.read_bytes() == small
    assert info["content_type"] == "text/csv" and info["metadata"] == {"origin": "boto3"}
    info = target.probe("get", bucket, "data/big.bin", str(out))
    assert hashlib.md5(out.read_bytes()).hexdigest() == hashlib.md5(big).hexdigest()
    assert info["etag"].endswith("-3")
    target.probe("get", bucket, "data/big.bin", str(out), "--range", "6291456-6291555")
    assert out.read_bytes() == big[6291456:6291556]


def test_boto3_reads_what_the_client_wrote(target, tmp_path):
    bucket, s3 = _bucket(target, "write")
    small_path = tmp_path / "small.csv"
    small_path.write_bytes(b"a,b\n1,2\n")
    info = target.probe("put", bucket, "out/small.csv", str(small_path), "--content-type", "text/csv",
                        "--meta", "job=bp-1", "--meta", "kind=result")
    head = s3.head_object(Bucket=bucket, Key="out/small.csv")
    assert head["ETag"].strip('"') == info["etag"] == hashlib.md5(b"a,b\n1,2\n").hexdigest()
    assert head["ContentType"] == "text/csv"
    assert head["Metadata"] == {"job": "bp-1", "kind": "result"}

    big = os.urandom(12 * 1024 * 1024)
    big_path = tmp_path / "big.bin"
    big_path.write_bytes(big)
    info = target.probe("put", bucket, "out/big.bin", str(big_path))
    digests = [hashlib.md5(big[i:i + 5 * 1024 * 1024]).digest() for i in range(0, len(big), 5 * 1024 * 1024)]
    assert info["etag"] == hashlib.md5(b"".join(digests)).hexdigest() + "-3"
    assert s3.head_object(Bucket=bucket, Key="out/big.bin")["ETag"].strip('"') == info["etag"]
    assert s3.get_object(Bucket=bucket, Key="out/big.bin")["Body"].read() == big

    target.probe("delete", bucket, "out/big.bin")
    missing = target.probe("head", bucket, "out/big.bin", check=False)
    assert missing.returncode == 1 and "NOT_FOUND" in missing.stderr


@pytest.mark.parametrize("target", ["openaml"], indirect=True)  # moto accepts any signature
def test_client_with_a_wrong_secret_is_refused(target):
    bucket, _ = _bucket(target, "auth")
    wrong = Target(target.name, target.url, target.access_key, target.secret_key + "x")
    result = wrong.probe("list", bucket, check=False)
    assert result.returncode == 1
    assert "PERMISSION_DENIED" in result.stderr
