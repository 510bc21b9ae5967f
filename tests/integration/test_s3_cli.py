"""The AWS CLIs against openaml: Debian's v2 (/usr/bin/aws, plain bodies) and, where present, pip's v1 beside the
default python3 (aws-chunked bodies with trailing checksums). A ~200 MB file goes up and down by multipart."""

import filecmp
import hashlib
import os

import pytest

from helpers.server import modern_aws, write_random_file


def md5_of(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_debian_cli_bucket_and_object_commands(server, tmp_path):
    server.aws("s3", "mb", "s3://cli-basic")
    assert "cli-basic" in server.aws("s3", "ls").stdout
    source = tmp_path / "hello.txt"
    source.write_text("hello from the cli\n")
    server.aws("s3", "cp", str(source), "s3://cli-basic/dir/hello.txt")
    listing = server.aws("s3", "ls", "s3://cli-basic/dir/").stdout
    assert "hello.txt" in listing and " 19 " in listing
    assert server.aws("s3", "cp", "s3://cli-basic/dir/hello.txt", "-").stdout == "hello from the cli\n"
    head = server.aws("s3api", "head-object", "--bucket", "cli-basic", "--key", "dir/hello.txt").stdout
    assert hashlib.md5(b"hello from the cli\n").hexdigest() in head
    # sync a small tree, then remove it recursively.
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    for name in ["a.csv", "b.csv", "sub/c.csv"]:
        (tree / name).write_text(name * 10)
    server.aws("s3", "sync", str(tree), "s3://cli-basic/tree")
    listed = server.aws("s3", "ls", "--recursive", "s3://cli-basic/tree/").stdout
    assert all(name in listed for name in ["tree/a.csv", "tree/b.csv", "tree/sub/c.csv"])
    server.aws("s3", "rm", "--recursive", "s3://cli-basic/tree")
    assert "tree/" not in server.aws("s3", "ls", "--recursive", "s3://cli-basic/").stdout
    failed = server.aws("s3", "rb", "s3://cli-basic", check=False)
    assert failed.returncode != 0 and "BucketNotEmpty" in failed.stderr
    server.aws("s3", "rb", "--force", "s3://cli-basic")
    missing = server.aws("s3", "ls", "s3://cli-basic", check=False)
    assert missing.returncode != 0 and "NoSuchBucket" in missing.stderr


def test_debian_cli_errors(server):
    missing = server.aws("s3api", "get-object", "--bucket", "nope-bucket", "--key", "k", "/dev/null", check=False)
    assert missing.returncode != 0 and "NoSuchBucket" in missing.stderr
    bad = server.aws("s3", "mb", "s3://Bad_Name", check=False)
    assert bad.returncode != 0


def test_debian_cli_large_multipart_roundtrip(server, tmp_path):
    source = write_random_file(tmp_path / "big.bin", 200 * 1024 * 1024 + 12345)
    server.aws("s3", "mb", "s3://cli-large")
    server.aws("s3", "cp", str(source), "s3://cli-large/big.bin")
    head = server.aws("s3api", "head-object", "--bucket", "cli-large", "--key", "big.bin").stdout
    assert '"ContentLength": %d' % os.path.getsize(source) in head
    assert '-' in head.split('"ETag"')[1].split("\n")[0], "a 200 MB upload by the CLI is multipart"
    target = tmp_path / "big.down"
    server.aws("s3", "cp", "s3://cli-large/big.bin", str(target))
    assert filecmp.cmp(source, target, shallow=False)
    server.aws("s3", "rm", "s3://cli-large/big.bin")


def test_modern_cli_uploads_with_aws_chunked(server, tmp_path):
    cli, reason = modern_aws()
    if cli is None:
        pytest.skip(reason)
    server.aws("s3", "mb", "s3://cli-modern", cli=cli)
    small = tmp_path / "small.txt"
    small.write_text("chunked small\n")
    server.aws("s3", "cp", str(small), "s3://cli-modern/small.txt", cli=cli)
    assert server.aws("s3", "cp", "s3://cli-modern/small.txt", "-", cli=cli).stdout == "chunked small\n"
    big = write_random_file(tmp_path / "modern.bin", 40 * 1024 * 1024 + 7, seed=7)
    server.aws("s3", "cp", str(big), "s3://cli-modern/modern.bin", cli=cli)
    down = tmp_path / "modern.down"
    server.aws("s3", "cp", "s3://cli-modern/modern.bin", str(down), cli=cli)
    assert md5_of(down) == md5_of(big)
    # And the other CLI reads what this one wrote.
    assert server.aws("s3", "cp", "s3://cli-modern/small.txt", "-").stdout == "chunked small\n"
