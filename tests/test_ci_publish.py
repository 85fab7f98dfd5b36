"""``releasekit build`` and ``releasekit publish`` against real pypiservers, twine, build and uv."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

from releasekit.indexes import sha256_file
from tests.helpers import releasing
from tests.helpers.cli import Result, releasekit
from tests.helpers.gitrepo import make_repo, write_files
from tests.helpers.oidc import OidcState, jwt, oidc_server
from tests.helpers.pypi import LocalIndex, pypiserver
from tests.helpers.releaseproj import Project, make_project
from tests.helpers.releasing import CANARY, USER, Indexes, two_indexes

pytestmark = pytest.mark.integration

CACHES = {**releasing.CACHES, "RELEASEKIT_VERIFY_WAIT": "5"}
REFUSED = "not the set the build recorded, nothing uploaded"


SETUPTOOLS_FILES = {
    "pyproject.toml": """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[tool.bumpversion]
current_version = "1.5.0"

[[tool.bumpversion.files]]
filename = "setup.py"
search = 'version="{current_version}"'
replace = 'version="{new_version}"'
""",
    "setup.py": """\
from setuptools import find_packages, setup

setup(
    name="old-school",
    version="1.5.0",
    description="A setup.py project.",
    long_description=open("README.rst").read(),
    long_description_content_type="text/x-rst",
    package_dir={"": "src"},
    packages=find_packages("src"),
)
""",
    "README.rst": "old-school\n==========\n\nA project as many still are.\n",
    "CHANGES.rst": "Changes\n=======\n\n1.5.0\n-----\n\n- Things.\n",
    "MANIFEST.in": "include *.rst\n",
    "src/old_school/__init__.py": '__version__ = "1.5.0"\n',
}


class Built(NamedTuple):
    project: Project
    dist: Path


def env_for(servers: Indexes, **extra: str) -> dict[str, str]:
    t, p = servers
    return {
        **CACHES,
        **t.env("RELEASEKIT_TEST_"),
        **p.env("RELEASEKIT_"),
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": CANARY,
        **extra,
    }


def run(*args: str, cwd: Path, env: Mapping[str, str]) -> Result:
    result = releasekit(*args, cwd=cwd, env=env)
    assert CANARY not in result.output
    return result


def files_of(index: LocalIndex, name: str) -> dict[str, str]:
    prefix = name.replace("-", "_") + "-"
    return {p.name: sha256_file(p) for p in sorted(index.packages.iterdir()) if p.name.startswith(prefix)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One project built once by ``releasekit build``; tests copy its directory before changing it.

    Tests that upload it do so to indexes of their own (``published_copy``), never to the shared ``servers``.
    """
    base = tmp_path_factory.mktemp("built")
    project = make_project(base, version="1.4.0")
    dist = base / "dist"
    result = releasekit("build", "--out", str(dist), cwd=project.root, env=CACHES)
    assert result.returncode == 0, result.output
    return Built(project, dist)


