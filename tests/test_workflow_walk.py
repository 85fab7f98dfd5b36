"""The generated release workflow, walked as GitHub would run it, against local indexes.

Every ``run:`` step of every job runs in bash in job order, artifacts passing between
jobs, releasekit installed by the workflow's own ``pip install --require-hashes`` from
the requirements file init writes (locked by ``uv pip compile`` against a local index
serving releasekit's own wheel and its dependencies). The publish action is a stand-in
that uploads the artifact folder with real twine and ``--attestations``; a recording
proxy in front of each pypiserver shows what twine sent. The test index also serves a
package named like the project's dependency: the verify jobs must never install it.
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from releasekit import config
from releasekit.ci import lock, manifest, workflow
from releasekit.indexes import sha256_file
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.pypi import LocalIndex, pypiserver
from tests.helpers.recordingproxy import Recorded, form_fields, recording_proxy
from tests.helpers.releaseproj import make_project
from tests.helpers.releasing import CACHES
from tests.helpers.wheelhouse import confusing_wheel, fill
from tests.helpers.workflowcheck import parse
from tests.helpers.workflowwalk import Walk

pytestmark = pytest.mark.integration

FAKE_GH = '#!/bin/sh\necho "$*" >> "$GH_LOG"\n[ "$1 $2" = "release view" ] && exit 1\nexit 0\n'
CONFUSED = "confused-dependency-was-installed"


class Site(NamedTuple):
    prod: LocalIndex
    test: LocalIndex
    prod_url: str  # the recording proxies in front of them
    test_url: str
    prod_requests: list[Recorded]
    test_requests: list[Recorded]
    python_bin: Path
    requirements: str
    compiled_requirements: str


def _runner_python(runner: Path) -> None:
    """The interpreter setup-python provides: a venv with pip, which the workflow's install step runs.

    uv seeds it from its cache (pip and setuptools, as ensurepip and a runner's Python have them) and
    compileall writes their bytecode once (PYTHONDONTWRITEBYTECODE would have every pip start compile
    pip again): about one CPU second. Where that cache holds no pip, ``python -m venv`` and ensurepip
    (about four CPU seconds) make it.
    """
    seed = ["uv", "venv", "--quiet", "--seed", "--offline", "--python", sys.executable, str(runner)]
    if subprocess.run(seed, env={**os.environ, **CACHES}, capture_output=True, timeout=300, check=False).returncode:
        shutil.rmtree(runner, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(runner)], check=True, timeout=300)
        return
    site = next(runner.glob("lib/python*/site-packages"))
    subprocess.run([runner / "bin" / "python", "-m", "compileall", "-q", "-q", str(site)], check=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base = tmp_path_factory.mktemp("walk-site")
    fill(base / "prod")
    confusing_wheel(base / "test", "idna", "99.0", CONFUSED)
    runner = base / "runner-python"
    _runner_python(runner)
    with (
        pypiserver(base / "prod", name="prod") as prod,
        pypiserver(base / "test", name="test") as test,
        recording_proxy(f"http://127.0.0.1:{prod.port}") as (prod_url, prod_requests),
        recording_proxy(f"http://127.0.0.1:{test.port}") as (test_url, test_requests),
    ):
        with pytest.MonkeyPatch.context() as patch:
            for key, value in CACHES.items():
                patch.setenv(key, value)
            patch.setenv("UV_DEFAULT_INDEX", f"{prod_url}/simple/")
            requirements = lock.requirements()
            # The local index holds the cibuildwheel installed here, not necessarily the action's release.
            patch.setattr(lock, "CIBUILDWHEEL", f"cibuildwheel=={importlib.metadata.version('cibuildwheel')}")
            compiled = lock.requirements(compiled=True)
        bin_dir = runner / "bin"
        yield Site(prod, test, prod_url, test_url, prod_requests, test_requests, bin_dir, requirements, compiled)


CHANGELOG = """\
# Changelog

<!-- towncrier release notes start -->

## 1.2.3 (2026-12-01)

### What's New

- The release the workflow walk publishes.
"""


def _pure_project(base: Path, tag_format: str) -> tuple[Path, str]:
    extra = '[tool.releasekit]\ntag_format = "{version}"\n' if tag_format == "1.2.3" else ""
    project = make_project(base, version="1.2.3", fragments={}, extra_pyproject=extra)
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\ndependencies = ["idna"]\n')
    )
    write_files(project.root, {"CHANGELOG.md": CHANGELOG})
    return project.root, project.name


SPEED_C = """\
#include <Python.h>
static struct PyModuleDef speed = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&speed); }
"""
SETUP_PY = """\
from setuptools import Extension, setup

setup(ext_modules=[Extension("{module}._speed", ["csrc/speed.c"])])
"""
CIBUILDWHEEL = """
[tool.check-manifest]
ignore = [".github/**"]

[tool.cibuildwheel]
build = "cp{py}-manylinux_x86_64"

