"""The order the suite hands its modules to the xdist workers (tests/helpers/schedule.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.helpers.schedule import HEAVIEST_FIRST, heaviest_first

TESTS = Path(__file__).resolve().parent


def test_every_module_on_the_list_exists_once() -> None:
    missing = [name for name in HEAVIEST_FIRST if not (TESTS / f"{name}.py").is_file()]
    assert not missing, f"tests/helpers/schedule.py names modules that are gone: {missing}"
    assert len(set(HEAVIEST_FIRST)) == len(HEAVIEST_FIRST)


def _item(module: str, name: str) -> Any:
    return SimpleNamespace(path=TESTS / f"{module}.py", name=name)


def test_listed_modules_go_first_in_the_lists_order_and_each_keeps_its_own() -> None:
    first, second = HEAVIEST_FIRST[0], HEAVIEST_FIRST[1]
    items = [
        _item("test_unlisted_b", "b1"),
        _item(second, "s1"),
        _item("test_unlisted_a", "a1"),
        _item(first, "f1"),
        _item(second, "s2"),
        _item("test_unlisted_b", "b2"),
        _item(first, "f2"),
    ]
    heaviest_first(cast(list[pytest.Item], items))
    assert [item.name for item in items] == ["f1", "f2", "s1", "s2", "b1", "a1", "b2"]
