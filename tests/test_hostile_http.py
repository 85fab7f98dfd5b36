"""The one HTTP client against servers that misbehave for real (tests/helpers/hostile_http.py).

Credentials never follow a redirect to another port or host, the GitHub token goes only to
an API the environment names, a hostile index cannot make releasekit read local files, a
trickling or oversized answer is cut off, and malformed JSON is one line, never a traceback.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from releasekit import httpclient, indexes
from releasekit.ci import trusted
from releasekit.config import Index
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.github import GitHub
from tests.helpers.cli import releasekit
from tests.helpers.hostile_http import Huge, Json, Raw, Redirect, Trickle, Unsized, hostile
from tests.helpers.oidc import jwt
from tests.helpers.releaseproj import make_project

CANARY = "ghp_canaryCANARYcanary0123456789abcdef"
REPO = "/repos/owner/project"


def _localhost(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


# --- class 1: credentials across redirects ----------------------------------------------------


@pytest.mark.parametrize("other", [str, _localhost], ids=["another-port", "localhost"])
def test_the_github_token_does_not_follow_a_redirect_to_another_host(other: object) -> None:
    with hostile() as elsewhere, hostile() as api:
        assert callable(other)
        elsewhere.routes[f"{REPO}/issues"] = Json(200, [{"number": 1, "title": "t"}])
        api.routes[f"{REPO}/issues"] = Redirect(other(elsewhere.url) + f"{REPO}/issues?")
        items = GitHub(api.url, "owner/project", CANARY).open_items(("critical",))
    assert [item.number for item in items] == [1]  # the redirect was followed ...
    assert [hit.auth for hit in api.hits] == [f"Bearer {CANARY}"]
    assert [hit.auth for hit in elsewhere.hits] == [None]  # ... without the token


def test_a_post_with_a_body_is_not_redirected_to_another_host() -> None:
    with hostile() as elsewhere, hostile() as api:
        api.routes[f"{REPO}/releases/tags/v1"] = Json(404, {"message": "Not Found"})
        api.routes[f"{REPO}/releases"] = Redirect(elsewhere.url + "/steal", 307)
        with pytest.raises(StepFailed) as info:
            GitHub(api.url, "owner/project", CANARY).create_release("v1", "v1", "notes")
    assert "refused a redirect of a POST with a body to another host" in str(info.value)
    assert elsewhere.hits == []


def test_basic_credentials_of_an_index_stay_with_the_index(tmp_path: Path) -> None:
    with hostile() as elsewhere, hostile() as index:
        page = b'<a href="/files/demo-1.0.tar.gz#sha256=aa">demo-1.0.tar.gz</a>'
        elsewhere.routes["/simple/demo/"] = Raw(200, page)
        index.routes["/simple/demo/"] = Redirect(_localhost(elsewhere.url) + "/simple/demo/")
        simple = index.url.replace("http://", f"http://user:{CANARY}@") + "/simple/"
        served = indexes.served_files(Index("Corp", simple, simple), "demo")
    assert list(served) == ["demo-1.0.tar.gz"]
    assert index.hits[0].auth is not None and index.hits[0].auth.startswith("Basic ")
    assert [hit.auth for hit in elsewhere.hits] == [None]
    assert all(CANARY not in f.url for f in served.values())


def _mint_refused(monkeypatch: pytest.MonkeyPatch, runner: str, exchange: str) -> pytest.ExceptionInfo[StepFailed]:
    """Mint a token at ``exchange`` as a GitHub Actions job whose runner is ``runner``; the refusal."""
    env = {trusted.REQUEST_URL: runner + "/token", trusted.REQUEST_TOKEN: CANARY}
    for key, value in {**env, "GITHUB_ACTIONS": "true"}.items():  # the `id` package reads the environment
        monkeypatch.setenv(key, value)
    with pytest.raises(StepFailed) as info:
        trusted.mint_token(Index("Corp", exchange + "/legacy/", exchange + "/simple/"), env)
    return info


def test_the_oidc_request_token_stays_with_its_host(monkeypatch: pytest.MonkeyPatch) -> None:
    with hostile() as elsewhere, hostile() as runner, hostile() as exchange:
        exchange.routes["/_/oidc/audience"] = Json(200, {"audience": "corp"})
        runner.routes["/token"] = Redirect(_localhost(elsewhere.url) + "/token?")
        job = jwt({"aud": "corp", "sub": "repo:owner/project:ref:refs/tags/v1.0.0"})
        elsewhere.routes["/token"] = Json(200, {"value": job})
        exchange.routes["/_/oidc/mint-token"] = Redirect(elsewhere.url + "/mint", 308)
        info = _mint_refused(monkeypatch, runner.url, exchange.url)
    assert "refused a redirect of a POST with a body to another host" in str(info.value)
    assert [hit.auth for hit in runner.hits] == [f"bearer {CANARY}"]
    assert [hit.auth for hit in elsewhere.hits] == [None]  # the token request, without the token
    assert all(job.encode() not in hit.body for hit in elsewhere.hits)  # the mint never left its host


def test_a_configured_api_url_gets_no_token_unless_the_environment_names_it(tmp_path: Path) -> None:
    with hostile() as api:
        api.routes[f"{REPO}/issues"] = Json(200, [])
        extra = f'\n[tool.releasekit.github]\nrepository = "owner/project"\napi_url = "{api.url}"\n'
        project = make_project(tmp_path, extra_pyproject=extra)
        env = {"GITHUB_TOKEN": CANARY, "RELEASEKIT_GITHUB_API_URL": None, "GITHUB_API_URL": None}
        result = releasekit("status", cwd=project.root, env=env)
        assert result.returncode == 0, result.output
        assert api.hits == []
        assert result.stdout.splitlines()[-1] == (
            f"github: owner/project: not sending the GitHub token to {api.url} ([tool.releasekit.github] api_url): "
            "it goes only to api.github.com or to the API that RELEASEKIT_GITHUB_API_URL names; "
            "set RELEASEKIT_GITHUB_API_URL to that URL to use it"
        )
        named = releasekit("status", cwd=project.root, env={**env, "RELEASEKIT_GITHUB_API_URL": api.url})
        assert named.returncode == 0, named.output
        assert {hit.auth for hit in api.hits} == {f"Bearer {CANARY}"}
    assert CANARY not in result.output + named.output


def test_github_pagination_is_followed_on_the_api_host_only() -> None:
    with hostile() as elsewhere, hostile() as api:
        api.routes[f"{REPO}/issues"] = Json(
            200, [{"number": n, "title": "t"} for n in range(100)], {"Link": f'<{api.url}/page2>; rel="next"'}
        )
        api.routes["/page2"] = Json(200, [{"number": 100, "title": "t"}], {"Link": f'<{api.url}/>; rel="last"'})
        items = GitHub(api.url, "owner/project", CANARY).open_items(("critical",))
        assert len(items) == 101
        api.routes["/page2"] = Json(200, [], {"Link": f'<{elsewhere.url}/page3>; rel="next"'})
        with pytest.raises(ReleasekitError, match="answered a next page on another host"):
            GitHub(api.url, "owner/project", CANARY).open_items(("critical",))
        api.routes["/page2"] = Json(200, [], {"Link": f'<{api.url}/page2>; rel="next"'})  # for ever
        with pytest.raises(ReleasekitError, match="answered more than 20 pages"):
            GitHub(api.url, "owner/project", CANARY).open_items(("critical",))
        run = {"name": "CI", "status": "completed", "conclusion": "success"}
        more = {"Link": f'<{api.url}/r2>; rel="next"'}
        api.routes[f"{REPO}/actions/runs"] = Json(200, {"workflow_runs": [run]}, more)
        api.routes["/r2"] = Json(200, {"workflow_runs": [{**run, "conclusion": "failure"}]})
        assert [r.conclusion for r in GitHub(api.url, "owner/project", CANARY).runs_for("a" * 40)] == [
            "success",
            "failure",
        ]
    assert elsewhere.hits == []


# --- class 3: a hostile index reads no local file ---------------------------------------------


@pytest.mark.parametrize("href", ["file://{secret}", "file:///dev/zero", "ftp://127.0.0.1/x", "data:,abc"])
def test_an_index_cannot_make_releasekit_read_a_local_file(tmp_path: Path, href: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(CANARY)
    href = href.format(secret=secret)
    with hostile() as index:
        index.routes["/simple/demo/"] = Raw(200, f'<a href="{href}">demo-1.0.tar.gz</a>'.encode())
        simple = index.url + "/simple/"
        start = time.monotonic()
        with pytest.raises(StepFailed) as info:
            indexes.verify(Index("Corp", simple, simple), "demo", {"demo-1.0.tar.gz": "0" * 64}, wait=0)
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert "only http and https URLs are fetched" in message and "\n" not in message
    assert indexes.sha256_file(secret)[:12] not in message


def test_a_redirect_to_a_file_url_is_refused() -> None:
    with hostile() as index:
        index.routes["/simple/demo/"] = Redirect("file:///etc/passwd")
        simple = index.url + "/simple/"
        with pytest.raises(StepFailed, match="refused 'file:///etc/passwd': only http and https URLs are fetched"):
            indexes.served_files(Index("Corp", simple, simple), "demo")


def test_the_guard_is_asked_at_every_hop() -> None:
    """The link checker's private-address guard: a hop to a refused host is never sent."""
    import httpx

    with hostile() as inner, hostile() as outer:
        outer.routes["/start"] = Redirect(inner.url + "/ok")
        refused_port = int(inner.url.rsplit(":", 1)[1])

        async def guard(host: str, port: int) -> str | None:
            return f"refused: {host} is a private or link-local address" if port == refused_port else None

        async def fetch() -> int:
            async with (
                httpx.AsyncClient() as client,
                httpclient.hops(lambda host: client, "GET", outer.url + "/start", guard=guard) as answer,
            ):
                return answer.status_code

        with pytest.raises(httpclient.Refused, match="private or link-local"):
            asyncio.run(fetch())
    assert [hit.path for hit in outer.hits] == ["/start"] and inner.hits == []


