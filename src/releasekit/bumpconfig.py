"""Where a project keeps its version, read the way bump-my-version and the build backend read it.

bump-my-version takes its configuration from the first of ``CONFIG_FILES`` that holds
one, and ignores the others; without any, it falls back to a static ``[project] version``.
releasekit reads the same file, so ``check versions`` judges what the bump will change,
and reports a second configuration that disagrees with the one in effect.

A project without bump-my-version configuration may still have a version:

- ``tag``: the build backend derives it from git tags (setuptools-scm, hatch-vcs, pdm's
  ``scm`` source). No file holds it; the release tag is the bump.
- ``file``: the backend reads a dynamic version from a file (flit's module, hatch's or
  pdm's ``path``, setuptools' ``attr``/``file``). releasekit hands that file to bump-my-version.
- ``project``: a static ``[project] version``, which bump-my-version bumps on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from releasekit.backends import latest_tag_version, read_file_version, tag_backend, version_file
from releasekit.bounded import read_text, read_toml
from releasekit.configschema import BOOL, NAME, STRING, Loose, array, check_table
from releasekit.errors import ReleasekitError
from releasekit.semver import check_release_version

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

# bump-my-version's own search order (bumpversion.config.files.CONFIG_FILE_SEARCH_ORDER);
# a test compares the two, so a change in bump-my-version is noticed.
CONFIG_FILES = (".bumpversion.cfg", ".bumpversion.toml", "setup.cfg", "pyproject.toml")

# Where the version lives: bump-my-version's configuration, a static [project] version,
# a file the build backend reads, or git tags. Each is bumped its own way (release/steps/commit.py).
SCHEMES = ("bumpversion", "project", "file", "tag")

# The parts of [tool.bumpversion] that releasekit reads; its other keys are bump-my-version's.
_FILE_ENTRY = Loose(
    filename=NAME,
    glob=NAME,
    search=STRING,
    replace=STRING,
    regex=BOOL,
    ignore_missing_version=BOOL,
    ignore_missing_file=BOOL,
)
BUMPVERSION_SCHEMA = Loose(search=STRING, replace=STRING, regex=BOOL, files=array(_FILE_ENTRY, "tables"))
# bump-my-version's defaults (bumpversion.config.DEFAULTS): a file entry without ``replace``
# writes the bare new version over whatever its ``search`` matched.
DEFAULT_SEARCH = "{current_version}"
DEFAULT_REPLACE = "{new_version}"


class VersionFile(NamedTuple):
    """One file bump-my-version keeps: a filename or a glob, and what to search for."""

    path: str
    search: str | None = None
    is_glob: bool = False
    ignore_missing_version: bool = False
    ignore_missing_file: bool = False
    replace: str | None = None  # None: bump-my-version's default, DEFAULT_REPLACE
    regex: bool = False  # search is a regular expression (its {fields} escaped)
    number: int = 0  # the entry's place in the configuration, from 1 (0: not from a configuration)

    @property
    def search_text(self) -> str:
        return self.search or DEFAULT_SEARCH

    @property
    def replace_text(self) -> str:
        return DEFAULT_REPLACE if self.replace is None else self.replace


class Conflict(NamedTuple):
    """A second bump-my-version configuration, which bump-my-version ignores, that disagrees."""

    path: Path
    line: int
    detail: str  # what differs, e.g. "current_version 1.2.0 here, 1.3.0 in .bumpversion.cfg"


class VersionConfig(NamedTuple):
    """The current version, the files that hold it, and where that knowledge came from."""

    current: str
    files: tuple[VersionFile, ...]
    source: Path  # the bump-my-version configuration file, pyproject.toml, or the version file
    scheme: str = "bumpversion"  # one of SCHEMES
    conflicts: tuple[Conflict, ...] = ()
    backend: str | None = None  # for "tag" and "file": the tool that reads the version
    project_version: str | None = None  # a static [project] version beside bump-my-version's configuration

    def checked(self, root: Path) -> VersionConfig:
        """This configuration, once its version is known to be a release version.

        A version from bump-my-version's configuration is checked when it is read; one from
        ``[project]`` or a version file only when a command needs it, so that commands that
        do not (``check links``) work on any project.
        """
        if self.scheme == "file" and not self.source.is_file():
            rel = self.source.relative_to(root).as_posix()
            raise ReleasekitError(f"{rel}: file not found (the build backend reads the version from it)")
        if self.scheme in ("project", "file"):
            where = "[project] version" if self.scheme == "project" else "version"
            check_release_version(self.current, where=f"{self.source.relative_to(root).as_posix()}: {where}")
        return self

    @property
    def writes_files(self) -> bool:
        """False when no file carries the version (it comes from the tag)."""
        return self.scheme != "tag"


def has_config(path: Path) -> bool:
    """Whether ``path`` holds bump-my-version configuration, judged as bump-my-version judges it."""
    if not path.is_file():
        return False
    if path.suffix != ".toml":
        return "bumpversion]" in read_text(path)
    table = _toml(path).get("tool")
    return isinstance(table, dict) and isinstance(table.get("bumpversion"), dict)


def _toml(path: Path) -> dict[str, Any]:
    data = read_toml(path)
    if path.name == ".bumpversion.toml":  # pyproject.toml's sections are checked with the rest of it
        check_table(data, Loose(tool=Loose(bumpversion=BUMPVERSION_SCHEMA)), "", path)
    return data


def _ini_list(value: str) -> str:
    # bump-my-version's legacy reader turns a value holding newlines (or, failing that,
    # commas) into a list, and joins a file's search and replace lists with newlines.
    if "\n" in value:
        return "\n".join(value.strip().split("\n"))
    if "," in value:
        return "\n".join(value.strip().split(","))
    return value


def read_ini(path: Path) -> dict[str, Any]:
    """The bump-my-version options of a legacy INI file (``.bumpversion.cfg``, ``setup.cfg``).

    Sections are ``[bumpversion]``, ``[bumpversion:file:NAME]`` and ``[bumpversion:glob:PATTERN]``;
    the word after ``file`` may carry a label, ``[bumpversion:file (badge):README.rst]``,
    so one file can hold several entries.
    """
    import configparser

    # setup.cfg is read with interpolation, the dotfile without: as bump-my-version does.
    parser = configparser.ConfigParser() if path.name == "setup.cfg" else configparser.RawConfigParser()
    try:
        parser.read_string(read_text(path), source=path.name)
        options: dict[str, Any] = {"files": []}
        for section in parser.sections():
            if not section.startswith("bumpversion"):
                continue
            parts = section.split(":")
            values = {key: value for key, value in parser.items(section)}
            if len(parts) == 1:
                options.update(values)
                for key in ("ignore_missing_version", "ignore_missing_files", "regex"):
                    if key in options:
                        options[key] = str(options[key]).strip() in ("True", "true")
            elif len(parts) > 2 and parts[1].startswith(("file", "glob")):
                kind = "filename" if parts[1].startswith("file") else "glob"
                entry: dict[str, Any] = {kind: parts[2]}
                for key, value in values.items():
                    entry[key] = _ini_list(value) if key in ("search", "replace") else value
                for key in ("ignore_missing_version", "ignore_missing_file", "regex"):
                    if key in entry:
                        entry[key] = str(entry[key]).strip() in ("True", "true")
                options["files"].append(entry)
    except configparser.ParsingError as exc:
        lineno = exc.errors[0][0] if exc.errors else 1
        raise ReleasekitError(
            f"{path.name}:{lineno}: invalid INI: not a section header nor a key = value line"
        ) from None
    except configparser.Error as exc:
        message = str(exc).splitlines()[0]
        raise ReleasekitError(f"{path.name}: invalid INI: {message[:200]}") from None
    return options


def read_options(path: Path) -> dict[str, Any]:
    """bump-my-version's options from one configuration file (TOML table or INI sections)."""
    if path.suffix == ".toml":
        table = _toml(path).get("tool", {}).get("bumpversion", {})
        return dict(table) if isinstance(table, dict) else {}
    return read_ini(path)


