"""Release titles towncrier cannot write alone: a link to the compare range, a date that is not ISO.

init learns ``title_format`` for towncrier and ``[tool.releasekit.changelog]``'s
``version_format`` and ``date_format`` (what releasekit gives ``towncrier build --version``
and ``--date``), proved on the newest release's title; the release, with the real
towncrier, writes the next title in the project's convention, written out here by hand.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from releasekit import config
from releasekit.changelog.dates import derive_date, format_date, valid_format
from releasekit.changelog.notes import version_notes
from releasekit.changelog.style import derive_rst_title, derive_style
from releasekit.release.steps.commit import apply_release
from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, write_files

COMPARE = "https://github.com/o/r/compare"


@pytest.mark.parametrize(
    ("heading", "title_format", "version_format", "date_format"),
    [
        (
            f"## [1.2.0]({COMPARE}/v1.1.0...v1.2.0) (2024-12-06)",
            "## {version} ({project_date})",
            f"[{{version}}]({COMPARE}/v{{previous}}...v{{version}})",
            None,
        ),
        (
            f"## [v1.2.0]({COMPARE}/v1.1.0...v1.2.0) - 6th December, 2024",
            "## {version} - {project_date}",
            f"[v{{version}}]({COMPARE}/v{{previous}}...v{{version}})",
            "%-d%o %B, %Y",
        ),
        (
            "## [1.2.0](https://github.com/o/r/tree/v1.2.0) - 2026-01-01",
            "## [{version}](https://github.com/o/r/tree/v{version}) - {project_date}",
            None,
            None,
        ),
        (
            f"## [1.2.0]({COMPARE}/1.1.0...1.2.0)\n\nReleased on December 6, 2024",
            "## {version}\n\nReleased on {project_date}",
            f"[{{version}}]({COMPARE}/{{previous}}...{{version}})",
            "%B %-d, %Y",
        ),
        ("## 1.2.0 (*2026-08-11*)", "## {version} (*{project_date}*)", None, None),
        ("## 1.2.0 - 06 Dec 2024", "## {version} - {project_date}", None, "%d %b %Y"),
        ("## 1.2.0 - Dec. 6, 2024", "## {version} - {project_date}", None, "%b. %-d, %Y"),
        ("## 1.2.0 - 13/12/2024", "## {version} - {project_date}", None, "%d/%m/%Y"),
        ("## 1.2.0 - 2024/12/06", "## {version} - {project_date}", None, "%Y/%m/%d"),
        ("## 2.0.0 - Python 3.12 (2024-12-06)", "## {version} - Python 3.12 ({project_date})", None, None),
        ("## {widgets} 1.2.0 - 21st December, 2024", "## {{widgets}} {version} - {project_date}", None, "%-d%o %B, %Y"),
    ],
)
def test_init_learns_compare_links_and_dates(
    heading: str, title_format: str, version_format: str | None, date_format: str | None
) -> None:
    style = derive_style(f"# Changelog\n\n{heading}\n\n### Fixed\n\n- A.\n")
    assert style is not None and style.problem is None
    assert (style.title_format, style.version_format, style.date_format) == (title_format, version_format, date_format)


def test_a_rest_title_with_a_compare_link_and_an_ordinal_date() -> None:
    title = f"`1.2.0 <{COMPARE}/1.1.0...1.2.0>`_ - 6th December, 2024"
    found = derive_rst_title(f"Changes\n=======\n\n{title}\n{'-' * len(title)}\n\n- A.\n")
    assert found.problem is None
    assert found.title_format == "{version} - {project_date}"
    assert found.version_format == f"`{{version}} <{COMPARE}/{{previous}}...{{version}}>`_"
    assert found.date_format == "%-d%o %B, %Y"


@pytest.mark.parametrize(
    ("heading", "problem"),
    [
        ("## 1.2.0 - 06/12/2024", "'06/12/2024' reads as day/month or month/day: set date_format"),
        ("## 1.1.0...1.2.0\n\n## 1.1.0", "a second release (1.2.0) outside a link"),
        ("## 1.2.0 (since 1.1.0)\n\n## 1.1.0", "a second release (1.1.0) outside a link"),
        (f"## [1.2.0]({COMPARE}/1.0.0...1.1.0...1.2.0)", "link more than one other version (1.0.0, 1.1.0)"),
        (f"## [1.2.0]({COMPARE}/1.1.0...1.2.0) 1.2.0", "name 1.2.0 outside their compare link too"),
    ],
)
def test_init_says_what_it_cannot_reproduce(heading: str, problem: str) -> None:
    style = derive_style(heading + "\n")
    assert style is not None and style.title_format is None
    assert style.problem is not None and problem in style.problem


def test_dates_are_written_as_strftime_writes_them_in_english() -> None:
    """Differential: each directive strftime also has gives strftime's text (C locale), over four years."""
    day = datetime.date(2023, 1, 1)
    for _ in range(4 * 366):
        for fmt in ("%Y-%m-%d", "%d %b %Y", "%B %d, %Y", "%d/%m/%Y", "%Y/%m/%d"):
            assert format_date(fmt, day) == day.strftime(fmt)
        assert format_date("%-d.%-m.%Y", day) == f"{day.day}.{day.month}.{day.year}"
        written = format_date("%-d%o %B, %Y", day)
        found = derive_date(written)
        assert found is not None and (found.format, found.date) == ("%-d%o %B, %Y", day)
        day += datetime.timedelta(days=1)
    expected = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd"}
    for number, text in {**expected, 23: "23rd", 30: "30th", 31: "31st"}.items():
        assert format_date("%-d%o", datetime.date(2024, 1, number)) == text
    assert [valid_format(f) for f in ("%-d%o %B, %Y", "%H:%M", "100%", "{date}", "%Y\n")] == [
        True,
        False,
        False,
        False,
        False,
    ]


