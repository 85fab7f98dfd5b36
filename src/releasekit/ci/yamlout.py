"""Values checked for what they are, then written as YAML by an emitter, never by string formatting.

Everything that reaches a generated workflow from the project (its name, its tag format,
its index URLs) is hostile input: a newline or a ``${{`` in a name must not become a key,
a container or an expression. Each value is checked against what it must be, and the
emitter quotes whatever remains.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from releasekit.errors import ReleasekitError

# PEP 508 names (the core metadata spec's rule), and their normalised form (PEP 503).
_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)
# A push filter of release tags: the tag format's literal text with [0-9]* for the version.
_TAG_GLOB = re.compile(r"[A-Za-z0-9._/+@-]*\[0-9\]\*[A-Za-z0-9._/+@-]*")
_URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#@!&'()*+,;=%-]+")


def project_name(name: str | None, where: str = "pyproject.toml: [project] name") -> str | None:
    """The PEP 503 normalised form of a valid PEP 508 project name (None stays None); refuses anything else."""
    if name is None:
        return None
    if not _NAME.fullmatch(name):
        raise ReleasekitError(f"{where}: {name!r} is not a valid project name (PEP 508); fix it, then run init again")
    return re.sub(r"[-_.]+", "-", name).lower()


def tag_glob(glob: str, where: str = "[tool.releasekit] tag_format") -> str:
    """A release tags' push filter made of plain tag characters and one ``[0-9]*``."""
    if not _TAG_GLOB.fullmatch(glob) or ".." in glob or glob.startswith("/"):
        raise ReleasekitError(f"{where}: the tag filter {glob!r} is not a plain tag name; choose a simpler format")
    return glob


def https_url(url: str, where: str) -> str:
    """An https URL with a host, no credentials, no spaces, no expressions."""
    parts = urllib.parse.urlsplit(url)
    if (
        not _URL_CHARS.fullmatch(url)
        or parts.scheme != "https"
        or not parts.hostname
        or parts.username is not None
        or "${{" in url
    ):
        raise ReleasekitError(f"{where}: {url!r} is not an https URL without credentials; fix it, then run init again")
    return url


class Commented:
    """A mapping written with end-of-line comments after some of its keys (an action's version, a permission's use)."""

    def __init__(self, data: Mapping[str, Any], comments: Mapping[str, str]) -> None:
        self.data, self.comments = data, comments


class Block(str):
    """A string written as a YAML literal block (a multi-line script)."""


def _convert(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, Commented):
        converted = _convert(value.data)
        for key, comment in value.comments.items():
            converted.yaml_add_eol_comment(comment, key)
        return converted
    if isinstance(value, Block):
        return LiteralScalarString(str(value))
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _convert(item)
        return out
    if isinstance(value, Sequence) and not isinstance(value, str):
        seq = CommentedSeq()
        seq.extend(_convert(item) for item in value)
        return seq
    return value


def dump(data: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """``data`` as YAML text, after ``header`` as comment lines."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096  # a long run line stays one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(_convert(data), out)
    return "".join(f"# {line}\n" for line in header) + out.getvalue()
