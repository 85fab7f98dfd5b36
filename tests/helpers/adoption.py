"""Projects in the shapes real ones have, as maintainers keep them by hand: before (or without) releasekit init."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import legacy
from tests.helpers.cli import Result, releasekit
from tests.helpers.gitrepo import add_origin, copy_with_origin, git, make_repo
from tests.helpers.legacy import BUGFIX, FEATURE, TRIVIAL, Release, import_test
from tests.helpers.shared import built_once, run_dir

# towncrier's own types, one of them a removal (which init maps to releasekit's "breaking").
LEGACY_TYPES = (FEATURE, BUGFIX, ("removal", "Deprecations and Removals", True), TRIVIAL)
LEGACY_HISTORY = (
    Release("2.3.1", "2024-05-01", "Bugfixes", "Fixed the frobnicator. (#12)"),
    Release("2.3.0", "2024-03-01", "Features", "The frobnicator. (#10)"),
)
LEGACY_CHANGELOG = legacy.changelog("oldpkg", LEGACY_HISTORY)


def legacy_files() -> dict[str, str]:
    """setup.py + a legacy .bumpversion.cfg (stale) + CHANGELOG.rst + towncrier with its own types."""
    return legacy.setup_py_files(
        "oldpkg", "2.3.1", history=LEGACY_HISTORY, types=LEGACY_TYPES, cfg_version="2.3.0", tag_name="{new_version}"
    )


def scm_pyproject(name: str) -> str:
    """pyproject.toml of a setuptools-scm project: the version comes from the latest tag."""
    return f"""\
