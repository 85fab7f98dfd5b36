"""Link extraction and positions: Markdown through pyromark, HTML, bare URLs."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from releasekit.checks.links.document import Positions
from releasekit.checks.links.html import parse_html
from releasekit.checks.links.markdown import bare_urls, parse_markdown
from releasekit.checks.links.pyromark_adapter import scan
from releasekit.checks.links.slugs import github_slug, profile

GITHUB = profile("github")


def located(text: str) -> list[tuple[int, int, str]]:
    locate = Positions(text)
    return [(*locate(link.offset), link.url) for link in parse_markdown(text, GITHUB).links]


def test_columns_count_characters_not_bytes() -> None:
    text = "# Ünïcödé\n\nÄÖÜ 😀 漢字 [x](a.md) é![i](b.png)\n\n| é | [c](c.md) |\n|---|---|\n"
    # ÄÖÜ·😀·漢字·[ : the bracket is the 10th character of line 3 (and its 20th byte)
    assert located(text) == [(3, 10, "a.md"), (3, 21, "b.png"), (5, 7, "c.md")]


def test_every_kind_of_link_and_no_code() -> None:
    text = (
        "[inline](a.md) [ref][r] [short] <https://auto.example/x> <me@example.org>\n"
        "`[code](no.md)` ![img](i.png) see https://bare.example/p, and www.bare.example.\n\n"
        "```\n[fenced](no.md) https://fenced.example\n```\n\n"
        '<div><a href="h.md" id="top-div">x</a></div>\n\n'
        "[r]: r.md\n[short]: s.md\n"
    )
    links = parse_markdown(text, GITHUB).links
    assert [(link.url, link.bare) for link in links] == [
        ("a.md", False),
        ("r.md", False),
        ("s.md", False),
        ("https://auto.example/x", False),
        ("i.png", False),
        ("https://bare.example/p", True),
        ("https://www.bare.example", True),
        ("h.md", False),
    ]


def test_anchors_of_a_markdown_page() -> None:
    text = (
        "# Title\n\n## Title\n\n## With `code` and *emphasis*\n\n### Custom {#mine}\n\n"
        '<a name="named"></a>\n\nInline <span id="inline-id">x</span>\n\n| <b id="cell">c</b> |\n|---|\n'
    )
    parsed = parse_markdown(text, GITHUB)
    assert parsed.anchors == {"title", "title-1", "with-code-and-emphasis", "mine", "named", "inline-id", "cell"}


def test_heading_text_skips_image_alt_and_tags() -> None:
    events = scan("# A ![alt](x.png) <b>b</b> `c`\n")
    assert [title for _, title, _ in events.headings] == ["A  b c"]


def test_bare_urls_trim_punctuation() -> None:
    assert bare_urls("(see https://x.example/a_(b)).") == [(5, "https://x.example/a_(b)")]
    assert bare_urls("www.x") == []


def test_html_file() -> None:
    text = '<html><body id="b">\n<p>é <a href="x.md#y" name="n">x</a><img src=\'i.png\'></p></body></html>\n'
    parsed = parse_html(text)
    locate = Positions(text)
    line2 = text.splitlines()[1]
    expected = [(2, line2.index("x.md") + 1, "x.md#y"), (2, line2.index("i.png") + 1, "i.png")]
    assert [(*locate(link.offset), link.url) for link in parsed.links] == expected
    assert expected[0][1] == 15
    assert parsed.anchors == {"b", "n"}


# Random Markdown: prose with non-ASCII words, links, code spans, and headings.
_WORD = st.text(alphabet="abcxyzéüΣ漢😀İ²", min_size=1, max_size=6)
_DEST = st.text(alphabet="abc-_/.é", min_size=1, max_size=8).map(lambda s: f"{s}.md")


@st.composite
def _document(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    dests: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            dest = draw(_DEST)
            parts.append(f"[{draw(_WORD)}]({dest})")
            dests.append(dest)
        elif choice == 1:
            parts.append(f"`[{draw(_WORD)}](code.md)`")
        elif choice == 2:
            parts.append("\n\n# " + draw(_WORD) + "\n\n")
        elif choice == 3:
            parts.append("\n")
        else:
            parts.append(draw(_WORD))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return " ".join(parts).replace("\n", newline), dests


@settings(max_examples=200, deadline=None)
@given(_document())
def test_positions_point_at_the_links(doc: tuple[str, list[str]]) -> None:
    text, dests = doc
    lines = re.split(r"\r\n?|\n", text)
    parsed = parse_markdown(text, GITHUB)
    assert [link.url for link in parsed.links] == dests
    locate = Positions(text)
    for link in parsed.links:
        line, col = locate(link.offset)
        assert lines[line - 1][col - 1 :].startswith("[")
        assert f"]({link.url})" in lines[line - 1][col - 1 :]
    for heading in parsed.anchors:
        assert heading == heading.lower()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_extractor_and_slugger_never_crash(text: str) -> None:
    parsed = parse_markdown(text, GITHUB)
    locate = Positions(text)
    for link in parsed.links:
        line, col = locate(link.offset)
        assert line >= 1
        assert col >= 1
    assert isinstance(github_slug(text), str)


def test_positions_with_every_line_ending() -> None:
    for newline in ("\n", "\r\n", "\r"):
        text = newline.join(["# T", "", "x [a](a.md)", "é [b](b.md)"])
        assert located(text) == [(3, 3, "a.md"), (4, 3, "b.md")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\né😀\r", max_size=60), st.lists(st.integers(0, 120), max_size=8))
def test_positions_of_a_file_agree_with_the_line_table(text: str, offsets: list[int]) -> None:
    import tempfile
    from pathlib import Path

    from releasekit.checks.links.document import positions

    data = text.encode("utf-8")
    offsets = [o for o in offsets if o <= len(data)]
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "a.md").write_bytes(data)
        found = positions(Path(tmp), "a.md", offsets)
    locate = Positions(text)
    assert found == {offset: locate(offset) for offset in offsets}
