"""The one error type a user sees, and the helpers that keep secrets out of it."""

from __future__ import annotations

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# URL credentials: scheme://user:password@host -> scheme://***@host. The user may be empty
# (``http://:token@host``) and a password may hold a raw ``@``: the userinfo runs up to the
# authority's last ``@``, the authority up to the first ``/``, ``?``, ``#`` or blank.
_URL_CREDENTIALS = r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s]*@"
_SECRET_ENV_HINTS = ("PASSWORD", "TOKEN", "SECRET", "API_KEY")


class ReleasekitError(Exception):
    """A problem the user can act on: printed as one line, exit code 2.

    Anything else that escapes is a bug in releasekit and keeps its traceback.
    """

    exit_code = 2


class StepFailed(ReleasekitError):
    """A step of a check or a release failed: exit code 1."""

    exit_code = 1


class CommandError(StepFailed):
    """A subprocess failed. Carries the command, its exit code and its output's tail."""

    def __init__(self, cmd: Sequence[str], returncode: int, output: str, secrets: Iterable[str] = ()) -> None:
        self.cmd = [redact(str(part), secrets) for part in cmd]
        self.returncode = returncode
        tail = "\n".join(output.strip().splitlines()[-15:])
        self.output = redact(tail, secrets)
        message = f"command failed with exit code {returncode}: {' '.join(self.cmd)}"
        if self.output:
            message += "\n" + self.output
        super().__init__(message)


def secrets_from_env(environ: dict[str, str] | None = None) -> list[str]:
    """The values of environment variables whose names say they hold a secret."""
    import os

    env = os.environ if environ is None else environ
    return [
        value
        for name, value in env.items()
        if value and len(value) >= 4 and any(hint in name.upper() for hint in _SECRET_ENV_HINTS)
    ]


def strip_credentials(url: str) -> str:
    """``url`` without any user or password: what may be cached, logged or journaled."""
    if "@" not in url:
        return url
    import re

    return re.sub(_URL_CREDENTIALS, r"\g<scheme>", url)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask URL credentials and every known secret value in ``text``."""
    if "@" in text:
        import re  # compiled once and cached by re itself

        text = re.sub(_URL_CREDENTIALS, r"\g<scheme>***@", text)
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def clip(text: str, secrets: Iterable[str] = (), limit: int = 300) -> str:
    """``text`` with secrets masked, THEN shortened to ``limit`` characters: a cut never splits a secret."""
    text = redact(text, secrets)
    return text if len(text) <= limit else text[: limit - 3] + "..."
