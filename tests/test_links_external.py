"""External links against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit.checks.links.external import check_urls
from releasekit.checks.links.settings import LinkSettings
from tests.helpers.cli import command
from tests.helpers.gitrepo import make_repo
from tests.helpers.httpserver import Running, http_server
from tests.helpers.links import places, run_links


@pytest.fixture
def server() -> Iterator[Running]:
    with http_server() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> LinkSettings:
    return LinkSettings(root=tmp_path, external=True, cache_dir=tmp_path / "cache", timeout=2.0, retry_backoff=0.05)


def test_statuses_anchors_and_fallbacks(server: Running, settings: LinkSettings) -> None:
    base = server.url
    urls = [
        f"{base}/ok",
        f"{base}/ok#usage",
        f"{base}/ok#old",
        f"{base}/ok#top",
        f"{base}/ok#nope",
        f"{base}/missing",
        f"{base}/moved",
        f"{base}/head-refused",
        f"{base}/flaky",
        f"{base}/js#settings",
        f"{base}/gh#install",
        f"{base}/gh#Install",
    ]
    verdicts = check_urls(urls, settings)
    assert verdicts == {
        f"{base}/ok#nope": ("error", "no anchor #nope in the page"),
        f"{base}/missing": ("error", "HTTP 404"),
        f"{base}/js#settings": ("warning", "no anchor #settings in the page (it may be built by JavaScript)"),
        f"{base}/gh#Install": ("error", "no anchor #Install in the page"),  # only github.com folds case
    }
    methods = [(hit.method, hit.path) for hit in server.hits]
    assert methods.count(("GET", "/ok")) == 1  # one GET for all the fragments of a page
    assert methods.count(("HEAD", "/ok")) == 1  # the redirect's target, followed
    assert ("HEAD", "/head-refused") in methods
    assert ("GET", "/head-refused") in methods
    assert sum(path == "/flaky" for _, path in methods) == 2  # a 500 is retried
    assert sum(path == "/missing" for _, path in methods) == 2  # HEAD 404, then GET 404: not retried


def test_429_honours_retry_after(server: Running, settings: LinkSettings) -> None:
    verdicts = check_urls([f"{server.url}/limited"], dataclasses.replace(settings, retry_backoff=0.01))
    assert verdicts == {}
    first, second = (hit.when for hit in server.hits if hit.path == "/limited")
    assert second - first >= 0.95  # Retry-After: 1, not the 0.01 s backoff


def test_retries_give_up_and_failures_are_not_cached(server: Running, settings: LinkSettings) -> None:
    url = f"{server.url}/always-limited"
    assert check_urls([url], settings) == {url: ("error", "HTTP 429")}
    assert sum(hit.path == "/always-limited" for hit in server.hits) == 4  # 1 + 3 retries
    assert check_urls([url], settings) == {url: ("error", "HTTP 429")}
    assert sum(hit.path == "/always-limited" for hit in server.hits) == 8


def test_timeouts(server: Running, settings: LinkSettings) -> None:
    url = f"{server.url}/slow"
    started = time.monotonic()
    verdicts = check_urls([url], dataclasses.replace(settings, timeout=0.2, retry_backoff=0.01))
    assert verdicts == {url: ("error", "timed out after 0.2 s")}
    assert sum(hit.path == "/slow" for hit in server.hits) == 4
    assert time.monotonic() - started < 3


def test_cache_serves_passing_results_until_the_ttl(server: Running, settings: LinkSettings, tmp_path: Path) -> None:
    urls = [f"{server.url}/ok#usage", f"{server.url}/page/1", f"{server.url}/missing"]
    assert set(check_urls(urls, settings)) == {f"{server.url}/missing"}
    first = len(server.hits)
    assert set(check_urls(urls, settings)) == {f"{server.url}/missing"}
    assert [hit.path for hit in server.hits[first:]] == ["/missing", "/missing"]  # only the failure again
    # an anchor missing from a cached page is still found
    assert set(check_urls([f"{server.url}/ok#gone"], settings)) == {f"{server.url}/ok#gone"}
    cache_file = tmp_path / "cache" / "links-external.json"
    entries = json.loads(cache_file.read_text())
    assert set(entries) == {f"{server.url}/ok", f"{server.url}/page/1"}
    for entry in entries.values():
        entry["time"] -= 2 * settings.cache_ttl
    cache_file.write_text(json.dumps(entries))
    before = len(server.hits)
    check_urls([f"{server.url}/page/1"], settings)
    assert len(server.hits) == before + 1  # expired: asked again


def test_redirects_reported_and_accepted_statuses(server: Running, settings: LinkSettings) -> None:
    tuned = dataclasses.replace(settings, report_redirects=True, accept_status=(404,))
    verdicts = check_urls([f"{server.url}/moved", f"{server.url}/missing"], tuned)
    assert verdicts == {f"{server.url}/moved": ("warning", f"redirects to {server.url}/ok")}


def test_private_addresses_can_be_refused(server: Running, settings: LinkSettings) -> None:
    url = f"{server.url}/ok"
    verdicts = check_urls([url], dataclasses.replace(settings, private_addresses=False))
    assert verdicts == {url: ("error", "refused: 127.0.0.1 is a private or link-local address")}
    assert server.hits == []


def test_per_host_concurrency(settings: LinkSettings) -> None:
    with http_server(latency=0.2) as slow:
        started = time.monotonic()
        check_urls([f"{slow.url}/page/{i}" for i in range(6)], dataclasses.replace(settings, per_host=2))
        assert time.monotonic() - started >= 0.55  # 6 requests, 2 at a time, 0.2 s each


def test_command_with_external(tmp_path: Path, server: Running, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url
    host = base.removeprefix("http://")
    page = (
        f"# Links\n\n[ok]({base}/ok#usage) and [gone]({base}/missing) é <{base}/moved>\n"
        f"Bare {base}/page/1 and http://user:s3cret@{host}/missing here.\n"
        f"`{base}/missing#in-code`\n\n```\n{base}/missing#fenced\n```\n"
    )
    repo = make_repo(tmp_path / "ext", {"README.md": page})
    code, findings = run_links(repo, capsys)
    assert (code, findings) == (0, [])
    assert server.hits == []  # no network without --external

    code, findings = run_links(repo, capsys, "--external")
    assert code == 1
    lines = page.splitlines()
    gone = (3, lines[2].index("[gone]") + 1)
    secret = (4, lines[3].index("http://user") + 1)
    assert places(findings) == {("README.md", *gone), ("README.md", *secret)}
    assert all("s3cret" not in message for *_, message in findings)
    assert any(hit.auth and hit.auth.startswith("Basic ") for hit in server.hits)


def test_progress_bar_on_a_tty(tmp_path: Path, server: Running) -> None:
    import os
    import pty
    import subprocess

    repo = make_repo(tmp_path / "tty", {"README.md": f"[a]({server.url}/ok) [b]({server.url}/page/2)\n"})
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            command("check", "links", "--external"),
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            check=False,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0
    assert b"external links [" in shown
    assert b"] 2/2" in shown
    assert "external links [" not in proc.stdout


def test_a_busy_host_does_not_hold_back_the_others(settings: LinkSettings) -> None:
    with http_server(latency=0.3) as slow, http_server("127.0.0.2") as fast:
        tuned = dataclasses.replace(settings, concurrency=3, per_host=1)
        started = time.monotonic()
        check_urls([*(f"{slow.url}/page/{i}" for i in range(5)), f"{fast.url}/ok"], tuned)
        (hit,) = fast.hits
        assert hit.when - started < 0.25  # not queued behind the slow host's requests