# --- class 6: a deadline and a size cap for every answer ----------------------------------------


def test_a_trickling_index_is_cut_off_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASEKIT_HTTP_DEADLINE", "2")
    with hostile() as index:
        index.routes["/simple/demo/"] = Trickle(0.5)  # every read is quick; the whole never ends
        simple = index.url + "/simple/"
        start = time.monotonic()
        with pytest.raises(StepFailed, match=r"^Corp: cannot read .*: no complete answer within 2 s$"):
            indexes.served_files(Index("Corp", simple, simple), "demo")
    assert time.monotonic() - start < 6


def test_a_trickling_github_is_cut_off_at_the_deadline() -> None:
    with hostile() as api:
        api.routes[f"{REPO}/issues"] = Trickle(0.5)
        start = time.monotonic()
        github = GitHub(api.url, "owner/project", CANARY, timeout=2.0)
        with pytest.raises(StepFailed, match="no complete answer within 2 s"):
            github.open_items(("critical",))
    assert time.monotonic() - start < 6


def test_a_huge_content_length_is_refused_before_reading() -> None:
    with hostile() as index:
        index.routes["/simple/demo/"] = Huge(3 * 2**30)
        simple = index.url + "/simple/"
        start = time.monotonic()
        with pytest.raises(StepFailed) as info:
            indexes.served_files(Index("Corp", simple, simple), "demo")
    assert time.monotonic() - start < 5
    assert str(info.value).endswith(f"the answer is {3 * 2**30} bytes, more than the {indexes.PAGE_LIMIT} accepted")


