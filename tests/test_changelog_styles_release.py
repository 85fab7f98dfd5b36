"""Projects in their own changelog styles adopted with `releasekit init --yes`, then released for real.

Keep a Changelog, ``## vX.Y.Z``, ``## Version X`` over a ``Released <date>`` line, and
``## [8.5.0](.../compare/v8.4.2...v8.5.0) - 24th August, 2026``.

The Keep a Changelog project keeps an ``## [Unreleased]`` section with an item in it and link reference
definitions at the end. init learns its title format and sections; the release (two local
pypiservers, real towncrier) writes the new entry in that style, moves the Unreleased item
into it, adds the link reference in the project's pattern, and changes nothing else. The
changelog after the release is written out here by hand. The other two release a fragment of
each role their sections play (feature, breaking, migration, security, and none). The module's
tests share one pair of pypiservers (the ``servers`` fixture).
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.releaseproj import Project, unique_name
from tests.helpers.releasing import Indexes, index_env, release
from tests.test_changelog_titles import ordinal_today

pytestmark = pytest.mark.integration

HEAD = """\
# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).

## [Unreleased]
"""

HISTORY = """\
## [14.3.3] - 2026-02-19

### Fixed

- Fixed a crash.

## [14.3.2] - 2026-01-02

### Added

- A thing.

"""

REFERENCES = """\
[14.3.3]: https://github.com/o/r/compare/v14.3.2...v14.3.3
[14.3.2]: https://github.com/o/r/compare/v14.3.1...v14.3.2
"""


def _files(name: str) -> dict[str, str]:
    gate = json.dumps([sys.executable, "-c", "print('the tests pass')"])
    return {
        "pyproject.toml": (
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
            f'[project]\nname = "{name}"\nversion = "14.3.3"\nreadme = "README.md"\nrequires-python = ">=3.10"\n\n'
            f'[tool.hatch.build.targets.wheel]\npackages = ["src/{name.replace("-", "_")}"]\n\n'
            f"[tool.releasekit.gates]\ntests = {gate}\n"
        ),
        f"src/{name.replace('-', '_')}/__init__.py": '"""A Keep a Changelog project."""\n',
        "README.md": f"# {name}\n\nKept a changelog.\n",
        "CHANGELOG.md": HEAD
        + "\n### Fixed\n\n- The parser no longer drops the last line.\n\n"
        + HISTORY
        + "[unreleased]: https://github.com/o/r/compare/v14.3.3...HEAD\n"
        + REFERENCES,
    }


def test_keep_a_changelog_adopted_and_released(tmp_path: Path, servers: Indexes) -> None:
    name = unique_name("rk-kac")
    root = adoption.project_repo(tmp_path, _files(name), tags=("v14.3.2", "v14.3.3"))
    git(root, "push", "-q", "origin", "--tags")
    init = releasekit("init", "--yes", cwd=root)
    assert init.returncode == 0, init.output
    assert "title_format = '## [{version}] - {project_date}'" in init.output
    pyproject = (root / "pyproject.toml").read_text()
    assert 'title_format = "## [{version}] - {project_date}"' in pyproject
    for kind in ("added", "changed", "deprecated", "removed", "fixed", "security"):
        assert f'directory = "{kind}"' in pyproject
    commit_all(root, "Adopt releasekit")
    # A fragment of each section: Added (feature), Changed, Deprecated, Removed (breaking), Fixed, Security.
    fragments = {
        "changelog.d/+widgets.added.md": "Widgets.\n",
        "changelog.d/31.changed.md": "Gadgets are faster.\n",
        "changelog.d/32.deprecated.md": "`turn()` is deprecated.\n",
        "changelog.d/33.removed.md": "The old gadget API is gone.\n",
        "changelog.d/34.fixed.md": "Gadgets no longer wobble.\n",
        "changelog.d/35.security.md": "Gadgets no longer log tokens.\n",
    }
    write_files(root, fragments)
    commit_all(root, "Widgets")
    git(root, "push", "-q", "origin", "main")

    result = release(Project(root, tmp_path / "origin.git", name, name), "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output

    today = datetime.date.today().isoformat()
    assert (root / "CHANGELOG.md").read_text() == (
        HEAD
        + "\n<!-- towncrier release notes start -->\n\n"
        + f"## [15.0.0] - {today}\n\n"
        + "### Added\n\n- Widgets.\n\n"
        + "### Changed\n\n- Gadgets are faster. (#31)\n\n"
        + "### Deprecated\n\n- `turn()` is deprecated. (#32)\n\n"
        + "### Removed\n\n- The old gadget API is gone. (#33)\n\n"
        + "### Fixed\n\n- Gadgets no longer wobble. (#34)\n- The parser no longer drops the last line.\n\n"
        + "### Security\n\n- Gadgets no longer log tokens. (#35)\n\n"
        + HISTORY
        + "[unreleased]: https://github.com/o/r/compare/v15.0.0...HEAD\n"
        + "[15.0.0]: https://github.com/o/r/compare/v14.3.3...v15.0.0\n"
        + REFERENCES
    )
    assert git(root, "tag", "--list").splitlines() == ["v14.3.2", "v14.3.3", "v15.0.0"]


def _project(name: str, version: str, changelog: str) -> dict[str, str]:
    """A tiny hatchling project at ``version`` whose tests pass, with ``changelog`` as it was kept by hand."""
    files = _files(name)
    files["pyproject.toml"] = files["pyproject.toml"].replace('version = "14.3.3"', f'version = "{version}"')
    files["CHANGELOG.md"] = changelog
    return files


# Each section a role of releasekit's: Features (feature), Removals (breaking), Migration (migration),
# Security (security); Bug Fixes plays none.
FRAGMENTS = {
    "changelog.d/21.features.md": "Widgets spin.\n",
    "changelog.d/22.bug-fixes.md": "Widgets no longer wobble.\n",
    "changelog.d/23.removals.md": "The old widget API is gone.\n",
    "changelog.d/24.migration.md": "Call `spin()` instead of `turn()`.\n",
    "changelog.d/25.security.md": "Widgets no longer log tokens.\n",
}

V_HISTORY = """\
## v7.6.1

