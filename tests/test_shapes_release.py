"""Projects in the shapes real ones have, released end to end: real git, pypiservers, build, twine.

Each project is configured as its maintainer would have it, by hand: a setup.py project
with a legacy .bumpversion.cfg and an rST changelog on master; a setuptools-scm project
whose version comes from the tag; a static [project] version without bump-my-version
configuration; a hatch project reading ``__version__``. Each one passes ``check versions``
and ``check fragments``, gets one version's section from ``notes``, and is released to
two local indexes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.github_api import fake_github
from tests.helpers.gitrepo import add_origin, commit_all, git, make_repo, write_files
from tests.helpers.legacy import BUGFIX, FEATURE, TRIVIAL, Release, setup_py_files
from tests.helpers.releaseproj import Project, unique_name
from tests.helpers.releasing import Indexes, files_of, index_env, release

pytestmark = pytest.mark.integration


def _project(tmp_path: Path, name: str, files: dict[str, str], *, branch: str = "main") -> Project:
    module = name.replace("-", "_")
    # A real project has tests: the release's tests gate runs them (pytest in a fresh environment).
    smoke = f"import {module}\n\n\ndef test_the_package_imports():\n    assert {module}.__name__ == {module!r}\n"
    root = make_repo(tmp_path / "work", {**files, "tests/test_import.py": smoke}, branch=branch)
    origin = add_origin(root, tmp_path / "origin.git", branch=branch)
    return Project(root, origin, name, name.replace("-", "_"))


def _change_with_fragment(project: Project, branch: str, source: str, fragment: str, text: str) -> None:
    """A source change and its fragment, staged: ``check fragments`` judges it, then it is committed and pushed."""
    path = project.root / source
    path.write_text(path.read_text() + "\n\ndef shout(text):\n    return text.upper()\n")
    write_files(project.root, {fragment: text})
    git(project.root, "add", "-A")
    checked = releasekit("check", "fragments", cwd=project.root)
    assert checked.returncode == 0, checked.output
    commit_all(project.root, "Add shout()")
    git(project.root, "push", "-q", "origin", branch)


def _released(project: Project, servers: Indexes, version: str, branch: str) -> None:
    tag = f"v{version}"
    log = git(project.origin, "log", "--format=%s", branch).splitlines()
    assert log[0] == f"Release {tag}" and log.count(f"Release {tag}") == 1
    assert git(project.origin, "rev-parse", f"{tag}^{{commit}}") == git(project.origin, "rev-parse", branch)
    on_test, on_prod = files_of(servers.test, project), files_of(servers.prod, project)
    assert len(on_test) == 2 and on_test == on_prod
    assert all(version in name for name in on_test)


def _show(project: Project, version: str, path: str) -> str:
    return git(project.origin, "show", f"v{version}:{path}")


# --- (a) setup.py, legacy .bumpversion.cfg, rST changelog, towncrier's own types, master ----------

# towncrier's own types, in its order of old, and one of the project's own: a vendored library.
LEGACY_TYPES = (
    ("removal", "Removals", True),
    FEATURE,
    BUGFIX,
    ("vendor", "Vendored libraries", True),
    TRIVIAL,
)
LEGACY_HISTORY = (
    Release("1.4.2", "2025-06-01", "Bugfixes", "Fixed the old crash."),
    Release("1.4.0", "2025-01-01", "Features", "The first feature."),
)


def legacy_files(name: str) -> dict[str, str]:
    """A setup.py project as it has been kept for years: its .bumpversion.cfg current, Sphinx docs."""
    return setup_py_files(
        name,
        "1.4.2",
        history=LEGACY_HISTORY,
        types=LEGACY_TYPES,
        cfg_lists_package=True,
        docs=True,
        underlines="~^",
        titles_named=True,
        extensions=False,
        github="owner/legacy",
        sdist_cfg=True,
    )


def test_setup_py_legacy_cfg_rst_changelog_on_master(tmp_path: Path, servers: Indexes) -> None:
    name = unique_name("rk-legacy")
    module = name.replace("-", "_")
    project = _project(tmp_path, name, legacy_files(name), branch="master")
    git(project.root, "tag", "-a", "v1.4.2", "-m", "Release v1.4.2")
    git(project.root, "push", "-q", "origin", "v1.4.2")

    checked = releasekit("check", "versions", cwd=project.root)
    assert checked.returncode == 0, checked.output
    assert "versions: 4 files hold 1.4.2" in checked.stderr
    notes = releasekit("notes", "1.4.2", cwd=project.root)
    assert notes.returncode == 0, notes.output
    assert notes.stdout == "### Bugfixes\n\n- Fixed the old crash.\n"  # as Markdown, for the GitHub release
    # The project's own format: no extension, its own types (a vendor change suggests a minor release).
    _change_with_fragment(project, "master", f"src/{module}/__init__.py", "changelog/12.feature", "Added shout().\n")
    write_files(project.root, {"changelog/+urllib3.vendor": "Vendored urllib3 2.2.\n"})
    commit_all(project.root, "Vendor urllib3")
    git(project.root, "push", "-q", "origin", "master")

    dry = release(project, "minor", "--dry-run", env=index_env(servers))
    assert dry.returncode == 0, dry.output
    assert "Added shout()." in dry.stdout and "Fixed the old crash." not in dry.stdout  # the plan's notes
    token = "ghp_canary_legacy_0000111122223333"
    with fake_github(token, "owner/legacy") as (api_url, github):
        env = index_env(servers, GITHUB_TOKEN=token, RELEASEKIT_GITHUB_API_URL=api_url)
        result = release(project, "minor", "--yes", env=env)
    assert result.returncode == 0, result.output
    _released(project, servers, "1.5.0", "master")
    body = github.releases["v1.5.0"]["body"]
    assert body.startswith("### Features\n\n- Added shout(). (#12)\n") and "Vendored urllib3 2.2." in body
    assert "Fixed the old crash." not in body and "~~~" not in body and "^^^" not in body
    summary = result.stdout.split("Release notes:", 1)[1]
    assert "Added shout()." in summary and "Fixed the old crash." not in summary
    assert 'version="1.5.0"' in _show(project, "1.5.0", "setup.py")
    assert '__version__ = "1.5.0"' in _show(project, "1.5.0", f"src/{module}/__init__.py")
    conf = _show(project, "1.5.0", "docs/conf.py")
    assert 'version = "1.5"' in conf and 'release = "1.5.0"' in conf
    assert "version-1.5.0-blue" in _show(project, "1.5.0", "README.rst")
    assert "current_version = 1.5.0" in _show(project, "1.5.0", ".bumpversion.cfg")
    changelog = _show(project, "1.5.0", "CHANGELOG.rst")
    assert changelog.count("Added shout().") == 1 and changelog.count("Vendored urllib3 2.2.") == 1
    assert changelog.index(f"{name} 1.5.0") < changelog.index(f"{name} 1.4.2") < changelog.index(f"{name} 1.4.0")
    assert f"{name} 1.5.0 (" in changelog and "\n~~~~" in changelog.split(f"{name} 1.5.0", 1)[1][:80]
    notes = releasekit("notes", "1.5.0", cwd=project.root)
    assert notes.returncode == 0, notes.output
    assert "Added shout()." in notes.stdout and "Vendored urllib3 2.2." in notes.stdout
    assert "Fixed the old crash." not in notes.stdout and "1.4.2" not in notes.stdout
    assert releasekit("check", "versions", cwd=project.root).returncode == 0


# --- (b) setuptools-scm: the version comes from the tag; Markdown changelog -------------------------

MD_TOWNCRIER = """
[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
start_string = "<!-- towncrier release notes start -->\\n"
title_format = "## {version} ({project_date})"
underlines = ["", "", ""]

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true

[[tool.towncrier.type]]
directory = "bugfix"
name = "Bug Fixes"
showcontent = true
"""

MD_CHANGELOG = """\
# Changelog

<!-- towncrier release notes start -->

## 0.1.0 (2025-01-01)

### Features

- The first release.
"""


def _md_files(name: str, module: str, pyproject_head: str, init: str) -> dict[str, str]:
    return {
        "pyproject.toml": pyproject_head + MD_TOWNCRIER,
        f"src/{module}/__init__.py": init,
        "README.md": f"# {name}\n\nA project in one of the shapes real ones have.\n",
        "CHANGELOG.md": MD_CHANGELOG,
        "changelog.d/.gitkeep": "",
        ".gitignore": "__pycache__/\n*.egg-info/\nbuild/\n",
    }


def test_setuptools_scm_version_from_the_tag(tmp_path: Path, servers: Indexes) -> None:
    name = unique_name("rk-scm")
    module = name.replace("-", "_")
    head = adoption.scm_pyproject(name)
    files = _md_files(name, module, head, f'"""The {name} package."""\n')
    # check-manifest builds from a copy without .git, where setuptools-scm lists no files: the
    # project says what the sdist holds, as such projects do.
    files["MANIFEST.in"] = "include CHANGELOG.md\nrecursive-include changelog.d *\n"
    project = _project(tmp_path, name, files)
    git(project.root, "tag", "-a", "v0.1.0", "-m", "Release v0.1.0")
    git(project.root, "push", "-q", "origin", "v0.1.0")
    git(project.root, "remote", "set-head", "origin", "main")

    checked = releasekit("check", "versions", cwd=project.root)
    assert checked.returncode == 0, checked.output
    assert "0.1.0, from the latest tag (setuptools-scm" in checked.stderr
    assert releasekit("notes", "0.1.0", cwd=project.root).stdout == "### Features\n\n- The first release.\n"
    _change_with_fragment(project, "main", f"src/{module}/__init__.py", "changelog.d/7.feature.md", "Shouts.\n")
    before = git(project.root, "ls-files")

    dry = release(project, "--dry-run", env=index_env(servers))
    assert dry.returncode == 0, dry.output
    assert f"{module}-0.2.0.tar.gz" in dry.stdout  # the dry run's build carries the version it would tag
    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    _released(project, servers, "0.2.0", "main")
    # No file holds the version: the release commit changes only the changelog and the fragments.
    changed = git(project.origin, "diff", "--name-only", "v0.2.0~1", "v0.2.0").splitlines()
    assert changed == ["CHANGELOG.md", "changelog.d/7.feature.md"]
    assert sorted(before.splitlines()) == sorted(
        [*git(project.root, "ls-files").splitlines(), "changelog.d/7.feature.md"]
    )
    changelog = _show(project, "0.2.0", "CHANGELOG.md")
    assert changelog.count("Shouts.") == 1 and changelog.index("## 0.2.0") < changelog.index("## 0.1.0")
    assert releasekit("notes", "0.2.0", cwd=project.root).stdout == "### Features\n\n- Shouts. (#7)\n"
    assert releasekit("check", "versions", cwd=project.root).returncode == 0


# --- (c) a static [project] version, no bump-my-version configuration ------------------------------


def test_static_project_version_without_bumpversion(tmp_path: Path, servers: Indexes) -> None:
    name = unique_name("rk-static")
    module = name.replace("-", "_")
    head = f"""\
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "0.1.0"
readme = "README.md"
requires-python = ">=3.10"
dependencies = []

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]

