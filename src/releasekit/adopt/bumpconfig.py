"""bump-my-version's configuration as ``releasekit init`` writes it: new, fixed, or migrated.

A legacy ``.bumpversion.cfg`` (INI) is converted to a ``[tool.bumpversion]`` table key by
key. bump-my-version reads ``.bumpversion.cfg`` before ``pyproject.toml``, so the INI file
is removed in the same change: two configurations would drift apart.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
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
SETUP_CFG = "setup.cfg"
_SECTION = re.compile(r"^\[(?P<name>[^\]\n]*)\][ \t]*(?:[#;].*)?$")
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


def convert_legacy(text: str, source: str = LEGACY) -> Table:
    """The ``[tool.bumpversion]`` table that says what ``.bumpversion.cfg`` (or setup.cfg's
    ``[bumpversion]`` sections, ``source``) says."""
    import tomlkit

    # bump-my-version reads ``key = value`` and ``key: value`` alike (configparser's own delimiters),
    # and setup.cfg with interpolation (``%%`` is a ``%``), the dotfile without.
    parser = configparser.ConfigParser() if source == SETUP_CFG else configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    try:
        parser.read_string(text, source=source)
        # setup.cfg holds other tools' sections too; the dotfile only bump-my-version's.
        sections = [s for s in parser.sections() if source != SETUP_CFG or _is_bump_section(s)]
        items = {section: parser.items(section) for section in sections}
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise ReleasekitError(f"{source}: cannot parse it: {first}") from None
    if "bumpversion" not in items:
        raise ReleasekitError(f"{source}: no [bumpversion] section; fix or remove the file, then run init again")
    table = tomlkit.table()
    for key, raw in items["bumpversion"]:
        table[key] = _value(key, raw)
    files = tomlkit.aot()
    parts = tomlkit.table(is_super_table=True)
    for section, pairs in items.items():
        if section == "bumpversion":
            continue
        kind, _, rest = section.partition(":")[2].partition(":")
        kind, label = kind.strip(), ""
        if "(" in kind and kind.endswith(")"):  # file(label) and file (label): bump-my-version's named sections
            kind, label = kind.split("(", 1)[0].strip(), kind.split("(", 1)[1][:-1]
        if not section.startswith("bumpversion:") or not rest:
            raise ReleasekitError(f"{source}: [{section}] is not a section bump-my-version knows")
        values = {key: _value(key, raw) for key, raw in pairs}
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
            raise ReleasekitError(f"{source}: [{section}] is not a section bump-my-version knows")
    if len(parts):
        table["parts"] = parts
    if len(files):
        table["files"] = files
    return table


def _is_bump_section(section: str) -> bool:
    return section.strip() == "bumpversion" or section.startswith("bumpversion:")


def has_bump_sections(text: str) -> bool:
    """Whether an INI file's text has a ``[bumpversion]`` section, as bump-my-version reads setup.cfg."""
    return any((m := _SECTION.match(line)) and m.group("name").strip() == "bumpversion" for line in text.splitlines())


def without_bump_sections(text: str) -> str | None:
    """The INI text with its ``[bumpversion]`` and ``[bumpversion:...]`` sections removed, the rest
    as it was (the comments just above a section kept stay with it); None when nothing is left."""
    kept: list[str] = []
    above: list[str] = []  # the comments at the end of a dropped section, which may belong to the next one
    dropping = False
    for line in text.splitlines(keepends=True):
        match = _SECTION.match(line.rstrip("\r\n"))
        if match:
            dropping = _is_bump_section(match.group("name"))
            if not dropping:
                kept += above
            above = []
        if not dropping:
            kept.append(line)
        elif line.lstrip().startswith(("#", ";")):
            above.append(line)
        elif line.strip():
            above = []
    new = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip("\n")
    return new + "\n" if new.strip() else None


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
    setup_cfg = read_text(root, SETUP_CFG, required=True) or ""
    toml_file = read_text(root, ".bumpversion.toml", required=True)
    legacy = read_text(root, LEGACY, required=True)
    in_setup_cfg = has_bump_sections(setup_cfg)
    if in_setup_cfg and (toml_file is not None or draft.existing("bumpversion") is not None):
        draft.notes.append(
            "setup.cfg and another file both hold bump-my-version configuration: kept as they are "
            "(`releasekit check versions` names the one bump-my-version ignores; keep one of them)"
        )
        return
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
    if legacy is not None or in_setup_cfg:
        source, text = (LEGACY, legacy) if legacy is not None else (SETUP_CFG, setup_cfg)
        migrated = convert_legacy(text, source)
        _fix(draft, migrated, places, draft.why, source)
        draft.add_table("bumpversion", migrated)
        removed = "it is removed" if source == LEGACY else "its sections are removed"
        draft.why.append(
            f"[tool.bumpversion] migrated from {source}, key by key (bump-my-version reads "
            f"{source} before pyproject.toml, so {removed}: one configuration, not two that drift apart)"
        )
        if source == LEGACY:
            draft.changes.append(FileChange(LEGACY, text, None, ("migrated to [tool.bumpversion] in pyproject.toml",)))
        if in_setup_cfg:
            why = "[bumpversion] sections migrated to [tool.bumpversion] in pyproject.toml"
            if source == LEGACY:
                why = (
                    f"[bumpversion] sections removed: bump-my-version ignored them beside {LEGACY}, "
                    "and would read them once it is gone"
                )
            draft.changes.append(FileChange(SETUP_CFG, setup_cfg, without_bump_sections(setup_cfg), (why,)))
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
