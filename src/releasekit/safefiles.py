"""Reading the files contributors write: regular files inside the repository, never too much.

Fragments, the changelog, version files, configuration and documents all arrive in pull
requests, so any of them can be a symlink to ``~/.pypirc``, a FIFO that never ends, or a
link to ``/dev/zero``. Every read of such a file goes through ``read_bytes``, which

- refuses a path that leads outside the repository (``..`` or a symlink on the way),
- refuses a symlink outright where the file is read for publication (``symlinks=False``),
  and there a hard-linked file too (more than one link: the other may be outside),
- looks at what the path is before opening it, opens it with ``O_NONBLOCK`` and
  ``O_NOFOLLOW``, and checks again with ``fstat`` that it is the same regular file,
- reads at most the limit of its kind (``LIMITS``), and refuses a larger file unread.

A refused file raises ``Refused``: one line naming the file and why. Its content is never
read, so it can never be printed, written into the changelog or published.

This module imports only ``os`` and ``stat`` (both loaded by Python's own start-up): the
hooks read fragments and version files through it on every commit.
"""

from __future__ import annotations

import os
import stat

from releasekit.errors import ReleasekitError

# The most releasekit reads of each kind of file, in bytes; a larger file is refused unread.
LIMITS = {
    "fragment": 64 * 1024,  # a few paragraphs; a migration guide with code fits easily
    "changelog": 16 * 1024 * 1024,  # decades of releases
    "version file": 4 * 1024 * 1024,  # setup.py, __init__.py, docs/conf.py
    "config": 4 * 1024 * 1024,  # pyproject.toml, .bumpversion.toml, mkdocs.yml
    "document": 32 * 1024 * 1024,  # documentation pages and local link targets
    "cache": 64 * 1024 * 1024,  # releasekit's own result caches; a larger one is started afresh
}

_O_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_real_dirs: dict[str, str] = {}  # directory -> its real path: most reads share a few directories


class Refused(ReleasekitError):
    """A file releasekit does not read. ``str()`` is ``path: reason``; exit code 2 if uncaught."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class TooLarge(Refused):
    """A regular file larger than the limit of its kind."""


def size_text(limit: int) -> str:
    """``64 KiB``, ``16 MiB``: a limit as the documentation writes it."""
    if limit % (1 << 20) == 0:
        return f"{limit >> 20} MiB"
    return f"{limit >> 10} KiB" if limit % 1024 == 0 else f"{limit} bytes"


def _what(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _real_dir(directory: str) -> str:
    found = _real_dirs.get(directory)
    if found is None:
        if len(_real_dirs) > 4096:
            _real_dirs.clear()
        found = _real_dirs[directory] = os.path.realpath(directory)
    return found


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _display(root: str, path: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def check(root: str | os.PathLike[str], path: str | os.PathLike[str], *, symlinks: bool = True) -> tuple[str, str]:
    """The real path of ``path`` (relative to ``root``, or absolute) and its name as
    shown to the user (relative to ``root``), if releasekit may read it.

    Raises ``Refused`` when it is not a regular file inside ``root`` (or, with
    ``symlinks=False``, when it is a symlink at all or has more than one hard link), and ``FileNotFoundError`` when it
    is not there (a dangling symlink included). Nothing is opened.
    """
    real, shown, _ = _check(root, path, symlinks)
    return real, shown


def _check(
    root: str | os.PathLike[str], path: str | os.PathLike[str], symlinks: bool
) -> tuple[str, str, os.stat_result]:
    root = os.fspath(root)
    root = root if os.path.isabs(root) else os.path.abspath(root)
    path = os.fspath(path)
    full = os.path.normpath(os.path.join(root, path))
    # A relative path is shown as given (cheap: the hooks read every fragment); an absolute one relative to root.
    shown = os.path.normpath(path).replace(os.sep, "/") if not os.path.isabs(path) else _display(root, full)
    real_root = _real_dir(root)
    if not _inside(full, root):
        raise Refused(shown, "outside the repository; it is not read")
    st = os.lstat(full)
    parent, name = os.path.split(full)
    if stat.S_ISLNK(st.st_mode):
        if not symlinks:
            raise Refused(shown, "is a symlink; releasekit reads only regular files here, and not what it points to")
        real = os.path.realpath(full)
    else:
        real = os.path.join(_real_dir(parent), name)
    if not _inside(real, real_root):
        if stat.S_ISLNK(st.st_mode):
            raise Refused(shown, "is a symlink leading outside the repository; it is not read")
        raise Refused(shown, "is in a symlinked directory leading outside the repository; it is not read")
    if stat.S_ISLNK(st.st_mode):
        st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(shown, f"is {_what(st.st_mode)}, not a regular file; it is not read")
    if not symlinks and st.st_nlink > 1:
        # git never checks out a hard link: its other name can be anywhere, ~/.pypirc included
        raise Refused(shown, f"has {st.st_nlink} hard links (another may lie outside the repository); it is not read")
    return real, shown, st


def leads_outside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """True when ``path`` (relative to ``root``) is a symlink, or lies below one, whose target
    is outside ``root``: what a build backend would copy into an sdist from elsewhere."""
    full = os.path.join(os.path.abspath(root), path)
    return not _inside(os.path.realpath(full), _real_dir(os.path.abspath(root)))


def read_bytes(
    root: str | os.PathLike[str], path: str | os.PathLike[str], kind: str, *, symlinks: bool = True
) -> bytes:
    """The bytes of ``path`` (relative to ``root``, or absolute inside it), at most ``LIMITS[kind]``.

    Raises ``Refused`` (see ``check``; also for a file larger than the limit),
    ``FileNotFoundError``, or another ``OSError`` the system gives.
    """
    real, shown, seen = _check(root, path, symlinks)
    limit = LIMITS[kind]
    fd = os.open(real, _O_FLAGS)
    try:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != (seen.st_dev, seen.st_ino) or not stat.S_ISREG(st.st_mode):
            # swapped since it was looked at (a FIFO is opened without blocking, and closed unread)
            raise Refused(shown, "changed while it was being opened; it is not read")
        if st.st_size > limit:
            raise TooLarge(shown, f"is larger than {size_text(limit)}, the limit for a {kind}; it is not read")
        chunks = []
        left = limit + 1  # one byte more tells a file that grew past the limit
        want = st.st_size + 1  # usually all of it in one read: a short read of a regular file is its end
        while left > 0:
            asked = min(left, want, _CHUNK)
            chunk = os.read(fd, asked)
            chunks.append(chunk)
            left -= len(chunk)
            if len(chunk) < asked:
                break
            want = _CHUNK
    finally:
        os.close(fd)
    if left <= 0:
        raise TooLarge(shown, f"is larger than {size_text(limit)}, the limit for a {kind}; it is not read")
    return b"".join(chunks)


def read_file(path: str | os.PathLike[str], kind: str) -> bytes:
    """``read_bytes`` for a file of releasekit's own (a cache, a record) that may lie outside
    the repository: still a regular file, opened without blocking, and bounded."""
    directory, name = os.path.split(os.path.abspath(path))
    return read_bytes(directory, name, kind)
