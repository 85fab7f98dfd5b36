"""The workflow's GitHub release script, run by bash in a real repository.

GitHub cannot be reached from here, so ``gh`` is a small stand-in script that records its
arguments and answers ``gh release view`` from a state file; bash, git, python and
``releasekit notes`` are the real programs, and the script is the text of the generated
workflow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from releasekit import config
from releasekit.ci import workflow
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.releaseproj import make_project

FAKE_GH = """\
#!/bin/sh
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "release view" ]; then
  state="$(cat "$GH_STATE" 2>/dev/null)"
  case "$state" in
    draft) echo true ;;
    published) echo false ;;
    *) echo "release not found" >&2; exit 1 ;;
  esac
fi
exit 0
"""

CHANGELOG = """\
# Changelog

<!-- towncrier release notes start -->

## 1.3.0 (2026-11-01)

### What's New

- The new line.

## 1.2.4 (2026-11-20)

### Bug Fixes

- A hotfix of the older line.
"""


def release_script(text: str) -> tuple[str, dict[str, str]]:
    job = yaml.safe_load(text)["jobs"]["github-release"]
    step = next(s for s in job["steps"] if "run" in s and "gh release" in s["run"])
    return step["run"], step["env"]


def run_job(tmp_path: Path, tag: str, version: str, state: str | None) -> tuple[int, list[str]]:
    project = make_project(tmp_path / "p", version="1.3.0", fragments={})
    write_files(project.root, {"CHANGELOG.md": CHANGELOG})
    commit_all(project.root, "Changelog")
    for name in ("v1.2.3", "v1.3.0", "v1.4.0rc1", "v1.2.4"):
        git(project.root, "tag", name)
    script, env = release_script(workflow.release_workflow(config.load(project.root)))
    dist = project.root / "dist"
    dist.mkdir()
    (dist / "releasekit-manifest.json").write_text(json.dumps({"version": version}))
    (dist / f"{project.module}-{version}.tar.gz").write_bytes(b"sdist")
    (dist / f"{project.module}-{version}-py3-none-any.whl").write_bytes(b"wheel")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    log, state_file = tmp_path / "gh.log", tmp_path / "gh.state"
    if state:
        state_file.write_text(state)
    environ = {
        **os.environ,
        "PATH": os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"]]),
        "RUNNER_TEMP": str(tmp_path),
        "GH_LOG": str(log),
        "GH_STATE": str(state_file),
        "TAG": tag,
        "TAG_GLOB": env["TAG_GLOB"],
    }
    proc = subprocess.run(["bash", "-c", script], cwd=project.root, env=environ, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    notes = (tmp_path / "notes.md").read_text()
    assert ("A hotfix of the older line." in notes) == (version == "1.2.4")
    return proc.returncode, log.read_text().splitlines() if log.exists() else []


def test_a_hotfix_of_an_older_line_is_drafted_then_published_not_latest(tmp_path: Path) -> None:
    _, calls = run_job(tmp_path, "v1.2.4", "1.2.4", None)
    assert calls[0] == "release view v1.2.4 --json isDraft --jq .isDraft"
    assert calls[1].startswith("release create v1.2.4 --verify-tag --draft --title v1.2.4 --notes-file ")
    assert calls[1].endswith("--latest=false")
    assert calls[2].startswith("release upload v1.2.4 --clobber ")
    assert calls[3] == "release edit v1.2.4 --draft=false --latest=false"


def test_the_newest_line_is_latest(tmp_path: Path) -> None:
    _, calls = run_job(tmp_path, "v1.3.0", "1.3.0", None)
    assert calls[1].endswith("--latest=true")
    assert calls[3] == "release edit v1.3.0 --draft=false --latest=true"


@pytest.mark.parametrize(("state", "expected"), [("draft", 3), ("published", 1)])
def test_a_rerun_finishes_a_draft_and_leaves_a_published_release(tmp_path: Path, state: str, expected: int) -> None:
    _, calls = run_job(tmp_path, "v1.2.4", "1.2.4", state)
    assert len(calls) == expected
    assert not any(call.startswith("release create") for call in calls)
