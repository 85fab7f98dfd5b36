"""bump-my-version's configuration as ``releasekit init`` writes it: new, fixed, or migrated.

A legacy ``.bumpversion.cfg`` (INI) is converted to a ``[tool.bumpversion]`` table key by
key. bump-my-version reads ``.bumpversion.cfg`` before ``pyproject.toml``, so the INI file
is removed in the same change: two configurations would drift apart.
"""

from __future__ import annotations

import configparser
import fnmatch
from typing import TYPE_CHECKING, Any

from releasekit.adopt.detect import VersionPlace, read_text
from releasekit.adopt.draft import Draft, FileChange
from releasekit.bounded import loads_toml
from releasekit.bumpconfig import VersionFile
from releasekit.bumpsim import clobbers, context, search_pattern, suggested_replace
from releasekit.errors import ReleasekitError

if TYPE_CHECKING:
    from tomlkit.items import AoT, Table

LEGACY = ".bumpversion.cfg"
_BOOLEANS = {
    "commit",
    "tag",
    "sign_tags",
    "allow_dirty",
    "regex",
    "ignore_missing_version",
    "ignore_missing_files",
    "ignore_missing_file",
    "no_configured_files",
    "independent",
    "always_increment",
}
_LISTS = {"serialize", "values"}


def _string(value: str) -> Any:
    import tomlkit

    # Literal strings keep search patterns readable ('version="{current_version}"').
    literal = ('"' in value or "\\" in value) and "'" not in value and "\n" not in value
    return tomlkit.string(value, literal=literal)


def _value(key: str, raw: str) -> Any:
    import tomlkit

    if key in _BOOLEANS:
        word = raw.strip().lower()
        if word not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            raise ReleasekitError(f"{LEGACY}: {key} = {raw!r} is not true or false")
        return word in ("true", "yes", "1", "on")
    if key in _LISTS:
        items = [item.strip() for item in raw.strip().splitlines() if item.strip()]
        array = tomlkit.array()
        for item in items:
            array.append(_string(item))
        return array
    return _string(raw.strip() if "\n" not in raw.strip() else raw.strip("\n"))


def convert_legacy(text: str) -> Table:
    """The ``[tool.bumpversion]`` table that says what ``.bumpversion.cfg`` says."""
    import tomlkit

    # bump-my-version reads ``key = value`` and ``key: value`` alike (configparser's own delimiters).
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    try:
        parser.read_string(text, source=LEGACY)
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise ReleasekitError(f"{LEGACY}: cannot parse it: {first}") from None
    if not parser.has_section("bumpversion"):
        raise ReleasekitError(f"{LEGACY}: no [bumpversion] section; fix or remove the file, then run init again")
    table = tomlkit.table()
    for key, raw in parser.items("bumpversion"):
        table[key] = _value(key, raw)
    files = tomlkit.aot()
    parts = tomlkit.table(is_super_table=True)
    for section in parser.sections():
        if section == "bumpversion":
            continue
        kind, _, rest = section.partition(":")[2].partition(":")
        kind, label = kind.strip(), ""
        if "(" in kind and kind.endswith(")"):  # file(label) and file (label): bump-my-version's named sections
            kind, label = kind.split("(", 1)[0].strip(), kind.split("(", 1)[1][:-1]
        if not section.startswith("bumpversion:") or not rest:
            raise ReleasekitError(f"{LEGACY}: [{section}] is not a section bump-my-version knows")
        values = {key: _value(key, raw) for key, raw in parser.items(section)}
        if kind in ("file", "glob"):
            entry = tomlkit.table()
            entry["filename" if kind == "file" else "glob"] = rest
            for key, value in values.items():
                entry[key] = value
            if label:
                entry.comment(label)
            files.append(entry)
        elif kind == "part":
            part = tomlkit.table()
            for key, value in values.items():
                part[key] = value
            parts[rest] = part
        else:
            raise ReleasekitError(f"{LEGACY}: [{section}] is not a section bump-my-version knows")
    if len(parts):
        table["parts"] = parts
    if len(files):
        table["files"] = files
    return table


