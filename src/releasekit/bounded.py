"""TOML and JSON from files, parsed under limits: one line naming the file when they are broken.

A contributor writes pyproject.toml, .bumpversion.toml and towncrier.toml; the journal and
the build manifest lie where anyone with the working tree can change them. Python's parsers
take any of them as far as the interpreter lets them: a 3,000-deep array ends in a
``RecursionError``, a 5,000-digit integer in ``ValueError: Exceeds the limit (4300 digits)``.
Every such file is parsed here instead (YAML, which only ``init`` reads, is checked with
``check_limits`` after ruamel.yaml has read it), and a document that is nested more than
``MAX_DEPTH`` deep or holds an integer of more than ``MAX_DIGITS`` digits is refused with a
``ReleasekitError`` (exit code 2) naming the file. How large a file may be is the reader's
limit (``releasekit.safefiles.LIMITS``).

The hooks load this module only where they parse pyproject.toml anyway, and ``tomllib``
loads ``typing`` and ``re`` itself; the recorded fast path never reaches it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from releasekit.errors import ReleasekitError
from releasekit.safefiles import Refused, read_bytes, read_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

MAX_DEPTH = 100  # arrays and tables inside one another; real configuration stays under 10
MAX_DIGITS = 100  # digits of an integer; TOML's own are 64-bit (19 digits)


class Unreadable(ReleasekitError):
    """A document over the limits, or not valid at all. ``str()`` is ``source: reason``;
    ``kind`` is ``"deep"``, ``"digits"`` or ``"invalid"`` (for a caller that words it its own way)."""

    def __init__(self, source: str, reason: str, kind: str = "invalid") -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.kind = kind


def nested_too_deep(source: str, limit: int = MAX_DEPTH) -> Unreadable:
    return Unreadable(source, f"nested more than {limit} levels deep; it is not read", "deep")


def integer_too_long(source: str, limit: int = MAX_DIGITS) -> Unreadable:
    return Unreadable(source, f"holds an integer of more than {limit} digits; it is not read", "digits")


def check_limits(value: Any, source: str, *, max_depth: int | None = MAX_DEPTH, max_digits: int = MAX_DIGITS) -> Any:
    """``value`` itself when no container in it nests more than ``max_depth`` deep and no integer
    has more than ``max_digits`` digits; else ``Unreadable``. Walks without recursion, each
    container once. ``max_depth=None`` checks the integers alone (a reader with a depth rule
    of its own)."""
    too_big = 10**max_digits
    todo: list[tuple[Any, int]] = [(value, 1)]
    seen: set[int] = set()  # YAML's aliases share a container: walk it once (no billion laughs)
    while todo:
        node, depth = todo.pop()
        if isinstance(node, (dict, list)):
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            if isinstance(node, int) and not isinstance(node, bool) and not -too_big < node < too_big:
                raise integer_too_long(source, max_digits)
            continue
        if max_depth is not None and depth > max_depth:
            raise nested_too_deep(source, max_depth)
        todo.extend((child, depth + 1) for child in children)
    return value


def loads_toml(text: str, *, source: str) -> dict[str, Any]:
    """``text`` parsed as TOML (``tomllib``), within the limits; ``source`` names the file in an error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Unreadable(source, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise nested_too_deep(source) from None
    except ValueError:  # int() refused a number with more digits than Python converts
        raise integer_too_long(source) from None
    return check_limits(data, source)  # type: ignore[no-any-return]


def loads_json(text: str | bytes, *, source: str, max_depth: int = MAX_DEPTH, max_digits: int = MAX_DIGITS) -> Any:
    """``text`` parsed as JSON, within the limits; ``source`` names the file in an error.

    Bytes must be UTF-8. Integers are refused before they are converted, so a long one
    costs no time. The HTTP client passes tighter limits for the answers of a server.
    """
    import json

    def _json_int(digits: str) -> int:
        if len(digits.lstrip("-")) > max_digits:
            raise OverflowError(digits[:20])
        return int(digits)

    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        data = json.loads(text, parse_int=_json_int)
    except UnicodeDecodeError:
        raise Unreadable(source, "not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise Unreadable(source, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise nested_too_deep(source, max_depth) from None
    except (OverflowError, ValueError):
        raise integer_too_long(source, max_digits) from None
    return check_limits(data, source, max_depth=max_depth, max_digits=max_digits)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into one clear line.

    The file must be a regular file in its own directory (the project's root), not a
    symlink out of it, a FIFO or a device, and at most ``safefiles.LIMITS["config"]``.
    """
    try:
        data = read_bytes(path.parent, path.name, "config")
    except Refused as exc:
        raise ReleasekitError(f"{path}: {exc.reason}") from None
    except FileNotFoundError:
        raise ReleasekitError(f"{path}: file not found") from None
    except OSError as exc:
        raise ReleasekitError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReleasekitError(f"{path}: not valid UTF-8") from None
    return loads_toml(text, source=str(path))


# A configuration or version file is small; a larger one is not read to the end.
READ_LIMIT = 1 << 20


def read_text(path: Path) -> str:
    """A configuration or version file's text: a regular file, read up to ``READ_LIMIT``; any failure is one line."""
    try:
        data = read_file(path, "config")
    except OSError as exc:
        raise ReleasekitError(f"{path.name}: cannot read: {exc.strerror}") from None
    if len(data) > READ_LIMIT:
        raise ReleasekitError(f"{path.name}: larger than {READ_LIMIT >> 20} MiB; not a configuration file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReleasekitError(f"{path.name}: not valid UTF-8") from None