[tool.cibuildwheel.linux]
archs = ["x86_64"]
"""


def _compiled_project(base: Path, tag_format: str) -> tuple[Path, str]:
    """The same project with a C extension, built by setuptools; cibuildwheel makes one wheel, on Linux."""
    root, name = _pure_project(base, tag_format)
    module = name.replace("-", "_")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('requires = ["hatchling>=1.18"]', 'requires = ["setuptools>=61"]')
    text = text.replace('build-backend = "hatchling.build"', 'build-backend = "setuptools.build_meta"')
    text += CIBUILDWHEEL.format(py=f"{sys.version_info[0]}{sys.version_info[1]}")
    write_files(
        root,
        {
            "pyproject.toml": text,
            "setup.py": SETUP_PY.format(module=module),
            "csrc/speed.c": SPEED_C,
            "MANIFEST.in": "include csrc/*.c CHANGELOG.md\nrecursive-include changelog.d *\n",
        },
    )
    return root, name


def _prepare(root: Path, site: Site, tag: str) -> str:
    from releasekit.ci.wheelset import has_extensions

    text = workflow.release_workflow(config.load(root))
    locked = site.compiled_requirements if has_extensions(root) else site.requirements
    write_files(root, {workflow.WORKFLOW_PATH: text, lock.REQUIREMENTS_PATH: locked})
    commit_all(root, "Release 1.2.3")
    git(root, "tag", tag)
    return text


def _uploads(requests: list[Recorded]) -> dict[str, list[dict[str, object]]]:
    """The files twine uploaded through a proxy, with the attestations sent beside each."""
    found: dict[str, list[dict[str, object]]] = {}
    for request in requests:
        if request.method != "POST":
            continue
        fields = form_fields(request.body)
        if fields.get(":action") != b"file_upload":
            continue
        name = request.body.split(b'filename="', 1)[1].split(b'"', 1)[0].decode()
        found[name] = json.loads(fields["attestations"]) if "attestations" in fields else []
    return found


@pytest.mark.parametrize("tag", ["v1.2.3", "1.2.3"])
@pytest.mark.parametrize("kind", ["pure", "compiled"])
def test_the_workflow_walks_to_both_indexes(tmp_path: Path, site: Site, kind: str, tag: str) -> None:
    marker = Path(os.environ.get("TMPDIR", "/tmp")) / CONFUSED
    marker.unlink(missing_ok=True)
    make = _compiled_project if kind == "compiled" else _pure_project
    root, name = make(tmp_path / "project", tag)
    text = _prepare(root, site, tag)
    gh = tmp_path / "gh-bin"
    gh.mkdir()
    (gh / "gh").write_text(FAKE_GH)
    (gh / "gh").chmod(0o755)
    before_prod, before_test = len(site.prod_requests), len(site.test_requests)
    walk = Walk(
        repo=root,
        tag=tag,
        base=tmp_path / "walk",
        python_bin=site.python_bin,
        uploads={
            "https://test.pypi.org/legacy/": f"{site.test_url}/",
            "https://upload.pypi.org/legacy/": f"{site.prod_url}/",
        },
        env={
            **CACHES,
            "PATH": f"{gh}{os.pathsep}{os.environ['PATH']}",
            "GH_LOG": str(tmp_path / "gh.log"),
            "PIP_INDEX_URL": f"{site.prod_url}/simple/",
            "PIP_FIND_LINKS": "",  # only the index: no wheels of this machine's own
            "RELEASEKIT_TEST_UPLOAD_URL": f"{site.test_url}/",
            "RELEASEKIT_TEST_SIMPLE_URL": f"{site.test_url}/simple/",
            "RELEASEKIT_UPLOAD_URL": f"{site.prod_url}/",
            "RELEASEKIT_SIMPLE_URL": f"{site.prod_url}/simple/",
            "RELEASEKIT_VERIFY_WAIT": "5",
        },
    )
    walk.run(text)

    jobs = [job for job, _ in walk.ran]
    assert list(dict.fromkeys(jobs)) == list(parse(text)["jobs"])
    for job in ("publish-testpypi", "publish-pypi"):
        assert [step for j, step in walk.ran if j == job] == [
            "actions/download-artifact",
            "pypa/gh-action-pypi-publish",
        ]
    checked = walk.base / "runs" / "check-0" / "dist"
    recorded = manifest.read(checked)
    assert recorded.project == name and recorded.version == "1.2.3"
    files = manifest.check_set(checked, recorded)
    wheels = [f for f in files if f.endswith(".whl")]
    assert len(wheels) == 1 and ("manylinux" in wheels[0]) == (kind == "compiled"), wheels
    for index, requests, before in (
        (site.test, site.test_requests, before_test),
        (site.prod, site.prod_requests, before_prod),
    ):
        served = {p.name: sha256_file(p) for p in index.packages.iterdir() if p.name.startswith(name.replace("-", "_"))}
        assert served == files
        uploads = _uploads(requests[before:])
        assert set(uploads) == set(files)
        for filename, attestations in uploads.items():  # the attestations field twine sent, for each file
            assert len(attestations) == 1, filename
            envelope = attestations[0]["envelope"]
            assert isinstance(envelope, dict)
            statement = json.loads(base64.b64decode(envelope["statement"]))
            assert statement["subject"][0]["name"] == filename
    # Only the project came from the test index; its dependency idna from the production index alone.
    asked = [r.path for r in site.test_requests[before_test:] if r.method == "GET"]
    assert asked and not [path for path in asked if "idna" in path], asked
    assert not marker.exists()
    gh_log = (tmp_path / "gh.log").read_text()
    assert f"release create {tag} --verify-tag --draft" in gh_log
    assert f"release edit {tag} --draft=false --latest=true" in gh_log
