"""Text from outside (GitHub, fragments, tags, tools' output) made safe to print on a terminal.

An issue title, a workflow's conclusion or a fragment's name can hold a newline that
forges a line of releasekit's output (``release in progress: none``), or an escape
sequence that clears the screen, retitles the window or plants a hyperlink. Before such
text is printed, every control character (C0, DEL, C1), every bidirectional override
and the Unicode line and paragraph separators are written as escapes (``\\x1b``,
``\\n``, ``\\u202e``); a tab stays. ``line`` is for text that must stay one line,
``lines`` for text whose newlines are its own (release notes, a tool's output).

This module imports nothing: the hooks print findings through it.
"""

from __future__ import annotations


def _escapes(keep: str) -> dict[int, str]:
    """The escape of every control character but those in ``keep``; built when first needed
    (most text has none, and the hooks print through this module)."""
    codes = [
        *range(0x20),
        *range(0x7F, 0xA0),  # DEL and C1 (0x9b is a one-character CSI on some terminals)
        0x061C,  # Arabic letter mark
        0x200E,  # left-to-right and right-to-left marks
        0x200F,
        *range(0x202A, 0x202F),  # embeddings and overrides
        *range(0x2066, 0x206A),  # isolates
        0x2028,  # line separator
        0x2029,  # paragraph separator
    ]
    named = {0x0A: "\\n", 0x0D: "\\r"}
    return {
        code: named.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        for code in codes
        if chr(code) not in keep
    }


_TABLES: dict[str, dict[int, str]] = {}


def _escaped(text: str, keep: str) -> str:
    if text.isprintable():
        return text
    table = _TABLES.get(keep) or _TABLES.setdefault(keep, _escapes(keep))
    return text.translate(table)


def line(text: str) -> str:
    """``text`` with every control character but a tab escaped, newlines included: one line."""
    return _escaped(text, "\t")


def lines(text: str) -> str:
    """``text`` with every control character escaped but its newlines and tabs."""
    return _escaped(text, "\t\n")
