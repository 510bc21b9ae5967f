"""The S3 API through Debian's boto3 (1.26): every operation, its errors, and the S3 wire details clients rely on."""

import datetime
import hashlib
import os
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def s3(server):
    return server.s3()


@pytest.fixture(scope="module")
def bucket(s3):
    s3.create_bucket(Bucket="api-tests")
    return "api-tests"


def test_healthz_needs_no_credentials(server):
    with urllib.request.urlopen(server.url + "/healthz") as response:
        assert response.status == 200


def test_bucket_lifecycle(s3):
    s3.create_bucket(Bucket="life-cycle")
    assert "life-cycle" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.head_bucket(Bucket="life-cycle")
    assert error_of(s3.create_bucket, Bucket="life-cycle") == ("BucketAlreadyOwnedByYou", 409)
    s3.put_object(Bucket="life-cycle", Key="x", Body=b"1")
    assert error_of(s3.delete_bucket, Bucket="life-cycle") == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket="life-cycle", Key="x")
    s3.delete_bucket(Bucket="life-cycle")
    assert error_of(s3.head_bucket, Bucket="life-cycle") == ("404", 404)
    assert error_of(s3.list_objects_v2, Bucket="life-cycle") == ("NoSuchBucket", 404)
    assert error_of(s3.delete_bucket, Bucket="life-cycle") == ("NoSuchBucket", 404)


@pytest.mark.parametrize("name", ["UPPER", "a", "-dash-first", "bad_underscore", "x" * 64, "192.168.1.1", "a..b"])
def test_invalid_bucket_names(s3, name):
    assert error_of(s3.create_bucket, Bucket=name) == ("InvalidBucketName", 400)


def test_put_get_head_delete(s3, bucket):
    body = os.urandom(100_000)
    put = s3.put_object(Bucket=bucket, Key="dir/obj.bin", Body=body, ContentType="application/x-test",
                        Metadata={"color": "blue"})
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="dir/obj.bin")
    assert got["Body"].read() == body
    assert got["ContentType"] == "application/x-test"
    assert got["Metadata"] == {"color": "blue"}
    assert got["ETag"] == put["ETag"]
    assert got["ContentLength"] == len(body)
    head = s3.head_object(Bucket=bucket, Key="dir/obj.bin")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    assert head["Metadata"] == {"color": "blue"}
    s3.delete_object(Bucket=bucket, Key="dir/obj.bin")
    assert error_of(s3.get_object, Bucket=bucket, Key="dir/obj.bin") == ("NoSuchKey", 404)
    assert error_of(s3.head_object, Bucket=bucket, Key="dir/obj.bin") == ("404", 404)
    s3.delete_object(Bucket=bucket, Key="dir/obj.bin")  # absent: still 204, as S3
    assert error_of(s3.get_object, Bucket="no-such-bucket-x", Key="k") == ("NoSuchBucket", 404)


def test_empty_object_and_overwrite(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert s3.get_object(Bucket=bucket, Key="empty")["Body"].read() == b""
    s3.put_object(Bucket=bucket, Key="empty", Body=b"now full")
    assert s3.get_object(Bucket=bucket, Key="empty")["Body"].read() == b"now full"


def test_ranges(s3, bucket):
    body = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="ranged", Body=body)
    part = s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=10-19")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert part["ContentRange"] == f"bytes 10-19/{len(body)}"
    assert part["Body"].read() == body[10:20]
    assert s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=-5")["Body"].read() == body[-5:]
    assert s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=1000-")["Body"].read() == body[1000:]
    assert s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=1020-5000")["Body"].read() == body[1020:]
    assert error_of(s3.get_object, Bucket=bucket, Key="ranged", Range="bytes=5000-") == ("InvalidRange", 416)


