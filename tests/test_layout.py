"""The shape of the code itself: small modules, and the core never runs releasekit (the imports: test_layers.py)."""

from __future__ import annotations

import re
from pathlib import Path

import releasekit
from tests.helpers.layers import modules

SRC = Path(releasekit.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    return modules(SRC.parent, "releasekit")


def test_no_module_is_over_the_size_that_holds_one_idea() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


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
