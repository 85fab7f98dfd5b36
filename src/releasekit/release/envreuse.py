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

A release bumps the version in those very files (``setup.py``, ``pyproject.toml``), so the
nox fingerprint is taken with the project's current version written as a placeholder: inputs
that differ only by the version string (the release after the last release) still match.
That reuse also needs the session's environment to hold the project editable, from this
checkout (:func:`follows_the_tree`): its code is then the tree's, and only the version its
metadata records lags, as in a maintainer's development environment. A session reused
across a bump that fails is run once more with a fresh install before it counts as failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from pathlib import Path

from releasekit import __version__, git
from releasekit.bounded import loads_json
from releasekit.errors import ReleasekitError
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


def fingerprint(root: Path, session: str, source: str = "", version: str = "") -> str:
    """What ``session``'s environment is built from (and ``source``, for a tox env), hashed.

    With ``version`` (the project's current one), its occurrences in the input files are
    hashed as a placeholder, so that a bump alone leaves the fingerprint as it was.
    """
    digest = hashlib.sha256()
    for part in (session, sys.executable, __version__, os.environ.get("NOX_DEFAULT_VENV_BACKEND", ""), source):
        digest.update(part.encode() + b"\0")
    for name in (*INPUTS, "tox.ini", "tox.toml"):
        text = read_small(root / name)
        if text is not None and version:
            text = text.replace(version, "\0version\0")
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


def reusable(root: Path, session: str, version: str) -> str | None:
    """Whether nox's ``session`` may run unreinstalled: ``"same"`` (the very inputs of its last pass),
    ``"bumped"`` (those inputs with another version written in them), or None (install)."""
    with _LOCK:
        known = _load(root, "nox").get(session, "")
    digest, _, built_at = known.partition(" ")
    if not digest or digest != fingerprint(root, session, version=version):
        return None
    return "same" if built_at == version else "bumped"


def follows_the_tree(root: Path, session: str, project: str | None) -> bool:
    """Whether nox's environments of ``session`` hold ``project`` installed editable from ``root`` (or not at all).

    Only then does the code a session tests follow the checkout; a session that installs
    the project as a built package must reinstall it to test the new code.
    """
    from packaging.utils import canonicalize_name

    nox_dir = root / ".nox"
    if project is None or not nox_dir.is_dir() or nox_dir.is_symlink():
        return False
    name = _nox_dir_name(session)
    envs = [d for d in nox_dir.iterdir() if d.name == name or d.name.startswith(f"{name}-")]
    if not envs:
        return False
    wanted = canonicalize_name(project)
    for env in envs:
        for site in (*env.glob("lib/python*/site-packages"), env / "Lib" / "site-packages"):
            if not site.is_dir() or site.is_symlink():
                continue
            for entry in site.iterdir():
                stem, _, kind = entry.name.rpartition(".")
                if kind not in ("dist-info", "egg-info") or canonicalize_name(stem.split("-")[0]) != wanted:
                    continue
                if kind == "egg-info" or not _editable_from(entry, root):
                    return False
    return True


def _nox_dir_name(session: str) -> str:
    # nox's own naming of a session's environment directory (nox.sessions._normalize_path).
    import re

    name = re.sub(r"[^\w\s-]", "-", session).strip().lower()
    return re.sub(r"[-\s]+", "-", name).strip("-")


def _editable_from(dist_info: Path, root: Path) -> bool:
    try:
        data = loads_json(read_small(dist_info / "direct_url.json") or "{}", source="direct_url.json")
    except ReleasekitError:
        return False
    if not isinstance(data, dict) or not isinstance(data.get("dir_info"), dict):
        return False
    return data["dir_info"].get("editable") is True and data.get("url") == root.resolve().as_uri()


def remember(
    root: Path, session: str, *, passed: bool, runner: str = "nox", source: str = "", version: str = ""
) -> None:
    """Keep ``session``'s fingerprint after it passed (a nox one with the ``version`` it was built at);
    forget it after a failure."""
    path = _record(root, runner)
    if not path.parent.is_dir() or path.parent.is_symlink():
        return  # the runner made no environment here: nothing to reuse, nothing to write
    with _LOCK:
        known = _load(root, runner)
        if passed:
            known[session] = fingerprint(root, session, source, version) + (f" {version}" if version else "")
        elif known.pop(session, None) is None:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
