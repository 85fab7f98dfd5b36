"""Releases in the project's own changelog style, written by the real towncrier.

Each test builds a project in the shape real ones have (its headings, its template, its
sections), runs the release's changelog step (bump-my-version and towncrier, for real) and
compares the new entry with the one the project's convention gives, written out by hand.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from releasekit import config
from releasekit.changelog.fragments_config import fragments_config
from releasekit.changelog.history import heading_version, title_text, version_prefix
from releasekit.changelog.notes import find_section, version_notes
from releasekit.errors import ReleasekitError
from releasekit.release.steps.commit import apply_release
from tests.helpers.gitrepo import make_repo

TODAY = datetime.date.today().isoformat()


def bumped(name: str, version: str) -> str:
    """A project at ``version`` whose bump-my-version configuration bumps pyproject.toml."""
    return f"""\
[project]
name = "{name}"
version = "{version}"

[tool.bumpversion]
current_version = "{version}"

[[tool.bumpversion.files]]
filename = "pyproject.toml"
search = 'version = "{{current_version}}"'
replace = 'version = "{{new_version}}"'

"""


V_PYPROJECT = (
    bumped("vproj", "7.6.1")
    + """\
[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
template = "changelog.d/template.md.jinja"

[tool.towncrier.fragment.feature]
name = "Features"
[tool.towncrier.fragment.bugfix]
name = "Fixes"
[tool.towncrier.fragment.removal]
name = "Removals"
[tool.towncrier.fragment.security]
name = "Security"
"""
)

# The project's own template: it renders the version it is given, as the title. (towncrier
# sorts [tool.towncrier.fragment.<type>] tables by name: bugfix, feature, removal, security.)
V_TEMPLATE = """\
{% if render_title %}
## {{ versiondata.version }}

{% endif %}
{% for section, _ in sections.items() %}
{% for category, val in definitions.items() if category in sections[section] %}
### {{ definitions[category]['name'] }}

{% for text, values in sections[section][category].items() %}
- {{ text }} ({{ values|join(', ') }})
{% endfor %}

{% endfor %}
{% endfor %}
"""

V_CHANGELOG = """\
# Changelog

<!-- towncrier release notes start -->

## v7.6.1

### Fixes

- Fixed the frobnicator. (#12)

## v7.6.0

### Features

- Frobnicates. (#10)
"""


def _release(root: Path, version: str, tag: str) -> str:
    apply_release(root, config.load(root), version, tag)
    return (root / "CHANGELOG.md").read_text(encoding="utf-8")


def test_v_headings_with_the_projects_own_template(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "work",
        {
            "pyproject.toml": V_PYPROJECT,
            "CHANGELOG.md": V_CHANGELOG,
            "changelog.d/template.md.jinja": V_TEMPLATE,
            "changelog.d/13.bugfix.md": "Fixed the widget.\n",
            "changelog.d/14.feature.md": "Widgets spin.\n",
            "changelog.d/15.removal.md": "Dropped the old widget API.\n",
            "changelog.d/16.security.md": "Widgets no longer leak tokens.\n",
        },
    )
    assert heading_version(root, "CHANGELOG.md", "7.6.2") == "v7.6.2"
    text = _release(root, "7.6.2", "v7.6.2")
    entry = """\
## v7.6.2

### Fixes

- Fixed the widget. (#13)

### Features

- Widgets spin. (#14)

### Removals

- Dropped the old widget API. (#15)

### Security

- Widgets no longer leak tokens. (#16)

"""
    assert text == V_CHANGELOG.replace("## v7.6.1", entry + "## v7.6.1", 1)
    cfg = config.load(root)
    older = "### Fixes\n\n- Fixed the frobnicator. (#12)\n"
    assert version_notes(cfg, "7.6.1") == version_notes(cfg, "v7.6.1") == older
    assert version_notes(cfg, "v7.6.2").startswith("### Fixes\n\n- Fixed the widget. (#13)\n")
    with pytest.raises(ReleasekitError, match=r"no section for version 7\.6$"):
        version_notes(cfg, "7.6")


def test_a_title_format_with_its_own_v_gets_the_plain_version(tmp_path: Path) -> None:
    pyproject = V_PYPROJECT.replace('template = "changelog.d/template.md.jinja"\n', 'title_format = "## v{version}"\n')
    root = make_repo(tmp_path / "work", {"pyproject.toml": pyproject, "CHANGELOG.md": V_CHANGELOG})
    assert heading_version(root, "CHANGELOG.md", "7.6.2") == "7.6.2"  # towncrier writes the v itself


@pytest.mark.parametrize(
    ("markup", "text", "version", "body"),
    [
        (
            "md",
            "# Changelog\n\n## [Unreleased]\n\n## [14.3.3] - 2026-02-19\n\n### Fixed\n\n- A.\n\n"
            "## [14.3.2] - 2026-01-02\n\n### Added\n\n- B.\n\n"
            "[14.3.3]: https://github.com/o/r/compare/v14.3.2...v14.3.3\n",
            "14.3.2",
            "### Added\n\n- B.\n\n[14.3.3]: https://github.com/o/r/compare/v14.3.2...v14.3.3\n",
        ),
        (
            "md",
            "## [14.3.3](https://github.com/o/r/compare/v14.3.2...v14.3.3) - 2026-02-19\n\n- A.\n\n"
            "## [14.3.2](https://github.com/o/r/compare/v14.3.1...v14.3.2) - 2026-01-02\n\n- B.\n",
            "14.3.2",
            "- B.\n",
        ),
        ("md", "## Version 8.5.0\n\nReleased 2026-08-24\n\n- A.\n\n## Version 8.4.0\n\n- B.\n", "8.5.0", None),
        ("md", "## v7.6.1\n\n- A.\n\n## v7.6.0\n\n- B.\n", "v7.6.0", "- B.\n"),
        ("rst", "v7.6.1 (2026-01-01)\n===================\n\n- A.\n\nv7.6.0\n======\n\n- B.\n", "7.6.1", "- A.\n"),
        (
            "rst",
            "`7.6.1 <https://github.com/o/r/compare/v7.6.0...v7.6.1>`_\n"
            "=========================================================\n\n- A.\n\n"
            "`7.6.0 <https://github.com/o/r/tree/v7.6.0>`_\n=============================================\n\n- B.\n",
            "7.6.0",
            "- B.\n",
        ),
        ("txt", "v7.6.1 (2026-01-01)\n\n- A.\n\nv7.6.0 (2025-12-01)\n\n- B.\n", "7.6.0", "- B.\n"),
    ],
)
def test_notes_read_every_heading_shape(markup: str, text: str, version: str, body: str | None) -> None:
    section = find_section(text, version, markup=markup)
    assert section is not None
    if body is None:
        assert section.body == "Released 2026-08-24\n\n- A.\n"
    else:
        assert section.body == body


def test_the_latest_heading_says_whether_versions_carry_a_v() -> None:
    assert version_prefix(V_CHANGELOG, "md", "<!-- towncrier release notes start -->") == "v"
    assert version_prefix("## [14.3.3](https://x/compare/v14.3.2...v14.3.3) - 2026-02-19\n", "md") == ""
    assert version_prefix("## Version 8.5.0\n\nReleased 2026-08-24\n", "md") == ""
    assert title_text("`7.6.1 <https://x/compare/v7.6.0...v7.6.1>`_") == "`7.6.1`_"


KAC_PYPROJECT = (
    bumped("kac", "14.3.3")
    + """\
[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
start_string = "<!-- towncrier release notes start -->\\n"
title_format = "## [{version}] - {project_date}"
issue_format = "[#{issue}](https://github.com/o/r/issues/{issue})"
underlines = ["", "", ""]
"""
    + "".join(
        f'\n[[tool.towncrier.type]]\ndirectory = "{name.lower()}"\nname = "{name}"\nshowcontent = true\n'
        for name in ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
    )
)

KAC_CHANGELOG = """\
# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).

## [Unreleased]

### Fixed

- The parser no longer drops the last line.

<!-- towncrier release notes start -->

## [14.3.3] - 2026-02-19

### Fixed

- Fixed a crash. ([#40](https://github.com/o/r/issues/40))

## [14.3.2] - 2026-01-02

### Added

- A thing.

[unreleased]: https://github.com/o/r/compare/v14.3.3...HEAD
[14.3.3]: https://github.com/o/r/compare/v14.3.2...v14.3.3
[14.3.2]: https://github.com/o/r/compare/v14.3.1...v14.3.2
"""


def test_keep_a_changelog(tmp_path: Path) -> None:
    fragments = {
        "41.added.md": "Widgets.",
        "42.changed.md": "Widgets are blue.",
        "43.deprecated.md": "Gadgets.",
        "44.removed.md": "Gizmos.",
        "45.fixed.md": "Widgets no longer wobble.",
        "46.security.md": "Widgets check tokens.",
    }
    root = make_repo(
        tmp_path / "work",
        {
            "pyproject.toml": KAC_PYPROJECT,
            "CHANGELOG.md": KAC_CHANGELOG,
            **{f"changelog.d/{name}": text + "\n" for name, text in fragments.items()},
        },
    )
    cfg = config.load(root)
    assert {t.directory: cfg.fragments.role_of(t.directory) for t in cfg.fragments.types} == {
        "added": "feature",
        "changed": None,
        "deprecated": None,
        "removed": "breaking",
        "fixed": None,
        "security": "security",
    }
    text = _release(root, "15.0.0", "v15.0.0")
    issue = "https://github.com/o/r/issues"
    entry = f"""\
## [15.0.0] - {TODAY}

### Added

- Widgets. ([#41]({issue}/41))

### Changed

- Widgets are blue. ([#42]({issue}/42))

### Deprecated

- Gadgets. ([#43]({issue}/43))

### Removed

- Gizmos. ([#44]({issue}/44))

### Fixed

- Widgets no longer wobble. ([#45]({issue}/45))
- The parser no longer drops the last line.

### Security

- Widgets check tokens. ([#46]({issue}/46))

"""
    expected = (
        KAC_CHANGELOG.replace("### Fixed\n\n- The parser no longer drops the last line.\n\n", "", 1)
        .replace("## [14.3.3]", entry + "## [14.3.3]", 1)
        .replace(
            "[unreleased]: https://github.com/o/r/compare/v14.3.3...HEAD\n",
            "[unreleased]: https://github.com/o/r/compare/v15.0.0...HEAD\n"
            "[15.0.0]: https://github.com/o/r/compare/v14.3.3...v15.0.0\n",
        )
    )
    assert text == expected
    assert not (root / "changelog.d").exists() or not list((root / "changelog.d").iterdir())


@pytest.mark.parametrize(
    ("defs", "expected"),
    [
        (  # a tree per release, oldest first
            "[1.0.0]: https://github.com/o/r/tree/1.0.0\n[1.1.0]: https://github.com/o/r/tree/1.1.0\n",
            "[1.0.0]: https://github.com/o/r/tree/1.0.0\n[1.1.0]: https://github.com/o/r/tree/1.1.0\n"
            "[1.2.0]: https://github.com/o/r/tree/1.2.0\n",
        ),
        (  # release pages, v labels, newest first
            "[v1.1.0]: https://gitlab.com/o/r/-/releases/v1.1.0\n[v1.0.0]: https://gitlab.com/o/r/-/releases/v1.0.0\n",
            "[v1.2.0]: https://gitlab.com/o/r/-/releases/v1.2.0\n[v1.1.0]: https://gitlab.com/o/r/-/releases/v1.1.0\n"
            "[v1.0.0]: https://gitlab.com/o/r/-/releases/v1.0.0\n",
        ),
        ("[docs]: https://example.org/docs\n", "[docs]: https://example.org/docs\n"),  # no release's: none added
    ],
)
def test_link_references_follow_the_projects_pattern(defs: str, expected: str) -> None:
    from releasekit.changelog.linkrefs import add_link_reference

    body = "## [1.2.0] - 2026-12-07\n\n- New.\n\n## [1.1.0] - 2026-11-01\n\n- Old.\n\n"
    assert add_link_reference(body + defs, "1.2.0", "1.1.0") == body + expected


def test_unreleased_sections_without_a_type_are_refused(tmp_path: Path) -> None:
    from releasekit.changelog.unreleased import unreleased_items

    cfg = fragments_config(
        {"filename": "CHANGELOG.md", "type": [{"directory": "fixed", "name": "Fixed"}]}, Path("pyproject.toml")
    )
    text = "## [Unreleased]\n\n### Fixed\n\n- A fix\n  on two lines.\n\n## [1.0.0]\n"
    assert unreleased_items(text, cfg) == ("## [Unreleased]\n\n## [1.0.0]\n", [("fixed", "A fix\non two lines.")])
    with pytest.raises(ReleasekitError, match="'Added' section, but no towncrier type has that name"):
        unreleased_items(text.replace("Fixed", "Added"), cfg)


@pytest.mark.parametrize(
    ("changelog", "title_format"),
    [
        ("# Changelog\n\n## [14.3.3] - 2026-02-19\n\n### Fixed\n\n- A.\n", "## [{version}] - {project_date}"),
        ("## Version 8.5.0\n\nReleased 2026-08-24\n\n- A.\n", "## Version {version}\n\nReleased {project_date}"),
        ("# News\n\n## v7.6.1\n\n- A.\n", "## v{version}"),
        (
            "## [1.2.0](https://github.com/o/r/tree/v1.2.0) - 2026-01-01\n",
            "## [{version}](https://github.com/o/r/tree/v{version}) - {project_date}",
        ),
        ("## widgets 1.2.0 (*2026-08-11*)\n", "## widgets {version} (*{project_date}*)"),
        ("## 1.2.0 {beta} - 2026-08-11\n", "## {version} {{beta}} - {project_date}"),
    ],
)
def test_init_learns_the_title_format_and_proves_it(changelog: str, title_format: str) -> None:
    from releasekit.changelog.style import derive_style

    style = derive_style(changelog)
    assert style is not None and style.problem is None
    assert style.title_format == title_format


@pytest.mark.parametrize(
    ("changelog", "problem"),
    [
        ("## 1.2.0 - 06/12/2024\n", "'06/12/2024' reads as day/month or month/day: set date_format"),
        ("## 1.1.0...1.2.0\n\n## 1.1.0\n", "a second release (1.2.0)"),
    ],
)
def test_init_says_what_it_cannot_reproduce(changelog: str, problem: str) -> None:
    from releasekit.changelog.style import derive_style

    style = derive_style(changelog)
    assert style is not None and style.title_format is None
    assert style.problem is not None and problem in style.problem


VERSION_CHANGELOG = """\
# Changelog

<!-- towncrier release notes start -->

## Version 8.5.0

Released 2026-08-24

### Features

- Frobnicates. (#3)

### Bug Fixes

- Fixed the frobnicator. (#2)

## Version 8.4.0

Released 2026-07-01

### Bug Fixes

- Older. (#1)
"""


def test_a_released_date_line_style_released_with_what_init_learned(tmp_path: Path) -> None:
    from releasekit.changelog.style import derive_style
    from releasekit.changelog.towncrier_config import towncrier_toml

    style = derive_style(VERSION_CHANGELOG)
    assert style is not None and style.title_format is not None
    assert style.sections == ("Features", "Bug Fixes")
    types = [(name.lower().replace(" ", "-"), name, True) for name in style.sections]
    pyproject = bumped("vproj", "8.5.0") + towncrier_toml(None, title_format=style.title_format, types=types)
    root = make_repo(
        tmp_path / "work",
        {
            "pyproject.toml": pyproject,
            "CHANGELOG.md": VERSION_CHANGELOG,
            "changelog.d/7.features.md": "Widgets.\n",
            "changelog.d/8.bug-fixes.md": "Widgets no longer wobble.\n",
        },
    )
    text = _release(root, "8.6.0", "v8.6.0")
    entry = f"""\
## Version 8.6.0

Released {TODAY}

### Features

- Widgets. (#7)

### Bug Fixes

- Widgets no longer wobble. (#8)

"""
    assert text == VERSION_CHANGELOG.replace("## Version 8.5.0", entry + "## Version 8.5.0", 1)


def test_no_drift_when_the_marker_opens_the_file(tmp_path: Path) -> None:
    """A changelog that starts with a release gets the marker on line 1; the release adds the entry alone."""
    from releasekit.adopt.changelog import insert_marker
    from releasekit.changelog.style import derive_style
    from releasekit.changelog.towncrier_config import towncrier_toml

    history = "## Version 8.5.0\n\nReleased 2026-08-24\n\n- Frobnicates.\n"
    style = derive_style(history)
    assert style is not None and style.title_format is not None
    marked = insert_marker(history, "CHANGELOG.md")
    assert marked == "<!-- towncrier release notes start -->\n\n" + history
    types = [("feature", "Features", True), ("bugfix", "Bug Fixes", True)]
    towncrier = towncrier_toml(None, title_format=style.title_format, types=types)
    root = make_repo(
        tmp_path / "work",
        {
            "pyproject.toml": bumped("vproj", "8.5.0") + towncrier,
            "CHANGELOG.md": marked,
            "changelog.d/7.feature.md": "Widgets.\n",
        },
    )
    text = _release(root, "8.6.0", "v8.6.0")
    entry = f"## Version 8.6.0\n\nReleased {TODAY}\n\n### Features\n\n- Widgets. (#7)\n\n"
    assert text == marked.replace("## Version 8.5.0", entry + "## Version 8.5.0", 1)


@pytest.mark.parametrize(
    ("changelog", "title_format", "problem"),
    [
        ("Changes\n=======\n\nv7.6.1 (2026-01-01)\n-------------------\n\n- A.\n", "v{version} ({project_date})", None),
        ("widgets 1.2.0 (2026-01-01)\n==========================\n", "widgets {version} ({project_date})", None),
        ("Changes\n=======\n\n1.2.0 - 06/12/2024\n------------------\n", None, "dates as"),
        ("======\n1.2.0\n======\n\n- A.\n", None, "overlined"),
        ("Changes\n=======\n\nNothing yet.\n", None, None),
    ],
)
def test_init_learns_a_rest_title(changelog: str, title_format: str | None, problem: str | None) -> None:
    from releasekit.changelog.style import derive_rst_title

    found, _, _, why = derive_rst_title(changelog)
    assert found == title_format
    assert (why is None) if problem is None else (why is not None and problem in why)
