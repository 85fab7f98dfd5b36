"""The GitHub Actions release workflow of a project: ``.github/workflows/release.yml``.

A pushed release tag (or a manual rerun from that tag) builds once, publishes that one
build to TestPyPI and then PyPI from jobs that alone may ask for an OIDC token, each in
its own deployment environment, and ends with the GitHub release. A project with
compiled extensions gets cibuildwheel on a runner matrix instead of one building job,
plus one job for the sdist and the manifest.

The text is written here rather than through a YAML library: the workflow is small,
fixed in shape, and reads better as the file it becomes. ``release_workflow`` is what
``releasekit init --ci github`` writes.
"""

from __future__ import annotations

from typing import NamedTuple

from releasekit.config import Config

PYTHON = "3.12"
CIBUILDWHEEL = "cibuildwheel==4.3.5"
PYPI_ATTESTATIONS = "pypi-attestations==0.0.30"
WORKFLOW_FILE = "release.yml"
WORKFLOW_PATH = f".github/workflows/{WORKFLOW_FILE}"
TEST_ENVIRONMENT = "testpypi"
ENVIRONMENT = "pypi"


class Action(NamedTuple):
    """An action pinned to a full commit SHA, with the release that commit is."""

    name: str
    sha: str
    version: str

    def uses(self) -> str:
        """The ``uses:`` value with its version comment."""
        return f"{self.name}@{self.sha} # {self.version}"


