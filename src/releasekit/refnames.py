"""Git names from outside (branches, tags, remotes, revisions), checked before git sees them.

A name taken from configuration, a flag, an environment variable or the journal could
otherwise reach git as an option (``--upload-pack=...``, ``--output=...``). Every such
name is checked here where it enters, with the rules of ``git check-ref-format`` plus
one more: no name starts with ``-``. The git calls themselves also end their options
with ``--end-of-options`` (releasekit.git), so the two guards back each other up.

The hooks import this module on every commit: it uses ``str`` methods only, no ``re``.
"""

from __future__ import annotations

from releasekit.errors import ReleasekitError

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from typing import NoReturn

_FORBIDDEN = frozenset(" ~^:?*[\\\x7f")
MAX_LENGTH = 255  # far beyond any real branch or tag; bounds what git and the messages see


def problem(name: str) -> str | None:
    """Why ``name`` is not a valid ref name, or None when it is.

    The rules of ``git check-ref-format --allow-onelevel``, and no leading ``-``.
    """
    if not name:
        return "empty"
    if len(name) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    if name.startswith("-"):
        return "starts with '-'"
    if name == "@":
        return "is '@'"
    for char in name:
        if char < " " or char in _FORBIDDEN:
            shown = "a space" if char == " " else repr(char) if char.isprintable() else f"U+{ord(char):04X}"
            return f"contains {shown}"
    if "@{" in name:
        return "contains '@{'"
    if ".." in name:
        return "contains '..'"
    if name.endswith("."):
        return "ends with '.'"
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return "has an empty '/' component"
    for component in name.split("/"):
        if component.startswith("."):
            return "has a component starting with '.'"
        if component.endswith(".lock"):
            return "has a component ending with '.lock'"
    return None


def _raise(where: str, value: str, kind: str, reason: str) -> NoReturn:
    shown = value if len(value) <= 2 * MAX_LENGTH else value[:MAX_LENGTH] + "..."
    raise ReleasekitError(f"{where}: {shown!r} is not a valid {kind} ({reason})")


def check_branch(value: object, where: str) -> str:
    """``value`` when it is a valid branch name; else one line naming ``where`` (a key, flag or variable)."""
    return _check(value, where, "branch name")


def check_tag(value: object, where: str) -> str:
    """``value`` when it is a valid tag name; else one line naming ``where``."""
    return _check(value, where, "tag name")


def check_remote(value: object, where: str) -> str:
    """``value`` when it is a valid remote name; else one line naming ``where``.

    Only names: releasekit works with a configured remote (``git remote add``), never a
    URL or a path given directly.
    """
    return _check(value, where, "remote name")


def check_revision(value: object, where: str) -> str:
    """``value`` when it is a ref name or a commit id, optionally followed by ``~N`` / ``^N``.

    That covers ``origin/main``, ``v1.2.3``, ``HEAD~2`` and the commit ids pre-commit passes.
    """
    if not isinstance(value, str):
        raise ReleasekitError(f"{where}: must be a string, not {value!r}")
    # '~' and '^' are never part of a ref name: from the first of them on, a suffix such as "~2^1".
    cut = min((i for i in (value.find("~"), value.find("^")) if i >= 0), default=len(value))
    base, suffix = value[:cut], value[cut:]
    if suffix.strip("~^0123456789"):
        _raise(where, value, "git revision", "only ~N and ^N may follow the name")
    reason = problem(base)
    if reason is not None:
        _raise(where, value, "git revision", reason)
    return value


def _check(value: object, where: str, kind: str) -> str:
    if not isinstance(value, str):
        raise ReleasekitError(f"{where}: must be a string, not {value!r}")
    reason = problem(value)
    if reason is None and value == "HEAD":
        reason = "'HEAD' names the current commit, not a branch, tag or remote"
    if reason is not None:
        _raise(where, value, kind, reason)
    return value