def test_a_body_beyond_the_cap_is_refused_while_streaming() -> None:
    with hostile() as api:
        api.routes["/big"] = Unsized(b"x" * 5000)
        with pytest.raises(StepFailed, match="more than the 1000"):
            httpclient.request("GET", api.url + "/big", what="big", max_bytes=1000)


# --- class 5 for answers: malformed JSON is one line ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"not json", "something that is not JSON"),
        (b"[1,2]", 'a JSON simple page without a "files" array'),
        (b'{"files":[{"filename":"x"}]}', 'file 1 of the JSON simple page has no string "filename" and "url"'),
        (b'{"files":' + b"[" * 5000 + b"]" * 5000 + b"}", "JSON nested deeper than 64 levels"),
        (b'{"files":[' + b"1" * 5000 + b"]}", "an integer of more than 64 digits"),
    ],
)
def test_a_malformed_json_simple_page_is_one_line_naming_it(body: bytes, said: str) -> None:
    with hostile() as index:
        index.routes["/simple/demo/"] = Raw(200, body, indexes.JSON_TYPE)
        simple = index.url + "/simple/"
        with pytest.raises(StepFailed) as info:
            indexes.served_files(Index("Corp", simple, simple), "demo")
    assert str(info.value) == f"Corp: {simple}demo/: {said}"
    assert info.value.exit_code == 1


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b"[" * 5000, b'{"audience": ' + b"9" * 5000 + b"}"])
def test_a_malformed_oidc_answer_is_one_line(body: bytes) -> None:
    with hostile() as exchange:
        exchange.routes["/_/oidc/audience"] = Raw(200, body, "application/json")
        env = {trusted.REQUEST_URL: exchange.url + "/token", trusted.REQUEST_TOKEN: CANARY}
        index = Index("Corp", exchange.url + "/legacy/", exchange.url + "/simple/")
        with pytest.raises(StepFailed) as info:
            trusted.mint_token(index, env)
    assert str(info.value).startswith("Corp: ")
    assert "Traceback" not in str(info.value) and "\n" not in str(info.value) and CANARY not in str(info.value)