def copy_of(built: Built, tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    shutil.copytree(built.dist, target)
    return target


@contextlib.contextmanager
def published_copy(built: Built, tmp_path: Path) -> Iterator[tuple[Path, Path, Path, Indexes]]:
    """A copy of the module's build (dist, sdist, wheel) and two indexes of this test's own to publish it to.

    Starting two pypiservers costs a seventh of a build; the shared ``servers`` never see this project.
    """
    dist = copy_of(built, tmp_path)
    sdist = next(p for p in dist.iterdir() if p.name.endswith(".tar.gz"))
    wheel = next(p for p in dist.iterdir() if p.suffix == ".whl")
    with two_indexes(tmp_path / "indexes") as indexes:
        yield dist, sdist, wheel, indexes


def test_build_writes_every_file_and_its_hash(built: Built) -> None:
    manifest = json.loads((built.dist / "releasekit-manifest.json").read_text())
    files = sorted(p.name for p in built.dist.iterdir() if p.name != "releasekit-manifest.json")
    module = built.project.module
    assert files == [f"{module}-1.4.0-py3-none-any.whl", f"{module}-1.4.0.tar.gz"]
    assert manifest == {
        "schema": 1,
        "project": built.project.name,
        "version": "1.4.0",
        "files": {name: sha256_file(built.dist / name) for name in files},
    }


def test_build_refuses_a_directory_with_files(built: Built) -> None:
    result = releasekit("build", "--out", str(built.dist), cwd=built.project.root, env=CACHES)
    assert result.returncode == 2
    assert result.stderr == (
        f"releasekit: error: {built.dist}: not empty; 'releasekit build --out' wants a new or empty directory\n"
    )


def test_build_refuses_uncommitted_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_files(project.root, {"README.md": "changed\n"})
    result = releasekit("build", "--out", str(tmp_path / "out"), cwd=project.root, env=CACHES)
    assert result.returncode == 2
    assert "uncommitted changes" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_build_refuses_a_tag_of_another_version(tmp_path: Path) -> None:
    from tests.helpers.gitrepo import git

    project = make_project(tmp_path, version="1.4.0")
    git(project.root, "tag", "-a", "v1.5.0", "-m", "Release v1.5.0")
    result = releasekit("build", "--out", str(tmp_path / "out"), cwd=project.root, env=CACHES)
    assert result.returncode == 2
    assert result.stderr == (
        "releasekit: error: HEAD is tagged v1.5.0, but the configured version is 1.4.0: "
        "the tag and the version files disagree, so nothing was built\n"
    )
    assert not (tmp_path / "out").exists()


def test_publish_a_good_set_then_a_rerun_uploads_nothing(servers: Indexes, tmp_path: Path) -> None:
    # The shape of many real projects: setuptools with a setup.py, an rST changelog, a master branch.
    root = make_repo(tmp_path / "work", SETUPTOOLS_FILES, branch="master")
    dist = tmp_path / "dist"
    built = releasekit("build", "--out", str(dist), cwd=root, env=CACHES)
    assert built.returncode == 0, built.output
    expected = json.loads((dist / "releasekit-manifest.json").read_text())["files"]
    assert sorted(expected) == ["old_school-1.5.0-py3-none-any.whl", "old_school-1.5.0.tar.gz"]
    env = env_for(servers)
    first = run("publish", str(dist), "--index", "test", cwd=root, env=env)
    assert first.returncode == 0, first.output
    assert files_of(servers.test, "old-school") == expected
    assert files_of(servers.prod, "old-school") == {}
    assert "TestPyPI serves old-school 1.5.0 as built, and it installs" in first.stdout
    again = run("publish", str(dist), "--index", "test", cwd=root, env=env)
    assert again.returncode == 0, again.output
    assert "TestPyPI: uploaded nothing (every file was there already)" in again.stdout
    assert files_of(servers.test, "old-school") == expected
    prod = run("publish", str(dist), "--index", "prod", cwd=root, env=env)
    assert prod.returncode == 0, prod.output
    assert files_of(servers.prod, "old-school") == expected


def _tamper(dist: Path) -> str:
    sdist = next(p for p in dist.iterdir() if p.name.endswith(".tar.gz"))
    sdist.write_bytes(sdist.read_bytes() + b"\0")
    return f"{sdist.name} has other bytes than the build recorded"


def _remove_wheel(dist: Path) -> str:
    wheel = next(p for p in dist.iterdir() if p.suffix == ".whl")
    wheel.unlink()
    return f"{wheel.name} is missing"


def _extra_file(dist: Path) -> str:
    (dist / "notes.txt").write_text("left over\n")
    return "notes.txt is not a distribution file"


def _other_version(dist: Path) -> str:
    wheel = next(p for p in dist.iterdir() if p.suffix == ".whl")
    other = wheel.name.replace("-1.4.0-", "-1.3.9-")
    shutil.copy(wheel, dist / other)
    return f"{other} is not "


@pytest.mark.parametrize("change", [_tamper, _remove_wheel, _extra_file, _other_version])
def test_publish_refuses_a_set_that_does_not_match(
    change: object, built: Built, servers: Indexes, tmp_path: Path
) -> None:
    dist = copy_of(built, tmp_path)
    assert callable(change)
    problem = change(dist)
    result = run("publish", str(dist), "--index", "test", cwd=built.project.root, env=env_for(servers))
    assert files_of(servers.test, built.project.name) == {}  # never published to the shared indexes
    assert result.returncode == 1, result.output
    assert result.stderr.startswith(f"releasekit: error: {dist}: {REFUSED}: ")
    assert problem in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    # --check-only, the workflow's step before the upload, refuses the same set the same way, anywhere
    checked = run("publish", str(dist), "--check-only", cwd=tmp_path, env={})
    assert (checked.returncode, checked.stderr) == (1, result.stderr)


def test_check_only_accepts_the_whole_set_without_a_project_or_an_index(built: Built, tmp_path: Path) -> None:
    dist = copy_of(built, tmp_path)
    result = run("publish", str(dist), "--check-only", cwd=tmp_path, env={})
    assert result.returncode == 0, result.output
    assert result.stdout == f"{dist}: the 2 files of {built.project.name} 1.4.0 are the set the build recorded\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "publish: --index test|prod is required (or --check-only)"),
        (("--check-only", "--verify-only", "--index", "test"), "publish: --check-only and --verify-only exclude"),
        (("--check-only", "--attestations"), "publish: --check-only uploads nothing, so --attestations has"),
    ],
)
def test_publish_usage_errors_are_one_line(built: Built, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run("publish", str(copy_of(built, tmp_path)), *args, cwd=tmp_path, env={})
    assert result.returncode == 2
    assert result.stderr.startswith(f"releasekit: error: {message}") and result.stderr.count("\n") == 1


def test_verify_only_uploads_nothing_and_checks_what_is_served(built: Built, tmp_path: Path) -> None:
    project = built.project
    with published_copy(built, tmp_path) as (dist, _, _, servers):
        missing = run("publish", str(dist), "--verify-only", "--index", "test", cwd=project.root, env=env_for(servers))
        assert missing.returncode == 1 and files_of(servers.test, project.name) == {}  # nothing was uploaded
        assert run("publish", str(dist), "--index", "test", cwd=project.root, env=env_for(servers)).returncode == 0
        again = run("publish", str(dist), "--verify-only", "--index", "test", cwd=project.root, env=env_for(servers))
    assert again.returncode == 0, again.output
    assert f"TestPyPI serves {project.name} 1.4.0 as built, and it installs" in again.stdout
    assert "its dependencies from PyPI" in again.stdout


def test_publish_refuses_a_damaged_manifest(built: Built, servers: Indexes, tmp_path: Path) -> None:
    dist = copy_of(built, tmp_path)
    damaged = {"schema": 1, "project": "x", "version": "1.4.0", "files": {"../x": ""}}
    (dist / "releasekit-manifest.json").write_text(json.dumps(damaged))
    result = run("publish", str(dist), "--index", "test", cwd=built.project.root, env=env_for(servers))
    assert result.returncode == 2
    where = dist / "releasekit-manifest.json"
    assert result.stderr == f"releasekit: error: {where}: files: '../x' is not a plain file name\n"


def test_attestations_without_an_oidc_identity_are_refused_before_any_upload(
    built: Built, tmp_path: Path, servers: Indexes
) -> None:
    project, dist = built.project, copy_of(built, tmp_path)
    env = env_for(servers)
    result = run("publish", str(dist), "--index", "test", "--attestations", cwd=project.root, env=env)
    assert result.returncode == 2
    assert result.stderr == (
        "releasekit: error: --attestations needs an OIDC identity to sign with (a GitHub Actions job with "
        "'id-token: write'); there is none here, so nothing was uploaded\n"
    )
    assert files_of(servers.test, project.name) == {}


def test_trusted_publishing_uploads_with_the_minted_token(built: Built, tmp_path: Path) -> None:
    """GitHub's token endpoint and the index's exchange are stand-ins; twine and pypiserver are real.

    The module's one build, on an index of this test's own: first the exchange is refused (no
    trusted publisher yet), then the same set is published with the token the index mints.
    """
    minted = "pypi-minted-canary-0a1b2c3d4e5f"
    claims = {"aud": "testpypi", "repository": "owner/project", "environment": "testpypi"}
    state = OidcState(request_token="gha-request-canary-99", job_token=jwt(claims), minted=minted)
    project, dist = built.project, copy_of(built, tmp_path)
    with (
        pypiserver(tmp_path / "tp", name="tp", username="__token__", password=minted) as test_index,
        oidc_server(state) as oidc,
    ):
        env = {
            **CACHES,
            **test_index.env("RELEASEKIT_TEST_"),
            **test_index.env("RELEASEKIT_"),
            "ACTIONS_ID_TOKEN_REQUEST_URL": f"{oidc}/token?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": state.request_token,
            "RELEASEKIT_TEST_OIDC_URL": oidc,
            "GITHUB_ACTIONS": "true",
        }
        # Without a trusted publisher the index refuses the exchange: one line, nothing uploaded.
        state.refuse_mint = True
        refused = releasekit("publish", str(dist), "--index", "test", cwd=project.root, env=env)
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[-1].endswith(
            "HTTP 422: valid token, but no corresponding publisher; "
            "the job's OIDC claims: repository='owner/project', environment='testpypi'"
        )
        assert files_of(test_index, project.name) == {}
        assert state.job_token not in refused.stderr

        state.refuse_mint = False  # the trusted publisher configured: the same set goes up
        result = releasekit("publish", str(dist), "--index", "test", cwd=project.root, env=env)
        assert result.returncode == 0, result.output
        masked = [line for line in result.stdout.splitlines() if line.startswith("::add-mask::")]
        assert masked == [f"::add-mask::{state.job_token}", f"::add-mask::{minted}"]  # GitHub hides them from here on
        shown = "\n".join(line for line in result.output.splitlines() if not line.startswith("::add-mask::"))
        for secret in (minted, state.job_token, state.request_token):
            assert secret not in shown
        assert "uploading with Trusted Publishing" in result.stdout
        assert len(files_of(test_index, project.name)) == 2
        assert ("GET", "/_/oidc/audience") in state.requests
        assert ("GET", "/token?api-version=2.0&audience=testpypi") in state.requests
        assert ("POST", "/_/oidc/mint-token") in state.requests


COMPILED_FILES = {
    "pyproject.toml": """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[tool.bumpversion]
current_version = "0.3.0"

[[tool.bumpversion.files]]
filename = "setup.py"
search = 'version="{current_version}"'
replace = 'version="{new_version}"'

[tool.cibuildwheel]
build = "cp311-* cp312-*"
skip = "*-musllinux_*"

[tool.cibuildwheel.windows]
archs = ["AMD64"]
""",
    "setup.py": """\
from setuptools import Extension, setup

setup(
    name="fastthing",
    version="0.3.0",
    long_description=open("README.rst").read(),
    long_description_content_type="text/x-rst",
    ext_modules=[Extension("fastthing", ["src/speed.c"])],
)
""",
    "README.rst": "fastthing\n=========\n\nA compiled extension, built by cibuildwheel.\n",
    "MANIFEST.in": "include README.rst\n",
    "src/speed.c": '#include <Python.h>\nstatic struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "fastthing"};\n'
    "PyMODINIT_FUNC PyInit_fastthing(void) { return PyModuleDef_Init(&m); }\n",
}


def _cibuildwheel_lists(root: Path) -> list[str]:
    """What the real cibuildwheel says the matrix's runners build."""
    import subprocess
    import sys

    from releasekit.ci.wheelset import runners

    found: list[str] = []
    for runner in runners(root):
        cmd = [sys.executable, "-m", "cibuildwheel", "--print-build-identifiers"]
        cmd += ["--platform", runner.platform, "--archs", runner.arch, str(root)]
        found += subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=root).stdout.split()
    return sorted(found)


