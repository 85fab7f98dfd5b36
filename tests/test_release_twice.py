"""A second release, when the production index already serves the first one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import Env, Result, releasekit
from tests.helpers.gitrepo import git
from tests.helpers.noxrun import tool_overrides
from tests.helpers.pypi import pypiserver
from tests.helpers.releaseproj import add_fragment, make_project


def _release(root: Path, env: Env) -> Result:
    return releasekit("release", "minor", "--yes", cwd=root, env=env)


@pytest.mark.integration
def test_the_next_release_installs_from_the_test_index(tmp_path: Path) -> None:
    # The test install asks TestPyPI with PyPI as the extra index for dependencies. PyPI
    # serving 0.2.0 already must not hide TestPyPI's 0.3.0 (uv takes a name from one index only).
    with (
        pypiserver(tmp_path / "test-index", name="test") as test_index,
        pypiserver(tmp_path / "prod-index", name="prod") as index,
    ):
        env = tool_overrides(
            {
                **test_index.env("RELEASEKIT_TEST_"),
                **index.env("RELEASEKIT_"),
                "TWINE_USERNAME": "anyone",
                "TWINE_PASSWORD": "anything",
            }
        )
        project = make_project(tmp_path / "p")
        first = _release(project.root, env)
        assert first.returncode == 0, first.stdout + first.stderr
        add_fragment(project, "+second.feature.md", "A second feature.")
        second = _release(project.root, env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert git(project.origin, "tag", "--list").split() == ["v0.2.0", "v0.3.0"]
        versions = {p.name.split("-")[1].removesuffix(".tar.gz") for p in index.packages.iterdir()}
        assert versions == {"0.2.0", "0.3.0"}