# --- class 2: secrets masked before anything is shortened ---------------------------------------


@pytest.mark.parametrize("offset", [250, 285, 295, 299])
def test_a_secret_across_the_cut_of_an_error_is_masked_whole(offset: int, monkeypatch: pytest.MonkeyPatch) -> None:
    job = jwt({"aud": "corp", "jti": "J" * 400})  # a long job token, echoed by the exchange's error
    with hostile() as runner, hostile() as exchange:
        exchange.routes["/_/oidc/audience"] = Json(200, {"audience": "corp"})
        runner.routes["/token"] = Json(200, {"value": job})
        echoed = "x" * offset + job
        exchange.routes["/_/oidc/mint-token"] = Json(422, {"errors": [{"code": "bad", "description": echoed}]})
        info = _mint_refused(monkeypatch, runner.url, exchange.url)
    message = str(info.value)
    assert not any(job[i : i + 12] in message for i in range(len(job) - 12))  # no piece of the token
    assert "***" in message or offset >= 297


def test_a_github_error_echoing_the_token_across_the_cut_is_masked_whole() -> None:
    with hostile() as api:
        api.routes[f"{REPO}/issues"] = Json(403, {"message": "y" * 290 + CANARY})
        with pytest.raises(StepFailed) as info:
            GitHub(api.url, "owner/project", CANARY).open_items(("critical",))
    assert CANARY[:6] not in str(info.value)


