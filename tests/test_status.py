"""`releasekit status`: real repositories with tag histories, checked line by line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from releasekit.changelog.towncrier_config import towncrier_toml
from releasekit.release import journal
from releasekit.release.journal import Journal
from tests.helpers.cli import releasekit
from tests.helpers.github_api import fake_github
from tests.helpers.gitrepo import add_origin, commit_all, git, make_repo, write_files
from tests.helpers.projects import seed_files
from tests.helpers.taghistory import tag_history

TOKEN = "ghp_statustoken0123456789"
NO_GITHUB = {"GITHUB_TOKEN": "", "GH_TOKEN": ""}

# 1.0 a year ago, 1.1 with a patch, 1.2.0 45 days ago, then the patches of 1.2.
HISTORY = [("v1.0.0", 400), ("v1.1.0", 100), ("v1.1.1", 90), ("v1.2.0", 45), ("v1.2.1", 20), ("v1.2.3", 10)]


def _seed(tmp_path: Path, *, extra: str = "", history: list[tuple[str, int]] = HISTORY) -> Path:
    files = seed_files("1.2.3")
    files["pyproject.toml"] += '\n[project]\nname = "seed"\n\n' + towncrier_toml() + extra
    repo = make_repo(tmp_path / "seed", files)
    tag_history(repo, history)
    return repo


def _fragments(repo: Path, **kinds: int) -> None:
    files = {}
    for kind, count in kinds.items():
        for n in range(count):
            files[f"changelog.d/+{kind}-{n}.{kind}.md"] = f"A {kind} change, number {n}.\n"
    write_files(repo, files)


def _status(repo: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    result = releasekit("status", *args, cwd=repo, env={**NO_GITHUB, **(env or {})})
    assert result.returncode == 0, result.output
    assert result.stderr == ""
    return result.stdout.splitlines()


def _date(repo: Path, tag: str) -> str:
    """The tag's date as status shows it: UTC, whatever the machine's time zone."""
    stamp = int(git(repo, "for-each-ref", "--format=%(creatordate:unix)", f"refs/tags/{tag}"))
    return time.strftime("%Y-%m-%d", time.gmtime(stamp))


def test_every_line_of_a_project_with_v_tags(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    _fragments(repo, feature=2, bugfix=1)
    lines = _status(repo, env={"TZ": "America/Anchorage"})  # dates are UTC whatever the zone
    assert lines == [
        "seed 1.2.3 (tag v1.2.3)",
        "tag format: v{version} (detected)",
        f"last major release: 1.0.0 on {_date(repo, 'v1.0.0')} (400 days ago)",
        f"last minor release: 1.2.0 on {_date(repo, 'v1.2.0')} (45 days ago)",
        f"last patch release: 1.2.3 on {_date(repo, 'v1.2.3')} (10 days ago)",
        "unreleased: 3 fragments, a minor release (1.2.3 -> 1.3.0)",
        "  What's New: 2",
        "  Bug Fixes: 1",
        "schedule: a minor release is due (2 features waiting; last minor release 1.2.0, 45 days ago; cadence 30 days)",
        "support:",
        "  1.2  1.2.3  full",
        "  1.1  1.1.1  security",
        "  1.0  1.0.0  none",
        "release in progress: none",
        "github: not checked (no GITHUB_TOKEN or GH_TOKEN, or no GitHub repository)",
    ]


def test_the_cadence_is_configurable_and_bugfixes_alone_are_a_patch(tmp_path: Path) -> None:
    repo = _seed(tmp_path, extra="\n[tool.releasekit]\nminor_every_days = 60\n")
    _fragments(repo, feature=1)
    lines = _status(repo)
    assert "schedule: next minor release due in 15 days (last minor release 1.2.0, 45 days ago; cadence 60 days)" in (
        lines
    )
    for path in (repo / "changelog.d").glob("*.feature.md"):
        path.unlink()
    _fragments(repo, bugfix=1, doc=1)
    lines = _status(repo)
    assert "unreleased: 2 fragments, a patch release (1.2.3 -> 1.2.4)" in lines
    assert "schedule: no features waiting (last minor release 1.2.0, 45 days ago; cadence 60 days)" in lines


def test_breaking_changes_call_for_the_release_s_own_bump(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    _fragments(repo, breaking=1, migration=1, feature=1)
    lines = _status(repo)
    assert "unreleased: 3 fragments, a major release (1.2.3 -> 2.0.0)" in lines
    assert [line for line in lines if line.startswith("  ") and ":" in line][:3] == [
        "  What's New: 1",
        "  Breaking Changes: 1",
        "  Migration Guide: 1",
    ]


def test_no_fragments_and_an_invalid_one(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    assert "unreleased: no fragments" in _status(repo)
    write_files(repo, {"changelog.d/+oops.nosuchtype.md": "What?\n"})
    lines = _status(repo)
    assert lines[lines.index("unreleased: no fragments") + 1] == "  invalid: 1 (see releasekit check fragments)"


def test_tags_without_v_and_a_tag_derived_version(tmp_path: Path) -> None:
    """No [tool.bumpversion]: the version is the latest release tag's; the tags have no v and are lightweight."""
    repo = make_repo(
        tmp_path / "plain",
        {
            "pyproject.toml": '[project]\nname = "plain"\ndynamic = ["version"]\n\n' + towncrier_toml(),
            "setup.py": "from setuptools import setup\nsetup()\n",
        },
        branch="master",
    )
    tag_history(repo, [("0.9.0", 300), ("1.0.0", 200), ("1.0.1", 150), ("1.1.0", 40), ("1.1.1rc1", 2)])
    git(repo, "tag", "not-a-release")
    _fragments(repo, feature=1)
    lines = _status(repo)
    assert lines[:5] == [
        "plain 1.1.1rc1 (from tag 1.1.1rc1)",
        "tag format: {version} (detected)",
        f"last major release: 1.0.0 on {_date(repo, '1.0.0')} (200 days ago)",
        f"last minor release: 1.1.0 on {_date(repo, '1.1.0')} (40 days ago)",
        f"last patch release: 1.0.1 on {_date(repo, '1.0.1')} (150 days ago)",
    ]
    assert "unreleased: 1 fragment, a minor release (1.1.1rc1 -> 1.2.0)" in lines
    due = "schedule: a minor release is due (1 feature waiting; last minor release 1.1.0, 40 days ago; cadence 30 days)"
    assert due in lines
    support = lines[lines.index("support:") + 1 : lines.index("release in progress: none")]
    assert support == ["  1.1  1.1.0  full", "  1.0  1.0.1  security", "  0.9  0.9.0  none"]


