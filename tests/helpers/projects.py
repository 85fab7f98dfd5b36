"""Small example projects, laid out the way real ones are, for the checks to run on."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.gitrepo import make_repo
from tests.helpers.legacy import setup_py

SEED_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[tool.bumpversion]
current_version = "{version}"

[[tool.bumpversion.files]]
filename = "setup.py"
search = 'version="{{current_version}}"'
replace = 'version="{{new_version}}"'

[[tool.bumpversion.files]]
filename = "src/seed/__init__.py"

[[tool.bumpversion.files]]
filename = "docs/conf.py"
search = 'release = "{{current_version}}"'
replace = 'release = "{{new_version}}"'

[[tool.bumpversion.files]]
filename = "docs/conf.py"
search = 'version = "{{current_major}}.{{current_minor}}"'
replace = 'version = "{{new_major}}.{{new_minor}}"'
"""

CONF_PY = """\
project = "seed"
# The short X.Y version and the full release.
version = "{short}"
release = "{version}"
"""


def seed_files(version: str = "1.2.3", **overrides: str) -> dict[str, str]:
    """The seed's three-file layout: setup.py, __init__.py and docs/conf.py."""
    short = ".".join(version.split(".")[:2])
    files = {
        "pyproject.toml": SEED_PYPROJECT.format(version=version),
        "setup.py": setup_py("seed", version),
        "src/seed/__init__.py": f'"""The seed package."""\n\n__version__ = "{version}"\n',
        "docs/conf.py": CONF_PY.format(version=version, short=short),
    }
    files.update(overrides)
    return files


def pyproject_only_files(version: str = "0.4.0") -> dict[str, str]:
    """A project whose only version is pyproject.toml's [project] version."""
    return {
        "pyproject.toml": f"""\
[project]
name = "lone"
version = "{version}"
requires-python = ">=3.10"

[tool.mypy]
python_version = "3.10"

[tool.bumpversion]
current_version = "{version}"

[[tool.bumpversion.files]]
filename = "pyproject.toml"
"""
    }


def seed_repo(path: Path, version: str = "1.2.3", **overrides: str) -> Path:
    """A git repository holding the seed layout."""
    return make_repo(path, seed_files(version, **overrides))
