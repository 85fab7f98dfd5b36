"""Changelog fragments: the types releasekit recommends, valid names, and the checks.

Two checks run on every commit. ``validate_directory`` looks at every fragment in the
directory, whatever the change is, so a typo'd name is reported instead of silently
dropped from the release notes. ``check_change`` decides whether a change (a list of
``git diff --name-status`` entries) needs a fragment and carries one.

Both are plain functions over plain values: the git side lives in ``releasekit.checks.changes``.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from releasekit.findings import Finding
from releasekit.safefiles import Refused, check, read_bytes

TYPE_CHECKING = False  # neither typing nor re on the hook's way in: it runs on every commit
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

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
# Files towncrier itself never treats as fragments.
# (Prefixes of lower-cased names: dot files such as .gitignore and .gitkeep, README, templates.)
_ALWAYS_IGNORED = (".", "readme", "template.")
# An issue number in a branch name: 42-fix, fix/42-x, gh-42, issue_42, feature/#42.
_BRANCH_ISSUE = r"(?:^|[/_-])(?:gh|issue|issues|bug|fix)?[-_#]?(\d{1,7})(?=$|[/_-])"


class FragmentType(NamedTuple):
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
    "added": "feature",
}


class FragmentsConfig(NamedTuple):
    """Where fragments live and which types exist, from towncrier's configuration."""

    directory: str
    filename: str
    types: tuple[FragmentType, ...]
    configured: bool  # False when there is no [tool.towncrier] section at all
    orphan_prefix: str = "+"
    ignore: tuple[str, ...] = ()  # towncrier's ``ignore``: file names in the directory that are not fragments
    roles: tuple[tuple[str, str], ...] = ()  # (type, role) set in [tool.releasekit.fragment_roles]
    add_extension: bool = True  # towncrier's ``create_add_extension``

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


class Fragment(NamedTuple):
    """A fragment file whose name parsed: ``issue`` is None for an orphan (``+slug``)."""

    path: str  # relative to the project root, with forward slashes
    issue: str | None
    type: str


class Entry(NamedTuple):
    """One line of ``git diff --name-status``: a status letter and a path."""

    status: str  # A, M, D, T, ...
    path: str


def extension(config: FragmentsConfig) -> str:
    """The extension fragments carry: the news file's, when it is Markdown or reST (and towncrier adds it)."""
    ext = os.path.splitext(config.filename)[1].lower()
    return ext if ext in (".md", ".rst") and config.add_extension else ""


def is_ignored(name: str, config: FragmentsConfig) -> bool:
    """True for files in the fragment directory that are not fragments (dot files, README, template,
    and towncrier's ``ignore`` patterns)."""
    lower = name.lower()
    if lower.startswith(_ALWAYS_IGNORED):
        return True
    if not config.ignore:
        return False
    from fnmatch import fnmatch  # compiles a regex per pattern: only when there are patterns

    return any(fnmatch(lower, pattern.lower()) for pattern in config.ignore)


def parse_name(name: str, config: FragmentsConfig) -> tuple[str | None, str] | str:
    """Parse ``<issue>.<type>[.<n>]<ext>`` or ``+<slug>.<type>[.<n>]<ext>``.

    Returns ``(issue or None, type)``, or a message saying what is wrong with the name.
    The type is not checked against the configured ones here.
    """
    ext = extension(config)
    example = f"<issue>.<type>{ext} or {config.orphan_prefix}<slug>.<type>{ext}, e.g. 123.feature{ext}"
    core = name
    if ext:
        if not name.lower().endswith(ext):
            last = name.rsplit(".", 1)[-1]
            # towncrier takes a name without extension too (123.feature, 123.feature.1).
            if not (last.isdigit() or last in {t.directory for t in config.types}):
                return f"fragment name must end in {ext} (or have no extension): {example}"
        else:
            core = name[: -len(ext)]
    parts = core.split(".")
    if len(parts) == 3 and parts[2].isdigit():
        parts = parts[:2]
    if len(parts) != 2 or not parts[1]:
        return f"fragment name must be {example}"
    stem, kind = parts
    if stem.isascii() and stem.isdigit() and len(stem) <= 18:  # not ² nor other scripts' digits; a bounded int
        return str(int(stem)), kind
    prefix = config.orphan_prefix
    if prefix and stem.startswith(prefix) and _is_slug(stem[len(prefix) :]):
        return None, kind
    return f"{stem!r} is neither an issue number nor {prefix}<slug>: name it {example}"


def _is_slug(text: str) -> bool:
    return text.isascii() and text.replace("-", "").replace("_", "").isalnum()


