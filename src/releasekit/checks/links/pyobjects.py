"""The Python objects a project documents with autodoc, found by reading its source with ``ast``.

Nothing is imported: a dotted name such as ``pkg.processors.TimeStamper.__call__`` exists
when ``pkg/processors.py`` (or ``pkg/processors/__init__.py``) binds ``TimeStamper`` at
module level and that class binds ``__call__``. A name the module imports is taken as
bound (a re-export, ``attrs.frozen``), without following it.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterable
from pathlib import Path

from releasekit.safefiles import Refused, read_bytes

_Names = dict[str, "ast.AST | None"]  # name -> its class (to look inside), or None


def module_names(pyfiles: Iterable[str]) -> dict[str, str]:
    """Dotted module name -> repository-relative file, for tracked ``.py`` files.

    A module's package is every folder above it that holds an ``__init__.py`` (so
    ``src/pkg/sub/mod.py`` is ``pkg.sub.mod``); the first file wins a clash.
    """
    files = sorted(pyfiles)
    present = set(files)
    result: dict[str, str] = {}
    for rel in files:
        if not rel.endswith(".py"):
            continue
        dirs = rel.split("/")[:-1]
        stem = posixpath.basename(rel)[:-3]
        keep = len(dirs)
        while keep > 0 and "/".join(dirs[:keep]) + "/__init__.py" in present:
            keep -= 1
        parts = dirs[keep:] + ([] if stem == "__init__" else [stem])
        if parts and all(part.isidentifier() for part in parts):
            result.setdefault(".".join(parts), rel)
    return result


def _bindings(body: Iterable[ast.stmt], names: _Names) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = None
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = None
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        names[leaf.id] = None
        elif isinstance(node, ast.If | ast.Try):  # if TYPE_CHECKING:, try: import ... except ...
            _bindings(node.body, names)
            _bindings(node.orelse, names)
            for handler in getattr(node, "handlers", ()):
                _bindings(handler.body, names)


def _members(cls: ast.ClassDef) -> _Names:
    names: _Names = {}
    _bindings(cls.body, names)
    for node in ast.walk(cls):  # self.attr = ... in any method
        owner = node.value if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) else None
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            names.setdefault(node.attr, None)  # type: ignore[attr-defined]
    return names


class PyObjects:
    """The project's modules, each read and parsed only when a name in it is asked for."""

    def __init__(self, root: Path, pyfiles: Iterable[str]) -> None:
        self.root = root
        self.modules = module_names(pyfiles)
        self.tops = {name.split(".")[0] for name in self.modules}
        self._parsed: dict[str, _Names | None] = {}

    def _module(self, name: str) -> _Names | None:
        if name not in self._parsed:
            names: _Names | None = {}
            try:
                tree = ast.parse(read_bytes(self.root, self.modules[name], "document"))
                _bindings(tree.body, names)  # type: ignore[arg-type]
            except (OSError, Refused, SyntaxError, ValueError, RecursionError, MemoryError):
                names = None  # unreadable: anything in it is given the benefit of the doubt
            self._parsed[name] = names
        return self._parsed[name]

    def owns(self, dotted: str) -> bool:
        """True when ``dotted`` starts with one of the project's own top-level modules."""
        return dotted.split(".")[0] in self.tops

    def exists(self, dotted: str) -> bool:
        """True when ``dotted`` names a module, or something a module or class binds."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module not in self.modules:
                continue
            rest = parts[cut:]
            names = self._module(module) if rest else {}
            if names is None:
                return True
            for part in rest:
                if part not in names:
                    break
                found = names[part]
                if found is None:  # a function, an attribute or a re-export: not followed further
                    return True
                names = _members(found)  # type: ignore[arg-type]
            else:
                return True
        return False
