"""What the upload and verify steps share, for the test index and the production index alike.

An upload sends the journaled files the index does not serve yet; a verification
compares the bytes it serves with the journal, then installs and imports the release.
"""

from __future__ import annotations

from pathlib import Path

from releasekit import indexes, venvs
from releasekit.config import Index
from releasekit.errors import StepFailed
from releasekit.release import crash, journal
from releasekit.release.context import Context


def built_project(ctx: Context) -> str:
    """The journaled project name, once the build step has journaled its files."""
    if not ctx.journal.project or not ctx.journal.artifacts:
        raise StepFailed("the journal holds no built files; the build step has not completed")
    return ctx.journal.project


def artifacts_folder(ctx: Context) -> Path:
    """The journaled files' directory, once sure every journaled file name stays in it."""
    folder = journal.artifacts_dir(ctx.git_dir, ctx.journal.version)
    for filename in ctx.journal.artifacts:
        journal.inside(folder, folder / filename)
    return folder


def upload(ctx: Context, index: Index, step: str) -> str:
    """Upload the journaled files ``index`` does not serve yet; ``step`` names the crash points."""
    project, folder = built_project(ctx), artifacts_folder(ctx)
    ctx.note(f"asking {index.name} which files it serves already")
    result = indexes.upload(
        index,
        project,
        folder,
        ctx.journal.artifacts,
        secrets=ctx.secrets,
        after_each=lambda n: crash.point(f"{step}:{n}"),
    )
    detail = f"{len(result.uploaded)} uploaded to {index.name}"
    return detail + (f", {len(result.already_there)} already there" if result.already_there else "")


def verify(ctx: Context, index: Index, extra: Index | None) -> str:
    """Check the bytes ``index`` serves against the journal, then install the release from it and import it.

    ``extra`` (the production index, when verifying the test index) only fills in dependencies.
    """
    project, version = built_project(ctx), ctx.journal.version
    ctx.note(f"checking the bytes {index.name} serves against the journal")
    indexes.verify(index, project, ctx.journal.artifacts)
    folder = artifacts_folder(ctx)
    wheel = next((folder / f for f in sorted(ctx.journal.artifacts) if f.endswith(".whl")), None)
    names = venvs.import_names(wheel) if wheel and wheel.is_file() else []
    ctx.note(f"pip install {project}=={version} from {index.name} into a fresh venv")
    venv = ctx.workdir / f"verify-{index.name.lower()}"
    venvs.install_from(index, extra, project, version, names, venv, ctx.secrets)
    return f"{index.name} serves the journaled bytes; {project}=={version} installs and imports"
