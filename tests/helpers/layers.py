"""The import graph of a package read with ``ast``, and the rules its layers keep.

Every import counts, wherever it sits: at the top of the module, inside a function, or
under ``if TYPE_CHECKING:``. Each is an :class:`Import` with its place (file and line),
so a broken rule names the line to change. The rules (docs/developers.rst, "The layers"):

- a module imports only from its own layer or a lower one (type-checking imports too);
- no cycle among the modules, counting every import that runs (top and function level);
- a package's own modules are imported at the top of the file, except in the modules
  allowed to import lazily (releasekit: the CLI's dispatch and the hooks' path).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

# The layers of releasekit, lowest first. An entry names a module, or with ".*" a package and
# everything below it; a module's own name wins over a package's, a longer package over a shorter.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "core",
        (
            "releasekit",
            # errors, child processes, git and the files it keeps
            "releasekit.errors",
            "releasekit.process",
            "releasekit.git",
            "releasekit.gitfiles",
            "releasekit.gitdiff",
            "releasekit.locate",
            "releasekit.refnames",
            # bounded reads and parsing, printing, the environment, the network
            "releasekit.safefiles",
            "releasekit.bounded",
            "releasekit.printable",
            "releasekit.environment",
            "releasekit.extras",
            "releasekit.httpclient",
            "releasekit.httpguard",
            "releasekit.parallel",
            # the configuration, and every section of it config reads
            "releasekit.config",
            "releasekit.configschema",
            "releasekit.gatesconfig",
            "releasekit.bumpconfig",
            "releasekit.backends",
            "releasekit.changelog.fragments",
            "releasekit.changelog.fragment_names",
            "releasekit.changelog.fragments_config",
            "releasekit.changelog.formats",
            "releasekit.changelog.dates",
            # version and tag rules, the bump as bump-my-version makes it
            "releasekit.semver",
            "releasekit.tags",
            "releasekit.versions",
            "releasekit.bumpsim",
            # findings, and the services the checks and the release share
            "releasekit.findings",
            "releasekit.venvs",
            "releasekit.package",
            "releasekit.indexes",
            "releasekit.github",
            # the hooks' fast path (only the CLI and the hooks reach it: tests/test_hookcache.py)
            "releasekit.fastpath.*",
        ),
    ),
    ("checks and changelog", ("releasekit.checks.*", "releasekit.changelog.*")),
    (
        "release, adoption and CI",
        (
            "releasekit.release.*",
            "releasekit.adopt.*",
            "releasekit.ci.*",
            "releasekit.emergency",
            "releasekit.hotfix",
            "releasekit.support",
            "releasekit.status",
        ),
    ),
    (
        "commands and plugins",
        ("releasekit.cli", "releasekit.__main__", "releasekit.commands.*", "releasekit.nox", "releasekit.tox"),
    ),
)

# The modules that may import releasekit's own modules inside functions: the CLI, whose dispatch
# imports only the command it runs, and the hooks' path, where a module is loaded only when the
# files or the configuration at hand need it. The import budgets hold them there:
# tests/test_hookcache.py (check versions, check fragments) and tests/test_links_lean.py (check links).
LAZY_ALLOWED = (
    "releasekit.cli",
    # the version and fragment hooks, before their record answers
    "releasekit.commands.check_versions",
    "releasekit.commands.check_fragments",
    "releasekit.gitdiff",
    "releasekit.findings",
    "releasekit.changelog.fragments",
    "releasekit.checks.changes",
    "releasekit.checks.changelog_fragment",
    "releasekit.fastpath.*",
    # the links hook: git, GitHub and the external check only for the links that need them,
    # each document's parser only for its kind of file
    "releasekit.checks.links.check",
    "releasekit.checks.links.document",
    "releasekit.checks.links.local",
    "releasekit.checks.links.markdown",
    "releasekit.checks.links.rendered",
    # every hook's path: config reads tags (git only to list them) and backends (git only for a
    # version derived from tags); the CLI's parser reads emergency's SEVERITIES for every command
    "releasekit.tags",
    "releasekit.backends",
    "releasekit.emergency",
    # config checks [tool.releasekit.changelog]; a date format's check reads dates only when one is set
    "releasekit.changelog.formats",
)


class Import(NamedTuple):
    """One import of a package module by another, and where it is written."""

    source: str  # the importing module
    target: str  # the imported module (the deepest one that exists)
    path: Path
    line: int
    nested: bool  # inside a function: runs when the function is called
    typing_only: bool  # under ``if TYPE_CHECKING:``: never runs

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root).as_posix()}:{self.line} {self.target}"


def modules(src: Path, package: str) -> dict[str, Path]:
    """Every module of the package in ``src/<package>``, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, known: Iterable[str]) -> list[Import]:
    """The imports of modules in ``known`` written in module ``name`` (at ``path``), in file order."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted if dotted and dotted != name else None

    def add(node: ast.Import | ast.ImportFrom, nested: bool, typing_only: bool) -> None:
        targets: list[str | None] = []
        if isinstance(node, ast.Import):
            targets = [resolve(alias.name) for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            # `from pkg import module` imports the module; `from module import name` the module.
            targets = [
                resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known else resolve(base)
                for alias in node.names
            ]
        for target in dict.fromkeys(targets):
            if target is not None:
                found.append(Import(name, target, path, node.lineno, nested, typing_only))

    def visit(nodes: Iterable[ast.AST], nested: bool, typing_only: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                add(node, nested, typing_only)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.body, nested, True)
                visit(node.orelse, nested, typing_only)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(ast.iter_child_nodes(node), True, typing_only)
            else:
                visit(ast.iter_child_nodes(node), nested, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)).body, False, False)
    return found


def all_imports(found: Mapping[str, Path]) -> list[Import]:
    """Every import among the modules of ``found``."""
    return [imp for name, path in found.items() for imp in imports_of(name, path, found)]


def _matches(name: str, entry: str) -> bool:
    if entry.endswith(".*"):
        return name == entry[:-2] or name.startswith(entry[:-1])
    return name == entry


def _specificity(entry: str) -> tuple[int, int]:
    # A module named exactly wins; among packages, the deepest.
    return (0, entry.count(".")) if entry.endswith(".*") else (1, 0)


def place(name: str, table: Sequence[tuple[str, Sequence[str]]]) -> int | None:
    """The index of ``name``'s layer in ``table``, or None when no entry names it."""
    best: tuple[tuple[int, int], int] | None = None
    for index, (_, entries) in enumerate(table):
        for entry in entries:
            if _matches(name, entry) and (best is None or _specificity(entry) > best[0]):
                best = (_specificity(entry), index)
    return None if best is None else best[1]


