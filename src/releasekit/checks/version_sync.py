"""The version-sync check behind the ``version-sync`` hook: every version file holds the current version."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit import git
from releasekit.backends import _ASSIGNMENT, _QUOTED
from releasekit.bumpconfig import config_paths, current_version_position
from releasekit.bumpsim import context as fields
from releasekit.bumpsim import entry_findings, expand, fill, search_pattern
from releasekit.errors import ReleasekitError
from releasekit.findings import Finding
from releasekit.safefiles import Refused, read_bytes
from releasekit.tags import project_format
from releasekit.versions import parse_version

if TYPE_CHECKING:
    from packaging.version import Version

    from releasekit.bumpconfig import Conflict, VersionFile
    from releasekit.config import Config

# Something that looks like a version, valid or not, so a wrong one can be reported.
_VERSIONISH = r"\d+(?:\.\d+)*(?:[-_.]?(?:a|b|rc|alpha|beta|dev|post)\.?\d*)*(?:\+[\w.]+)?"
_KEYWORD = re.compile(rf"""\bversion[ \t]*=[ \t]*{_QUOTED}""")
_TOML_TABLE = re.compile(r"^[ \t]*\[(?P<name>[^\]\n]+)\][ \t]*(?:#.*)?$", re.MULTILINE)
_TOML_VERSION = re.compile(rf"""^[ \t]*version[ \t]*=[ \t]*{_QUOTED}""", re.MULTILINE)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _expected_parts(current: str) -> dict[str, str]:
    v = parse_version(current)
    parts = {"major": str(v.major), "minor": str(v.minor), "patch": str(v.micro)}
    pre_l, pre_n = (v.pre[0], str(v.pre[1])) if v.pre else ("", "")
    parts.update(pre_l=pre_l, pre_n=pre_n)
    context = {"current_version": current, "version": current}
    context.update({f"current_{k}": value for k, value in parts.items()})
    return context


def _search_probe(search: str, context: dict[str, str]) -> tuple[re.Pattern[str], str] | None:
    """A regex that finds what ``search`` would match with any version, and the value it should hold."""
    first, last = search.find("{"), search.rfind("}")
    if first < 0 or last < first:
        return None
    prefix, template, suffix = search[:first], search[first : last + 1], search[last + 1 :]
    expected = fill(template, context)
    if expected is None:
        return None
    # A search that starts with a word must not match the tail of a longer one (python_version = ...).
    guard = r"(?<![\w.-])" if prefix[:1].isalnum() or prefix[:1] == "_" else ""
    pattern = guard + re.escape(prefix) + f"(?P<v>{_VERSIONISH})" + re.escape(suffix)
    return re.compile(pattern), expected


def _probe_known(path: str, text: str, current: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """Places that hold a version in well-known files: (offset, value, accepted values)."""
    name = Path(path).name
    found: list[tuple[int, str, tuple[str, ...]]] = []
    if name == "pyproject.toml":
        tables = [(m.start(), m.group("name").strip()) for m in _TOML_TABLE.finditer(text)]
        for match in _TOML_VERSION.finditer(text):
            table = next((t for start, t in reversed(tables) if start < match.start()), "")
            if table == "project":
                found.append((match.start("v"), match.group("v"), (current,)))
        return found
    bare = text.strip()
    if bare and "\n" not in bare and re.fullmatch(_VERSIONISH, bare):
        return [(text.index(bare), bare, (current,))]  # a file holding nothing but the version (VERSION)
    short = ".".join(current.split(".")[:2])
    for match in _ASSIGNMENT.finditer(text):
        accepted: tuple[str, ...] = (current,)
        if match.group("name") == "version" and name == "conf.py":
            accepted = (short, current)  # Sphinx: version is the short X.Y, release the full one
        found.append((match.start("v"), match.group("v"), accepted))
    if not found and name == "setup.py":
        for match in _KEYWORD.finditer(text):
            found.append((match.start("v"), match.group("v"), (current,)))
    return found


def check_file(path: str, text: str, entry: VersionFile, current: str) -> list[Finding]:
    """Findings for one version file's text."""
    context = _expected_parts(current)
    search = entry.search
    places: list[tuple[int, str, tuple[str, ...]]]
    if entry.regex:
        pattern = search_pattern(entry, fields(current, current))
        if pattern is None:
            message = f"cannot check: search {entry.search_text!r} names a part releasekit does not know"
        elif pattern.search(text) or entry.ignore_missing_version:
            return []
        else:
            message = f"search {entry.search_text!r} (a regular expression) matches nothing; expected {current}"
        return [Finding(path, 1, 1, message)]
    if search and search.strip() != "{current_version}":
        probe = _search_probe(search, context)
        if probe is None:
            literal = fill(search, context) if "{" in search else search
            if literal is None:
                return [Finding(path, 1, 1, f"cannot check: search {search!r} names a part releasekit does not know")]
            return [] if literal in text else [Finding(path, 1, 1, f"search text {literal!r} not found")]
        regex, expected = probe
        places = [(m.start("v"), m.group("v"), (expected,)) for m in regex.finditer(text)]
        wanted = expected
    else:
        places = _probe_known(path, text, current)
        wanted = current
        if not places and current in text:
            return []
    if not places:
        if entry.ignore_missing_version:
            return []
        return [Finding(path, 1, 1, f"no version found; expected {wanted}")]
    findings = []
    for offset, value, accepted in places:
        if value not in accepted:
            line, col = _position(text, offset)
            findings.append(Finding(path, line, col, f"expected {accepted[0]}, found {value}"))
    return findings