def _wheel_name(identifier: str) -> str:
    python, platform = identifier.split("-", 1)
    os_name, _, arch = platform.partition("_")
    tag = {"manylinux": f"manylinux_2_17_{arch}.manylinux2014_{arch}", "macosx": f"macosx_11_0_{arch}"}.get(
        os_name, platform
    )
    return f"fastthing-0.3.0-{python}-{python}-{tag}.whl"


def test_compiled_project_publishes_only_the_whole_cibuildwheel_set(tmp_path: Path, servers: Indexes) -> None:
    from releasekit.ci import manifest

    root = make_repo(tmp_path / "work", COMPILED_FILES)
    dist = tmp_path / "dist"
    result = releasekit("build", "--out", str(dist), cwd=root, env=CACHES)
    assert result.returncode == 0, result.output
    assert sorted(p.name for p in dist.iterdir()) == ["fastthing-0.3.0.tar.gz", "releasekit-manifest.json"]
    recorded = manifest.read(dist)
    expected = _cibuildwheel_lists(root)
    assert list(recorded.wheel_identifiers) == expected
    assert "cp312-win_amd64" in expected and not any("win_arm64" in i for i in expected)
    assert "cp311-manylinux_aarch64" in expected and "cp312-macosx_arm64" in expected

    # The wheels of every runner but one: refused, naming what is missing, nothing uploaded.
    missing = "cp312-macosx_arm64"
    for identifier in expected:
        if identifier != missing:
            (dist / _wheel_name(identifier)).write_bytes(b"wheel bytes from a runner")
    refused = run("publish", str(dist), "--index", "test", cwd=root, env=env_for(servers))
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"releasekit: error: {dist}: {REFUSED}: no wheel for {missing}")
    assert files_of(servers.test, "fastthing") == {}

    # A wheel no identifier asks for is refused too.
    (dist / _wheel_name(missing)).write_bytes(b"the last runner's wheel")
    (dist / "fastthing-0.3.0-cp310-cp310-win_amd64.whl").write_bytes(b"stray")
    stray = run("publish", str(dist), "--index", "test", cwd=root, env=env_for(servers))
    assert stray.returncode == 1
    assert "fastthing-0.3.0-cp310-cp310-win_amd64.whl matches no configured cibuildwheel identifier" in stray.stderr
    assert files_of(servers.test, "fastthing") == {}

    # The whole set: the sdist's recorded hash and one wheel per identifier.
    (dist / "fastthing-0.3.0-cp310-cp310-win_amd64.whl").unlink()
    accepted = manifest.check_set(dist, recorded)
    assert sorted(accepted) == sorted(["fastthing-0.3.0.tar.gz", *(_wheel_name(i) for i in expected)])


