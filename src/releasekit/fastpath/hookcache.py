"""Remember that a check passed, and on which inputs, so an unchanged repository is not checked again.

The hooks run on every commit, and most commits touch none of the files a check reads.
This module is the hooks' fast path: it imports nothing but ``os`` and ``sys`` (and
``stat``, which Python's start-up has loaded). A record
says which files (and directories) a check read, with their size, mtime and inode;
it is valid only while every one of them is unchanged and releasekit is the same
version. Only passes are recorded: a failing check always runs in full.
Set ``RELEASEKIT_NO_CACHE=1`` to turn it off.
"""

from __future__ import annotations

import os
import sys

from releasekit.locate import find_root, git_dir

_MAGIC = "releasekit-hookcache 1"
# A file changed within this many seconds of the record could change again in the
# same mtime tick without its stamp changing ("racy" stamps): do not record then.
_RACY_SECONDS = 2.0
# A record lists each file a check read (about 100 bytes each); a larger one is ignored.
_MAX_RECORD = 32 * 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def enabled() -> bool:
    """False when RELEASEKIT_NO_CACHE is set to anything but empty or 0."""
    return os.environ.get("RELEASEKIT_NO_CACHE", "") in ("", "0")


def _stamp(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _record_path(name: str, root: str) -> str | None:
    gdir = git_dir(root)
    return os.path.join(gdir, "releasekit", f"{name}.pass") if gdir else None


def _read_record(path: str) -> str | None:
    """The record's text when it is a regular file of at most ``_MAX_RECORD`` bytes, else None.

    Opened without blocking and without following a symlink, then checked with ``fstat``: a
    FIFO, ``/dev/zero`` or a symlink put in its place is a missing record, not a hang.
    """
    import stat  # loaded by Python's own start-up

    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_RECORD:
            return None
        data = os.read(fd, _MAX_RECORD + 1)  # a regular file: one read gives all of it
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > _MAX_RECORD:
        return None
    return data.decode("utf-8", errors="surrogateescape")


def lookup(name: str, root: str, version: str) -> str | None:
    """The message recorded with the last pass of check ``name``, if nothing it read has changed."""
    record = _record_path(name, root)
    if record is None:
        return None
    text = _read_record(record)
    if text is None:
        return None
    lines = text.split("\n")
    if len(lines) < 4 or lines[0] != _MAGIC or lines[1] != f"{version}\t{root}":
        return None
    for line in lines[3:]:
        if not line:
            continue
        path, _, stamp = line.rpartition("\t")
        if _stamp(path) != stamp:
            return None
    return lines[2]


def store(name: str, root: str, version: str, paths: list[str], message: str) -> bool:
    """Record that check ``name`` passed having read ``paths``. False when it was not recorded."""
    record = _record_path(name, root)
    if record is None or "\n" in message or "\t" in message:
        return False
    import time

    stamps = []
    newest = 0
    for path in paths:
        stamp = _stamp(path)
        stamps.append(f"{path}\t{stamp}")
        if stamp != "-":
            newest = max(newest, int(stamp.split(":")[1]))
    if newest / 1e9 > time.time() - _RACY_SECONDS:
        return False
    text = "\n".join([_MAGIC, f"{version}\t{root}", message, *stamps]) + "\n"
    tmp = f"{record}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(record), exist_ok=True)
        # surrogateescape: a path that is not UTF-8 (Linux allows it) goes back to its own bytes.
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text)
        os.replace(tmp, record)
    except OSError:
        import contextlib  # only when the record could not be written

        with contextlib.suppress(OSError):
            os.remove(tmp)  # no stray temporary file, run after run
        return False
    return True


def fast_check_versions(argv: list[str]) -> int | None:
    """The hook's fast path: 0 when ``check versions`` passed before on these very inputs, else None."""
    if argv[:2] != ["check", "versions"] or any(a.startswith("-") for a in argv[2:]) or not enabled():
        return None
    root = find_root(os.getcwd())
    if root is None:
        return None
    from releasekit import __version__

    message = lookup("check-versions", root, __version__)
    if message is None:
        return None
    print(message, file=sys.stderr)
    return 0
