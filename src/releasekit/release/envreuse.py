"""Test environments kept between runs: a nox session or tox env reused, not reinstalled, when its inputs are the same.

A session that passed leaves a fingerprint of what its environment was built from (the
noxfile, the project's metadata and requirement files, the interpreter, releasekit's
version) in ``.nox/.releasekit-envs.json``, beside the environments nox keeps (only where
nox made that directory: a dry run creates nothing else). A tox environment holds a build
of the project, not an editable install: its fingerprint also holds HEAD's tree and the
work tree's status, it lives in ``.tox/.releasekit-envs.json``, and a match means
``tox --skip-pkg-install``. The next run of that session with the
same fingerprint (a release after its dry run) passes nox ``-R``: the environment nox
kept is reused and nothing is installed again. Any change of an input, or a failed
session, means a normal run that installs. This record is a cache, not run state: deleting
it costs one install.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from pathlib import Path

from releasekit import __version__, git
from releasekit.gatesconfig import read_small

INPUTS = (
    "noxfile.py",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "uv.lock",
    "pylock.toml",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements-test.txt",
    "docs/requirements.txt",
)
"""The files a session's environment is built from, as releasekit's sessions and most noxfiles install it."""

_LOCK = threading.Lock()


def _record(root: Path, runner: str) -> Path:
    return root / f".{runner}" / ".releasekit-envs.json"


def source_state(root: Path) -> str:
    """HEAD's tree and the changes to tracked files: what a build of the project is made from."""
    return (
        git.git("rev-parse", "HEAD^{tree}", cwd=root)
        + "\n"
        + git.git("status", "--porcelain", "--untracked-files=no", cwd=root)
    )


def fingerprint(root: Path, session: str, source: str = "") -> str:
    """What ``session``'s environment is built from (and ``source``, for a tox env), hashed."""
    digest = hashlib.sha256()
    for part in (session, sys.executable, __version__, os.environ.get("NOX_DEFAULT_VENV_BACKEND", ""), source):
        digest.update(part.encode() + b"\0")
    for name in (*INPUTS, "tox.ini", "tox.toml"):
        text = read_small(root / name)
        digest.update(name.encode() + b"\0" + (b"-" if text is None else text.encode()) + b"\0")
    return digest.hexdigest()


def _load(root: Path, runner: str) -> dict[str, str]:
    try:
        data = json.loads(read_small(_record(root, runner)) or "{}")
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def unchanged(root: Path, session: str, runner: str = "nox", source: str = "") -> bool:
    """Whether ``session`` (of ``runner``, nox or tox) passed last time with the inputs it has now."""
    with _LOCK:
        return _load(root, runner).get(session) == fingerprint(root, session, source)


def remember(root: Path, session: str, *, passed: bool, runner: str = "nox", source: str = "") -> None:
    """Keep ``session``'s fingerprint after it passed; forget it after a failure."""
    path = _record(root, runner)
    if not path.parent.is_dir() or path.parent.is_symlink():
        return  # the runner made no environment here: nothing to reuse, nothing to write
    with _LOCK:
        known = _load(root, runner)
        if passed:
            known[session] = fingerprint(root, session, source)
        elif known.pop(session, None) is None:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
