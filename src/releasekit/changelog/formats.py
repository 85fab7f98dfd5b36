"""``[tool.releasekit.changelog]``: the version and the date releasekit gives towncrier, for titles towncrier
cannot write alone.

towncrier's ``title_format`` knows ``{name}``, ``{version}`` and ``{project_date}``; it writes
the version and the date it is given (``towncrier build --version``, ``--date``). A title that
links a compare range names the previous version too, and a date may be ``6th December, 2024``.
So, beside ``title_format = "## {version} ({project_date})"`` in towncrier's own section::

    [tool.releasekit.changelog]
    version_format = "[{version}](https://github.com/o/r/compare/v{previous}...v{version})"
    date_format = "%-d%o %B, %Y"

and the release runs ``towncrier build --version "[1.2.0](.../compare/v1.1.0...v1.2.0)" --date
"6th December, 2024"``. Without them, releasekit gives towncrier the version as the headings
write it and no date (``releasekit.changelog.history`` gives towncrier its arguments) (towncrier's own: today, ISO).
"""

from __future__ import annotations

from releasekit.configschema import Spec

VERSION_FIELDS = ("version", "previous")


def valid_version_format(fmt: object) -> bool:
    """A one-line format holding ``{version}``, whose fields are only ``{version}`` and ``{previous}``."""
    import string

    if not isinstance(fmt, str) or "\n" in fmt or len(fmt) > 500:
        return False
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(fmt) if name is not None]
    except ValueError:
        return False
    return "version" in {f[0] for f in fields} and all(n in VERSION_FIELDS and not s and not c for n, s, c in fields)


def _valid_date_format(fmt: object) -> bool:
    from releasekit.changelog.dates import valid_format  # datetime only where a date format is set

    return valid_format(fmt)


# [tool.releasekit.changelog]; the checks import what they need only when a key is set (the hooks load this).
SCHEMA = {
    "version_format": Spec("a one-line format with {version} and, at most, {previous}", valid_version_format),
    "date_format": Spec(
        "a date format of %Y, %m, %-m, %d, %-d, %B, %b, %o, %% and text (one line, no braces)", _valid_date_format
    ),
}