def test_a_rerun_after_a_partial_upload_uploads_only_the_rest(built: Built, tmp_path: Path) -> None:
    import subprocess
    import sys

    project = built.project
    with published_copy(built, tmp_path) as (dist, sdist, wheel, servers):
        # A run that stopped after its first upload: the index has the sdist only.
        twine = [sys.executable, "-m", "twine", "upload", "--non-interactive"]
        where = ["--repository-url", servers.test.upload_url, "-u", USER, "-p", CANARY]
        subprocess.run([*twine, *where, str(sdist)], check=True, capture_output=True)
        result = run("publish", str(dist), "--index", "test", cwd=project.root, env=env_for(servers))
        assert result.returncode == 0, result.output
        assert f"TestPyPI: uploaded {wheel.name}\n" in result.stdout
        assert f"TestPyPI: already served with the same bytes: {sdist.name}\n" in result.stdout
        assert files_of(servers.test, project.name) == {p.name: sha256_file(p) for p in (sdist, wheel)}


def test_an_index_holding_a_filename_with_other_bytes_stops_the_upload(built: Built, tmp_path: Path) -> None:
    project = built.project
    with published_copy(built, tmp_path) as (dist, sdist, wheel, servers):
        (servers.prod.packages / wheel.name).write_bytes(b"not the bytes that were built")
        result = run("publish", str(dist), "--index", "prod", cwd=project.root, env=env_for(servers))
        assert result.returncode == 1
        assert f"the index already holds {wheel.name} with other bytes" in result.stderr
        assert not (servers.prod.packages / sdist.name).exists()


