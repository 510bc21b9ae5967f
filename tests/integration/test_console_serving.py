"""The web console's files are served unauthenticated under /console/; nothing else is, and no path escapes."""

import os
import urllib.error
import urllib.request

import pytest


def get(server, path, method="GET"):
    request = urllib.request.Request(server.url + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def console_built():
    dist = os.path.join(os.path.dirname(os.environ.get("OPENAML_BIN", "build/openaml")), "console-dist")
    if not os.path.exists(os.path.join(dist, "index.html")):
        pytest.fail(f"console not built at {dist} (the default build runs scripts/build-console)")
    return dist


def test_console_index_is_served_without_credentials(server, console_built):
    status, headers, body = get(server, "/console/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "no-cache"
    assert b"<html" in body.lower()


def test_client_side_routes_fall_back_to_index(server, console_built):
    status, _, body = get(server, "/console/evaluations/ev-1")
    assert status == 200 and b"<html" in body.lower()


@pytest.mark.parametrize("path", ["/console/%2e%2e/credentials", "/console/..%2fcredentials", "/console/.env"])
def test_hostile_console_paths_are_refused(server, console_built, path):
    status, _, body = get(server, path)
    assert status in (400, 404)
    assert b"AWS_SECRET" not in body and server.secret_key.encode() not in body


def test_missing_asset_is_404_and_head_has_no_body(server, console_built):
    assert get(server, "/console/assets/nope.js")[0] == 404
    status, _, body = get(server, "/console/", method="HEAD")
    assert status == 200 and body == b""


def test_object_api_still_requires_a_signature(server, console_built):
    assert get(server, "/")[0] == 403
