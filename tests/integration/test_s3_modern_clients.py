"""pip's boto3 >= 1.36 on the default python3: x-amz-checksum-* headers, and (over HTTPS, which the last test
simulates) `Content-Encoding: aws-chunked` bodies with trailing checksums (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
Run in a subprocess of that python; skipped, with the reason, when it is absent."""

import json

import pytest

from helpers.server import modern_python, run_modern_python


@pytest.fixture(scope="module")
def modern(server):
    python, reason = modern_python()
    if python is None:
        pytest.skip(reason)
    return server


def test_put_get_with_trailing_checksums(modern):
    out = run_modern_python(modern, """
import hashlib, json
s3 = make_s3()
s3.create_bucket(Bucket='modern')
results = {}
for algorithm in ['CRC32', 'SHA1', 'SHA256']:  # CRC32C needs botocore[crt]
    body = (algorithm * 5000).encode()
    s3.put_object(Bucket='modern', Key=algorithm, Body=body, ChecksumAlgorithm=algorithm)
    got = s3.get_object(Bucket='modern', Key=algorithm)['Body'].read()
    results[algorithm] = got == body
body = b'default checksum ' * 1000
put = s3.put_object(Bucket='modern', Key='default', Body=body)
results['etag'] = put['ETag'] == '"%s"' % hashlib.md5(body).hexdigest()
print(json.dumps(results))
""")
    results = json.loads(out.strip().splitlines()[-1])
    assert all(results.values()), results


def test_multipart_upload_file_and_download(modern, tmp_path):
    out = run_modern_python(modern, f"""
import hashlib, os, json
from boto3.s3.transfer import TransferConfig
s3 = make_s3()
s3.create_bucket(Bucket='modern-mp')
path = {str(tmp_path / 'mp.bin')!r}
with open(path, 'wb') as f:
    f.write(os.urandom(23 * 1024 * 1024 + 5))
config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
s3.upload_file(path, 'modern-mp', 'mp.bin', Config=config)
s3.download_file('modern-mp', 'mp.bin', path + '.down', Config=config)
same = open(path, 'rb').read() == open(path + '.down', 'rb').read()
etag = s3.head_object(Bucket='modern-mp', Key='mp.bin')['ETag']
print(json.dumps({{'same': same, 'etag': etag}}))
""")
    result = json.loads(out.strip().splitlines()[-1])
    assert result["same"]
    assert result["etag"].endswith('-3"')


def test_forged_chunked_upload_is_rejected(modern):
    # Tamper with the body after botocore computed its trailing checksum: the server must refuse it.
    out = run_modern_python(modern, """
import json
from botocore.exceptions import ClientError
s3 = make_s3()
s3.create_bucket(Bucket='modern-forged')
def tamper(request, **kwargs):
    body = request.body
    if hasattr(body, 'read'):
        data = body.read()
    else:
        data = body
    if isinstance(data, bytes) and b'payload-to-forge' in data:
        request.body = data.replace(b'payload-to-forge', b'PAYLOAD-TO-FORGE')
s3.meta.events.register('before-send.s3.PutObject', tamper)
try:
    s3.put_object(Bucket='modern-forged', Key='k', Body=b'payload-to-forge' * 100, ChecksumAlgorithm='CRC32')
    outcome = 'accepted'
except ClientError as error:
    outcome = error.response['Error']['Code']
exists = True
try:
    s3.head_object(Bucket='modern-forged', Key='k')
except ClientError:
    exists = False
print(json.dumps({'outcome': outcome, 'exists': exists}))
""")
    result = json.loads(out.strip().splitlines()[-1])
    # Over plain HTTP botocore also signs the payload hash, so the forgery trips that check first.
    assert result["outcome"] in ("BadDigest", "XAmzContentSHA256Mismatch") and not result["exists"], result


def test_aws_chunked_trailer_upload_as_over_https(modern):
    # botocore sends aws-chunked bodies with a trailing checksum only to https endpoints; make it believe the
    # endpoint is https (the wire stays plain HTTP) so the real client code frames the body.
    out = run_modern_python(modern, """
import json, urllib.parse
import botocore.httpchecksum as hc, botocore.auth as ba
real = urllib.parse.urlparse
def as_https(url, *a, **k):
    parsed = real(url, *a, **k)
    return parsed._replace(scheme='https') if parsed.scheme == 'http' else parsed
hc.urlparse = as_https
ba.urlsplit = lambda url, *a, **k: urllib.parse.urlsplit(url.replace('http://', 'https://', 1), *a, **k)
s3 = make_s3()
s3.create_bucket(Bucket='modern-chunked')
seen = []
s3.meta.events.register('before-send.s3.PutObject', lambda request, **kw: seen.append(
    {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}))
body = b'aws-chunked body ' * 50000
s3.put_object(Bucket='modern-chunked', Key='k', Body=body, ChecksumAlgorithm='CRC32')
same = s3.get_object(Bucket='modern-chunked', Key='k')['Body'].read() == body
print(json.dumps({'same': same, 'encoding': seen[-1].get('content-encoding'),
                  'sha': seen[-1].get('x-amz-content-sha256'), 'trailer': seen[-1].get('x-amz-trailer')}))
""")
    result = json.loads(out.strip().splitlines()[-1])
    assert result["same"], result
    assert result["encoding"] == "aws-chunked" and result["trailer"] == "x-amz-checksum-crc32", result
