"""The whole release against real git, real pypiservers, real twine, build and uv."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from releasekit.errors import StepFailed
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import git
from tests.helpers.pypi import free_port
from tests.helpers.releaseproj import make_project, snapshot, step_mark
from tests.helpers.releasing import (
    CANARY,
    USER,
    Indexes,
    assert_released,
    env_for,
    files_of,
    index_env,
    journal_texts,
    origin_log,
    pypirc_env,
    release,
    release_on_terminal,
    state_dir,
)

pytestmark = pytest.mark.integration

NOXFILE = """\
import os
import nox

@nox.session(venv_backend="none")
def tests(session):
    open(os.environ["MARKER_DIR"] + "/tests", "w").close()

@nox.session(venv_backend="none", default=False)
def docs(session):
    open(os.environ["MARKER_DIR"] + "/docs", "w").close()
"""


def test_dry_run_changes_nothing(tmp_path: Path, servers: Indexes, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, extra_files={"noxfile.py": NOXFILE})
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)  # the identity lives in the repository's own config only
    markers = tmp_path / "markers"
    markers.mkdir()
    before = snapshot(project.root), snapshot(project.origin)
    listing = sorted(os.listdir(servers.test.packages)), sorted(os.listdir(servers.prod.packages))

    result = release(project, "--dry-run", env=index_env(servers, MARKER_DIR=str(markers)))

    assert result.returncode == 0, result.output
    assert (snapshot(project.root), snapshot(project.origin)) == before
    assert (sorted(os.listdir(servers.test.packages)), sorted(os.listdir(servers.prod.packages))) == listing
    assert not state_dir(project).exists()
    assert sorted(os.listdir(markers)) == ["docs", "tests"]  # the project's sessions ran
    assert "integration: not configured" in result.stdout
    assert f"would publish {project.name} 0.2.0 as v0.2.0" in result.stdout
    wheel = f"{project.module}-0.2.0-py3-none-any.whl"
    assert wheel in result.stdout and f"{project.module}-0.2.0.tar.gz" in result.stdout
    assert "Added a first feature, greeting the world." in result.stdout
    assert servers.prod.simple_url in result.stdout


def test_full_release_lands_same_bytes_everywhere(tmp_path: Path, servers: Indexes) -> None:
    from tests.helpers.github_api import fake_github

    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    token = "ghp_canary_0000111122223333"
    with fake_github(token) as (api_url, github):
        env = index_env(servers, GITHUB_TOKEN=token, RELEASEKIT_GITHUB_API_URL=api_url)
        # The checklist's "review open issues and PRs for critical fixes", and CI of the commit.
        github.issues = [{"number": 3, "title": "Crash on start", "labels": ["critical"]}]
        github.runs[git(project.root, "rev-parse", "HEAD")] = [
            {"name": "ci", "status": "completed", "conclusion": "failure"}
        ]
        blocked = release(project, "--yes", env=env)
        assert blocked.returncode == 1
        assert "open critical issue #3: Crash on start" in blocked.stderr
        assert "workflow 'ci' on" in blocked.stderr and "ended in failure" in blocked.stderr
        github.issues, github.runs = [], {}
        result = release(project, "--yes", env=env)
    assert result.returncode == 0, result.output
    hashes = assert_released(project, servers)
    for name, digest in hashes.items():
        assert f"{name}  sha256:{digest}" in result.stdout
    assert "Release notes:" in result.stdout
    summary = result.stdout[result.stdout.index("Released ") :]
    # The summary lists every gate: what ran it, and the phases that did not run.
    assert "Gates:\n  package: passed" in summary and "  tests: passed (" in summary
    assert "  integration: not configured: no tests found" in summary
    assert git(project.root, "status", "--porcelain") == ""
    # The checklist's post-release step: a GitHub release carrying the release notes.
    assert list(github.releases) == ["v0.2.0"]
    assert "Added a first feature, greeting the world." in github.releases["v0.2.0"]["body"]
    assert token not in result.output and token not in journal_texts(project)


def test_fault_injection_at_every_step_boundary(tmp_path: Path, servers: Indexes) -> None:
    from releasekit.release.runner import STEPS

    project = make_project(tmp_path)
    env = index_env(servers)
    built: dict[str, str] = {}
    for number, step in enumerate(STEPS, 1):
        result = release(project, "minor", "--yes", env={**env, "RELEASEKIT_FAIL_AT_STEP": str(number)})
        assert result.returncode == 1, result.output
        assert f"stopping after step {number} ({step.name})" in result.stderr
        record = json.loads((state_dir(project) / "release.json").read_text())
        assert record["completed"] == [s.name for s in STEPS[:number]]
        if step.name == "build":
            built = dict(record["artifacts"])
        elif built:
            assert record["artifacts"] == built  # never a second set of files
        if step.name == "push":
            refused = release(project, "--abort", env=env)
            assert refused.returncode == 2 and "already pushed" in refused.stderr
    final = release(project, "--yes", env=env)  # the same release, resumed once more: nothing left but closing it
    assert final.returncode == 0, final.output
    assert assert_released(project, servers) == built


def test_production_index_down(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path)
    t, p = servers
    dead = f"http://127.0.0.1:{free_port()}/"
    before = snapshot(project.root)

    # Down from the start: preflight says so, and nothing happens.
    result = release(project, "--yes", env=env_for(t.upload_url, t.simple_url, dead, dead + "simple/"))
    assert result.returncode == 1
    assert "PyPI (http://127.0.0.1:" in result.stderr and "is not reachable" in result.stderr
    assert snapshot(project.root) == before and not (state_dir(project) / "release.json").exists()

    # Down after the push: the upload fails, nothing past it runs, a rerun finishes.
    stopped = release(project, "--yes", env={**index_env(servers), "RELEASEKIT_FAIL_AT_STEP": "push"})
    assert stopped.returncode == 1
    result = release(project, "--yes", env=env_for(t.upload_url, t.simple_url, dead, dead + "simple/"))
    assert result.returncode == 1
    assert "PyPI: cannot read" in result.stderr
    assert step_mark("upload") in result.stdout and step_mark("verify") not in result.stdout
    assert files_of(p, project) == {}
    record = json.loads((state_dir(project) / "release.json").read_text())
    assert record["completed"][-1] == "push"
    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    assert_released(project, servers)


def test_nth_upload_failing_then_rerun(tmp_path: Path, servers: Indexes) -> None:
    from tests.helpers.flaky import flaky_proxy

    project = make_project(tmp_path)
    t, p = servers
    with flaky_proxy(p.upload_url, fail_from=2) as proxy:
        # Credentials in the URL this time: they must not show either.
        upload = proxy.url.replace("http://", f"http://{USER}:{CANARY}@")
        env = env_for(t.upload_url, t.simple_url, upload, p.simple_url)
        result = release(project, "--yes", env=env)
        assert result.returncode == 1
        assert "PyPI: upload of" in result.stderr and "failed" in result.stderr
        assert len(files_of(p, project)) == 1
        assert step_mark("upload") in result.stdout and step_mark("verify") not in result.stdout
        proxy.fail_from = None  # the index is healthy again
        result = release(project, "--yes", env=env)
    assert result.returncode == 0, result.output
    assert "1 uploaded to PyPI, 1 already there" in result.stdout
    assert_released(project, servers)


def test_pre_receive_hook_rejecting_the_push(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path)
    hook = project.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'origin policy: releases are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    env = pypirc_env(servers, Path(os.environ["HOME"]))
    result = release(project, "--yes", env=env)
    assert result.returncode == 1
    assert "was refused; nothing was pushed" in result.stderr and "releases are frozen" in result.stderr
    assert git(project.origin, "tag", "--list") == "" and origin_log(project) == ["Initial commit"]
    assert files_of(servers.prod, project) == {} and len(files_of(servers.test, project)) == 2
    hook.unlink()
    result = release(project, "--yes", env=env)
    assert result.returncode == 0, result.output
    assert_released(project, servers)


def test_same_filename_with_other_bytes_stops(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path)
    squatter = servers.test.packages / f"{project.module}-0.2.0.tar.gz"
    squatter.write_bytes(b"not the bytes releasekit builds")
    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 1
    assert f"already holds {squatter.name} with other bytes" in result.stderr
    assert files_of(servers.test, project) == {squatter.name: hashlib.sha256(squatter.read_bytes()).hexdigest()}
    assert git(project.origin, "tag", "--list") == ""
    # What the verify steps would say about such an index.
    from releasekit import indexes
    from releasekit.config import Index

    index = Index("TestPyPI", servers.test.upload_url, servers.test.simple_url)
    ours = {squatter.name: "0" * 64}
    with pytest.raises(StepFailed, match=f"TestPyPI: serves {re.escape(squatter.name)} with sha256"):
        indexes.verify(index, project.name, ours, wait=0)
    with pytest.raises(StepFailed, match=r"does not serve x-1\.0\.whl"):
        indexes.verify(index, project.name, {**ours, "x-1.0.whl": "1" * 64}, wait=0)


def test_abort_undoes_local_steps(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path)
    start = git(project.root, "rev-parse", "HEAD")
    # On a terminal, releasekit asks before the first upload; "n" stops it there.
    output, code = release_on_terminal(project, ["patch"], index_env(servers), answer="n\n")
    assert code == 1, output
    assert "Upload " in output and f"{project.name} 0.1.1 (2 files) to TestPyPI" in output and "[y/N]" in output
    assert "stopped before the first upload, as asked" in output
    assert files_of(servers.test, project) == {}
    assert git(project.root, "tag", "--list") == "v0.1.1"
    result = release(project, "--abort", env=index_env(servers))
    assert result.returncode == 0, result.output
    assert "deleted tag v0.1.1" in result.stdout
    assert git(project.root, "rev-parse", "HEAD") == start
    assert git(project.root, "tag", "--list") == ""
    assert (project.root / "changelog.d" / "+first.feature.md").is_file()
    assert git(project.root, "status", "--porcelain") == ""
    assert not (state_dir(project) / "release.json").exists()
    assert not (state_dir(project) / "dist").exists() or not any((state_dir(project) / "dist").iterdir())


def test_dry_run_without_uv_uses_venv_and_pip(tmp_path: Path, servers: Indexes) -> None:
    project = make_project(tmp_path)
    before = snapshot(project.root)
    result = release(project, "patch", "--dry-run", env=index_env(servers, RELEASEKIT_NO_UV="1"))
    assert result.returncode == 0, result.output
    assert f"would publish {project.name} 0.1.1 as v0.1.1" in result.stdout
    assert f"{project.module}-0.1.1-py3-none-any.whl  sha256:" in result.stdout
    assert snapshot(project.root) == before


def test_hotfix_release_from_a_hotfix_branch(tmp_path: Path, servers: Indexes) -> None:
    from tests.helpers.gitrepo import commit_all, write_files

    project = make_project(tmp_path, fragments={})
    git(project.root, "tag", "-a", "v0.1.0", "-m", "Release v0.1.0")
    git(project.root, "push", "-q", "origin", "v0.1.0")
    write_files(project.root, {"changelog.d/+later.feature.md": "A feature for the next minor release."})
    commit_all(project.root, "Feature on main")
    git(project.root, "push", "-q", "origin", "main")
    main_before = git(project.origin, "rev-parse", "main")
    cut = releasekit("hotfix", "v0.1.0", "crash fix", cwd=project.root)
    assert cut.returncode == 0, cut.stdout + cut.stderr
    write_files(project.root, {"changelog.d/+crash.bugfix.md": "No more crash on empty input."})
    commit_all(project.root, "Fix the crash")

    result = release(project, "patch", "--yes", env=index_env(servers))

    assert result.returncode == 0, result.output
    assert "skipped: no GITHUB_TOKEN" in result.stdout
    # Merged back into main on origin, which keeps its own unreleased work.
    assert git(project.origin, "rev-parse", "main^1") == main_before
    assert git(project.origin, "log", "-1", "--format=%s", "main") == "Merge hotfix/crash-fix (v0.1.1) into main"
    assert git(project.origin, "show", "main:changelog.d/+later.feature.md")
    assert git(project.origin, "log", "-1", "--format=%s", "hotfix/crash-fix") == "Release v0.1.1"
    assert git(project.origin, "rev-parse", "v0.1.1^{commit}") == git(project.origin, "rev-parse", "hotfix/crash-fix")
    changelog = git(project.origin, "show", "v0.1.1:CHANGELOG.md")
    assert "No more crash on empty input." in changelog and "A feature for the next" not in changelog
    assert sorted(files_of(servers.prod, project)) == [
        f"{project.module}-0.1.1-py3-none-any.whl",
        f"{project.module}-0.1.1.tar.gz",
    ]


def test_hotfix_merge_back_conflict_stops_then_resumes(tmp_path: Path, servers: Indexes) -> None:
    from tests.helpers.gitrepo import commit_all, write_files

    project = make_project(tmp_path, fragments={})
    init = f"src/{project.module}/__init__.py"
    git(project.root, "tag", "-a", "v0.1.0", "-m", "Release v0.1.0")
    write_files(project.root, {"NOTES.txt": "main's own words\n"})
    commit_all(project.root, "Notes on main")
    git(project.root, "push", "-q", "origin", "main", "v0.1.0")
    git(project.root, "checkout", "-q", "-b", "hotfix/notes", "v0.1.0")
    write_files(project.root, {"NOTES.txt": "the hotfix's words\n", "changelog.d/+notes.bugfix.md": "Notes fixed."})
    commit_all(project.root, "Fix the notes")

    stopped = release(project, "patch", "--yes", env=index_env(servers))
    assert stopped.returncode == 1
    assert "merging hotfix/notes into main conflicts in NOTES.txt" in stopped.stderr
    assert git(project.root, "rev-parse", "--abbrev-ref", "HEAD") == "hotfix/notes"  # the checkout is untouched
    assert git(project.root, "status", "--porcelain") == ""
    assert (project.root / init).read_text().count("0.1.1") == 1

    git(project.root, "switch", "-q", "main")
    # The merge stops on the conflict (non-zero), which is what a person would then resolve.
    subprocess.run(["git", "merge", "-q", "hotfix/notes"], cwd=project.root, capture_output=True, check=False)
    write_files(project.root, {"NOTES.txt": "both\n"})
    commit_all(project.root, "Merge hotfix/notes by hand")
    git(project.root, "push", "-q", "origin", "main")
    git(project.root, "switch", "-q", "hotfix/notes")
    finished = release(project, "patch", "--yes", env=index_env(servers))
    assert finished.returncode == 0, finished.output
    assert "in origin/main already" in finished.stdout
    assert git(project.origin, "show", "main:NOTES.txt") == "both"