def new_table(version: str, places: list[VersionPlace]) -> Table:
    """A fresh ``[tool.bumpversion]``: the current version and one entry per place."""
    import tomlkit

    table = tomlkit.table()
    table["current_version"] = version
    if places:
        table["files"] = file_entries(places)
    return table


def file_entries(places: list[VersionPlace]) -> AoT:
    """``[[tool.bumpversion.files]]`` entries for ``places``."""
    import tomlkit

    files = tomlkit.aot()
    for place in places:
        entry = tomlkit.table()
        entry["filename"] = place.path
        entry["search"] = _string(place.search)
        entry["replace"] = _string(place.replace)
        files.append(entry)
    return files


def covered(table: Any, place: VersionPlace) -> bool:
    """True when an existing ``files`` entry already names the place's file (by name or glob)."""
    for entry in table.get("files", []) if hasattr(table, "get") else []:
        if not hasattr(entry, "get"):
            continue
        name, pattern = entry.get("filename"), entry.get("glob")
        if name == place.path or (isinstance(pattern, str) and fnmatch.fnmatch(place.path, pattern)):
            return True
    return False


def add_places(table: Any, places: list[VersionPlace]) -> list[VersionPlace]:
    """Add an entry for each place no entry covers yet; returns the places added."""
    missing = [place for place in places if not covered(table, place)]
    if not missing:
        return []
    if "files" in table:
        from tomlkit.items import AoT

        files = table["files"]
        if not isinstance(files, AoT):
            raise ReleasekitError("[tool.bumpversion] files is not an array of tables; add the entries by hand")
        for entry in file_entries(missing):
            entry.trivia.indent = "\n"  # a blank line above, as between the entries already there
            files.append(entry)
    else:
        table["files"] = file_entries(missing)
    return missing


def edit_versions(draft: Draft) -> None:
    """The plan's bump-my-version part: a new, fixed or migrated configuration, or a note why none."""
    project, root = draft.project, draft.root
    if project.tag_derived:
        draft.notes.append(
            "versions come from git tags (the build backend derives them): no [tool.bumpversion], no version "
            "files, and no version-sync hook; the release's tag sets the version"
        )
        return
    setup_cfg = read_text(root, "setup.cfg") or ""
    if "[bumpversion]" in setup_cfg:
        draft.notes.append("setup.cfg holds the bump-my-version configuration: kept as it is")
        return
    toml_file = read_text(root, ".bumpversion.toml", required=True)
    legacy = read_text(root, LEGACY, required=True)
    if project.version is None:
        draft.notes.append(
            "no version found ([project] version, setup.py, setup.cfg, __version__, or a release tag): "
            "add [tool.bumpversion] by hand once the project has one"
        )
        return
    draft.sync_versions = True
    places = list(project.places)
    if toml_file is not None:
        _edit_bumpversion_toml(draft, toml_file, places)
        return
    current = draft.existing("bumpversion")
    if current is not None:
        _fix(draft, current, places, draft.why, "[tool.bumpversion]")
        return
    if legacy is not None:
        migrated = convert_legacy(legacy)
        _fix(draft, migrated, places, draft.why, LEGACY)
        draft.add_table("bumpversion", migrated)
        draft.why.append(
            f"[tool.bumpversion] migrated from {LEGACY}, key by key (bump-my-version reads "
            f"{LEGACY} first, so it is removed: one configuration, not two that drift apart)"
        )
        draft.changes.append(FileChange(LEGACY, legacy, None, ("migrated to [tool.bumpversion] in pyproject.toml",)))
        return
    draft.add_table("bumpversion", new_table(project.version, places))
    where = ", ".join(f"{p.path} ({p.why})" for p in places) or "none found"
    draft.why.append(
        f"[tool.bumpversion] added: current_version {project.version} (from {project.version_source}); "
        f"version files: {where}"
    )


