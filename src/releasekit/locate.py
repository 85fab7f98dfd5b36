"""Where the project is: its top directory and its git directory, found with ``os`` alone.

The hooks' fast path, the configuration and the git-file readers all start here, so this
module imports nothing else: it costs the hooks nothing on every commit.
"""

from __future__ import annotations

import os


def find_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` with a pyproject.toml, or None."""
    path = os.path.abspath(start)
    while True:
        found = os.path.join(path, "pyproject.toml")
        # Anything but a directory counts: a FIFO or a symlink is refused when read, not skipped for a parent's.
        if os.path.lexists(found) and not os.path.isdir(found):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def git_dir(start: str) -> str | None:
    """The git directory of the work tree holding ``start``, found without starting git."""
    path = os.path.abspath(start)
    while True:
        dot_git = os.path.join(path, ".git")
        if os.path.isdir(dot_git):
            return dot_git
        if os.path.isfile(dot_git):
            with open(dot_git, encoding="utf-8", errors="replace") as fh:
                text = fh.read().strip()
            if not text.startswith("gitdir:"):
                return None
            return os.path.normpath(os.path.join(path, text[len("gitdir:") :].strip()))
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent
