"""Changelog fragments: the types releasekit recommends, their roles, valid names, and the directory's check.

``validate_directory`` looks at every fragment in the directory, whatever the change is,
so a typo'd name is reported instead of silently dropped from the release notes; the
notes, the status and the release's preflight read the fragments through it. Whether a
change needs a fragment is the hook's question: ``releasekit.checks.changelog_fragment``.
"""

from __future__ import annotations

import os

from releasekit.changelog.fragment_names import invalid_name, is_ignored, section_dirs, split_name
from releasekit.fastpath.record import Record
from releasekit.findings import Finding
from releasekit.safefiles import Refused, check, read_bytes

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# The sections of the release notes, in the order they are printed: the five the release
# documentation asks for (What's New, Breaking Changes, Migration Guide, Known Issues,
# Future Plans), and the usual bug fixes, security, documentation and internal changes.
# (directory, section title, showcontent)
RECOMMENDED_TYPES: tuple[tuple[str, str, bool], ...] = (
    ("feature", "What's New", True),
    ("breaking", "Breaking Changes", True),
    ("migration", "Migration Guide", True),
    ("bugfix", "Bug Fixes", True),
    ("security", "Security", True),
    ("known", "Known Issues", True),
    ("future", "Future Plans", True),
    ("doc", "Documentation", True),
    ("misc", "Internal", False),
)

# What `towncrier create` writes when it is given no content.
_PLACEHOLDER = "Add your info here"


class FragmentType(Record):
    """One ``[[tool.towncrier.type]]`` entry."""

    directory: str
    name: str
    showcontent: bool = True
    check: bool = True  # False: towncrier's ``check = false``, a fragment of this type does not count


# The roles the release rules give types: a breaking change needs a major bump and a
# migration entry, an emergency release needs a security entry, a feature suggests a minor.
ROLES = ("breaking", "migration", "security", "feature")
# Type names that take a role without being told: towncrier's own ``removal`` is breaking.
_DETECTED_ROLES = {
    "breaking": "breaking",
    "removal": "breaking",
    "removals": "breaking",
    "removed": "breaking",  # Keep a Changelog's "Removed"
    "breaking-change": "breaking",
    "breaking_change": "breaking",
    "breaking-changes": "breaking",
    "incompatible": "breaking",
    "backwards-incompatible": "breaking",
    "migration": "migration",
    "migrations": "migration",
    "upgrade": "migration",
    "upgrading": "migration",
    "security": "security",
    "vulnerability": "security",
    "vulnerabilities": "security",
    "feature": "feature",
    "features": "feature",
    "enhancement": "feature",
    "enhancements": "feature",
    "added": "feature",  # Keep a Changelog's "Added"
}


class FragmentsConfig(Record):
    """Where fragments live and which types exist, from towncrier's configuration."""

    directory: str
    filename: str
    types: tuple[FragmentType, ...]
    configured: bool  # False when there is no [tool.towncrier] section at all
    orphan_prefix: str = "+"
    ignore: tuple[str, ...] = ()  # towncrier's ``ignore``: file names in the directory that are not fragments
    roles: tuple[tuple[str, str], ...] = ()  # (type, role) set in [tool.releasekit.fragment_roles]
    add_extension: bool = True  # towncrier's ``create_add_extension``
    sections: tuple[str, ...] = ()  # the sections' directories, when towncrier has sections
    template: str = ""  # the file name of towncrier's template, when it is a file (towncrier ignores it)
    issue_pattern: str = ""  # towncrier's ``issue_pattern``

    def role_of(self, kind: str) -> str | None:
        """The role of fragment type ``kind``: set in [tool.releasekit.fragment_roles], else detected by name."""
        for name, role in self.roles:
            if name == kind:
                return role if role in ROLES else None
        return detected_role(kind)

    def types_with(self, role: str) -> list[str]:
        """The configured types that play ``role``."""
        return [t.directory for t in self.types if self.role_of(t.directory) == role]


def detected_role(kind: str) -> str | None:
    """The role a fragment type plays by its name alone (``removal`` is breaking), or None."""
    return _DETECTED_ROLES.get(kind.lower())


def roles(fragments: Iterable[Fragment], config: FragmentsConfig) -> set[str]:
    """The roles the fragments' types play (``breaking``, ``feature``...)."""
    return {role for f in fragments if (role := config.role_of(f.type)) is not None}


class Fragment(Record):
    """A fragment file whose name parsed: ``issue`` is None for an orphan (``+slug``)."""

    path: str  # relative to the project root, with forward slashes
    issue: str | None
    type: str


def extension(config: FragmentsConfig) -> str:
    """The extension fragments carry: the news file's, when it is Markdown or reST (and towncrier adds it)."""
    ext = os.path.splitext(config.filename)[1].lower()
    return ext if ext in (".md", ".rst") and config.add_extension else ""


def parse_name(name: str, config: FragmentsConfig) -> tuple[str | None, str] | str:
    """``(issue or None, type)`` as towncrier reads ``name`` (``releasekit.changelog.fragment_names``),
    or a message saying what is wrong with it."""
    parsed = split_name(name, config)
    if parsed is None:
        return invalid_name(name, config)
    if isinstance(parsed, str):
        return parsed
    return parsed[0] or None, parsed[1]


