"""The release journal: what a release in progress has done, kept safe across crashes.

One JSON file under the git directory records the target version, the names of the
completed steps and the sha256 of every artifact. It is replaced atomically (write a
temporary file, fsync, rename), so a crash leaves either the old or the new journal,
never half of one. It holds no secret: no credential, no URL with a password.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from releasekit.errors import ReleasekitError

SCHEMA_VERSION = 1
DIRNAME = "releasekit"
FILENAME = "release.json"


@dataclass
class Journal:
    """A release in progress."""

    version: str  # the target version, e.g. "1.2.4"
    spec: str  # what the user asked for: "patch", "minor", "major" or "1.2.4"
    previous_version: str
    branch: str
    remote: str
    start_commit: str  # HEAD before the release commit
    release_commit: str | None = None
    project: str | None = None  # the distribution name, known once built
    completed: list[str] = field(default_factory=list)
    artifacts: dict[str, str] = field(default_factory=dict)  # filename -> sha256
    security: str | None = None  # an emergency release's severity (low, medium, high, critical)
    advisory_id: str | None = None  # its GitHub security advisory (GHSA-...), once made
    advisory_url: str | None = None
    skip: list[str] = field(default_factory=list)  # the phases --skip names (they ran elsewhere)
    gates: dict[str, str] = field(default_factory=dict)  # test phase -> what ran it and how it went

    @property
    def emergency(self) -> bool:
        """True for an emergency security release (``--security``)."""
        return self.security is not None

    @property
    def tag(self) -> str:
        """The release tag."""
        from releasekit.versions import tag_for

        return tag_for(self.version)

    def done(self, step: str) -> bool:
        """True when ``step`` has completed."""
        return step in self.completed

    def to_json(self) -> str:
        """The journal as JSON text."""
        return json.dumps({"schema": SCHEMA_VERSION, **asdict(self)}, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, *, where: str) -> Journal:
        """Parse a journal, naming the file in the error when it is damaged."""
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReleasekitError(f"{where}: damaged release journal ({exc.msg}); inspect or delete it") from None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
            raise ReleasekitError(f"{where}: not a release journal this releasekit understands")
        data.pop("schema")
        try:
            journal = cls(**data)
        except TypeError as exc:
            raise ReleasekitError(f"{where}: damaged release journal ({exc})") from None
        if not isinstance(journal.completed, list) or not isinstance(journal.artifacts, dict):
            raise ReleasekitError(f"{where}: damaged release journal (completed/artifacts)")
        from releasekit.gates import SKIPPABLE

        if not isinstance(journal.skip, list) or not all(p in SKIPPABLE for p in journal.skip):
            raise ReleasekitError(f"{where}: damaged release journal (skip)")
        if not isinstance(journal.gates, dict) or not all(isinstance(v, str) for v in journal.gates.values()):
            raise ReleasekitError(f"{where}: damaged release journal (gates)")
        return journal


def directory(git_dir: Path) -> Path:
    """Where releasekit keeps its state in a repository: the journal and the built files."""
    return git_dir / DIRNAME


def path(git_dir: Path) -> Path:
    """The journal's path."""
    return directory(git_dir) / FILENAME


def artifacts_dir(git_dir: Path, version: str) -> Path:
    """Where the files of ``version`` are built and kept, so a resume never rebuilds them."""
    return directory(git_dir) / "dist" / version


def load(git_dir: Path) -> Journal | None:
    """The release in progress, or None."""
    file = path(git_dir)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return Journal.from_json(text, where=str(file))


def write_atomic(file: Path, text: str) -> None:
    """Replace ``file`` with ``text`` so that a crash leaves the old or the new content."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(file.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def save(git_dir: Path, journal: Journal) -> None:
    """Record ``journal`` atomically."""
    write_atomic(path(git_dir), journal.to_json())


def finish(git_dir: Path, journal: Journal) -> Path:
    """Close a completed release: keep its journal as ``released-X.Y.Z.json``, return that path."""
    final = directory(git_dir) / f"released-{journal.version}.json"
    write_atomic(final, journal.to_json())
    path(git_dir).unlink(missing_ok=True)
    return final


def discard(git_dir: Path) -> None:
    """Forget the release in progress (after an abort)."""
    path(git_dir).unlink(missing_ok=True)


@contextlib.contextmanager
def locked(git_dir: Path) -> Iterator[None]:
    """Hold the release lock: one release at a time per repository.

    The operating system drops the lock when the process dies, so a crash never leaves
    a stale lock behind.
    """
    folder = directory(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, run unguarded
        yield
        return
    with open(folder / "lock", "w") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ReleasekitError(f"{folder / 'lock'}: another releasekit release is running here") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