def _line_of(path: Path, key: str) -> tuple[int, int]:
    """Where ``key = value`` sits in ``path`` (line and the value's column), or (1, 1)."""
    import re

    text = read_text(path)
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*[=:][ \t]*[\"']?", text, re.MULTILINE)
    if not match:
        return 1, 1
    line = text.count("\n", 0, match.end()) + 1
    return line, match.end() - (text.rfind("\n", 0, match.end()) + 1) + 1


def current_version_position(path: Path) -> tuple[int, int]:
    """Line and column of the ``current_version`` value in a configuration file."""
    return _line_of(path, "current_version")


def _files(options: Mapping[str, Any], source: Path) -> tuple[VersionFile, ...]:
    where = "[[tool.bumpversion.files]]" if source.suffix == ".toml" else "[bumpversion:file:...]"
    files: list[VersionFile] = []
    default_search = options.get("search")
    entries = options.get("files", [])
    if not isinstance(entries, list):
        raise ReleasekitError(f"{source.name}: {where} must be an array of tables")
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ReleasekitError(f"{source.name}: {where} entry {n} must be a table")
        name = entry.get("filename", entry.get("glob"))
        if not isinstance(name, str) or not name:
            raise ReleasekitError(f"{source.name}: {where} entry {n} needs a filename or glob")
        search = entry.get("search", default_search)
        replace = entry.get("replace", options.get("replace"))
        files.append(
            VersionFile(
                path=name,
                search=search if isinstance(search, str) else None,
                is_glob="filename" not in entry,
                ignore_missing_version=bool(
                    entry.get("ignore_missing_version", options.get("ignore_missing_version", False))
                ),
                ignore_missing_file=bool(entry.get("ignore_missing_file", options.get("ignore_missing_files", False))),
                replace=replace if isinstance(replace, str) else None,
                regex=bool(entry.get("regex", options.get("regex", False))),
                number=n,
            )
        )
    return tuple(files)