def test_list_objects_v2_pagination_prefix_delimiter(s3):
    s3.create_bucket(Bucket="listing")
    keys = ["a/1", "a/2", "a/b/3", "b/4", "c", "d e+f", "ü/ñ"]
    for key in keys:
        s3.put_object(Bucket="listing", Key=key, Body=key.encode())
    listed = s3.list_objects_v2(Bucket="listing")
    assert [o["Key"] for o in listed["Contents"]] == sorted(keys, key=lambda k: k.encode())
    assert listed["KeyCount"] == len(keys) and not listed["IsTruncated"]

    grouped = s3.list_objects_v2(Bucket="listing", Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "b/", "ü/"]
    assert [o["Key"] for o in grouped["Contents"]] == ["c", "d e+f"]

    under_a = s3.list_objects_v2(Bucket="listing", Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in under_a["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in under_a["CommonPrefixes"]] == ["a/b/"]

    seen, token = [], None
    while True:
        kwargs = {"Bucket": "listing", "MaxKeys": 2}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(**kwargs)
        seen += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == sorted(keys, key=lambda k: k.encode())

    after = s3.list_objects_v2(Bucket="listing", StartAfter="b/4")
    assert [o["Key"] for o in after["Contents"]] == ["c", "d e+f", "ü/ñ"]
    assert s3.list_objects_v2(Bucket="listing", MaxKeys=0).get("KeyCount") == 0
    assert error_of(s3.list_objects_v2, Bucket="listing", ContinuationToken="!!not-a-token!!") == (
        "InvalidArgument", 400)
    paginator = s3.get_paginator("list_objects_v2")
    assert sum(len(p.get("Contents", [])) for p in paginator.paginate(Bucket="listing", PaginationConfig={
        "PageSize": 3})) == len(keys)


def test_list_objects_v1_marker(s3):
    s3.create_bucket(Bucket="listing-v1")
    for key in ["k1", "k2", "k3"]:
        s3.put_object(Bucket="listing-v1", Key=key, Body=b"x")
    page = s3.list_objects(Bucket="listing-v1", MaxKeys=2)
    assert [o["Key"] for o in page["Contents"]] == ["k1", "k2"] and page["IsTruncated"]
    rest = s3.list_objects(Bucket="listing-v1", Marker="k2")
    assert [o["Key"] for o in rest["Contents"]] == ["k3"] and not rest["IsTruncated"]


def test_delete_objects(s3):
    s3.create_bucket(Bucket="bulk-delete")
    for i in range(5):
        s3.put_object(Bucket="bulk-delete", Key=f"k{i}", Body=b"x")
    result = s3.delete_objects(Bucket="bulk-delete", Delete={"Objects": [{"Key": f"k{i}"} for i in range(3)] + [
        {"Key": "absent"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["absent", "k0", "k1", "k2"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="bulk-delete")["Contents"]] == ["k3", "k4"]
    quiet = s3.delete_objects(Bucket="bulk-delete", Delete={"Objects": [{"Key": "k3"}], "Quiet": True})
    assert "Deleted" not in quiet


def test_copy_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"copy me", ContentType="text/plain", Metadata={"a": "1"})
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(b"copy me").hexdigest()
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"copy me" and got["Metadata"] == {"a": "1"}
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   Metadata={"b": "2"}, ContentType="text/csv")
    got = s3.get_object(Bucket=bucket, Key="dst2")
    assert got["Metadata"] == {"b": "2"} and got["ContentType"] == "text/csv"
    assert error_of(s3.copy_object, Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "nope"})[1] == 404


def test_multipart_upload(s3, bucket):
    part1 = os.urandom(5 * 1024 * 1024)
    part2 = os.urandom(1234)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="multi", ContentType="application/x-multi")
    upload_id = upload["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="multi", UploadId=upload_id, PartNumber=1, Body=part1)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="multi", UploadId=upload_id, PartNumber=2, Body=part2)["ETag"]
    parts = s3.list_parts(Bucket=bucket, Key="multi", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [(1, e1, len(part1)), (2, e2, len(part2))]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    digest = hashlib.md5(bytes.fromhex(e1.strip('"')) + bytes.fromhex(e2.strip('"'))).hexdigest()
    assert done["ETag"] == f'"{digest}-2"'
    got = s3.get_object(Bucket=bucket, Key="multi")
    assert got["Body"].read() == part1 + part2 and got["ContentType"] == "application/x-multi"
    assert error_of(s3.list_parts, Bucket=bucket, Key="multi", UploadId=upload_id) == ("NoSuchUpload", 404)


def test_multipart_errors_and_abort(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="aborted")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="aborted", UploadId=upload_id, PartNumber=1, Body=b"small")
    etag2 = s3.upload_part(Bucket=bucket, Key="aborted", UploadId=upload_id, PartNumber=2, Body=b"x")["ETag"]
    code, status = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="aborted", UploadId=upload_id,
                            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"00"'},
                                                       {"PartNumber": 2, "ETag": etag2}]})
    assert (code, status) == ("InvalidPart", 400)
    assert error_of(s3.upload_part, Bucket=bucket, Key="aborted", UploadId=upload_id, PartNumber=10001,
                    Body=b"x") == ("InvalidArgument", 400)
    s3.abort_multipart_upload(Bucket=bucket, Key="aborted", UploadId=upload_id)
    assert error_of(s3.upload_part, Bucket=bucket, Key="aborted", UploadId=upload_id, PartNumber=1,
                    Body=b"x") == ("NoSuchUpload", 404)
    assert error_of(s3.head_object, Bucket=bucket, Key="aborted") == ("404", 404)


