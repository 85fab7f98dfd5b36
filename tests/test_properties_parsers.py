"""Property tests of the parsers of hostile files: TOML, JSON, the build manifest, reST.

Each example is one byte string turned into a document by a small generator that favours
what breaks parsers: nesting near and past ``releasekit.bounded.MAX_DEPTH``, integers near
and past ``MAX_DIGITS`` (and past Python's own 4,300), broken syntax, control characters.
A document is either parsed, giving exactly what Python's own parser gives, or refused in
one line naming the file; never a crash. 2,000 examples each; reST costs docutils a few
milliseconds a document, so its documents stay small.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasekit.bounded import MAX_DEPTH, MAX_DIGITS, Unreadable, loads_json, loads_toml
from releasekit.checks.links.model import TooDeep
from releasekit.checks.links.rst import parse_rst
from releasekit.ci import manifest
from releasekit.errors import ReleasekitError
from tests.test_properties import Reader

MANY = settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
BYTES = st.binary(max_size=160)
DEPTHS = (0, 1, 2, MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 400, 3000)
DIGITS = (1, 19, 20, MAX_DIGITS, MAX_DIGITS + 1, 4300, 4301, 5000)
NOISE = "[]{}=,:\"'#\n\\ \t\x00\x1b1e-+._abc\u202e"


def _integer(read: Reader) -> str:
    digits = read.pick(DIGITS)
    return read.pick(["", "-", "+"]) + read.pick("123456789") + "0" * (digits - 1)


def _nested(read: Reader, opener: str, closer: str, leaf: str) -> str:
    depth = read.pick(DEPTHS)
    return opener * depth + leaf + closer * depth


def _depth(value: Any) -> int:
    depth, todo = 0, [(value, 1)]
    while todo:
        node, level = todo.pop()
        if isinstance(node, (dict, list)):
            depth = max(depth, level)
            todo.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return depth


def _within(value: Any) -> None:
    assert _depth(value) <= MAX_DEPTH
    todo = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, int) and not isinstance(node, bool):
            assert len(str(abs(node))) <= MAX_DIGITS


def _parsed_within_limits(parse: Callable[[], Any], source: str) -> Any:
    """What ``parse`` gives, checked to be within the limits; None when it refused in one line."""
    try:
        parsed = parse()
    except Unreadable as exc:
        _refused(exc, source)
        return None
    _within(parsed)
    return parsed


def _refused(exc: ReleasekitError, source: str) -> None:
    message = str(exc)
    assert message.startswith(f"{source}: ") and "\n" not in message and len(message) < 2000, message


def toml_document(read: Reader) -> str:
    lines = []
    for _ in range(1 + read.byte() % 3):
        kind = read.byte() % 6
        key = read.pick(["a", "b.c", '"q"', "x-y", "a"])
        if kind == 0:
            lines.append(f"{key} = {_integer(read)}")
        elif kind == 1:
            lines.append(f"{key} = {_nested(read, '[', ']', read.pick(['1', _integer(read), '']))}")
        elif kind == 2:
            lines.append(f"{key} = {_nested(read, '{ k = ', ' }', read.pick(['1', _integer(read), '[]']))}")
        elif kind == 3:
            lines.append(f"[{read.pick(['tool', 'tool.x', 'project'])}]")
        elif kind == 4:
            lines.append(f"{key} = {read.pick(['inf', 'nan', '1e400', '0x' + 'f' * read.pick(DIGITS), '1_000'])}")
        else:
            lines.append(read.text(30, NOISE))
    return "\n".join(lines) + "\n"


@MANY
@given(BYTES)
def test_toml_is_parsed_as_tomllib_does_or_refused_in_one_line(data: bytes) -> None:
    text = toml_document(Reader(data))
    parsed = _parsed_within_limits(lambda: loads_toml(text, source="pyproject.toml"), "pyproject.toml")
    assert parsed is None or parsed == tomllib.loads(text) or "nan" in text  # nan != nan


def json_document(read: Reader) -> str:
    kind = read.byte() % 5
    if kind == 0:
        return _integer(read)
    if kind == 1:
        return _nested(read, "[", "]", read.pick(["1", _integer(read), "", '"x"']))
    if kind == 2:
        return _nested(read, '{"k": ', "}", read.pick(["1", _integer(read), "[]", "null"]))
    if kind == 3:
        return json.dumps({"a": [read.text(10, NOISE), read.byte()]}) + read.text(4, NOISE)
    return read.text(40, NOISE)


@MANY
@given(BYTES)
def test_json_is_parsed_as_json_does_or_refused_in_one_line(data: bytes) -> None:
    read = Reader(data)
    text = json_document(read)
    raw: str | bytes = text.encode("utf-8", "surrogatepass") + (b"\xff" if read.byte() % 7 == 0 else b"")
    parsed = _parsed_within_limits(lambda: loads_json(raw, source="release.json"), "release.json")
    assert parsed is None or parsed == json.loads(text)


def manifest_document(read: Reader) -> str:
    files: Any = {
        read.pick(["pkg-1.0.tar.gz", "pkg-1.0-py3-none-any.whl", "../x", "", "a/b", "x\x00"]): read.pick(
            ["0" * 64, "f" * 63, "", 7, None]
        )
        for _ in range(read.byte() % 3)
    }
    document: Any = {
        "schema": read.pick([1, 1, 2, "1", None]),
        "project": read.pick(["pkg", "", 5, None]),
        "version": read.pick(["1.0", "1.0.0rc1", "x", "", 1.0]),
        "files": read.pick([files, [], "x", files]),
    }
    if read.byte() % 4 == 0:
        document[read.pick(["files", "wheels", "x"])] = json.loads(_nested(read, "[", "]", _integer(read)))
    text = json.dumps(document)
    return text if read.byte() % 5 else json_document(read)


@MANY
@given(BYTES)
def test_manifests_are_read_or_refused_in_one_line(data: bytes) -> None:
    try:
        text = manifest_document(Reader(data))
    except (ValueError, RecursionError):
        return  # the generator's own json.loads of a document Python refuses
    path = Path("dist") / manifest.FILENAME  # manifest.read's own part is its bounded read (test_ci_units)
    try:
        found = manifest.parse(text.encode("utf-8", "surrogatepass"), path)
    except ReleasekitError as exc:
        _refused(exc, str(path))
        return
    assert found.project and all("/" not in name and name not in ("", ".", "..") for name in found.files)


RST = [
    "{0}\n",
    ".. |{0}| replace:: |{1}| |{1}|\n.. |{1}| replace:: {2}\n\n|{0}|\n",
    ".. _{0}: https://{1}\n\n`{0}`_ {2}\n",
    "`{0} <{1}>`_ and {2}\n",
    "{0}\n{1}\n\n.. note::\n\n   {2}\n",
    "- {0}\n\n  - {1}\n\n    - {2}\n",
    "Title {0}\n=====\n\n:ref:`{1}` {2}\n",
    "+---+\n| {0} |\n+---+\n{1}{2}\n",
]


@MANY
@given(BYTES)
def test_rst_documents_give_links_or_too_deep(data: bytes) -> None:
    read = Reader(data)
    nest = "   " * read.pick([0, 1, 5, 30, 120])
    doc = read.pick(RST).format(read.text(12), read.text(12), read.text(12)).replace("\n", "\n" + nest)
    try:
        parsed = parse_rst(doc, "docs/x.rst")
    except TooDeep:
        return
    size = len(doc.encode("utf-8"))
    assert all(0 <= link.offset <= size for link in parsed.links)