def check_versions(config: Config, *, with_tags: bool = True) -> list[Finding]:
    """Every configured version file holds the current version, and no newer tag is on HEAD's history.

    A second bump-my-version configuration that disagrees with the one bump-my-version
    reads is a finding too. A version derived from git tags has no file to check.
    """
    version = config.require_version()
    findings: list[Finding] = [_conflict_finding(config, conflict) for conflict in version.conflicts]
    if version.scheme == "bumpversion":
        findings += entry_findings(version, config.root)
    if version.scheme == "bumpversion" and not version.files:
        raise ReleasekitError(
            f"{version.source.name}: bump-my-version's configuration lists no files; "
            "add [[tool.bumpversion.files]] entries (or [bumpversion:file:NAME] sections)"
        )
    found: list[str] = []  # the versions the files hold, to tell a stale current_version
    file_findings: list[Finding] = []
    in_sync = False  # some file holds the current version: then the configuration is not stale
    for entry in version.files:
        matched = expand(config.root, entry)
        # A glob that names the repository itself (".") matches a directory, not a missing file.
        if entry.is_glob and not matched and not entry.ignore_missing_file and posixpath.normpath(entry.path) != ".":
            message = f"glob {entry.path!r} matches no file: bump-my-version would stop the release's bump"
            file_findings.append(Finding(_relative(version.source, config.root), 1, 1, message))
        for rel in matched:
            try:
                # bump-my-version writes where a symlink points: one leaving the repository is a finding too.
                data = read_bytes(config.root, rel, "version file")
            except FileNotFoundError:
                if not entry.ignore_missing_file:
                    file_findings.append(Finding(rel, 1, 1, f"file not found (listed in {_where(config)})"))
                continue
            except Refused as exc:
                file_findings.append(Finding(rel, 1, 1, exc.reason))
                continue
            except OSError as exc:
                file_findings.append(Finding(rel, 1, 1, f"cannot read: {exc.strerror}"))
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                file_findings.append(Finding(rel, line, 1, "not valid UTF-8; cannot check the version"))
                continue
            problems = check_file(rel, text, entry, version.current)
            in_sync = in_sync or not problems
            found += [m.group("found") for f in problems if (m := _FOUND.search(f.message))]
            file_findings.extend(problems)
    if not in_sync:
        findings.extend(_stale_finding(config, found, file_findings))
    findings.extend(_unlisted_project_version(config))
    findings.extend(file_findings)
    if with_tags and version.writes_files:
        findings.extend(_newer_tag(config, version.current))
    return findings


_FOUND = re.compile(r"^expected \S+, found (?P<found>\S+)$")


def _where(config: Config) -> str:
    version = config.require_version()
    if version.scheme != "bumpversion":
        return "the project's version files"
    return "[[tool.bumpversion.files]]" if version.source.suffix == ".toml" else version.source.name


def _relative(path: Path, root: Path) -> str:
    """``path`` from ``root``: a configuration above a project in a subdirectory is ``../.bumpversion.cfg``."""
    import os

    return Path(os.path.relpath(path, root)).as_posix()


