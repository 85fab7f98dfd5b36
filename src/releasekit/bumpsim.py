"""The release's bump, simulated the way bump-my-version makes it, and judged before anything is written.

bump-my-version fills each file entry's ``search`` with the current version, finds it in
the file, and puts ``replace`` filled with the new version in its place; ``replace``
defaults to ``{new_version}``, so a ``search`` with text around the version and no
``replace`` writes the bare version over the whole match (``__version__ = '1.5.1'``
becomes ``1.5.2``). Several entries for one file apply one after the other, and nothing
is written unless every file could be changed.

``simulate`` computes what each version file holds after the bump, in memory. The release's
preflight and ``releasekit init`` then check those texts at the new version and parse each
as its kind (Python compiles; TOML, JSON, YAML, INI parse), so a bump that would commit a
broken file is stopped before the first side effect. ``tests/test_bumpsim.py`` holds the
simulation to real bump-my-version, byte for byte.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from releasekit.bounded import read_text
from releasekit.bumpconfig import DEFAULT_SEARCH, VersionConfig, VersionFile
from releasekit.errors import ReleasekitError
from releasekit.findings import Finding
from releasekit.safefiles import Refused, read_bytes

if TYPE_CHECKING:
    from collections.abc import Iterable

# bump-my-version's default ``parse`` (bumpversion.config.DEFAULTS): the parts a template may name.
_PARTS = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)")
_CURRENT_FIELD = re.compile(r"\{current_(\w+)\}")


class Bumped(NamedTuple):
    """One version file before and after the simulated bump (text with its own line endings)."""

    path: str
    before: str
    after: str


class Simulation(NamedTuple):
    files: tuple[Bumped, ...]
    findings: tuple[Finding, ...]  # what the bump would break or cannot do
    skipped: tuple[str, ...] = ()  # entries whose templates name fields only bump-my-version knows


def context(current: str, new: str) -> dict[str, str]:
    """The fields a ``search`` or ``replace`` template may name: the two versions and their parts."""
    fields = {"current_version": current, "new_version": new, "#": "#", ";": ";"}
    for prefix, version in (("current", current), ("new", new)):
        match = _PARTS.search(version)
        if match:
            fields.update({f"{prefix}_{part}": value for part, value in match.groupdict().items()})
    return fields


def fill(template: str, context: dict[str, str]) -> str | None:
    """``template`` with its ``{name}`` fields filled from ``context``, or None when it asks for more.

    Only plain names releasekit knows, with no conversion or format spec, are filled:
    ``{current_version.x}`` or ``{current_version.__class__}`` is configuration reaching
    into Python objects, not a version part.
    """
    from string import Formatter

    parts = []
    try:
        for literal, field, spec, conversion in Formatter().parse(template):
            parts.append(literal)
            if field is None:
                continue
            if field not in context or spec or conversion:
                return None
            parts.append(context[field])
    except ValueError:  # an unmatched brace
        return None
    return "".join(parts)


def search_pattern(entry: VersionFile, fields: dict[str, str]) -> re.Pattern[str] | None:
    """The regular expression bump-my-version searches with, or None when ``search`` names an unknown field."""
    raw = fill(entry.search_text, fields)
    if raw is None:
        return None
    flags = re.MULTILINE | re.DOTALL
    if entry.regex:
        pattern = fill(entry.search_text, {key: re.escape(value) for key, value in fields.items()})
        try:
            return re.compile(pattern or "", flags)
        except re.error:
            pass  # bump-my-version falls back to the literal text
    return re.compile(re.escape(raw), flags)


def suggested_replace(search: str) -> str:
    """The ``replace`` that keeps what ``search`` holds around the version: its current fields made new."""
    return _CURRENT_FIELD.sub(lambda m: "{new_" + m.group(1) + "}", search)


def clobbers(entry: VersionFile) -> bool:
    """Whether the entry writes the bare new version over text its ``search`` holds around the version."""
    if entry.replace is not None or entry.regex:
        return False
    return entry.search_text.strip() != DEFAULT_SEARCH and "{current_version}" in entry.search_text


def entry_findings(version: VersionConfig, root: Path) -> list[Finding]:
    """A finding for each file entry that would clobber its line: it names the configuration file and entry."""
    found = []
    for entry in version.files:
        if entry.number and clobbers(entry):
            where = entry_label(version, entry)
            line = _entry_line(version.source, entry)
            found.append(
                Finding(
                    _relative(version.source, root),
                    line,
                    1,
                    f"{where}: search {entry.search_text!r} holds text around the version and there is no "
                    f"replace, so bump-my-version would write the bare new version over all of it; "
                    f"add replace = {suggested_replace(entry.search_text)!r}",
                )
            )
    return found


def entry_label(version: VersionConfig, entry: VersionFile) -> str:
    """How a person finds the entry: ``[[tool.bumpversion.files]] entry 2 (src/pkg/__init__.py)``."""
    if version.source.suffix == ".toml":
        return f"[[tool.bumpversion.files]] entry {entry.number} ({entry.path})"
    kind = "glob" if entry.is_glob else "file"
    return f"[bumpversion:{kind}:{entry.path}]"


def _relative(path: Path, root: Path) -> str:
    import os

    return Path(os.path.relpath(path, root)).as_posix()


def _entry_line(source: Path, entry: VersionFile) -> int:
    try:
        lines = [line.strip() for line in read_text(source).splitlines()]
    except ReleasekitError:  # the line is a courtesy; the finding stands without it
        return 1
    if source.suffix == ".toml":
        headers = [n for n, line in enumerate(lines, 1) if line.startswith("[[tool.bumpversion.files]]")]
        return headers[entry.number - 1] if entry.number <= len(headers) else 1
    ending = f":{entry.path}]"
    return next((n for n, line in enumerate(lines, 1) if line.startswith("[bumpversion:") and line.endswith(ending)), 1)


def _read(root: Path, rel: str) -> tuple[str, str | None] | None:
    """A file's text with its newlines made ``\\n``, and the newline it had (as bump-my-version reads it)."""
    try:
        data = read_bytes(root, rel, "version file")
        raw = data.decode("utf-8")
    except (OSError, UnicodeDecodeError, Refused):
        return None  # the version check names it
    newline = next((n for n in ("\r\n", "\n", "\r") if n in raw), None)
    return raw.replace("\r\n", "\n").replace("\r", "\n"), newline


