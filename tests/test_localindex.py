"""tests.helpers.pypi: a real pypiserver on 127.0.0.1."""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.pypi import pypiserver


def _post(url: str, auth: str | None) -> int:
    request = urllib.request.Request(url, data=b":action=file_upload", method="POST")
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_password_protected_index_serves_and_refuses_anonymous_uploads(tmp_path: Path) -> None:
    with pypiserver(tmp_path / "pkgs", name="PyPI", username="demo", password="s3cret") as index:
        with urllib.request.urlopen(index.simple_url, timeout=10) as response:
            assert response.status == 200
        assert index.env() == {"RELEASEKIT_UPLOAD_URL": index.upload_url, "RELEASEKIT_SIMPLE_URL": index.simple_url}
        assert index.env("RELEASEKIT_TEST_")["RELEASEKIT_TEST_SIMPLE_URL"].endswith("/simple/")
        assert _post(index.upload_url, None) == 401
        assert _post(index.upload_url, "demo:wrong") in (401, 403)
        process = index.process
    assert process.poll() is not None  # stopped when the block ends


def test_a_server_not_ready_in_time_is_reported_and_stopped(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="was not ready after 0 s"), pypiserver(tmp_path / "pkgs", timeout=0):
        pass
