"""releasekit's hooks in a project's ``.pre-commit-config.yaml``, added without rewriting it.

The file is parsed (ruamel.yaml) only to understand it; the new ``repos:`` entry is then
inserted as text at the end of the list, in the indentation the file already uses, so
comments, quoting and layout stay exactly as they were.
"""

from __future__ import annotations

from typing import Any

from releasekit.bounded import check_limits, integer_too_long
from releasekit.errors import ReleasekitError

PATH = ".pre-commit-config.yaml"
REPOSITORY = "https://github.com/releasekit/releasekit"
HOOK_COMMENTS = {
    "version-sync": "every version file holds the current version",
    "changelog-fragment": "a source change carries a valid changelog fragment",
    "check-links": "documentation links resolve",
}
# Deeper than any real configuration. ruamel.yaml has no limit of its own: it gives up
# only when Python's recursion limit stops it, and inside flow sequences its scanner
# takes seconds to get that far.
MAX_NESTING = 100


def entry(rev: str, hooks: list[str], indent: str = "  ", gap: int = 2) -> list[str]:
    """The ``repos:`` entry for ``hooks``, as lines: its dash at ``indent``, its keys ``gap`` past the dash."""
    inner = indent + " " * gap
    width = max(len(hook) for hook in hooks)
    lines = [f"{indent}-{' ' * (gap - 1)}repo: {REPOSITORY}\n", f"{inner}rev: {rev}\n", f"{inner}hooks:\n"]
    for hook in hooks:
        lines.append(f"{inner}  - id: {hook.ljust(width)}  # {HOOK_COMMENTS[hook]}\n")
    return lines


def new_config(rev: str, hooks: list[str]) -> str:
    """A whole ``.pre-commit-config.yaml`` holding releasekit's hooks."""
    return "repos:\n" + "".join(entry(rev, hooks))


