"""The plain data the parsers return: links with byte offsets, and anchors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

MAX_NESTING = 100  # levels; docutils recurses per level, and Python's stack ends near 200


class TooDeep(ValueError):
    """A document nested deeper than a parser can follow: reported, not parsed."""

    def __init__(self) -> None:
        super().__init__(f"nested more than {MAX_NESTING} levels deep; not checked")


class Link(NamedTuple):
    """A link in a document: where it starts (UTF-8 byte offset) and its raw destination."""

    offset: int
    url: str
    bare: bool = False  # a bare URL found in prose: only checked with --external
    role: str = ""  # a MyST role ({ref}, {doc}): ``url`` is its content, read only in a Sphinx project


class Parsed(NamedTuple):
    """What a parser returns: the links, and the anchors the document defines."""

    links: list[Link]
    anchors: frozenset[str]
    case_insensitive: bool = False  # anchors are lowercased; fragments must be too


def byte_offsets(text: str, indexes: Iterable[int]) -> dict[int, int]:
    """The UTF-8 byte offset of each character index into ``text``."""
    if text.isascii():
        return {index: index for index in indexes}
    result: dict[int, int] = {}
    done_chars = done_bytes = 0
    for index in sorted(set(indexes)):
        done_bytes += len(text[done_chars:index].encode("utf-8", "surrogatepass"))
        done_chars = index
        result[index] = done_bytes
    return result
