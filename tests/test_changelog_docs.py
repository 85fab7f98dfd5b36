"""docs/fragments.rst's examples of changelog styles: init's derivation gives what the page says it gives."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import tomllib

from releasekit.adopt.changelog import section_types
from releasekit.changelog.style import Title, derive_rst_title, derive_style

PAGE = Path(__file__).resolve().parent.parent / "docs" / "fragments.rst"
_BLOCK = re.compile(r"^\.\. code-block:: (\w+)\n\n((?:   .*\n|\n)+)", re.MULTILINE)


def _examples() -> list[tuple[str, str, str]]:
    """``(markup, changelog, toml)`` of each example of the page's section on changelog styles."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("The changelog's style, as init learns it\n", 1)[1].split("\nRelease notes:", 1)[0]
    blocks = [(m.group(1), textwrap.dedent(m.group(2)).strip("\n") + "\n") for m in _BLOCK.finditer(section)]
    pairs = []
    for (markup, changelog), (kind, derived) in zip(blocks[::2], blocks[1::2], strict=True):
        assert markup in ("markdown", "rst") and kind == "toml", (markup, kind)
        pairs.append((markup, changelog, derived))
    return pairs


EXAMPLES = _examples()


def test_the_page_shows_every_style() -> None:
    shown = "".join(changelog for _, changelog, _ in EXAMPLES)
    for style in ("## [14.3.3] - ", "## v7.6.1", "## Version 8.5.0\n\nReleased", "/compare/", "/tree/", "6th December"):
        assert style in shown
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("markup", "changelog", "derived"), EXAMPLES, ids=[e[1].split("\n")[0] for e in EXAMPLES])
def test_init_derives_what_the_page_says(markup: str, changelog: str, derived: str) -> None:
    expected = tomllib.loads(derived)
    comments = dict(re.findall(r"^# ([^:]+): (.*)$", derived, re.MULTILINE))
    if markup == "rst":
        title = derive_rst_title(changelog)
        types: list[str] = []
        references = False
    else:
        style = derive_style(changelog)
        assert style is not None
        title = Title(style.title_format, style.version_format, style.date_format, style.problem)
        types = [directory for directory, _, _ in section_types(style.sections)]
        references = style.link_references
    assert title.problem is None
    assert title.title_format == expected["tool"]["towncrier"]["title_format"]
    formats = {"version_format": title.version_format, "date_format": title.date_format}
    shown = expected["tool"].get("releasekit", {}).get("changelog", {})
    assert {key: value for key, value in formats.items() if value is not None} == shown
    assert types == (comments["types"].split(", ") if "types" in comments else [])
    assert references == ("link reference definitions" in comments)
