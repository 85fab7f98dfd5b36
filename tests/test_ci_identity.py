"""The job's OIDC identity: from the ``id`` package, masked on GitHub, its claims on a refusal, kept from children.

The token endpoint and the index's exchange are the local stand-ins of tests/helpers/oidc.py.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from releasekit.ci import identity, trusted
from releasekit.config import Index
from releasekit.errors import StepFailed
from releasekit.process import run
from tests.helpers.cli import releasekit
from tests.helpers.hostile_http import Huge, Json, Trickle, Unsized, hostile
from tests.helpers.oidc import OidcState, jwt, oidc_server
from tests.helpers.releaseproj import make_project

CLAIMS = {
    "aud": "testpypi",
    "sub": "repo:owner/project:environment:testpypi",
    "repository": "owner/project",
    "workflow_ref": "owner/project/.github/workflows/release.yml@refs/tags/v1.0.0",
    "environment": "testpypi\x1b]0;forged\x07",
    "ref": "refs/tags/v1.0.0",
}


@pytest.fixture
def github_job(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    return monkeypatch


def test_a_refused_exchange_names_the_claims_and_masks_nothing_it_should_not(
    github_job: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    job_token = jwt(CLAIMS)
    state = OidcState(request_token="req-canary", job_token=job_token, minted="minted-canary")
    state.refuse_mint = True
    with oidc_server(state) as url:
        github_job.setenv("RELEASEKIT_TEST_OIDC_URL", url)
        github_job.setenv(trusted.REQUEST_URL, f"{url}/token")
        github_job.setenv(trusted.REQUEST_TOKEN, state.request_token)
        with pytest.raises(StepFailed) as refused:
            trusted.mint_token(Index("TestPyPI", "http://127.0.0.1:1/", "http://127.0.0.1:1/simple/"))
    message = str(refused.value)
    assert "valid token, but no corresponding publisher" in message
    assert "repository='owner/project'" in message
    assert "workflow_ref='owner/project/.github/workflows/release.yml@refs/tags/v1.0.0'" in message
    assert "environment='testpypi\\x1b]0;forged\\x07'" in message  # escaped, not sent to the terminal
    assert job_token not in message and "c2lnbmF0dXJlLWNhbmFyeQ" not in message and "req-canary" not in message
    assert capsys.readouterr().out == f"::add-mask::{job_token}\n"  # masked before anything else


def test_a_minted_token_is_masked_on_github(github_job: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    job_token = jwt(CLAIMS)
    state = OidcState(request_token="req-canary", job_token=job_token, minted="minted-canary")
    with oidc_server(state) as url:
        github_job.setenv("RELEASEKIT_TEST_OIDC_URL", url)
        github_job.setenv(trusted.REQUEST_URL, f"{url}/token")
        github_job.setenv(trusted.REQUEST_TOKEN, state.request_token)
        token = trusted.mint_token(Index("TestPyPI", "http://127.0.0.1:1/", "http://127.0.0.1:1/simple/"))
    assert token == "minted-canary"
    assert capsys.readouterr().out == f"::add-mask::{job_token}\n::add-mask::minted-canary\n"


def test_twine_exchanges_the_identity_itself_for_pypi_and_testpypi(github_job: pytest.MonkeyPatch) -> None:
    github_job.setenv(trusted.REQUEST_URL, "http://127.0.0.1:9/token")
    github_job.setenv(trusted.REQUEST_TOKEN, "req-canary")
    github_job.delenv("RELEASEKIT_OIDC_URL", raising=False)
    github_job.delenv("RELEASEKIT_TEST_OIDC_URL", raising=False)
    for url in ("https://upload.pypi.org/legacy/", "https://test.pypi.org/legacy/"):
        creds = trusted.credentials(Index("PyPI", url, ""))  # nothing asked of any server
        assert (creds.env, creds.secrets, creds.oidc) == ({}, (), True)
        assert creds.how.startswith("twine's Trusted Publishing")
    assert not trusted.twine_publishes(Index("PyPI", "https://pkgs.example/legacy/", ""))
    github_job.setenv("RELEASEKIT_OIDC_URL", "http://127.0.0.1:9")  # an operator's override: releasekit exchanges
    assert not trusted.twine_publishes(Index("PyPI", "https://upload.pypi.org/legacy/", ""))


def test_no_child_process_but_the_one_asked_for_inherits_the_oidc_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(trusted.REQUEST_URL, "http://127.0.0.1:9/token")
    monkeypatch.setenv(trusted.REQUEST_TOKEN, "req-canary")
    show = [sys.executable, "-c", "import os; print(sorted(k for k in os.environ if k.startswith('ACTIONS_ID_TOKEN')))"]
    assert run(show).stdout.strip() == "[]"
    assert run(show, env={"OTHER": "1"}).stdout.strip() == "[]"
    assert run(show, oidc=True).stdout.strip() == "['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL']"


def test_claims_of_what_is_not_ajwt() -> None:
    assert identity.claims("not-a-jwt") == "(the token is not a JWT)"
    assert identity.claims("a.bm90IGpzb24.c") == "(the token's claims are not JSON)"
    assert identity.claims(jwt({"other": "x"})) == "(none of the claims a trusted publisher is matched on)"


def test_which_ci_jobs_have_an_identity() -> None:
    assert trusted.oidc_available({trusted.REQUEST_URL: "http://x/token", trusted.REQUEST_TOKEN: "t"})
    assert not trusted.oidc_available({trusted.REQUEST_URL: "http://x/token"})  # no id-token: write
    assert trusted.oidc_available({"GITLAB_CI": "true", "PYPI_ID_TOKEN": "eyJ"})
    assert not trusted.oidc_available({"GITLAB_CI": "true"})
    assert trusted.oidc_available({"BUILDKITE": "true"}) and trusted.oidc_available({"CIRCLECI": "true"})
    assert not trusted.oidc_available({})


# --- the job's token under a deadline and a size cap ----------------------------------------------------------


def _in_thread(call: Callable[[], object], wait: float) -> BaseException | None:
    """Run ``call`` in a daemon thread for at most ``wait`` seconds; what it raised (a hang fails the test)."""
    raised: list[BaseException] = []

    def body() -> None:
        try:
            call()
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(wait)
    assert not thread.is_alive(), f"still waiting after {wait} s"
    return raised[0] if raised else None


def test_a_trickling_token_endpoint_fails_at_the_deadline_in_one_line(
    github_job: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    github_job.setenv("RELEASEKIT_HTTP_DEADLINE", "2")
    with hostile() as runner:
        runner.routes["/token"] = Trickle(0.5)  # every read is quick; the answer never ends
        github_job.setenv(trusted.REQUEST_URL, runner.url + "/token")
        github_job.setenv(trusted.REQUEST_TOKEN, "req-canary-0123456789")
        start = time.monotonic()
        raised = _in_thread(lambda: identity.job_token("testpypi"), wait=15)
    assert time.monotonic() - start < 8
    assert isinstance(raised, StepFailed)
    assert str(raised) == (
        "the job's OIDC identity for 'testpypi': GitHub Actions' token endpoint: no complete answer within 2 s"
    )
    assert [hit.auth for hit in runner.hits] == ["bearer req-canary-0123456789"]
    assert "req-canary" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (Huge(3 * 2**30), f"the answer is {3 * 2**30} bytes, more than the {identity.MAX_ANSWER} accepted"),
        (Unsized(b'{"value": "' + b"x" * 200_000 + b'"}'), f"more than the {identity.MAX_ANSWER} bytes accepted"),
        (Json(200, {"value": "a.b.c" * 5000}), f"a token larger than {identity.MAX_TOKEN} bytes"),
        (Json(200, {"value": jwt({"aud": "pypi"})}), "the token is not a JWT for that audience"),
        (Json(200, {"count": 1}), "the token endpoint's answer has no string 'value'"),
        (Json(403, {"message": "no: req-canary-0123456789"}), 'HTTP 403: {"message": "no: ***"}'),
    ],
)
def test_a_token_endpoint_answer_out_of_bounds_is_one_line(
    github_job: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], answer: object, said: str
) -> None:
    with hostile() as runner:
        runner.routes["/token"] = answer
        github_job.setenv(trusted.REQUEST_URL, runner.url + "/token")
        github_job.setenv(trusted.REQUEST_TOKEN, "req-canary-0123456789")
        raised = _in_thread(lambda: identity.job_token("testpypi"), wait=15)
    assert isinstance(raised, StepFailed)
    assert str(raised).startswith("the job's OIDC identity for 'testpypi': ") and str(raised).endswith(said)
    assert "\n" not in str(raised) and "req-canary" not in str(raised)
    assert "req-canary" not in capsys.readouterr().out


def _agent(tmp_path: Path, script: str) -> str:
    """A stand-in ``buildkite-agent`` on a PATH of its own (the `id` package runs it for a Buildkite job)."""
    bindir = tmp_path / "bin"
    bindir.mkdir(parents=True)
    agent = bindir / "buildkite-agent"
    agent.write_text("#!/bin/sh\n" + script)
    agent.chmod(0o755)
    return f"{bindir}{os.pathsep}{os.environ['PATH']}"


@pytest.fixture
def buildkite_job(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*identity.REQUEST_VARIABLES, "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "GOOGLE_SERVICE_ACCOUNT_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BUILDKITE", "true")
    return monkeypatch


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for the agent")
def test_an_agent_that_never_answers_is_stopped_at_the_deadline(
    buildkite_job: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pidfile = tmp_path / "sleeper.pid"
    buildkite_job.setenv("PATH", _agent(tmp_path, f"sleep 600 &\necho $! > {pidfile}\nwait\n"))
    buildkite_job.setenv("RELEASEKIT_HTTP_DEADLINE", "3")
    start = time.monotonic()
    raised = _in_thread(lambda: identity.job_token("testpypi"), wait=30)
    assert time.monotonic() - start < 15
    assert isinstance(raised, StepFailed)
    assert str(raised) == "the job's OIDC identity for 'testpypi': no answer from the `id` package within 3 s"
    sleeper = int(pidfile.read_text())
    for _ in range(50):  # the agent's own child went with it (its process group was killed)
        try:
            os.kill(sleeper, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the stand-in agent's child outlived the deadline")


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for the agent")
def test_an_agent_token_comes_through_id_and_is_not_printed(
    buildkite_job: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = jwt({"aud": "testpypi", "sub": "buildkite"})
    buildkite_job.setenv("PATH", _agent(tmp_path, f"echo {token}\n"))
    assert identity.job_token("testpypi") == token
    assert token not in capsys.readouterr().out  # no GitHub log to mask it in, and never printed
    buildkite_job.setenv("PATH", _agent(tmp_path / "other", f"echo {jwt({'aud': 'pypi'})}\n"))
    with pytest.raises(StepFailed, match="Token audience claim mismatch"):
        identity.job_token("testpypi")


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for the agent")
def test_a_failing_agent_is_one_line(buildkite_job: pytest.MonkeyPatch, tmp_path: Path) -> None:
    buildkite_job.setenv("PATH", _agent(tmp_path, "echo 'agent: no OIDC here'\nexit 3\n"))
    with pytest.raises(StepFailed) as info:
        identity.job_token("testpypi")
    assert str(info.value).startswith("the job's OIDC identity for 'testpypi': ")
    assert "Buildkite agent encountered an error: agent: no OIDC here" in str(info.value)
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


@pytest.mark.integration
def test_publish_with_a_trickling_token_endpoint_fails_at_the_deadline(tmp_path: Path) -> None:
    """The whole job: `releasekit publish` in a GitHub Actions job whose token endpoint trickles."""
    project = make_project(tmp_path / "p", version="3.1.0")
    dist = tmp_path / "dist"
    built = releasekit("build", "--out", str(dist), cwd=project.root)
    assert built.returncode == 0, built.output
    request_token = "gha-request-canary-0123456789"
    with hostile() as runner, hostile() as index:
        runner.routes["/token"] = Trickle(0.5)
        index.routes["/_/oidc/audience"] = Json(200, {"audience": "corp"})
        env = {
            "RELEASEKIT_TEST_UPLOAD_URL": index.url + "/legacy/",
            "RELEASEKIT_TEST_SIMPLE_URL": index.url + "/simple/",
            "ACTIONS_ID_TOKEN_REQUEST_URL": runner.url + "/token",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": request_token,
            "GITHUB_ACTIONS": "true",
            "RELEASEKIT_HTTP_DEADLINE": "3",
            "TWINE_PASSWORD": None,
            "TWINE_USERNAME": None,
        }
        start = time.monotonic()
        result = releasekit("publish", str(dist), "--index", "test", cwd=project.root, env=env, timeout=60)
    assert time.monotonic() - start < 30
    assert result.returncode == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        "releasekit: error: the job's OIDC identity for 'corp': GitHub Actions' token endpoint: "
        "no complete answer within 3 s"
    )
    assert "Traceback" not in result.output and request_token not in result.output
    assert [hit.auth for hit in runner.hits] == [f"bearer {request_token}"]
    assert not [hit for hit in index.hits if hit.method == "POST"]  # nothing minted, nothing uploaded
