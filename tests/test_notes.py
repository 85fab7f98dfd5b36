"""`releasekit notes`: a released version's section, or towncrier's draft of the next."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from releasekit.changelog.notes import find_section
from releasekit.cli import main
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import commit_all, write_files

CHANGELOG = """\
# Changelog

Intro text that names 1.2.0 in passing.

<!-- towncrier release notes start -->

## [1.2.0](https://github.com/example/demo/tree/v1.2.0) - 2026-03-01

### What's New

- Answers. ([#4](https://github.com/example/demo/issues/4))

```markdown
## 1.1.0 inside a code block is not a heading
```

### Bug Fixes

- Fixed 1.1.0's crash.

## 1.2.0rc1 - 2026-02-01

### What's New

- A preview.

## 1.1.0 - 2026-01-01

### Bug Fixes

- Older fix.
"""


def test_find_section_by_version() -> None:
    section = find_section(CHANGELOG, "1.2.0", start_string="<!-- towncrier release notes start -->\n")
    assert section is not None
    assert section.heading.startswith("## [1.2.0]")
    assert section.body.startswith("### What's New\n\n- Answers.")
    assert section.body.rstrip().endswith("- Fixed 1.1.0's crash.")
    assert "A preview" not in section.body

    rc = find_section(CHANGELOG, "v1.2.0rc1")
    assert rc is not None and rc.body == "### What's New\n\n- A preview.\n"
    last = find_section(CHANGELOG, "1.1.0")
    assert last is not None and last.body == "### Bug Fixes\n\n- Older fix.\n"
    assert find_section(CHANGELOG, "1.0.0") is None
    assert find_section(CHANGELOG, "1.2") is None


RST_CHANGELOG = """\
Changes
=======

1.0.0 (2026-01-01)
------------------

Features
~~~~~~~~

- First.

Bugfixes
~~~~~~~~

- A fix.

0.9.0
-----

- Beta.
"""

# towncrier's own reST layout: versions underlined with =, their sections with -.
TOWNCRIER_RST = "1.1.0 (2026-02-01)\n==================\n\nFeatures\n--------\n\n- New.\n\n1.0.0\n=====\n\n- Old.\n"

SETEXT = "Changelog\n=========\n\n## 2.0.0\n\nSome\ntext\n---\n\n### Fixes\n\n- X.\n\n## 1.0.0\n\n- Y.\n"


def test_find_section_in_underlined_changelogs() -> None:
    section = find_section(RST_CHANGELOG, "1.0.0")
    assert section is not None
    assert section.heading == "1.0.0 (2026-01-01)\n------------------"
    assert section.body == "Features\n~~~~~~~~\n\n- First.\n\nBugfixes\n~~~~~~~~\n\n- A fix.\n"
    assert find_section(RST_CHANGELOG, "0.9.0") == ("0.9.0\n-----", "- Beta.\n")
    assert find_section(TOWNCRIER_RST, "1.1.0") == (
        "1.1.0 (2026-02-01)\n==================",
        "Features\n--------\n\n- New.\n",
    )
    # In Markdown, "text" over "---" is a level-2 setext heading: it ends 2.0.0's section.
    assert find_section(SETEXT, "2.0.0") == ("## 2.0.0", "Some\n")
    assert find_section(SETEXT, "1.0.0") == ("## 1.0.0", "- Y.\n")
    assert find_section("1.0.0\n\n----\n\n- Z.\n", "1.0.0") is None  # a rule after a blank line is no underline
    assert find_section("## 1.0.0\n\n- Z.\n---\n- W.\n", "1.0.0") == ("## 1.0.0", "- Z.\n---\n- W.\n")


def test_notes_of_a_released_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo_repo(tmp_path)
    (repo / "CHANGELOG.md").write_text(CHANGELOG)
    monkeypatch.chdir(repo)
    assert main(["notes", "v1.1.0"]) == 0
    assert capsys.readouterr().out == "### Bug Fixes\n\n- Older fix.\n"
    assert main(["notes", "9.9.9"]) == 2
    assert capsys.readouterr().err == "releasekit: error: CHANGELOG.md: no section for version 9.9.9\n"
    (repo / "CHANGELOG.md").unlink()
    assert main(["notes", "1.1.0"]) == 2
    assert capsys.readouterr().err == "releasekit: error: CHANGELOG.md: file not found\n"


def test_draft_and_release_notes_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo_repo(tmp_path)
    write_files(
        repo,
        {
            "changelog.d/4.feature.md": "Answers questions.\n",
            "changelog.d/5.breaking.md": "answer() returns a str.\n",
            "changelog.d/5.migration.md": "Wrap calls in int().\n",
            "changelog.d/6.misc.md": "Internal.\n",
        },
    )
    commit_all(repo, "Work")
    monkeypatch.chdir(repo)
    assert main(["notes"]) == 0
    draft = capsys.readouterr().out
    assert draft.startswith("### What's New\n\n- Answers questions. ([#4](https://github.com/example/demo/issues/4))")
    sections = [line for line in draft.splitlines() if line.startswith("### ")]
    assert sections == ["### What's New", "### Breaking Changes", "### Migration Guide", "### Internal"]
    assert "Internal.\n" not in draft  # misc is listed without its content
    assert "[#6](https://github.com/example/demo/issues/6)" in draft

    # Breaking changes after 1.0 make the next version 2.0.0: build it for real and read it back.
    subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--yes", "--version", "2.0.0", "--date", "2026-05-01"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    changelog = (repo / "CHANGELOG.md").read_text()
    assert "## [2.0.0](https://github.com/example/demo/tree/v2.0.0) - 2026-05-01" in changelog
    assert main(["notes", "2.0.0"]) == 0
    assert capsys.readouterr().out.strip() == draft.strip()


def test_draft_version_follows_the_fragments(tmp_path: Path) -> None:
    from releasekit import config
    from releasekit.changelog.notes import draft_version

    repo = demo_repo(tmp_path)
    assert draft_version(config.load(repo)) == "1.0.1"
    write_files(repo, {"changelog.d/1.feature.md": "New.\n"})
    assert draft_version(config.load(repo)) == "1.1.0"
    write_files(repo, {"changelog.d/2.breaking.md": "Gone.\n"})
    assert draft_version(config.load(repo)) == "2.0.0"
    (repo / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.towncrier]\ndirectory = "changelog.d"\n')
    assert draft_version(config.load(repo)) == "unreleased"


def test_draft_needs_towncrier_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["notes"]) == 2
    assert "no [tool.towncrier] section" in capsys.readouterr().err
