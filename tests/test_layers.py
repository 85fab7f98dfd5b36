"""The layers of releasekit's modules: imports point down, never round, and sit at the top of the file.

The rules and the layer of every module are in tests/helpers/layers.py and written down in
docs/developers.rst ("The layers"); the last tests show that each rule catches a package that breaks it.
"""

from __future__ import annotations

import re
from pathlib import Path

import releasekit
from tests.helpers.layers import LAYERS, LAZY_ALLOWED, all_imports, cycles, lazy, modules, unplaced, upward

SRC = Path(releasekit.__file__).parent.parent
ROOT = SRC.parent
MODULES = modules(SRC, "releasekit")
IMPORTS = all_imports(MODULES)


def test_the_walk_sees_every_kind_of_import() -> None:
    assert len(MODULES) > 100
    assert sum(not imp.nested and not imp.typing_only for imp in IMPORTS) > 300
    assert any(imp.typing_only for imp in IMPORTS)
    assert any(imp.nested for imp in IMPORTS)  # the CLI's dispatch


def test_every_module_has_its_layer() -> None:
    assert unplaced(MODULES, LAYERS) == [], "give each new module its layer in tests/helpers/layers.py and the docs"


def _listed(broken: list[str]) -> str:
    return "\n" + "\n".join(broken)  # pytest would shorten the list; the lead fixes them from it


def test_no_module_imports_from_a_higher_layer() -> None:
    broken = upward(IMPORTS, LAYERS, ROOT)
    assert broken == [], _listed(broken)


def test_no_import_cycle_counting_the_imports_inside_functions() -> None:
    broken = cycles(IMPORTS, ROOT)
    assert broken == [], _listed(broken)


def test_releasekit_modules_are_imported_at_the_top_outside_the_cli_and_the_hooks() -> None:
    broken = lazy(IMPORTS, LAZY_ALLOWED, ROOT)
    assert broken == [], _listed(broken)


def _documented_layers() -> list[tuple[str, set[str]]]:
    text = (ROOT / "docs" / "developers.rst").read_text(encoding="utf-8")
    table = text.split("\nThe layers\n", 1)[1].split(".. list-table::", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^   \* - (.+)\n     - (.+(?:\n       .+)*)", table, re.MULTILINE)
    return [(layer.strip(), set(re.findall(r"``([\w.*]+)``", names))) for layer, names in rows[1:]]


def test_the_docs_give_every_module_the_layer_the_test_gives_it() -> None:
    def short(entry: str) -> str:
        return entry if entry == "releasekit" else entry.removeprefix("releasekit.")

    expected = [(name, {short(entry) for entry in entries}) for name, entries in LAYERS]
    assert _documented_layers() == expected


# --- each rule fails on a package that breaks it ---------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in {"pkg/__init__.py": "", **files}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return modules(tmp_path, "pkg")


TABLE = (("low", ("pkg", "pkg.low", "pkg.base.*")), ("high", ("pkg.high", "pkg.cli", "pkg.base.top")))


def test_a_package_that_keeps_the_rules_passes(tmp_path: Path) -> None:
    found = _package(
        tmp_path,
        {
            "pkg/low.py": "import os\nfrom pkg.base import util\n",
            "pkg/base/__init__.py": "",
            "pkg/base/util.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import low\n",
            "pkg/base/top.py": "from . import util\n",
            "pkg/high.py": "from pkg import low\nfrom pkg.base.top import thing\n",
            "pkg/cli.py": "def main():\n    from pkg import high\n",
        },
    )
    imports = all_imports(found)
    assert len(imports) == 6
    assert unplaced(found, TABLE) == []
    assert upward(imports, TABLE, tmp_path) == []
    assert cycles(imports, tmp_path) == []  # low <-> base.util: the type checker's import never runs
    assert lazy(imports, ("pkg.cli",), tmp_path) == []


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    found = _package(
        tmp_path,
        {
            "pkg/low.py": "from pkg import base\n",
            "pkg/base/__init__.py": "import os\nfrom pkg.base.util import thing\n",
            "pkg/base/util.py": "import pkg.low\ndef f():\n    from .. import low\n",
        },
    )
    imports = all_imports(found)
    assert cycles(imports, tmp_path) == [
        "import cycle pkg.base -> pkg.base.util -> pkg.low -> pkg.base: pkg/base/__init__.py:2 pkg.base.util,"
        " pkg/base/util.py:1 pkg.low, pkg/low.py:1 pkg.base"
    ]
    (tmp_path / "pkg/base/util.py").write_text("def f():\n    from .. import low\n")
    assert cycles(all_imports(found), tmp_path) == [
        "import cycle pkg.base -> pkg.base.util -> pkg.low -> pkg.base: pkg/base/__init__.py:2 pkg.base.util,"
        " pkg/base/util.py:2 pkg.low, pkg/low.py:1 pkg.base"
    ]


def test_an_upward_import_is_found_wherever_it_sits(tmp_path: Path) -> None:
    found = _package(
        tmp_path,
        {
            "pkg/low.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.high import Thing\n"
                "def f():\n    import pkg.cli\n"
            ),
            "pkg/base/__init__.py": "",
            "pkg/base/util.py": "from pkg.base import top\n",
            "pkg/base/top.py": "",
            "pkg/high.py": "",
            "pkg/cli.py": "",
            "pkg/new.py": "",
        },
    )
    imports = all_imports(found)
    assert upward(imports, TABLE, tmp_path) == [
        "pkg/base/util.py:1 pkg.base.top: upward import, the low layer imports the higher high layer",
        "pkg/low.py:3 pkg.high: upward import, the low layer imports the higher high layer",
        "pkg/low.py:5 pkg.cli: upward import, the low layer imports the higher high layer",
    ]
    assert unplaced(found, TABLE) == ["pkg.new"]


def test_a_function_level_import_is_found_outside_the_allowed_modules(tmp_path: Path) -> None:
    found = _package(
        tmp_path,
        {
            "pkg/low.py": "import os\n",
            "pkg/high.py": (
                "from typing import TYPE_CHECKING\nclass A:\n    def m(self):\n        from pkg import low\n"
                "def f():\n    import json\n    if TYPE_CHECKING:\n        from pkg.low import x\n"
                "g = lambda: __import__('os')\n"
            ),
            "pkg/cli.py": "def main():\n    from pkg import high\n",
        },
    )
    message = "pkg/high.py:4 pkg.low: function-level import; import it at the top of the file"
    assert lazy(all_imports(found), ("pkg.cli",), tmp_path) == [message]
    assert lazy(all_imports(found), ("pkg.*",), tmp_path) == []
