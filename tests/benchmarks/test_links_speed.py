"""How long `releasekit check links` takes on a generated documentation tree, against remark.

2,000 Markdown pages with 20,000 links (relative paths, anchors in the same and other
pages, some broken), shaped like FastAPI's documentation, the tree issue #24 sets the goal on:
pages of about 6 kB with admonitions, code includes and blocks, lists, tables and inline
HTML around the links, and one long release-notes page (FastAPI's own tree cannot be
fetched here; measured by hand, it parses fewer events per page than this one). The peer
is `remark --use remark-validate-links`, installed with npm into a temp dir by this
benchmark, timed on the same tree in the same run. Run with `pytest -m benchmark -s`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.timing import interleaved_medians, median_seconds, report
from tests.helpers.cli import console_script
from tests.helpers.gitrepo import commit_all, git, make_repo
from tests.helpers.linktree import generate_tree

pytestmark = pytest.mark.benchmark
GOAL = 0.015  # releasekit's median at most this share of remark-validate-links' (issue #24)


@pytest.fixture(scope="module")
def remark(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The remark executable and the remark-validate-links plugin, installed with npm."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot install the peer (remark)")
    where = tmp_path_factory.mktemp("remark")
    subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(where),
            "remark-cli",
            "remark-validate-links",
        ],
        check=True,
        capture_output=True,
    )
    modules = where / "node_modules"
    return str(modules / ".bin" / "remark"), str(modules / "remark-validate-links" / "index.js")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    root = tmp_path_factory.mktemp("links-tree") / "repo"
    repo = make_repo(root, {"pyproject.toml": '[project]\nname = "docs"\nversion = "1.0"\n'})
    generated = generate_tree(repo, shape="fastapi")
    commit_all(repo, "Documentation")
    git(repo, "remote", "add", "origin", "https://github.com/example/docs.git")  # remark wants one
    return repo, generated.links, generated.broken


def test_local_check_against_remark(tree: tuple[Path, int, int], remark: tuple[str, str]) -> None:
    repo, links, broken = tree
    ours_cmd = [console_script(), "check", "links"]
    proc = subprocess.run(ours_cmd, cwd=repo, capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == f"links: {links} links in 2000 files: {broken} broken"
    remark_bin, plugin = remark
    peer_cmd = [remark_bin, "--use", plugin, "--quiet", "--frail", "--no-stdout", "--no-color", "docs"]
    peer_out = subprocess.run(peer_cmd, cwd=repo, capture_output=True, text=True, check=False)
    assert peer_out.returncode == 1
    # the peer finds the same broken links: the comparison is like for like
    assert sum(" warning " in line for line in peer_out.stderr.splitlines()) == broken

    pyproject = repo / "pyproject.toml"
    original = pyproject.read_text()
    one_job = repo.parent / "one-job"  # the same tree, told to use one process
    if not one_job.exists():
        shutil.copytree(repo, one_job, symlinks=True)
        (one_job / "pyproject.toml").write_text(original + "\n[tool.releasekit.links]\njobs = 1\n")
    # Same warm-up for both tools, then rounds in turn: load on the shared machine hits all alike.
    timed = interleaved_medians({"ours": ours_cmd, "peer": peer_cmd}, cwd=repo, rounds=5, warmup=1, expect=1)
    single = interleaved_medians({"ours": ours_cmd}, cwd=one_job, rounds=3, warmup=1, expect=1)["ours"]
    ours, peer = timed["ours"], timed["peer"]
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (medians; the machine may be shared)")
    report(f"check links, 2000 files, {links} links (workers for idle cores)", ours, peer, "remark-validate-links")
    report(f"check links, 2000 files, {links} links (jobs = 1)", single, peer, "remark-validate-links")
    assert ours <= GOAL * peer, f"{ours / peer:.4f}x remark-validate-links; the goal is {GOAL}x"


def test_hook_on_one_file(tree: tuple[Path, int, int]) -> None:
    repo, _, _ = tree
    one = sorted((repo / "docs" / "part00").glob("*.md"))[1].relative_to(repo).as_posix()
    cmd = [console_script(), "check", "links", one]
    hook = median_seconds(cmd, cwd=repo, runs=21, warmup=2)
    bare = median_seconds([sys.executable, "-c", "pass"], cwd=repo, runs=21)
    print(f"python start-up alone: median {bare * 1000:.1f} ms")
    report("check links, the hook on one file", hook)
    assert hook < 0.100 * 1.5
