"""Heading slugs: the ids a Markdown renderer gives headings, one profile per renderer.

A profile mismatch is the most common false "missing anchor", so each profile follows its
renderer's own rule, duplicates included:

- ``github``: GitHub's rule (not github-slugger's). Keep Unicode word characters (letters,
  marks, decimal digits, letter numbers, connector punctuation, the zero-width joiners),
  spaces and ``-``; each space becomes ``-``; lowercase with simple case mapping;
  duplicates get ``-1``, ``-2``... GitHub matches fragments case-insensitively.
- ``python-markdown`` (MkDocs' default ``toc.slugify``): NFKD, drop non-ASCII, keep
  ``\\w``, whitespace and ``-``, collapse runs into one ``-``; duplicates get ``_1``.
- ``gitlab``: lowercase, drop what is not a word character, space or ``-``, spaces to
  ``-``, runs of ``-`` squeezed; duplicates get ``-1``; an all-digit slug gets ``anchor-``.
- ``pymdownx`` (``pymdownx.slugs.slugify``, with ``case`` none/lower/lower-ascii/fold):
  NFC, keep word characters, spaces and ``-``, strip, spaces to ``-``; duplicates ``_1``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import partial
from typing import NamedTuple

_ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")
_ASCII_DROP = re.compile(r"[^a-z0-9_ -]")
_NOT_WORD_SPACE_DASH = re.compile(r"[^\w\s-]")
_NOT_WORD_SPACE_DASH_STRICT = re.compile(r"[^\w\- ]")
_DASH_SPACE_RUNS = re.compile(r"[-\s]+")
_DASH_RUNS = re.compile(r"-+")
_UNDERSCORE_COUNT = re.compile(r"^(.*)_([0-9]+)$")
_ASCII_LETTERS = re.compile(r"[A-Z]")


def _is_word_char(char: str) -> bool:
    """A Unicode word character as GitHub and GitLab use it (not Python's ``\\w``)."""
    category = unicodedata.category(char)
    first = category[0]
    return first == "L" or first == "M" or category in ("Nd", "Nl", "Pc") or char in _ZERO_WIDTH_JOINERS


def simple_lower(text: str) -> str:
    """Lowercase with the simple (one-to-one) case mapping: ``İ`` to ``i``, every capital sigma to the small one."""
    if text.isascii():
        return text.lower()
    # str.lower() applies the full mapping: U+0130 becomes two characters and a final
    # capital sigma becomes ``ς``. Map both by hand first; nothing else differs.
    return text.replace("\u0130", "i").replace("\u03a3", "\u03c3").lower()


def github_slug(text: str) -> str:
    """The slug GitHub gives a heading whose text is ``text`` (before de-duplication)."""
    if text.isascii():
        return _ASCII_DROP.sub("", text.lower()).replace(" ", "-")
    kept = "".join(c for c in text if c == " " or c == "-" or _is_word_char(c))
    return simple_lower(kept).replace(" ", "-")


def gitlab_slug(text: str) -> str:
    """The slug GitLab gives a heading (before de-duplication)."""
    kept = "".join(c for c in simple_lower(text) if c == " " or c == "-" or _is_word_char(c))
    slug = _DASH_RUNS.sub("-", kept.replace(" ", "-"))
    return f"anchor-{slug}" if slug.isdigit() else slug


def python_markdown_slug(text: str) -> str:
    """Python-Markdown's ``toc.slugify`` with separator ``-``."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = _NOT_WORD_SPACE_DASH.sub("", value).strip().lower()
    return _DASH_SPACE_RUNS.sub("-", value)


def pymdownx_slug(text: str, case: str = "none") -> str:
    """``pymdownx.slugs.slugify(case=...)`` with separator ``-``."""
    value = unicodedata.normalize("NFC", text)
    if case == "lower":
        value = value.lower()
    elif case == "lower-ascii":
        value = _ASCII_LETTERS.sub(lambda m: m.group(0).lower(), value)
    elif case == "fold":
        value = value.casefold()
    return _NOT_WORD_SPACE_DASH_STRICT.sub("", value).strip().replace(" ", "-")


class Profile(NamedTuple):
    """How one renderer turns headings into ids, and how it matches fragments."""

    name: str
    slug: Callable[[str], str]
    dedupe: str  # "dash" (GitHub, GitLab: -1, -2) or "underscore" (Python-Markdown: _1, _2)
    case_insensitive: bool

    def fold(self, fragment: str) -> str:
        """The form of ``fragment`` that is compared with this profile's anchors."""
        return fragment.lower() if self.case_insensitive else fragment


PROFILES = ("github", "python-markdown", "gitlab", "pymdownx")
PYMDOWNX_CASES = ("none", "lower", "lower-ascii", "fold")


def profile(name: str, case: str = "none") -> Profile:
    """The profile called ``name`` (``pymdownx`` takes its ``case`` option). KeyError if unknown."""
    if name == "github":
        return Profile(name, github_slug, "dash", True)
    if name == "gitlab":
        return Profile(name, gitlab_slug, "dash", True)
    if name == "python-markdown":
        return Profile(name, python_markdown_slug, "underscore", False)
    if name == "pymdownx":
        if case not in PYMDOWNX_CASES:
            raise KeyError(case)
        return Profile(
            f"pymdownx:{case}" if case != "none" else name, partial(pymdownx_slug, case=case), "underscore", False
        )
    raise KeyError(name)


def heading_ids(prof: Profile, headings: Iterable[tuple[str, str | None]], taken: Iterable[str] = ()) -> list[str]:
    """The ids of ``headings`` ((text, explicit id) pairs) in document order, de-duplicated.

    An explicit ``{#id}`` replaces the generated slug, as attr_list and Pandoc render it.
    ``taken`` holds ids already used on the page (Python-Markdown counts them too).
    """
    headings = list(headings)
    used: set[str] = set(taken)
    counts: dict[str, int] = {}
    result: list[str] = []
    slug = prof.slug
    underscore = prof.dedupe == "underscore"
    if underscore:  # Python-Markdown reserves every id already on the page first
        used.update(explicit for _, explicit in headings if explicit)
    for text, explicit in headings:
        if explicit:
            used.add(explicit)
            result.append(explicit)
            continue
        base = slug(text)
        if underscore:
            candidate = base
            while candidate in used or not candidate:
                match = _UNDERSCORE_COUNT.match(candidate)
                candidate = f"{match.group(1)}_{int(match.group(2)) + 1}" if match else f"{candidate}_1"
        elif base not in used:
            candidate = base
        else:
            n = counts.get(base, 0) + 1
            while f"{base}-{n}" in used:
                n += 1
            counts[base] = n
            candidate = f"{base}-{n}"
        used.add(candidate)
        result.append(candidate)
    return result
