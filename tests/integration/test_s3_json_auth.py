"""SigV4 on the JSON-protocol API (`POST /` + X-Amz-Target, spec §2.2, §2.5): the server's side of the Amazon ML
API. Skipped while no JSON API is registered in `openaml serve`."""

import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def ml(server):
    client = server.ml()
    try:
        client.describe_ml_models()
    except ClientError as error:
        if error.response["Error"]["Code"] == "UnknownOperationException":
            pytest.skip("the Amazon ML API is not registered in `openaml serve` yet")
        raise
    return client


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_signed_requests_pass(ml):
    assert "Results" in ml.describe_ml_models()


def test_bad_credentials_get_json_auth_errors(server, ml):
    assert error_of(server.ml(secret_key="wrong").describe_ml_models) == ("InvalidSignatureException", 403)
    assert error_of(server.ml(access_key="AKIDNOBODY").describe_ml_models) == ("UnrecognizedClientException", 403)


def test_unsigned_json_request(server, ml):
    request = urllib.request.Request(server.url + "/", data=b"{}", method="POST", headers={
        "X-Amz-Target": "AmazonML_20141212.DescribeMLModels", "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 403
    body = json.loads(info.value.read())
    assert body["__type"] == "MissingAuthenticationTokenException" and body["message"]


def test_body_is_covered_by_the_signature(server, ml):
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    headers = {"X-Amz-Target": "AmazonML_20141212.DescribeMLModels", "Content-Type": "application/x-amz-json-1.1"}
    request = botocore.awsrequest.AWSRequest(method="POST", url=server.url + "/", data=b'{"Limit": 5}',
                                             headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key),
                            "machinelearning", "us-east-1").add_auth(request)
    forged = urllib.request.Request(server.url + "/", data=b'{"Limit": 6}', method="POST",
                                    headers=dict(request.headers))
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(forged)
    assert info.value.code == 403
    assert json.loads(info.value.read())["__type"] == "InvalidSignatureException"


def test_signed_for_s3_is_refused(server, ml):
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    headers = {"X-Amz-Target": "AmazonML_20141212.DescribeMLModels", "Content-Type": "application/x-amz-json-1.1"}
    request = botocore.awsrequest.AWSRequest(method="POST", url=server.url + "/", data=b"{}", headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(server.access_key, server.secret_key), "s3",
                            "us-east-1").add_auth(request)
    signed = urllib.request.Request(server.url + "/", data=b"{}", method="POST", headers=dict(request.headers))
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(signed)
    assert info.value.code in (400, 403)


def test_oversized_json_body(server, ml):
    request = urllib.request.Request(server.url + "/", data=b" " * (17 * 1024 * 1024), method="POST", headers={
        "X-Amz-Target": "AmazonML_20141212.DescribeMLModels", "Content-Type": "application/x-amz-json-1.1"})
    # The server answers before reading the body and closes: the client sees the error or a reset.
    with pytest.raises((urllib.error.HTTPError, urllib.error.URLError, ConnectionError)) as info:
        urllib.request.urlopen(request)
    if isinstance(info.value, urllib.error.HTTPError):
        assert info.value.code in (400, 413)


def test_unknown_target(server, ml):
    request = urllib.request.Request(server.url + "/", data=b"{}", method="POST", headers={
        "X-Amz-Target": "NoSuchService_20990101.Anything", "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 400
    assert json.loads(info.value.read())["__type"] == "UnknownOperationException"
