"""Helpers for test_external_s3.py: moto's S3 server as a second S3-compatible service, and the C++ client's
command-line driver (openaml_s3_probe, built beside the openaml binary).

moto is installed only for the pyenv python3 on this machine (not Debian's), so it runs as a subprocess of that
interpreter; tests skip with the reason when it is missing.
"""

import json
import os
import socket
import subprocess
import time

from helpers.server import openaml_bin

MOTO_PYTHON = os.environ.get("OPENAML_MOTO_PYTHON", "/root/.pyenv/shims/python3")
MOTO_KEY = "testing"


def probe_bin():
    return os.environ.get("OPENAML_S3_PROBE") or os.path.join(os.path.dirname(openaml_bin()), "openaml_s3_probe")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """`python3 -m moto.server` on a free port; start() returns None and sets .skip_reason when it cannot run."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.skip_reason = None

    def start(self, timeout=30):
        if not os.path.exists(MOTO_PYTHON):
            self.skip_reason = f"moto tests skipped: {MOTO_PYTHON} not found (set OPENAML_MOTO_PYTHON)"
            return None
        self.process = subprocess.Popen([MOTO_PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                self.skip_reason = f"moto tests skipped: {MOTO_PYTHON} -m moto.server exited (is moto installed?)"
                return None
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        self.skip_reason = f"moto tests skipped: moto.server did not listen within {timeout} s"
        return None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Target:
    """One S3-compatible service as both boto3 and the C++ client see it."""

    def __init__(self, name, url, access_key, secret_key):
        self.name, self.url, self.access_key, self.secret_key = name, url, access_key, secret_key

    def boto3(self):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.url, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    def probe(self, *args, check=True):
        """Run openaml_s3_probe against this service; return its JSON output (or the CompletedProcess)."""
        command = [probe_bin(), "--endpoint", self.url, "--access-key", self.access_key, "--secret-key",
                   self.secret_key, *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if not check:
            return result
        assert result.returncode == 0, f"{command[4:]} failed: {result.stderr}"
        return json.loads(result.stdout)
