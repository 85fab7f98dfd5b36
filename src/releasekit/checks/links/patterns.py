"""``exclude_urls`` patterns: refused when Python's backtracking engine could take exponential time.

``^https://(a+)+$`` against 30 ``a`` and a ``!`` tries every way of splitting the run:
minutes. The classic shapes are a repeated group that itself repeats, or that holds an
alternation; a pattern with either is refused when the configuration is read, with a line
that names it, rather than bounded while it runs (Python's ``re`` cannot be interrupted).
Atomic groups and possessive quantifiers (``(?>...)``, ``a++``) never backtrack and are
allowed.
"""

from __future__ import annotations

import sys
from typing import Any

_MAXREPEAT_NAMES = ("MAX_REPEAT", "MIN_REPEAT")  # POSSESSIVE_REPEAT never backtracks


def _parser() -> Any:
    if sys.version_info >= (3, 11):
        import re._parser as parser
    else:  # pragma: no cover - Python 3.10
        import sre_parse as parser
    return parser


_CATEGORIES = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_SPACE": str.isspace,
}


def _class_matches(items: Any, char: str) -> bool:
    negate = False
    hit = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or chr(arg) == char
        elif name == "RANGE":
            hit = hit or arg[0] <= ord(char) <= arg[1]
        elif name == "CATEGORY":
            category = str(arg)
            positive = category.replace("CATEGORY_NOT_", "CATEGORY_")
            test = _CATEGORIES.get(positive)
            if test is None:
                return True  # not known here: assume it matches
            hit = hit or (test(char) != (positive != category))
        else:
            return True
    return hit != negate


def _can_match(item: Any, char: str) -> bool:
    """Whether the one-character item ``item`` may match ``char`` (True when unsure)."""
    op, arg = item
    name = str(op)
    if name == "LITERAL":
        return chr(arg) == char
    if name == "NOT_LITERAL":
        return chr(arg) != char
    if name == "ANY":
        return char != "\n"
    if name == "IN":
        return _class_matches(arg, char)
    return True


def _separated(items: Any, index: int) -> bool:
    """True when the variable repeat at ``index`` of ``items`` is followed by a literal it cannot match:
    each turn of the outer repeat then ends at a known place, and nothing is tried twice."""
    sub = items[index][1][2]
    if len(sub) != 1:
        return False
    for op, arg in list(items)[index + 1 :]:
        if str(op) == "LITERAL":
            return not _can_match(sub[0], chr(arg))
        if str(op) not in ("AT",):
            return False
    return False


def _risky(items: Any, inside_repeat: bool) -> bool:
    for index, (op, arg) in enumerate(items):
        name = str(op)
        inside = inside_repeat
        children: list[Any] = []
        if name in _MAXREPEAT_NAMES:
            low, high, sub = arg
            if inside_repeat and low != high and not _separated(items, index):
                return True
            inside = inside_repeat or (high > 1 and low != high)
            children = [sub]
        elif name == "SUBPATTERN":
            children = [arg[-1]]
        elif name == "BRANCH":
            if inside_repeat and len(arg[1]) > 1:
                return True
            children = list(arg[1])
        elif name in ("ASSERT", "ASSERT_NOT"):
            children = [arg[1]]
        elif name == "GROUPREF_EXISTS":
            children = [part for part in arg[1:] if part is not None]
        # ATOMIC_GROUP and POSSESSIVE_REPEAT: no backtracking into them; literals, classes: nothing nested
        if any(_risky(child, inside) for child in children):
            return True
    return False


def backtracks(pattern: str) -> bool:
    """True when ``pattern`` repeats a group that repeats again or alternates (``(a+)+``, ``(a|ab)*``)."""
    return _risky(_parser().parse(pattern), False)