def _from_options(options: Mapping[str, Any], source: Path, project_version: str | None) -> VersionConfig:
    current = options.get("current_version")
    if current is None and project_version is not None and source.name == "pyproject.toml":
        current = project_version  # bump-my-version falls back to [project] version here
    section = "[tool.bumpversion]" if source.suffix == ".toml" else "[bumpversion]"
    if not isinstance(current, str) or not current.strip():
        raise ReleasekitError(f"{source.name}: {section} current_version is missing or not a string")
    current = current.strip()

    check_release_version(current, where=f"{source.name}: {section} current_version")
    return VersionConfig(current=current, files=_files(options, source), source=source)


def _conflict(other: Path, other_config: VersionConfig, used: VersionConfig) -> Conflict | None:
    source = used.source.name
    if other_config.current != used.current:
        line, _ = current_version_position(other)
        detail = f"current_version {other_config.current} here, {used.current} in {source}"
        return Conflict(other, line, detail)
    mine = sorted((f.path, f.search or "") for f in other_config.files)
    theirs = sorted((f.path, f.search or "") for f in used.files)
    if mine != theirs:
        header = "[tool.bumpversion]" if other.suffix == ".toml" else "[bumpversion]"
        lines = read_text(other).splitlines()
        line = next((n for n, text in enumerate(lines, 1) if text.strip() == header), 1)
        return Conflict(other, line, f"its file list differs from the one in {source}")
    return None


def search_dirs(root: Path) -> list[Path]:
    """Where bump-my-version, started in ``root``, looks for its configuration: ``root`` and
    its parents up to the top of the work tree (only ``root`` outside a repository)."""
    dirs = [root]
    while not (dirs[-1] / ".git").exists():
        if dirs[-1].parent == dirs[-1]:
            return [root]
        dirs.append(dirs[-1].parent)
    return dirs


def config_paths(root: Path) -> list[Path]:
    """Every file bump-my-version could take its configuration from, for a project at ``root``, in its order."""
    return [folder / name for folder in search_dirs(root) for name in CONFIG_FILES]


def find(root: Path, data: Mapping[str, Any]) -> VersionConfig | None:
    """The version configuration of the project at ``root`` (``data`` is its pyproject.toml).

    None when the project has no version releasekit could read.
    """
    project = data.get("project")
    project = project if isinstance(project, dict) else {}
    dynamic = project.get("dynamic", [])
    static = project.get("version") if isinstance(project.get("version"), str) else None
    if isinstance(dynamic, list) and "version" in dynamic:
        static = None
    pyproject = root / "pyproject.toml"
    tool = data.get("tool")
    in_pyproject = isinstance(tool, dict) and isinstance(tool.get("bumpversion"), dict)

    def options(path: Path) -> dict[str, Any]:
        # pyproject.toml is parsed already: only the other files are read here.
        return dict(tool["bumpversion"]) if path == pyproject and isinstance(tool, dict) else read_options(path)

    found = [path for path in config_paths(root) if (in_pyproject if path == pyproject else has_config(path))]
    if found:
        used = _from_options(options(found[0]), found[0], static)
        conflicts = []
        # Only the configurations beside the one in effect compete with it: one in a directory
        # above belongs to the enclosing project (the repository of a project in examples/).
        for other in (path for path in found[1:] if path.parent == found[0].parent):
            try:
                other_config = _from_options(options(other), other, static)
            except ReleasekitError as exc:
                detail = f"a second configuration, unreadable ({exc}); bump-my-version uses {found[0].name}"
                conflicts.append(Conflict(other, 1, detail))
                continue
            conflict = _conflict(other, other_config, used)
            if conflict:
                conflicts.append(conflict)
        return used._replace(conflicts=tuple(conflicts), project_version=static)
    if isinstance(dynamic, list) and "version" in dynamic:
        backend = tag_backend(data)
        if backend is not None:
            return VersionConfig(latest_tag_version(root), (), root / "pyproject.toml", "tag", backend=backend)
        located = version_file(root, data)
        if located is not None:
            backend, rel = located
            path = root / rel
            current = read_file_version(path, rel)
            return VersionConfig(current, (VersionFile(rel),), path, "file", backend=backend)
        return None
    if static is not None:
        return VersionConfig(static, (VersionFile("pyproject.toml"),), root / "pyproject.toml", "project")
    return None


__all__ = ["CONFIG_FILES", "Conflict", "VersionConfig", "VersionFile", "find"]
