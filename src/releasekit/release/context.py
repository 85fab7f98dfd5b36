"""The steps of a release, and the context they share.

Each step is a name, whether it can be undone locally, whether it runs in a dry run,
and a ``run(context)`` that does the work and returns a short detail for the checklist.
Steps never print: they call ``context.note`` for progress and return results.

The journal is the one state of a run: what a resumed run needs (the version, the
completed steps, the built files and their hashes, the gates' outcomes, the advisory)
is written there, and a dry run keeps its journal in memory only. The context holds
the rest, which lives and dies with this process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from releasekit.changelog.draft import draft_notes
from releasekit.changelog.notes import version_notes
from releasekit.config import Config
from releasekit.errors import ReleasekitError
from releasekit.release.journal import Journal

if TYPE_CHECKING:
    from releasekit.release.prepared import Prepared


@dataclass
class Context:
    """What the steps of one run share."""

    config: Config
    git_dir: Path
    journal: Journal
    workdir: Path  # a temporary directory for this run only
    dry_run: bool = False
    reuse_venvs: bool = False
    secrets: tuple[str, ...] = ()
    head_wheel: Path | None = None  # the wheel the package check built from HEAD, for the fallback gates
    head_wheel_ready: threading.Event | None = None  # set when a package check running beside has ended
    lock: threading.Lock = field(default_factory=threading.Lock)  # steps side by side: the journal's record
    note: Callable[[str], None] = lambda message: None
    # Preflight calls it once the work tree's files are checked: the steps beside it may read them then.
    next_may_start: Callable[[], None] = lambda: None
    # Written by one step each, read by later steps of this process only:
    prepared: Prepared | None = None  # package-check: the release commit made ahead, and its checked files
    dry_notes: str | None = None  # build, in a dry run: the notes of the changelog its throwaway commit wrote
    advisory: dict[str, Any] | None = None  # security-advisory, in a dry run: the advisory it would send
    report: list[str] = field(default_factory=list)  # the last step (summary, ci-handoff): what to print at the end

    @property
    def root(self) -> Path:
        """The project's top directory."""
        return self.config.root

    def release_notes(self) -> str | None:
        """The version's notes as ``releasekit notes VERSION`` gives them, or None.

        A release reads them from the changelog of its release commit. A dry run changed
        nothing: it takes those its build wrote into a throwaway clone, or, with no build
        step (``publish = "ci"``), towncrier's draft of the same fragments.
        """
        if self.dry_run and self.dry_notes is not None:
            return self.dry_notes
        try:
            if self.dry_run:
                return draft_notes(self.config).strip() or None
            return version_notes(self.config, self.journal.version).strip() or None
        except ReleasekitError:
            return None


NO_NOTES = "(no release notes found)"


class Step(NamedTuple):
    """One item of the checklist."""

    name: str
    title: str
    reversible: bool  # False once the world outside this repository has seen it
    in_dry_run: bool  # True for the read-only steps a dry run performs
    run: Callable[[Context], str]
    beside_next: bool = False  # read-only: runs beside the next step (its journal entry still comes first)
    holds_next: bool = False  # the steps beside it start once it calls Context.next_may_start (or ends)
