"""The shape of the code itself: small modules, no import cycles, the core never runs releasekit."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import releasekit

SRC = Path(releasekit.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _module_level_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The releasekit modules ``name`` imports when it is imported (not those inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                for alias in node.names:
                    add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
            elif isinstance(node, ast.If):
                test = node.test
                if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
                    continue  # imports for the type checker only
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)

    visit(tree.body)
    return found


def test_no_module_is_over_the_size_that_holds_one_idea() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of ``graph`` meets, each as the path that closes it."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    return cycles


def test_no_module_level_import_cycle() -> None:
    modules = _modules()
    graph = {name: _module_level_imports(name, path, set(modules)) for name, path in modules.items()}
    assert sum(len(targets) for targets in graph.values()) > 100  # the walk sees the real imports
    assert _cycles(graph) == []


def test_a_cycle_through_a_package_is_found(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("import os\nfrom pkg.c import thing\n")
    (pkg / "c.py").write_text("if TYPE_CHECKING:\n    import pkg.b\nfrom . import a\ndef f():\n    import pkg.b\n")
    paths = {"pkg": pkg / "__init__.py", "pkg.a": pkg / "a.py", "pkg.b": pkg / "b.py", "pkg.c": pkg / "c.py"}
    graph = {name: _module_level_imports(name, path, set(paths)) for name, path in paths.items()}
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.c"}, "pkg.c": {"pkg.a"}}
    assert _cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_the_core_never_starts_releasekit_to_use_its_own_core() -> None:
    # The nox and tox plugins run the CLI inside the project's environments on purpose; nothing else may.
    allowed = {"releasekit.nox", "releasekit.tox"}
    child = re.compile(r"""python_module\(\s*["']releasekit|["']-m["'],\s*["']releasekit\b|\[\s*["']releasekit["']""")
    offenders = [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}"
        for name, path in _modules().items()
        if name not in allowed
        for text in [path.read_text(encoding="utf-8")]
        for match in child.finditer(text)
    ]
    assert offenders == []
