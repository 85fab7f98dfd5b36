"""What the upload and verify steps share, for the test index and the production index alike.

An upload sends the journaled files the index does not serve yet; a verification
compares the bytes it serves with the journal, then installs and imports the release.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from releasekit import indexes, venvs
from releasekit.config import Index
from releasekit.errors import StepFailed
from releasekit.process import failing_as
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


def install_from(
    index: Index, extra: Index | None, project: str, version: str, names: list[str], venv: Path, secrets: Sequence[str]
) -> None:
    """Install ``project==version`` from ``index`` into a fresh venv and import ``names``.

    ``extra`` (the production index, for the test index) only fills in dependencies.
    """
    args = ["--index-url", index.simple_url]
    if extra is not None and venvs.uv():
        # uv takes every version of a name from the first index that has it, and asks
        # an extra index first: the index under test must come first, and the
        # production index (already serving older releases) only fill in dependencies.
        args = ["--index", index.simple_url, "--default-index", extra.simple_url]
    elif extra is not None:
        args += ["--extra-index-url", extra.simple_url]
    fresh = ["--refresh-package", project] if venvs.uv() else ["--no-cache-dir"]
    with failing_as(f"{index.name}: installing {project}=={version} from it"):
        python = venvs.create(venv)
        venvs.install(python, [*args, *fresh, f"{project}=={version}"], secrets=secrets)
        venvs.check_import(python, names)


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
    install_from(index, extra, project, version, names, venv, ctx.secrets)
    return f"{index.name} serves the journaled bytes; {project}=={version} installs and imports"
