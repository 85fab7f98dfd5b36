"""What pre-commit installs for releasekit's hooks: releasekit and only what the hooks use.

pre-commit builds a ``language: python`` hook's environment as a fresh virtualenv with the
hook repository installed into it, without extras. This test does the same, offline from
uv's cache: releasekit built from this work tree (not editable) into a fresh venv. Then it
counts the distributions and measures their size on disk, holds them under the bound
(:data:`MAX_PACKAGES`, :data:`MAX_MEGABYTES`, documented in docs/getting-started.rst),
runs the three hooks there, and checks that a release command says in one line which
extra it needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.noxrun import tool_env
from tests.helpers.releaseproj import make_project

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
MAX_PACKAGES = 10
MAX_MEGABYTES = 15.0
RELEASE_TOOLS = {"bump-my-version", "towncrier", "build", "twine", "check-manifest", "nox", "tox", "httpx", "rich"}


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding releasekit as pre-commit installs it for the hooks; its bin directory."""
    venv = tmp_path_factory.mktemp("pre-commit-hook-env") / "py_env"
    env = tool_env()
    subprocess.run(["uv", "venv", "-q", "-p", sys.executable, str(venv)], check=True, env=env, timeout=300)
    install = ["uv", "pip", "install", "-q", "--offline", "--python", str(venv / "bin" / "python"), str(ROOT)]
    subprocess.run(install, check=True, env=env, timeout=600)
    return venv / "bin"


def test_the_hooks_install_is_light(hook_env: Path) -> None:
    python = hook_env / "python"
    listed = subprocess.run(
        ["uv", "pip", "list", "--python", str(python), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=tool_env(),
    )
    names = {entry["name"].lower() for entry in json.loads(listed.stdout)}
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6
    print(f"\nthe hooks' install: {len(names)} packages ({', '.join(sorted(names))}), {size:.1f} MB on disk")
    assert "releasekit" in names
    assert (site / "releasekit" / "py.typed").is_file()  # type checkers read releasekit's annotations
    assert not names & RELEASE_TOOLS, names & RELEASE_TOOLS
    assert len(names) <= MAX_PACKAGES, sorted(names)
    assert size <= MAX_MEGABYTES, f"{size:.1f} MB"


def test_the_hooks_run_there_and_release_commands_name_their_extra(hook_env: Path, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    releasekit = str(hook_env / "releasekit")
    for check in (["check", "versions"], ["check", "fragments"], ["check", "links"]):
        proc = subprocess.run([releasekit, *check], cwd=project.root, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (check, proc.stdout, proc.stderr)
    for command in (["release", "--dry-run"], ["build", "--out", str(tmp_path / "out")], ["init"], ["notes"]):
        proc = subprocess.run([releasekit, *command], cwd=project.root, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"releasekit: error: releasekit {command[0]} needs"), lines
        assert lines[0].endswith("pip install 'releasekit[release]'"), lines
