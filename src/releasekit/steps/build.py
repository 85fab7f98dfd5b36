"""Build from a clean checkout of the tag, check the files, and journal their hashes."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from releasekit import git, indexes, journal, venvs
from releasekit.config import read_toml
from releasekit.errors import CommandError, StepFailed
from releasekit.process import python_module, run
from releasekit.steps import Context, Step
from releasekit.steps.prepare import apply_release
from releasekit.versions import tag_for

DEFAULT_BUILD_REQUIRES = ["setuptools>=40.8.0"]


def check_files(outdir: Path, version: str) -> str:
    """Exactly one sdist and at least one wheel, all of one project at ``version``; return its name."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename
    from packaging.version import Version

    files = sorted(p.name for p in outdir.iterdir() if p.is_file())
    sdists = [f for f in files if f.endswith(".tar.gz")]
    wheels = [f for f in files if f.endswith(".whl")]
    others = sorted(set(files) - set(sdists) - set(wheels))
    if len(sdists) != 1 or not wheels or others:
        raise StepFailed(f"the build made {', '.join(files) or 'nothing'}; expected exactly one sdist and the wheels")
    try:
        parsed = [parse_sdist_filename(sdists[0])[:2]] + [parse_wheel_filename(w)[:2] for w in wheels]
    except (InvalidSdistFilename, InvalidWheelFilename) as exc:
        raise StepFailed(f"the build made a file with an invalid name: {exc}") from None
    names = {str(name) for name, _ in parsed}
    wrong = sorted({str(v) for _, v in parsed if v != Version(version)})
    if wrong:
        raise StepFailed(f"the built files carry version {', '.join(wrong)}, not {version}")
    if len(names) != 1:
        raise StepFailed(f"the built files belong to several projects: {', '.join(sorted(names))}")
    return names.pop()


def _build_requires(src: Path) -> list[str]:
    pyproject = src / "pyproject.toml"
    if not pyproject.is_file():
        return DEFAULT_BUILD_REQUIRES
    requires = read_toml(pyproject).get("build-system", {}).get("requires", DEFAULT_BUILD_REQUIRES)
    return [str(r) for r in requires]


@contextlib.contextmanager
def _failing_as(what: str) -> Iterator[None]:
    """Turn a failed command into a StepFailed that says which check failed."""
    try:
        yield
    except CommandError as exc:
        raise StepFailed(f"{what} failed (exit code {exc.returncode}):\n{exc.output}") from None


def _install_and_import(venv: Path, what: str, install_args: list[str], names: list[str]) -> None:
    with _failing_as(f"{what} into a fresh venv"):
        python = venvs.create(venv)
        venvs.install(python, install_args)
    if names:
        with _failing_as(f"importing {', '.join(names)} after {what}"):
            venvs.check_import(python, names)


def build_and_check(
    src: Path, outdir: Path, version: str, epoch: int, workdir: Path, note: Callable[[str], None]
) -> tuple[str, dict[str, str]]:
    """Build ``src`` into ``outdir`` and run every check; return the project name and file hashes."""
    outdir.mkdir(parents=True, exist_ok=True)
    env = {"SOURCE_DATE_EPOCH": str(epoch)}
    installer = ["--installer", "uv"] if venvs.uv() else []
    note(f"python -m build (SOURCE_DATE_EPOCH={epoch})")
    with _failing_as("python -m build"):
        run(python_module("build", *installer, "--outdir", outdir, src), env=env)
    project = check_files(outdir, version)
    files = sorted(p for p in outdir.iterdir() if p.is_file())
    note("twine check --strict")
    with _failing_as("twine check --strict"):
        run(python_module("twine", "check", "--strict", *files))
    note("check-manifest")
    with _failing_as("check-manifest"):
        manifest = python_module("check_manifest", "--quiet", src)
        if venvs.uv():
            # One environment prepared by uv instead of check-manifest's own pip-built one: much faster.
            build_python = venvs.create(workdir / "build-env")
            venvs.install(build_python, ["build", *_build_requires(src)])
            manifest = python_module("check_manifest", "--quiet", "--no-build-isolation", "-p", build_python, src)
        run(manifest, env=env)
    wheel = next(f for f in files if f.suffix == ".whl")
    names = venvs.import_names(wheel)
    note(f"install {wheel.name} into a fresh venv and import {', '.join(names) or 'nothing'}")
    _install_and_import(workdir / "wheel-env", f"installing {wheel.name}", [os.fspath(wheel)], names)
    note("pip install -e . into another fresh venv")
    _install_and_import(workdir / "editable-env", "pip install -e .", ["-e", os.fspath(src)], names)
    return project, {f.name: indexes.sha256_file(f) for f in files}


def _borrow_identity(root: Path, clone: Path) -> None:
    """Let the dry run's throwaway commit use the project's identity, unsigned."""
    for key in ("user.name", "user.email"):
        value = git.git("config", "--get", key, cwd=root, check=False)
        if value:
            git.git("config", key, value, cwd=clone)
    git.git("config", "commit.gpgsign", "false", cwd=clone)


def run_build(ctx: Context) -> str:
    """Build the tag's files (or, in a dry run, those of a temporary clone with the bump applied)."""
    root, record = ctx.root, ctx.journal
    src = ctx.workdir / "checkout"
    if src.exists():
        shutil.rmtree(src)
    if ctx.dry_run:
        git.clone(root, src, git.head(root))
        _borrow_identity(root, src)
        apply_release(src, ctx.config, record.version)
        if not ctx.config.require_version().writes_files:
            # The backend reads the version from the tag: give the throwaway commit its tag.
            git.git("tag", tag_for(record.version), cwd=src)
        rev = "HEAD"
        outdir = ctx.workdir / "dist"
        from releasekit.errors import ReleasekitError
        from releasekit.notes import version_notes

        try:  # what the release notes would say, from the changelog the dry run wrote
            ctx.plan.notes = version_notes(ctx.config._replace(root=src), record.version).strip() or None
        except ReleasekitError:
            ctx.plan.notes = None
    else:
        git.clone(root, src, record.tag)
        rev = record.tag
        outdir = journal.artifacts_dir(ctx.git_dir, record.version)
        if outdir.exists():
            # Files of an interrupted build were never journaled: start that build again.
            shutil.rmtree(outdir)
    epoch = git.commit_time(rev, src)
    project, hashes = build_and_check(src, outdir, record.version, epoch, ctx.workdir, ctx.note)
    ctx.plan.project, ctx.plan.artifacts = project, hashes
    if not ctx.dry_run:
        record.project, record.artifacts = project, hashes
    shutil.rmtree(src, ignore_errors=True)
    return f"{len(hashes)} files: {', '.join(sorted(hashes))}"


BUILD = Step("build", "Build from a clean checkout of the tag", True, True, run_build)
