"""Start, restart and kill a real `openaml serve` process for integration tests, and build clients for it.

The `server` fixture in conftest.py wraps OpenamlServer; other modules may create their own instances (for
example a second server, or one they may kill -9 without disturbing other tests).
"""

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[3]
ACCESS_KEY = "AKIDOPENAMLTEST0001"
SECRET_KEY = "openaml/test+secret0123456789abcdefghijkl"
REGION = "us-east-1"


def openaml_bin():
    return os.environ.get("OPENAML_BIN") or str(REPO / "build" / "openaml")


class OpenamlServer:
    """One `openaml serve` process on 127.0.0.1 with fixed credentials and its own data directory.

    Attributes: url, port, access_key, secret_key, data_dir (pathlib.Path), log_path, stdout_lines.
    """

    def __init__(self, data_dir, extra_args=(), env=None, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        self.data_dir = pathlib.Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.extra_args = list(extra_args)
        self.extra_env = dict(env or {})
        self.access_key = access_key
        self.secret_key = secret_key
        self.port = 0
        self.url = None
        self.process = None
        self.stdout_lines = []
        self.log_path = self.data_dir.parent / (self.data_dir.name + ".server.log")

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self, timeout=30):
        env = dict(os.environ)
        env.update({"OPENAML_ACCESS_KEY_ID": self.access_key, "OPENAML_SECRET_ACCESS_KEY": self.secret_key})
        env.update(self.extra_env)
        log = open(self.log_path, "ab")
        # Port 0 the first time (a free port); the same port on restart so clients keep their URL.
        args = [openaml_bin(), "serve", "--data-dir", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}",
                *self.extra_args]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, env=env, text=True)
        log.close()
        self.stdout_lines = []
        ready = threading.Event()

        def pump(stream):
            for line in stream:
                self.stdout_lines.append(line.rstrip("\n"))
                if line.startswith("openaml listening on "):
                    self.url = line.split("openaml listening on ", 1)[1].strip()
                    ready.set()
            ready.set()

        threading.Thread(target=pump, args=(self.process.stdout,), daemon=True).start()
        if not ready.wait(timeout) or self.url is None:
            self.process.kill()
            raise RuntimeError(f"openaml serve did not start: {self.stdout_lines}\n{self.log()[-4000:]}")
        self.port = int(self.url.rsplit(":", 1)[1])
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("openaml serve never answered /healthz")

    def stop(self, timeout=20):
        """SIGTERM and wait (graceful shutdown); returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def kill9(self):
        """SIGKILL the server (a crash): nothing gets a chance to clean up."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self):
        self.stop()
        return self.start()

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # -- clients -----------------------------------------------------------------------------------------------
    def _boto_config(self, **kwargs):
        from botocore.config import Config

        options = {"s3": {"addressing_style": "path"}, "retries": {"max_attempts": 1}}
        options.update(kwargs)
        return Config(**options)

    def s3(self, access_key=None, secret_key=None, **config):
        """A boto3 S3 client (path-style, region us-east-1, no retries)."""
        import boto3

        return boto3.session.Session().client(
            "s3", endpoint_url=self.url, region_name=REGION,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=self._boto_config(**config))

    def ml(self, access_key=None, secret_key=None, **config):
        """A boto3 Amazon Machine Learning client (region us-east-1, no retries)."""
        import boto3

        return boto3.session.Session().client(
            "machinelearning", endpoint_url=self.url, region_name=REGION,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=self._boto_config(**config))

    def client_env(self):
        """Environment for AWS clients in subprocesses: this server's credentials, no user config."""
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("AWS_"):
                del env[name]
        env.update({
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            # A path that does not exist (newer botocore refuses to parse /dev/null as a config file).
            "AWS_CONFIG_FILE": "/nonexistent/openaml-tests/aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/openaml-tests/aws-credentials",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
        })
        return env

    def aws(self, *args, cli="/usr/bin/aws", check=True, timeout=600, input=None):
        """Run the AWS CLI (`cli`, default Debian's v2) against this server; returns CompletedProcess (text)."""
        result = subprocess.run([cli, "--endpoint-url", self.url, *args], env=self.client_env(),
                                capture_output=True, text=True, timeout=timeout, input=input)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n"
                                 f"{result.stderr}")
        return result


def modern_python():
    """The default `python3` with pip's boto3 >= 1.36 (aws-chunked uploads with trailing checksums), or None.

    Returns (path, reason): path is None when unavailable, and reason says why (for pytest.skip).
    """
    candidates = [os.environ.get("OPENAML_MODERN_PYTHON"), "/root/.pyenv/shims/python3", shutil.which("python3")]
    for candidate in candidates:
        if not candidate or not os.path.exists(candidate) or os.path.realpath(candidate) == "/usr/bin/python3":
            continue
        probe = subprocess.run([candidate, "-c", "import boto3; print(boto3.__version__)"], capture_output=True,
                               text=True, timeout=60)
        if probe.returncode != 0:
            continue
        version = tuple(int(part) for part in probe.stdout.strip().split(".")[:2])
        if version >= (1, 36):
            return candidate, None
        return None, f"{candidate} has boto3 {probe.stdout.strip()} (< 1.36, no aws-chunked uploads)"
    return None, "no python3 other than /usr/bin/python3 with boto3 found (set OPENAML_MODERN_PYTHON)"


def modern_aws():
    """pip's AWS CLI v1 beside the modern python (it uploads with aws-chunked), or (None, reason)."""
    python, reason = modern_python()
    if python is None:
        return None, reason
    for candidate in ["/root/.pyenv/shims/aws", os.path.join(os.path.dirname(python), "aws")]:
        if os.path.exists(candidate) and os.path.realpath(candidate) != "/usr/bin/aws":
            probe = subprocess.run([candidate, "--version"], capture_output=True, text=True, timeout=60)
            if probe.returncode == 0 and "aws-cli/1." in (probe.stdout + probe.stderr):
                return candidate, None
    return None, "no pip AWS CLI v1 found beside " + python


def run_modern_python(server, code, timeout=600):
    """Run `code` with the modern python; the snippet gets ENDPOINT, make_s3() and the server's credentials."""
    python, reason = modern_python()
    if python is None:
        raise RuntimeError(reason)
    prelude = (
        "import os, boto3\n"
        "from botocore.config import Config\n"
        f"ENDPOINT = {server.url!r}\n"
        "def make_s3(**kw):\n"
        "    options = {'s3': {'addressing_style': 'path'}, 'retries': {'max_attempts': 1}}\n"
        "    options.update(kw)\n"
        "    return boto3.session.Session().client('s3', endpoint_url=ENDPOINT, region_name='us-east-1',\n"
        "        config=Config(**options))\n"
    )
    result = subprocess.run([python, "-c", prelude + code], env=server.client_env(), capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"modern python failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def write_random_file(path, size, seed=1):
    """Write `size` pseudo-random bytes to `path` quickly (a repeated random block, shifted per MiB)."""
    import random

    block = random.Random(seed).randbytes(1 << 20)
    with open(path, "wb") as out:
        written = 0
        index = 0
        while written < size:
            chunk = block[index % 997:] + block[:index % 997]
            chunk = chunk[: size - written]
            out.write(chunk)
            written += len(chunk)
            index += 1
    return path


def python_executable():
    return sys.executable