def test_content_md5_is_verified(s3, bucket):
    import base64

    good = base64.b64encode(hashlib.md5(b"payload").digest()).decode()
    s3.put_object(Bucket=bucket, Key="md5", Body=b"payload", ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert error_of(s3.put_object, Bucket=bucket, Key="md5", Body=b"payload", ContentMD5=bad) == ("BadDigest", 400)
    assert s3.get_object(Bucket=bucket, Key="md5")["Body"].read() == b"payload"  # the bad upload left nothing
    assert error_of(s3.put_object, Bucket=bucket, Key="md5", Body=b"payload", ContentMD5="not base64!") == (
        "InvalidDigest", 400)


def test_checksum_headers_are_verified(s3, bucket):
    s3.put_object(Bucket=bucket, Key="crc", Body=b"payload", ChecksumAlgorithm="CRC32")
    s3.put_object(Bucket=bucket, Key="sha", Body=b"payload", ChecksumAlgorithm="SHA256")
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="crc-bad", Body=b"payload", ChecksumCRC32="AAAAAA==")
    assert info.value.response["Error"]["Code"] == "BadDigest"
    assert error_of(s3.head_object, Bucket=bucket, Key="crc-bad") == ("404", 404)


def test_presigned_get(server, s3, bucket):
    s3 = server.s3(signature_version="s3v4")  # botocore 1.29 presigns S3 with SigV2 unless told otherwise
    s3.put_object(Bucket=bucket, Key="shared file.txt", Body=b"presigned body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared file.txt"},
                                    ExpiresIn=300)
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"presigned body"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url.replace("shared%20file.txt", "other.txt"))
    assert info.value.code == 403 and b"SignatureDoesNotMatch" in info.value.read()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url[:-4] + ("0000" if not url.endswith("0000") else "1111"))
    assert info.value.code == 403


def test_expired_presigned_url(server, s3, bucket):
    import time

    s3 = server.s3(signature_version="s3v4")
    s3.put_object(Bucket=bucket, Key="short-lived", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "short-lived"}, ExpiresIn=1)
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url)
    assert info.value.code == 403
    assert b"<Code>AccessDenied</Code>" in info.value.read()


def test_presigned_put(server, s3, bucket):
    s3 = server.s3(signature_version="s3v4")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "via-presigned-put"},
                                    ExpiresIn=300)
    request = urllib.request.Request(url, data=b"uploaded", method="PUT")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    assert s3.get_object(Bucket=bucket, Key="via-presigned-put")["Body"].read() == b"uploaded"


def test_wrong_credentials_are_rejected(server, bucket):
    assert error_of(server.s3(secret_key="wrong-secret").list_buckets) == ("SignatureDoesNotMatch", 403)
    assert error_of(server.s3(access_key="AKIDNOBODY").list_buckets) == ("InvalidAccessKeyId", 403)
    assert error_of(server.s3(secret_key="wrong-secret").put_object, Bucket=bucket, Key="forged",
                    Body=b"x") == ("SignatureDoesNotMatch", 403)
    assert error_of(server.s3().head_object, Bucket=bucket, Key="forged") == ("404", 404)
    # Secrets never reach the log.
    assert "wrong-secret" not in server.log() and server.secret_key not in server.log()