def expand(root: Path, entry: VersionFile) -> list[str]:
    """The files ``entry`` names, relative to ``root``.

    A glob is normalised first (``./``, ``a/..``), so pathlib never meets a pattern it
    cannot take, and ``**`` inside a name is ``*``, as Python's glob (bump-my-version's)
    reads it. One reaching out of the repository is returned as it is, for the read
    to refuse by name; none is walked.
    """
    if not entry.is_glob:
        return [entry.path]
    pattern = posixpath.normpath(entry.path)
    if pattern.startswith("/") or pattern == ".." or pattern.startswith("../"):
        return [entry.path]
    if pattern == ".":
        return []  # the repository itself, a directory: no file
    pattern = "/".join(part if part == "**" else re.sub(r"\*{2,}", "*", part) for part in pattern.split("/"))
    # Not is_file(): a symlink or FIFO that matches is reported, not silently left out.
    return sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if not p.is_dir())


def _ordered(root: Path, entries: Iterable[VersionFile]) -> list[tuple[str, list[VersionFile]]]:
    """The files and their entries in bump-my-version's order: by file, in order of first mention."""
    order: dict[str, list[VersionFile]] = {}
    for entry in entries:
        for rel in expand(root, entry):
            order.setdefault(rel, []).append(entry)
    return list(order.items())


def simulate(root: Path, version: VersionConfig, new: str) -> Simulation:
    """What bump-my-version would write into each version file to go from the current version to ``new``."""
    fields = context(version.current, new)
    bumped: list[Bumped] = []
    findings: list[Finding] = []
    skipped: list[str] = []
    for rel, entries in _ordered(root, version.files):
        read = _read(root, rel)
        if read is None:
            continue
        text, newline = read
        after = text
        for entry in entries:
            pattern = search_pattern(entry, fields)
            replace = fill(entry.replace_text, fields)
            if pattern is None or replace is None:
                skipped.append(f"{rel} ({entry.search_text!r} -> {entry.replace_text!r})")
                continue
            if not pattern.search(after):
                if pattern.search(text) and not entry.ignore_missing_version:
                    message = (
                        f"{entry_label(version, entry)}: search {entry.search_text!r} no longer matches once "
                        "the entries before it have bumped the file, so bump-my-version would stop; "
                        "drop this entry or set ignore_missing_version = true"
                    )
                    findings.append(Finding(rel, 1, 1, message))
                continue  # a dead entry: the version check at the current version names it
            try:
                after = pattern.sub(replace, after)
            except (re.error, IndexError) as exc:
                message = f"replace {entry.replace_text!r} is not a valid replacement: {exc}"
                findings.append(Finding(rel, 1, 1, message))
        if after != text:
            if newline and newline != "\n":  # written back with the newline the file had
                text, after = text.replace("\n", newline), after.replace("\n", newline)
            bumped.append(Bumped(rel, text, after))
    return Simulation(tuple(bumped), tuple(findings), tuple(skipped))


def parse_problem(rel: str, text: str) -> str | None:
    """Why ``text`` does not parse as the kind of file ``rel`` names (None when it does, or has no known kind)."""
    suffix = Path(rel).suffix.lower()
    try:
        if suffix in (".py", ".pyi"):
            compile(text, rel, "exec", dont_inherit=True)
        elif suffix == ".toml":
            import tomlkit

            tomlkit.parse(text)
        elif suffix == ".json":
            import json

            json.loads(text)
        elif suffix in (".yaml", ".yml"):
            from ruamel.yaml import YAML

            list(YAML(typ="safe", pure=True).load_all(text))
        elif suffix in (".cfg", ".ini"):
            import configparser

            configparser.RawConfigParser(strict=False).read_string(text, source=rel)
        else:
            return None
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except Exception as exc:  # each parser has its own error; the first line says what
        return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return None


__all__ = ["Bumped", "Simulation", "clobbers", "parse_problem", "simulate", "suggested_replace"]
