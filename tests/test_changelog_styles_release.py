"""A Keep a Changelog project adopted with `releasekit init --yes`, then released for real.

The project keeps an ``## [Unreleased]`` section with an item in it and link reference
definitions at the end. init learns its title format and sections; the release (two local
pypiservers, real towncrier) writes the new entry in that style, moves the Unreleased item
into it, adds the link reference in the project's pattern, and changes nothing else. The
changelog after the release is written out here by hand.
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
    write_files(root, {"changelog.d/+widgets.added.md": "Widgets.\n"})
    commit_all(root, "Widgets")
    git(root, "push", "-q", "origin", "main")

    result = release(Project(root, tmp_path / "origin.git", name, name), "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output

    today = datetime.date.today().isoformat()
    assert (root / "CHANGELOG.md").read_text() == (
        HEAD
        + "\n<!-- towncrier release notes start -->\n\n"
        + f"## [14.4.0] - {today}\n\n### Added\n\n- Widgets.\n\n"
        + "### Fixed\n\n- The parser no longer drops the last line.\n\n"
        + HISTORY
        + "[unreleased]: https://github.com/o/r/compare/v14.4.0...HEAD\n"
        + "[14.4.0]: https://github.com/o/r/compare/v14.3.3...v14.4.0\n"
        + REFERENCES
    )
    assert git(root, "tag", "--list").splitlines() == ["v14.3.2", "v14.3.3", "v14.4.0"]
