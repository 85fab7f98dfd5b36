"""Emergency releases: severity, the security fragment, the expedited steps and the advisory.

Real git repositories, the real runner's steps, and the local GitHub stand-in; the steps
under real nox are in test_emergency_sessions.py, the whole pipeline against real indexes
in test_release_emergency.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasekit import config, emergency
from releasekit.changelog.notes import titled_section
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.github import GitHub
from releasekit.release import journal
from releasekit.release.journal import Journal
from releasekit.release.runner import STEPS, begin
from releasekit.release.steps.preflight import github_problems
from releasekit.release.steps.security_advisory import run_security_advisory
from releasekit.release.steps.summary import run_summary
from tests.helpers.cli import releasekit
from tests.helpers.emergency import FIX, SECURITY_TYPE
from tests.helpers.emergency import emergency_project as _emergency_project
from tests.helpers.emergency import step_context as _ctx
from tests.helpers.github_api import advisory_errors, fake_github
from tests.helpers.gitrepo import git, write_files
from tests.helpers.releaseproj import make_project

TOKEN = "ghp_emergency_canary_9876543210"
NOTES = f"""\
### Bug Fixes

- Fixed a crash.

### Security

- {FIX}
- Tokens are no longer logged
  at debug level.
"""


# --- the plain parts ------------------------------------------------------------------------


def test_payload_from_the_security_section() -> None:
    section = titled_section(NOTES, "security")
    assert section is not None and section.heading == "### Security"
    assert "Fixed a crash" not in section.body and "at debug level." in section.body
    body = emergency.payload("demo-pkg", "1.2.4", "high", section.body, NOTES)
    assert body == {
        "summary": FIX,
        "description": section.body,
        "severity": "high",
        "vulnerabilities": [
            {
                "package": {"ecosystem": "pip", "name": "demo-pkg"},
                "vulnerable_version_range": "< 1.2.4",
                "patched_versions": "1.2.4",
            }
        ],
    }
    assert advisory_errors(body) == []  # what GitHub accepts
    assert titled_section(NOTES, "Known Issues") is None


def test_summary_fallbacks_and_limits() -> None:
    assert emergency.summary_for(None, "demo", "1.0.1") == "demo 1.0.1 fixes a security issue"
    assert emergency.summary_for("A plain paragraph\nover two lines.\n", "d", "1") == "A plain paragraph"
    assert (
        emergency.summary_for("- Tokens are no longer\n  logged.\n- Other.\n", "d", "1")
        == "Tokens are no longer logged."
    )
    long = emergency.summary_for("- " + "x" * 2000, "d", "1")
    assert len(long) == emergency.SUMMARY_LIMIT and long.endswith("\u2026")
    whole = emergency.payload("demo", "2.0.1", "low", None, "### Bug Fixes\n\n- Fixed.\n")
    assert (
        whole["description"] == "### Bug Fixes\n\n- Fixed.\n"
        and whole["summary"] == "demo 2.0.1 fixes a security issue"
    )


def test_severity_range_and_newer_lines() -> None:
    assert emergency.check_severity("critical") == "critical"
    with pytest.raises(ReleasekitError, match="expected one of low, medium, high, critical"):
        emergency.check_severity("severe")
    assert emergency.vulnerable_range("1.1.2") == "< 1.1.2"
    tags = ["v1.0.0", "v1.1.1", "v1.2.0", "v1.3.0rc1", "v2.0.0", "v2.0.1", "notes"]
    assert emergency.newer_lines("1.1.2", tags) == ["1.2", "2.0"]
    assert emergency.newer_lines("2.0.2", tags) == []


def test_fake_github_validates_advisories_as_github_does() -> None:
    good = emergency.payload("demo", "1.0.1", "low", "- Fixed.\n", None)
    assert advisory_errors({**good, "severity": "severe"})[0]["field"] == "severity"
    assert advisory_errors({**good, "cvss_vector_string": "CVSS:3.1/AV:N"})[0]["field"] == "severity"
    wrong_ecosystem = {**good, "vulnerabilities": [{"package": {"ecosystem": "pypi", "name": "demo"}}]}
    assert advisory_errors(wrong_ecosystem) == [{"field": "vulnerabilities[0].package.ecosystem", "code": "invalid"}]
    assert {e["field"] for e in advisory_errors({"summary": "", "typo": 1})} == {
        "typo",
        "summary",
        "description",
        "severity",
        "vulnerabilities",
    }


# --- the GitHub client ----------------------------------------------------------------------


def test_create_find_and_publish_an_advisory() -> None:
    with fake_github(TOKEN) as (url, state):
        api = GitHub(url, "owner/project", TOKEN)
        assert api.advisory_for("demo", "1.0.1") is None
        made = api.create_advisory(emergency.payload("Demo_Pkg", "1.0.1", "medium", "- Fixed.\n", None))
        assert made.created and made.state == "draft" and made.url.endswith(made.ghsa_id)
        found = api.advisory_for("demo-pkg", "1.0.1")  # names compare as PyPI normalises them
        assert found is not None and found.ghsa_id == made.ghsa_id and not found.created
        assert api.advisory_for("demo-pkg", "1.0.2") is None
        published = api.publish_advisory(made.ghsa_id)
        assert published.state == "published" and state.advisories[made.ghsa_id]["state"] == "published"
        state.advisories[made.ghsa_id]["state"] = "withdrawn"
        assert api.advisory_for("demo-pkg", "1.0.1") is None  # a withdrawn advisory is not reused
        assert all(headers["Authorization"] == f"Bearer {TOKEN}" for _, _, headers in state.requests)


def test_refused_advisory_names_the_field_and_hides_the_token() -> None:
    with fake_github(TOKEN) as (url, state):
        api = GitHub(url, "owner/project", TOKEN)
        bad = {**emergency.payload("demo", "1.0.1", "low", None, None), "severity": "severe"}
        with pytest.raises(StepFailed) as info:
            api.create_advisory(bad)
        assert str(info.value) == (
            "GitHub answered 422 creating the security advisory: Validation Failed (severity 'severe' is not allowed)"
        )
        with pytest.raises(StepFailed, match="answered 404 publishing the security advisory GHSA-none"):
            api.publish_advisory("GHSA-none")
        with pytest.raises(StepFailed) as denied:
            GitHub(url, "owner/project", "wrong-" + TOKEN).advisory_for("demo", "1.0.1")
        assert "401" in str(denied.value) and TOKEN not in str(denied.value)
        assert state.advisories == {}


# --- begin: severity, the fragment, resuming --------------------------------------------------


def test_begin_records_the_severity_and_resume_keeps_it(tmp_path: Path) -> None:
    project, cfg = _emergency_project(tmp_path)
    record, resumed = begin(cfg, "patch", security="high")
    assert (record.security, record.emergency, resumed) == ("high", True, False)
    journal.save(project.root / ".git", record)
    assert begin(cfg, "patch")[0].security == "high"  # a resume without --security keeps it
    assert begin(cfg, None, security="high")[0].security == "high"
    with pytest.raises(ReleasekitError) as info:
        begin(cfg, "patch", security="critical")
    assert str(info.value) == (
        "the release of 0.1.1 in progress is an emergency release (--security high), not --security critical; "
        "resume with 'releasekit release patch --security high' or undo it with 'releasekit release --abort'"
    )
    with pytest.raises(ReleasekitError, match="finish it with 'releasekit release patch --security high'"):
        begin(cfg, "patch", dry_run=True)
    journal.discard(project.root / ".git")
    journal.save(project.root / ".git", begin(cfg, "patch")[0])
    with pytest.raises(ReleasekitError, match=r"is an ordinary release \(no --security\), not --security low"):
        begin(cfg, "patch", security="low")
    with pytest.raises(ReleasekitError, match="expected one of"):
        begin(cfg, "patch", security="urgent")


def test_a_journal_from_before_emergencies_still_loads(tmp_path: Path) -> None:
    old = {"schema": 1, "version": "1.0.1", "spec": "patch", "previous_version": "1.0.0", "branch": "main"}
    old |= {"remote": "origin", "start_commit": "a" * 40, "completed": [], "artifacts": {}}
    record = Journal.from_json(json.dumps(old), where="release.json")
    assert record.security is None and not record.emergency and record.advisory_id is None


def test_no_security_fragment_is_one_line_exit_2(tmp_path: Path) -> None:
    project, cfg = _emergency_project(tmp_path, fragments={"+crash.bugfix.md": "No crash."})
    with pytest.raises(ReleasekitError, match=r"needs at least one security fragment in changelog\.d/"):
        begin(cfg, "patch", security="high")
    proc = releasekit("release", "patch", "--security", "high", "--yes", cwd=project.root)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "releasekit: error: an emergency release (--security) needs at least one security fragment in changelog.d/, "
        "describing the vulnerability it fixes; write one with 'towncrier create +<slug>.security.md'\n"
    )
    assert not (project.root / ".git" / "releasekit").exists()
    bad = releasekit("release", "--security", "severe", cwd=project.root)
    assert bad.returncode == 2 and "invalid choice: 'severe'" in bad.stderr


def test_no_security_type_configured_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    with pytest.raises(ReleasekitError, match=r'add a \[\[tool.towncrier.type\]\] with directory = "security"'):
        begin(config.load(project.root), "patch", security="low")


# --- the expedited steps ----------------------------------------------------------------------


def test_critical_issue_warns_in_an_emergency_and_blocks_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, cfg = _emergency_project(tmp_path)
    with fake_github(TOKEN) as (url, state):
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("RELEASEKIT_GITHUB_API_URL", url)  # the token goes only where the environment says
        cfg = cfg._replace(github_api_url=url)
        state.issues = [{"number": 3, "title": "Path traversal in extract", "labels": ["critical"]}]
        notes: list[str] = []
        emergency = _ctx(cfg, begin(cfg, "patch", security="critical")[0], tmp_path, notes)
        assert github_problems(emergency) == []
        assert notes == [
            "warning: open critical issue #3: Path traversal in extract (not blocking: an emergency release)"
        ]
        ordinary = _ctx(cfg, begin(cfg, "patch")[0], tmp_path, [])
        assert github_problems(ordinary) == ["open critical issue #3: Path traversal in extract"]
        # CI still counts in an emergency: only the critical label stops blocking.
        state.runs[git(project.root, "rev-parse", "HEAD")] = [
            {"name": "ci", "status": "completed", "conclusion": "failure"}
        ]
        assert len(github_problems(emergency)) == 1 and "ended in failure" in github_problems(emergency)[0]
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.delenv("GH_TOKEN", raising=False)
    assert github_problems(emergency) == [
        "an emergency release creates a GitHub security advisory: set GITHUB_TOKEN (or GH_TOKEN), "
        "and [tool.releasekit.github] repository unless the remote is on github.com"
    ]
    assert github_problems(ordinary) == []


# --- the advisory step ---------------------------------------------------------------------


def _released(cfg: config.Config, security: str | None = "high") -> Journal:
    """The journal and changelog of an emergency release that got as far as the GitHub release."""
    record = begin(cfg, "patch", security=security)[0]
    (cfg.root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n<!-- towncrier release notes start -->\n\n## 0.1.1\n\n{NOTES}"
    )
    record.project = "ignored-when-pyproject-names-it"
    return record


def test_advisory_step_creates_once_and_publishes_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, cfg = _emergency_project(tmp_path)
    record = _released(cfg)
    with fake_github(TOKEN) as (url, state):
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("RELEASEKIT_GITHUB_API_URL", url)  # the token goes only where the environment says
        cfg = cfg._replace(github_api_url=url)
        notes: list[str] = []
        detail = run_security_advisory(_ctx(cfg, record, tmp_path, notes))
        ((ghsa, made),) = state.advisories.items()
        assert detail == (f"created: {ghsa} (draft), a high advisory for {project.name} < 0.1.1: {made['html_url']}")
        assert made["summary"] == FIX and made["description"].startswith(f"- {FIX}\n- Tokens")
        assert made["vulnerabilities"][0]["package"] == {"ecosystem": "pip", "name": project.name}
        assert (record.advisory_id, record.advisory_url) == (ghsa, made["html_url"])
        # A resume (the journal lost the advisory in a crash): found again, not made twice.
        record.advisory_id = record.advisory_url = None
        again = run_security_advisory(_ctx(cfg._replace(github_publish_advisory=True), record, tmp_path, notes))
        assert again.startswith(f"already there: {ghsa} (published)")
        assert len(state.advisories) == 1 and made["state"] == "published" and record.advisory_id == ghsa
        patches = [(m, p) for m, p, _ in state.requests if m == "PATCH"]
        assert patches == [("PATCH", f"/repos/owner/project/security-advisories/{ghsa}")]
        run_security_advisory(_ctx(cfg._replace(github_publish_advisory=True), record, tmp_path, notes))
        assert len([r for r in state.requests if r[0] == "PATCH"]) == 1  # published already: left alone
    summary_ctx = _ctx(cfg, record, tmp_path, [])
    run_summary(summary_ctx)
    assert f"Security advisory (high): {made['html_url']} (draft: review and publish it on GitHub)" in (
        summary_ctx.report
    )


def test_advisory_step_dry_run_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, cfg = _emergency_project(tmp_path)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    record = begin(cfg, "patch", security="medium")[0]
    ctx = _ctx(cfg, record, tmp_path, [], dry_run=True)
    ctx.dry_notes = NOTES
    detail = run_security_advisory(ctx)
    assert detail.endswith("as a draft; nothing sent") and ctx.advisory is not None
    assert ctx.advisory["severity"] == "medium" and ctx.advisory["summary"] == FIX
    assert record.advisory_id is None


def test_advisory_step_needs_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, fragments={"+t.security.md": FIX}, extra_pyproject=SECURITY_TYPE)
    cfg = config.load(project.root)
    record = _released(cfg)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    with pytest.raises(StepFailed, match=r"^no GITHUB_TOKEN \(or GH_TOKEN\) set; an emergency release needs one"):
        run_security_advisory(_ctx(cfg, record, tmp_path, []))
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    with pytest.raises(StepFailed) as info:
        run_security_advisory(_ctx(cfg, record, tmp_path, []))
    assert str(info.value) == (
        "origin is not on GitHub; set [tool.releasekit.github] repository to create the security advisory"
    )
    assert TOKEN not in str(info.value)
    ordinary = begin(cfg, "patch")[0]
    assert run_security_advisory(_ctx(cfg, ordinary, tmp_path, [])) == "not an emergency release: no advisory"


def test_advisory_step_on_an_older_line_names_the_newer_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, cfg = _emergency_project(tmp_path)
    git(project.root, "tag", "-a", "v0.2.0", "-m", "Release v0.2.0")
    record = _released(cfg, "low")
    with fake_github(TOKEN) as (url, state):
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("RELEASEKIT_GITHUB_API_URL", url)  # the token goes only where the environment says
        notes: list[str] = []
        run_security_advisory(_ctx(cfg._replace(github_api_url=url), record, tmp_path, notes))
        (made,) = state.advisories.values()
    assert made["vulnerabilities"][0]["vulnerable_version_range"] == "< 0.1.1"
    assert notes == [
        "newer release lines (0.2) are outside the advisory's range; "
        "release the fix there too and add their ranges to the advisory"
    ]


def test_step_order_and_config(tmp_path: Path) -> None:
    names = [s.name for s in STEPS]
    assert names.index("security-advisory") == names.index("github-release") + 1
    _, cfg = _emergency_project(tmp_path, extra="publish_advisory = true\n")
    assert cfg.github_publish_advisory is True
    other = make_project(tmp_path / "other", extra_pyproject='\n[tool.releasekit.github]\npublish_advisory = "yes"\n')
    with pytest.raises(ReleasekitError, match=r"\[tool.releasekit.github\] publish_advisory must be true or false"):
        config.load(other.root)


def test_advisory_without_a_security_section_describes_what_there_is(tmp_path: Path) -> None:
    from releasekit.release.steps.security_advisory import advisory_payload

    project, cfg = _emergency_project(tmp_path)
    record = begin(cfg, "patch", security="low")[0]
    notes: list[str] = []
    body = advisory_payload(_ctx(cfg, record, tmp_path, notes))  # CHANGELOG.md has no 0.1.1 section
    assert body["description"] == f"{project.name} 0.1.1 fixes a security issue.\n"
    assert body["summary"] == f"{project.name} 0.1.1 fixes a security issue"
    assert notes == ["the notes of 0.1.1 have no 'Security' section; the advisory describes the whole release instead"]
    write_files(project.root, {"CHANGELOG.md": "# Changelog\n\n## 0.1.1\n\n### Bug Fixes\n\n- Fixed.\n"})
    assert advisory_payload(_ctx(cfg, record, tmp_path, []))["description"] == "### Bug Fixes\n\n- Fixed.\n"


def test_the_expedited_rules_are_decided_in_one_place() -> None:
    assert emergency.expedited_skip("benchmark", "high") == "skipped (an emergency release is expedited)"
    assert emergency.expedited_skip("tests", "critical") is None
    assert emergency.expedited_skip("benchmark", None) is None
    issue = "open critical issue #3: Path traversal in extract"
    assert emergency.triage_critical([issue], None) == ([issue], [])
    assert emergency.triage_critical([issue], "low") == ([], [f"warning: {issue} (not blocking: an emergency release)"])
    assert emergency.kind("high") == "an emergency release (--security high)"
    assert emergency.kind(None) == "an ordinary release (no --security)"
