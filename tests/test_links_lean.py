"""The `check-links` hook's start-up: it imports what it uses for the files it is given, no more."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import imported_by_releasekit
from tests.helpers.gitrepo import git, make_repo

# Only --external needs these (httpx, asyncio, the fetcher, the JSON cache), a large tree the
# process pool, a failing GitHub check the HTTP client: none belongs in a hook on a few pages.
NEVER = (
    "httpx",
    "asyncio",
    "json",
    "multiprocessing",
    "urllib.request",
    "releasekit.checks.links.external",
    "releasekit.checks.links.fetch",
)


@pytest.mark.parametrize(
    ("link", "also_never"),
    [
        ("[guide](docs/guide.md#guide)", ("releasekit.git", "releasekit.github", "releasekit.process", "subprocess")),
        # Its own repository's URL: git reads the origin remote, releasekit.github parses it.
        ("[guide](https://github.com/owner/repo/blob/main/docs/guide.md#guide)", ()),
    ],
    ids=["relative", "own-github-url"],
)
def test_the_hook_on_one_page_imports_nothing_it_does_not_use(
    tmp_path: Path, link: str, also_never: tuple[str, ...]
) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": f"# Demo\n\n{link}\n", "docs/guide.md": "# Guide\n"})
    git(repo, "remote", "add", "origin", "git@github.com:Owner/Repo.git")
    result, modules = imported_by_releasekit("check", "links", "README.md", cwd=repo)
    assert (result.returncode, result.stdout) == (0, "links: 1 link in 1 file: 0 broken\n"), result.output
    assert modules.isdisjoint(NEVER + also_never), sorted(modules.intersection(NEVER + also_never))