[tool.mypy]
python_version = "3.10"
"""
    project = _project(tmp_path, name, _md_files(name, module, head, f'"""The {name} package."""\n'))
    checked = releasekit("check", "versions", cwd=project.root)
    assert checked.returncode == 0, checked.output
    assert "versions: 1 file holds 0.1.0" in checked.stderr
    _change_with_fragment(project, "main", f"src/{module}/__init__.py", "changelog.d/+shout.bugfix.md", "Shouts.\n")

    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    _released(project, servers, "0.1.1", "main")
    pyproject = _show(project, "0.1.1", "pyproject.toml")
    assert 'version = "0.1.1"' in pyproject and 'python_version = "3.10"' in pyproject
    changelog = _show(project, "0.1.1", "CHANGELOG.md")
    assert changelog.count("Shouts.") == 1 and changelog.index("## 0.1.1") < changelog.index("## 0.1.0")
    assert releasekit("notes", "0.1.1", cwd=project.root).stdout == "### Bug Fixes\n\n- Shouts.\n"


def _release_dynamic(
    project: Project, servers: Indexes, source: str, fragment: str, old: str, new: str, entry: str
) -> None:
    """The version file the backend reads is the one ``check versions`` sees; a feature releases it as ``new``."""
    checked = releasekit("check", "versions", cwd=project.root)
    assert checked.returncode == 0, checked.output
    assert f"versions: 1 file holds {old}" in checked.stderr
    _change_with_fragment(project, "main", source, fragment, "Shouts.\n")

    result = release(project, "--yes", env=index_env(servers))
    assert result.returncode == 0, result.output
    _released(project, servers, new, "main")
    assert f'__version__ = "{new}"' in _show(project, new, source)
    assert releasekit("notes", new, cwd=project.root).stdout == f"### Features\n\n{entry}\n"


# --- (d) hatch reads a dynamic __version__ ----------------------------------------------------------


def test_hatch_dynamic_dunder_version(tmp_path: Path, servers: Indexes) -> None:
    name = unique_name("rk-hatchpath")
    module = name.replace("-", "_")
    head = f"""\
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "{name}"
dynamic = ["version"]
readme = "README.md"
requires-python = ">=3.10"

