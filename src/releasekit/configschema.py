"""The configuration schema: what each TOML key must hold, checked with one line naming the file and the key.

A schema is a dict of keys. Each value is a :class:`Spec` (or a plain type, as older
entries may still name them) or a nested dict for a table of keys. A plain ``dict``
accepts only its own keys; a :class:`Loose` one, another tool's section, passes over
the keys it does not name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit.environment import is_http_url
from releasekit.errors import ReleasekitError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Spec:
    """What one configuration value must be: ``what`` names it in errors, ``accepts`` tests it.

    ``items`` is the spec of each element of an array; ``values`` that of each value of a
    table whose keys are free (towncrier's ``[tool.towncrier.fragment.<type>]``).
    """

    __slots__ = ("accepts", "items", "values", "what")

    def __init__(
        self,
        what: str,
        accepts: Callable[[object], bool],
        *,
        items: Spec | dict[str, Any] | None = None,
        values: Spec | dict[str, Any] | None = None,
    ) -> None:
        self.what = what
        self.accepts = accepts
        self.items = items
        self.values = values


class Loose(dict):  # type: ignore[type-arg]
    """A table of another tool's: only the keys releasekit reads are checked, others are that tool's."""


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _is_url(value: object) -> bool:
    return isinstance(value, str) and is_http_url(value)


STRING = Spec("a string", _is_str)
NAME = Spec("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip()))
BOOL = Spec("true or false", lambda v: isinstance(v, bool))
URL = Spec("an http:// or https:// URL", _is_url)
# A glob longer than this is no path pattern anyone writes; the bound keeps matching cheap.
GLOB = Spec(
    "a non-empty string of at most 1024 characters", lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 1024
)
ANY = Spec("any value", lambda v: True)  # checked where it is read (a test phase's gate: releasekit.release.gates)
TABLE = Spec("a table", lambda v: isinstance(v, dict))
SECONDS = Spec("a number of seconds above 0", lambda v: _is_number(v) and v > 0)  # type: ignore[operator]


def integer(low: int, high: int) -> Spec:
    """An integer from ``low`` to ``high``."""
    return Spec(f"an integer from {low} to {high}", lambda v: _is_int(v) and low <= v <= high)  # type: ignore[operator]


def number(low: float, high: float, *, above: bool = False) -> Spec:
    """A number from ``low`` (or above it) to ``high``."""
    what = f"a number above {low:g} and at most {high:g}" if above else f"a number from {low:g} to {high:g}"

    def accepts(v: object) -> bool:
        return _is_number(v) and (low < v if above else low <= v) and v <= high  # type: ignore[operator]

    return Spec(what, accepts)


def array(item: Spec | dict[str, Any], what: str) -> Spec:
    """An array whose every element is ``item``; ``what`` names the elements (plural)."""
    return Spec(f"an array of {what}", lambda v: isinstance(v, list), items=item)


def one_of(*choices: str) -> Spec:
    """One of the strings ``choices``."""
    return Spec(" or ".join(f'"{c}"' for c in choices), lambda v: v in choices)


def table_of(values: Spec | dict[str, Any], what: str) -> Spec:
    """A table whose keys are free and whose every value is ``values``; ``what`` names the table."""
    return Spec(what, lambda v: isinstance(v, dict), values=values)


# Plain types, as older entries of a schema may still name them.
_PLAIN: dict[type, Spec] = {
    str: STRING,
    bool: BOOL,
    int: Spec("an integer", _is_int),
    float: Spec("a number", _is_number),
    list: Spec("an array", lambda v: isinstance(v, list)),
    dict: TABLE,
}


def _plain(kind: type) -> Spec:
    return _PLAIN.get(kind) or Spec(f"a {kind.__name__}", lambda v: isinstance(v, kind))


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def _key(name: object) -> str:
    """A key as TOML writes it: bare when it can be, else quoted (a key may hold a line break)."""
    text = str(name)
    bare = text and all(c.isascii() and (c.isalnum() or c in "-_") for c in text)
    return text if bare else repr(text)


def _label(where: str, key: str) -> str:
    if where.startswith("[["):  # an entry of an array of tables
        return f"{where}: {key}"
    return f"[{where}] {key}" if where else key


def check_table(section: Mapping[str, Any], schema: Mapping[str, Any], where: str, path: Path) -> None:
    """Check every value of ``section`` against ``schema`` once, naming the file and the key of the first bad one.

    A plain ``dict`` schema accepts only its own keys; a ``Loose`` one (another tool's
    section) ignores the keys it does not name.
    """
    for key, value in section.items():
        if key not in schema:
            if isinstance(schema, Loose):
                continue
            import difflib  # only on the error path

            hint = difflib.get_close_matches(key, list(schema), n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; valid keys: {', '.join(sorted(schema))}"
            raise ReleasekitError(f"{path.name}: [{where}] unknown key {_show(key)}{suggestion}")
        _check_value(value, schema[key], where, _key(key), path)


def _check_value(value: Any, expected: Any, where: str, key: str, path: Path) -> None:
    if isinstance(expected, dict):
        if not isinstance(value, Mapping):
            raise ReleasekitError(f"{path.name}: {_label(where, key)} must be a table, not {_show(value)}")
        check_table(value, expected, f"{where}.{key}" if where else key, path)
        return
    spec: Spec = _plain(expected) if isinstance(expected, type) else expected
    if not spec.accepts(value):
        raise ReleasekitError(f"{path.name}: {_label(where, key)} must be {spec.what}, not {_show(value)}")
    if spec.items is not None:
        for n, item in enumerate(value, 1):
            if isinstance(spec.items, dict):
                entry = f"[[{where}.{key}]] entry {n}"
                if not isinstance(item, Mapping):
                    raise ReleasekitError(f"{path.name}: {entry} must be a table, not {_show(item)}")
                check_table(item, spec.items, entry, path)
            else:
                _check_value(item, spec.items, where, f"{key} item {n}", path)
    if spec.values is not None:
        for name, item in value.items():
            _check_value(item, spec.values, f"{where}.{key}" if where else key, _key(name), path)
