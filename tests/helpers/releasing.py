"""Releasing a test project for real: two password-protected local indexes, the environment
that points releasekit at them, and what to read back afterwards.

The ``servers`` fixture (tests/conftest.py) starts the two indexes once per worker process,
shared by all the tests it runs: give every project a name of its own (``unique_name``).
Every release run here asserts that the indexes' password never appears in its output.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.helpers.cli import Result, on_terminal, releasekit
from tests.helpers.gitrepo import GIT_ENV, git
from tests.helpers.pypi import LocalIndex, pypiserver
from tests.helpers.releaseproj import Project

CANARY = "canary-pw-7f3e9b21"
USER = "releaser"
# Tests get a HOME of their own; the uv and pip caches stay shared so builds stay fast.
CACHES = {
    "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv"),
    "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip"),
}

# What a test must not inherit from the shell that started the suite.
_INHERITED = (
    "RELEASEKIT_UPLOAD_URL",
    "RELEASEKIT_SIMPLE_URL",
    "RELEASEKIT_TEST_UPLOAD_URL",
    "RELEASEKIT_TEST_SIMPLE_URL",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
)


def isolate(patch: pytest.MonkeyPatch, home: Path) -> None:
    """The environment every test runs in (conftest's autouse fixture), also for a module fixture,
    which runs before it: git with a fixed identity and no user config, ``home`` as HOME, the shared
    uv and pip caches (a cold cache in that HOME would make uv build every build environment and
    query every interpreter again), and none of the index or pre-commit settings of the shell."""
    for key, value in {**GIT_ENV, "HOME": str(home), **CACHES}.items():
        patch.setenv(key, value)
    home.mkdir(exist_ok=True)
    for var in _INHERITED:
        patch.delenv(var, raising=False)
    os.environ.pop("GIT_DIR", None)  # for good: a git hook that started the suite set it for its own repository


class Indexes(NamedTuple):
    test: LocalIndex
    prod: LocalIndex


@contextlib.contextmanager
def two_indexes(base: Path) -> Iterator[Indexes]:
    """A TestPyPI and a PyPI stand-in under ``base``, both wanting the login USER / CANARY to upload."""
    with (
        pypiserver(base / "test", name="test", username=USER, password=CANARY) as test,
        pypiserver(base / "prod", name="prod", username=USER, password=CANARY) as prod,
    ):
        yield Indexes(test, prod)


def env_for(test_upload: str, test_simple: str, prod_upload: str, prod_simple: str, **extra: str) -> dict[str, str]:
    return {
        **CACHES,
        "RELEASEKIT_TEST_UPLOAD_URL": test_upload,
        "RELEASEKIT_TEST_SIMPLE_URL": test_simple,
        "RELEASEKIT_UPLOAD_URL": prod_upload,
        "RELEASEKIT_SIMPLE_URL": prod_simple,
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": CANARY,
        **extra,
    }


def pypirc_env(servers: Indexes, home: Path) -> dict[str, str]:
    """Credentials from ~/.pypirc only: twine's environment variables left out."""
    t, p = servers
    (home / ".pypirc").write_text(
        "[distutils]\nindex-servers =\n    local-test\n    local-prod\n\n"
        f"[local-test]\nrepository = {t.upload_url}\nusername = {USER}\npassword = {CANARY}\n\n"
        f"[local-prod]\nrepository = {p.upload_url}\nusername = {USER}\npassword = {CANARY}\n"
    )
    env = index_env(servers)
    env.pop("TWINE_USERNAME"), env.pop("TWINE_PASSWORD")
    return env


def index_env(servers: Indexes, **extra: str) -> dict[str, str]:
    t, p = servers
    return env_for(t.upload_url, t.simple_url, p.upload_url, p.simple_url, **extra)


OUTPUTS: list[str] = []


def release(project: Project, *args: str, env: Mapping[str, str]) -> Result:
    """``releasekit release args`` in the project, without a terminal."""
    result = releasekit("release", *args, cwd=project.root, env=env)
    OUTPUTS.append(result.output)
    assert CANARY not in result.output
    return result


def release_on_terminal(project: Project, args: list[str], env: Mapping[str, str], answer: str) -> tuple[str, int]:
    """``releasekit release`` with a pseudo-terminal as stdin, typing ``answer`` when asked."""
    result = on_terminal("release", *args, cwd=project.root, env=env, answer=answer)
    assert CANARY not in result.output
    return result.output, result.returncode


def files_of(index: LocalIndex, project: Project) -> dict[str, str]:
    """What the index holds for the project: filename -> sha256 of the bytes on disk."""
    prefix = project.name.replace("-", "_") + "-"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(index.packages.iterdir())
        if p.name.startswith(prefix)
    }


def state_dir(project: Project) -> Path:
    return project.root / ".git" / "releasekit"


def journal_texts(project: Project) -> str:
    folder = state_dir(project)
    return "".join(p.read_text() for p in folder.glob("*.json")) if folder.is_dir() else ""


def origin_log(project: Project) -> list[str]:
    return git(project.origin, "log", "--format=%s", "main").splitlines()


def assert_released(project: Project, servers: Indexes, version: str = "0.2.0") -> dict[str, str]:
    """Exactly one clean release of ``version``: origin, both indexes, changelog, fragments."""
    tag = f"v{version}"
    assert origin_log(project).count(f"Release {tag}") == 1
    assert origin_log(project)[0] == f"Release {tag}"
    assert git(project.origin, "tag", "--list") == tag
    assert git(project.origin, "cat-file", "-t", tag) == "tag"  # annotated
    assert git(project.origin, "tag", "-l", "--format=%(contents:subject)", tag) == f"Release {tag}"
    assert git(project.origin, "rev-parse", f"{tag}^{{commit}}") == git(project.origin, "rev-parse", "main")
    on_test, on_prod = files_of(servers.test, project), files_of(servers.prod, project)
    assert len(on_test) == 2 and on_test == on_prod
    record = json.loads((state_dir(project) / f"released-{version}.json").read_text())
    assert record["artifacts"] == on_test
    assert not (state_dir(project) / "release.json").exists()
    changelog = git(project.origin, "show", f"{tag}:CHANGELOG.md")
    assert f"## {version}" in changelog and "Added a first feature, greeting the world." in changelog
    assert git(project.origin, "ls-tree", "--name-only", f"{tag}:changelog.d") == ".gitkeep"
    assert f'__version__ = "{version}"' in git(project.origin, "show", f"{tag}:src/{project.module}/__init__.py")
    assert CANARY not in journal_texts(project)
    return on_test
