"""Credentials in index URLs never reach a real release's output or its state files.

A dry run against two local pypiservers, the canary password in the URL shapes the old
pattern missed. The checks that need no release run are in test_hostile_secrets.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import releasekit
from tests.helpers.pypi import pypiserver
from tests.helpers.releaseproj import make_project
from tests.helpers.releasing import CACHES

pytestmark = pytest.mark.integration

CANARY = "canary-pw-7Qz"


def test_a_dry_run_release_shows_no_password_of_any_url_shape(tmp_path: Path) -> None:
    password = f"pa@{CANARY}"  # an '@' inside the password: the old pattern showed its tail
    project = make_project(tmp_path)
    with (
        pypiserver(tmp_path / "test", name="test", username="releaser", password=password) as test,
        pypiserver(tmp_path / "prod", name="prod") as prod,
    ):
        at = f"http://releaser:{password}@127.0.0.1:{test.port}"
        empty_user = f"http://:{CANARY}@127.0.0.1:{prod.port}"  # no user at all: printed in full before
        env = {
            **CACHES,
            "RELEASEKIT_TEST_UPLOAD_URL": f"{at}/",
            "RELEASEKIT_TEST_SIMPLE_URL": f"{at}/simple/",
            "RELEASEKIT_UPLOAD_URL": f"{empty_user}/",
            "RELEASEKIT_SIMPLE_URL": f"{empty_user}/simple/",
        }
        result = releasekit("release", "patch", "--dry-run", cwd=project.root, env=env)
    assert result.returncode == 0, result.output
    assert f"TestPyPI: upload http://***@127.0.0.1:{test.port}/" in result.stdout
    assert f"PyPI: upload http://***@127.0.0.1:{prod.port}/" in result.stdout
    assert CANARY not in result.output
    state = project.root / ".git" / "releasekit"
    written = [p.read_text(errors="replace") for p in state.rglob("*") if p.is_file()] if state.is_dir() else []
    assert all(CANARY not in text for text in written)
