"""The steps of a release, and the context they share.

Each step is a name, whether it can be undone locally, whether it runs in a dry run,
and a ``run(context)`` that does the work and returns a short detail for the checklist.
Steps never print: they call ``context.note`` for progress and return results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from releasekit.config import Config
from releasekit.release.journal import Journal


@dataclass
class Plan:
    """What a release publishes, filled in as steps learn it (and printed by a dry run)."""

    artifacts: dict[str, str] = field(default_factory=dict)  # filename -> sha256
    project: str | None = None
    notes: str | None = None
    report: list[str] = field(default_factory=list)  # the summary lines
    advisory: dict[str, Any] | None = None  # the security advisory a dry run would send
    gates: dict[str, str] = field(default_factory=dict)  # test phase -> what ran it and how it went


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
    plan: Plan = field(default_factory=Plan)
    head_wheel: Path | None = None  # the wheel the package check built from HEAD, for the fallback gates
    note: Callable[[str], None] = lambda message: None

    @property
    def root(self) -> Path:
        """The project's top directory."""
        return self.config.root


class Step(NamedTuple):
    """One item of the checklist."""

    name: str
    title: str
    reversible: bool  # False once the world outside this repository has seen it
    in_dry_run: bool  # True for the read-only steps a dry run performs
    run: Callable[[Context], str]