def test_unsigned_requests_are_rejected(server, bucket):
    for method, path in [("GET", "/"), ("GET", f"/{bucket}"), ("PUT", f"/{bucket}/anon"), ("DELETE", f"/{bucket}")]:
        request = urllib.request.Request(server.url + path, data=b"x" if method == "PUT" else None, method=method)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request)
        assert info.value.code == 403, path
        assert b"<Code>AccessDenied</Code>" in info.value.read()


def signed_request(server, method, path, body=b"", when=None, headers=None, signed_body=None):
    """A request signed by botocore's S3 signer (for `signed_body` if given, else `body`), optionally at another
    time; returns (status, body)."""
    import unittest.mock

    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    request = botocore.awsrequest.AWSRequest(method=method, url=server.url + path,
                                             data=body if signed_body is None else signed_body, headers=headers or {})
    signer = botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key), "s3",
                                       "us-east-1")
    if when is not None:
        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return when

        with unittest.mock.patch.object(botocore.auth.datetime, "datetime", Frozen):
            signer.add_auth(request)
    else:
        signer.add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, data=body or None, method=method, headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(raw) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_clock_skew_window(server, bucket):
    now = datetime.datetime.utcnow()
    assert signed_request(server, "GET", f"/{bucket}", when=now - datetime.timedelta(minutes=10))[0] == 200
    status, body = signed_request(server, "GET", f"/{bucket}", when=now - datetime.timedelta(minutes=20))
    assert status == 403 and b"RequestTimeTooSkewed" in body
    status, body = signed_request(server, "GET", f"/{bucket}", when=now + datetime.timedelta(minutes=20))
    assert status == 403 and b"RequestTimeTooSkewed" in body


def test_payload_hash_must_match_body(server, bucket):
    status, body = signed_request(server, "PUT", f"/{bucket}/hash-mismatch", body=b"real body",
                                  signed_body=b"fake body")
    assert status == 400 and b"XAmzContentSHA256Mismatch" in body
    assert signed_request(server, "GET", f"/{bucket}/hash-mismatch")[0] == 404


# Keys that try to leave the store. Each either round-trips as an ordinary key or is refused with a 4xx; no
# file may appear outside the data directory, and nothing outside it may be read.
TRAVERSAL_KEYS = ["..", "../escape", "a/../../escape", "../../../../etc/passwd", "./.", "a/./b", "..\\escape",
                  "%2e%2e/escape", "dir/..", "....//....//escape", "\u2025/escape"]


@pytest.mark.parametrize("key", TRAVERSAL_KEYS)
def test_traversal_keys_stay_inside_the_store(server, s3, bucket, key):
    before = set(os.listdir(server.data_dir.parent))
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"inside")
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
        return
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"inside"
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=key)["Contents"]]
    assert key in listed
    assert set(os.listdir(server.data_dir.parent)) == before
    s3.delete_object(Bucket=bucket, Key=key)


