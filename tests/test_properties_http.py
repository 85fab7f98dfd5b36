"""Property tests for what the HTTP client reads from servers: simple pages (HTML and PEP 691
JSON), JSON answers under limits, Link headers, and error text shortened after masking.

Each parser gets 2,000 cheap in-process examples and must give a result or its one-line
error (BadJson, a ValueError), never anything else. The example shapes come from
``tests/test_properties.py``'s byte reader.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given

from releasekit import httpclient, indexes
from releasekit.errors import clip
from tests.test_properties import BYTES, MANY, TRICKY, Reader

BASE = "https://index.example/simple/demo/"
HREFS = [
    "demo-1.0.tar.gz#sha256=ab",
    "/files/demo.whl",
    "file:///etc/passwd",
    "http://[::1",
    "http://[",
    "//other.example/x#sha256=",
    "javascript:alert(1)",
    "../../../x",
    "http://u:p@h/a",
    "",
    "#sha256=" + "f" * 64,
]
HTML_PIECES = [
    "<a href='{h}'>",
    '<a href="{h}">',
    "<a href={h}>",
    "</a>",
    "<a>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE html>",
    "<script>",
    "</script>",
    "&amp;",
    "&#x110000;",
    "&#99999999999;",
    "<a href",
    "<",
    ">",
    "<?xml",
    "<![if x]>",
    "<a href='{h}' data-dist-info-metadata=sha256=1>",
]


def _html(read: Reader) -> str:
    parts = []
    for _ in range(read.byte() % 12):
        piece = read.pick(HTML_PIECES)
        parts.append(piece.replace("{h}", read.pick(HREFS) + read.text(6)) if "{h}" in piece else piece)
        parts.append(read.text(8))
    return "".join(parts)


@MANY
@given(BYTES)
def test_simple_html_pages_give_files_never_a_crash(data: bytes) -> None:
    read = Reader(data)
    for served in indexes.parse_simple_html(_html(read), read.pick([BASE, "http://127.0.0.1:1/s/", "x"])):
        assert isinstance(served.filename, str) and "#" not in served.url
        assert served.sha256 is None or (served.sha256 and served.sha256 == served.sha256.lower())


def _json_value(read: Reader, depth: int = 0) -> Any:
    kind = read.byte() % 9
    if depth > 4 or kind < 3:
        return read.scalar()
    if kind < 5:
        return [_json_value(read, depth + 1) for _ in range(read.byte() % 4)]
    if kind < 7:
        keys = ["files", "filename", "url", "hashes", "sha256", "meta", read.text(4)]
        return {read.pick(keys): _json_value(read, depth + 1) for _ in range(read.byte() % 4)}
    entry = {"filename": read.pick([read.text(10), 1, None]), "url": read.pick(HREFS), "hashes": _json_value(read, 5)}
    return {"files": [entry for _ in range(read.byte() % 3)]}


def _json_text(read: Reader) -> str:
    kind = read.byte() % 5
    if kind == 0:
        return read.text(40)
    if kind == 1:
        return "[" * (read.byte() * 3) + "]" * read.byte()
    if kind == 2:
        return '{"files": [' + "9" * (read.byte() * 20) + "]}"
    try:
        return json.dumps(_json_value(read))
    except ValueError:  # a NaN where JSON has none
        return "NaN"


@MANY
@given(BYTES)
def test_json_simple_pages_give_files_or_one_line(data: bytes) -> None:
    read = Reader(data)
    try:
        files = indexes.parse_simple_json(_json_text(read), BASE)
    except httpclient.BadJson as exc:
        assert str(exc).startswith(f"{BASE}: ") and "\n" not in str(exc)
        return
    for served in files:
        assert isinstance(served.filename, str) and isinstance(served.url, str) and "#" not in served.url


@MANY
@given(BYTES)
def test_json_answers_are_parsed_within_limits(data: bytes) -> None:
    read = Reader(data)
    text = _json_text(read).encode("utf-8", "surrogatepass") + read.pick([b"", b"\xff", b"[" * 70 + b"]" * 70])
    try:
        value = httpclient.parse_json(text, "answer")
    except httpclient.BadJson as exc:
        assert str(exc) == f"answer: {exc.reason}"
        return
    assert _nesting(value) <= httpclient.MAX_JSON_DEPTH


def _nesting(value: object) -> int:
    """How deep containers nest in ``value`` (the test's own count, not the client's)."""
    if isinstance(value, dict):
        return 1 + max((_nesting(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_nesting(v) for v in value), default=0)
    return 0


@MANY
@given(BYTES)
def test_link_headers_give_a_url_or_none(data: bytes) -> None:
    read = Reader(data)
    pieces = ['<https://api.example/x?page=2>; rel="next"', "<>; rel=next", "rel=next", ",", ";", '<a>; rel="last"']
    header = "".join(read.pick(pieces) + read.text(4) for _ in range(read.byte() % 5))
    found = httpclient.next_link(header)
    assert found is None or (isinstance(found, str) and f"<{found}>" in header)


@MANY
@given(BYTES)
def test_no_part_of_a_secret_survives_shortening(data: bytes) -> None:
    read = Reader(data)
    secret = "ZQ" * (4 + read.byte() % 20)
    filler = TRICKY.replace("Z", "").replace("Q", "")
    text = "".join(read.text(40, filler) + read.pick(["", secret]) for _ in range(read.byte() % 12)) + secret
    limit = 10 + read.byte() * 2
    shown = clip(text, [secret], limit)
    assert "ZQ" not in shown and len(shown) <= limit