def test_attestations_lying_beside_the_files_reach_the_index_with_each_upload(built: Built, tmp_path: Path) -> None:
    """twine sends an attestation only when it is among its inputs: the request carries the field."""
    from tests.helpers.recordingproxy import form_fields, recording_proxy

    project = built.project
    with published_copy(built, tmp_path) as (dist, _, _, servers):
        files = sorted(p.name for p in dist.iterdir() if p.name.endswith((".whl", ".tar.gz")))
        for name in files:  # as pypi-attestations sign leaves them (signing itself needs Sigstore, out of reach here)
            (dist / f"{name}.publish.attestation").write_text(json.dumps({"version": 1, "subject": name}))
        with recording_proxy(f"http://127.0.0.1:{servers.test.port}") as (proxy, requests):
            env = {
                **env_for(servers),
                "RELEASEKIT_TEST_UPLOAD_URL": f"{proxy}/",
                "RELEASEKIT_TEST_SIMPLE_URL": f"{proxy}/simple/",
                # an OIDC identity to sign with: the files are signed already, so it is never asked
                "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:9/token",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "req-canary",
            }
            result = run("publish", str(dist), "--index", "test", "--attestations", cwd=project.root, env=env)
        assert result.returncode == 0, result.output
        sent = {}
        for request in requests:
            if request.method == "POST":
                fields = form_fields(request.body)
                name = request.body.split(b'filename="', 1)[1].split(b'"', 1)[0].decode()
                sent[name] = json.loads(fields["attestations"])
        assert sent == {name: [{"version": 1, "subject": name}] for name in files}
        assert files_of(servers.test, project.name) == {name: sha256_file(dist / name) for name in files}
