"""The plan's package-metadata part: what ``twine check --strict`` would refuse, fixed where one line does it.

A setup.py that passes ``long_description`` without ``long_description_content_type``
uploads fine (PyPI assumes reStructuredText), but twine warns that the type is missing,
and the release's package check runs ``twine check --strict``, which fails on any warning.
init adds the one line that declares the type, read from the README the description comes from.
"""

from __future__ import annotations

import re

from releasekit.adopt.detect import read_text
from releasekit.adopt.draft import Draft, FileChange

_LONG_DESCRIPTION = re.compile(r"^(?P<indent>[ \t]+)long_description[ \t]*=[ \t]*(?P<value>.*),[ \t]*(?:#.*)?$", re.M)
_TYPES = {".rst": "text/x-rst", ".md": "text/markdown", ".txt": "text/plain"}
_READMES = ("README.rst", "README.md", "README.txt")


def _content_type(value: str, root_files: list[str]) -> str | None:
    """The content type of the description ``value`` reads: from the file it names, else the one README there is."""
    named = [suffix for suffix in _TYPES if re.search(rf"\w{re.escape(suffix)}\b", value, re.IGNORECASE)]
    if len(named) == 1:
        return _TYPES[named[0]]
    if len(root_files) == 1:
        return _TYPES["." + root_files[0].rsplit(".", 1)[1].lower()]
    return None


def edit_metadata(draft: Draft) -> None:
    """Declare the long description's content type in setup.py when it is missing."""
    text = read_text(draft.root, "setup.py")
    if not text or "long_description_content_type" in text:
        return
    match = _LONG_DESCRIPTION.search(text)
    if match is None:
        return
    readmes = [name for name in _READMES if (draft.root / name).is_file()]
    kind = _content_type(match.group("value"), readmes)
    if kind is None:
        draft.notes.append(
            "setup.py passes long_description without long_description_content_type, and twine check --strict "
            'refuses that: add long_description_content_type="text/x-rst" (or text/markdown) to setup()'
        )
        return
    line = f'{match.group("indent")}long_description_content_type="{kind}",\n'
    end = text.index("\n", match.end()) + 1 if "\n" in text[match.end() :] else len(text)
    new = text[:end] + ("" if text[:end].endswith("\n") else "\n") + line + text[end:]
    why = (
        f'long_description_content_type="{kind}" added: without it twine check --strict fails on '
        "the missing type, and the release's package check runs it"
    )
    draft.changes.append(FileChange("setup.py", text, new, (why,)))
