"""The web console end to end: the banking tutorial driven through /console/ in headless Chromium.

Runs console/e2e/run-e2e.mjs (playwright-core + Debian's /usr/bin/chromium) against the shared `server`
fixture from conftest.py: upload banking.csv, datasource with y as target, default model, evaluation AUC >= 0.94,
threshold 0.75 saved, batch prediction, real-time prediction from a pasted record. Screenshots and results.json
land in build/console-screenshots/. Skips, saying why, when node, chromium or the built console are missing.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "console" / "e2e" / "run-e2e.mjs"
SHOTS = REPO / "build" / "console-screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DATA = REPO / "examples" / "banking"  # banking.csv and banking-batch.csv (spec §15.1)


def _dist_dir():
    for candidate in (os.environ.get("OPENAML_CONSOLE_DIST"), REPO / "build" / "console-dist"):
        if candidate and (Path(candidate) / "index.html").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def console_server(request):
    missing = []
    if shutil.which("node") is None:
        missing.append("node")
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if not (REPO / "console" / "node_modules" / "playwright-core").is_dir():
        missing.append("console/node_modules/playwright-core (run scripts/build-console)")
    if _dist_dir() is None:
        missing.append("build/console-dist (run scripts/build-console)")
    if missing:
        pytest.skip("console e2e needs: " + ", ".join(missing))
    try:
        return request.getfixturevalue("server")
    except pytest.FixtureLookupError:
        pytest.skip("console e2e needs the shared `server` fixture (tests/integration/conftest.py) which is not there yet")


def test_console_tutorial(console_server):
    env = dict(os.environ)
    env.update(OPENAML_URL=console_server.url.rstrip("/"), OPENAML_ACCESS_KEY_ID=console_server.access_key,
               OPENAML_SECRET_ACCESS_KEY=console_server.secret_key)
    SHOTS.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["node", str(RUNNER), "--shots", str(SHOTS), "--dist", str(_dist_dir()),
         "--data-dir", str(DATA), "--timeout-min", "10"],
        cwd=REPO / "console", env=env, capture_output=True, text=True, timeout=1800)
    print(proc.stdout)
    print(proc.stderr)
    results_file = SHOTS / "results.json"
    assert results_file.is_file(), f"the runner wrote no results (exit {proc.returncode})"
    results = json.loads(results_file.read_text())
    failed = [r for r in results["results"] if r["status"] != "PASS"]
    assert not failed, "console e2e steps not passing: " + "; ".join(
        f"{r['step']}: {r['status']} {r.get('error', r.get('reason', ''))}" for r in failed)
    assert results["state"]["auc"] >= 0.94
    assert proc.returncode == 0
