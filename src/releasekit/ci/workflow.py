"""The GitHub Actions release workflow of a project: ``.github/workflows/release.yml``.

A pushed release tag (or a manual rerun from that tag) builds once; a job without any
token checks the downloaded set against the build's manifest; then, for TestPyPI and
then PyPI, a job that alone may ask for an OIDC token runs nothing but the maintained
``pypa/gh-action-pypi-publish`` on the downloaded files, and a job without it checks the
bytes the index serves and installs the release in a fresh environment. The GitHub
release comes last. A project with compiled extensions gets cibuildwheel on a runner
matrix instead of one building job, plus one job for the sdist and the manifest.

releasekit runs in the jobs without ``id-token``, installed from the hash-locked
requirements file ``init`` writes beside the workflow. Every value taken from the
project is checked for what it is and written by a YAML emitter (``releasekit.ci.yamlout``).
``release_workflow`` is what ``releasekit init --ci github`` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from releasekit.ci.actions import ACTIONS, check_pins
from releasekit.ci.lock import REQUIREMENTS_PATH, python_version
from releasekit.ci.wheelset import has_extensions, runners
from releasekit.ci.yamlout import Block, Commented, dump, https_url, project_name, tag_glob
from releasekit.config import Config
from releasekit.errors import ReleasekitError
from releasekit.safefiles import read_bytes
from releasekit.tags import release_tags

WORKFLOW_FILE = "release.yml"
WORKFLOW_PATH = f".github/workflows/{WORKFLOW_FILE}"
ALTERNATE_PATH = ".github/workflows/releasekit-release.yml"  # where the project has a release.yml of its own
TEST_ENVIRONMENT = "testpypi"
ENVIRONMENT = "pypi"
PYPI_UPLOAD = "https://upload.pypi.org/legacy/"
_SITES = {"https://test.pypi.org/legacy/": "https://test.pypi.org", PYPI_UPLOAD: "https://pypi.org"}
# A manual run from a branch publishes nothing: only a release tag's commit is built.
_ON_A_TAG = "startsWith(github.ref, 'refs/tags/')"
_RUNNER = "ubuntu-24.04"
_READ = Commented({"contents": "read"}, {"contents": "the checkout"})
MANIFEST_ARTIFACT = "manifest"


def _uses(key: str, with_: dict[str, Any] | None = None, **extra: Any) -> Commented:
    action = ACTIONS[key]
    step: dict[str, Any] = {"uses": action.ref(), **extra}
    if with_:
        step["with"] = with_
    return Commented(step, {"uses": action.version})


def _run(name: str, command: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"name": name, "shell": "bash"}  # bash on every runner, Windows included
    if env:
        step["env"] = env
    step["run"] = Block(command) if "\n" in command else command
    return step


def _checkout(full_history: bool = False) -> Commented:
    with_: dict[str, Any] = {"persist-credentials": False}
    if full_history:
        with_["fetch-depth"] = 0  # every tag: is this the newest release line?
    return _uses("checkout", with_)


def _releasekit() -> list[Any]:
    """Python, and releasekit from the hash-locked requirements file."""
    return [
        _uses("setup-python", {"python-version": python_version()}),  # the one the requirements were locked for
        _run(
            "Install releasekit (hash-locked)",
            f"python -m pip install --disable-pip-version-check --require-hashes -r {REQUIREMENTS_PATH}",
        ),
    ]


def _download(compiled: bool, manifest: bool = False) -> list[Any]:
    files = (
        {"pattern": "dist-*", "merge-multiple": True, "path": "dist"} if compiled else {"name": "dist", "path": "dist"}
    )
    steps = [_uses("download-artifact", files)]
    if manifest:
        steps.append(_uses("download-artifact", {"name": MANIFEST_ARTIFACT, "path": "dist"}))
    return steps


def _upload(name: str, path: str, if_no_files: str = "error") -> Commented:
    return _uses(
        "upload-artifact",
        {"name": name, "path": Block(path) if "\n" in path else path, "if-no-files-found": if_no_files},
    )


def _job(title: str, needs: list[str] | None, permissions: Any, steps: list[Any], **extra: Any) -> dict[str, Any]:
    job: dict[str, Any] = {"name": title}
    if needs:
        job["needs"] = needs
    job.update(extra)
    job["runs-on"] = extra.pop("runs-on", _RUNNER)
    job["permissions"] = permissions
    job["steps"] = steps
    return job


def _build_job(title: str, step: str, artifact: str, files: str) -> dict[str, Any]:
    """``releasekit build --out dist`` on a release tag: the files as ``artifact``, the manifest on its own."""
    steps = [
        _checkout(),
        *_releasekit(),
        _run(step, "releasekit build --out dist"),
        _upload(artifact, files),
        _upload(MANIFEST_ARTIFACT, "dist/releasekit-manifest.json"),
    ]
    return _job(title, None, _READ, steps, **{"if": _ON_A_TAG})


def _wheels_job(config: Config) -> dict[str, Any]:
    matrix = [{"os": r.image, "platform": r.platform, "arch": r.arch} for r in runners(config.root)]
    cibuildwheel = _uses(
        "cibuildwheel",
        {"output-dir": "wheelhouse"},
        env={
            "CIBW_PLATFORM": "${{ matrix.platform }}",
            "CIBW_ARCHS": "${{ matrix.arch }}",
            "CIBW_ALLOW_EMPTY": "true",  # releasekit publish --check-only refuses a set with a wheel missing
        },
    )
    steps = [
        _checkout(),
        cibuildwheel,
        _upload("dist-wheels-${{ matrix.platform }}-${{ matrix.arch }}", "wheelhouse/*.whl", "ignore"),
    ]
    return _job(
        "Wheels on ${{ matrix.os }}",
        ["sdist"],
        _READ,
        steps,
        **{
            "if": _ON_A_TAG,
            "runs-on": "${{ matrix.os }}",
            "strategy": {"fail-fast": True, "matrix": {"include": matrix}},
        },
    )


def _check_job(builds: list[str], compiled: bool) -> dict[str, Any]:
    steps = [
        _checkout(),
        *_releasekit(),
        *_download(compiled, manifest=True),
        _run(
            "Check the downloaded set against the manifest: complete, untampered, one version",
            "releasekit publish dist --check-only",
        ),
    ]
    return _job("Check the set", builds, _READ, steps)


def _publish_job(
    title: str, needs: str, environment: str, upload_url: str, name: str | None, compiled: bool
) -> dict[str, Any]:
    """The only steps where a token can be minted: the files, then the maintained publisher."""
    with_ = {} if upload_url == PYPI_UPLOAD else {"repository-url": upload_url}
    env: dict[str, str] = {"name": environment}
    if upload_url in _SITES and name is not None:
        env["url"] = f"{_SITES[upload_url]}/project/{name}/"
    permissions = Commented({"id-token": "write"}, {"id-token": "Trusted Publishing and the attestations"})
    steps = [*_download(compiled), _uses("pypi-publish", with_ or None)]
    return _job(title, [needs], permissions, steps, environment=env)


def _verify_job(title: str, needs: str, index: str, compiled: bool) -> dict[str, Any]:
    steps = [
        _checkout(),
        *_releasekit(),
        *_download(compiled, manifest=True),
        _run(
            "Compare the served bytes with the manifest, install the release in a fresh environment",
            f"releasekit publish dist --verify-only --index {index}",
        ),
    ]
    return _job(title, [needs], _READ, steps)


_RELEASE_SCRIPT = """\
set -euo pipefail
version="$(python -c 'import json; print(json.load(open("dist/releasekit-manifest.json"))["version"])')"
releasekit notes "$version" > "$RUNNER_TEMP/notes.md"
# Only the newest release line is "latest": a hotfix of an older minor never is.
newest="$(git tag --list "$TAG_GLOB" --sort=-version:refname \\
  | grep -Ev '(a|b|rc)[0-9]+$' | head -n 1 || true)"