HISTORY = f"""\
## [2.4.1]({COMPARE}/v2.4.0...v2.4.1) - 6th December, 2024

### Bug Fixes

- The parser no longer drops the last line. (#12)

## [2.4.0]({COMPARE}/v2.3.0...v2.4.0) - 21st November, 2024

### Features

- Widgets. (#10)

### Bug Fixes

- Older fix. (#9)
"""

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "2.4.1"
readme = "README.md"
requires-python = ">=3.10"

[tool.hatch.build.targets.wheel]
packages = ["src/{name}"]
"""


def ordinal_today() -> str:
    """Today as the project writes its dates, written here without releasekit's code."""
    today = datetime.date.today()
    suffix = "th" if 10 <= today.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(today.day % 10, "th")
    return f"{today.day}{suffix} {today:%B}, {today.year}"  # the C locale's month names: the tests' own


@pytest.mark.integration
def test_a_compare_link_and_ordinal_date_adopted_and_released(tmp_path: Path) -> None:
    """init learns the formats and proves them; the release (real towncrier) writes the next title in them."""
    changelog = "# Changelog\n\n" + HISTORY
    root = adoption.project_repo(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT.format(name="titles"),
            "CHANGELOG.md": changelog,
            "src/titles/__init__.py": "",
            "README.md": "# titles\n",
        },
        tags=("v2.4.1",),
    )
    init = releasekit("init", "--yes", cwd=root)
    assert init.returncode == 0, init.output
    assert "title_format = '## {version} - {project_date}'" in init.output
    pyproject = (root / "pyproject.toml").read_text()
    assert 'title_format = "## {version} - {project_date}"' in pyproject
    assert "[tool.releasekit.changelog]\n" in pyproject
    assert f'version_format = "[{{version}}]({COMPARE}/v{{previous}}...v{{version}})"\n' in pyproject
    assert 'date_format = "%-d%o %B, %Y"\n' in pyproject
    commit_all(root, "Adopt releasekit")
    write_files(
        root, {"changelog.d/13.bug-fixes.md": "Widgets no longer wobble.\n", "changelog.d/14.features.md": "Gadgets.\n"}
    )
    commit_all(root, "Changes")

    apply_release(root, config.load(root), "2.5.0", "v2.5.0")

    entry = f"""\
## [2.5.0]({COMPARE}/v2.4.1...v2.5.0) - {ordinal_today()}

### Features

- Gadgets. (#14)

### Bug Fixes

- Widgets no longer wobble. (#13)

"""
    text = (root / "CHANGELOG.md").read_text()
    assert text == "# Changelog\n\n<!-- towncrier release notes start -->\n\n" + entry + HISTORY
    notes = version_notes(config.load(root), "2.5.0")
    assert notes == "### Features\n\n- Gadgets. (#14)\n\n### Bug Fixes\n\n- Widgets no longer wobble. (#13)\n"


