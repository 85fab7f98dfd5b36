"""Which paths a change touches: one ``git diff --name-status -z``.

The ``changelog-fragment`` hook makes this one git call on every commit, so git is started
through the hooks' fast path (``releasekit.fastpath.spawn``), without ``subprocess``.
"""

from __future__ import annotations

import os

Pairs = list[tuple[str, str]]

_DIFF_OPTIONS = ("--cached", "--merge-base")


def diff_args(revs: tuple[str, ...]) -> list[str]:
    """The revision part of a ``git diff`` command line: its own options, then ``--end-of-options``, then revisions.

    The revisions may come from outside (``--base``, pre-commit's refs); after
    ``--end-of-options`` git never reads one as an option (git >= 2.24).
    """
    options = [r for r in revs if r in _DIFF_OPTIONS]
    return [*options, "--end-of-options", *(r for r in revs if r not in _DIFF_OPTIONS)]


def diff_name_status(cwd: str | os.PathLike[str], *revs: str) -> tuple[Pairs | None, str]:
    """``git diff --name-status -z`` over ``revs``: ``([(status, path), ...], "")``, or ``(None, error)``.

    Renames show as a deletion and an addition. Paths are relative to ``cwd`` and only
    those below it are listed (``--relative``), so a project in a monorepo sees its own.
    """
    from releasekit.fastpath.spawn import run_git  # not at the top: releasekit.git imports this module

    code, out, err = run_git(
        cwd, "diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--relative", *diff_args(revs), "--"
    )
    if code != 0:
        return None, err.strip()
    fields = out.split("\0")
    return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)], ""