latest=false
if [ "$newest" = "$TAG" ]; then latest=true; fi
prerelease=()
case "$version" in *a[0-9]*|*b[0-9]*|*rc[0-9]*) prerelease=(--prerelease) ;; esac
if draft="$(gh release view "$TAG" --json isDraft --jq .isDraft 2>/dev/null)"; then
  if [ "$draft" = "false" ]; then echo "the release of $TAG is published already"; exit 0; fi
else
  # A draft first: files can be attached to it, and publishing it last suits immutable releases.
  gh release create "$TAG" --verify-tag --draft --title "$TAG" --notes-file "$RUNNER_TEMP/notes.md" \\
    --latest="$latest" "${prerelease[@]}"
fi
gh release upload "$TAG" --clobber dist/*.tar.gz dist/*.whl
gh release edit "$TAG" --draft=false --latest="$latest"
"""


def _github_release_job(compiled: bool, glob: str) -> dict[str, Any]:
    env = {
        "GH_TOKEN": "${{ github.token }}",
        "GH_REPO": "${{ github.repository }}",
        "TAG": "${{ github.ref_name }}",
        "TAG_GLOB": glob,
    }
    steps = [
        _checkout(full_history=True),
        *_releasekit(),
        *_download(compiled, manifest=True),
        _run("Draft the release with the notes, attach the files, publish it", _RELEASE_SCRIPT, env),
    ]
    permissions = Commented({"contents": "write"}, {"contents": "create the release and attach the files"})
    return _job("GitHub release", ["verify-pypi"], permissions, steps)


def _tag_glob(config: Config) -> str:
    """The push filter of release tags: the project's tag format with the version as ``[0-9]*``."""
    return tag_glob(release_tags(config.root, config.tag_format)[0].glob)


MARKER = "written by releasekit (releasekit init --ci github)"  # how init knows a workflow is its own
HEADER = (
    f"The release workflow, {MARKER}. See docs/ci.rst of releasekit:",
    "PyPI and TestPyPI need a trusted publisher for this file and its environment, and GitHub the",
    "environments 'testpypi' and 'pypi' (with required reviewers for 'pypi').",
)


def workflow_path(root: Path) -> str:
    """The release workflow's path in ``root``: the one releasekit wrote (its header says so), else release.yml."""
    for rel in (WORKFLOW_PATH, ALTERNATE_PATH):
        try:
            if MARKER.encode() in read_bytes(root, rel, "config", symlinks=False):
                return rel
        except (OSError, ReleasekitError):
            continue
    return WORKFLOW_PATH


def release_workflow(config: Config) -> str:
    """The text of ``.github/workflows/release.yml`` for the project of ``config``."""
    check_pins()
    name = project_name(config.project_name)
    glob = _tag_glob(config)
    test_url = https_url(config.test_index.upload_url, "the test index's upload URL")
    prod_url = https_url(config.index.upload_url, "the production index's upload URL")
    compiled = has_extensions(config.root)
    jobs: dict[str, Any] = {}
    if compiled:
        jobs["sdist"] = _build_job(
            "Build the sdist and the manifest",
            "Build the sdist, check it, and list the wheels cibuildwheel must make",
            "dist-sdist",
            "dist/*.tar.gz",
        )
        jobs["wheels"] = _wheels_job(config)
        builds = ["sdist", "wheels"]
    else:
        jobs["build"] = _build_job(
            "Build", "Build from a clean checkout, check, and write the manifest", "dist", "dist/*.whl\ndist/*.tar.gz\n"
        )
        builds = ["build"]
    jobs["check"] = _check_job(builds, compiled)
    jobs["publish-testpypi"] = _publish_job("Publish to TestPyPI", "check", TEST_ENVIRONMENT, test_url, name, compiled)
    jobs["verify-testpypi"] = _verify_job("Verify TestPyPI", "publish-testpypi", "test", compiled)
    jobs["publish-pypi"] = _publish_job("Publish to PyPI", "verify-testpypi", ENVIRONMENT, prod_url, name, compiled)
    jobs["verify-pypi"] = _verify_job("Verify PyPI", "publish-pypi", "prod", compiled)
    jobs["github-release"] = _github_release_job(compiled, glob)
    data = {
        "name": "release",
        "on": Commented(
            {"push": {"tags": [glob]}, "workflow_dispatch": None},
            {"workflow_dispatch": "run it again from the tag (Use workflow from: Tags) after a failure"},
        ),
        "permissions": {},
        "concurrency": {"group": "release-${{ github.ref }}", "cancel-in-progress": False},
        "jobs": jobs,
    }
    return dump(data, HEADER)
