"""A setup.py project kept by hand for years: a legacy .bumpversion.cfg, an rST changelog, towncrier's own types.

One builder for every such project of the tests. What real ones differ in is a parameter:
whether the .bumpversion.cfg is current or stale and which files it lists, the changelog's
underlines and titles, the towncrier types, whether there are Sphinx docs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Release(NamedTuple):
    """One release already in the changelog: its version, date, and one entry under one section."""

    version: str
    date: str
    section: str
    entry: str


# towncrier's own kinds of change, as its documentation lists them: (directory, title, showcontent).
FEATURE = ("feature", "Features", True)
BUGFIX = ("bugfix", "Bugfixes", True)
TRIVIAL = ("trivial", "Trivial changes", False)


def import_test(module: str) -> str:
    """A project's one tiny test: its package imports."""
    return f'import {module}\n\n\ndef test_it_imports():\n    assert {module}.__name__ == "{module}"\n'


def setup_py(name: str, version: str, *, readme: str | None = None) -> str:
    """A setup.py with a static version, its package in src/, ``readme`` its long description."""
    long_description = (
        f'    long_description=open("{readme}", encoding="utf-8").read(),\n'
        '    long_description_content_type="text/x-rst",\n'
        if readme
        else ""
    )
    return (
        "from setuptools import find_packages, setup\n\n"
        f'setup(\n    name="{name}",\n    version="{version}",\n'
        '    packages=find_packages("src"),\n    package_dir={"": "src"},\n'
        f"{long_description})\n"
    )


TOX_INI = "[tox]\nenv_list = py3\n\n[testenv]\ncommands = python -c pass\n"


def _cfg_file(path: str, search: str, replace: str, label: str = "") -> str:
    section = f"bumpversion:file ({label}):{path}" if label else f"bumpversion:file:{path}"
    return f"\n[{section}]\n" + (f"search = {search}\nreplace = {replace}\n" if search else "")


def bumpversion_cfg(
    current_version: str, module: str, *, tag_name: str | None = None, lists_package: bool = False, docs: bool = False
) -> str:
    """The .bumpversion.cfg: setup.py, the package's ``__version__``, docs/conf.py's two versions, the badge."""
    text = f"[bumpversion]\ncurrent_version = {current_version}\ncommit = True\ntag = True\n"
    if tag_name:
        text += f"tag_name = {tag_name}\n"
    text += _cfg_file("setup.py", 'version="{current_version}"', 'version="{new_version}"')
    if lists_package:
        text += _cfg_file(f"src/{module}/__init__.py", "", "")
    if docs:
        text += _cfg_file("docs/conf.py", 'release = "{current_version}"', 'release = "{new_version}"', "release")
        short = ("{current_major}.{current_minor}", "{new_major}.{new_minor}")
        text += _cfg_file("docs/conf.py", f'version = "{short[0]}"', f'version = "{short[1]}"', "short")
    text += _cfg_file("README.rst", "version-{current_version}-blue", "version-{new_version}-blue", "badge")
    return text


def pyproject(
    name: str,
    module: str,
    *,
    types: Sequence[tuple[str, str, bool]],
    underlines: str = "=-",
    titles_named: bool = False,
    extensions: bool = True,
    github: str | None = None,
) -> str:
    """pyproject.toml: setuptools, and the project's own towncrier configuration (its types in changelog/)."""
    text = '[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n'
    if github:
        text += f'\n[tool.releasekit.github]\nrepository = "{github}"\n'
    text += "\n[tool.towncrier]\n"
    # towncrier titles a release "<name> <version> (<date>)" unless told otherwise.
    text += f'name = "{name}"\n' if titles_named else f'package = "{module}"\npackage_dir = "src"\n'
    text += 'directory = "changelog"\nfilename = "CHANGELOG.rst"\n'
    if not titles_named:
        text += 'title_format = "{version} ({project_date})"\n'
    if underlines != "=-":
        text += "underlines = [" + ", ".join(f'"{c}"' for c in [*underlines, "-"]) + "]\n"
    if not extensions:
        text += "create_add_extension = false\n"
    for directory, title, showcontent in types:
        text += f'\n[[tool.towncrier.type]]\ndirectory = "{directory}"\nname = "{title}"\n'
        text += f"showcontent = {str(showcontent).lower()}\n"
    return text