def raw_request(server, method, raw_path, body=None):
    """Sign and send a request whose path is sent exactly as given (no client-side normalisation)."""
    import http.client

    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    request = botocore.awsrequest.AWSRequest(method=method, url=server.url + raw_path, data=body or b"")
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key), "s3",
                              "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = dict(request.headers)
    connection.putrequest(method, raw_path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.putheader("Host", f"127.0.0.1:{server.port}")
    connection.putheader("Content-Length", str(len(body or b"")))
    connection.endheaders(body or b"")
    response = connection.getresponse()
    return response.status, response.read()


@pytest.mark.parametrize("raw_path", ["/{b}/..%2F..%2Fescape", "/{b}/%2e%2e/%2e%2e/escape", "/{b}/a%00b",
                                      "/{b}/%2F%2Fabs", "/{b}//abs/path"])
def test_raw_hostile_paths(server, bucket, raw_path):
    before = set(os.listdir(server.data_dir.parent))
    status, _ = raw_request(server, "PUT", raw_path.format(b=bucket), body=b"raw")
    assert status in (200, 400, 403)
    if status == 200:
        assert raw_request(server, "GET", raw_path.format(b=bucket)) == (200, b"raw")
    assert set(os.listdir(server.data_dir.parent)) == before
    status, body = raw_request(server, "GET", "/%2e%2e/%2e%2e/etc/passwd")
    assert status in (400, 403, 404) and b"root:" not in body


def test_overlong_and_nul_keys(s3, bucket):
    assert error_of(s3.put_object, Bucket=bucket, Key="k" * 1025, Body=b"x")[1] == 400
    s3.put_object(Bucket=bucket, Key="k" * 1024, Body=b"longest")
    assert s3.get_object(Bucket=bucket, Key="k" * 1024)["Body"].read() == b"longest"
    # NUL: refused, or stored as an ordinary key that round-trips (never a truncated file name).
    try:
        s3.put_object(Bucket=bucket, Key="nul\x00key", Body=b"nul")
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    else:
        assert s3.get_object(Bucket=bucket, Key="nul\x00key")["Body"].read() == b"nul"
        assert error_of(s3.get_object, Bucket=bucket, Key="nul") == ("NoSuchKey", 404)


def test_virtual_hosted_style(server):
    s3v = server.s3(s3={"addressing_style": "virtual"})
    s3 = server.s3()
    s3.create_bucket(Bucket="vhost")
    # botocore builds http://vhost.127.0.0.1:port/ only for DNS names; use localhost, which resolves here.
    vs3 = server.s3(s3={"addressing_style": "virtual"})
    vs3.meta.events.unregister  # noqa: B018 (the client exists)
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "s3", endpoint_url=f"http://localhost:{server.port}", region_name="us-east-1",
        aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    client.put_object(Bucket="vhost", Key="k", Body=b"virtual")
    status, body = 0, b""
    import http.client

    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    request = botocore.awsrequest.AWSRequest(method="GET", url=f"http://vhost.localhost:{server.port}/k")
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key), "s3",
                              "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = dict(request.headers)
    headers["Host"] = f"vhost.localhost:{server.port}"
    connection.request("GET", "/k", headers=headers)
    response = connection.getresponse()
    status, body = response.status, response.read()
    assert (status, body) == (200, b"virtual")
    del s3v


def test_unsupported_subresources_say_not_implemented(s3, bucket):
    assert error_of(s3.get_bucket_acl, Bucket=bucket) == ("NotImplemented", 501)


def test_get_bucket_location(s3, bucket):
    assert s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") in (None, "")


def test_many_keep_alive_requests(s3, bucket):
    for i in range(200):
        s3.put_object(Bucket=bucket, Key=f"ka/{i}", Body=str(i).encode())
    assert s3.list_objects_v2(Bucket=bucket, Prefix="ka/")["KeyCount"] == 200
    assert s3.get_object(Bucket=bucket, Key="ka/199")["Body"].read() == b"199"


def test_concurrent_clients(server, bucket):
    from concurrent.futures import ThreadPoolExecutor

    def work(i):
        client = server.s3()
        data = os.urandom(50_000 + i)
        client.put_object(Bucket=bucket, Key=f"conc/{i}", Body=data)
        return client.get_object(Bucket=bucket, Key=f"conc/{i}")["Body"].read() == data

    with ThreadPoolExecutor(16) as pool:
        assert all(pool.map(work, range(64)))


def test_hostile_xml_bodies(server, bucket):
    import base64

    for body in [b"<Delete>", b"not xml at all", b"<!DOCTYPE x [<!ENTITY a 'b'>]><Delete/>",
                 b"<Delete>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</Delete>", b"<Delete><Object></Object></Delete>",
                 b"<Delete><Object><Key>&unknown;</Key></Object></Delete>"]:
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        status, response = signed_request(server, "POST", f"/{bucket}?delete", body=body,
                                          headers={"Content-MD5": md5})
        assert status == 400 and b"MalformedXML" in response, body[:40]


def test_request_log_has_no_secrets(server):
    log = server.log()
    assert "method=GET" in log and "status=200" in log
    assert server.secret_key not in log
    assert "Signature=" not in log and "X-Amz-Signature" not in log