def _conflict_finding(config: Config, conflict: Conflict) -> Finding:
    used = config.require_version().source.name
    rel = _relative(conflict.path, config.root)
    return Finding(
        rel,
        conflict.line,
        1,
        f"bump-my-version reads {used}, not this file, and the two configurations disagree "
        f"({conflict.detail}); keep one of them",
    )


def _unlisted_project_version(config: Config) -> list[Finding]:
    """A static ``[project] version`` that bump-my-version will not change: the release build would carry it.

    bump-my-version keeps ``[project] version`` in step by itself only when its
    configuration lives in pyproject.toml.
    """
    version = config.require_version()
    if version.scheme != "bumpversion" or version.project_version is None or version.source == config.pyproject:
        return []
    if any(not entry.is_glob and entry.path == "pyproject.toml" for entry in version.files):
        return []
    # Bounded as config.load read it: the file was parsed a moment ago, and may have changed since.
    text = read_bytes(config.root, config.pyproject.name, "config").decode("utf-8", errors="replace")
    places = _probe_known("pyproject.toml", text, version.current)
    line, col = _position(text, places[0][0]) if places else (1, 1)
    name = version.source.name
    return [
        Finding(
            "pyproject.toml",
            line,
            col,
            f"[project] version is not among the files {name} lists: bump-my-version will leave it as it is "
            f"and the release would build the old version; list pyproject.toml in {name}",
        )
    ]


def _stale_finding(config: Config, found: list[str], problems: list[Finding]) -> list[Finding]:
    """One finding at current_version when the version files (two or more) all agree on another version.

    A single file that disagrees is more likely an edit made by hand: its own finding says so.
    """
    version = config.require_version()
    # A short X.Y (Sphinx's version) agrees with the full version it abbreviates.
    full = {v for v in found if not any(other.startswith(v + ".") for other in found)}
    if version.scheme != "bumpversion" or len(found) < 2 or len(found) != len(problems) or len(full) != 1:
        return []
    if len({f.path for f in problems}) < 2:
        return []
    real = full.pop()

    line, col = current_version_position(version.source)
    return [
        Finding(
            _relative(version.source, config.root),
            line,
            col,
            f"current_version {version.current} is stale: the version files hold {real}; "
            f'set current_version = "{real}" here (or bring the files back to {version.current})',
        )
    ]


def _newer_tag_names(config: Config, now: Version) -> list[str] | None:
    """Tags anywhere in the repository newer than ``now``, or None when refs cannot be read as files."""
    names = git.tag_names_from_refs(config.root)
    if names is None:
        return None
    fmt = project_format(config.tag_format, names)
    return [t for t in names if (v := fmt.version(t)) is not None and v > now]


def cache_inputs(config: Config) -> list[str] | None:
    """Every path whose change could change the check's result, or None when that cannot be known.

    A glob entry can match new files, and a newer tag makes the result depend on HEAD:
    neither is recorded. A version derived from tags has no file to check: its pass depends
    on the configuration files only, and the version it names on the tags.
    """
    version = config.require_version()
    if any(entry.is_glob for entry in version.files):
        return None
    if version.writes_files and _newer_tag_names(config, parse_version(version.current)) != []:
        return None
    refs = git.tag_ref_paths(config.root)
    if refs is None:
        return None
    # Every file bump-my-version could take its configuration from: creating one changes the result.
    configs = config_paths(config.root)
    files = [*configs, config.pyproject, version.source, *(config.root / e.path for e in version.files)]
    return [*(str(f) for f in files), *refs]


def _newer_tag(config: Config, current: str) -> list[Finding]:
    now = parse_version(current)
    if _newer_tag_names(config, now) == []:
        return []  # no newer tag anywhere: no need to start git
    try:
        fmt = project_format(config.tag_format, git.tags(config.root, "*"))
        tags = git.tags_merged(config.root, fmt.glob)
    except ReleasekitError:
        return []
    versions = [(v, t) for t in tags if (v := fmt.version(t)) is not None]
    if not versions:
        return []
    newest, tag = max(versions)
    if newest <= now:
        return []
    version = config.require_version()
    source = version.source
    if version.scheme == "bumpversion":
        line, col = current_version_position(source)
        fix = f'set current_version = "{newest}" in {source.name} and bring the files to it'
    else:
        line, col = 1, 1
        fix = f"bring the version in {source.name} to {newest}"
    return [
        Finding(
            _relative(source, config.root),
            line,
            col,
            f"tag {tag} on HEAD's history is newer than the current version {current}: "
            f"the configuration is stale; {fix}",
        )
    ]
