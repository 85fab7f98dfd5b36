"""The fragments' configuration: towncrier's own section, read as towncrier reads it, and releasekit's roles."""

from __future__ import annotations

import os
import posixpath
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
    issue_pattern=STRING,
    template=STRING,
    section=array(Loose(name=STRING, path=STRING), "tables"),
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
    """The types as towncrier loads them: ``[tool.towncrier.fragment.<type>]`` tables when there are any,
    else the ``[[tool.towncrier.type]]`` entries (whose directory defaults to the lower-cased name)."""
    entries: list[tuple[str, Mapping[str, Any], str]] = []  # (directory, entry, the name towncrier gives it)
    fragment_table = table.get("fragment")
    raw_types = table.get("type", [])
    if isinstance(fragment_table, Mapping) and fragment_table:
        for key, entry in sorted(fragment_table.items()):  # towncrier sorts them
            entries.append((key, entry if isinstance(entry, Mapping) else {}, key.capitalize()))
    elif isinstance(raw_types, list):
        for number, entry in enumerate(raw_types, start=1):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                raise ReleasekitError(_nameless(path, number, entry))
            directory = entry.get("directory", str(entry["name"]).lower())
            entries.append((directory, entry, entry["name"]))
    by_directory = {directory: (entry, name) for directory, entry, name in entries}  # the last one wins
    return [
        FragmentType(
            directory,
            str(entry.get("name", default_name)),
            bool(entry.get("showcontent", True)),
            bool(entry.get("check", True)),
        )
        for directory, (entry, default_name) in by_directory.items()
    ]


def _nameless(path: Path, number: int, entry: object) -> str:
    """The error for a ``[[tool.towncrier.type]]`` entry without a name, which towncrier fails on (KeyError)."""
    directory = entry.get("directory") if isinstance(entry, Mapping) else None
    which = f"type {directory!r}" if isinstance(directory, str) else f"type entry {number}"
    return (
        f"{path.name}: [[tool.towncrier.type]] {which} has no name; towncrier cannot load it (KeyError: 'name'): "
        'add name = "<the section title>" to it'
    )


# The fields towncrier fills in each format string it formats (``str.format`` with these keywords).
FORMAT_FIELDS = {"title_format": ("name", "version", "project_date"), "issue_format": ("issue",)}


def check_formats(table: Mapping[str, Any], path: Path) -> None:
    """Refuse a ``title_format`` or ``issue_format`` whose fields are more than towncrier's names:
    ``{issue.__class__.__mro__}`` would walk Python's attributes when towncrier formats it."""
    import string

    for key, names in FORMAT_FIELDS.items():
        value = table.get(key)
        if not isinstance(value, str):
            continue  # false (no title) or towncrier's own error
        where = f"{path.name}: [tool.towncrier] {key}"
        try:
            fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            raise ReleasekitError(f"{where}: not a format string towncrier can fill in ({exc})") from None
        for name, spec in fields:
            if name not in names or "{" in (spec or ""):
                allowed = ", ".join(f"{{{n}}}" for n in names)
                field = name + (f":{spec}" if spec else "")
                shown = field[:40] + ("..." if len(field) > 40 else "")
                raise ReleasekitError(
                    f"{where}: {{{shown}}} is not one of {allowed}; towncrier fills in only these "
                    "(no attributes, indexes or nested fields)"
                )


def _sections(table: Mapping[str, Any], base: str, append: str) -> tuple[str, ...]:
    """The directories of towncrier's sections (``[[tool.towncrier.section]]`` paths), relative to the root."""
    raw = table.get("section")
    if not isinstance(raw, list):
        return ()
    paths = {str(entry.get("name", "")): str(entry.get("path", "")) for entry in raw if isinstance(entry, Mapping)}
    dirs = (posixpath.normpath(posixpath.join(base, section, append)) for section in paths.values())
    return tuple(dict.fromkeys(d for d in dirs))


def _template_name(table: Mapping[str, Any]) -> str:
    """The file name towncrier ignores for its template: none for a package resource (``towncrier:default``)."""
    import re

    template = table.get("template", "towncrier:default")
    if not isinstance(template, str) or re.match(r"[-\w.]+:[-\w.]+$", template):
        return ""
    return os.path.basename(template)


def fragments_config(table: Mapping[str, Any] | None, path: Path, project_name: str | None = None) -> FragmentsConfig:
    """The fragments' configuration that ``table`` (``[tool.towncrier]`` of ``path``, or None) gives.

    Without a section, towncrier's defaults; without a directory, towncrier's own
    choice: ``<package_dir>/<package>/newsfragments``.
    """
    if table is None:
        return FragmentsConfig("changelog.d", "CHANGELOG.md", DEFAULT_FRAGMENT_TYPES, configured=False)
    check_formats(table, path)
    types = _types(table, path)
    package = table.get("package") or project_name or ""
    default_directory = "/".join(p for p in (str(table.get("package_dir", ".")).strip("./"), str(package)) if p)
    directory = table.get("directory", f"{default_directory}/newsfragments".lstrip("/"))
    if "directory" in table:
        sections = _sections(table, str(directory).strip("/"), "")
    else:
        sections = _sections(table, default_directory, "newsfragments")
    filename = table.get("filename", "NEWS.rst")
    if not isinstance(directory, str) or not isinstance(filename, str):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] directory and filename must be strings")
    for key, value in (("directory", directory), ("filename", filename)):
        if value.startswith(("/", "\\")) or (len(value) > 1 and value[1] == ":"):
            # towncrier would read (or write) that very path; a relative one is refused at each read if it leaves
            raise ReleasekitError(
                f"{path.name}: [tool.towncrier] {key} {value!r} is an absolute path; releasekit and towncrier "
                "work only inside the project: give a path relative to it"
            )
    directory = directory.rstrip("/") or directory  # "changelog.d/" is changelog.d: never shown as changelog.d//
    orphan_prefix = table.get("orphan_prefix", "+")
    ignore = table.get("ignore", [])
    if not isinstance(orphan_prefix, str):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] orphan_prefix must be a string")
    if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] ignore must be an array of strings")
    issue_pattern = table.get("issue_pattern", "")
    if issue_pattern:
        import re

        try:
            re.compile(issue_pattern)
        except re.error as exc:
            raise ReleasekitError(
                f"{path.name}: [tool.towncrier] issue_pattern {issue_pattern!r} is not a regular expression ({exc})"
            ) from None
    return FragmentsConfig(
        directory,
        filename,
        tuple(types) or DEFAULT_FRAGMENT_TYPES,
        configured=True,
        orphan_prefix=orphan_prefix,
        ignore=tuple(ignore),
        add_extension=table.get("create_add_extension", True) is not False,
        sections=sections,
        template=_template_name(table),
        issue_pattern=issue_pattern,
    )
