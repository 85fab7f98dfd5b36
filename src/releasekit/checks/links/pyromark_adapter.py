"""The one module that talks to pyromark (pulldown-cmark), tested with pyromark 0.10.

pyromark's event format has changed between minor versions, so everything that knows its
shape lives here, and pyproject bounds the version to the one this was written against.
Offsets are UTF-8 byte offsets into the source, as pyromark reports them.

The event loop is the hot path of the whole checker (it runs once per Markdown file and
costs more than the parse itself), so it is written flat, with one dict lookup per event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple


class MarkdownEvents(NamedTuple):
    """What the link checker needs from one Markdown document, with byte offsets."""

    links: list[tuple[int, str]]  # links and images: (offset of the construct, destination)
    headings: list[tuple[int, str, str | None]]  # (offset, plain text, explicit {#id})
    html: list[tuple[int, str]]  # raw HTML: blocks joined whole, inline tags one by one
    texts: list[tuple[int, str]]  # prose (never code) that may hold a bare URL
    roles: list[tuple[int, str, str]]  # MyST roles {ref}`target` and {doc}`target`: (offset, role, content)


def _parser() -> Any:
    """One pyromark parser with the options the link checker reads with, made once."""
    global _PARSER
    if _PARSER is None:
        import pyromark

        options = (
            pyromark.Options.ENABLE_HEADING_ATTRIBUTES
            | pyromark.Options.ENABLE_TABLES
            | pyromark.Options.ENABLE_FOOTNOTES
        )
        _PARSER = pyromark.Markdown(options=options)
    return _PARSER


_PARSER: Any = None
_ROLE = re.compile(r"\{(ref|doc)\}$")
_LONE_CR = re.compile(r"\r(?!\n)")
# the End events the walk acts on when their value is a string (most are Paragraph, Item, Strong...)
_ENDS = frozenset(("Link", "Image", "CodeBlock", "HtmlBlock"))


def scan(text: str) -> MarkdownEvents:
    """Walk ``text``'s events once and keep links, headings, raw HTML and prose.

    What a page cannot hold is not looked for: prose is searched for bare URLs only when
    the page has ``://`` or ``www.`` somewhere, and MyST roles only when it has ``}```.
    """
    if "\r" in text:
        # With heading attributes on, pulldown-cmark 0.13 reads past a lone CR line ending
        # after an ATX heading and swallows the rest of the page into it. A LF in its place
        # has the same length, so every offset stays valid.
        text = _LONE_CR.sub("\n", text)
    want_urls = "://" in text or "www." in text
    want_roles = "}`" in text
    links: list[tuple[int, str]] = []
    headings: list[tuple[int, str, str | None]] = []
    html: list[tuple[int, str]] = []
    texts: list[tuple[int, str]] = []
    roles: list[tuple[int, str, str]] = []
    role_text = ""  # the last text that ended with "}", and where it ended
    role_end = -1
    heading: list[str] | None = None
    heading_start = 0
    heading_id: str | None = None
    block: list[str] | None = None
    block_start = 0
    in_code = False
    in_link = 0
    in_image = 0
    events: Iterator[tuple[Any, Any]] = _parser().events_with_range(text)
    for event, span in events:
        if event.__class__ is str:  # SoftBreak, HardBreak, Rule
            if heading is not None:
                heading.append(" ")
            continue
        # one dict lookup per likely kind, most frequent first: cheaper than unpacking items()
        value = event.get("Text")
        if value is not None:
            if heading is not None:
                if not in_image:
                    heading.append(value)
            elif want_urls and not in_code and not in_link and ("://" in value or "www." in value):
                texts.append((span["start"], value))
            if want_roles and value[-1:] == "}":
                role_text, role_end = value, span["end"]
            continue
        value = event.get("Start")
        if value is not None:
            if value.__class__ is str:
                if value == "HtmlBlock":
                    block = []
                    block_start = span["start"]
                continue
            data = value.get("Link") or value.get("Image")
            if data is not None:
                if "Link" in value:
                    in_link += 1
                else:
                    in_image += 1
                link_type = data["link_type"]
                if link_type != "Email" and link_type.__class__ is str:
                    links.append((span["start"], data["dest_url"]))
                continue
            data = value.get("Heading")
            if data is not None:
                heading = []
                heading_start = span["start"]
                heading_id = data["id"]
            elif "CodeBlock" in value:
                in_code = True
            continue
        value = event.get("End")
        if value is not None:
            if value.__class__ is str:
                if value in _ENDS:
                    if value == "Link":
                        in_link -= 1
                    elif value == "Image":
                        in_image -= 1
                    elif value == "CodeBlock":
                        in_code = False
                    else:
                        if block:
                            html.append((block_start, "".join(block)))
                        block = None
            elif heading is not None and "Heading" in value:
                headings.append((heading_start, "".join(heading).strip(), heading_id or None))
                heading = None
            continue
        value = event.get("Code")
        if value is not None:
            if heading is not None:
                heading.append(value)
            elif role_text and span["start"] == role_end:
                role = _ROLE.search(role_text)
                if role:
                    roles.append((role_end - len(role.group(0)), role.group(1), value))
            continue
        value = event.get("Html")
        if value is not None:
            if block is not None:
                block.append(value)
            else:  # an HTML block pyromark did not open (should not happen): keep it anyway
                html.append((span["start"], value))
            continue
        value = event.get("InlineHtml")
        if value is not None:
            html.append((span["start"], value))
    return MarkdownEvents(links, headings, html, texts, roles)


def heading_spans(text: str) -> list[tuple[int, int, int]]:
    """(level, start, end) of each heading, byte offsets into ``text``'s source."""
    found: list[tuple[int, int, int]] = []
    for event, span in _parser().events_with_range(_LONE_CR.sub("\n", text) if "\r" in text else text):
        if event.__class__ is dict:
            start = event.get("Start")
            if start.__class__ is dict and "Heading" in start:
                found.append((int(start["Heading"]["level"][1:]), span["start"], span["end"]))
    return found
