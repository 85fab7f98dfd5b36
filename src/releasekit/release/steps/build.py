"""### 4. Create Release, "python -m build": from a clean checkout of the tag, checked, hashes journaled.

Also ``releasekit build --out DIR``, the same build of HEAD on its own for a release workflow.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from releasekit import git, indexes, venvs
from releasekit.changelog.notes import version_notes
from releasekit.ci import manifest, wheelset
from releasekit.ci.manifest import Manifest
from releasekit.config import Config
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.gatesconfig import PACKAGE
from releasekit.package import source_findings
from releasekit.parallel import Job, cores, run_jobs
from releasekit.process import failing_as, python_module, run
from releasekit.release import journal
from releasekit.release.context import Context, Step
from releasekit.release.prepared import Prepared
from releasekit.release.steps.commit import apply_release
from releasekit.tags import release_tags


def check_files(outdir: Path, version: str, *, wheels: bool = True) -> str:
    """Exactly one sdist and (with ``wheels``) at least one wheel, all of one project at ``version``.

    Returns the project's name.
    """
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename
    from packaging.version import Version

    files = sorted(p.name for p in outdir.iterdir() if p.is_file())
    sdists = [f for f in files if f.endswith(".tar.gz")]
    wheel_files = [f for f in files if f.endswith(".whl")]
    others = sorted(set(files) - set(sdists) - set(wheel_files))
    if len(sdists) != 1 or bool(wheel_files) != wheels or others:
        expected = "exactly one sdist and the wheels" if wheels else "exactly one sdist"
        raise StepFailed(f"the build made {', '.join(files) or 'nothing'}; expected {expected}")
    try:
        parsed = [parse_sdist_filename(sdists[0])[:2]] + [parse_wheel_filename(w)[:2] for w in wheel_files]
    except (InvalidSdistFilename, InvalidWheelFilename) as exc:
        raise StepFailed(f"the build made a file with an invalid name: {exc}") from None
    names = {str(name) for name, _ in parsed}
    wrong = sorted({str(v) for _, v in parsed if v != Version(version)})
    if wrong:
        raise StepFailed(f"the built files carry version {', '.join(wrong)}, not {version}")
    if len(names) != 1:
        raise StepFailed(f"the built files belong to several projects: {', '.join(sorted(names))}")
    return names.pop()


def _install_and_import(venv: Path, what: str, install_args: list[str], names: list[str]) -> None:
    with failing_as(f"{what} into a fresh venv"):
        python = venvs.create(venv)
        venvs.install(python, install_args)
    if names:
        with failing_as(f"importing {', '.join(names)} after {what}"):
            venvs.check_import(python, names)


def build_and_check(
    src: Path,
    outdir: Path,
    version: str,
    epoch: int,
    workdir: Path,
    note: Callable[[str], None],
    *,
    sdist_only: bool = False,
    sources_checked: bool = False,
) -> tuple[str, dict[str, str]]:
    """Build ``src`` into ``outdir`` and run every check; return the project name and file hashes.

    ``sdist_only`` is for projects whose wheels cibuildwheel builds on CI runners: the
    sdist is built and checked here, and the wheels' install checks are cibuildwheel's
    test step on each runner. ``sources_checked`` says the package check of this run
    already compared the sdist with the tracked files, at the commit before the release
    commit (which changes only the version places, the changelog and the fragments).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    built: dict[str, tuple[str, list[Path]]] = {}

    def build() -> str:
        installer = ["--installer", "uv"] if venvs.uv() else []
        only, epoch_env = ["--sdist"] if sdist_only else [], {"SOURCE_DATE_EPOCH": str(epoch)}
        note(" ".join(["python -m build", *only, f"(SOURCE_DATE_EPOCH={epoch})"]))
        with failing_as("python -m build"):
            run(python_module("build", *installer, *only, "--outdir", outdir, src), env=epoch_env)
        project = check_files(outdir, version, wheels=not sdist_only)
        files = sorted(p for p in outdir.iterdir() if p.is_file())
        run_jobs(_file_checks(src, files, workdir, note, sources_checked=sources_checked), cores())
        built["files"] = project, files
        return ""

    run_jobs([Job("build", build)] + ([] if sdist_only else [editable_job(src, workdir, note)]), cores())
    project, files = built["files"]
    if not sdist_only:
        editable_import(workdir, next(f for f in files if f.suffix == ".whl"))
    return project, {f.name: indexes.sha256_file(f) for f in files}


