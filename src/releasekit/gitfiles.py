"""Facts read straight from the git directory's files, without starting git.

The hooks load the configuration on every commit; the release branch and remote it
needs come from here, so they cost no process and no import of ``releasekit.git``
(which brings the process runner along). Every read is bounded, and a layout that is
not plain files (reftable) answers None: the caller falls back to its default.
"""

from __future__ import annotations

import os
from pathlib import Path

from releasekit.locate import git_dir as find_git_dir

PathLike = str | os.PathLike[str]


def refs_dir(top: PathLike) -> Path | None:
    """The directory holding refs/ and packed-refs, or None when refs are not plain files."""
    found = find_git_dir(os.fspath(top))
    if found is None:
        return None
    dot_git = Path(found)
    commondir = dot_git / "commondir"
    if commondir.is_file():
        dot_git = dot_git / commondir.read_text(encoding="utf-8").strip()
    if not dot_git.is_dir() or (dot_git / "reftable").exists():
        return None
    return dot_git


def _read(path: Path, limit: int) -> str:
    """At most ``limit`` bytes of ``path``, as text; empty when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _branch_names(refs: Path, prefix: str) -> set[str]:
    """Branch names under ``refs/<prefix>/``, loose or packed."""
    names: set[str] = set()
    folder = refs / "refs" / prefix
    if folder.is_dir():
        names.update(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    packed = refs / "packed-refs"
    if packed.is_file():
        for line in _read(packed, 64 << 20).splitlines():
            ref = line.partition(" ")[2]
            if ref.startswith(f"refs/{prefix}/"):
                names.add(ref[len(prefix) + 6 :])
    return names


def _plain_branch_name(name: str) -> bool:
    # A name git itself wrote, but the file is still only a file: accept the plain shapes only.
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-")
    return bool(name) and set(name) <= allowed and not name.startswith(("-", "/", ".")) and ".." not in name


def default_branch(top: PathLike, remote: str) -> str | None:
    """The branch releases are made from, as the repository says: the remote's HEAD
    (``refs/remotes/<remote>/HEAD``), else ``main`` or ``master``, whichever exists.

    Read from the ref files without starting git (the hooks call this); None when the
    refs are not plain files or neither branch exists.
    """
    refs = refs_dir(top)
    if refs is None:
        return None
    symref = refs / "refs" / "remotes" / remote / "HEAD"
    if symref.is_file():
        text = _read(symref, 1024).strip()
        prefix = f"ref: refs/remotes/{remote}/"
        if text.startswith(prefix) and _plain_branch_name(text[len(prefix) :]):
            return text[len(prefix) :]
    local = _branch_names(refs, "heads")
    remote_branches = {n[len(remote) + 1 :] for n in _branch_names(refs, "remotes") if n.startswith(f"{remote}/")}
    for candidate in ("main", "master"):
        if candidate in local or candidate in remote_branches:
            return candidate
    return None


def default_remote(top: PathLike) -> str | None:
    """The remote releases go to when none is configured: ``origin`` when the repository has
    it, else its only remote. Read from the repository's config file, without starting git."""
    refs = refs_dir(top)
    config_file = refs / "config" if refs is not None else None
    if config_file is None or not config_file.is_file():
        return None
    names = []
    for line in _read(config_file, 1 << 20).splitlines():
        stripped = line.strip()
        if stripped.startswith('[remote "') and stripped.endswith('"]'):
            names.append(stripped[len('[remote "') : -2])
    if "origin" in names:
        return "origin"
    return names[0] if len(names) == 1 and _plain_branch_name(names[0]) else None


def default_branch_inputs(top: PathLike, remote: str) -> list[str]:
    """The files ``default_remote`` and ``default_branch`` read the answer from: the remote's
    HEAD and the repository's config (their stamps change when the answer can)."""
    refs = refs_dir(top)
    return [str(refs / "refs" / "remotes" / remote / "HEAD"), str(refs / "config")] if refs is not None else []
