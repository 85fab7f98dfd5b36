"""The release's change to the changelog: towncrier's new entry, and nothing else around it."""

from __future__ import annotations


def settle_entry(before: str, after: str, marker: str) -> str:
    """``after`` (``before`` with towncrier's new entry below ``marker``) with nothing else changed.

    towncrier rewrites what is around its marker: blank lines before it (two, when the marker
    opens the file), after it, and at the end of the entry, as its template leaves them. The
    changelog keeps its own: what comes before the marker stays byte for byte, and the entry
    gets the gap the file had between the marker and the newest release (one blank line, most
    often) on both sides. Anything towncrier did that is not this is left as it is.
    """
    marker = marker.strip()
    if not marker or "\r" in before or before.count(marker) != 1 or after.count(marker) != 1:
        return after
    old_head, old_rest = _split_after_line(before, marker)
    _, new_rest = _split_after_line(after, marker)
    if old_head is None or old_rest is None or new_rest is None:
        return after
    old_body = old_rest.lstrip("\n")
    if not new_rest.endswith(old_body):
        return after
    entry = new_rest[: len(new_rest) - len(old_body)].strip("\n")
    if not entry:
        return after
    gap = "\n" * max(1, len(old_rest) - len(old_body))
    return old_head + gap + entry + "\n" + (gap + old_body if old_body else "")


def _split_after_line(text: str, marker: str) -> tuple[str, str] | tuple[None, None]:
    """``text`` cut after the line that holds ``marker``: (up to and with that line, the rest)."""
    at = text.find(marker)
    end = text.find("\n", at)
    if at < 0:
        return None, None
    end = len(text) if end < 0 else end + 1
    return text[:end], text[end:]
