"""Source paths: which files of a change are the package's code, by the project's globs or its layout."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence


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


def _packages(folder: str) -> list[str]:
    """The top-level packages and modules in ``folder`` (a src/ layout), sorted."""
    found = []
    with os.scandir(folder) as it:
        for item in it:
            if item.name.startswith((".", "_")) or item.name.endswith(".egg-info"):
                continue
            if (item.is_dir() and os.path.isfile(os.path.join(item.path, "__init__.py"))) or item.name.endswith(".py"):
                found.append(item.name)
    return sorted(found)


def default_source_paths(root: str | os.PathLike[str], project_name: str | None) -> tuple[str, ...]:
    """The package directories: every top-level package under ``src/`` when ``src/<package>``
    exists, else ``<package>``, else everything under ``src/``.

    Without a project name, every top-level directory holding an ``__init__.py`` counts.
    """
    candidates: list[str] = []
    if project_name:
        # The import name: runs of -, _ and . become one _ (PEP 503's normalisation, with _).
        words = project_name.lower().replace("-", "_").replace(".", "_").split("_")
        module = "_".join(word for word in words if word)
        if os.path.exists(os.path.join(root, "src", module)):
            # Every top-level package under src/ ships: attrs keeps src/attr beside src/attrs.
            return tuple(f"src/{name}" for name in sorted({module, *_packages(os.path.join(root, "src"))}))
        candidates = [module, f"{module}.py"]
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