def test_status_with_a_redirecting_api_leaks_the_token_nowhere(tmp_path: Path) -> None:
    with hostile() as elsewhere, hostile() as api:
        elsewhere.routes[f"{REPO}/issues"] = Json(200, [{"number": 9, "title": "Data loss"}])
        api.routes[f"{REPO}/issues"] = Redirect(_localhost(elsewhere.url) + f"{REPO}/issues?")
        api.routes[f"{REPO}/actions/runs"] = Json(200, {"workflow_runs": []})
        project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit.github]\nrepository = "owner/project"\n')
        env = {"GITHUB_TOKEN": CANARY, "RELEASEKIT_GITHUB_API_URL": api.url}
        result = releasekit("status", cwd=project.root, env=env)
    assert result.returncode == 0, result.output
    assert "  open critical issue #9: Data loss" in result.stdout.splitlines()
    assert elsewhere.hits and {hit.auth for hit in elsewhere.hits} == {None}
    assert CANARY not in result.output
    stored = [p for p in (project.root / ".git").rglob("*") if p.is_file()]
    assert not [p for p in stored if CANARY.encode() in p.read_bytes()]


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[1,2]",
        b"[" * 5000 + b"]" * 5000,
        b'{"https://a.example/": {"time": ' + b"9" * 5000 + b"}}",
        b'{"https://a.example/": {"time": "x", "status": 200}}',
        b'{"https://a.example/": {"time": 1e300, "status": 200, "anchors": 5}}',
        b'{"https://a.example/": {"time": 1e300}}',
    ],
)
def test_a_malformed_link_cache_is_dropped_not_a_crash(tmp_path: Path, content: bytes) -> None:
    from releasekit.checks.links.external import Cache

    path = tmp_path / "links-external.json"
    path.write_bytes(content)
    cache = Cache(str(path), 3600)
    assert cache.entries == {}
    assert cache.get("https://a.example/", frozenset({"x"})) is None


def test_a_long_link_with_a_password_is_masked_before_it_is_cut(tmp_path: Path) -> None:
    from tests.test_hostile_documents import _links

    url = "https://user:" + "S3" * 5000 + "@example.com/page"
    code, lines, _ = _links(tmp_path, {"README.md": f"[x]({url})\n"})
    assert code == 1
    assert lines[0].startswith("README.md:1:1: 'https://***@example.com/page': longer than 8192 characters")
    assert "S3S3" not in "\n".join(lines)


def test_advisories_are_looked_for_on_every_page() -> None:
    patched = {"ghsa_id": "GHSA-2", "state": "draft", "html_url": "u"}
    patched["vulnerabilities"] = [{"package": {"ecosystem": "pip", "name": "demo"}, "patched_versions": "1.0.1"}]
    with hostile() as api:
        first = [{"ghsa_id": f"GHSA-old-{n}", "state": "published"} for n in range(100)]
        more = {"Link": f'<{api.url}/advisories-2>; rel="next"'}
        api.routes[f"{REPO}/security-advisories"] = Json(200, first, more)
        api.routes["/advisories-2"] = Json(200, [patched])
        found = GitHub(api.url, "owner/project", CANARY).advisory_for("demo", "1.0.1")
    assert found is not None and found.ghsa_id == "GHSA-2"


def test_an_api_named_by_github_api_url_gets_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from releasekit.github import client

    monkeypatch.setenv("GITHUB_TOKEN", CANARY)
    monkeypatch.delenv("RELEASEKIT_GITHUB_API_URL", raising=False)
    monkeypatch.setenv("GITHUB_API_URL", "https://ghes.example/api/v3")
    assert client("https://ghes.example/api/v3", "o/r", None) is not None
    assert client("https://api.github.com", "o/r", None) is not None
    for elsewhere in ("http://ghes.example/api/v3", "https://ghes.example:8443/api/v3", "https://evil.example"):
        with pytest.raises(ReleasekitError, match="not sending the GitHub token"):
            client(elsewhere, "o/r", None)


def test_the_link_checker_refuses_a_redirect_to_a_file_url(tmp_path: Path) -> None:
    from tests.test_hostile_documents import _links

    with hostile() as site:
        site.routes["/start"] = Redirect("file:///etc/passwd")
        code, lines, _ = _links(tmp_path, {"README.md": f"[x]({site.url}/start)\n"}, "--external")
    assert code == 1
    assert lines[0] == (
        f"README.md:1:1: '{site.url}/start': refused 'file:///etc/passwd': only http and https URLs are fetched"
    )
