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
    with pytest.raises(StepFailed, match="unreachable"):
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
