"""A whole release of a project whose tags have no v, on real indexes and the local GitHub stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import git
from tests.helpers.releaseproj import make_project

pytestmark = pytest.mark.integration


def test_a_full_release_where_tags_have_no_v(tmp_path: Path) -> None:
    """Tag, push, GitHub release and summary all use the project's `0.2.0`, on real indexes."""
    from tests.helpers.github_api import fake_github
    from tests.helpers.pypi import pypiserver
    from tests.helpers.releasing import USER, Indexes, index_env, release

    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    git(project.root, "tag", "-a", "0.1.0", "-m", "Release 0.1.0")
    git(project.root, "push", "-q", "origin", "0.1.0")
    token = "ghp_canary_tagformat_0000"
    with (
        pypiserver(tmp_path / "test-index", name="test", username=USER, password="pw-tagformat") as test,
        pypiserver(tmp_path / "prod-index", name="prod", username=USER, password="pw-tagformat") as prod,
        fake_github(token) as (api_url, github),
    ):
        env = index_env(Indexes(test, prod), GITHUB_TOKEN=token, RELEASEKIT_GITHUB_API_URL=api_url)
        env["TWINE_PASSWORD"] = "pw-tagformat"
        result = release(project, "--yes", env=env)
    assert result.returncode == 0, result.output
    assert git(project.origin, "tag", "--list") == "0.1.0\n0.2.0"
    assert git(project.origin, "tag", "-l", "--format=%(contents:subject)", "0.2.0") == "Release 0.2.0"
    assert git(project.origin, "log", "-1", "--format=%s", "main") == "Release 0.2.0"
    assert list(github.releases) == ["0.2.0"]
    assert f"Released {project.name} 0.2.0 (tag 0.2.0 on origin/main)" in result.stdout
    status = releasekit("status", cwd=project.root, env={"GITHUB_TOKEN": ""})
    assert status.stdout.splitlines()[:2] == [f"{project.name} 0.2.0 (tag 0.2.0)", "tag format: {version} (detected)"]
