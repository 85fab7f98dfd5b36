"""An emergency release's project: a security fragment, the security type, a GitHub repository."""

from __future__ import annotations

from pathlib import Path

from releasekit import config
from releasekit.release.context import Context
from releasekit.release.journal import Journal
from tests.helpers.releaseproj import Project, make_project

SECURITY_TYPE = '\n[[tool.towncrier.type]]\ndirectory = "security"\nname = "Security"\nshowcontent = true\n'
GITHUB = '\n[tool.releasekit.github]\nrepository = "owner/project"\n'
FIX = "Archive member names can no longer escape the target directory (path traversal)."


def emergency_project(tmp_path: Path, extra: str = "", **kwargs: object) -> tuple[Project, config.Config]:
    """A release project with a security fragment (``FIX``) and the security type, and its loaded config."""
    fragments = kwargs.pop("fragments", {"+traversal.security.md": FIX})
    project = make_project(
        tmp_path,
        fragments=fragments,  # type: ignore[arg-type]
        extra_pyproject=SECURITY_TYPE + GITHUB + extra,
        **kwargs,  # type: ignore[arg-type]
    )
    return project, config.load(project.root)


def step_context(
    cfg: config.Config, record: Journal, tmp_path: Path, notes: list[str], dry_run: bool = False
) -> Context:
    """The context a step runs in, its notes collected in ``notes``."""
    return Context(cfg, cfg.root / ".git", record, tmp_path, dry_run=dry_run, note=notes.append)
