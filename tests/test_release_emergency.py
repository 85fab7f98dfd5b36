"""An emergency release from a hotfix branch: real git, real pypiservers, the GitHub stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import releasekit
from tests.helpers.github_api import fake_github
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.releaseproj import make_project, snapshot
from tests.helpers.releasing import files_of, index_env, journal_texts, release, state_dir

pytestmark = pytest.mark.integration

TOKEN = "ghp_emergency_canary_0123456789"
FIX = "Archive member names can no longer escape the target directory."
PYPROJECT = """
[[tool.towncrier.type]]
directory = "security"
name = "Security"
showcontent = true

[tool.releasekit.github]
repository = "owner/project"
"""
NOXFILE = """\
import os
import nox

for name in ("tests", "benchmark"):
    @nox.session(name=name, venv_backend="none")
    def session(session, name=name):
        open(os.path.join(os.environ["MARKER_DIR"], name), "w").close()
"""


def test_emergency_release_from_a_hotfix_branch(tmp_path: Path, servers: object) -> None:
    project = make_project(tmp_path, fragments={}, extra_pyproject=PYPROJECT, extra_files={"noxfile.py": NOXFILE})
    git(project.root, "tag", "-a", "v0.1.0", "-m", "Release v0.1.0")
    git(project.root, "push", "-q", "origin", "main", "v0.1.0")
    cut = releasekit("hotfix", "v0.1.0", "path traversal", cwd=project.root)
    assert cut.returncode == 0, cut.stdout + cut.stderr
    write_files(project.root, {"changelog.d/+traversal.security.md": FIX})
    commit_all(project.root, "Refuse archive members outside the target")
    markers = tmp_path / "markers"
    markers.mkdir()

    with fake_github(TOKEN) as (api_url, github):
        env = index_env(servers, GITHUB_TOKEN=TOKEN, RELEASEKIT_GITHUB_API_URL=api_url, MARKER_DIR=str(markers))  # type: ignore[arg-type]
        # The very issue this release fixes is open and labelled critical: a warning, not a block.
        github.issues = [{"number": 3, "title": "Path traversal in extract", "labels": ["critical"]}]

        # The dry run prints the advisory it would create and sends nothing.
        before = snapshot(project.root), snapshot(project.origin)
        dry = release(project, "patch", "--security", "high", "--dry-run", env=env)
        assert dry.returncode == 0, dry.output
        assert (snapshot(project.root), snapshot(project.origin)) == before
        assert "warning: open critical issue #3: Path traversal in extract (not blocking" in dry.stdout
        assert "benchmark: skipped (an emergency release is expedited)" in dry.stdout
        assert sorted(p.name for p in markers.iterdir()) == ["tests"]
        sent = dry.stdout.split("Security advisory (not sent): POST /repos/{owner}/{repo}/security-advisories\n", 1)
        assert json.loads(sent[1])["vulnerabilities"][0]["vulnerable_version_range"] == "< 0.1.1"
        assert not [r for r in github.requests if r[0] != "GET"] and github.advisories == {}

        # A crash right after the advisory step ...
        at_advisory = {**env, "RELEASEKIT_FAIL_AT_STEP": "security-advisory"}
        crashed = release(project, "patch", "--security", "high", "--yes", env=at_advisory)
        assert crashed.returncode == 1, crashed.output
        assert "stopping after step 13 (security-advisory)" in crashed.stderr
        ((ghsa, made),) = github.advisories.items()
        # ... and one inside it, after GitHub made the advisory but before the journal said so.
        record = json.loads((state_dir(project) / "release.json").read_text())
        assert (record["security"], record["advisory_id"]) == ("high", ghsa)
        record["completed"].remove("security-advisory")
        record["advisory_id"] = record["advisory_url"] = None
        (state_dir(project) / "release.json").write_text(json.dumps(record))

        other = release(project, "patch", "--security", "critical", "--yes", env=env)
        assert other.returncode == 2 and other.stderr.count("\n") == 1
        assert "in progress is an emergency release (--security high), not --security critical" in other.stderr

        resumed = release(project, "--yes", env=env)

    assert resumed.returncode == 0, resumed.output
    assert "Resuming the release of 0.1.1, an emergency security release (severity high)" in resumed.stdout
    assert f"already there: {ghsa} (draft)" in resumed.stdout
    assert f"Security advisory (high): {made['html_url']} (draft: review and publish it on GitHub)" in resumed.stdout
    assert len(github.advisories) == 1 and made["state"] == "draft"
    assert made["summary"] == FIX and made["severity"] == "high"
    assert made["description"] == f"- {FIX}\n"
    assert made["vulnerabilities"] == [
        {
            "package": {"ecosystem": "pip", "name": project.name},
            "vulnerable_version_range": "< 0.1.1",
            "patched_versions": "0.1.1",
        }
    ]
    assert list(github.releases) == ["v0.1.1"]
    # Made from the hotfix branch, and merged back into main.
    assert git(project.origin, "log", "-1", "--format=%s", "main") == "Merge hotfix/path-traversal (v0.1.1) into main"
    assert len(files_of(servers.prod, project)) == 2  # type: ignore[attr-defined]
    final = json.loads((state_dir(project) / "released-0.1.1.json").read_text())
    assert (final["security"], final["advisory_id"], final["advisory_url"]) == ("high", ghsa, made["html_url"])
    for text in (dry.output, crashed.output, resumed.output, journal_texts(project)):
        assert TOKEN not in text