def changelog(name: str, history: Sequence[Release], *, underlines: str = "=-", titles_named: bool = False) -> str:
    """CHANGELOG.rst as towncrier wrote it: newest release first, below towncrier's start marker."""
    text = f"=========\nChangelog\n=========\n\nAll notable changes to {name}.\n\n.. towncrier release notes start\n"
    for release in history:
        title = f"{name + ' ' if titles_named else ''}{release.version} ({release.date})"
        text += f"\n{title}\n{underlines[0] * len(title)}\n\n"
        text += f"{release.section}\n{underlines[1] * len(release.section)}\n\n- {release.entry}\n\n"
    return text.rstrip("\n") + "\n"


def setup_py_files(
    name: str,
    version: str,
    *,
    history: Sequence[Release],
    types: Sequence[tuple[str, str, bool]],
    cfg_version: str | None = None,
    tag_name: str | None = None,
    cfg_lists_package: bool = False,
    docs: bool = False,
    underlines: str = "=-",
    titles_named: bool = False,
    extensions: bool = True,
    github: str | None = None,
    sdist_cfg: bool = False,
) -> dict[str, str]:
    """The files of a setup.py project at ``version``, laid out in src/, on its way since ``history``.

    ``cfg_version`` is the .bumpversion.cfg's current_version: another one than ``version``
    makes it stale, as such files get. ``cfg_lists_package`` and ``docs`` say whether it lists
    ``__version__`` and docs/conf.py (``docs`` adds Sphinx docs). ``underlines`` are the
    changelog's release and section underlines, ``titles_named`` puts the project's name in
    its release titles, ``extensions`` says whether new fragments get one (``.rst``).
    ``github`` is the repository ``owner/name`` for releasekit's [tool.releasekit.github].
    ``sdist_cfg`` lists the .bumpversion.cfg (``*.cfg``) in MANIFEST.in, as a project that
    keeps it must: check-manifest wants in the sdist what git holds.
    """
    module = name.replace("-", "_")
    cfg = bumpversion_cfg(cfg_version or version, module, tag_name=tag_name, lists_package=cfg_lists_package, docs=docs)
    files = {
        "pyproject.toml": pyproject(
            name,
            module,
            types=types,
            underlines=underlines,
            titles_named=titles_named,
            extensions=extensions,
            github=github,
        ),
        ".bumpversion.cfg": cfg,
        "setup.py": setup_py(name, version, readme="README.rst"),
        f"src/{module}/__init__.py": f'"""{name}."""\n\n__version__ = "{version}"\n',
        "README.rst": (
            f"{name}\n{'=' * len(name)}\n\n.. image:: https://img.shields.io/badge/version-{version}-blue\n\n"
            "It frobnicates.\n"
        ),
        "CHANGELOG.rst": changelog(name, history, underlines=underlines, titles_named=titles_named),
        "MANIFEST.in": (
            "include *.rst "
            + ("*.toml *.cfg " if sdist_cfg else "")
            + "tox.ini\n"
            + ("recursive-include docs *.py *.rst\n" if docs else "")
            + "graft changelog\ngraft tests\n"
        ),
        "changelog/.gitignore": "!.gitignore\n",
        "tox.ini": TOX_INI,
        ".gitignore": "*.egg-info/\n__pycache__/\n.tox/\n",
        f"tests/test_{module}.py": import_test(module),
    }
    if docs:
        short = ".".join(version.split(".")[:2])
        files["docs/conf.py"] = f'project = "{name}"\nversion = "{short}"\nrelease = "{version}"\n'
        files["docs/index.rst"] = f"{name}\n{'=' * len(name)}\n\nThe documentation of {name}.\n"
    return files
