"""Hostile documents: deep nesting and huge links are findings, never a RecursionError or a crash."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit.checks.links.model import MAX_NESTING
from releasekit.checks.links.rst import indent_depth
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import make_repo
from tests.helpers.httpserver import Running, http_server

PYPROJECT = '[project]\nname = "docs"\n'
DEEP = f"nested more than {MAX_NESTING} levels deep; not checked"


@pytest.fixture
def server() -> Iterator[Running]:
    with http_server() as running:
        yield running


def _links(tmp_path: Path, files: dict[str, str], *args: str) -> tuple[int, list[str], float]:
    repo = make_repo(tmp_path / "docs", {"pyproject.toml": PYPROJECT, **files})
    started = time.monotonic()
    result = releasekit("check", "links", *args, cwd=repo)
    took = time.monotonic() - started
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    return result.returncode, result.stdout.splitlines(), took


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + "- item\n\n" for i in range(3000)),  # 3000 nested list items
        "".join(" " * i + "quoted\n\n" for i in range(3000)),  # 3000 nested block quotes
        "Title\n=====\n\n" + "- " * 3000 + "x\n",  # 3000 nested lists on one line: no indentation at all
        "".join("\t" * i + "x\n\n" for i in range(300)),  # tabs count as docutils counts them
    ],
    ids=["lists", "quotes", "markers-on-one-line", "tabs"],
)
def test_a_deeply_nested_rst_document_is_a_finding(tmp_path: Path, text: str) -> None:
    files = {"deep.rst": text + "\n`gone <gone.rst>`_\n", "ok.rst": "`gone <gone.rst>`_\n"}
    code, lines, took = _links(tmp_path, files)
    assert code == 1
    assert lines[:2] == [f"deep.rst:1:1: {DEEP}", "ok.rst:1:8: 'gone.rst': gone.rst does not exist"]
    assert took < 30  # found before docutils recursed through it, not after


def test_nesting_that_real_documents_have_is_parsed() -> None:
    text = "".join("  " * i + "- item\n\n" for i in range(MAX_NESTING))
    assert indent_depth(text) == MAX_NESTING - 1
    assert indent_depth("a\n  b\n    c\n  d\n      e\nf\n") == 2


@pytest.mark.parametrize("segments", [500_000, 4000])
def test_a_link_of_many_path_segments_is_a_finding(tmp_path: Path, segments: int) -> None:
    url = "a/" * segments + "b.md"
    code, lines, _ = _links(tmp_path, {"README.md": f"[x]({url})\n", "a/b.md": "x\n"})
    assert code == 1
    shown = f"{url[:120]!r}... ({len(url)} characters)"
    if len(url) > 8192:
        assert lines[0] == f"README.md:1:1: {shown}: longer than 8192 characters; not checked"
    else:
        assert lines[0] == f"README.md:1:1: {shown}: {url} does not exist"


def test_a_huge_url_is_a_finding_and_never_requested(tmp_path: Path, server: Running) -> None:
    huge = f"{server.url}/ok?" + "a" * 2_000_000
    files = {"README.md": f"[huge]({huge})\n\nbare {huge} here\n\n[fine]({server.url}/ok)\n"}
    code, lines, _ = _links(tmp_path, files, "--external")
    assert code == 1
    shown = f"{huge[:120]!r}... ({len(huge)} characters)"
    assert lines[:2] == [
        f"README.md:1:1: {shown}: longer than 8192 characters; not checked",
        f"README.md:3:6: {shown}: longer than 8192 characters; not checked",
    ]
    assert [(hit.method, hit.path) for hit in server.hits] == [("HEAD", "/ok")]


def test_an_html_marked_section_python_refuses_is_read_past(tmp_path: Path) -> None:
    page = "<p><![x junk</p>\n<a href='gone.html'>gone</a>\n"  # html.parser raised AssertionError on <![x
    code, lines, _ = _links(tmp_path, {"page.html": page, "README.md": "<![x [a](gone.md)\n"})
    assert code == 1
    assert lines[:2] == [
        "README.md:1:6: 'gone.md': gone.md does not exist",
        "page.html:2:10: 'gone.html': gone.html does not exist",
    ]
