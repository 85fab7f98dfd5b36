"""One way to report: every check returns findings, and one reporter formats them."""

from __future__ import annotations

from releasekit import printable
from releasekit.fastpath.record import Record

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Iterable

FORMATS = ("text", "json", "github")


class Finding(Record):
    """A problem at a place in a file. ``line`` and ``col`` count from 1."""

    path: str
    line: int
    col: int
    message: str
    level: str = "error"  # or "warning": reported, but does not fail the check

    def text(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        # a file's name or a message quoting outside text cannot forge a line or reach the terminal's controls
        return f"{printable.line(self.path)}:{self.line}:{self.col}: {prefix}{printable.lines(self.message)}"


def failed(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (warnings alone pass)."""
    return any(f.level == "error" for f in findings)


def _github_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


JSON_SCHEMA_VERSION = 1
"""The version of the findings JSON: ``{"schema": 1, "findings": [{path, line, col, message, level}]}``.

It changes only when a field changes meaning or goes away; new fields may appear within a version.
"""


def render(findings: Iterable[Finding], fmt: str = "text") -> str:
    """Format findings as text lines, a JSON document (versioned), or GitHub workflow annotations."""
    items = list(findings)
    if fmt == "json":
        import json  # not on the hooks' start-up path

        document = {"schema": JSON_SCHEMA_VERSION, "findings": [f._asdict() for f in items]}
        return json.dumps(document, indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(
            f"::{f.level} file={_github_escape(printable.line(f.path), prop=True)},line={f.line},col={f.col}"
            f"::{_github_escape(printable.lines(f.message))}"
            for f in items
        )
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}")
    return "\n".join(f.text() for f in items)
