"""nox -s demo: its staging, in process (the whole run is in test_demo_release.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers.demo import REPO_ROOT, load_demo
from tests.helpers.gitrepo import git

demo = load_demo()


def test_stage_project_pushes_the_example_and_a_new_fragment(tmp_path: Path) -> None:
    project, origin = demo.stage_project(tmp_path, fragment="A staged fragment.\n")
    assert git(origin, "rev-parse", "main") == git(project, "rev-parse", "HEAD")
    assert git(project, "status", "--porcelain") == ""
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert log == ["Weighted consortium members", "The LLM Karpathy Consortium"]
    assert git(origin, "show", "main:changelog.d/+weights.feature.md") == "A staged fragment."
    assert not any(p.name in {".nox", "dist"} for p in project.iterdir())


def test_release_env_points_at_both_indexes_and_carries_the_login(tmp_path: Path) -> None:
    from releasekit.config import load

    with (
        demo.pypiserver(tmp_path / "t", name="TestPyPI") as test_index,
        demo.pypiserver(tmp_path / "p", name="PyPI") as index,
    ):
        env = demo.release_env(test_index, index)
        project, _ = demo.stage_project(tmp_path / "work")
        saved = dict(os.environ)
        try:
            os.environ.update(env)
            config = load(project)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    assert config.test_index.simple_url == test_index.simple_url
    assert config.index.upload_url == index.upload_url
    assert env["TWINE_USERNAME"] == demo.USERNAME
    assert demo.release_command("minor", "--yes")[-4:] == ["release", "--", "minor", "--yes"]


def test_a_failing_step_stops_the_demo_with_its_command() -> None:
    with pytest.raises(SystemExit, match="exit code 3"):
        demo.run([sys.executable, "-c", "raise SystemExit(3)"], os.environ)
    with pytest.raises(SystemExit, match="git frobnicate failed"):
        demo.git(REPO_ROOT, "frobnicate")
