"""A release date as the changelog writes it: ``6th December, 2024``, ``December 6, 2024``, ``06 Dec 2024``.

towncrier writes ``{project_date}`` as it is given (``towncrier build --date``), and as
``2026-12-07`` when nothing is given. ``[tool.releasekit.changelog] date_format`` says how
releasekit writes the date it gives: strftime's ``%Y``, ``%m``, ``%d``, ``%B``, ``%b`` (in
English, whatever the locale), ``%-m`` and ``%-d`` without the leading zero, and ``%o``, the
day's ordinal suffix (``st``, ``nd``, ``rd``, ``th``), which strftime has not. ``derive_date``
finds that format in a date the changelog already has.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DIRECTIVE = re.compile(r"%(-?[a-zA-Z%])")
DIRECTIVES = ("Y", "m", "-m", "d", "-d", "B", "b", "o", "%")
_NAMES = "|".join(sorted({*MONTHS, *(m[:3] for m in MONTHS)}, key=len, reverse=True))
_TOKEN = rf"(?:{_NAMES}|\d{{1,4}}(?:st|nd|rd|th)?)"
_DATE = re.compile(rf"(?<![\w.])({_TOKEN})([ ,./-]{{1,3}})({_TOKEN})([ ,./-]{{1,3}})({_TOKEN})(?![\w])")
_ISO = "%Y-%m-%d"


def ordinal(day: int) -> str:
    """The ordinal suffix of ``day``: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd..."""
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def valid_format(fmt: object) -> bool:
    """Whether ``fmt`` is a date format releasekit writes: a string of the directives above and text."""
    if not isinstance(fmt, str) or not fmt.strip() or len(fmt) > 100:
        return False
    rest = _DIRECTIVE.sub(lambda m: "" if m.group(1) in DIRECTIVES else "%", fmt)
    return "%" not in rest and "{" not in fmt and "}" not in fmt and "\n" not in fmt


def format_date(fmt: str, date: datetime.date) -> str:
    """``date`` written as ``fmt`` says (``valid_format(fmt)`` holds)."""
    values = {
        "Y": f"{date.year:04d}",
        "m": f"{date.month:02d}",
        "-m": str(date.month),
        "d": f"{date.day:02d}",
        "-d": str(date.day),
        "B": MONTHS[date.month - 1],
        "b": MONTHS[date.month - 1][:3],
        "o": ordinal(date.day),
        "%": "%",
    }
    return _DIRECTIVE.sub(lambda m: values[m.group(1)], fmt)


class FoundDate(NamedTuple):
    """A date in a title: where it is, the format that writes it (``%Y-%m-%d`` for ISO), the date; or why not."""

    start: int
    end: int
    format: str | None
    date: datetime.date | None
    problem: str | None = None


def _token_part(token: str) -> tuple[str, str, int]:
    """``(kind, directive, value)`` of one token: a year, a month name, or a number (a day or month)."""
    if token[:1].isalpha():
        full = next(m for m in MONTHS if m == token or m[:3] == token)
        return "month", "%B" if token == full else "%b", MONTHS.index(full) + 1
    digits = token.rstrip("stndrh")
    if len(digits) == 4:
        return "year", "%Y", int(digits)
    if len(digits) == 3:
        return "none", "", 0
    padded = "" if digits.startswith("0") else "-"  # 21 December: unpadded, as English writes it
    suffix = "%o" if digits != token else ""
    return ("day" if suffix else "number"), f"%{padded}d{suffix}", int(digits)


def _read(match: re.Match[str]) -> FoundDate | None:
    """The date ``match`` holds and its format; None when its three parts are no year, month and day."""
    tokens = [match.group(1), match.group(3), match.group(5)]
    parts = [_token_part(t) for t in tokens]
    kinds = [p[0] for p in parts]
    if "none" in kinds or kinds.count("year") != 1 or kinds.count("month") > 1 or kinds.count("day") > 1:
        return None
    directives = [p[1] for p in parts]
    numbers = [i for i, kind in enumerate(kinds) if kind == "number"]
    if "month" not in kinds:  # all numbers: a month and a day, and two digits are padded ones (13/12/2024)
        if len(numbers) != 2 and not ("day" in kinds and len(numbers) == 1):
            return None
        pairs = zip(directives, tokens, strict=True)
        directives = [d.replace("%-", "%") if len(t.rstrip("stndrh")) == 2 else d for d, t in pairs]
        first, second = parts[numbers[0]][2], parts[numbers[-1]][2]
        if "day" in kinds or kinds[0] == "year" or second > 12 >= first:
            month_at = numbers[0]  # the year first: year, month, day
        elif first > 12 >= second:
            month_at = numbers[1]
        else:
            why = f"{match.group()!r} reads as day/month or month/day"
            return FoundDate(match.start(), match.end(), None, None, why)
        directives[month_at] = directives[month_at].replace("d", "m")
        kinds[month_at] = "month"
    values = {kind: parts[i][2] for i, kind in enumerate(kinds) if kind != "number"}
    values.setdefault("day", next((parts[i][2] for i, kind in enumerate(kinds) if kind == "number"), 0))
    try:
        date = datetime.date(values["year"], values["month"], values["day"])
    except (KeyError, ValueError):
        return None
    fmt = directives[0] + match.group(2) + directives[1] + match.group(4) + directives[2]
    return FoundDate(match.start(), match.end(), fmt, date)


def derive_date(text: str, skip: list[tuple[int, int]] | None = None) -> FoundDate | None:
    """The first date in ``text`` outside the ``skip`` spans (versions), with the format that gives it back."""
    for match in _DATE.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in skip or ()):
            continue
        found = _read(match)
        if found is not None and (found.date is None or format_date(str(found.format), found.date) == match.group()):
            return found
    return None


def is_iso(fmt: str | None) -> bool:
    """Whether ``fmt`` writes the date as towncrier does by itself (2026-12-07)."""
    return fmt == _ISO