### Features

- Frobnicates. (#12)

### Removals

- Dropped Python 3.8. (#11)

### Migration

- Install Python 3.9 or later. (#10)

## v7.6.0

### Bug Fixes

- Fixed the frobnicator. (#9)

### Security

- Tokens are masked. (#8)
"""

VERSION_HISTORY = """\
## Version 8.5.0

Released 2026-08-24

### Features

- Frobnicates. (#10)

### Removals

- Dropped Python 3.8. (#9)

### Migration

- Install Python 3.9 or later. (#8)

## Version 8.4.2

Released 2026-07-01

### Bug Fixes

- Fixed the frobnicator. (#7)

### Security

- Tokens are masked. (#6)
"""

COMPARE = "https://github.com/o/r/compare"
COMPARE_HISTORY = VERSION_HISTORY.replace(
    "## Version 8.5.0\n\nReleased 2026-08-24", f"## [8.5.0]({COMPARE}/v8.4.2...v8.5.0) - 24th August, 2026"
).replace("## Version 8.4.2\n\nReleased 2026-07-01", f"## [8.4.2]({COMPARE}/v8.4.1...v8.4.2) - 1st July, 2026")


ENTRY_BODY = """\
### Features

- Widgets spin. (#21)

### Removals

- The old widget API is gone. (#23)

### Migration

- Call `spin()` instead of `turn()`. (#24)

### Bug Fixes

- Widgets no longer wobble. (#22)

### Security

- Widgets no longer log tokens. (#25)

"""


@pytest.mark.parametrize(
    ("prefix", "version", "history", "title_format", "tags", "expected"),
    [
        (
            "rk-vhead",
            "7.6.1",
            V_HISTORY,
            "## v{version}",
            ("v7.6.0", "v7.6.1", "v8.0.0"),
            "## v8.0.0\n\n",
        ),
        (
            "rk-verline",
            "8.5.0",
            VERSION_HISTORY,
            "## Version {version}\\n\\nReleased {project_date}",
            ("v8.4.2", "v8.5.0", "v9.0.0"),
            f"## Version 9.0.0\n\nReleased {datetime.date.today().isoformat()}\n\n",
        ),
        (
            "rk-compare",
            "8.5.0",
            COMPARE_HISTORY,
            "## {version} - {project_date}",
            ("v8.4.2", "v8.5.0", "v9.0.0"),
            f"## [9.0.0]({COMPARE}/v8.5.0...v9.0.0) - {ordinal_today()}\n\n",
        ),
    ],
)
def test_a_headings_style_adopted_and_released(
    tmp_path: Path,
    servers: Indexes,
    prefix: str,
    version: str,
    history: str,
    title_format: str,
    tags: tuple[str, ...],
    expected: str,
) -> None:
    """``## vX.Y.Z``, ``## Version X`` over a date line, and a title linking the compare range with an ordinal
    date: init learns them; the release writes the next entry in them, a fragment of each role the project's
    sections play, in the sections' own order."""
    name = unique_name(prefix)
    head = "# Changelog\n\nWhat changed, release by release.\n\n"
    root = adoption.project_repo(tmp_path, _project(name, version, head + history), tags=tags[:-1])
    git(root, "push", "-q", "origin", "--tags")
    init = releasekit("init", "--yes", cwd=root)
    assert init.returncode == 0, init.output
    pyproject = (root / "pyproject.toml").read_text()
    assert f'title_format = "{title_format}"' in pyproject
    commit_all(root, "Adopt releasekit")
    write_files(root, FRAGMENTS)
    commit_all(root, "Widgets")
    git(root, "push", "-q", "origin", "main")

    result = release(Project(root, tmp_path / "origin.git", name, name), "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output

    marker = "<!-- towncrier release notes start -->\n\n"
    assert (root / "CHANGELOG.md").read_text() == head + marker + expected + ENTRY_BODY + history
    assert git(root, "tag", "--list").splitlines() == list(tags)  # the last one, the release's
