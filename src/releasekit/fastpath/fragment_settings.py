"""The changelog-fragment hook's settings, kept in the hook's record so a commit need not parse pyproject.toml.

The check needs a handful of settings (the fragment types, the remote, the release
branch, the source paths). Parsing them means TOML and the whole configuration module;
once parsed, they are written to a record under the git directory
(``releasekit.fastpath.hookcache``) that stays valid while the files they came from are
unchanged.

Anyone who can write the git directory can write that record, so it is read as data, never
as code or objects: one line of space-separated tokens (strings in hex, ``1``/``0``, ``-``
for None, a count before each variable tuple), at most ``MAX_LINE`` characters, read
against the fixed shape below. A line that does not match it exactly (a token of the wrong
kind, a count past ``MAX_ITEMS``, one token too many or too few) is no record: the settings
are parsed again.
"""

from __future__ import annotations

import os

from releasekit import locate
from releasekit.changelog.fragments import FragmentsConfig, FragmentType
from releasekit.fastpath import hookcache
from releasekit.fastpath.record import Record

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from typing import Any

_RECORD = "check-fragments-settings"


_FORMAT = "fs1"
MAX_LINE = 1 << 20  # characters of the record's line; real settings take a few kilobytes
MAX_ITEMS = 4096  # entries of one variable tuple (fragment types, ignored names, source paths...)

# The shape of the record: "s" a string, "b" a boolean, a tuple a fixed record of those shapes,
# ["*", shape] a tuple of any length of that shape, ["?", shape] that shape or None.
_TYPE = ("s", "s", "b", "b")  # FragmentType
_FRAGMENTS = ("s", "s", ["*", _TYPE], "b", "s", ["*", "s"], ["*", ("s", "s")], "b", ["*", "s"], "s", "s")
_SHAPE = ("s", _FRAGMENTS, "s", "s", ["?", ["*", "s"]], ["?", "s"])


def _encode(value: Any, shape: Any, out: list[str]) -> None:
    if shape == "s":
        if not isinstance(value, str):
            raise TypeError(f"not a string: {value!r}")
        out.append(value.encode("utf-8", "surrogateescape").hex())
    elif shape == "b":
        if not isinstance(value, bool):
            raise TypeError(f"not a boolean: {value!r}")
        out.append("1" if value else "0")
    elif isinstance(shape, tuple):
        if len(value) != len(shape):
            raise TypeError(f"{len(value)} fields, not {len(shape)}")
        for item, inner in zip(value, shape, strict=True):
            _encode(item, inner, out)
    elif shape[0] == "?":
        if value is None:
            out.append("-")
        else:
            _encode(value, shape[1], out)
    else:
        out.append(str(len(value)))
        for item in value:
            _encode(item, shape[1], out)


def _decode(tokens: list[str], at: int, shape: Any) -> tuple[Any, int]:
    """The value of ``shape`` starting at ``tokens[at]``, and the index after it; ValueError when it does not fit."""
    token = tokens[at] if at < len(tokens) else None
    if token is None:
        raise ValueError("the record ends early")
    if shape == "s":
        return bytes.fromhex(token).decode("utf-8", "surrogateescape"), at + 1
    if shape == "b":
        if token not in ("1", "0"):
            raise ValueError(f"not a boolean: {token[:20]!r}")
        return token == "1", at + 1
    if isinstance(shape, tuple):
        items = []
        for inner in shape:
            item, at = _decode(tokens, at, inner)
            items.append(item)
        return tuple(items), at
    if shape[0] == "?":
        return (None, at + 1) if token == "-" else _decode(tokens, at, shape[1])
    if not (token.isascii() and token.isdigit() and len(token) <= 5 and int(token) <= MAX_ITEMS):
        raise ValueError(f"not a count: {token[:20]!r}")
    at += 1
    items = []
    for _ in range(int(token)):
        item, at = _decode(tokens, at, shape[1])
        items.append(item)
    return tuple(items), at


class FragmentHookSettings(Record):
    """What the check reads from pyproject.toml."""

    root: str
    fragments: FragmentsConfig
    remote: str
    release_branch: str
    source_paths: tuple[str, ...] | None
    project_name: str | None

    def dump(self) -> str:
        """One line of text for the hook's record, in the shape ``_SHAPE``."""
        out = [_FORMAT]
        _encode(self, _SHAPE, out)
        return " ".join(out)

    @classmethod
    def load(cls, line: str) -> FragmentHookSettings | None:
        """The settings dumped in ``line``, or None when it does not hold exactly that shape."""
        if len(line) > MAX_LINE:
            return None
        tokens = line.split(" ")
        if tokens[0] != _FORMAT:
            return None
        try:
            value, end = _decode(tokens, 1, _SHAPE)
        except ValueError:  # bad hex or UTF-8, a wrong token, a short record
            return None
        if end != len(tokens):
            return None
        root, fragments, *rest = value
        directory, filename, types, *more = fragments
        config = FragmentsConfig(directory, filename, tuple(FragmentType(*t) for t in types), *more)
        return cls(root, config, *rest)


def settings(start: str) -> FragmentHookSettings:
    """The check's settings: from the record while pyproject.toml is unchanged, else parsed (and recorded)."""
    from releasekit import __version__

    root = locate.find_root(start) if hookcache.enabled() else None
    if root is not None:
        line = hookcache.lookup(_RECORD, root, __version__)
        found = FragmentHookSettings.load(line) if line is not None else None
        if found is not None:
            return found
    from releasekit import config

    cfg = config.load(start)
    result = FragmentHookSettings(
        os.fspath(cfg.root), cfg.fragments, cfg.remote, cfg.release_branch, cfg.source_paths, cfg.project_name
    )
    if root is not None and cfg.fragments.configured:
        from releasekit import gitfiles

        # The settings also come from towncrier.toml and, for the remote and the release branch,
        # from the repository's config and the remote's HEAD.
        inputs = [os.fspath(cfg.pyproject), os.fspath(cfg.root / "towncrier.toml")]
        inputs += gitfiles.default_branch_inputs(cfg.root, cfg.remote)
        hookcache.store(_RECORD, root, __version__, inputs, result.dump())
    return result