[tool.hatch.version]
path = "src/{module}/__init__.py"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
"""
    init = f'"""The {name} package."""\n\n__version__ = "2.0.0"\n'
    project = _project(tmp_path, name, _md_files(name, module, head, init))
    source = f"src/{module}/__init__.py"
    _release_dynamic(project, servers, source, "changelog.d/3.feature.md", "2.0.0", "2.1.0", "- Shouts. (#3)")
    changelog = _show(project, "2.1.0", "CHANGELOG.md")
    assert changelog.count("Shouts.") == 1 and changelog.index("## 2.1.0") < changelog.index("## 0.1.0")


def test_flit_module_dunder_version(tmp_path: Path, servers: Indexes) -> None:
    name = unique_name("rk-flit")
    module = name.replace("-", "_")
    head = f"""\
[build-system]
requires = ["flit_core>=3.4,<4"]
build-backend = "flit_core.buildapi"

[project]
name = "{name}"
dynamic = ["version", "description"]
readme = "README.md"
requires-python = ">=3.10"

[tool.flit.module]
name = "{module}"

[tool.flit.sdist]
include = ["CHANGELOG.md", "changelog.d/"]
exclude = [".gitignore"]
"""
    init = f'"""The {name} package."""\n\n__version__ = "0.9.0"\n'
    files = _md_files(name, module, head, init)
    files[f"{module}/__init__.py"] = files.pop(f"src/{module}/__init__.py")  # flit's flat layout
    project = _project(tmp_path, name, files)
    source = f"{module}/__init__.py"
    _release_dynamic(project, servers, source, "changelog.d/+shout.feature.md", "0.9.0", "0.10.0", "- Shouts.")
