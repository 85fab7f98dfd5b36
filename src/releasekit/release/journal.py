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
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from releasekit.bounded import Unreadable, loads_json
from releasekit.emergency import SEVERITIES
from releasekit.errors import ReleasekitError
from releasekit.gatesconfig import SKIPPABLE
from releasekit.refnames import problem as ref_problem
from releasekit.semver import SEMVER
from releasekit.tags import TagFormat, check_template

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
    # The project's tag format when the release began: a resumed release makes and pushes the
    # same tag. Journals written before the format was configurable used "v{version}".
    tag_format: str = "v{version}"
    skip: list[str] = field(default_factory=list)  # the phases --skip names (they ran elsewhere)
    gates: dict[str, str] = field(default_factory=dict)  # test phase -> what ran it and how it went

    @property
    def emergency(self) -> bool:
        """True for an emergency security release (``--security``)."""
        return self.security is not None

    @property
    def tag(self) -> str:
        """The release tag, in the project's format."""
        return TagFormat(self.tag_format).tag(self.version)

    def resume_command(self) -> str:
        """The command that resumes this release (``releasekit status`` shows it too)."""
        security = ["--security", self.security] if self.security else []
        skip = ["--skip", ",".join(self.skip)] if self.skip else []
        return " ".join(["releasekit release", self.spec, *security, *skip])

    def done(self, step: str) -> bool:
        """True when ``step`` has completed."""
        return step in self.completed

    def to_json(self) -> str:
        """The journal as JSON text."""
        return json.dumps({"schema": SCHEMA_VERSION, **asdict(self)}, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, *, where: str) -> Journal:
        """Parse a journal, checking every field; an error names the file and how to clear it."""
        try:
            data: Any = loads_json(text, source=where)
        except Unreadable as exc:
            raise ReleasekitError(damaged(where, exc.reason)) from None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
            raise ReleasekitError(damaged(where, "not a release journal this releasekit understands"))
        data.pop("schema")
        problem = _field_problem(data)
        if problem is not None:
            raise ReleasekitError(damaged(where, problem))
        return cls(**data)


def damaged(where: str, problem: str) -> str:
    """The one line about a journal releasekit cannot use: which file, what is wrong, how to clear it."""
    return (
        f"{where}: damaged release journal ({problem}); inspect it, then delete it to forget that release "
        "(undo any release commit or tag it made by hand)"
    )


_HEX = frozenset("0123456789abcdef")


def _is_commit(value: object) -> bool:
    return isinstance(value, str) and len(value) in (40, 64) and set(value) <= _HEX


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def _is_spec(value: object) -> bool:
    return isinstance(value, str) and (value in ("major", "minor", "patch") or _is_version(value.removeprefix("v")))


def _is_tag_format(value: object) -> bool:
    try:
        return isinstance(value, str) and check_template(value, where="tag_format") == value
    except ReleasekitError:
        return False


def _is_skip(value: object) -> bool:
    return isinstance(value, list) and all(phase in SKIPPABLE for phase in value)


def _is_filename(value: object) -> bool:
    # A plain file name: joined to the artifacts directory, it must stay in it.
    return (
        isinstance(value, str)
        and 0 < len(value) <= 255
        and value not in (".", "..")
        and not value.startswith("-")
        and not any(char in value for char in "/\\\0")
        and value.isprintable()
    )


def _is_project(value: object) -> bool:
    # A distribution name (PEP 508): it goes to pip as "name==version", so never an option.
    return (
        isinstance(value, str)
        and 0 < len(value) <= 200
        and value[0].isascii()
        and value[0].isalnum()
        and value[-1].isascii()
        and value[-1].isalnum()
        and all(char.isascii() and (char.isalnum() or char in "._-") for char in value)
    )


def _is_version(value: object) -> bool:
    return isinstance(value, str) and SEMVER.fullmatch(value) is not None


def _is_optional_text(value: object) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= 1000 and value.isprintable())


