"""Output that must not lie: text from outside printed with its control characters escaped,
format fields that cannot walk Python's attributes, and tags that are no release.

GitHub is the local stand-in (tests/helpers/github_api.py); fragments, tags and their dates
are made for real in git repositories.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasekit import printable
from releasekit.changelog.towncrier_config import towncrier_toml
from tests.helpers.cli import one_error, releasekit
from tests.helpers.fragments import demo_repo
from tests.helpers.github_api import fake_github
from tests.helpers.gitrepo import add_origin, commit_all, git, make_repo, write_files
from tests.helpers.projects import seed_files
from tests.helpers.taghistory import tag_at, tag_history

TOKEN = "ghp_outputtoken0123456789"
NO_GITHUB = {"GITHUB_TOKEN": "", "GH_TOKEN": ""}
FORGED = "\nrelease in progress: none\x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example/\x07click\u202e"


def _seed(tmp_path: Path, extra: str = "") -> Path:
    files = seed_files("1.2.3")
    files["pyproject.toml"] += '\n[project]\nname = "seed"\n\n' + towncrier_toml() + extra
    repo = make_repo(tmp_path / "seed", files)
    tag_history(repo, [("v1.0.0", 40), ("v1.2.3", 10)])
    return repo


def _no_controls(text: str) -> None:
    assert not any(c in text for c in "\x1b\x07\r\u202e\x9b"), repr(text)


# --- the escapes ---------------------------------------------------------------------------------


def test_printable_escapes_every_control() -> None:
    assert printable.line(FORGED) == (
        "\\nrelease in progress: none\\x1b]0;pwned\\x07\\x1b[2J\\x1b]8;;https://evil.example/\\x07click\\u202e"
    )
    assert printable.lines("notes\n\tcode\x1b[31m\r\x9b2J\u2028") == "notes\n\tcode\\x1b[31m\\r\\x9b2J\\u2028"
    assert printable.line("a\tb\nc") == "a\tb\\nc"  # a tab stays: it forges nothing
    plain = "Ünïcode, émoji 😀, spaces\u00a0and quotes \"'"
    assert printable.line(plain) == plain == printable.lines(plain)


# --- status --------------------------------------------------------------------------------------


def test_status_prints_github_titles_and_workflows_escaped(tmp_path: Path) -> None:
    repo = _seed(tmp_path, '\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    add_origin(repo, tmp_path / "origin.git")
    head = git(repo, "rev-parse", "HEAD")
    with fake_github(TOKEN) as (url, state):
        state.issues.append({"number": 7, "title": f"Data loss{FORGED}", "labels": ["critical"]})
        state.runs[head] = [{"name": f"CI{FORGED}", "status": "completed", "conclusion": f"failure{FORGED}"}]
        env = {"GITHUB_TOKEN": TOKEN, "RELEASEKIT_GITHUB_API_URL": url}
        result = releasekit("status", cwd=repo, env=env, timeout=60)
        data = json.loads(releasekit("status", "--format", "json", cwd=repo, env=env, timeout=60).stdout)
    assert result.returncode == 0, result.output
    _no_controls(result.stdout)
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("release in progress")] == ["release in progress: none"]
    escaped = printable.line(FORGED)
    assert lines[lines.index("github: owner/project") + 1 :] == [
        f"  open critical issue #7: Data loss{escaped}",
        f"  workflow 'CI{escaped}' on {head[:10]} ended in failure{escaped}",
    ]
    assert data["github"]["critical"] == [f"open critical issue #7: Data loss{FORGED}"]  # JSON escapes its own


# --- fragments -----------------------------------------------------------------------------------


def test_a_fragment_name_with_controls_is_printed_escaped(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "X = 1\n"})
    # towncrier takes any issue text: both are valid fragments, and the summary names them
    (repo / "changelog.d" / "42\x1b[2J.feature.md").write_text("A change.\n")
    (repo / "changelog.d" / "43\nforged:1:1: fine.feature.md").write_text("A change.\n")
    git(repo, "add", "-A")
    passed = releasekit("check", "fragments", cwd=repo, timeout=60)
    assert passed.returncode == 0, passed.output
    _no_controls(passed.output)
    assert "changelog.d/42\\x1b[2J.feature.md" in passed.stderr
    assert "changelog.d/43\\nforged:1:1: fine.feature.md" in passed.stderr
    # names with no type are findings, printed escaped in each format
    (repo / "changelog.d" / "x\x1b]0;pwned\x07.md").write_text("A change.\n")
    (repo / "changelog.d" / "y\nforged:1:1: fine.md").write_text("A change.\n")
    git(repo, "add", "-A")
    for fmt in ("text", "github"):
        result = releasekit("check", "fragments", "--format", fmt, cwd=repo, timeout=60)
        assert result.returncode == 1, result.output
        _no_controls(result.output)
        lines = result.stdout.splitlines()
        assert len(lines) == 2, lines
        assert any("changelog.d/x\\x1b]0;pwned\\x07.md" in line for line in lines), lines
        assert any("changelog.d/y\\nforged" in line for line in lines), lines


def test_notes_print_a_fragments_controls_escaped(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path, branch=None)
    write_files(repo, {"changelog.d/+esc.feature.md": "A title \x1b]0;pwned\x07 and a bell\x07.\n"})
    commit_all(repo, "A fragment with escapes")
    result = releasekit("notes", cwd=repo, timeout=60)
    assert result.returncode == 0, result.output
    _no_controls(result.stdout)
    assert "A title \\x1b]0;pwned\\x07 and a bell\\x07." in result.stdout


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("issue_format", "[#{issue.__class__.__mro__}](x)", "{issue.__class__.__mro__}"),
        ("issue_format", "{issue[0]}", "{issue[0]}"),
        ("title_format", "{version:{version.__class__}}", "{version:{version.__class__}}"),
        ("title_format", "{0}", "{0}"),
    ],
)
def test_format_fields_cannot_walk_attributes(tmp_path: Path, key: str, value: str, field: str) -> None:
    repo = demo_repo(tmp_path, branch=None)
    write_files(repo, {"changelog.d/1.feature.md": "A change.\n"})
    pyproject = repo / "pyproject.toml"
    head, section = pyproject.read_text().split("[tool.towncrier]\n")
    section = "\n".join(line for line in section.splitlines() if not line.startswith(key))
    pyproject.write_text(f"{head}[tool.towncrier]\n{key} = {json.dumps(value)}\n{section}\n")
    commit_all(repo, "A format that walks attributes")
    names = "{issue}" if key == "issue_format" else "{name}, {version}, {project_date}"
    expected = (
        f"pyproject.toml: [tool.towncrier] {key}: {field} is not one of {names}; towncrier fills in only these "
        "(no attributes, indexes or nested fields)"
    )
    for argv in (("notes",), ("check", "fragments"), ("status",)):
        result = releasekit(*argv, cwd=repo, env=NO_GITHUB, timeout=60)
        assert one_error(result) == expected, argv
        assert "__mro__" not in result.stdout


# --- tags ----------------------------------------------------------------------------------------


def test_a_tag_on_a_tree_or_dated_in_the_future_is_no_release(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    before = releasekit("status", cwd=repo, env=NO_GITHUB, timeout=60)
    assert before.returncode == 0, before.output
    git(repo, "tag", "v9.0.0", "HEAD^{tree}")  # lightweight, on a tree
    git(repo, "tag", "-a", "-m", "a tree", "v8.0.0", "HEAD^{tree}")  # annotated, on a tree
    tag_at(repo, "v7.0.0", -1_136_400)  # dated in 5138
    assert git(repo, "for-each-ref", "--format=%(creatordate:short)", "refs/tags/v7.0.0").startswith("5138-")
    after = releasekit("status", cwd=repo, env=NO_GITHUB, timeout=60)
    assert after.returncode == 0, after.output
    assert after.stdout == before.stdout
    assert "today" not in after.stdout
    assert "1.2.3" in after.stdout and "9.0.0" not in after.stdout and "7.0.0" not in after.stdout
    versions = releasekit("check", "versions", cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"}, timeout=60)
    assert "v9.0.0" not in versions.output and "v8.0.0" not in versions.output
