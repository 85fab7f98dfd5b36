"""The fragments' configuration: towncrier's own section, read as towncrier reads it, and releasekit's roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from releasekit.changelog.fragments import ROLES, FragmentsConfig, FragmentType
from releasekit.configschema import BOOL, NAME, STRING, Loose, array, table_of
from releasekit.errors import ReleasekitError

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

# The parts of [tool.towncrier] that releasekit reads; its other keys are towncrier's.
TOWNCRIER_SCHEMA = Loose(
    directory=NAME,
    filename=NAME,
    orphan_prefix=STRING,
    start_string=STRING,
    ignore=array(STRING, "strings"),
    type=array(Loose(directory=NAME, name=STRING, showcontent=BOOL, check=BOOL), "tables"),
    fragment=table_of(Loose(name=STRING, showcontent=BOOL, check=BOOL), "a table of tables"),
)

# towncrier's own types, for a project that has no [tool.towncrier] section.
DEFAULT_FRAGMENT_TYPES = (
    FragmentType("feature", "Features"),
    FragmentType("bugfix", "Bugfixes"),
    FragmentType("doc", "Improved Documentation"),
    FragmentType("removal", "Deprecations and Removals"),
    FragmentType("misc", "Misc", showcontent=False),
)


def fragment_roles(own: Mapping[str, Any], path: Path) -> tuple[tuple[str, str], ...]:
    """The (type, role) pairs of ``[tool.releasekit.fragment_roles]`` in ``own``, each role checked."""
    pairs = []
    for kind, role in own.get("fragment_roles", {}).items():
        if role not in (*ROLES, "none"):
            raise ReleasekitError(
                f"{path.name}: [tool.releasekit.fragment_roles] {kind} = {role!r}: expected one of "
                f"{', '.join(ROLES)} or none"
            )
        pairs.append((str(kind), str(role)))
    return tuple(pairs)


def _types(table: Mapping[str, Any], path: Path) -> list[FragmentType]:
    """The types of ``[[tool.towncrier.type]]`` entries, then of ``[tool.towncrier.fragment.<type>]`` tables."""
    entries: list[tuple[str, Mapping[str, Any], str]] = []  # (directory, entry, the name towncrier gives it)
    raw_types = table.get("type", [])
    if isinstance(raw_types, list):
        for entry in raw_types:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("directory"), str):
                raise ReleasekitError(f"{path.name}: [[tool.towncrier.type]] entries need a 'directory' string")
            entries.append((entry["directory"], entry, entry["directory"]))
    fragment_table = table.get("fragment")
    if isinstance(fragment_table, Mapping):
        for key, entry in fragment_table.items():
            entries.append((key, entry if isinstance(entry, Mapping) else {}, key.capitalize()))
    return [
        FragmentType(
            directory,
            str(entry.get("name", default_name)),
            bool(entry.get("showcontent", True)),
            bool(entry.get("check", True)),
        )
        for directory, entry, default_name in entries
    ]


def fragments_config(table: Mapping[str, Any] | None, path: Path, project_name: str | None = None) -> FragmentsConfig:
    """The fragments' configuration that ``table`` (``[tool.towncrier]`` of ``path``, or None) gives.

    Without a section, towncrier's defaults; without a directory, towncrier's own
    choice: ``<package_dir>/<package>/newsfragments``.
    """
    if table is None:
        return FragmentsConfig("changelog.d", "CHANGELOG.md", DEFAULT_FRAGMENT_TYPES, configured=False)
    types = _types(table, path)
    package = table.get("package") or project_name or ""
    default_directory = "/".join(p for p in (str(table.get("package_dir", ".")).strip("./"), str(package)) if p)
    directory = table.get("directory", f"{default_directory}/newsfragments".lstrip("/"))
    filename = table.get("filename", "NEWS.rst")
    if not isinstance(directory, str) or not isinstance(filename, str):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] directory and filename must be strings")
    directory = directory.rstrip("/") or directory  # "changelog.d/" is changelog.d: never shown as changelog.d//
    orphan_prefix = table.get("orphan_prefix", "+")
    ignore = table.get("ignore", [])
    if not isinstance(orphan_prefix, str):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] orphan_prefix must be a string")
    if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] ignore must be an array of strings")
    return FragmentsConfig(
        directory,
        filename,
        tuple(types) or DEFAULT_FRAGMENT_TYPES,
        configured=True,
        orphan_prefix=orphan_prefix,
        ignore=tuple(ignore),
        add_extension=table.get("create_add_extension", True) is not False,
    )
