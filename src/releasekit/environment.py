"""The RELEASEKIT_* environment variables: what each must hold, and one check of them all.

The environment is input like any other, and a bad value should stop releasekit before
its first step rather than after the files are on an index. ``check`` runs when the
configuration is loaded; the readers below use the same parsing, so a value that passed
the check reads the same later.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from releasekit.errors import ReleasekitError, redact

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

URL_MAX = 2048  # longer than any index or API base URL; longer is a mistake or an attack
WAIT_MAX = 3600.0  # seconds: an hour is the longest wait releasekit accepts
FLAG_VALUES = ("", "0", "1")


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an ``http://`` or ``https://`` URL with a host, of sane length and characters."""
    if not text or len(text) > URL_MAX or not text.isascii() or not text.isprintable() or " " in text:
        return False
    from urllib.parse import urlsplit  # only when a URL is there to check

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _seconds(text: str) -> float | None:
    head, dot, tail = text.strip().partition(".")
    digits = head + tail
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 12 or (dot and not tail):
        return None
    value = float(f"{head or 0}.{tail or 0}")
    return value if value <= WAIT_MAX else None


CRASH_POINTS = ("commit", "tag", "push")  # RELEASEKIT_CRASH_AT: after the release commit, the tag, the push
CRASH_UPLOAD_STEPS = ("test-upload", "upload")  # "<step>:<n>": after the n-th file that step uploads in this run


def is_crash_point(value: str) -> bool:
    """Whether ``value`` names a crash point: ``commit``, ``tag``, ``push``, ``test-upload:N`` or ``upload:N``."""
    step, colon, number = value.partition(":")
    return value in CRASH_POINTS or bool(
        colon
        and step in CRASH_UPLOAD_STEPS
        and number.isascii()
        and number.isdigit()
        and len(number) <= 6
        and int(number)
    )


def _crash_point(text: str) -> bool:
    return is_crash_point(text.strip())


def _step(text: str) -> bool:
    if text.isascii() and text.isdigit():
        return 1 <= len(text) <= 3
    return 0 < len(text) <= 64 and text.isascii() and all(c.isalnum() or c in "-_" for c in text)


# name -> (what it must hold, for the error and the docs; the test of a non-empty value)
VARIABLES: dict[str, tuple[str, Callable[[str], bool]]] = {
    "RELEASEKIT_UPLOAD_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_SIMPLE_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_TEST_UPLOAD_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_TEST_SIMPLE_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_GITHUB_API_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_OIDC_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_TEST_OIDC_URL": ("an http:// or https:// URL", is_http_url),
    "RELEASEKIT_CRASH_AT": ("commit, tag, push, test-upload:N or upload:N", _crash_point),
    "RELEASEKIT_VERIFY_WAIT": (f"a number of seconds from 0 to {WAIT_MAX:g}", lambda v: _seconds(v) is not None),
    "RELEASEKIT_HTTP_DEADLINE": (f"a number of seconds from 0 to {WAIT_MAX:g}", lambda v: _seconds(v) is not None),
    "RELEASEKIT_PROCESS_TIMEOUT": (f"a number of seconds from 0 to {WAIT_MAX:g}", lambda v: _seconds(v) is not None),
    "RELEASEKIT_FAIL_AT_STEP": ("a step number or a step name", _step),
    "RELEASEKIT_NO_UV": ("empty, 0 or 1", lambda v: v in FLAG_VALUES),
    "RELEASEKIT_NO_CACHE": ("empty, 0 or 1", lambda v: v in FLAG_VALUES),
    "RELEASEKIT_REUSE_VENVS": ("empty, 0 or 1", lambda v: v in FLAG_VALUES),
}


def _shown(value: str) -> str:
    shown = repr(redact(value))
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def check(environ: Mapping[str, str] | None = None) -> None:
    """Refuse the first RELEASEKIT_* variable whose value is not what it must be, naming it."""
    env = os.environ if environ is None else environ
    for name, (what, accepts) in VARIABLES.items():
        value = env.get(name)
        if value and not accepts(value):
            raise ReleasekitError(f"environment variable {name} must be {what}, not {_shown(value)}")


def get(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of ``name`` once checked, or None when it is unset or empty."""
    env = os.environ if environ is None else environ
    value = env.get(name) or None
    if value is not None:
        what, accepts = VARIABLES[name]
        if not accepts(value):
            raise ReleasekitError(f"environment variable {name} must be {what}, not {_shown(value)}")
    return value


def seconds(name: str, default: float) -> float:
    """A checked number of seconds from ``name``, or ``default`` when it is unset."""
    value = get(name)
    parsed = _seconds(value) if value is not None else default
    return default if parsed is None else parsed


def flag(name: str) -> bool:
    """Whether the flag ``name`` is on (``1``); empty or ``0`` is off."""
    return get(name) == "1"
