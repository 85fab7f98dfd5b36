"""A tiny releasable project: pyproject + hatchling, towncrier fragments, a bare origin."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import NamedTuple

from releasekit import config
from tests.helpers.gitrepo import add_origin, commit_all, git, make_repo, write_files

_COUNTER = itertools.count(1)

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
description = "A tiny project that releasekit releases in tests."
readme = "README.md"
requires-python = ">=3.10"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]

[tool.bumpversion]
current_version = "{version}"

[[tool.bumpversion.files]]
filename = "pyproject.toml"
search = 'version = "{{current_version}}"'
replace = 'version = "{{new_version}}"'

[[tool.bumpversion.files]]
filename = "src/{module}/__init__.py"

[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
start_string = "<!-- towncrier release notes start -->\\n"
title_format = "## {{version}} ({{project_date}})"
underlines = ["", "", ""]
orphan_prefix = "+"

[[tool.towncrier.type]]
directory = "breaking"
name = "Breaking Changes"
showcontent = true

[[tool.towncrier.type]]
directory = "migration"
name = "Migration Guide"
showcontent = true

[[tool.towncrier.type]]
directory = "feature"
name = "What's New"
showcontent = true

[[tool.towncrier.type]]
directory = "bugfix"
name = "Bug Fixes"
showcontent = true
{extra}"""

CHANGELOG = """\
# Changelog

<!-- towncrier release notes start -->
"""


class Project(NamedTuple):
    """A project checkout, its bare origin, and its names."""

    root: Path
    origin: Path
    name: str  # the distribution name
    module: str  # the import name


def unique_name(prefix: str = "rk-sample") -> str:
    """A distribution name no other test of this process uses (the indexes are shared)."""
    return f"{prefix}-{next(_COUNTER)}"


def make_project(
    base: Path,
    *,
    name: str | None = None,
    version: str = "0.1.0",
    fragments: dict[str, str] | None = None,
    extra_pyproject: str = "",
    extra_files: dict[str, str] | None = None,
    tests_gate: bool = True,
) -> Project:
    """A git repository at ``base/work`` with a bare origin at ``base/origin.git``.

    A project has to say what its tests are (the release refuses an empty tests gate);
    unless it brings a noxfile or a tox configuration, ``tests_gate`` maps its tests phase
    to a command that passes at once, so the release tests spend no time on test runs.
    """
    name = name or unique_name()
    module = name.replace("-", "_")
    runners = {"noxfile.py", "tox.ini", "tox.toml"} & set(extra_files or {})
    if tests_gate and not runners:
        command = json.dumps([sys.executable, "-c", "print('the tests pass')"])
        extra_pyproject += f"\n[tool.releasekit.gates]\ntests = {command}\n"
    files = {
        "pyproject.toml": PYPROJECT.format(name=name, module=module, version=version, extra=extra_pyproject),
        f"src/{module}/__init__.py": f'"""The {name} package."""\n\n__version__ = "{version}"\n',
        "README.md": f"# {name}\n\nA tiny project for releasekit's tests.\n",
        "CHANGELOG.md": CHANGELOG,
        "changelog.d/.gitkeep": "",
        ".gitignore": ".nox/\n__pycache__/\n",
    }
    if fragments is None:
        fragments = {"+first.feature.md": "Added a first feature, greeting the world."}
    files.update({f"changelog.d/{fname}": text for fname, text in fragments.items()})
    files.update(extra_files or {})
    root = make_repo(base / "work", files)
    origin = add_origin(root, base / "origin.git")
    return Project(root, origin, name, module)


def configured_project(base: Path, **kwargs: object) -> tuple[Project, config.Config]:
    """``make_project(base, **kwargs)`` and the configuration releasekit loads from it."""
    project = make_project(base, **kwargs)  # type: ignore[arg-type]
    return project, config.load(project.root)


def add_fragment(project: Project, filename: str, text: str) -> None:
    """Commit one more fragment and push it, so the checkout stays in sync with origin."""
    write_files(project.root, {f"changelog.d/{filename}": text})
    commit_all(project.root, f"Add {filename}")
    git(project.root, "push", "-q", "origin", "main")


def snapshot(repo: Path) -> dict[str, str]:
    """What a dry run must not change: refs, HEAD, index and work tree state."""
    refs = {
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(repo, "rev-parse", "HEAD"),
    }
    if git(repo, "rev-parse", "--is-bare-repository") == "true":
        return refs
    return {
        **refs,
        "status": git(repo, "status", "--porcelain", "--ignored"),
        "tree": git(repo, "stash", "create") or "clean",
    }


def step_mark(name: str) -> str:
    """How the release's checklist display opens the line of step ``name``: ``[ 3/14] Title``."""
    from releasekit.release.runner import STEPS

    number = next(n for n, step in enumerate(STEPS, 1) if step.name == name)
    return f"[{number:>2}/{len(STEPS)}] {STEPS[number - 1].title}"
