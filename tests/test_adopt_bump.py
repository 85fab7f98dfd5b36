"""`releasekit init` repairs a bump-my-version configuration that its release would trip on.

Issue #22's first shape: a ``[tool.bumpversion]`` left over from years ago, with a stale
``current_version``, an entry that can no longer match (``version = "{current_version}"``
in a pyproject whose version became dynamic) and one whose ``search`` holds the whole line
and has no ``replace`` (bump-my-version's default ``{new_version}`` writes the bare version
over it). init fixes all three and says why; the adopted project passes ``check versions``
and real bump-my-version's bump leaves a package that compiles. A legacy INI file in
``key: value`` syntax migrates as the ``key = value`` one does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from releasekit.config import read_toml
from tests.helpers import adoption
from tests.helpers.adoption import init, locked_files, stale_files
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all


def test_check_versions_names_the_dead_and_the_clobbering_entries(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, stale_files(current="1.5.1"))
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert (
        "pyproject.toml:20:1: [[tool.bumpversion.files]] entry 2 (src/stale/__init__.py): search "
        "\"__version__ = '{current_version}'\" holds text around the version and there is no replace"
    ) in result.output
    assert "pyproject.toml:1:1: no version found; expected 1.5.1" in result.output


def test_init_drops_the_dead_entry_and_adds_the_missing_replace(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, stale_files())
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert "[tool.bumpversion] current_version 1.4.0 was stale: the project is at 1.5.1" in out
    assert (
        "[tool.bumpversion] files entry 1 (pyproject.toml) dropped: its search 'version = \"{current_version}\"' "
        "matches nothing in pyproject.toml at 1.5.1, so bump-my-version would stop the release's bump"
    ) in out
    assert (
        "[tool.bumpversion] files entry 2 (src/stale/__init__.py): replace = \"__version__ = '{new_version}'\" "
        "added: without it bump-my-version writes the bare new version over the whole of "
        "\"__version__ = '{current_version}'\""
    ) in out
    table = read_toml(repo / "pyproject.toml")["tool"]["bumpversion"]
    assert table["current_version"] == "1.5.1"
    assert table["files"] == [
        {
            "filename": "src/stale/__init__.py",
            "search": "__version__ = '{current_version}'",
            "replace": "__version__ = '{new_version}'",
        }
    ]
    commit_all(repo, "Adopt releasekit")
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    # Real bump-my-version on the adopted configuration: the package still compiles, at the new version.
    bump = [sys.executable, "-m", "bumpversion", "bump", "--new-version", "1.5.2", "--no-commit", "--no-tag"]
    subprocess.run(bump, cwd=repo, check=True, capture_output=True, timeout=120)
    init_py = (repo / "src/stale/__init__.py").read_text()
    assert "__version__ = '1.5.2'" in init_py
    compile(init_py, "__init__.py", "exec")


def test_a_legacy_ini_file_in_colon_syntax_migrates(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.py": (
            'from setuptools import setup\n\nsetup(name="colon", version="0.9.0", '
            'long_description="Colon.", long_description_content_type="text/plain")\n'
        ),
        ".bumpversion.cfg": (
            "[bumpversion]\ncurrent_version: 0.9.0\ncommit: True\n\n"
            '[bumpversion:file:setup.py]\nsearch: version="{current_version}"\nreplace: version="{new_version}"\n'
        ),
    }
    repo = adoption.project_repo(tmp_path, files)
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert not (repo / ".bumpversion.cfg").exists()
    table = read_toml(repo / "pyproject.toml")["tool"]["bumpversion"]
    assert table["current_version"] == "0.9.0"
    assert table["commit"] is True
    assert table["files"][0] == {
        "filename": "setup.py",
        "search": 'version="{current_version}"',
        "replace": 'version="{new_version}"',
    }


def test_uv_lock_is_a_version_place_kept_in_step(tmp_path: Path) -> None:
    """Issue #22's fourth shape: uv.lock records the project's own version; the release commit must move it."""
    repo = adoption.project_repo(tmp_path, locked_files())
    uv_lock = ["uv", "lock", "--offline", "--quiet"]
    subprocess.run(uv_lock, cwd=repo, check=True, capture_output=True, timeout=120)
    assert 'name = "lock-pkg"\nversion = "8.5.0"\n' in (repo / "uv.lock").read_text()
    commit_all(repo, "Lock")
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert "uv.lock (uv.lock's entry for the project itself)" in out
    entry = read_toml(repo / "pyproject.toml")["tool"]["bumpversion"]["files"][-1]
    assert entry == {
        "filename": "uv.lock",
        "search": 'name = "lock-pkg"\nversion = "{current_version}"',
        "replace": 'name = "lock-pkg"\nversion = "{new_version}"',
    }
    commit_all(repo, "Adopt releasekit")
    # The release's bump (bump-my-version, as the commit step runs it) keeps uv.lock in step.
    bump = [sys.executable, "-m", "bumpversion", "bump", "--new-version", "8.5.1", "--no-commit", "--no-tag"]
    subprocess.run(bump, cwd=repo, check=True, capture_output=True, timeout=120)
    check = subprocess.run(
        [*uv_lock[:2], "--check", "--offline"], cwd=repo, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stderr
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    # A uv.lock left behind is version-sync's finding.
    (repo / "uv.lock").write_text((repo / "uv.lock").read_text().replace('version = "8.5.1"', 'version = "8.5.0"'))
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert "uv.lock:7:12: expected 8.5.1, found 8.5.0" in result.output


SETUP_CFG = """\
[metadata]
name = cfgbump
version = 1.5.1
long_description = file: README.md
long_description_content_type = text/markdown

[options]
package_dir =
    = src
packages = find:

[bumpversion]
current_version: 1.4.0
commit: True

[bumpversion:file:setup.cfg]
search = version = {current_version}
replace = version = {new_version}

[bumpversion:file:pyproject.toml]
search = version = "{current_version}"

[bumpversion:file:src/cfgbump/__init__.py]
search = __version__ = '{current_version}'

[options.packages.find]
where = src
"""


def test_a_bumpversion_section_in_setup_cfg_is_repaired_as_the_dotfile_is(tmp_path: Path) -> None:
    """setup.cfg's [bumpversion], read by bump-my-version as the dotfile is: stale, dead, clobbering, `key: value`."""
    files = {
        "pyproject.toml": adoption.SETUPTOOLS_PYPROJECT,
        "setup.cfg": SETUP_CFG,
        "src/cfgbump/__init__.py": "__version__ = '1.5.1'\n",
        "README.md": "# cfgbump\n",
    }
    repo = adoption.project_repo(tmp_path, files)
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert "setup.cfg current_version 1.4.0 was stale: the project is at 1.5.1" in out
    assert "setup.cfg files entry 2 (pyproject.toml) dropped: its search" in out
    assert "setup.cfg files entry 3 (src/cfgbump/__init__.py): replace = \"__version__ = '{new_version}'\" added" in out
    # The sections moved to [tool.bumpversion]; the rest of setup.cfg is as it was.
    assert (repo / "setup.cfg").read_text() == SETUP_CFG.split("[bumpversion]")[
        0
    ] + "[options.packages.find]\nwhere = src\n"
    table = read_toml(repo / "pyproject.toml")["tool"]["bumpversion"]
    assert (table["current_version"], table["commit"]) == ("1.5.1", True)
    assert [entry.get("replace") for entry in table["files"]] == [
        "version = {new_version}",
        "__version__ = '{new_version}'",
    ]
    commit_all(repo, "Adopt releasekit")
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    show = [sys.executable, "-m", "bumpversion", "show", "current_version"]
    assert subprocess.run(show, cwd=repo, capture_output=True, text=True, timeout=120).stdout.strip() == "1.5.1"
    # releasekit's simulated bump, then real bump-my-version's: the same bytes, files that parse.
    from releasekit import bumpsim, config

    simulated = {f.path: f.after for f in bumpsim.simulate(repo, config.load(repo).require_version(), "1.5.2").files}
    bump = [sys.executable, "-m", "bumpversion", "bump", "--new-version", "1.5.2", "--no-commit", "--no-tag"]
    subprocess.run(bump, cwd=repo, check=True, capture_output=True, timeout=120)
    assert sorted(simulated) == ["setup.cfg", "src/cfgbump/__init__.py"]
    assert all((repo / path).read_text() == text for path, text in simulated.items())
    assert "version = 1.5.2\n" in (repo / "setup.cfg").read_text()
    init_py = (repo / "src/cfgbump/__init__.py").read_text()
    assert init_py == "__version__ = '1.5.2'\n"
    compile(init_py, "__init__.py", "exec")
    assert read_toml(repo / "pyproject.toml")["tool"]["bumpversion"]["current_version"] == "1.5.2"