def test_a_configured_tag_format_is_the_one_read(tmp_path: Path) -> None:
    repo = _seed(
        tmp_path,
        extra='\n[tool.releasekit]\ntag_format = "seed-{version}"\n',
        history=[("seed-1.1.0", 50), ("v9.0.0", 5), ("seed-1.2.3", 3)],
    )
    lines = _status(repo)
    assert lines[:2] == ["seed 1.2.3 (tag seed-1.2.3)", "tag format: seed-{version} (configured)"]
    support = lines[lines.index("support:") + 1 : lines.index("release in progress: none")]
    assert support == ["  1.2  1.2.3  full", "  1.1  1.1.0  security"]  # v9.0.0 is not this project's tag


def test_a_version_not_tagged_yet_and_no_tags_at_all(tmp_path: Path) -> None:
    repo = _seed(tmp_path, history=[])
    lines = _status(repo)
    assert lines[:5] == [
        "seed 1.2.3 (tag v1.2.3, not created yet)",
        "tag format: v{version} (default)",
        "last major release: none",
        "last minor release: none",
        "last patch release: none",
    ]
    assert "support: no releases yet" in lines
    _fragments(repo, feature=1)
    due = "schedule: a minor release is due (1 feature waiting; no minor release yet; cadence 30 days)"
    assert due in _status(repo)