def _fix(draft: Draft, current: Any, places: list[VersionPlace], why: list[str], where: str) -> None:
    """Bring an existing configuration up to date: its current_version and its version files."""
    version = draft.project.version
    now = current.get("current_version")
    if not isinstance(now, str):
        raise ReleasekitError(f"{where}: current_version is missing or not a string; fix it, then run init again")
    if now != version:
        current["current_version"] = version
        why.append(
            f"{where} current_version {now} was stale: the project is at {version} "
            f"(from {draft.project.version_source})"
        )
    why.extend(repair_entries(draft, current, where))
    added = add_places(current, places)
    if added:
        why.append(f"{where}: version files added: " + ", ".join(f"{p.path} ({p.why})" for p in added))


def _entry_problem(root: Any, table: Any, entry: Any, version: str) -> str | None:
    """Why bump-my-version could not bump this entry: its file is gone, or its search matches nothing."""
    name = entry.get("filename")
    if not isinstance(name, str) or entry.get("glob") is not None:
        return None  # a glob may match files yet to come: left as it is
    search = entry.get("search", table.get("search"))
    regex = entry.get("regex", table.get("regex", False))
    ignore_file = entry.get("ignore_missing_file", table.get("ignore_missing_files", False))
    text = read_text(root, name, kind="version file")
    if text is None:
        return None if ignore_file else "its file does not exist"
    if entry.get("ignore_missing_version", table.get("ignore_missing_version", False)):
        return None
    pattern = search_pattern(VersionFile(name, search=search, regex=bool(regex)), context(version, version))
    if pattern is None or pattern.search(text):
        return None
    return f"its search {VersionFile(name, search=search).search_text!r} matches nothing in {name} at {version}"


def repair_entries(draft: Draft, table: Any, where: str) -> list[str]:
    """Drop the file entries bump-my-version could not bump, and give ``replace`` to the ones that
    would write the bare version over their line; returns the reasons, for the plan's diff."""
    files, version = table.get("files"), draft.project.version
    if version is None or not hasattr(files, "__delitem__"):
        return []
    reasons: list[str] = []
    for n in reversed(range(len(files))):
        entry = files[n]
        if not hasattr(entry, "get"):
            continue
        label = f"{where} files entry {n + 1} ({entry.get('filename', entry.get('glob'))})"
        problem = _entry_problem(draft.root, table, entry, version)
        if problem:
            del files[n]
            reasons.append(f"{label} dropped: {problem}, so bump-my-version would stop the release's bump")
            continue
        search = entry.get("search", table.get("search"))
        replace = entry.get("replace", table.get("replace"))
        regex = bool(entry.get("regex", table.get("regex", False)))
        if isinstance(search, str) and clobbers(VersionFile("", search=search, replace=replace, regex=regex)):
            entry["replace"] = _string(suggested_replace(search))
            reasons.append(
                f"{label}: replace = {suggested_replace(search)!r} added: without it bump-my-version writes "
                f"the bare new version over the whole of {search!r}"
            )
    if files is not None and not len(files):
        del table["files"]
    return list(reversed(reasons))


def _edit_bumpversion_toml(draft: Draft, text: str, places: list[VersionPlace]) -> None:
    import tomlkit

    loads_toml(text, source=str(draft.root / ".bumpversion.toml"))  # within the limits before tomlkit reads it
    doc = tomlkit.parse(text)
    current = doc.get("tool", {}).get("bumpversion")
    if current is None:
        raise ReleasekitError(".bumpversion.toml: no [tool.bumpversion] table; fix it, then run init again")
    why: list[str] = []
    _fix(draft, current, places, why, ".bumpversion.toml")
    if why:
        draft.changes.append(FileChange(".bumpversion.toml", text, tomlkit.dumps(doc), tuple(why)))
