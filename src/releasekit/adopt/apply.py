"""Write an adoption plan: every new text to a temporary file first, then each renamed into place.

Nothing is renamed until every temporary file is written, and a file that changed since
it was planned stops the whole write: a refusal leaves the project as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from releasekit.adopt.draft import FileChange
from releasekit.adopt.plan import Plan
from releasekit.errors import ReleasekitError


def _check_parents(root: Path, rel: str) -> None:
    """Refuse a path that leaves the project or goes through a symbolic link or a non-directory."""
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts:
        raise ReleasekitError(f"{rel}: not a path inside the project")
    here = root
    for part in parts[:-1]:
        here = here / part
        try:
            info = os.lstat(here)
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(info.st_mode):
            raise ReleasekitError(
                f"{here.relative_to(root)}: not a directory; releasekit init writes only below real ones"
            )


def _unchanged(root: Path, change: FileChange) -> None:
    path = root / change.path
    if change.old is None:
        if os.path.lexists(path):
            raise ReleasekitError(f"{change.path}: appeared since the plan was made; run releasekit init again")
        return
    try:
        info = os.lstat(path)
        with open(path, "rb") as handle:
            now = handle.read(len(change.old.encode("utf-8")) + 1)
    except OSError:
        now = b""
        info = None
    if info is None or not stat.S_ISREG(info.st_mode) or now != change.old.encode("utf-8"):
        raise ReleasekitError(f"{change.path}: changed since the plan was made; run releasekit init again")


def apply(root: Path, plan: Plan) -> None:
    """Write every change of ``plan`` below ``root``, or none when one cannot be written."""
    for change in plan.changes:
        _check_parents(root, change.path)
        _unchanged(root, change)
    staged: list[tuple[str, Path]] = []
    try:
        for change in plan.changes:
            if change.new is None:
                continue
            path = root / change.path
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = stat.S_IMODE(os.lstat(path).st_mode) if change.old is not None else None
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".releasekit-init", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(change.new.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, mode)
            else:
                os.chmod(temp, 0o666 & ~_umask())
    except OSError as exc:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        raise ReleasekitError(f"cannot write the adoption: {exc.strerror}; nothing was changed") from None
    for temp, path in staged:
        os.replace(temp, path)
    for change in plan.changes:
        if change.new is None:
            (root / change.path).unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
