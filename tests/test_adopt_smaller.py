"""Issue #22's smaller items: every package under src/ is source, and the suggested fragment is never a breaking one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from releasekit.checks.source_paths import default_source_paths
from releasekit.cli import main
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import commit_all, git, write_files

OWN_TYPES = """\
[[tool.towncrier.type]]
directory = "removal"
name = "Removals"
showcontent = true

[[tool.towncrier.type]]
directory = "change"
name = "Changes"
showcontent = true
"""


def test_every_top_level_package_under_src_is_source(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"src/attrs/__init__.py": "", "src/attr/__init__.py": "", "src/attrs.egg-info/PKG-INFO": "", "tests/t.py": ""},
    )
    assert default_source_paths(tmp_path, "attrs") == ("src/attr", "src/attrs")


def test_the_suggested_fragment_type_is_not_a_breaking_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo_repo(tmp_path)
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text[: text.index("[[tool.towncrier.type]]")] + OWN_TYPES)
    commit_all(repo, "The project's own types: a removal first")
    write_files(repo, {"src/demo/core.py": "def answer() -> int:\n    return 43\n"})
    git(repo, "add", "-A")
    monkeypatch.chdir(repo)
    assert main(["check", "fragments"]) == 1
    out = capsys.readouterr().out
    suggested = re.search(r"add one: (.*) \(types: removal, change\)", out)
    assert suggested is not None, out
    assert suggested.group(1).endswith(" 42.change.md")


def test_the_commit_step_is_named_after_the_real_changelog_and_a_slash_is_not_doubled(tmp_path: Path) -> None:
    from releasekit.config import load
    from releasekit.release.runner import steps_for
    from releasekit.release.steps.preflight import fragment_problems

    pyproject = (
        '[project]\nname = "news"\nversion = "1.0.0"\n\n'
        '[tool.towncrier]\ndirectory = "changelog.d/"\nfilename = "CHANGES.md"\n'
    )
    write_files(tmp_path, {"pyproject.toml": pyproject, "changelog.d/.gitkeep": ""})
    config = load(tmp_path)
    [commit] = [step for step in steps_for(config) if step.name == "commit"]
    assert commit.title == "Prepare: bump versions, build CHANGES.md, commit"
    assert fragment_problems(config, "1.0.0", "1.0.1") == [
        "changelog.d/: no changelog fragments; there is nothing to release"
    ]
