"""``[tool.releasekit] publish = "ci"``: the local release stops after the push and hands over."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config
from releasekit.ci import workflow
from tests.helpers.cli import Result, releasekit
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.releaseproj import Project, make_project

pytestmark = pytest.mark.integration


CI_CONFIG = """
[tool.releasekit]
publish = "ci"

[tool.releasekit.github]
repository = "acme/widget"
"""
# Nothing listens there: a release that tried to reach an index would fail.
NO_INDEX = {
    "RELEASEKIT_TEST_UPLOAD_URL": "http://127.0.0.1:9/",
    "RELEASEKIT_TEST_SIMPLE_URL": "http://127.0.0.1:9/simple/",
    "RELEASEKIT_UPLOAD_URL": "http://127.0.0.1:9/",
    "RELEASEKIT_SIMPLE_URL": "http://127.0.0.1:9/simple/",
}


@pytest.fixture(autouse=True)
def _no_github_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)


def ci_project(tmp_path: Path, *, with_workflow: bool = True) -> Project:
    project = make_project(tmp_path, extra_pyproject=CI_CONFIG)
    if with_workflow:
        text = workflow.release_workflow(config.load(project.root))
        write_files(project.root, {".github/workflows/release.yml": text})
        commit_all(project.root, "Add the release workflow")
        git(project.root, "push", "-q", "origin", "main")
    return project


def release(project: Project, *args: str) -> Result:
    return releasekit("release", *args, cwd=project.root, env=NO_INDEX)


def test_release_stops_after_the_push_and_says_where_it_continues(tmp_path: Path) -> None:
    project = ci_project(tmp_path)
    result = release(project, "minor", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    # the tag and the release commit are on origin
    assert git(project.origin, "tag", "--list") == "v0.2.0"
    assert git(project.origin, "log", "-1", "--format=%s", "main") == "Release v0.2.0"
    # nothing was built here, and the checklist has eight steps
    assert not (project.root / ".git" / "releasekit" / "artifacts").exists()
    assert "[ 9/9] Hand over to the release workflow: ok" in result.stdout
    for word in ("Build from a clean checkout", "Test index: upload", "Production index"):
        assert word not in result.stdout
    out = result.stdout
    assert (
        "Pushed v0.2.0 to origin/main. The release workflow of that tag (.github/workflows/release.yml) builds "
        f"{project.name} 0.2.0, publishes it to TestPyPI, then to PyPI" in out
    )
    assert "Watch it: https://github.com/acme/widget/actions/workflows/release.yml?query=branch%3Av0.2.0" in out
    assert "https://github.com/acme/widget/releases/tag/v0.2.0" in out
    assert f"{project.name}==0.2.0" in out
    assert not (project.root / ".git" / "releasekit" / "release.json").exists()  # the journal is finished


def test_dry_run_says_what_the_workflow_would_publish(tmp_path: Path) -> None:
    project = ci_project(tmp_path)
    result = release(project, "minor", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ 9/9] Hand over to the release workflow: ok" in result.stdout
    assert f"The release would publish {project.name} 0.2.0 as v0.2.0." in result.stdout
    assert 'built and published by the release workflow of the tag ([tool.releasekit] publish = "ci")' in result.stdout
    assert "Added a first feature, greeting the world." in result.stdout.split("Release notes:")[1]
    assert git(project.origin, "tag", "--list") == ""


def test_without_the_workflow_preflight_refuses(tmp_path: Path) -> None:
    project = ci_project(tmp_path, with_workflow=False)
    result = release(project, "minor", "--yes")
    assert result.returncode == 1
    assert (
        "publish = \"ci\", but .github/workflows/release.yml is missing; write it with 'releasekit init --ci github'"
        in result.stderr
    )
    assert git(project.origin, "tag", "--list") == ""
