"""GitHub releases through the REST API, against the local stand-in server."""

from __future__ import annotations

import pytest

from releasekit.errors import ReleasekitError, StepFailed
from releasekit.github import GitHub, repository_from_remote, token_from_env
from tests.helpers.github_api import fake_github
from tests.helpers.pypi import free_port

TOKEN = "ghp_canary_token_0123456789"


def test_create_release_then_reuse_it() -> None:
    with fake_github(TOKEN) as (url, state):
        api = GitHub(url, "owner/project", TOKEN)
        first = api.create_release("v1.2.0", "v1.2.0", "## What's New\n\n- things\n")
        assert first.created
        assert state.releases["v1.2.0"]["body"] == "## What's New\n\n- things\n"
        assert state.requests[-1][2]["Authorization"] == f"Bearer {TOKEN}"
        again = api.create_release("v1.2.0", "v1.2.0", "ignored")
        assert not again.created
        assert again.id == first.id
        assert len(state.releases) == 1


def test_bad_token_is_a_clear_failure_without_the_token() -> None:
    with fake_github(TOKEN) as (url, _state):
        api = GitHub(url, "owner/project", "wrong-token-value")
        with pytest.raises(StepFailed) as info:
            api.create_release("v1.0.0", "v1.0.0", "notes")
    assert "GitHub answered 401 looking up the release of v1.0.0: Bad credentials" in str(info.value)
    assert "check the token" in str(info.value)
    assert "wrong-token-value" not in str(info.value)


def test_server_error_and_unreachable_api() -> None:
    with fake_github(TOKEN) as (url, state):
        state.fail_next = 502
        with pytest.raises(StepFailed, match="GitHub answered 502"):
            GitHub(url, "owner/project", TOKEN).create_release("v1.0.0", "v1.0.0", "n")
    with pytest.raises(StepFailed, match="cannot connect"):
        GitHub(f"http://user:{TOKEN}@127.0.0.1:{free_port()}", "owner/project", TOKEN).release_for_tag("v1")


def test_repository_names() -> None:
    assert repository_from_remote("https://github.com/pypa/build.git") == "pypa/build"
    assert repository_from_remote("git@github.com:nox-dev/nox.git") == "nox-dev/nox"
    assert repository_from_remote("https://github.com/a/b/") == "a/b"
    assert repository_from_remote("/tmp/origin.git") is None
    assert repository_from_remote(None) is None
    with pytest.raises(ReleasekitError, match="is not OWNER/REPO"):
        GitHub("http://x", "not a repo", TOKEN)


def test_token_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    assert token_from_env() is None
    monkeypatch.setenv("GH_TOKEN", "b")
    assert token_from_env() == "b"
    monkeypatch.setenv("GITHUB_TOKEN", "a")
    assert token_from_env() == "a"


def test_critical_items_and_ci_of_a_commit() -> None:
    from releasekit.github import ci_problems, critical_items

    def problems_before_release(api: GitHub, sha: str, labels: tuple[str, ...]) -> list[str]:
        return critical_items(api, labels) + ci_problems(api, sha)  # what preflight asks GitHub, in its order

    with fake_github(TOKEN) as (url, state):
        state.issues = [
            {"number": 7, "title": "Data loss on save", "labels": ["critical"]},
            {"number": 9, "title": "Fix the crash", "labels": ["critical", "bug"], "pull_request": {}},
            {"number": 11, "title": "Typo", "labels": ["docs"]},
        ]
        state.runs["abc123"] = [
            {"name": "tests", "status": "completed", "conclusion": "success"},
            {"name": "lint", "status": "completed", "conclusion": "failure"},
            {"name": "docs", "status": "in_progress", "conclusion": None},
        ]
        api = GitHub(url, "owner/project", TOKEN)
        assert problems_before_release(api, "abc123", ("critical",)) == [
            "open critical issue #7: Data loss on save",
            "open critical pull request #9: Fix the crash",
            "workflow 'lint' on abc123 ended in failure",
            "workflow 'docs' on abc123 is still in_progress; wait for it",
        ]
        assert problems_before_release(api, "no-runs", ("blocker",)) == []


def test_release_announced_in_a_discussion() -> None:
    with fake_github(TOKEN) as (url, state):
        GitHub(url, "owner/project", TOKEN).create_release("v2.0.0", "v2.0.0", "n", discussion_category="Announcements")
        assert state.releases["v2.0.0"]["discussion_category_name"] == "Announcements"


def test_client_needs_a_token_and_a_github_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    from releasekit.github import client

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    assert client("http://x", None, "https://github.com/o/r.git") is None
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("RELEASEKIT_GITHUB_API_URL", "http://x")  # the environment names the API host
    assert client("http://x", None, "/tmp/origin.git") is None
    api = client("http://x", None, "git@github.com:o/r.git")
    assert api is not None and api.repository == "o/r"
    assert client("http://x", "a/b", None).repository == "a/b"  # type: ignore[union-attr]