def editable_job(src: Path, workdir: Path, note: Callable[[str], None]) -> Job:
    """``pip install -e .`` of ``src``'s HEAD into a fresh venv, from a clean clone of its own.

    It may run beside the build: setuptools writes its egg-info in the checkout it installs.
    Whether the packages import is :func:`editable_import`'s question, once the wheel names them.
    """

    def editable_install() -> str:
        checkout = workdir / "editable-checkout"
        shutil.rmtree(checkout, ignore_errors=True)
        git.clone(src, checkout, git.head(src))
        note("pip install -e . into another fresh venv (a clean clone of its own, beside the build)")
        _install_and_import(workdir / "editable-env", "pip install -e .", ["-e", os.fspath(checkout)], [])
        return ""

    return Job("editable", editable_install)


def editable_import(workdir: Path, wheel: Path) -> None:
    """Import, from the editable install of :func:`editable_job`, the packages ``wheel`` holds."""
    names = venvs.import_names(wheel)
    if names:
        with failing_as(f"importing {', '.join(names)} after pip install -e ."):
            venvs.check_import(venvs.python_of(workdir / "editable-env"), names)


def _file_checks(
    src: Path, files: list[Path], workdir: Path, note: Callable[[str], None], *, sources_checked: bool
) -> list[Job]:
    """The checks of the built ``files``: they read them and write only in ``workdir``, so they run side by side."""

    def twine() -> str:
        note("twine check --strict")
        with failing_as("twine check --strict"):
            run(python_module("twine", "check", "--strict", *files), timeout=300)
        return ""

    def sources() -> str:
        sdist = next(f for f in files if f.name.endswith(".tar.gz"))
        wheel = next((f for f in files if f.suffix == ".whl"), None)
        findings = source_findings(src, src, workdir, sdist, wheel, note)
        if findings:
            raise StepFailed("\n".join(finding.text() for finding in findings))
        return ""

    checks = [Job("twine", twine)] + ([] if sources_checked else [Job("sources", sources)])
    wheel = next((f for f in files if f.suffix == ".whl"), None)
    if wheel is not None:  # none when cibuildwheel builds the wheels
        checks.append(wheel_job(wheel, workdir, note))
    return checks


def wheel_job(wheel: Path, workdir: Path, note: Callable[[str], None]) -> Job:
    """Install ``wheel`` into a fresh venv and import the packages it holds."""
    names = venvs.import_names(wheel)

    def wheel_install() -> str:
        note(f"install {wheel.name} into a fresh venv and import {', '.join(names) or 'nothing'}")
        _install_and_import(workdir / "wheel-env", f"installing {wheel.name}", [os.fspath(wheel)], names)
        return ""

    return Job("wheel", wheel_install)


def _check_release_tags(root: Path, head: str, version: str, tag_format: str | None) -> None:
    """A commit tagged for a release (as in the tag's workflow) must carry that release's version."""
    fmt, _ = release_tags(root, tag_format)
    tags = git.git("tag", "--points-at", head, cwd=root).split()
    releases = [tag for tag in tags if fmt.version_text(tag) is not None]
    if releases and fmt.tag(version) not in releases:
        raise ReleasekitError(
            f"HEAD is tagged {', '.join(releases)}, but the configured version is {version}: "
            "the tag and the version files disagree, so nothing was built"
        )


def build_release(config: Config, outdir: Path, workdir: Path, note: Callable[[str], None]) -> Manifest:
    """``releasekit build --out DIR``: the release build of HEAD on its own, and its manifest.

    A clean clone of the committed HEAD is built and checked as the release's own build
    step does; a project with compiled extensions gets its sdist here and, in the
    manifest, the cibuildwheel identifiers whose wheels its CI runners build. The files
    land in ``outdir`` first and the manifest last, so a directory with a manifest is whole.
    """
    root = config.root
    version = config.require_version().current
    if outdir.is_symlink() or (outdir.exists() and not outdir.is_dir()):
        raise ReleasekitError(f"{outdir}: not a directory")
    if outdir.is_dir() and any(outdir.iterdir()):
        raise ReleasekitError(f"{outdir}: not empty; 'releasekit build --out' wants a new or empty directory")
    if git.tracked_changes(root):
        raise ReleasekitError("the work tree has uncommitted changes; the build is of the committed HEAD: commit them")
    src, built = workdir / "checkout", workdir / "dist"
    head = git.head(root)
    _check_release_tags(root, head, version, config.tag_format)
    note(f"clean checkout of {head[:12]}")
    git.clone(root, src, head)
    compiled = wheelset.has_extensions(src)
    epoch = git.commit_time(head, src)
    project, hashes = build_and_check(src, built, version, epoch, workdir, note, sdist_only=compiled)
    identifiers: list[str] = []
    if compiled:
        note("cibuildwheel --print-build-identifiers, for each runner of the wheel matrix")
        identifiers = wheelset.identifiers(src)
    outdir.mkdir(parents=True, exist_ok=True)
    for name in sorted(hashes):
        shutil.move(built / name, outdir / name)
    result = manifest.Manifest(project, version, hashes, tuple(identifiers))
    manifest.write(outdir, result)
    return result


