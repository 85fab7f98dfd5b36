"""How long `releasekit status` takes on a repository with 200 release tags and 200 fragments.

It is meant for a shell prompt hook, so it is timed against what a prompt would otherwise
run for part of the same view: `git tag --list` plus `towncrier build --draft` (the tags
and the unreleased notes), and `releasekit support` (the support table alone), all with the
same warm-up, in interleaved rounds. The goal: `status` (text or JSON) no slower than the
git and towncrier pair, which shows less. Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from releasekit.changelog.towncrier_config import towncrier_toml
from tests.benchmarks.timing import command, compare, ratio_line
from tests.helpers.gitrepo import GIT_ENV, make_repo, write_files
from tests.helpers.projects import seed_files

pytestmark = pytest.mark.benchmark

KINDS = ("feature", "bugfix", "doc", "misc")
RUNS = 11
TARGET_RATIO = 1.0


def _history(repo: Path, n_tags: int = 200) -> list[str]:
    """``n_tags`` annotated release tags on as many commits, a day apart, in one git fast-import."""
    versions = [f"{major}.{minor}.{patch}" for major in range(1, 5) for minor in range(10) for patch in range(5)]
    versions = versions[:n_tags]
    start = int(time.time()) - (len(versions) + 1) * 86400
    lines = []
    parent = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True)
    previous = parent.stdout.strip()
    for n, version in enumerate(versions, 1):
        when = start + n * 86400
        message = f"Release v{version}"
        body = version
        lines += [
            "commit refs/heads/main",
            f"mark :{n}",
            f"committer Release Tester <tester@example.invalid> {when} +0000",
            f"data {len(message)}",
            message,
            f"from {previous if n == 1 else f':{n - 1}'}",
            "M 100644 inline history.txt",
            f"data {len(body)}",
            body,
            f"tag v{version}",
            f"from :{n}",
            f"tagger Release Tester <tester@example.invalid> {when} +0000",
            f"data {len(message)}",
            message,
        ]
    stream = "\n".join(lines) + "\n"
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream, text=True, env=env, check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, env=env, check=True)
    return versions


def _repo(root: Path) -> Path:
    files = seed_files("4.9.4")
    files["pyproject.toml"] += '\n[project]\nname = "seed"\n\n' + towncrier_toml()
    files["CHANGELOG.md"] = "# Changelog\n\n<!-- towncrier release notes start -->\n"
    repo = make_repo(root, files)
    versions = _history(repo)
    assert versions[-1] == "4.9.4"
    write_files(repo, {f"changelog.d/+change{n:03d}.{KINDS[n % 4]}.md": f"Change number {n}.\n" for n in range(200)})
    return repo


def test_status_against_git_tag_and_towncrier_draft(tmp_path: Path, hook_venv: Path) -> None:
    repo = _repo(tmp_path / "big")
    tags = subprocess.run(["git", "tag", "--list"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert len(tags.split()) == 200
    releasekit = str(hook_venv / "releasekit")
    env = {"GITHUB_TOKEN": "", "GH_TOKEN": ""}
    check = subprocess.run([releasekit, "status"], cwd=repo, env={**os.environ, **env}, capture_output=True, text=True)
    assert "unreleased: 200 fragments, a minor release (4.9.4 -> 4.10.0)" in check.stdout, check.stdout + check.stderr
    towncrier = f"{hook_venv / 'towncrier'} build --draft --version 4.10.0 >/dev/null"
    cases = {
        "status": command([releasekit, "status"], cwd=repo, env=env),
        "status --format json": command([releasekit, "status", "--format", "json"], cwd=repo, env=env),
        "git tag --list + towncrier build --draft": command(
            ["sh", "-c", f"git tag --list >/dev/null && {towncrier}"], cwd=repo
        ),
        "releasekit support": command([releasekit, "support"], cwd=repo),
    }
    times = compare(cases, rounds=RUNS, warmup=2)
    print(f"\nstatus, 200 tags, 200 fragments, medians of {RUNS} interleaved rounds:")
    peer = "git tag --list + towncrier build --draft"
    text = ratio_line("  text", times, "status", peer)
    as_json = ratio_line("  json", times, "status --format json", peer)
    ratio_line("  text against the support table alone", times, "status", "releasekit support")
    # The goal: a prompt shows the whole view no slower than the two commands that show part of it.
    assert text <= TARGET_RATIO
    assert as_json <= TARGET_RATIO