def _content_problem(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        return "fragment is empty; write a sentence for the release notes"
    if stripped == _PLACEHOLDER:
        return "fragment still holds towncrier's placeholder text; write a sentence for the release notes"
    return None


def validate_directory(root: str | os.PathLike[str], config: FragmentsConfig) -> tuple[list[Fragment], list[Finding]]:
    """Check every file in the fragment directories as ``towncrier check`` does, then its content.

    Returns the fragments whose names parsed, and the findings (``path:1:1: message``).
    A missing directory holds no fragments and is not an error.
    """
    fragments: list[Fragment] = []
    findings: list[Finding] = []
    orphans: dict[str, int] = {}  # towncrier numbers the orphans of a type across the sections
    for directory in section_dirs(config):
        _validate_section(root, directory, config, orphans, fragments, findings)
    findings.extend(_breaking_without_migration(fragments, config))
    return fragments, findings


def _listing(root: str | os.PathLike[str], directory: str) -> list[tuple[str, bool]]:
    """(name, is a directory) of every entry towncrier lists in ``directory``; a symlink counts as a file."""
    try:
        with os.scandir(os.path.join(root, directory)) as it:
            return sorted((e.name, e.is_dir(follow_symlinks=False)) for e in it)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _validate_section(
    root: str | os.PathLike[str],
    directory: str,
    config: FragmentsConfig,
    orphans: dict[str, int],
    fragments: list[Fragment],
    findings: list[Finding],
) -> None:
    seen: dict[tuple[str, str, int], str] = {}  # towncrier refuses two files with one (issue, type, counter)
    for name, is_dir in _listing(root, directory):
        rel = f"{directory}/{name}"
        try:
            if is_ignored(name, config):
                if not is_dir:
                    check(root, rel, symlinks=False)  # still no symlink or FIFO in the directory
                continue
        except Refused as exc:
            findings.append(Finding(rel, 1, 1, exc.reason))
            continue
        parsed = split_name(name, config)
        if not isinstance(parsed, tuple):
            wrong = parsed or invalid_name(name, config)
            findings.append(Finding(rel, 1, 1, f"a directory: {wrong}" if is_dir else wrong))
            continue
        issue, kind, counter = parsed
        if is_dir:
            findings.append(Finding(rel, 1, 1, "a directory named like a fragment: towncrier cannot read it"))
            continue
        if issue is None:
            counter = orphans.get(kind, 0)
            orphans[kind] = counter + 1
        key = (issue or "", kind, counter)
        if key in seen:
            findings.append(Finding(rel, 1, 1, f"towncrier refuses two fragments for one issue and type: {seen[key]}"))
            continue
        seen[key] = rel
        try:
            data: bytes | None = read_bytes(root, rel, "fragment", symlinks=False)
            problem = None
        except Refused as exc:
            findings.append(Finding(rel, 1, 1, exc.reason))
            continue
        except OSError as exc:
            data, problem = None, f"cannot read: {exc.strerror}"
        problem = problem if data is None else _content_problem(data)
        if problem:
            findings.append(Finding(rel, 1, 1, problem))
        fragments.append(Fragment(rel, issue or None, kind))


def refused_files(root: str | os.PathLike[str], config: FragmentsConfig) -> list[Finding]:
    """The files in the fragment directory that towncrier must not read: symlinks, FIFOs,
    devices, files outside the repository (their content is not read here either)."""
    found = []
    for directory in section_dirs(config):
        for name, is_dir in _listing(root, directory):
            rel = f"{directory}/{name}"
            try:
                if not is_dir or isinstance(split_name(name, config), tuple):
                    # a directory named like a fragment: towncrier would open it and fail with a traceback
                    check(root, rel, symlinks=False)
            except Refused as exc:
                found.append(Finding(rel, 1, 1, exc.reason))
            except OSError:
                pass  # gone since the listing: nothing for towncrier to read either
    return found


def _breaking_without_migration(fragments: Sequence[Fragment], config: FragmentsConfig) -> list[Finding]:
    migration = config.types_with("migration")
    if not migration or not config.types_with("breaking") or "migration" in roles(fragments, config):
        return []
    return [
        Finding(
            f.path,
            1,
            1,
            "a breaking change needs a migration fragment in the same release; add one: "
            + create_command(f.issue, migration[0], "How to upgrade", extension(config)),
        )
        for f in fragments
        if config.role_of(f.type) == "breaking"
    ]


# The start markers towncrier writes new releases below (its defaults for Markdown and for
# every other format): adding one is how a project adopts towncrier, not a hand edit.
START_MARKERS = ("<!-- towncrier release notes start -->", ".. towncrier release notes start")


def create_command(issue: str | None, kind: str, content: str = "What changed, for users", ext: str = ".md") -> str:
    """The ``towncrier create`` command line that writes a fragment of ``kind``.

    Without an issue number it names an orphan fragment (``+.feature.md``), to which
    towncrier adds a random slug (and writes it into the project's fragment directory).
    """
    stem = issue if issue else "+"
    return f"towncrier create --content '{content}' {stem}.{kind}{ext}"