def commit_in_clone(ctx: Context, clone: Path, rev: str, *, sign: bool) -> str:
    """The release commit of ``ctx.journal`` made in a fresh clone of ``rev``, by the commit step's own tools.

    The clone takes the project's identity; ``sign`` false keeps a dry run's throwaway commit
    unsigned. Where the backend reads the version from the tag, the commit gets its tag too.
    """
    root, record = ctx.root, ctx.journal
    git.clone(root, clone, rev)
    for key in ("user.name", "user.email"):
        value = git.git("config", "--get", key, cwd=root, check=False)
        if value:
            git.git("config", key, value, cwd=clone)
    if not sign:
        git.git("config", "commit.gpgsign", "false", cwd=clone)
    commit = apply_release(clone, ctx.config, record.version, record.tag)
    if not ctx.config.require_version().writes_files:
        git.git("tag", record.tag, commit, cwd=clone)
    return commit


def _take_prepared(ctx: Context, ahead: Prepared) -> str:
    """The files the package check built from the release commit and checked: the tag's, since it points there."""
    record = ctx.journal
    outdir = ctx.workdir / "dist" if ctx.dry_run else journal.artifacts_dir(ctx.git_dir, record.version)
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    for file in ahead.files:
        shutil.copyfile(file, outdir / file.name)
    project = check_files(outdir, record.version)
    ctx.note(
        f"the package check built the release commit {ahead.commit[:10]} from a clean checkout "
        f"(SOURCE_DATE_EPOCH={ahead.epoch}) and checked the files: twine check --strict, the sdist's files, "
        "the wheel and pip install -e . in fresh venvs"
    )
    if ctx.dry_run:
        _dry_notes(ctx, ahead.checkout)
    record.project = project
    record.artifacts = {file.name: indexes.sha256_file(outdir / file.name) for file in ahead.files}
    return f"{len(record.artifacts)} files: {', '.join(sorted(record.artifacts))}"


def _dry_notes(ctx: Context, clone: Path) -> None:
    """What the release notes would say, from the changelog a dry run's throwaway commit wrote in ``clone``."""
    try:
        ctx.dry_notes = version_notes(ctx.config._replace(root=clone), ctx.journal.version).strip() or None
    except ReleasekitError:
        ctx.dry_notes = None


def run_build(ctx: Context) -> str:
    """Build the tag's files (or, in a dry run, those of a temporary clone with the bump applied).

    The files the package check built from the release commit are taken as they are: the tag
    points at that commit (``releasekit.release.prepared``).
    """
    root, record = ctx.root, ctx.journal
    ahead = ctx.prepared
    if ahead is not None and ahead.files and (ctx.dry_run or record.release_commit == ahead.commit):
        return _take_prepared(ctx, ahead)
    src = ctx.workdir / "checkout"
    if src.exists():
        shutil.rmtree(src)
    if ctx.dry_run:
        commit_in_clone(ctx, src, git.head(root), sign=False)
        rev = "HEAD"
        outdir = ctx.workdir / "dist"
        _dry_notes(ctx, src)
    else:
        git.clone(root, src, record.tag)
        rev = record.tag
        outdir = journal.artifacts_dir(ctx.git_dir, record.version)
        if outdir.exists():
            # Files of an interrupted build were never journaled: start that build again.
            shutil.rmtree(outdir)
    epoch = git.commit_time(rev, src)

    checked = record.gates.get(PACKAGE, "").startswith("passed")
    project, hashes = build_and_check(
        src, outdir, record.version, epoch, ctx.workdir, ctx.note, sources_checked=checked
    )
    record.project, record.artifacts = project, hashes  # a dry run's journal is never written
    shutil.rmtree(src, ignore_errors=True)
    return f"{len(hashes)} files: {', '.join(sorted(hashes))}"


BUILD = Step("build", "Build from a clean checkout of the tag", True, True, run_build)