def nesting_over(text: str, limit: int = MAX_NESTING) -> bool:
    """Whether flow collections (``[...]``, ``{...}``) in ``text`` nest more than ``limit`` deep.

    A scan of the brackets, not a parse: brackets in comments and in quoted scalars do not
    count, and a stray closing bracket (a plain scalar such as ``a]``) never takes the
    depth below zero, so it cannot hide the nesting that follows it.
    """
    if text.count("[") + text.count("{") <= limit:
        return False  # most files: no need to tell which brackets count
    import re

    # Comments (a # at a line's start or after a blank) and quoted scalars (a quote that
    # starts a value; '' and \" inside them), to the end of the text if never closed.
    skipped = re.compile(
        r"""(?<![^\s\[{,:])'[^']*(?:''[^']*)*'?"""
        r"""|(?<![^\s\[{,:])"[^"\\]*(?:\\[\s\S][^"\\]*)*"?"""
        r"""|(?<!\S)\#[^\n]*"""
    )
    brackets = re.sub(r"[^\[\]{}]+", "", skipped.sub("", text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return False
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def _load(text: str) -> Any:
    return load_yaml(text, PATH)


def load_yaml(text: str, path: str) -> Any:
    """A YAML file init edits (``.pre-commit-config.yaml``, ``.github/dependabot.yml``), read round-trip
    within the limits: nesting checked before ruamel.yaml spends seconds on it, integers after."""
    too_deep = f"{path}: nested too deeply to read; fix it, then run releasekit init again"
    if nesting_over(text):
        raise ReleasekitError(too_deep)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="rt").load(text)
    except RecursionError:  # deep block nesting (``- - - ... x``), which ruamel reaches quickly
        raise ReleasekitError(too_deep) from None
    except YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ReleasekitError(f"{path}: not valid YAML{line}; fix it, then run releasekit init again") from None
    except ValueError:  # int() refused a number with more digits than Python converts
        raise integer_too_long(path) from None
    return check_limits(data, path, max_depth=None)  # the integers; the nesting is bounded above


def present_hooks(text: str) -> set[str]:
    """The hook ids the file already configures, from any repository."""
    data = _load(text)
    found: set[str] = set()
    repos = data.get("repos") if isinstance(data, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if isinstance(hook, dict) and isinstance(hook.get("id"), str):
                found.add(hook["id"])
    return found


def _document_end(lines: list[str], start: int) -> int:
    """The line of the first document marker (``...`` or ``---``) at or after ``start``, or the end of the file.

    Whatever follows the marker is outside the document pre-commit reads: nothing goes there.
    """
    import re

    marker = re.compile(r"^(?:\.\.\.|---)(?:[ \t]|$)")
    return next((n for n in range(start, len(lines)) if marker.match(lines[n])), len(lines))


def _append(text: str, block: str) -> str:
    """``block`` added at the end of the document in ``text`` (above a ``...`` end marker)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    first = next((n for n, line in enumerate(lines) if line.strip() and not line.lstrip().startswith(("#", "%"))), 0)
    if first < len(lines) and lines[first].startswith("---"):
        first += 1  # the document's start marker
    end = _document_end(lines, first)
    return "".join(lines[:end]) + block + "".join(lines[end:])


def add_hooks(text: str, rev: str, hooks: list[str]) -> str:
    """``text`` with one more ``repos:`` entry holding ``hooks``; refuses a shape it cannot extend.

    The result is checked as pre-commit itself checks its configuration before it is returned
    (a file pre-commit refuses already is only read back as YAML: init does not judge the rest).
    """
    new = _add_hooks(text, rev, hooks)
    if not set(hooks) <= present_hooks(new):
        raise ReleasekitError(f"{PATH}: the edit would not hold releasekit's hooks; add them by hand")
    problem = pre_commit_problem(new)
    if problem is not None and pre_commit_problem(text) is None:
        raise ReleasekitError(
            f"{PATH}: pre-commit would refuse the file with releasekit's hooks added ({problem}); add them by hand"
        )
    return new


def pre_commit_problem(text: str) -> str | None:
    """Why pre-commit's own loader refuses ``text`` (None when it takes it, or pre-commit is not installed)."""
    import importlib.util

    if importlib.util.find_spec("pre_commit") is None:
        return None
    import os
    import tempfile

    from pre_commit.clientlib import InvalidConfigError, load_config  # type: ignore[import-untyped, import-not-found, unused-ignore]  # optional: pre-commit may be absent

    with tempfile.TemporaryDirectory(prefix="releasekit-pre-commit-") as tmp:
        path = os.path.join(tmp, PATH)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            load_config(path)
        except InvalidConfigError as exc:
            lines = str(exc).strip().splitlines()
            return lines[-1].strip()[:200] if lines else "invalid"
    return None


def _add_hooks(text: str, rev: str, hooks: list[str]) -> str:
    data: Any = _load(text)
    if data is None:
        return _append(text, new_config(rev, hooks))
    if not isinstance(data, dict):
        raise ReleasekitError(f"{PATH}: the top level is not a mapping; add releasekit's hooks by hand")
    repos: Any = data.get("repos")
    if repos is None:
        if "repos" in data:
            raise ReleasekitError(f"{PATH}: repos is empty (null); make it a list, then run releasekit init again")
        return _append(text, new_config(rev, hooks))
    if not isinstance(repos, list):
        raise ReleasekitError(f"{PATH}: repos is not a list; add releasekit's hooks by hand")
    data, repos = _commented(data), _commented(repos)  # ruamel's round-trip types carry line numbers
    if getattr(repos, "fa", None) is not None and repos.fa.flow_style():
        raise ReleasekitError(f"{PATH}: repos is written in flow style ([...]); add releasekit's hooks by hand")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    key_line = data.lc.key("repos")[0]
    if not repos:
        raise ReleasekitError(f"{PATH}: repos is an empty list; add releasekit's hooks by hand")
    first_line, first_col = repos.lc.item(0)
    dash = lines[first_line].find("-", 0, first_col)
    if dash < 0:
        raise ReleasekitError(f"{PATH}: cannot tell how repos entries are indented; add releasekit's hooks by hand")
    indent = lines[first_line][:dash]
    if indent.strip():
        raise ReleasekitError(f"{PATH}: cannot tell how repos entries are indented; add releasekit's hooks by hand")
    # The list ends before the next top-level key (or at the end of the file); trailing
    # blank lines and comments stay below the new entry.
    keys = [data.lc.key(k)[0] for k in data if data.lc.key(k)[0] > key_line]
    end = min(keys) if keys else _document_end(lines, first_line + 1)
    while end > first_line + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        if lines[end - 1].startswith((" ", "\t")) and lines[end - 1].strip():
            break  # an indented comment belongs to the last entry
        end -= 1
    gap = max(first_col - dash, 2)
    return "".join(lines[:end] + entry(rev, hooks, indent, gap) + lines[end:])


def _commented(value: object) -> Any:
    return value