# Every action the workflow uses, pinned by commit. GitHub is out of reach from where
# releasekit is developed: these SHAs and their tags were read from public workflows
# that pin them (see docs/ci.rst) and are kept current by Dependabot in adopting projects.
ACTIONS = {
    "checkout": Action("actions/checkout", "08c6903cd8c0fde910a37f88322edcfb5dd907a8", "v5.0.0"),
    "setup-python": Action("actions/setup-python", "a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "upload-artifact": Action("actions/upload-artifact", "ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    "download-artifact": Action("actions/download-artifact", "d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0"),
}


def _releasekit_requirement() -> str:
    from releasekit import __version__

    return f"releasekit=={__version__}"


def _index_site(upload_url: str) -> str | None:
    """The project page's site of a PyPI index, for the environment's URL; None for other indexes."""
    if "test.pypi.org" in upload_url:
        return "https://test.pypi.org"
    if "upload.pypi.org" in upload_url:
        return "https://pypi.org"
    return None


def _checkout(indent: str, *, full_history: bool = False) -> str:
    lines = [
        f"{indent}- uses: {ACTIONS['checkout'].uses()}",
        f"{indent}  with:",
        f"{indent}    persist-credentials: false",
    ]
    if full_history:
        lines.append(f"{indent}    fetch-depth: 0  # every tag: is this the newest release line?")
    return "\n".join(lines) + "\n"


def _setup(indent: str, *requirements: str) -> str:
    quoted = " ".join(f'"{r}"' for r in requirements)
    return (
        f"{indent}- uses: {ACTIONS['setup-python'].uses()}\n"
        f"{indent}  with:\n"
        f'{indent}    python-version: "{PYTHON}"\n'
        f"{indent}- name: Install the tools\n"
        f"{indent}  run: python -m pip install --disable-pip-version-check {quoted}\n"
    )


def _upload(indent: str, name: str, path: str, if_no_files: str) -> str:
    return (
        f"{indent}- uses: {ACTIONS['upload-artifact'].uses()}\n"
        f"{indent}  with:\n"
        f"{indent}    name: {name}\n"
        f"{indent}    path: {path}\n"
        f"{indent}    if-no-files-found: {if_no_files}\n"
    )


def _download(indent: str, compiled: bool) -> str:
    what = (
        f"{indent}  with:\n{indent}    pattern: dist-*\n{indent}    merge-multiple: true\n{indent}    path: dist\n"
        if compiled
        else f"{indent}  with:\n{indent}    name: dist\n{indent}    path: dist\n"
    )
    return f"{indent}- uses: {ACTIONS['download-artifact'].uses()}\n{what}"


def _publish_job(
    job: str, needs: str, environment: str, index: str, site: str | None, project: str | None, compiled: bool
) -> str:
    i = "      "
    url = f"\n      url: {site}/project/{project}/" if site and project else ""
    return (
        f"  {job}:\n"
        f"    name: Publish to {'TestPyPI' if index == 'test' else 'PyPI'}\n"
        f"    needs: [{needs}]\n"
        "    runs-on: ubuntu-24.04\n"
        "    environment:\n"
        f"      name: {environment}{url}\n"
        "    permissions:\n"
        "      contents: read  # the checkout: releasekit reads [tool.releasekit] for the index URLs\n"
        "      id-token: write  # Trusted Publishing and the attestations' signature\n"
        "    steps:\n"
        + _checkout(i)
        + _setup(i, _releasekit_requirement(), PYPI_ATTESTATIONS)
        + _download(i, compiled)
        + f"{i}- name: Publish the manifest's files, then verify what the index serves\n"
        f"{i}  run: releasekit publish dist --index {index} --attestations\n"
    )


# A manual run from a branch publishes nothing: only a release tag's commit is built.
_ON_A_TAG = "startsWith(github.ref, 'refs/tags/')"


def _releasekit_build_job(job: str, title: str, step: str, artifact: str, *requirements: str) -> str:
    """A job that runs ``releasekit build --out dist`` on a release tag and uploads dist/ as ``artifact``."""
    i = "      "
    return (
        f"  {job}:\n"
        f"    name: {title}\n"
        f"    if: {_ON_A_TAG}\n"
        "    runs-on: ubuntu-24.04\n"
        "    permissions:\n"
        "      contents: read\n"
        "    steps:\n" + _checkout(i) + _setup(i, _releasekit_requirement(), *requirements) + f"{i}- name: {step}\n"
        f"{i}  run: releasekit build --out dist\n" + _upload(i, artifact, "dist/", "error")
    )


def _build_jobs_pure() -> str:
    return _releasekit_build_job("build", "Build", "Build from a clean checkout, check, and write the manifest", "dist")


def _build_jobs_compiled(config: Config) -> str:
    from releasekit.ci.wheelset import runners

    i = "      "
    matrix = "".join(
        f"          - {{ os: {r.image}, platform: {r.platform}, arch: {r.arch} }}\n" for r in runners(config.root)
    )
    sdist = _releasekit_build_job(
        "sdist",
        "Build the sdist and the manifest",
        "Build the sdist, check it, and list the wheels cibuildwheel must make",
        "dist-sdist",
        CIBUILDWHEEL,
    )
    return (
        sdist + "\n"
        "  wheels:\n"
        "    name: Wheels on ${{ matrix.os }}\n"
        f"    if: {_ON_A_TAG}\n"
        "    runs-on: ${{ matrix.os }}\n"
        "    permissions:\n"
        "      contents: read\n"
        "    strategy:\n"
        "      fail-fast: true\n"
        "      matrix:\n"
        "        include:\n"
        + matrix
        + "    steps:\n"
        + _checkout(i)
        + _setup(i, CIBUILDWHEEL)
        + f"{i}- name: cibuildwheel\n"
        f"{i}  run: >-\n"
        f'{i}    python -m cibuildwheel --platform "$PLATFORM" --archs "$ARCH"\n'
        f"{i}    --output-dir wheelhouse --allow-empty\n"
        f"{i}  env:\n"
        f"{i}    PLATFORM: ${{{{ matrix.platform }}}}\n"
        f"{i}    ARCH: ${{{{ matrix.arch }}}}\n"
        + _upload(
            i,
            "dist-wheels-${{ matrix.platform }}-${{ matrix.arch }}",
            "wheelhouse/*.whl",
            "ignore  # releasekit publish refuses a set with a wheel missing",
        )
    )


def _github_release_job(needs: str, compiled: bool, tag_glob: str) -> str:
    i = "      "
    script = """\
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
    return (
        "  github-release:\n"
        "    name: GitHub release\n"
        f"    needs: [{needs}]\n"
        "    runs-on: ubuntu-24.04\n"
        "    permissions:\n"
        "      contents: write  # create the release and attach the files\n"
        "    steps:\n"
        + _checkout(i, full_history=True)
        + _setup(i, _releasekit_requirement())
        + _download(i, compiled)
        + f"{i}- name: Draft the release with the notes, attach the files, publish it\n"
        f"{i}  env:\n"
        f"{i}    GH_TOKEN: ${{{{ github.token }}}}\n"
        f"{i}    GH_REPO: ${{{{ github.repository }}}}\n"
        f"{i}    TAG: ${{{{ github.ref_name }}}}\n"
        f'{i}    TAG_GLOB: "{tag_glob}"\n'
        f"{i}  run: |\n" + script
    )


def _tag_glob(config: Config) -> str:
    """The push filter of release tags: the project's tag format with the version as ``[0-9]*``."""
    from releasekit.tags import release_tags

    return release_tags(config.root, config.tag_format)[0].glob


def release_workflow(config: Config) -> str:
    """The text of ``.github/workflows/release.yml`` for the project of ``config``."""
    from releasekit.ci.wheelset import has_extensions

    compiled = has_extensions(config.root)
    tag_glob = _tag_glob(config)
    builds = "sdist, wheels" if compiled else "build"
    test_site = _index_site(config.test_index.upload_url)
    site = _index_site(config.index.upload_url)
    header = (
        "# The release workflow, written by releasekit (releasekit init --ci github). See docs/ci.rst of releasekit:\n"
        "# PyPI and TestPyPI need a trusted publisher for this file and its environment, and GitHub the\n"
        "# environments 'testpypi' and 'pypi' (with required reviewers for 'pypi').\n"
        "name: release\n"
        "\n"
        "on:\n"
        "  push:\n"
        "    tags:\n"
        f'      - "{tag_glob}"\n'
        "  workflow_dispatch:  # run it again from the tag (Use workflow from: Tags) after a failure\n"
        "\n"
        "permissions: {}\n"
        "\n"
        "concurrency:\n"
        "  group: release-${{ github.ref }}\n"
        "  cancel-in-progress: false\n"
        "\n"
        "jobs:\n"
    )
    builds_text = _build_jobs_compiled(config) if compiled else _build_jobs_pure()
    project = config.project_name
    jobs = [
        builds_text,
        _publish_job("publish-testpypi", builds, TEST_ENVIRONMENT, "test", test_site, project, compiled),
        _publish_job("publish-pypi", f"{builds}, publish-testpypi", ENVIRONMENT, "prod", site, project, compiled),
        _github_release_job(f"{builds}, publish-pypi", compiled, tag_glob),
    ]
    return header + "\n".join(jobs)
