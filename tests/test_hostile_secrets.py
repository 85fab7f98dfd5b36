"""Credentials in URLs never reach output, errors or the external-link cache.

A canary password is planted in the shapes the old pattern missed (an empty user, an
``@`` inside the password) and looked for everywhere releasekit writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit.errors import redact, strip_credentials
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import make_repo
from tests.helpers.httpserver import Running, http_server

CANARY = "canary-pw-7Qz"


@pytest.fixture
def server() -> Iterator[Running]:
    with http_server() as running:
        yield running


@pytest.mark.parametrize(
    ("text", "masked", "stripped"),
    [
        (f"http://:{CANARY}@host/x", "http://***@host/x", "http://host/x"),
        (f"http://user:pa@{CANARY}@host/", "http://***@host/", "http://host/"),
        (f"http://user:{CANARY}@@host", "http://***@host", "http://host"),
        (f"https://{CANARY}@host", "https://***@host", "https://host"),
        (
            f"see 'https://a:{CANARY}@h1','https://:{CANARY}@h2/p' now",
            "see 'https://***@h1','https://***@h2/p' now",
            "see 'https://h1','https://h2/p' now",
        ),
        (
            "http://host/p?mail=a@b.example#c@d",
            "http://host/p?mail=a@b.example#c@d",
            "http://host/p?mail=a@b.example#c@d",
        ),
        ("git@github.com:owner/repo.git", "git@github.com:owner/repo.git", "git@github.com:owner/repo.git"),
    ],
)
def test_every_shape_of_url_credentials_is_masked(text: str, masked: str, stripped: str) -> None:
    assert redact(text) == masked
    assert strip_credentials(text) == stripped


def test_external_links_with_credentials_leave_no_password_in_output_or_cache(tmp_path: Path, server: Running) -> None:
    host = server.url.removeprefix("http://")
    doc = (
        f"[empty user](http://:{CANARY}@{host}/ok)\n\n"
        f"[at in password](http://user:pa@{CANARY}@{host}/missing)\n\n"
        f"[plain](http://user:{CANARY}@{host}/ok#usage)\n"
    )
    repo = make_repo(tmp_path / "docs", {"pyproject.toml": '[project]\nname = "d"\n', "README.md": doc})
    outputs = []
    for fmt in ("text", "json", "github"):
        result = releasekit("check", "links", "--external", "--format", fmt, cwd=repo)
        assert result.returncode == 1, result.output
        outputs.append(result.output)
    assert "README.md:3:" in outputs[0]
    assert f"'http://***@{host}/missing': HTTP 404" in outputs[0]
    for output in outputs:
        assert CANARY not in output
    cache = repo / ".git" / "releasekit" / "links-external.json"
    text = cache.read_text()
    assert CANARY not in text
    assert "***" not in text  # removed, not masked: entries are keyed by the bare URL
    assert list(json.loads(text)) == [f"http://{host}/ok"]
    state = repo / ".git" / "releasekit"
    assert CANARY not in "".join(p.read_text(errors="replace") for p in state.rglob("*") if p.is_file())


def test_a_cache_written_by_an_older_releasekit_drops_its_credentials(tmp_path: Path, server: Running) -> None:
    host = server.url.removeprefix("http://")
    repo = make_repo(
        tmp_path / "docs", {"pyproject.toml": '[project]\nname = "d"\n', "README.md": f"[a]({server.url}/ok)\n"}
    )
    cache = repo / ".git" / "releasekit" / "links-external.json"
    cache.parent.mkdir(parents=True)
    old = {"time": 9e99, "status": 200, "final": "", "anchors": None, "scripted": False}
    cache.write_text(json.dumps({f"http://user:pa@{CANARY}@{host}/old": old}))
    result = releasekit("check", "links", "--external", cwd=repo)
    assert result.returncode == 0, result.output
    assert CANARY not in cache.read_text()
    assert list(json.loads(cache.read_text())) == [f"http://{host}/ok"]


def test_a_configured_url_with_credentials_is_masked_in_the_error(tmp_path: Path) -> None:
    toml = f'[tool.releasekit.index]\nupload_url = "ftp://:{CANARY}@upload.example/legacy/"\n'
    repo = make_repo(tmp_path / "p", {"pyproject.toml": toml})
    result = releasekit("check", "links", cwd=repo)
    assert result.returncode == 2
    assert result.stderr == (
        "releasekit: error: pyproject.toml: [tool.releasekit.index] upload_url must be an http:// or https:// URL, "
        "not 'ftp://***@upload.example/legacy/'\n"
    )
    assert CANARY not in result.output


# --- GitHub API answers ---------------------------------------------------------------

TOKEN = "ghp_canary_hostile_answers_0001"
RUNS = "GET /repos/owner/project/actions/runs"
ISSUES = "GET /repos/owner/project/issues"
SIGN_IN = b"<html>Sign in to GitHub</html>"


@pytest.mark.parametrize(
    ("issues", "raw", "said"),
    [
        (None, SIGN_IN, "GET /repos/owner/project/issues answered something that is not JSON"),
        (None, b"\xff\xfe not utf-8", "GET /repos/owner/project/issues answered something that is not JSON"),
        (
            None,
            b"[" * 100_000 + b"]" * 100_000,
            "GET /repos/owner/project/issues answered JSON nested deeper than 64 levels",
        ),
        (None, b"[" * 65 + b"]" * 65, "GET /repos/owner/project/issues answered JSON nested deeper than 64 levels"),
        (None, b"[" + b"9" * 5000 + b"]", "GET /repos/owner/project/issues answered an integer of more than 64 digits"),
        (None, b'{"message": "ok"}', "GET /repos/owner/project/issues answered dict where an array was expected"),
        (
            [{"title": "no number", "labels": ["critical"]}],
            None,
            "GET /repos/owner/project/issues answered an array whose entry 1 is not an object with int field 'number'",
        ),
        (
            [{"number": "3", "title": "a string", "labels": ["critical"]}],
            None,
            "GET /repos/owner/project/issues answered an array whose entry 1 is not an object with int field 'number'",
        ),
    ],
)
def test_a_github_answer_that_is_not_githubs_is_one_line_naming_the_endpoint(
    tmp_path: Path, issues: list[dict[str, object]] | None, raw: bytes | None, said: str
) -> None:
    from tests.helpers.github_api import fake_github
    from tests.helpers.releaseproj import make_project

    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
    nowhere = "http://127.0.0.1:9/"
    with fake_github(TOKEN) as (api_url, github):
        github.issues = issues or []
        github.raw_next = raw
        env = {
            "GITHUB_TOKEN": TOKEN,
            "RELEASEKIT_GITHUB_API_URL": api_url,
            **{f"RELEASEKIT_{kind}_URL": nowhere for kind in ("UPLOAD", "SIMPLE", "TEST_UPLOAD", "TEST_SIMPLE")},
        }
        # Preflight asks GitHub; the package check and the tests start beside it and are stopped when it fails.
        # One answer goes through that whole dry run; the others skip those two phases, whose work
        # (a build, an editable install) is thrown away: the GitHub check is the same either way.
        skip = [] if raw == SIGN_IN else ["--skip", "package,tests"]
        result = releasekit("release", "--dry-run", *skip, cwd=project.root, env=env)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr == f"releasekit: error: GitHub API at {api_url}: {said}\n"
    assert TOKEN not in result.output


def test_workflow_runs_without_their_list_are_one_line(tmp_path: Path) -> None:
    from releasekit.errors import ReleasekitError
    from releasekit.github import GitHub
    from tests.helpers.github_api import fake_github

    with fake_github(TOKEN) as (api_url, github):
        api = GitHub(api_url, "owner/project", TOKEN)
        github.raw_next = b'{"total_count": 1}'
        with pytest.raises(ReleasekitError) as info:
            api.runs_for("abc123")
        assert (
            str(info.value) == f"GitHub API at {api_url}: {RUNS} answered an object without list field 'workflow_runs'"
        )
        github.raw_next = b'{"workflow_runs": [7]}'
        with pytest.raises(ReleasekitError) as info:
            api.runs_for("abc123")
        assert str(info.value) == (f"GitHub API at {api_url}: {RUNS} answered an array whose entry 1 is not an object")
        github.raw_next = b'{"html_url": "x"}'
        with pytest.raises(
            ReleasekitError,
            match=r"GET /repos/owner/project/releases/tags/v1\.0\.0 answered an object without int field 'id'",
        ):
            api.release_for_tag("v1.0.0")
        github.raw_next = b"[1, 2]"
        with pytest.raises(
            ReleasekitError, match="security-advisories answered an array whose entry 1 is not an object"
        ):
            api.advisory_for("demo", "1.0.1")


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "GH_TOKEN"])
def test_a_token_with_a_line_break_is_refused_without_showing_it(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    from releasekit.errors import ReleasekitError
    from releasekit.github import token_from_env

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.setenv(name, f"{TOKEN}\r\nX-Evil: 1")
    with pytest.raises(ReleasekitError) as info:
        token_from_env()
    assert str(info.value) == f"environment variable {name} does not hold a token (blanks or control characters)"
