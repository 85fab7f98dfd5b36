"""``releasekit init --ci github``: the workflow, its hash-locked requirements, Dependabot, one publisher.

The requirements are locked by the real ``uv pip compile`` against a local index that
serves releasekit's own wheel and its dependencies (tests/helpers/wheelhouse.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from releasekit import config
from releasekit.ci.lock import REQUIREMENTS_PATH
from releasekit.ci.workflow import workflow_path
from releasekit.release.steps.preflight import ci_problems
from tests.helpers import adoption
from tests.helpers.cli import on_terminal, releasekit
from tests.helpers.gitrepo import commit_all
from tests.helpers.pypi import LocalIndex
from tests.helpers.releasing import CACHES
from tests.helpers.wheelhouse import shared_releasekit_index
from tests.helpers.workflowcheck import check_structure, check_with_real_tools, parse

pytestmark = pytest.mark.integration

OTHER_PUBLISHER = """\
name: publish
on:
  release:
    types: [published]
jobs:
  pypi:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    with shared_releasekit_index(tmp_path_factory) as served:
        yield served


def _env(index: LocalIndex) -> dict[str, str]:
    # releasekit and what it needs from the local index first; the build backends of init's proof from the default
    return {**CACHES, "UV_INDEX": index.simple_url}


def _init(repo: Path, index: LocalIndex, *args: str) -> tuple[int, str, str]:
    result = releasekit("init", *args, cwd=repo, env=_env(index))
    return result.returncode, result.stdout, result.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_writes_the_workflow_its_locked_requirements_and_dependabot(tmp_path: Path, index: LocalIndex) -> None:
    repo = adoption.project_repo(tmp_path, adoption.legacy_files(), branch="master", tags=("2.3.0", "2.3.1"))
    code, out, err = _init(repo, index, "--yes", "--ci", "github")
    assert code == 0, out + err
    commit_all(repo, "Adopt releasekit")
    workflow = repo / ".github" / "workflows" / "release.yml"
    text = workflow.read_text()
    check_structure(parse(text), text, "build", tag_glob="[0-9]*")  # the tags have no v, nor has the trigger
    check_with_real_tools(workflow, repo)
    check_with_real_tools(repo / ".github" / "dependabot.yml", repo, schema="vendor.dependabot")

    # Every requirement pinned with ==, each with the sha256 of the file the index serves.
    locked = (repo / REQUIREMENTS_PATH).read_text()
    pins = dict(re.findall(r"^([a-z0-9-]+)==(\S+)", locked, re.MULTILINE))
    assert pins["releasekit"] == "0.1.0" and "twine" in pins and "cibuildwheel" not in pins
    served = {p.name: p for p in index.packages.iterdir()}
    wheel = next(p for name, p in served.items() if name.startswith("releasekit-"))
    import hashlib

    assert f"sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}" in locked
    # pip installs exactly that set, hashes required, into a fresh environment. The environment gets no
    # pip of its own (ensurepip costs more than the install): this one's pip installs into it (--python).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--require-hashes",
            "-r",
            str(repo / REQUIREMENTS_PATH),
        ],
        env={
            **os.environ,
            "PIP_INDEX_URL": index.simple_url,
            "PIP_FIND_LINKS": "",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    version = subprocess.run(
        [str(venv / "bin" / "releasekit"), "--version"], capture_output=True, text=True, check=False
    )
    assert "0.1.0" in version.stdout + version.stderr

    dependabot = yaml.safe_load((repo / ".github" / "dependabot.yml").read_text())
    assert dependabot == {
        "version": 2,
        "updates": [
            {
                "package-ecosystem": "github-actions",
                "directory": "/",
                "schedule": {"interval": "weekly"},
                "cooldown": {"default-days": 7},
            }
        ],
    }
    code, out, err = _init(repo, index, "--yes", "--ci", "github")  # a second run: nothing left to do
    assert (code, err) == (0, "") and "already adopted; nothing to change" in out


def test_the_projects_own_release_yml_is_kept_and_dependabot_extended(tmp_path: Path, index: LocalIndex) -> None:
    dependabot = (
        "version: 2\nupdates:\n  # the project's own entry, kept as written\n"
        "  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: daily\n"
    )
    files = {
        **adoption.static_files(),
        ".github/workflows/release.yml": "name: ours\non: push\njobs: {}\n",
        ".github/dependabot.yml": dependabot,
    }
    repo = adoption.project_repo(tmp_path, files)
    code, out, err = _init(repo, index, "--yes", "--ci", "github")
    assert code == 0, out + err
    assert (repo / ".github/workflows/release.yml").read_text() == "name: ours\non: push\njobs: {}\n"
    ours = repo / ".github/workflows/releasekit-release.yml"
    assert "written by releasekit" in ours.read_text()
    assert "workflow releasekit-release.yml" in out  # the trusted publisher names this file
    assert workflow_path(repo) == ".github/workflows/releasekit-release.yml"
    commit_all(repo, "Adopt releasekit")
    assert ci_problems(config.load(repo)) == []  # the release's preflight finds the workflow there
    extended = (repo / ".github" / "dependabot.yml").read_text()
    assert extended.startswith(dependabot)
    assert yaml.safe_load(extended)["updates"][1]["package-ecosystem"] == "github-actions"


def test_another_publisher_is_replaced_only_when_the_maintainer_says_so(tmp_path: Path, index: LocalIndex) -> None:
    files = {**adoption.static_files(), ".github/workflows/publish.yml": OTHER_PUBLISHER}
    repo = adoption.project_repo(tmp_path, files)
    before = tree(repo)
    code, _, err = _init(repo, index, "--yes", "--ci", "github")
    assert code == 2 and tree(repo) == before
    assert err == (
        "releasekit: error: .github/workflows/publish.yml publishes to PyPI too and init would remove it: run init "
        "without --yes to see the plan and confirm, or remove it yourself and run init --yes again\n"
    )
    asked = on_terminal("init", "--ci", "github", cwd=repo, answer="y\n", env=_env(index))
    assert asked.returncode == 0, asked.stdout
    assert "# remove .github/workflows/publish.yml" in asked.stdout
    assert "publishes to PyPI too: .github/workflows/release.yml replaces it" in asked.stdout
    assert not (repo / ".github/workflows/publish.yml").exists()
    assert (repo / ".github/workflows/release.yml").is_file()


def test_an_unreachable_index_refuses_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, adoption.static_files())
    before = tree(repo)
    result = releasekit(
        "init",
        "--yes",
        "--ci",
        "github",
        cwd=repo,
        env={**CACHES, "UV_DEFAULT_INDEX": "http://127.0.0.1:9/simple/", "UV_OFFLINE": "1"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"releasekit: error: {REQUIREMENTS_PATH}: uv pip compile could not lock releasekit[publish]=="
    )
    assert result.stderr.count("\n") == 1
    assert tree(repo) == before


def test_a_hostile_project_name_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    import tomlkit

    name = "minipkg\n    container: ghcr.io/evil/img #"
    files = {**adoption.static_files()}
    data = tomlkit.parse(files["pyproject.toml"])
    data["project"]["name"] = name  # type: ignore[index]
    files["pyproject.toml"] = tomlkit.dumps(data)
    repo = adoption.project_repo(tmp_path, files)
    before = tree(repo)
    result = releasekit("init", "--yes", "--ci", "github", cwd=repo, env=CACHES)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "ghcr.io" not in result.stdout, result.output
    assert tree(repo) == before
