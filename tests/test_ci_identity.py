"""The job's OIDC identity: from the ``id`` package, masked on GitHub, its claims on a refusal, kept from children.

The token endpoint and the index's exchange are the local stand-ins of tests/helpers/oidc.py.
"""

from __future__ import annotations

import sys

import pytest

from releasekit.ci import identity, trusted
from releasekit.config import Index
from releasekit.errors import StepFailed
from releasekit.process import run
from tests.helpers.oidc import OidcState, jwt, oidc_server

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
