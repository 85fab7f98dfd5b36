"""How long `releasekit check links` takes on a generated documentation tree, against remark.

2,000 Markdown pages with 20,000 links (relative paths, anchors in the same and other
pages, some broken). The peer is `remark --use remark-validate-links`, installed with npm
into a temp dir by this benchmark, timed on the same tree in the same run. Run with
`pytest -m benchmark -s`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.timing import median_seconds, report
from tests.helpers.cli import console_script
from tests.helpers.gitrepo import commit_all, git, make_repo
from tests.helpers.linktree import generate_tree

pytestmark = pytest.mark.benchmark


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
    generated = generate_tree(repo)
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

    ours = median_seconds(ours_cmd, cwd=repo, runs=9, warmup=1, expect=1)  # jobs by idle cores
    pyproject = repo / "pyproject.toml"
    original = pyproject.read_text()
    timed = {}
    try:
        for jobs in (1, 2):
            pyproject.write_text(original + f"\n[tool.releasekit.links]\njobs = {jobs}\n")
            timed[jobs] = median_seconds(ours_cmd, cwd=repo, runs=5, warmup=0, expect=1)
    finally:
        pyproject.write_text(original)
    peer = median_seconds(peer_cmd, cwd=repo, runs=3, warmup=0, expect=1)
    print(f"load average before the peer ran: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    report(f"check links, 2000 files, {links} links (default: workers for idle cores)", ours, peer, "remark")
    report(f"check links, 2000 files, {links} links (jobs = 1)", timed[1], peer, "remark-validate-links")
    report(f"check links, 2000 files, {links} links (jobs = 2)", timed[2], peer, "remark-validate-links")
    assert ours <= 0.03 * peer * 1.5  # the goal is 0.03x; a margin so that noise cannot fail the run


def test_hook_on_one_file(tree: tuple[Path, int, int]) -> None:
    repo, _, _ = tree
    one = sorted((repo / "docs" / "part00").glob("*.md"))[1].relative_to(repo).as_posix()
    cmd = [console_script(), "check", "links", one]
    hook = median_seconds(cmd, cwd=repo, runs=21, warmup=2)
    bare = median_seconds([sys.executable, "-c", "pass"], cwd=repo, runs=21)
    print(f"python start-up alone: median {bare * 1000:.1f} ms")
    report("check links, the hook on one file", hook)
    assert hook < 0.100 * 1.5
