"""Servers that never end: a deadline per request, and pages read only as far as the anchors need.

The servers are real (tests/helpers/httpserver.py on 127.0.0.1): one drips a byte a second,
one makes a 1 GiB page as it is read and counts what it sent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit.checks.links.external import check_urls
from releasekit.checks.links.fetch import PAGE_LIMIT
from releasekit.checks.links.settings import LinkSettings
from tests.helpers.cli import command, releasekit
from tests.helpers.gitrepo import make_repo
from tests.helpers.httpserver import Running, http_server

MiB = 1 << 20


@pytest.fixture
def server() -> Iterator[Running]:
    with http_server() as running:
        yield running


def _settings(root: Path, **changes: float) -> LinkSettings:
    return LinkSettings(root=root, external=True, cache_ttl=0, retry_backoff=0.05, **changes)  # type: ignore[arg-type]


def test_a_dripping_server_meets_the_deadline(tmp_path: Path, server: Running) -> None:
    urls = [f"{server.url}/drip#x", f"{server.url}/drip-headers"]
    started = time.monotonic()
    verdicts = check_urls(urls, _settings(tmp_path, deadline=2.0, timeout=10.0))
    elapsed = time.monotonic() - started
    assert verdicts == {url: ("error", "no complete answer within 2 s") for url in urls}
    assert 1.9 < elapsed < 6, elapsed  # the two in parallel, once each: past the deadline is not retried
    assert sorted((hit.method, hit.path) for hit in server.hits) == [("GET", "/drip"), ("HEAD", "/drip-headers")]


def test_the_deadline_comes_from_the_configuration(tmp_path: Path, server: Running) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.releasekit.links]\ndeadline = 1.5\n',
            "README.md": f"# x\n\nSee [the page]({server.url}/drip#part).\n",
        },
    )
    started = time.monotonic()
    result = releasekit("check", "links", "--external", cwd=repo, timeout=60)
    assert time.monotonic() - started < 10
    assert result.returncode == 1, result.output
    assert result.stdout.splitlines()[0] == (
        f"README.md:3:5: '{server.url}/drip#part': no complete answer within 1.5 s"
    )
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.releasekit.links]\ndeadline = 0\n')
    bad = releasekit("check", "links", "--external", cwd=repo, timeout=60)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == (
        "releasekit: error: pyproject.toml: [tool.releasekit.links] deadline must be a number above 0 "
        "and at most 3600, not 0\n"
    )


def test_a_huge_page_is_read_only_until_the_anchor(tmp_path: Path, server: Running) -> None:
    assert check_urls([f"{server.url}/huge#early"], _settings(tmp_path)) == {}
    # The anchor is in the first 100 KiB; what else left the server (a few MiB) sat in socket
    # buffers. Reading on to the 16 MiB limit would have taken more than that from it.
    assert server.server.sent["/huge"] < PAGE_LIMIT, server.server.sent


def _run_measured(args: list[str], cwd: Path, timeout: float) -> tuple[int, str, int]:
    """Run ``releasekit args``: its exit code, its stdout, and its peak resident memory in bytes."""
    out = cwd / "stdout.txt"
    with out.open("wb") as stdout:
        proc = subprocess.Popen(command(*args), cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL)
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    assert proc.returncode >= 0, f"killed after {timeout} s: it hung"
    return proc.returncode, out.read_text(), usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB and wait4 as on Linux")
def test_a_huge_page_without_the_anchor_stops_at_the_limit(tmp_path: Path, server: Running) -> None:
    url = f"{server.url}/huge#nowhere"
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": '[project]\nname = "x"\n', "README.md": f"[p]({url})\n"})

    code, stdout, peak = _run_measured(["check", "links", "--external"], repo, timeout=120)

    assert code == 0, stdout  # a warning: the page was not read whole
    assert stdout.splitlines()[0] == (
        f"README.md:1:1: warning: '{url}': no anchor #nowhere in the first 16 MiB of the page (the rest is not read)"
    )
    sent = server.server.sent["/huge"]
    assert PAGE_LIMIT <= sent < PAGE_LIMIT + 16 * MiB, sent  # of 1 GiB; the rest was never made
    assert peak < 400 * MiB, f"peak RSS {peak / MiB:.0f} MiB"


def test_a_redirect_with_a_huge_body_is_followed_without_reading_it(tmp_path: Path, server: Running) -> None:
    assert check_urls([f"{server.url}/redirect-huge#usage"], _settings(tmp_path)) == {}
    assert server.server.sent["/redirect-huge"] < PAGE_LIMIT, server.server.sent  # 64 KiB, and socket buffers
    assert [hit.path for hit in server.hits] == ["/redirect-huge", "/ok"]
