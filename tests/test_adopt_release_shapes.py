"""Issue #22's shapes adopted with `init --yes`, then released to two local pypiservers by the first release.

No hand edits: each shape is built in a tmp dir as real projects keep it, ``releasekit init
--yes`` adopts it (what it changed is asserted), a fix and its fragment are committed, and
the first ``releasekit release --yes`` publishes it: the tag on origin, the same bytes on
both indexes, the fragment's entry in the changelog once. The one hand edit is shape 7's
fix commit, which is its point. The module's tests share one pair of indexes (the
``servers`` fixture), each project builds once, and each project's tests are one import.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

import pytest

from releasekit import config
from tests.helpers import adoption
from tests.helpers.cli import Result, releasekit, run
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.noxrun import tool_overrides
from tests.helpers.releaseproj import Project
from tests.helpers.releasing import CANARY, Indexes, files_of, index_env, release

pytestmark = pytest.mark.integration

FRAGMENT = "Fixed the thing."


class Adopted(NamedTuple):
    project: Project
    init: Result  # what `init --yes` printed
    changed: list[str]  # the files init wrote or removed
    changelog: str  # the news file the release writes


def adopt(tmp_path: Path, files: dict[str, str], name: str, tags: tuple[str, ...], *, lock: bool = False) -> Adopted:
    """The project with its tags on origin, after `init --yes`, the adoption commit, and a fix with its fragment."""
    module = name.replace("-", "_")
    root = adoption.project_repo(
        tmp_path, {**files, f"tests/test_{module}.py": adoption.import_test(module)}, tags=tags
    )
    if lock:
        subprocess.run(["uv", "lock", "--offline", "--quiet"], cwd=root, check=True, capture_output=True, timeout=120)
        commit_all(root, "Lock")
    git(root, "push", "-q", "origin", "main", "--tags")
    init = releasekit("init", "--yes", cwd=root)
    assert init.returncode == 0, init.output
    git(root, "add", "-A")
    changed = git(root, "diff", "--cached", "--name-only").splitlines()
    commit_all(root, "Adopt releasekit")
    fragments = config.load(root).fragments
    suffix = ".rst" if fragments.filename.endswith(".rst") else ".md"
    write_files(root, {f"{fragments.directory}/+fix.bugfix{suffix}": FRAGMENT + "\n"})
    commit_all(root, "A fix and its fragment")
    git(root, "push", "-q", "origin", "main")
    return Adopted(Project(root, tmp_path / "origin.git", name, module), init, changed, fragments.filename)


def assert_released(adopted: Adopted, servers: Indexes, result: Result, tags: list[str]) -> dict[str, str]:
    """The release passed, tagged, published the same bytes to both indexes, and wrote the entry once."""
    project = adopted.project
    assert result.returncode == 0, result.output
    assert git(project.root, "status", "--porcelain") == ""
    assert git(project.origin, "tag", "--list").splitlines() == tags
    assert git(project.origin, "rev-parse", f"{tags[-1]}^{{commit}}") == git(project.origin, "rev-parse", "main")
    built = files_of(servers.test, project)
    assert len(built) == 2 and built == files_of(servers.prod, project)
    changelog = git(project.origin, "show", f"{tags[-1]}:{adopted.changelog}")
    assert changelog.count(FRAGMENT) == 1, changelog
    return built


def adopt_and_release(tmp_path: Path, servers: Indexes, files: dict[str, str], name: str, tag: str) -> Adopted:
    adopted = adopt(tmp_path, files, name, (tag,), lock=name.startswith("locked"))
    result = release(adopted.project, "--yes", env=index_env(servers))
    major, minor, patch = tag[1:].split(".")
    assert_released(adopted, servers, result, [tag, f"v{major}.{minor}.{int(patch) + 1}"])
    return adopted


def sdist_names(servers: Indexes, project: Project) -> list[str]:
    """The members of the sdist on the production index, below its top directory."""
    (sdist,) = (servers.prod.packages / name for name in files_of(servers.prod, project) if name.endswith(".tar.gz"))
    with tarfile.open(sdist) as archive:
        return sorted(member.name.split("/", 1)[1] for member in archive.getmembers() if member.isfile())


def test_a_stale_bumpversion_configuration_releases_a_package_that_compiles(tmp_path: Path, servers: Indexes) -> None:
    """Shape 1."""
    files = adoption.stale_files("stale-shape")
    project = adopt_and_release(tmp_path, servers, files, "stale-shape", "v1.5.1").project
    init_py = (project.root / "src/stale_shape/__init__.py").read_text()
    assert "__version__ = '1.5.2'" in init_py
    compile(init_py, "__init__.py", "exec")
    assert git(project.origin, "tag", "--list").splitlines() == ["v1.5.1", "v1.5.2"]


SCM_DATA = {
    "src/scm_data/data/table.csv": "a,b\n1,2\n",
    "src/scm_data/data/words.txt": "alpha\nbeta\n",
    "src/scm_data/templates/page.html": "<p>{{ body }}</p>\n",
    "docs/index.md": "# scm-data\n",
    "examples/demo.py": "import scm_data\n",
}


def test_a_setuptools_scm_project_ships_its_tracked_files_without_a_manifest(tmp_path: Path, servers: Indexes) -> None:
    """Shape 2: versions from git tags, no MANIFEST.in, tracked data files the VCS file finder adds."""
    files = {
        "pyproject.toml": adoption.scm_pyproject("scm-data"),
        "README.md": "# scm-data\n\nVersions from git tags.\n",
        "src/scm_data/__init__.py": '"""scm-data."""\n',
        **SCM_DATA,
    }
    adopted = adopt_and_release(tmp_path, servers, files, "scm-data", "v1.4.0")
    assert "MANIFEST.in" not in adopted.changed and not (adopted.project.root / "MANIFEST.in").exists()
    assert "setup.cfg" not in adopted.changed  # versions from tags: no bump-my-version configuration
    assert "[tool.bumpversion]" not in (adopted.project.root / "pyproject.toml").read_text()
    held = sdist_names(servers, adopted.project)
    assert set(SCM_DATA) <= set(held), held


def test_a_setup_py_with_an_rst_readme_gets_its_content_type(tmp_path: Path, servers: Indexes) -> None:
    """Shape 3: setup.py, an rST README, no long_description_content_type (twine check --strict's warning)."""
    files = adoption.rst_setup_py_files("rst-readme", "rst-readme\n==========\n\nA *fine* package.\n")
    adopted = adopt_and_release(tmp_path, servers, files, "rst-readme", "v2.0.0")
    assert 'long_description_content_type="text/x-rst" added' in adopted.init.stdout
    setup_py = (adopted.project.root / "setup.py").read_text()
    assert '    version="2.0.1",\n' in setup_py
    assert 'long_description_content_type="text/x-rst",\n' in setup_py
    assert "setup.py" in adopted.changed


def test_a_uv_lock_moves_with_the_release(tmp_path: Path, servers: Indexes) -> None:
    """Shape 4."""
    project = adopt_and_release(
        tmp_path, servers, adoption.locked_files("locked-shape"), "locked-shape", "v8.5.0"
    ).project
    assert 'name = "locked-shape"\nversion = "8.5.1"\n' in (project.root / "uv.lock").read_text()
    check = ["uv", "lock", "--check", "--offline"]
    assert subprocess.run(check, cwd=project.root, capture_output=True, timeout=120).returncode == 0
    changed = git(project.origin, "diff", "--name-only", "v8.5.1~1", "v8.5.1").splitlines()
    assert "uv.lock" in changed


MARKER = "PROJECT-RELEASE-ENV-RAN"
# The project's own release: a build, then `twine upload dist/*` (here it leaves a marker instead).
OWN_RELEASE_ENV = adoption.own_release_tox_ini(f"python -c \"open('{MARKER}', 'w').close()\"")


def test_a_projects_own_tox_release_env_is_never_run(tmp_path: Path, servers: Indexes) -> None:
    """Shape 5: tox.ini has its own [testenv:release]; `tox -e releasekit-release` is what releases."""
    files = {
        **adoption.static_files("own-env", nox=False, tests=False),
        "tox.ini": OWN_RELEASE_ENV,
        ".gitignore": ".tox/\n",
    }
    adopted = adopt(tmp_path, files, "own-env", ("v0.4.0",))
    assert "`tox -e releasekit-release -- ...` for releasekit's release" in adopted.init.stdout
    assert "tox.ini" not in adopted.changed
    tox = [sys.executable, "-m", "tox", "-e", "releasekit-release", "--", "--yes"]
    result = run(tox, cwd=adopted.project.root, env=tool_overrides(index_env(servers)), timeout=1800)
    assert CANARY not in result.output
    assert "Released own-env 0.4.1" in result.stdout, result.output
    assert_released(adopted, servers, result, ["v0.4.0", "v0.4.1"])
    assert not (adopted.project.root / MARKER).exists()  # the project's env never ran
    assert 'version = "0.4.1"' in (adopted.project.root / "pyproject.toml").read_text()


PRE_COMMIT_CONFIG = """\
---
repos:
-   repo: local
    hooks:
    -   id: no-tabs
        name: no tabs
        entry: "\\t"
        language: pygrep
        files: \\.py$
...
"""


def test_a_pre_commit_config_with_an_end_marker_stays_valid(tmp_path: Path, servers: Indexes) -> None:
    """Shape 6: .pre-commit-config.yaml ends with the document end marker `...`."""
    files = {
        **adoption.static_files("end-marker", nox=False, tests=False),
        ".pre-commit-config.yaml": PRE_COMMIT_CONFIG,
    }
    adopted = adopt_and_release(tmp_path, servers, files, "end-marker", "v0.4.0")
    root = adopted.project.root
    assert ".pre-commit-config.yaml" in adopted.changed
    text = (root / ".pre-commit-config.yaml").read_text()
    assert text.startswith(PRE_COMMIT_CONFIG[: -len("...\n")]) and text.endswith("...\n")
    assert text.index("changelog-fragment") < text.rindex("...\n")
    validate = [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"]
    checked = subprocess.run(validate, cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = releasekit("init", "--dry-run", cwd=root)
    assert again.returncode == 0 and "not valid YAML" not in again.output, again.output


def test_a_fix_commit_after_a_failed_package_check_starts_the_release_again(tmp_path: Path, servers: Indexes) -> None:
    """Shape 7: the first release's package check fails, the maintainer commits a fix, the rerun releases."""
    files = adoption.static_files("fix-commit", nox=False, tests=False)
    files["README.rst"] = "fix-commit\n==========\n\nFine.\n"
    del files["README.md"]
    files["pyproject.toml"] = files["pyproject.toml"].replace('readme = "README.md"', 'readme = "README.rst"')
    adopted = adopt(tmp_path, files, "fix-commit", ("v0.4.0",))
    root = adopted.project.root
    write_files(root, {"README.rst": "fix-commit\n==========\n\nBroken `link <http://x\n\n.. nosuch::\n"})
    commit_all(root, "A README PyPI cannot render")
    git(root, "push", "-q", "origin", "main")
    env = index_env(servers)
    failed = release(adopted.project, "--yes", env=env)
    assert failed.returncode != 0 and "twine check" in failed.output, failed.output
    assert git(adopted.project.origin, "tag", "--list") == "v0.4.0"
    assert files_of(servers.test, adopted.project) == {}
    write_files(root, {"README.rst": files["README.rst"]})
    commit_all(root, "Fix the README")
    git(root, "push", "-q", "origin", "main")
    result = release(adopted.project, "--yes", env=env)
    assert "nothing was committed, tagged, pushed or uploaded yet: starting the release again" in result.output
    assert_released(adopted, servers, result, ["v0.4.0", "v0.4.1"])
    assert git(adopted.project.origin, "show", "v0.4.1:README.rst") == files["README.rst"].strip()