def unknown_type_message(kind: str, config: FragmentsConfig) -> str:
    """The message for an unknown type, with the closest configured type when there is one."""
    import difflib

    names = [t.directory for t in config.types]
    close = difflib.get_close_matches(kind.lower(), names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown fragment type {kind!r}{hint} (types: {', '.join(names)})"


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
    """Check every file in the fragment directory: its name, its type, its content.

    Returns the fragments whose names parsed, and the findings (``path:1:1: message``).
    A missing directory holds no fragments and is not an error.
    """
    directory = config.directory.strip("/")
    known = {t.directory for t in config.types}
    fragments: list[Fragment] = []
    findings: list[Finding] = []
    try:
        with os.scandir(os.path.join(root, directory)) as it:
            # A symlink is listed whatever it points to: towncrier would follow it.
            items = sorted(e.name for e in it if not e.is_dir(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return fragments, findings
    for name in items:
        rel = f"{directory}/{name}"
        try:
            if is_ignored(name, config):
                # Still no symlink or FIFO: towncrier reads some names this check ignores (.x.bugfix.md).
                check(root, rel, symlinks=False)
                continue
            data: bytes | None = read_bytes(root, rel, "fragment", symlinks=False)
            problem = None
        except Refused as exc:
            findings.append(Finding(rel, 1, 1, exc.reason))
            continue
        except OSError as exc:
            data, problem = None, f"cannot read: {exc.strerror}"
        parsed = parse_name(name, config)
        if isinstance(parsed, str):
            findings.append(Finding(rel, 1, 1, parsed))
            continue
        issue, kind = parsed
        if kind not in known:
            findings.append(Finding(rel, 1, 1, unknown_type_message(kind, config)))
            continue
        problem = problem if data is None else _content_problem(data)
        if problem:
            findings.append(Finding(rel, 1, 1, problem))
        fragments.append(Fragment(rel, issue, kind))
    findings.extend(_breaking_without_migration(fragments, config))
    return fragments, findings


def refused_files(root: str | os.PathLike[str], config: FragmentsConfig) -> list[Finding]:
    """The files in the fragment directory that towncrier must not read: symlinks, FIFOs,
    devices, files outside the repository (their content is not read here either)."""
    directory = config.directory.strip("/")
    try:
        with os.scandir(os.path.join(root, directory)) as it:
            names = sorted(e.name for e in it if not e.is_dir(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for name in names:
        rel = f"{directory}/{name}"
        try:
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


def only_adds_marker(diff: str) -> bool:
    """True when a ``git diff -U0`` of the news file adds towncrier's start marker and,
    besides it, at most blank lines, and removes nothing."""
    added = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("-"):
            return False
        if line.startswith("+"):
            added.append(line[1:].strip())
    markers = [text for text in added if text]
    return len(markers) == 1 and markers[0] in START_MARKERS


def create_command(issue: str | None, kind: str, content: str = "What changed, for users", ext: str = ".md") -> str:
    """The ``towncrier create`` command line that writes a fragment of ``kind``.

    Without an issue number it names an orphan fragment (``+.feature.md``), to which
    towncrier adds a random slug (and writes it into the project's fragment directory).
    """
    stem = issue if issue else "+"
    return f"towncrier create --content '{content}' {stem}.{kind}{ext}"


def issue_from_branch(branch: str | None) -> str | None:
    """The issue number a branch name carries (``42-fix-typo``, ``fix/gh-42``), or None."""
    if not branch:
        return None
    import re  # only when a failure message is being written

    match = re.search(_BRANCH_ISSUE, branch, re.IGNORECASE)
    return str(int(match.group(1))) if match else None


def _glob_tokens(pattern: str) -> list[str]:
    """Split a glob into ``**/``, ``**``, ``*``, ``?`` and runs of literal text."""
    tokens: list[str] = []
    i = 0
    while i < len(pattern):
        for wildcard in ("**/", "**", "*", "?"):
            if pattern.startswith(wildcard, i):
                tokens.append(wildcard)
                i += len(wildcard)
                break
        else:
            if tokens and tokens[-1] not in ("**/", "**", "*", "?"):
                tokens[-1] += pattern[i]
            else:
                tokens.append(pattern[i])
            i += 1
    return tokens


def _glob_match(tokens: Sequence[str], path: str) -> bool:
    """Whether ``path`` matches ``tokens`` whole.

    The positions in ``path`` that the tokens so far can reach are carried as one set,
    token by token: linear in the pattern, where trying each wildcard's ends in turn
    (backtracking) is exponential for ``*a*a*a...b`` and recurses once per wildcard.
    """
    reached = {0}
    end = len(path)
    for token in tokens:
        if token == "**/":  # no directory, or any number of them
            first = min(reached)
            reached |= {k + 1 for k in range(first, end) if path[k] == "/"}
        elif token == "**":
            reached = set(range(min(reached), end + 1))
        elif token == "*":  # anything up to the next slash, from each position reached
            spread: set[int] = set()
            covered = -1
            for p in sorted(reached):
                slash = path.find("/", p)
                stop = end if slash < 0 else slash
                spread.update(range(max(p, covered + 1), stop + 1))
                covered = max(covered, stop)
            reached = spread
        elif token == "?":
            reached = {p + 1 for p in reached if p < end and path[p] != "/"}
        else:
            reached = {p + len(token) for p in reached if path.startswith(token, p)}
        if not reached:
            return False
    return end in reached


def glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A test for one source-path glob: ``**`` crosses directories, ``*`` and ``?`` do not.

    A pattern without wildcards names a file or a directory and everything below it, and
    so does one that ends in ``/`` (``src/*/``). Patterns and paths are relative to the
    project root (a leading ``/`` or ``./`` is dropped), with forward slashes; ``[`` is
    an ordinary character.
    """
    pattern = pattern.strip()
    pattern = (pattern[2:] if pattern.startswith("./") else pattern).lstrip("/")
    if "*" not in pattern and "?" not in pattern:
        prefix = pattern.rstrip("/")
        below = prefix + "/"
        return lambda path: path == prefix or path.startswith(below)
    tokens = _glob_tokens(pattern + "**" if pattern.endswith("/") else pattern)
    return lambda path: _glob_match(tokens, path)


def source_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A test for "is this path a source path": true when any of the globs matches it."""
    tests = [glob_matcher(p) for p in patterns if p.strip()]
    return lambda path: any(test(path) for test in tests)


def default_source_paths(root: str | os.PathLike[str], project_name: str | None) -> tuple[str, ...]:
    """The package directory: ``src/<package>`` or ``<package>``, else everything under ``src/``.

    Without a project name, every top-level directory holding an ``__init__.py`` counts.
    """
    candidates: list[str] = []
    if project_name:
        # The import name: runs of -, _ and . become one _ (PEP 503's normalisation, with _).
        words = project_name.lower().replace("-", "_").replace(".", "_").split("_")
        module = "_".join(word for word in words if word)
        candidates = [f"src/{module}", module, f"{module}.py"]
        found = tuple(c for c in candidates if os.path.exists(os.path.join(root, c)))
        if found:
            return found
    if os.path.isdir(os.path.join(root, "src")):
        return ("src",)
    packages = []
    with os.scandir(root) as it:
        for item in it:
            skip = item.name.startswith(".") or item.name in ("tests", "test", "docs", "doc")
            if not skip and item.is_dir() and os.path.isfile(os.path.join(item.path, "__init__.py")):
                packages.append(item.name)
    return tuple(sorted(packages))


class Verdict(NamedTuple):
    """What ``check_change`` concluded, for the summary line and the tests."""

    findings: list[Finding]
    reason: str  # "fragment", "release", "revert", "no source change", "missing"
    sources: tuple[str, ...]
    fragments: tuple[str, ...]


def check_change(
    entries: Sequence[Entry],
    config: FragmentsConfig,
    sources: Callable[[str], bool],
    *,
    branch: str | None = None,
    changelog_line: int = 1,
    reverting: bool = True,
) -> Verdict:
    """Decide whether a change needs a fragment and carries one.

    - a release commit (it deletes fragments and rewrites the news file) passes;
    - a change with no source path in it passes (docs, tests, CI);
    - a change that removes fragments and adds none is a revert of the work they
      described, and passes, unless ``reverting`` says it is not one;
    - a source change must add (or edit) a fragment of a checked type.
    Editing the news file by hand outside a release is reported at ``changelog_line``.
    """
    directory = config.directory.strip("/") + "/"
    news = config.filename
    unchecked = {t.directory for t in config.types if not t.check}
    added: list[str] = []
    removed: list[str] = []
    changed_sources: list[str] = []
    news_status = None
    for status, path in entries:
        if path.startswith(directory):
            name = path[len(directory) :]
            if "/" in name or is_ignored(name, config):
                continue
            if status == "D":
                removed.append(path)
                continue
            parsed = parse_name(name, config)
            if not isinstance(parsed, str) and parsed[1] in unchecked:
                continue
            added.append(path)
        elif path == news:
            news_status = status
        elif sources(path):
            changed_sources.append(path)
    if news_status is not None and news_status != "D" and removed:
        return Verdict([], "release", tuple(changed_sources), tuple(added))
    findings: list[Finding] = []
    if news_status == "M":
        findings.append(
            Finding(
                news,
                changelog_line,
                1,
                f"{news} edited by hand outside a release commit; towncrier writes it from {directory} at "
                "release time, so write a fragment instead",
            )
        )
    if not changed_sources:
        return Verdict(findings, "no source change", (), tuple(added))
    if added:
        return Verdict(findings, "fragment", tuple(changed_sources), tuple(added))
    if removed and reverting:
        return Verdict(findings, "revert", tuple(changed_sources), ())
    count = len(changed_sources)
    others = f" and {count - 1} other source file{'s' if count > 2 else ''}" if count > 1 else ""
    types = ", ".join(t.directory for t in config.types if t.check)
    suggested = next(iter(config.types_with("feature")), None) or next(
        (t.directory for t in config.types if t.check), "feature"
    )
    findings.append(
        Finding(
            changed_sources[0],
            1,
            1,
            f"this{others} changed with no changelog fragment in {directory}; add one: "
            f"{create_command(issue_from_branch(branch), suggested, ext=extension(config))} (types: {types})",
        )
    )
    return Verdict(findings, "missing", tuple(changed_sources), ())