def unplaced(found: Iterable[str], table: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The modules no layer names: a new module gets its layer on purpose."""
    return [name for name in found if place(name, table) is None]


def upward(imports: Iterable[Import], table: Sequence[tuple[str, Sequence[str]]], root: Path) -> list[str]:
    """Each import of a module from a higher layer: ``file:line module (layer imports higher layer)``."""
    broken = []
    for imp in imports:
        source, target = place(imp.source, table), place(imp.target, table)
        if source is not None and target is not None and target > source:
            broken.append(
                f"{imp.where(root)}: upward import, the {table[source][0]} layer"
                f" imports the higher {table[target][0]} layer"
            )
    return broken


def lazy(imports: Iterable[Import], allowed: Sequence[str], root: Path) -> list[str]:
    """Each run-time import inside a function outside the ``allowed`` modules: ``file:line module (...)``."""
    return [
        f"{imp.where(root)}: function-level import; import it at the top of the file"
        for imp in imports
        if imp.nested and not imp.typing_only and not any(_matches(imp.source, entry) for entry in allowed)
    ]


def cycles(imports: Iterable[Import], root: Path) -> list[str]:
    """Each import cycle, counting every import that runs (top and function level), with the line of each step."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports:
        if not imp.typing_only:
            edges.setdefault(imp.source, {}).setdefault(imp.target, imp)
    found: list[str] = []
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                loop = [*stack[stack.index(nxt) :], nxt]
                steps = ", ".join(edges[a][b].where(root) for a, b in itertools.pairwise(loop))
                found.append(f"import cycle {' -> '.join(loop)}: {steps}")
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            walk(name)
    return found