def _field_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the fields of a journal, or None."""
    known = {f.name for f in fields(Journal)}
    unknown = sorted(set(data) - known)
    if unknown:
        return f"unknown field {unknown[0]!r}"
    required = {f.name for f in fields(Journal) if f.default is MISSING and f.default_factory is MISSING}
    missing = sorted(required - set(data))
    if missing:
        return f"missing field {missing[0]!r}"
    checks: dict[str, tuple[Any, str]] = {
        "version": (_is_version, "a release version such as 1.2.3"),
        "previous_version": (_is_version, "a release version such as 1.2.3"),
        "spec": (_is_spec, "major, minor, patch or a version"),
        "branch": (lambda v: isinstance(v, str) and ref_problem(v) is None, "a branch name"),
        "remote": (lambda v: isinstance(v, str) and ref_problem(v) is None, "a remote name"),
        "start_commit": (_is_commit, "a commit id"),
        "release_commit": (lambda v: v is None or _is_commit(v), "a commit id or null"),
        "project": (lambda v: v is None or _is_project(v), "a project name or null"),
        "completed": (lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v), "a list of step names"),
        "artifacts": (
            lambda v: isinstance(v, dict) and all(_is_filename(k) and _is_sha256(h) for k, h in v.items()),
            "file names mapped to sha256 digests",
        ),
        "security": (lambda v: v is None or v in SEVERITIES, f"null or one of {', '.join(SEVERITIES)}"),
        "tag_format": (_is_tag_format, "a tag format such as v{version}"),
        "skip": (_is_skip, "a list of test phases"),
        "gates": (
            lambda v: isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()),
            "test phases mapped to what ran them",
        ),
        "advisory_id": (_is_optional_text, "text or null"),
        "advisory_url": (_is_optional_text, "text or null"),
    }
    for name, value in data.items():
        check, expected = checks[name]
        if not check(value):
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            return f"{name} must be {expected}, not {shown}"
    return None


def directory(git_dir: Path) -> Path:
    """Where releasekit keeps its state in a repository: the journal and the built files."""
    return git_dir / DIRNAME


def path(git_dir: Path) -> Path:
    """The journal's path."""
    return directory(git_dir) / FILENAME


def artifacts_dir(git_dir: Path, version: str) -> Path:
    """Where the files of ``version`` are built and kept, so a resume never rebuilds them."""
    return inside(directory(git_dir), directory(git_dir) / "dist" / version)


def inside(folder: Path, candidate: Path) -> Path:
    """``candidate``, once sure it stays under ``folder`` (a path made from journal fields must)."""
    resolved, base = candidate.resolve(), folder.resolve()
    if resolved != base and base not in resolved.parents:
        raise ReleasekitError(f"{candidate}: outside {folder}; refusing to touch it (is the journal damaged?)")
    return candidate


MAX_BYTES = 1 << 20  # a journal is a few kilobytes; refuse to read a huge file into memory


def load(git_dir: Path) -> Journal | None:
    """The release in progress, or None.

    The journal is a regular file of UTF-8 JSON; anything else (a directory, a FIFO, a
    symlink, other bytes) is one line naming it and how to clear it.
    """
    import stat

    file = path(git_dir)
    try:
        info = file.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReleasekitError(damaged(str(file), f"cannot read it: {exc.strerror}")) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ReleasekitError(damaged(str(file), kind))
    if info.st_size > MAX_BYTES:
        raise ReleasekitError(damaged(str(file), f"{info.st_size} bytes, more than {MAX_BYTES}"))
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReleasekitError(damaged(str(file), f"cannot read it: {exc.strerror}")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleasekitError(damaged(str(file), f"not UTF-8 at byte {exc.start}")) from None
    return Journal.from_json(text, where=str(file))


def write_atomic(file: Path, text: str) -> None:
    """Replace ``file`` with ``text`` so that a crash leaves the old or the new content.

    A write that fails (a full disk, a quota, a file size limit, a path that is not a
    directory) is one line naming ``file``; the old content stays and no temporary file does.
    """
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    except OSError as exc:
        raise ReleasekitError(f"{file}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ReleasekitError(f"{file}: cannot write: {exc.strerror or exc}") from None
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
    final = inside(directory(git_dir), directory(git_dir) / f"released-{journal.version}.json")
    write_atomic(final, journal.to_json())
    path(git_dir).unlink(missing_ok=True)
    return final


def discard(git_dir: Path) -> None:
    """Forget the release in progress (after an abort)."""
    path(git_dir).unlink(missing_ok=True)


@contextlib.contextmanager
def locked(common_dir: Path) -> Iterator[None]:
    """Hold the release lock: one release at a time per repository, whichever worktree runs it.

    ``common_dir`` is ``git rev-parse --git-common-dir``, shared by every worktree (each
    keeps its own journal in its own git directory). The operating system drops the lock
    when the process dies, so a crash never leaves a stale lock behind.
    """
    folder = directory(common_dir)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, run unguarded
        yield
        return
    lock = folder / "lock"
    # Never truncate, never follow a symlink: the lock file only has to exist.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(lock, flags, 0o644)
    except OSError as exc:
        raise ReleasekitError(
            f"{lock}: cannot open the release lock: {exc.strerror}; remove it if it is not a file"
        ) from None
    with os.fdopen(fd, "rb+", buffering=0) as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ReleasekitError(
                f"{lock}: another releasekit release is running in this repository (this worktree or another)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
