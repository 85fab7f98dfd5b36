"""Tracked file names read from git's index file, without starting git (the hook's start-up).

Index versions 2 and 3 are read here; version 4 (prefix-compressed names), a split or
sparse index, and anything unexpected answer None, and the caller asks ``git ls-files``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

MAX_INDEX = 256 * 2**20  # bytes; a larger index is left to git


def _index_path(root: Path) -> Path | None:
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git / "index"
    try:  # a worktree or submodule: "gitdir: <path>"
        with open(dot_git, "rb") as handle:
            line = handle.read(4096).decode("utf-8", "replace").strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    gitdir = Path(line[len("gitdir:") :].strip())
    return (gitdir if gitdir.is_absolute() else root / gitdir) / "index"


def tracked_named(root: Path, basenames: Iterable[str]) -> list[str] | None:
    """The tracked paths whose last component is one of ``basenames``; None when the index cannot be read here."""
    index = _index_path(root)
    if index is None:
        return None
    try:  # non-blocking: a FIFO in its place must not stop the hook
        fd = os.open(index, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return []  # a repository with nothing staged yet
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INDEX:
            return None
        data = handle.read(MAX_INDEX + 1)
    if len(data) < 32 or data[:4] != b"DIRC":
        return None
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3):
        return None
    wanted = tuple(b"/" + name.encode() for name in basenames)
    exact = {name.encode() for name in basenames}
    found: list[str] = []
    pos = 12
    end = len(data) - 20
    for _ in range(count):
        if pos + 62 > end:
            return None
        flags = int.from_bytes(data[pos + 60 : pos + 62], "big")
        start = pos + 64 if flags & 0x4000 else pos + 62
        stop = data.find(b"\0", start)
        if stop < 0:
            return None
        name = data[start:stop]
        if name.endswith(wanted) or name in exact:
            found.append(name.decode("utf-8", "surrogateescape"))
        pos += (stop - pos + 8) & ~7  # NUL-padded to a multiple of 8 bytes
    while pos + 8 <= end:  # extensions: a split or sparse index holds entries elsewhere
        signature = data[pos : pos + 4]
        if signature in (b"link", b"sdir"):
            return None
        pos += 8 + int.from_bytes(data[pos + 4 : pos + 8], "big")
    return found
