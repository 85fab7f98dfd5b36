"""Keep a Changelog's ``## [Unreleased]`` section: its items become the new release's items.

Before towncrier builds the release, each list item under a ``### <Type name>`` heading of
the Unreleased section is written as an orphan fragment of the towncrier type of that name
(``### Fixed`` -> ``+unreleased-1.fixed.md``), and the items leave the section (its heading
stays, for the next changes). towncrier then renders them with the other fragments, in the
project's own sections and order, and deletes them with the rest.
"""

from __future__ import annotations

import re
from pathlib import Path

from releasekit.changelog.fragments import FragmentsConfig, extension
from releasekit.errors import ReleasekitError
from releasekit.safefiles import read_bytes

_UNRELEASED = re.compile(r"^##[ \t]+\[?unreleased\]?[ \t]*$", re.IGNORECASE)
_SUBHEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$")
_ITEM = re.compile(r"^[-*+][ \t]+")


def unreleased_items(text: str, config: FragmentsConfig) -> tuple[str, list[tuple[str, str]]]:
    """``text`` without the Unreleased items, and ``(type, item text)`` of each item, in order."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _UNRELEASED.match(line.rstrip("\r\n"))), None)
    if start is None:
        return text, []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    end = next((i for i in range(start + 1, end) if lines[i].strip().startswith("<!--")), end)  # the marker
    by_name = {t.name.casefold(): t.directory for t in config.types}
    items: list[tuple[str, str]] = []
    kind: str | None = None
    for line in lines[start + 1 : end]:
        bare = line.rstrip("\r\n")
        sub = _SUBHEADING.match(bare)
        if sub:
            kind = by_name.get(sub.group(1).casefold())
            if kind is None:
                raise ReleasekitError(
                    f"{config.filename}: [Unreleased] has a {sub.group(1)!r} section, but no towncrier type has that "
                    f"name (types: {', '.join(t.name for t in config.types)}); rename the section or add the type"
                )
        elif _ITEM.match(bare):
            if kind is None:
                raise ReleasekitError(f"{config.filename}: [Unreleased] has an item outside a ### section: {bare!r}")
            items.append((kind, _ITEM.sub("", bare)))
        elif bare.strip() and items and bare[:1].isspace():
            items[-1] = (items[-1][0], items[-1][1] + "\n" + bare.strip())
        elif bare.strip():
            raise ReleasekitError(f"{config.filename}: [Unreleased] holds text that is not a list item: {bare!r}")
    if not items:
        return text, []
    kept = [*lines[: start + 1], "\n", *lines[end:]]
    return "".join(kept), items


def move_unreleased(root: Path, config: FragmentsConfig) -> int:
    """Turn the changelog's Unreleased items into fragments for towncrier; the number of items moved."""
    path = root / config.filename
    try:
        text = read_bytes(root, config.filename, "changelog").decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    new, items = unreleased_items(text, config)
    if not items:
        return 0
    directory = root / (config.sections[0] if config.sections else config.directory.strip("/"))
    directory.mkdir(parents=True, exist_ok=True)
    prefix = config.orphan_prefix or "+"
    for n, (kind, item) in enumerate(items, start=1):
        (directory / f"{prefix}unreleased-{n}.{kind}{extension(config)}").write_text(item + "\n", encoding="utf-8")
    path.write_bytes(new.encode("utf-8"))
    return len(items)
