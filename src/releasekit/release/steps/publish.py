"""Publish: upload the journaled files to an index, then check what it serves and installs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from releasekit import indexes, venvs
from releasekit.config import Index
from releasekit.errors import CommandError, StepFailed
from releasekit.release import crash, journal
from releasekit.release.context import Context, Step


def _project(ctx: Context) -> str:
    if not ctx.journal.project or not ctx.journal.artifacts:
        raise StepFailed("the journal holds no built files; the build step has not completed")
    return ctx.journal.project


def _artifacts_folder(ctx: Context) -> Path:
    """The journaled files' directory, once sure every journaled file name stays in it."""
    folder = journal.artifacts_dir(ctx.git_dir, ctx.journal.version)
    for filename in ctx.journal.artifacts:
        journal.inside(folder, folder / filename)
    return folder


def upload_to(which: Callable[[Context], Index], step: str) -> Callable[[Context], str]:
    """A step function that uploads the missing files to the index ``which`` picks (for the step ``step``)."""

    def run_upload(ctx: Context) -> str:
        index, project = which(ctx), _project(ctx)
        folder = _artifacts_folder(ctx)
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

    return run_upload


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
    try:
        python = venvs.create(venv)
        venvs.install(python, [*args, *fresh, f"{project}=={version}"], secrets=secrets)
        venvs.check_import(python, names)
    except CommandError as exc:
        raise StepFailed(
            f"{index.name}: installing {project}=={version} from it failed (exit code {exc.returncode}):\n{exc.output}"
        ) from None


def verify_on(which: Callable[[Context], Index], extra: Callable[[Context], Index] | None) -> Callable[[Context], str]:
    """A step function: install ``project==version`` from the index into a fresh venv, import it, check hashes."""

    def run_verify(ctx: Context) -> str:
        index, project, version = which(ctx), _project(ctx), ctx.journal.version
        ctx.note(f"checking the bytes {index.name} serves against the journal")
        indexes.verify(index, project, ctx.journal.artifacts)
        folder = _artifacts_folder(ctx)
        wheel = next((folder / f for f in sorted(ctx.journal.artifacts) if f.endswith(".whl")), None)
        names = venvs.import_names(wheel) if wheel and wheel.is_file() else []
        ctx.note(f"pip install {project}=={version} from {index.name} into a fresh venv")
        venv = ctx.workdir / f"verify-{index.name.lower()}"
        install_from(index, extra(ctx) if extra else None, project, version, names, venv, ctx.secrets)
        return f"{index.name} serves the journaled bytes; {project}=={version} installs and imports"

    return run_verify


def _test_index(ctx: Context) -> Index:
    return ctx.config.test_index


def _index(ctx: Context) -> Index:
    return ctx.config.index


TEST_UPLOAD = Step("test-upload", "Test index: upload", False, False, upload_to(_test_index, "test-upload"))
TEST_VERIFY = Step("test-verify", "Test index: install and verify", True, False, verify_on(_test_index, _index))
UPLOAD = Step("upload", "Production index: upload", False, False, upload_to(_index, "upload"))
VERIFY = Step("verify", "Production index: install and verify", True, False, verify_on(_index, None))
