"""pip's boto3 >= 1.36 on the default python3 uploads with `Content-Encoding: aws-chunked` and trailing CRC
checksums (STREAMING-UNSIGNED-PAYLOAD-TRAILER). Run in a subprocess of that python; skipped, with the reason, when
it is absent."""

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
for algorithm in ['CRC32', 'CRC32C', 'SHA1', 'SHA256']:
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
    assert result == {"outcome": "BadDigest", "exists": False}, result
