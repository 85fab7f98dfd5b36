"""Which files are fragments, by towncrier's own rules (``towncrier._builder.find_fragments``).

A name is split on dots; the last part, from the second on, that is a configured type is the
type, what comes before it the issue, and a number right after it the counter: ``123.feature.md``,
``fix-1.2.3.feature``, ``123.feature.1.md`` and ``+slug.feature.md`` (an orphan, its issue
starting with the orphan prefix) are fragments, whatever their extension. A name with no type
in it is invalid. towncrier ignores ``.gitignore``, ``.gitkeep``, ``.keep``, README files, its
template's file name and the patterns of its ``ignore`` option (fnmatch, on the lower-cased
name), and lists each section's directory. The hooks load this module: no typing, no re, no
fnmatch at start-up unless the project's settings ask for them.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from releasekit.changelog.fragments import FragmentsConfig

# The names towncrier always ignores (compared with the lower-cased file name).
ALWAYS_IGNORED = (".gitignore", ".gitkeep", ".keep", "readme", "readme.md", "readme.rst")
_MAGIC = frozenset("*?[")


def ignore_patterns(config: FragmentsConfig) -> tuple[str, ...]:
    """towncrier's ignore list: its own names, the template's file name, the ``ignore`` option (lower-cased)."""
    extra = (config.template,) if config.template else ()
    return ALWAYS_IGNORED + extra + tuple(pattern.lower() for pattern in config.ignore)


def is_ignored(name: str, config: FragmentsConfig) -> bool:
    """True for a file in a fragment directory that towncrier skips."""
    lower = os.path.normcase(name.lower())
    for pattern in ignore_patterns(config):
        if _MAGIC.isdisjoint(pattern):
            if lower == os.path.normcase(pattern):  # what fnmatch does for a pattern without wildcards
                return True
            continue
        from fnmatch import fnmatch  # compiles a regex: only for a pattern with wildcards

        if fnmatch(lower, pattern):
            return True
    return False


def split_name(name: str, config: FragmentsConfig) -> tuple[str | None, str, int] | str | None:
    """``(issue, type, counter)`` as towncrier parses ``name``; None when it holds no type
    (``invalid_name`` says why), or what else is wrong with it.

    The issue is None for an orphan (it starts with the orphan prefix); a number loses its
    leading zeros. The counter is the number after the type (0 without one).
    """
    parts = name.split(".")
    types = [t.directory for t in config.types]
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] not in types:
            continue
        issue = ".".join(parts[:i]).strip()
        counter = parts[i + 1] if i + 1 < len(parts) and parts[i + 1].isdigit() else "0"
        try:
            issue = str(int(issue)) if issue.isdigit() else issue
            number = int(counter)
        except ValueError:  # ², or another character that is a digit int() cannot read: towncrier fails
            return f"towncrier cannot read the number in {name!r}; use ASCII digits"
        prefix = config.orphan_prefix
        if prefix and issue.startswith(prefix):
            return None, parts[i], number
        if issue and config.issue_pattern:
            import re  # only for projects that set issue_pattern

            if not re.fullmatch(config.issue_pattern, issue):
                return f"issue {issue!r} does not match towncrier's issue_pattern {config.issue_pattern!r}"
        return issue, parts[i], number
    return None


def invalid_name(name: str, config: FragmentsConfig) -> str:
    """What is wrong with a name that holds no type, with the closest configured type when there is one."""
    import difflib

    names = [t.directory for t in config.types]
    for part in reversed(name.split(".")[1:]):
        close = difflib.get_close_matches(part, names, n=1, cutoff=0.6)
        if close:
            return f"unknown fragment type {part!r}; did you mean {close[0]!r}? (types: {', '.join(names)})"
    ext = os.path.splitext(config.filename)[1].lower()
    ext = ext if ext in (".md", ".rst") else ""
    return (
        f"not a fragment name: no type ({', '.join(names)}) in it; name it <issue>.<type>{ext} or "
        f"{config.orphan_prefix or '+'}<slug>.<type>{ext}, e.g. 123.feature{ext}, or add it to towncrier's ignore"
    )


def section_dirs(config: FragmentsConfig) -> tuple[str, ...]:
    """The directories towncrier lists, relative to the project root: one per section."""
    return config.sections or (config.directory.strip("/"),)


def fragment_name(path: str, config: FragmentsConfig) -> str | None:
    """The file name of ``path`` (relative, forward slashes) when it sits right in a fragment directory."""
    parent, _, name = path.rpartition("/")
    return name if parent in section_dirs(config) else None