[build-system]
requires = ["setuptools>=64", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
dynamic = ["version"]
readme = "README.md"
requires-python = ">=3.10"

[tool.setuptools_scm]
"""


SCM_CHANGELOG = """\
# Changelog

All notable changes to scmpkg.

## 1.4.0 - 2024-06-01

- Added the widget.

## 1.3.0 - 2024-02-01

- First public release.
"""


def scm_files() -> dict[str, str]:
    """A setuptools-scm project (versions from tags) with a Markdown changelog."""
    return {
        "pyproject.toml": scm_pyproject("scmpkg"),
        "src/scmpkg/__init__.py": '"""scmpkg."""\n',
        "README.md": "# scmpkg\n\nVersions from git tags.\n",
        "CHANGELOG.md": SCM_CHANGELOG,
        "tests/test_scmpkg.py": import_test("scmpkg"),
        ".github/workflows/publish.yml": (
            "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        ),
    }


def static_files(name: str = "plain", *, nox: bool = True, tests: bool = True) -> dict[str, str]:
    """A static [project] version, no bump-my-version configuration, no changelog; with a noxfile
    running its tests unless ``nox`` is false, and its one test unless ``tests`` is false."""
    module = name.replace("-", "_")
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
            f'[project]\nname = "{name}"\nversion = "0.4.0"\nreadme = "README.md"\nrequires-python = ">=3.10"\n'
        ),
        f"src/{module}/__init__.py": f'"""{name}."""\n',
        "README.md": "# plain\n\n![version](https://img.shields.io/badge/version-0.4.0-blue)\n\nPlain.\n",
    }
    if nox:
        files["noxfile.py"] = (
            "import nox\n\n\n@nox.session\ndef tests(session):\n"
            "    session.install('pytest', '.')\n    session.run('pytest')\n"
        )
    if tests:
        files[f"tests/test_{module}.py"] = import_test(module)
    return files


def dynamic_files(backend: str = "hatch", name: str = "dyn") -> dict[str, str]:
    """A flit or hatch project whose version is ``__version__`` in the package ``src/<name>``."""
    if backend == "flit":
        head = '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n'
        # flit_core's sdist holds the package and the readme; the project lists the rest.
        extra = '\n[tool.flit.sdist]\ninclude = ["docs/", "CHANGES.rst"]\n'
    else:
        head = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        extra = f'\n[tool.hatch.version]\npath = "src/{name}/__init__.py"\n'
    title = f"{name}\n{'=' * len(name)}\n\n"
    return {
        "pyproject.toml": head
        + f'\n[project]\nname = "{name}"\ndynamic = ["version", "description"]\nreadme = "README.rst"\n'
        + extra,
        "README.rst": title + "The dynamic one.\n",
        f"src/{name}/__init__.py": f'"""{name.capitalize()}: the dynamic one."""\n\n__version__ = "3.0.1"\n',
        "docs/conf.py": f'project = "{name}"\nversion = "3.0"\nrelease = "3.0.1"\n',
        "docs/index.rst": title + "See :doc:`the changelog <changes>`.\n\n.. toctree::\n\n   changes\n",
        "docs/changes.rst": "Changes\n=======\n\n3.0.1\n-----\n\n- Faster.\n",
        "CHANGES.rst": "Changes\n=======\n\n3.0.1 (2024-01-02)\n------------------\n\n- Faster.\n",
        f"tests/test_{name}.py": import_test(name),
    }


# pyproject.toml of a setuptools project that keeps its metadata in setup.py or setup.cfg.
SETUPTOOLS_PYPROJECT = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'

STALE_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
dynamic = ["version"]
readme = "README.md"

[tool.setuptools.dynamic]
version = {{attr = "{module}.__version__"}}

[tool.bumpversion]
current_version = "{current}"

[[tool.bumpversion.files]]
filename = "pyproject.toml"
search = 'version = "{{current_version}}"'

[[tool.bumpversion.files]]
filename = "src/{module}/__init__.py"
search = "__version__ = '{{current_version}}'"
"""


def stale_files(name: str = "stale", current: str = "1.4.0") -> dict[str, str]:
    """Issue #22's first shape: a [tool.bumpversion] from years ago (``current`` its current_version,
    stale against the package's 1.5.1), a dead entry and one whose search would clobber its line."""
    module = name.replace("-", "_")
    return {
        "pyproject.toml": STALE_PYPROJECT.format(name=name, module=module, current=current),
        f"src/{module}/__init__.py": f'"""{module}."""\n\n__version__ = \'1.5.1\'\n',
        "README.md": f"# {module}\n",
    }


def locked_files(name: str = "Lock_Pkg") -> dict[str, str]:
    """Issue #22's fourth shape: a static version at 8.5.0, which ``uv lock`` records (run it to get the uv.lock)."""
    module = name.lower().replace("-", "_")
    pyproject = (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        f'[project]\nname = "{name}"\nversion = "8.5.0"\nreadme = "README.md"\nrequires-python = ">=3.10"\n'
    )
    return {"pyproject.toml": pyproject, "README.md": "# lock\n", f"src/{module}/__init__.py": ""}


def rst_setup_py_files(name: str, readme: str, version: str = "2.0.0") -> dict[str, str]:
    """Issue #22's third shape: a setup.py with an rST README and no long_description_content_type."""
    module = name.replace("-", "_")
    setup_py = (
        "from setuptools import setup\n\nsetup(\n"
        f'    name="{name}",\n    version="{version}",\n'
        '    long_description=open("README.rst", encoding="utf-8").read(),\n'
        f'    packages=["{module}"],\n)\n'
    )
    return {
        "pyproject.toml": SETUPTOOLS_PYPROJECT,
        "setup.py": setup_py,
        "README.rst": readme,
        f"{module}/__init__.py": "",
    }


def own_release_tox_ini(*commands: str) -> str:
    """Issue #22's fifth shape: a tox.ini with the project's own ``release`` env, running ``commands``
    (a real project's builds and runs ``twine upload dist/*``)."""
    lines = "".join(f"    {command}\n" for command in commands)
    return (
        "[tox]\nenv_list = py\n\n[testenv]\ncommands = python -c pass\n\n"
        f"[testenv:release]\nskip_install = true\ncommands =\n{lines}"
    )


def project_repo(path: Path, files: dict[str, str], *, branch: str = "main", tags: tuple[str, ...] = ()) -> Path:
    """A repository with ``files``, its tags, and a bare origin holding ``branch``."""
    repo = make_repo(path / "work", files, branch=branch)
    for tag in tags:
        git(repo, "tag", "-a", tag, "-m", f"Release {tag}")
    add_origin(repo, path / "origin.git", branch=branch)
    return repo


def init(repo: Path, *args: str) -> tuple[int, str, str]:
    """Run ``releasekit init`` in ``repo``: its exit code, stdout and stderr."""
    result = releasekit("init", *args, cwd=repo)
    return result.returncode, result.stdout, result.stderr


def adopted_copy(
    tmp_path_factory: pytest.TempPathFactory,
    dest: Path,
    files: Callable[[], dict[str, str]],
    *,
    branch: str = "main",
    tags: tuple[str, ...] = (),
    name: str = "",
) -> tuple[Path, Result]:
    """A copy in ``dest`` of ``project_repo(files(), branch, tags)`` with its tags on origin, after
    ``init --yes`` (its changes not committed), and what that init printed.

    The adoption (init's proof builds the package) is made once per test run, by the first test
    that asks for this shape (under a lock, shared by the xdist workers); each test gets its own
    copy of the work tree and of the bare origin, which the copy's ``origin`` points at. ``name``
    tells apart shapes whose ``files`` is no named function.
    """
    assert name or files.__name__ != "<lambda>", "name the shape: its builder has no name"
    key = f"adopted-{name or files.__name__}-{branch}-{'-'.join(tags) or 'untagged'}"
    shared = run_dir(tmp_path_factory) / key

    def build(path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)  # what an interrupted first attempt left
        root = project_repo(path, files(), branch=branch, tags=tags)
        if tags:
            git(root, "push", "-q", "origin", "--tags")
        result = releasekit("init", "--yes", cwd=root)
        (path / "init.json").write_text(json.dumps(result._asdict()))

    built_once(shared, build)
    root, _ = copy_with_origin(shared / "work", shared / "origin.git", dest)
    return root, Result(**json.loads((shared / "init.json").read_text()))
