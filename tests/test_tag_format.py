"""The project's tag format (`v1.2.3` or `1.2.3`, or configured) in every place that makes or reads tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config, emergency
from releasekit.errors import ReleasekitError
from releasekit.release import journal
from releasekit.release.runner import abort, begin, run
from releasekit.release.steps.commit import COMMIT
from releasekit.release.steps.tag import TAG
from releasekit.support import support_table
from releasekit.tags import TagFormat, check_template, detect, from_version_or_tag, project_format
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import git
from tests.helpers.projects import seed_repo
from tests.helpers.releaseproj import make_project
from tests.helpers.taghistory import tag_history

# --- the format itself -------------------------------------------------------------------------


def test_a_format_makes_and_reads_its_tags() -> None:
    plain, v, own = TagFormat("{version}"), TagFormat(), TagFormat("pkg/v{version}-final")
    assert (plain.tag("1.2.3"), v.tag("1.2.3"), own.tag("1.2.3")) == ("1.2.3", "v1.2.3", "pkg/v1.2.3-final")
    assert str(plain.version("1.2.3")) == "1.2.3" and plain.version("v1.2.3") is None
    assert str(v.version("v1.2.0rc1")) == "1.2.0rc1" and v.version("1.2.3") is None
    assert str(own.version("pkg/v2.0.0-final")) == "2.0.0" and own.version("pkg/v2.0.0") is None
    for not_a_release in ("v1.2", "vnext", "v01.2.3", "v1.2.3.4", "v", "", "v1.2.3-dev"):
        assert v.version(not_a_release) is None, not_a_release
    assert (plain.glob, v.glob, own.glob) == ("[0-9]*", "v[0-9]*", "pkg/v[0-9]*-final")


def test_detected_from_the_highest_version_like_tag() -> None:
    assert detect(["1.0.0", "1.1.0", "v0.9.0", "nightly"]) == TagFormat("{version}", "detected")
    assert detect(["0.9.0", "v1.0.0", "v1.1.0rc1"]) == TagFormat("v{version}", "detected")
    assert detect(["1.0.0", "v1.0.0"]) == TagFormat("v{version}", "detected")  # a tie: v wins
    assert detect(["nightly", "release-1.0.0", "v1.0"]) is None
    assert project_format(None, []) == TagFormat("v{version}", "default")
    assert project_format("{version}", ["v1.0.0"]) == TagFormat("{version}", "configured")


def test_a_version_or_a_tag_names_the_project_s_tag() -> None:
    plain, v = TagFormat("{version}"), TagFormat()
    assert [from_version_or_tag(t, plain) for t in ("1.2.0", "v1.2.0", "V1.2.0")] == ["1.2.0"] * 3
    assert [from_version_or_tag(t, v) for t in ("1.2.0", "v1.2.0")] == ["v1.2.0"] * 2
    assert from_version_or_tag("1.2", v) is None and from_version_or_tag("--exec=x", plain) is None


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("v", "must hold {version} exactly once"),
        ("{version}{version}", "must hold {version} exactly once"),
        ("v{version}{x}", "holds '{' '}'"),
        ("v {version}", "holds ' '"),
        ("v{version}~1", "holds '~'"),
        ("-{version}", "would not make a valid git tag name"),
        ("/{version}", "would not make a valid git tag name"),
        ("v..{version}", "would not make a valid git tag name"),
        ("{version}.lock", "would not make a valid git tag name"),
    ],
)
def test_bad_templates_are_refused(template: str, problem: str) -> None:
    with pytest.raises(ReleasekitError, match=r"^where: ") as info:
        check_template(template, where="where")
    assert problem in str(info.value)


def test_support_table_reads_the_given_format() -> None:
    rows = support_table(["1.2.0", "1.1.3", "v9.0.0"], TagFormat("{version}"))
    assert [(r.line, r.latest, r.support) for r in rows] == [("1.2", "1.2.0", "full"), ("1.1", "1.1.3", "security")]
    assert emergency.newer_lines("1.1.4", ["1.2.0", "v9.0.0"], TagFormat("{version}")) == ["1.2"]


# --- the commands on projects whose tags have no v ------------------------------------------------

PLAIN_HISTORY = [("1.0.0", 90), ("1.1.0", 60), ("1.1.1", 50), ("1.2.0", 10)]


def test_support_and_hotfix_where_tags_have_no_v(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    tag_history(repo, PLAIN_HISTORY)
    support = releasekit("support", cwd=repo)
    assert support.returncode == 0, support.output
    assert support.stdout.splitlines()[1:] == [
        "1.2   1.2.0       full",
        "1.1   1.1.1       security",
        "1.0   1.0.0       none",
    ]
    result = releasekit("hotfix", "1.2.0", cwd=repo)
    assert result.returncode == 0, result.output
    assert "On branch hotfix/1.2.1, cut from 1.2.0 (full support)." in result.stdout
    assert git(repo, "rev-parse", "HEAD") == git(repo, "rev-parse", "1.2.0^{commit}")
    git(repo, "checkout", "-q", "main")
    result = releasekit("hotfix", "v1.1.1", "Crash on start", cwd=repo)  # a v typed out of habit still finds 1.1.1
    assert result.returncode == 0, result.output
    assert "On branch hotfix/crash-on-start, cut from 1.1.1 (security support)." in result.stdout
    git(repo, "checkout", "-q", "main")
    refused = releasekit("hotfix", "1.1.0", cwd=repo)
    assert refused.returncode == 2
    assert refused.stderr == "releasekit: error: 1.1.0 is not the latest release of 1.1; start the hotfix from 1.1.1\n"
    missing = releasekit("hotfix", "1.3.0", cwd=repo)
    assert "tag 1.3.0 does not exist here" in missing.stderr and "'git tag -l \"[0-9]*\"'" in missing.stderr


def test_check_versions_reads_newer_tags_without_v(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")  # the version files hold 1.2.3
    tag_history(repo, [("1.2.3", 5)])
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    tag_history(repo, [("1.3.0", 1)])
    result = releasekit("check", "versions", cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"})
    assert result.returncode == 1
    assert "tag 1.3.0 on HEAD's history is newer than the current version 1.2.3" in result.stdout


def test_a_configured_format_wins_over_the_tags(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "x"\n[tool.bumpversion]\ncurrent_version = "1.0.0"\n'
        '[tool.releasekit]\ntag_format = "x-{version}"\n'
    )
    repo = seed_repo(tmp_path / "seed", **{"pyproject.toml": pyproject})
    tag_history(repo, [("v3.0.0", 3), ("x-1.0.0", 2)])
    result = releasekit("support", cwd=repo)
    assert result.stdout.splitlines()[1:] == ["1.0   1.0.0       full"], result.output


# --- the release: its journal, commit and tag -------------------------------------------------


def test_the_release_tags_in_the_project_s_format_and_keeps_it_on_resume(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    git(project.root, "tag", "-a", "0.1.0", "-m", "Release 0.1.0")
    cfg = config.load(project.root)
    record, resumed = begin(cfg, None)
    assert (record.version, record.tag_format, record.tag, resumed) == ("0.2.0", "{version}", "0.2.0", False)
    run(cfg, record, steps=(COMMIT, TAG))
    assert git(project.root, "tag", "--list") == "0.1.0\n0.2.0"
    assert git(project.root, "for-each-ref", "--format=%(contents:subject)", "refs/tags/0.2.0") == "Release 0.2.0"
    assert git(project.root, "log", "-1", "--format=%s") == "Release 0.2.0"


def test_the_journal_keeps_the_format_it_began_with(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    git(project.root, "tag", "0.1.0")
    cfg = config.load(project.root)
    record, _ = begin(cfg, "0.2.0")
    journal.save(project.root / ".git", record)
    git(project.root, "tag", "v0.1.0")  # the tags change under a release in progress: it keeps its tag
    resumed, again = begin(config.load(project.root), "0.2.0")
    assert again and resumed.tag == "0.2.0"
    assert begin(config.load(project.root), None)[0].tag == "0.2.0"
    assert abort(cfg)[-1] == "the release of 0.2.0 is aborted"


def test_a_configured_format_and_the_new_version_given_as_its_tag(tmp_path: Path) -> None:
    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit]\ntag_format = "rel-{version}"\n')
    cfg = config.load(project.root)
    record, _ = begin(cfg, "rel-0.3.0")
    assert (record.version, record.spec, record.tag) == ("0.3.0", "0.3.0", "rel-0.3.0")


def test_an_old_journal_without_a_format_is_a_v_release(tmp_path: Path) -> None:
    (tmp_path / "releasekit").mkdir()
    (tmp_path / "releasekit" / "release.json").write_text(
        '{"schema": 1, "version": "1.3.0", "spec": "minor", "previous_version": "1.2.0", "branch": "main", '
        '"remote": "origin", "start_commit": "' + "a" * 40 + '", "completed": ["preflight"]}'
    )
    loaded = journal.load(tmp_path)
    assert loaded is not None and loaded.tag == "v1.3.0"


def test_notes_of_a_version_given_as_its_configured_tag(tmp_path: Path) -> None:
    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit]\ntag_format = "rel-{version}"\n')
    changelog = "# Changelog\n\n<!-- towncrier release notes start -->\n\n## 0.1.0 (2026-11-01)\n\n- First.\n"
    (project.root / "CHANGELOG.md").write_text(changelog)
    result = releasekit("notes", "rel-0.1.0", cwd=project.root)
    assert result.returncode == 0, result.output
    assert result.stdout == "- First.\n"