def test_patches_waiting_on_the_older_supported_line(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    add_origin(repo, tmp_path / "origin.git")
    git(repo, "checkout", "-q", "-b", "hotfix/crash", "v1.1.1")
    write_files(repo, {"fix.txt": "fixed\n"})
    commit_all(repo, "Fix the crash")
    write_files(repo, {"fix.txt": "fixed twice\n"})
    commit_all(repo, "Fix it again")
    git(repo, "push", "-q", "origin", "hotfix/crash")
    git(repo, "checkout", "-q", "-b", "hotfix/nothing-yet", "v1.1.1")  # no commit: nothing waits
    git(repo, "checkout", "-q", "-b", "hotfix/latest-line", "v1.2.3")  # the latest line: not an older one
    write_files(repo, {"fix.txt": "new line fix\n"})
    commit_all(repo, "A fix on 1.2")
    git(repo, "checkout", "-q", "main")
    lines = _status(repo)
    waiting = [line for line in lines if line.startswith("patches waiting")]
    assert waiting == ["patches waiting on 1.1: hotfix/crash, 2 commits after v1.1.1"]


def test_a_release_in_progress_and_how_to_resume_it(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    record = Journal(
        version="1.3.0",
        spec="minor",
        previous_version="1.2.3",
        branch="main",
        remote="origin",
        start_commit=git(repo, "rev-parse", "HEAD"),
        completed=["preflight", "tests", "commit"],
        security="high",
    )
    journal.save(repo / ".git", record)
    lines = _status(repo)
    assert (
        "release in progress: 1.3.0 (tag v1.3.0); done: preflight, tests, commit; "
        "resume: releasekit release minor --security high"
    ) in lines
    data = json.loads(releasekit("status", "--format", "json", cwd=repo, env=NO_GITHUB).stdout)
    assert data["release_in_progress"] == {
        "version": "1.3.0",
        "tag": "v1.3.0",
        "spec": "minor",
        "completed": ["preflight", "tests", "commit"],
        "resume": "releasekit release minor --security high",
    }


def test_json_is_the_documented_shape(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    _fragments(repo, feature=1, bugfix=2)
    result = releasekit("status", "--format", "json", cwd=repo, env={**NO_GITHUB, "TZ": "UTC"})
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "schema",
        "project",
        "version",
        "version_source",
        "tag",
        "tagged",
        "tag_format",
        "last_release",
        "unreleased",
        "schedule",
        "support",
        "release_in_progress",
        "github",
    ]
    assert data["schema"] == 1
    assert (data["project"], data["version"], data["version_source"], data["tag"], data["tagged"]) == (
        "seed",
        "1.2.3",
        "bump-my-version",
        "v1.2.3",
        True,
    )
    assert data["tag_format"] == {"template": "v{version}", "source": "detected"}
    assert data["last_release"]["minor"] == {
        "version": "1.2.0",
        "tag": "v1.2.0",
        "date": _date(repo, "v1.2.0"),
        "days_ago": 45,
    }
    assert data["unreleased"] == {
        "fragments": 3,
        "types": [
            {"type": "feature", "name": "What's New", "count": 1, "files": ["changelog.d/+feature-0.feature.md"]},
            {
                "type": "bugfix",
                "name": "Bug Fixes",
                "count": 2,
                "files": ["changelog.d/+bugfix-0.bugfix.md", "changelog.d/+bugfix-1.bugfix.md"],
            },
        ],
        "invalid": 0,
        "bump": "minor",
        "next_version": "1.3.0",
    }
    assert data["schedule"]["minor_every_days"] == 30 and data["schedule"]["minor_due"] is True
    assert data["schedule"]["features_waiting"] == 1 and data["schedule"]["patches_waiting"] == []
    assert data["schedule"]["last_minor"]["version"] == "1.2.0"
    assert data["support"][:2] == [
        {"line": "1.2", "latest": "1.2.3", "support": "full"},
        {"line": "1.1", "latest": "1.1.1", "support": "security"},
    ]
    assert data["release_in_progress"] is None and data["github"] is None


def test_github_critical_issues_and_ci_of_the_release_branch(tmp_path: Path) -> None:
    repo = _seed(tmp_path, extra='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    add_origin(repo, tmp_path / "origin.git")
    head = git(repo, "rev-parse", "HEAD")
    with fake_github(TOKEN) as (url, state):
        state.issues.append({"number": 7, "title": "Data loss on save", "labels": ["critical"]})
        state.runs[head] = [{"name": "CI", "status": "completed", "conclusion": "failure"}]
        env = {"GITHUB_TOKEN": TOKEN, "RELEASEKIT_GITHUB_API_URL": url}
        result = releasekit("status", cwd=repo, env=env)
        assert result.returncode == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[lines.index("github: owner/project") :] == [
            "github: owner/project",
            "  open critical issue #7: Data loss on save",
            f"  workflow 'CI' on {head[:10]} ended in failure",
        ]
        data = json.loads(releasekit("status", "--format", "json", cwd=repo, env=env).stdout)
        assert data["github"] == {
            "repository": "owner/project",
            "critical": ["open critical issue #7: Data loss on save"],
            "branch": "main",
            "commit": head,
            "ci_problems": [f"workflow 'CI' on {head[:10]} ended in failure"],
            "error": None,
        }
        state.issues.clear()
        state.runs[head] = [{"name": "CI", "status": "completed", "conclusion": "success"}]
        lines = releasekit("status", cwd=repo, env=env).stdout.splitlines()
        assert lines[-2:] == [
            "  no open critical issues or pull requests",
            f"  CI of main ({head[:10]}): no failed or unfinished workflow run",
        ]
    assert TOKEN not in result.output


def test_github_unreachable_is_one_line_not_a_failure(tmp_path: Path) -> None:
    from tests.helpers.pypi import free_port

    repo = _seed(tmp_path, extra='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    env = {"GITHUB_TOKEN": TOKEN, "RELEASEKIT_GITHUB_API_URL": f"http://127.0.0.1:{free_port()}"}
    result = releasekit("status", cwd=repo, env=env)
    assert result.returncode == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("github: owner/project: GitHub API at http://127.0.0.1:")
    assert TOKEN not in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('tag_format = "v"', "pyproject.toml: [tool.releasekit] tag_format: 'v' must hold {version} exactly once"),
        (
            'tag_format = "{version}-{version}"',
            "pyproject.toml: [tool.releasekit] tag_format: '{version}-{version}' must hold {version} exactly once",
        ),
        ('tag_format = "-{version}"', "tag_format: '-{version}' would not make a valid git tag name"),
        ('tag_format = "v {version}"', "tag_format: 'v {version}' holds ' '"),
        ("tag_format = 1", "[tool.releasekit] tag_format must be a string, not 1"),
        ("minor_every_days = 0", "[tool.releasekit] minor_every_days must be an integer from 1 to 3660, not 0"),
        ('minor_every_days = "monthly"', "[tool.releasekit] minor_every_days must be an integer"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path, extra: str, message: str) -> None:
    repo = _seed(tmp_path, extra=f"\n[tool.releasekit]\n{extra}\n", history=[])
    result = releasekit("status", cwd=repo, env=NO_GITHUB)
    assert result.returncode == 2, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_a_damaged_journal_is_named(tmp_path: Path) -> None:
    repo = _seed(tmp_path, history=[])
    (repo / ".git" / "releasekit").mkdir()
    (repo / ".git" / "releasekit" / "release.json").write_text("{not json")
    result = releasekit("status", cwd=repo, env=NO_GITHUB)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "release.json: damaged release journal" in result.stderr
    bad_format = Journal("1.3.0", "minor", "1.2.3", "main", "origin", "a" * 40, tag_format="--exec={version}")
    journal.save(repo / ".git", bad_format)
    result = releasekit("status", cwd=repo, env=NO_GITHUB)
    assert result.returncode == 2 and (
        "release.json: damaged release journal (tag_format must be a tag format such as v{version}, "
        "not '--exec={version}')" in result.stderr
    )


def test_status_writes_nothing(tmp_path: Path) -> None:
    repo = _seed(tmp_path)
    _fragments(repo, feature=1)
    before = git(repo, "status", "--porcelain", "--ignored")
    refs = git(repo, "for-each-ref")
    _status(repo)
    _status(repo, "--format", "json")
    assert git(repo, "status", "--porcelain", "--ignored") == before and git(repo, "for-each-ref") == refs
    assert not (repo / ".git" / "releasekit").exists()


def test_outside_a_git_repository_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "loose"\n')
    for command in ("status", "support"):
        result = releasekit(command, cwd=tmp_path, env={**NO_GITHUB, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
        assert result.returncode == 2
        assert result.stderr == f"releasekit: error: {tmp_path}: not inside a git repository\n"
