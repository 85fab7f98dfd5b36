"""How long `releasekit check links --external` takes on 1,000 URLs over 20 hosts, against curl.

Each host is a local server on its own loopback address (127.0.0.1 to 127.0.0.20) that
answers after 100 ms. Cold: no result cache; warm: a rerun that the cache answers. The
peer is curl fetching the same 1,000 URLs, as many at once as releasekit asks at most
(`--parallel-max 128`, the default `concurrency`), from a list made beforehand: curl has
neither the pages to read nor anchors to find. All three get the same warm-up and run in
interleaved rounds. The goals: cold at most 5 s, warm at most 0.5 s. Run with
`pytest -m benchmark -s`.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
from pathlib import Path

import pytest

from tests.benchmarks.timing import Case, command, compare, ratio_line
from tests.helpers.cli import console_script
from tests.helpers.gitrepo import git, make_repo
from tests.helpers.httpserver import Running, http_server

pytestmark = pytest.mark.benchmark

HOSTS = 20
URLS = 1000
RUNS = 5
COLD_GOAL = 5.0
WARM_GOAL = 0.5


def _pages(servers: list[Running]) -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {"pyproject.toml": '[project]\nname = "x"\n\n[tool.releasekit.links]\ntimeout = 5.0\n'}
    urls = []
    for page in range(50):
        lines = [f"# Page {page}", ""]
        for k in range(URLS // 50):
            n = page * (URLS // 50) + k
            server = servers[n % HOSTS]
            anchor = "#usage" if n % 10 == 0 else ""
            urls.append(f"{server.url}/page/{n}")
            lines.append(f"Item {n}: [link]({server.url}/page/{n}{anchor})")
        files[f"docs/page{page:02d}.md"] = "\n".join(lines) + "\n"
    return files, urls


def test_external_check_cold_and_warm_against_curl(tmp_path: Path) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed: no peer to time against")
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(http_server(f"127.0.0.{i + 1}", latency=0.1)) for i in range(HOSTS)]
        files, urls = _pages(servers)
        repo = make_repo(tmp_path / "ext", files)
        cache = Path(git(repo, "rev-parse", "--absolute-git-dir")) / "releasekit" / "links-external.json"
        saved = tmp_path / "links-external.json"
        listing = tmp_path / "curl.cfg"
        listing.write_text("".join(f'url = "{url}"\noutput = "/dev/null"\n' for url in urls))
        check = command([console_script(), "check", "links", "--external"], cwd=repo)
        peer = command(
            [curl, "--fail", "--silent", "--parallel", "--parallel-max", "128", "-K", str(listing)], cwd=repo
        )

        def requests() -> int:
            return sum(len(server.hits) for server in servers)

        before: list[int] = []

        def count() -> None:
            before.append(requests())

        def cold() -> None:
            cache.unlink(missing_ok=True)
            count()

        def warm() -> None:
            shutil.copy2(saved, cache)  # the cache of the last cold run
            count()

        def asked_everyone() -> None:
            assert requests() - before[-1] >= URLS
            shutil.copy2(cache, saved)

        def asked_nobody() -> None:
            assert requests() == before[-1]

        def curl_asked_everyone() -> None:
            assert requests() - before[-1] == URLS

        times = compare(
            {
                "cold": Case(check, prepare=cold, check=asked_everyone),
                "warm": Case(check, prepare=warm, check=asked_nobody),
                "curl": Case(peer, prepare=count, check=curl_asked_everyone),
            },
            rounds=RUNS,
            warmup=1,
        )
    print(f"\ncheck links --external, {URLS} URLs over {HOSTS} hosts, 100 ms latency, medians of {RUNS} rounds:")
    ratio_line("  cold (no cache)", times, "cold", "curl")
    ratio_line("  warm (the cache answers)", times, "warm", "curl")
    assert statistics.median(times["cold"]) <= COLD_GOAL
    assert statistics.median(times["warm"]) <= WARM_GOAL
