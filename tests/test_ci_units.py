"""The plain parts of build/publish: manifests, the expected wheel set, the OIDC exchange's URLs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from releasekit.ci import manifest, trusted
from releasekit.ci.wheelset import match_wheels
from releasekit.config import Index
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.indexes import sha256_file
from tests.helpers.oidc import OidcState, jwt, oidc_server

SHA = "0" * 64


def write_manifest(folder: Path, data: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / manifest.FILENAME).write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not a manifest this releasekit understands (schema 1)"),
        ({"schema": 2}, "not a manifest this releasekit understands (schema 1)"),
        ({"schema": 1, "project": "", "version": "1.0", "files": {"a": SHA}}, "'project' must be a non-empty string"),
        ({"schema": 1, "project": "p", "version": "one", "files": {"a": SHA}}, "'version' 'one' is not a valid"),
        ({"schema": 1, "project": "p", "version": "1.0", "files": {}}, "'files' must be a table"),
        ({"schema": 1, "project": "p", "version": "1.0", "files": {"a/b": SHA}}, "'a/b' is not a plain file name"),
        ({"schema": 1, "project": "p", "version": "1.0", "files": {"..": SHA}}, "'..' is not a plain file name"),
        ({"schema": 1, "project": "p", "version": "1.0", "files": {"a": "ABC"}}, "files['a'] is not a sha256"),
        (
            {"schema": 1, "project": "p", "version": "1.0", "files": {"a": SHA}, "cibuildwheel": "cp312-*"},
            "'cibuildwheel' must be a list of build identifiers",
        ),
    ],
)
def test_a_bad_manifest_is_one_line_naming_the_file(tmp_path: Path, data: object, message: str) -> None:
    write_manifest(tmp_path, data)
    with pytest.raises(ReleasekitError) as caught:
        manifest.read(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / manifest.FILENAME}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_manifest_not_json_too_big_or_absent(tmp_path: Path) -> None:
    tmp_path = tmp_path / "dist"  # the test's own HOME lives in tmp_path too
    tmp_path.mkdir()
    with pytest.raises(ReleasekitError, match="no manifest here"):
        manifest.read(tmp_path)
    (tmp_path / manifest.FILENAME).write_bytes(b"\xff{")
    with pytest.raises(ReleasekitError, match="not valid UTF-8"):
        manifest.read(tmp_path)
    (tmp_path / manifest.FILENAME).write_bytes(b'{"files": ')
    with pytest.raises(ReleasekitError, match="not valid JSON"):
        manifest.read(tmp_path)
    (tmp_path / manifest.FILENAME).write_bytes(b" " * (manifest.MAX_BYTES + 1))
    with pytest.raises(ReleasekitError, match="larger than"):
        manifest.read(tmp_path)


def test_manifest_round_trip_and_attestations_allowed(tmp_path: Path) -> None:
    tmp_path = tmp_path / "dist"  # the test's own HOME lives in tmp_path too
    tmp_path.mkdir()
    (tmp_path / "p-1.0.tar.gz").write_bytes(b"sdist")
    (tmp_path / "p-1.0-py3-none-any.whl").write_bytes(b"wheel")
    files = {name: sha256_file(tmp_path / name) for name in ("p-1.0.tar.gz", "p-1.0-py3-none-any.whl")}
    manifest.write(tmp_path, manifest.Manifest("p", "1.0", files))
    recorded = manifest.read(tmp_path)
    assert recorded == manifest.Manifest("p", "1.0", files, ())
    (tmp_path / "p-1.0.tar.gz.publish.attestation").write_text("{}")
    assert manifest.check_set(tmp_path, recorded) == files
    (tmp_path / "gone.whl.publish.attestation").write_text("{}")
    with pytest.raises(StepFailed, match=re.escape("gone.whl.publish.attestation attests a file that is not there")):
        manifest.check_set(tmp_path, recorded)


def test_a_symlink_in_the_set_is_refused(tmp_path: Path) -> None:
    tmp_path = tmp_path / "dist"  # the test's own HOME lives in tmp_path too
    tmp_path.mkdir()
    (tmp_path / "p-1.0.tar.gz").write_bytes(b"sdist")
    files = {"p-1.0.tar.gz": sha256_file(tmp_path / "p-1.0.tar.gz")}
    manifest.write(tmp_path, manifest.Manifest("p", "1.0", files))
    (tmp_path / "p-1.0-py3-none-any.whl").symlink_to("/etc/passwd")
    with pytest.raises(StepFailed, match=re.escape("p-1.0-py3-none-any.whl is not a regular file")):
        manifest.check_set(tmp_path, manifest.read(tmp_path))


@pytest.mark.parametrize(
    ("identifiers", "wheels", "problems"),
    [
        (["cp312-manylinux_x86_64"], ["p-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"], []),
        (["cp312-manylinux_x86_64"], ["p-1-cp312-cp312-musllinux_1_2_x86_64.whl"], ["no wheel for", "matches no"]),
        (["cp313t-macosx_arm64"], ["p-1-cp313-cp313t-macosx_11_0_arm64.whl"], []),
        (["cp313t-macosx_arm64"], ["p-1-cp313-cp313-macosx_11_0_arm64.whl"], ["no wheel for", "matches no"]),
        (["cp311-win_amd64", "cp312-win_amd64"], ["p-1-cp311-abi3-win_amd64.whl"], []),
        (["cp310-win_amd64"], ["p-1-cp311-abi3-win_amd64.whl"], ["no wheel for", "matches no"]),
        (["cp312-win32"], ["p-1-cp312-cp312-win_amd64.whl"], ["no wheel for", "matches no"]),
        (["pp310-manylinux_aarch64"], ["p-1-pp310-pypy310_pp73-manylinux_2_28_aarch64.whl"], []),
        (["cp312-macosx_universal2"], ["p-1-cp312-cp312-macosx_10_13_universal2.whl"], []),
    ],
)
def test_wheels_against_identifiers(identifiers: list[str], wheels: list[str], problems: list[str]) -> None:
    _, found = match_wheels(identifiers, wheels)
    assert len(found) == len(problems)
    for expected, problem in zip(problems, found, strict=True):
        assert expected in problem


def test_a_bad_identifier_is_an_input_error() -> None:
    with pytest.raises(ReleasekitError, match="'cp312' is not a cibuildwheel build identifier"):
        match_wheels(["cp312"], [])


def test_exchange_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELEASEKIT_OIDC_URL", raising=False)
    monkeypatch.delenv("RELEASEKIT_TEST_OIDC_URL", raising=False)
    assert trusted.exchange_url(Index("PyPI", "https://upload.pypi.org/legacy/", "")) == "https://pypi.org"
    assert trusted.exchange_url(Index("TestPyPI", "https://test.pypi.org/legacy/", "")) == "https://test.pypi.org"
    assert trusted.exchange_url(Index("PyPI", "https://pkgs.example:8443/legacy/", "")) == "https://pkgs.example:8443"
    monkeypatch.setenv("RELEASEKIT_TEST_OIDC_URL", "http://127.0.0.1:1/")
    assert trusted.exchange_url(Index("TestPyPI", "https://test.pypi.org/legacy/", "")) == "http://127.0.0.1:1"


def test_twine_credentials_win_over_an_oidc_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = Index("TestPyPI", "http://127.0.0.1:1/", "http://127.0.0.1:1/simple/")
    env = {trusted.REQUEST_URL: "http://127.0.0.1:1/token", trusted.REQUEST_TOKEN: "x"}
    assert trusted.credentials(index, {**env, "TWINE_PASSWORD": "pw"}).how == "twine's credentials"
    assert trusted.credentials(index, {}).how == "twine's credentials"


def test_a_configured_index_never_gets_a_token_for_pypi(monkeypatch: pytest.MonkeyPatch) -> None:
    """An index from the project's configuration that claims PyPI's audience could replay the token at PyPI."""
    monkeypatch.delenv("RELEASEKIT_OIDC_URL", raising=False)
    state = OidcState(request_token="req-canary", job_token="job-canary", minted="m", audience="pypi")
    with oidc_server(state) as url:
        index = Index("PyPI", f"{url}/legacy/", f"{url}/simple/")
        env = {trusted.REQUEST_URL: f"{url}/token", trusted.REQUEST_TOKEN: state.request_token}
        with pytest.raises(StepFailed, match="asks for PyPI's OIDC audience 'pypi'; not handing it a token"):
            trusted.mint_token(index, env)
    assert [path for _, path in state.requests] == ["/_/oidc/audience"]  # GitHub was never asked


def test_mint_token_against_the_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    state = OidcState(request_token="req-canary", job_token=jwt({"aud": "testpypi"}), minted="pypi-minted-canary")
    with oidc_server(state) as url:
        monkeypatch.setenv("RELEASEKIT_TEST_OIDC_URL", url)
        monkeypatch.setenv("GITHUB_ACTIONS", "true")  # the `id` package reads the job's identity from here
        monkeypatch.setenv(trusted.REQUEST_URL, f"{url}/token")
        monkeypatch.setenv(trusted.REQUEST_TOKEN, state.request_token)
        index = Index("TestPyPI", "http://127.0.0.1:1/", "http://127.0.0.1:1/simple/")
        creds = trusted.credentials(index)
        assert creds.env == {"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": "pypi-minted-canary"}
        assert ("GET", "/token?audience=testpypi") in state.requests
        monkeypatch.setenv(trusted.REQUEST_TOKEN, "wrong-canary")
        with pytest.raises(StepFailed) as caught:
            trusted.mint_token(index)
        assert 'HTTP 401: {"message": "bad request token"}' in str(caught.value) and "wrong-canary" not in str(
            caught.value
        )


def test_the_wheel_matrix_reads_cibuildwheel_from_pyproject_once_parsed(tmp_path: Path) -> None:
    from releasekit.ci.wheelset import RUNNERS, has_extensions, runners

    root = tmp_path / "project"
    root.mkdir()
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[tool.cibuildwheel]\narchs = "native"\n[tool.cibuildwheel.linux]\narchs = ["x86_64"]\n')
    assert has_extensions(root)
    assert runners(root) == [r for r in RUNNERS if (r.platform, r.arch) != ("linux", "aarch64")]
    assert has_extensions(root, data={"build-system": {"build-backend": "mesonpy"}})
    assert not has_extensions(root, data={"build-system": {"build-backend": "hatchling.build"}})
    pyproject.unlink()
    (tmp_path / "elsewhere.toml").write_text("[tool.cibuildwheel]\n")
    pyproject.symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ReleasekitError) as error:
        has_extensions(root)
    assert str(error.value) == f"{pyproject}: is a symlink leading outside the repository; it is not read"
