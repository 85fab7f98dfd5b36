"""Issue #22's shapes adopted with `init --yes`, then released to two local pypiservers by the first release.

No hand edits: the stale bump-my-version configuration (a dead entry, a ``search`` that would
clobber its line) and the uv.lock that records the project's own version are both repaired
or taken up by init, and the first ``releasekit release --yes`` publishes the same bytes to
both indexes, with every version place (uv.lock included) at the new version.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.releaseproj import Project
from tests.helpers.releasing import Indexes, files_of, index_env, release
from tests.test_adopt_bump import LOCKED_PYPROJECT, stale_files

pytestmark = pytest.mark.integration


def adopt_and_release(tmp_path: Path, servers: Indexes, files: dict[str, str], name: str, tag: str) -> Project:
    module = name.replace("-", "_")
    test = f"import {module}\n\n\ndef test_it_imports():\n    assert {module}.__name__ == {module!r}\n"
    root = adoption.project_repo(tmp_path, {**files, f"tests/test_{module}.py": test}, tags=(tag,))
    if name.startswith("locked"):
        subprocess.run(["uv", "lock", "--offline", "--quiet"], cwd=root, check=True, capture_output=True, timeout=120)
        commit_all(root, "Lock")
    git(root, "push", "-q", "origin", "main", "--tags")
    init = releasekit("init", "--yes", cwd=root)
    assert init.returncode == 0, init.output
    commit_all(root, "Adopt releasekit")
    write_files(root, {"changelog.d/+fix.bugfix.md": "Fixed the thing.\n"})
    commit_all(root, "A fix and its fragment")
    git(root, "push", "-q", "origin", "main")
    project = Project(root, tmp_path / "origin.git", name, module)
    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    assert git(root, "status", "--porcelain") == ""
    built = files_of(servers.test, project)
    assert built and built == files_of(servers.prod, project)
    return project


def test_a_stale_bumpversion_configuration_releases_a_package_that_compiles(tmp_path: Path, servers: Indexes) -> None:
    files = stale_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace('name = "stale"', 'name = "stale-shape"')
    files = {k.replace("src/stale/", "src/stale_shape/"): v for k, v in files.items()}
    files["pyproject.toml"] = files["pyproject.toml"].replace("stale.__version__", "stale_shape.__version__")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        '"src/stale/__init__.py"', '"src/stale_shape/__init__.py"'
    )
    project = adopt_and_release(tmp_path, servers, files, "stale-shape", "v1.5.1")
    init_py = (project.root / "src/stale_shape/__init__.py").read_text()
    assert "__version__ = '1.5.2'" in init_py
    compile(init_py, "__init__.py", "exec")
    assert git(project.origin, "tag", "--list").splitlines() == ["v1.5.1", "v1.5.2"]


def test_a_uv_lock_moves_with_the_release(tmp_path: Path, servers: Indexes) -> None:
    pyproject = LOCKED_PYPROJECT.replace('name = "Lock_Pkg"', 'name = "locked-shape"')
    files = {"pyproject.toml": pyproject, "README.md": "# locked\n", "src/locked_shape/__init__.py": ""}
    project = adopt_and_release(tmp_path, servers, files, "locked-shape", "v8.5.0")
    assert 'name = "locked-shape"\nversion = "8.5.1"\n' in (project.root / "uv.lock").read_text()
    check = ["uv", "lock", "--check", "--offline"]
    assert subprocess.run(check, cwd=project.root, capture_output=True, timeout=120).returncode == 0
    changed = git(project.origin, "diff", "--name-only", "v8.5.1~1", "v8.5.1").splitlines()
    assert "uv.lock" in changed
