"""Adopting releasekit, then releasing: `init --yes` on each project shape, then one real release.

Issue #13's acceptance test. Each shape (tests/helpers/adoption.py, the init tests' builders)
is built with real git and a bare origin holding its history and tags; `releasekit init --yes`
adopts it and the result is committed. The adopted project passes `check versions` and
`check fragments`, `notes` gives one version's section, a fragment in the project's own
format is added, and `releasekit release --yes` publishes to two local pypiservers. Then the
files are read back: every version place holds the new version (none is written when the
version comes from tags), the tag is in the project's format, both indexes serve the bytes
that were built, and the changelog holds the entry once, below its history unchanged and
with the title style of the releases before it.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.pypi import LocalIndex
from tests.helpers.releaseproj import Project
from tests.helpers.releasing import Indexes, files_of, index_env, release

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Shape:
    """One project shape, and what its release must leave behind."""

    files: Callable[[], dict[str, str]]
    name: str  # the distribution name the builder gives it
    branch: str
    tags: tuple[str, ...]  # its releases before adoption, on origin too
    old_notes: tuple[str, str] | None  # (version, what `notes version` prints), if it has a changelog
    fragment: tuple[str, str]  # (path, text) in the project's own directory and format
    version: str  # what the fragment's type makes the next release
    tag: str  # the tag of that release, in the project's format
    places: dict[str, tuple[str, ...]]  # file -> the lines that must hold the new version
    changelog: str
    history: str  # the changelog's releases before adoption, which must follow the new one unchanged
    title: str  # a regular expression: the new section's title, in the style of the existing ones
    entry: str  # the fragment's line in the changelog
    notes: str  # what `notes` prints for the new release: its section alone, in Markdown
    wheel: str = "py3"  # the wheel's Python tag (py2.py3 without requires-python)
    adoption: str = ""  # the name its adoption is shared under (adoption.adopted_copy), when ``files`` is a lambda


def dynamic(backend: str, name: str) -> Shape:
    """Shape (d) with ``backend`` (each its own name, as they share the indexes)."""
    return Shape(
        files=lambda: adoption.dynamic_files(backend, name),
        name=name,
        branch="main",
        tags=("v3.0.1",),
        old_notes=("3.0.1", "- Faster.\n"),
        fragment=("changelog.d/+speed.feature.rst", "Even faster.\n"),
        version="3.1.0",
        tag="v3.1.0",
        places={
            f"src/{name}/__init__.py": ('__version__ = "3.1.0"',),
            "docs/conf.py": ('version = "3.1"', 'release = "3.1.0"'),
            "pyproject.toml": ('current_version = "3.1.0"',),
        },
        changelog="CHANGES.rst",
        history="3.0.1 (2024-01-02)\n------------------\n\n- Faster.\n",
        title=r"3\.1\.0 \(\d{4}-\d\d-\d\d\)\n-{18}\n\nWhat's New\n~{10}\n\n",
        entry="- Even faster.\n",
        notes="### What's New\n\n- Even faster.\n",
        wheel="py2.py3",
        adoption=f"dynamic-{backend}-{name}",  # the init tests adopt dynamic-hatch-dyn too
    )


SHAPES = {
    # (a) setup.py + legacy .bumpversion.cfg (a named badge section) + CHANGELOG.rst + towncrier's own
    # types in changelog/ + master + tags without "v".
    "legacy": Shape(
        files=adoption.legacy_files,
        name="oldpkg",
        branch="master",
        tags=("2.3.0", "2.3.1"),
        old_notes=("2.3.1", "### Bugfixes\n\n- Fixed the frobnicator. (#12)\n"),
        fragment=("changelog/13.feature.rst", "Frobnicates twice as fast.\n"),
        version="2.4.0",
        tag="2.4.0",
        places={
            "setup.py": ('    version="2.4.0",',),
            "README.rst": (".. image:: https://img.shields.io/badge/version-2.4.0-blue",),
            "src/oldpkg/__init__.py": ('__version__ = "2.4.0"',),
            "pyproject.toml": ('current_version = "2.4.0"',),
        },
        changelog="CHANGELOG.rst",
        history=adoption.LEGACY_CHANGELOG.split(".. towncrier release notes start\n\n", 1)[1],
        title=r"2\.4\.0 \(\d{4}-\d\d-\d\d\)\n={18}\n\nFeatures\n--------\n\n",
        entry="- Frobnicates twice as fast. (#13)\n",
        notes="### Features\n\n- Frobnicates twice as fast. (#13)\n",
    ),
    # (b) setuptools-scm: the version comes from the tag; a Markdown changelog.
    "scm": Shape(
        files=adoption.scm_files,
        name="scmpkg",
        branch="main",
        tags=("v1.3.0", "v1.4.0"),
        old_notes=("1.4.0", "- Added the widget.\n"),
        fragment=("changelog.d/+gadget.feature.md", "Added the gadget.\n"),
        version="1.5.0",
        tag="v1.5.0",
        places={},
        changelog="CHANGELOG.md",
        history=adoption.SCM_CHANGELOG.split("scmpkg.\n\n", 1)[1],
        title=r"## 1\.5\.0 - \d{4}-\d\d-\d\d\n\n### What's New\n\n",
        entry="- Added the gadget.\n",
        notes="### What's New\n\n- Added the gadget.\n",
    ),
    # (c) a static [project] version, no bump-my-version configuration, no changelog.
    "static": Shape(
        files=adoption.static_files,
        name="plain",
        branch="main",
        tags=(),
        old_notes=None,
        fragment=("changelog.d/+quiet.bugfix.md", "Plain is quieter.\n"),
        version="0.4.1",
        tag="v0.4.1",
        places={
            "pyproject.toml": ('version = "0.4.1"', 'current_version = "0.4.1"'),
            "README.md": ("![version](https://img.shields.io/badge/version-0.4.1-blue)",),
        },
        changelog="CHANGELOG.md",
        history="",
        title=r"## 0\.4\.1 - \d{4}-\d\d-\d\d\n\n### Bug Fixes\n\n",
        entry="- Plain is quieter.\n",
        notes="### Bug Fixes\n\n- Plain is quieter.\n",
    ),
    # (d) hatch, or flit, reads a dynamic __version__ from the package.
    "hatch-dynamic": dynamic("hatch", "dyn"),
    "flit-dynamic": dynamic("flit", "dynflit"),
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def served(index: LocalIndex, name: str) -> dict[str, str]:
    """What the index serves over HTTP for ``name``: filename -> sha256 of the bytes downloaded."""
    page_url = f"{index.simple_url}{name}/"
    with urllib.request.urlopen(page_url, timeout=30) as page:
        links = _Links()
        links.feed(page.read().decode())
    hashes = {}
    for href in links.hrefs:
        url = urllib.parse.urljoin(page_url, href.split("#", 1)[0])
        with urllib.request.urlopen(url, timeout=30) as response:
            hashes[url.rsplit("/", 1)[1]] = hashlib.sha256(response.read()).hexdigest()
    return hashes


def adopted(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, key: str) -> Project:
    """The shape with its history on origin, after `init --yes` and the adoption commit.

    The adoption is made once per run (the init tests adopt the same shapes) and copied here.
    """
    shape = SHAPES[key]
    root, init = adoption.adopted_copy(
        tmp_path_factory, tmp_path, shape.files, branch=shape.branch, tags=shape.tags, name=shape.adoption
    )
    origin = tmp_path / "origin.git"
    assert init.returncode == 0, init.output
    commit_all(root, "Adopt releasekit")
    git(root, "push", "-q", "origin", shape.branch)
    return Project(root, origin, shape.name, shape.name)


@pytest.mark.parametrize("key", list(SHAPES))
def test_init_then_a_real_release(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, servers: Indexes, key: str
) -> None:
    shape = SHAPES[key]
    project = adopted(tmp_path_factory, tmp_path, key)
    for check in ("versions", "fragments"):
        result = releasekit("check", check, cwd=project.root)
        assert result.returncode == 0, (check, result.output)
    if shape.old_notes:
        version, section = shape.old_notes
        notes = releasekit("notes", version, cwd=project.root)
        assert (notes.returncode, notes.stdout) == (0, section), notes.stderr

    path, text = shape.fragment
    write_files(project.root, {path: text})
    git(project.root, "add", "-A")
    checked = releasekit("check", "fragments", cwd=project.root)
    assert checked.returncode == 0, checked.output
    commit_all(project.root, "Add a change and its fragment")
    git(project.root, "push", "-q", "origin", shape.branch)
    old_changelog = (project.root / shape.changelog).read_text()

    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output

    # The tag, in the project's format, on origin, at the release commit at the tip of its branch.
    assert git(project.origin, "tag", "--list").splitlines() == sorted([*shape.tags, shape.tag])
    assert git(project.origin, "rev-parse", f"{shape.tag}^{{commit}}") == git(project.origin, "rev-parse", shape.branch)
    assert git(project.origin, "cat-file", "-t", shape.tag) == "tag"  # annotated
    assert git(project.root, "rev-parse", "HEAD") == git(project.origin, "rev-parse", shape.branch)
    assert git(project.root, "status", "--porcelain") == ""

    # Every version place holds the new version; with versions from tags, no file does.
    for name, lines in shape.places.items():
        held = (project.root / name).read_text().splitlines()
        assert all(line in held for line in lines), (name, lines)
    changed = git(project.origin, "diff", "--name-only", f"{shape.tag}~1", shape.tag).splitlines()
    assert sorted(changed) == sorted({*shape.places, shape.changelog, path}), changed
    if not shape.places:
        assert git(project.root, "grep", "-l", "-F", shape.version).splitlines() == [shape.changelog]

    # Both indexes serve the bytes that were built (kept in .git/releasekit/dist/<version>): one sdist, one wheel.
    state = project.root / ".git" / "releasekit"
    built = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (state / "dist" / shape.version).iterdir()}
    assert sorted(built) == sorted(
        [f"{shape.name}-{shape.version}.tar.gz", f"{shape.name}-{shape.version}-{shape.wheel}-none-any.whl"]
    )
    assert json.loads((state / f"released-{shape.version}.json").read_text())["artifacts"] == built
    assert served(servers.test, shape.name) == built == served(servers.prod, shape.name)
    assert files_of(servers.test, project) == built == files_of(servers.prod, project)

    # The changelog: the entry once, in a new section in the existing style, the history unchanged.
    changelog = (project.root / shape.changelog).read_text()
    assert changelog.count(shape.entry.strip()) == 1 and not (project.root / path).exists()
    head, _, rest = old_changelog.partition(shape.history) if shape.history else (old_changelog, "", "")
    assert changelog.startswith(head) and changelog.endswith(shape.history + rest), changelog
    added = changelog[len(head) : len(changelog) - len(shape.history + rest)]
    assert re.fullmatch(r"\n*" + shape.title + re.escape(shape.entry) + r"\n*", added), added
    notes = releasekit("notes", shape.version, cwd=project.root)
    assert (notes.returncode, notes.stdout) == (0, shape.notes), notes.stderr
    for check in ("versions", "fragments"):
        result = releasekit("check", check, cwd=project.root)
        assert result.returncode == 0, (check, result.output)