@pytest.mark.parametrize(
    ("table", "line"),
    [
        (
            'date_format = "%H:%M"',
            "[tool.releasekit.changelog] date_format must be a date format of %Y, %m, %-m, %d, %-d, %B, %b, %o, %% "
            "and text (one line, no braces), not '%H:%M'",
        ),
        (
            'version_format = "{version.__class__}"',
            "[tool.releasekit.changelog] version_format must be a one-line format with {version} and, at most, "
            "{previous}, not '{version.__class__}'",
        ),
    ],
)
def test_a_bad_format_is_one_line_and_exit_2(tmp_path: Path, table: str, line: str) -> None:
    files = {"pyproject.toml": PYPROJECT.format(name="titles") + f"\n[tool.releasekit.changelog]\n{table}\n"}
    root = adoption.project_repo(tmp_path, files)
    result = releasekit("notes", "2.4.1", cwd=root)
    assert (result.returncode, result.output) == (2, f"releasekit: error: pyproject.toml: {line}\n")


RST_TITLE = f"`2.4.1 <{COMPARE}/2.4.0...2.4.1>`_ - 6th December, 2024"
RST_HISTORY = f"""\
{RST_TITLE}
{"-" * len(RST_TITLE)}

Bug Fixes
^^^^^^^^^

- The parser no longer drops the last line. (#12)
"""


def test_a_rest_compare_link_title_released_by_towncrier(tmp_path: Path) -> None:
    """A reST changelog: the derived formats, given to the real towncrier, give the next title and its underline."""
    from releasekit.changelog.towncrier_config import towncrier_toml
    from tests.helpers.gitrepo import make_repo

    head = "Changes\n=======\n\n.. towncrier release notes start\n\n"
    title = derive_rst_title(head + RST_HISTORY)
    assert title.title_format is not None and title.version_format is not None and title.date_format is not None
    towncrier = towncrier_toml(
        None,
        filename="CHANGELOG.rst",
        underlines=("-", "^", "~"),
        title_format=title.title_format,
        types=[("bugfix", "Bug Fixes", True)],
    )
    own = (
        f"[tool.releasekit.changelog]\nversion_format = {title.version_format!r}\ndate_format = {title.date_format!r}\n"
    )
    bump = (
        '[tool.bumpversion]\ncurrent_version = "2.4.1"\n\n[[tool.bumpversion.files]]\nfilename = "pyproject.toml"\n'
        "search = 'version = \"{current_version}\"'\nreplace = 'version = \"{new_version}\"'\n\n"
    )
    root = make_repo(
        tmp_path / "work",
        {
            "pyproject.toml": '[project]\nname = "titles"\nversion = "2.4.1"\n\n' + bump + towncrier + "\n" + own,
            "CHANGELOG.rst": head + RST_HISTORY,
            "changelog.d/13.bugfix.rst": "Widgets no longer wobble.\n",
        },
    )
    apply_release(root, config.load(root), "2.4.2", "2.4.2")
    new_title = f"`2.4.2 <{COMPARE}/2.4.1...2.4.2>`_ - {ordinal_today()}"
    entry = f"{new_title}\n{'-' * len(new_title)}\n\nBug Fixes\n^^^^^^^^^\n\n- Widgets no longer wobble. (#13)\n\n"
    assert (root / "CHANGELOG.rst").read_text() == head + entry + RST_HISTORY
