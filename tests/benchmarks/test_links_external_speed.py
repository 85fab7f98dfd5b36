"""How long `releasekit check links --external` takes on 1,000 URLs over 20 hosts.

Each host is a local server on its own loopback address (127.0.0.1 to 127.0.0.20) that
answers after 100 ms. Cold: no result cache; warm: a rerun that the cache answers. Run
with `pytest -m benchmark -s`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.benchmarks.timing import median_seconds, report
from tests.helpers.cli import console_script
from tests.helpers.gitrepo import git, make_repo
from tests.helpers.httpserver import http_server

pytestmark = pytest.mark.benchmark

HOSTS = 20
URLS = 1000


def test_external_check_cold_and_warm(tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(http_server(f"127.0.0.{i + 1}", latency=0.1)) for i in range(HOSTS)]
        files: dict[str, str] = {"pyproject.toml": '[project]\nname = "x"\n\n[tool.releasekit.links]\ntimeout = 5.0\n'}
        for page in range(50):
            lines = [f"# Page {page}", ""]
            for k in range(URLS // 50):
                n = page * (URLS // 50) + k
                server = servers[n % HOSTS]
                anchor = "#usage" if n % 10 == 0 else ""
                lines.append(f"Item {n}: [link]({server.url}/page/{n}{anchor})")
            files[f"docs/page{page:02d}.md"] = "\n".join(lines) + "\n"
        repo = make_repo(tmp_path / "ext", files)
        cache = Path(git(repo, "rev-parse", "--absolute-git-dir")) / "releasekit" / "links-external.json"
        cmd = [console_script(), "check", "links", "--external"]

        cold_runs = []
        for _ in range(3):
            cache.unlink(missing_ok=True)
            cold_runs.append(median_seconds(cmd, cwd=repo, runs=1, warmup=0, expect=0))
        cold = sorted(cold_runs)[1]
        assert cache.is_file()
        requests = sum(len(server.hits) for server in servers)
        assert requests >= 3 * URLS
        warm = median_seconds(cmd, cwd=repo, runs=7, warmup=1, expect=0)
        assert sum(len(server.hits) for server in servers) == requests  # the warm runs asked nobody
    report(f"check links --external, {URLS} URLs over {HOSTS} hosts, 100 ms latency, cold", cold)
    report(f"check links --external, {URLS} URLs over {HOSTS} hosts, warm cache", warm)
    assert cold <= 5.0 * 1.5
    assert warm <= 0.5 * 1.5
