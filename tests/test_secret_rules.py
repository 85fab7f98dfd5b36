"""Three rules a mutation review of the suite found untested: each test fails when its rule is broken.

- secrets are masked longest first, so a secret that contains another is masked whole;
- the shortest environment value treated as a secret is 4 characters (shorter ones would
  mask every common word, longer limits would show a short password);
- a file an index lists without a sha256 is downloaded (through the one HTTP client) and
  its bytes compared, never taken as "already there".
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from releasekit import indexes
from releasekit.config import Index
from releasekit.errors import CommandError, StepFailed, redact, secrets_from_env
from tests.helpers.cli import releasekit
from tests.helpers.hostile_http import Raw, hostile
from tests.helpers.releaseproj import make_project


def test_overlapping_secrets_are_masked_longest_first() -> None:
    short, long = "s3cret", "s3cret-and-more"
    for order in ([short, long], [long, short]):
        assert redact(f"token={long} and {short}", order) == "token=*** and ***"
        error = CommandError(["twine", f"--password={long}"], 1, f"refused {long}", secrets=order)
        assert long[len(short) :] not in str(error)


@pytest.mark.parametrize(("value", "masked"), [("wxyz", True), ("xyz", False)])
def test_the_shortest_secret_is_four_characters(value: str, masked: bool) -> None:
    assert (value in secrets_from_env({"DEPLOY_TOKEN": value})) is masked


@pytest.mark.parametrize(("value", "masked"), [("wxyz", True), ("xyz", False)])
def test_a_four_character_secret_is_masked_in_the_error_line(tmp_path: Path, value: str, masked: bool) -> None:
    project = make_project(tmp_path)
    env = {"RELEASEKIT_UPLOAD_URL": "nope-wxyz", "DEPLOY_PASSWORD": value}
    result = releasekit("status", cwd=project.root, env=env)
    assert result.returncode == 2, result.output
    shown = "nope-***" if masked else "nope-wxyz"  # "xyz" is too short to be a secret: masking it would lie
    assert result.stderr == (
        f"releasekit: error: environment variable RELEASEKIT_UPLOAD_URL must be an http:// or https:// URL, "
        f"not '{shown}'\n"
    )


def _artifact(folder: Path, data: bytes) -> dict[str, str]:
    (folder / "demo-1.0.tar.gz").write_bytes(data)
    return {"demo-1.0.tar.gz": hashlib.sha256(data).hexdigest()}


def test_a_file_listed_without_a_sha256_is_compared_by_its_bytes(tmp_path: Path) -> None:
    ours = _artifact(tmp_path, b"our bytes")
    with hostile() as index:
        index.routes["/simple/demo/"] = Raw(200, b'<a href="/files/demo-1.0.tar.gz">demo-1.0.tar.gz</a>')
        index.routes["/files/demo-1.0.tar.gz"] = Raw(200, b"our bytes", "application/octet-stream")
        simple = index.url + "/simple/"
        target = Index("Corp", index.url + "/legacy/", simple)
        # the same bytes: already there, nothing to upload (twine is never started)
        assert indexes.upload(target, "demo", tmp_path, ours) == indexes.UploadResult((), ("demo-1.0.tar.gz",))
        index.routes["/files/demo-1.0.tar.gz"] = Raw(200, b"other bytes", "application/octet-stream")
        with pytest.raises(StepFailed, match=r"already holds demo-1\.0\.tar\.gz with other bytes"):
            indexes.upload(target, "demo", tmp_path, ours)
        # the download is within the HTTP policy: a file URL is refused, not read
        page = f'<a href="file://{tmp_path}/demo-1.0.tar.gz">demo-1.0.tar.gz</a>'
        index.routes["/simple/demo/"] = Raw(200, page.encode())
        with pytest.raises(StepFailed, match="only http and https URLs are fetched"):
            indexes.upload(target, "demo", tmp_path, ours)
    assert [hit.path for hit in index.hits].count("/files/demo-1.0.tar.gz") == 2


def test_without_a_downloader_a_file_without_a_sha256_stops_the_plan() -> None:
    served = {"a.whl": indexes.ServedFile("a.whl", "https://x/a.whl", None)}
    with pytest.raises(StepFailed, match=r"lists a\.whl without a sha256"):
        indexes.plan_upload({"a.whl": "11"}, served)
    assert indexes.plan_upload({"a.whl": "11"}, served, lambda found: "11") == ([], ["a.whl"])
