"""Shared fixtures for the integration tests: a real `openaml serve` on a free port with a temporary data dir.

`server` (module scope) is an OpenamlServer (helpers/server.py):
  .url .port .access_key .secret_key .data_dir .log_path
  .s3() / .ml()         boto3 clients (region us-east-1, path-style, no retries)
  .aws(*args, cli=...)  the AWS CLI (Debian's /usr/bin/aws v2 by default) with --endpoint-url and credentials
  .restart() .stop() .kill9() .start() .log()
See README.md in this folder.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from helpers.server import OpenamlServer, openaml_bin  # noqa: E402


def pytest_report_header(config):
    return f"openaml binary: {openaml_bin()}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(openaml_bin()):
        pytest.fail(f"openaml binary not found at {openaml_bin()} (build first or set OPENAML_BIN)")
    instance = OpenamlServer(tmp_path_factory.mktemp("openaml") / "data")
    instance.start()
    yield instance
    instance.stop()
