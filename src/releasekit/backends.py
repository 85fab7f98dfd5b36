"""The build backend's side of the version: derived from git tags, or read from a file.

A project whose ``[project] version`` is dynamic leaves the version to its build backend.
The backends and plugins below say where they find it in their own sections of
pyproject.toml; releasekit reads the same sections (``releasekit.bumpconfig`` decides
which source applies).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit.bounded import read_text
from releasekit.semver import SEMVER

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_QUOTED = r"""(?P<q>["'])(?P<v>[^"'\n]*)(?P=q)"""
# Assignments that hold a version, in setup.py, __init__.py, docs/conf.py and the like.
_ASSIGNMENT = re.compile(
    rf"""^[ \t]*(?P<name>__version__|VERSION|version|release)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*{_QUOTED}""",
    re.MULTILINE,
)


def _tool(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    node: Any = data.get("tool", {})
    for name in names:
        node = node.get(name, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def tag_backend(data: Mapping[str, Any]) -> str | None:
    """The build-backend plugin that derives the version from git tags, or None."""
    tool = data.get("tool", {})
    tool = tool if isinstance(tool, dict) else {}
    if "setuptools_scm" in tool or "setuptools-scm" in tool:
        return "setuptools-scm"
    if _tool(data, "hatch", "version").get("source") == "vcs":
        return "hatch-vcs"
    if _tool(data, "pdm", "version").get("source") == "scm":
        return "pdm-backend"
    system = data.get("build-system", {})
    requires = system.get("requires", []) if isinstance(system, dict) else []
    for requirement in requires if isinstance(requires, list) else []:
        name = str(requirement).lower().replace("_", "-")
        if name.startswith("setuptools-scm"):
            return "setuptools-scm"
    return None


def vcs_file_finder(data: Mapping[str, Any]) -> bool:
    """Whether setuptools takes the sdist's files from git (setuptools-scm's file finder) rather than MANIFEST.in alone.

    setuptools-scm adds every tracked file to a setuptools sdist, but only where it sees
    the repository's ``.git``.
    """
    system = data.get("build-system", {})
    requires = system.get("requires", []) if isinstance(system, dict) else []
    names = [str(r).lower().replace("_", "-") for r in requires] if isinstance(requires, list) else []
    return tag_backend(data) == "setuptools-scm" or any(name.startswith("setuptools-scm") for name in names)


def _module_file(root: Path, dotted: str) -> str | None:
    rel = dotted.replace(".", "/")
    for base in ("src/", ""):
        for candidate in (f"{base}{rel}/__init__.py", f"{base}{rel}.py"):
            if (root / candidate).is_file():
                return candidate
    return None


def version_file(root: Path, data: Mapping[str, Any]) -> tuple[str, str] | None:
    """For a dynamic version read from a file: the backend and the file (relative to ``root``)."""
    hatch = _tool(data, "hatch", "version")
    if isinstance(hatch.get("path"), str) and hatch.get("source", "regex") == "regex":
        return "hatchling", hatch["path"]
    pdm = _tool(data, "pdm", "version")
    if pdm.get("source") == "file" and isinstance(pdm.get("path"), str):
        return "pdm-backend", pdm["path"]
    dynamic = _tool(data, "setuptools", "dynamic").get("version")
    if isinstance(dynamic, dict):
        if isinstance(dynamic.get("file"), str):
            return "setuptools", dynamic["file"]
        attr = dynamic.get("attr")
        if isinstance(attr, str) and "." in attr:
            found = _module_file(root, attr.rsplit(".", 1)[0])
            return ("setuptools", found) if found else None
    system = data.get("build-system", {})
    backend = system.get("build-backend", "") if isinstance(system, dict) else ""
    if isinstance(backend, str) and backend.startswith("flit"):
        name = _tool(data, "flit", "module").get("name")
        if not isinstance(name, str):
            project = data.get("project", {})
            name = str(project.get("name", "")).replace("-", "_").replace(".", "_")
        found = _module_file(root, name) if name else None
        return ("flit", found) if found else None
    return None


_SETUP_PY_NAME = r"""\bname[ \t]*=[ \t]*(?P<q>["'])(?P<v>[^"'\n]+)(?P=q)"""


def distribution_name(root: Path, data: Mapping[str, Any]) -> str | None:
    """The distribution name as the build backend reads it, or None.

    ``[project] name`` (PEP 621: hatchling, pdm, flit, setuptools), poetry's ``[tool.poetry]
    name``, flit's older ``[tool.flit.metadata]`` (``dist-name``, else ``module``), then for
    setuptools without one: setup.cfg's ``[metadata] name``, then setup.py's ``name=``. The
    release, ``status`` and ``init`` all take the name from here.
    """
    project = data.get("project")
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        return str(project["name"])  # as written: a name the backend would refuse is refused here too
    flit = _tool(data, "flit", "metadata")
    for candidate in (_tool(data, "poetry").get("name"), flit.get("dist-name") or flit.get("module")):
        if isinstance(candidate, str) and candidate:
            return candidate
    return _setuptools_name(root)


def _setuptools_name(root: Path) -> str | None:
    import configparser
    import re

    from releasekit.safefiles import Refused, read_bytes

    def text(rel: str) -> str:
        try:
            return read_bytes(root, rel, "version file", symlinks=False).decode("utf-8", "replace")
        except (OSError, Refused):
            return ""

    setup_cfg = text("setup.cfg")
    if "[metadata]" in setup_cfg:
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(setup_cfg, source="setup.cfg")
            name = parser.get("metadata", "name", fallback="").strip()
        except configparser.Error:
            name = ""
        if name:
            return name
    found = re.search(_SETUP_PY_NAME, text("setup.py"))
    return found.group("v") if found else None


def assigned_versions(text: str) -> list[str]:
    """The values of the version assignments in a Python file (``__version__ = "1.2.3"``...)."""
    return [m.group("v") for m in _ASSIGNMENT.finditer(text)]


def read_file_version(path: Path, rel: str) -> str:
    """The version a dynamic version file holds (``__version__ = "..."``, or a bare version)."""
    if not path.is_file():
        return ""  # reported when a command needs the version (VersionConfig.checked)
    text = read_text(path)
    found = assigned_versions(text)
    return found[0] if found else text.strip()[:100]


def latest_tag_version(root: Path) -> str:
    """The newest release version tagged on HEAD's history (``v1.2.3`` or ``1.2.3``); 0.0.0 without one."""
    from releasekit import git  # only for a version derived from tags: config is on every hook's path

    best: tuple[Any, str] | None = None
    from packaging.version import Version

    for tag in git.tags_merged(root, "*"):
        name = tag[1:] if tag[:1] == "v" else tag
        if SEMVER.fullmatch(name):
            version = Version(name)
            if best is None or version > best[0]:
                best = (version, name)
    return best[1] if best else "0.0.0"
