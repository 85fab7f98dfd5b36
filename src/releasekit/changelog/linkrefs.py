"""Keep a Changelog's link reference definitions, kept up by the release.

A changelog whose releases are ``## [14.3.3] - 2026-02-19`` defines each label at the end:
``[14.3.3]: https://github.com/o/r/compare/v14.3.2...v14.3.3``. towncrier writes the new
heading; this adds the new release's definition in the project's own URL pattern (a compare
range, a tree, a release page) beside the previous one, and moves an ``[Unreleased]``
compare range on. Nothing else in the file changes.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"^\[([^\]\n]+)\]:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_VERSION = re.compile(r"(?:(?<=[/=vV])|(?<![\w.]))(\d+\.\d+(?:\.\d+)*(?:(?:a|b|rc|\.dev|\.post)\d+)*)(?![\w]|\.\d)")


def _bare(version: str) -> str:
    return version[1:] if version[:1] in "vV" and version[1:2].isdigit() else version


def add_link_reference(text: str, version: str, previous: str) -> str:
    """``text`` with a definition for ``version`` made from ``previous``'s, and ``[Unreleased]`` moved on.

    Unchanged when ``previous`` has no definition, or ``version`` has one already.
    """
    new, old = _bare(version), _bare(previous)
    found = list(_DEFINITION.finditer(text))
    labels = {_bare(m.group(1)): m for m in found}
    if new in labels or old not in labels:
        return text
    before = labels[old]
    label = before.group(1).replace(old, new)
    url = _VERSION.sub(lambda m: "\0NEW\0" if m.group(1) == old else "\0OLD\0", before.group(2))
    url = url.replace("\0NEW\0", new).replace("\0OLD\0", old)
    line = f"[{label}]: {url}\n"
    index = found.index(before)
    # Newest first (the usual order) puts the new one above the previous one; oldest first, below it.
    older_above = index > 0 and _older(found[index - 1].group(1), old)
    at = before.end() + 1 if older_above else before.start()
    if older_above and at > len(text):
        line, at = "\n" + line.rstrip("\n"), len(text)
    text = text[:at] + line + text[at:]
    unreleased = next((m for m in _DEFINITION.finditer(text) if m.group(1).lower() == "unreleased"), None)
    if unreleased is not None and old in unreleased.group(2):
        moved = _VERSION.sub(lambda m: new if m.group(1) == old else m.group(1), unreleased.group(2))
        text = text[: unreleased.start(2)] + moved + text[unreleased.end(2) :]
    return text


def _older(label: str, than: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(_bare(label)) < Version(than)
    except InvalidVersion:
        return False
