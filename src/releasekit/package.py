"""The package gate: build HEAD's sdist and wheel in a temporary directory and check them, in seconds.

It runs before the long test phases, so broken packaging metadata (a README PyPI cannot
render, a file missing from the sdist) stops the release at once, not after the tests.
Each problem is a :class:`~releasekit.findings.Finding` that says the fix. The full
build from the tag, later in the release, stays as it is.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from releasekit import git, venvs
from releasekit.backends import vcs_file_finder
from releasekit.config import read_pyproject, table
from releasekit.errors import CommandError
from releasekit.findings import Finding
from releasekit.parallel import Job, cores, run_jobs
from releasekit.process import python_module, run

# twine's complaints, and what fixes each one.
_TWINE_FIXES = (
    (
        "`long_description_content_type` missing",
        'declare the README\'s type: readme = "README.md" in [project] '
        '(setup.py: long_description_content_type="text/markdown")',
    ),
    (
        "`long_description` missing",
        'give the package a description PyPI can show: readme = "README.md" in [project] '
        "(setup.py: long_description=...)",
    ),
    (
        "has syntax errors in markup",
        "fix the README's markup (python -m readme_renderer README.rst shows where), or declare its real content type",
    ),
)


class PackageResult(NamedTuple):
    """What the package gate found, and the files it built (when the build worked)."""

    findings: list[Finding]
    sdist: Path | None = None
    wheel: Path | None = None


def metadata_file(root: Path, *, data: Mapping[str, Any] | None = None) -> str:
    """The file that holds the package metadata: pyproject.toml's [project], else setup.py or setup.cfg.

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise), as
    in :func:`build_backend` and :func:`build_requires`.
    """
    if table(read_pyproject(root, required=False) if data is None else data, "project") is not None:
        return "pyproject.toml"
    for name in ("setup.py", "setup.cfg"):
        if (root / name).is_file():
            return name
    return "pyproject.toml"


def build_backend(root: Path, *, data: Mapping[str, Any] | None = None) -> str:
    """The PEP 517 backend (setuptools' legacy one when the project names none, as pip assumes)."""
    backend = _build_system(root, data).get("build-backend")
    return str(backend) if backend else "setuptools.build_meta:__legacy__"


def build_requires(root: Path, *, data: Mapping[str, Any] | None = None) -> list[str]:
    """The project's ``[build-system] requires`` (setuptools when it names none)."""
    requires = _build_system(root, data).get("requires")
    return [str(r) for r in requires] if isinstance(requires, list) else ["setuptools>=40.8.0"]


def _build_system(root: Path, data: Mapping[str, Any] | None) -> dict[str, Any]:
    return table(read_pyproject(root, required=False) if data is None else data, "build-system") or {}


Release = Callable[[], tuple[Path, str, int]]
"""Makes the commit to build instead of HEAD: the repository holding it, the commit, its SOURCE_DATE_EPOCH."""


def check_head(
    root: Path,
    workdir: Path,
    note: Callable[[str], None],
    secrets: tuple[str, ...] = (),
    *,
    release: Release | None = None,
    beside: Sequence[Job] = (),
    beside_twine: Callable[[Path, Path], Job] | None = None,
) -> PackageResult:
    """Build HEAD (or the commit ``release`` makes) from a clean clone in ``workdir`` and check the files.

    Nothing is written to ``root``. ``release`` makes, first thing in the build's job, the commit
    the release publishes (in a clone), built with its commit time as ``SOURCE_DATE_EPOCH``.
    check-manifest, where it applies, builds its own sdists of HEAD from a clone of its own: it
    runs from the start beside the build and ``twine check`` (two cores, twice the work done in
    the same time), and so do the jobs of ``beside``. ``beside_twine`` makes, from the built
    sdist and wheel, a check that runs beside ``twine check`` (the release's install check).
    """
    data = read_pyproject(root, required=False)
    meta = metadata_file(root, data=data)
    start = git.head(root)
    manifest = uses_check_manifest(root, data)
    found: dict[str, list[Finding]] = {}
    built: list[Path] = []

    def package() -> str:
        src, head, epoch = release() if release is not None else (root, start, None)
        what = "HEAD" if release is None else f"the release commit {head[:10]}, made in a clone"
        note(f"package: python -m build (sdist and wheel of {what}, in a temporary directory)")
        try:
            sdist, wheel = build_head(src, workdir, secrets, head=head, epoch=epoch)
        except CommandError as exc:
            found["build"] = [Finding(meta, 1, 1, f"python -m build failed; fix the build first:\n{exc.output}")]
            return ""
        if sdist is None or wheel is None:
            found["build"] = [Finding(meta, 1, 1, "python -m build made no sdist or no wheel")]
            return ""
        built.extend((sdist, wheel))
        note("package: twine check --strict")
        twined: list[Finding] = []

        def twine() -> str:
            twined.extend(twine_findings(meta, [sdist, wheel]))
            return ""

        run_jobs([Job("twine", twine)] + ([beside_twine(sdist, wheel)] if beside_twine else []), cores())
        findings = list(twined)
        if not manifest:
            note("package: every tracked file of the package is in the sdist")
            findings += sdist_findings(src, meta, sdist, wheel, data=data)
        found["package"] = findings
        return ""

    def check_manifest() -> str:
        src = workdir / "manifest-checkout"
        shutil.rmtree(src, ignore_errors=True)
        git.clone(root, src, start)
        note("package: check-manifest (setuptools with a MANIFEST.in)")
        found["manifest"] = manifest_findings(src, workdir, secrets, note)
        return ""

    jobs = [Job("package", package)] + ([Job("manifest", check_manifest)] if manifest else []) + list(beside)
    run_jobs(jobs, cores())
    if "build" in found:
        return PackageResult(found["build"])
    return PackageResult(found["package"] + found.get("manifest", []), *built)


def uses_check_manifest(root: Path, data: Mapping[str, Any]) -> bool:
    """Whether check-manifest judges the sdist: setuptools with a MANIFEST.in, and no setuptools-scm file finder.

    check-manifest builds from a copy of the tracked files without .git, where setuptools-scm's
    file finder sees nothing: for such a project the sdist built from the clone is the one to judge.
    """

    setuptools = build_backend(root, data=data).startswith("setuptools")
    return (root / "MANIFEST.in").is_file() and setuptools and not vcs_file_finder(data)


def source_findings(
    root: Path,
    src: Path,
    workdir: Path,
    sdist: Path,
    wheel: Path | None,
    note: Callable[[str], None],
    secrets: tuple[str, ...] = (),
    *,
    data: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """What the sdist built from the clean checkout ``src`` leaves out.

    check-manifest where it applies (:func:`uses_check_manifest`); for other backends,
    which choose the sdist's files themselves, every tracked file of the wheel's packages
    must be in it (without a wheel, as for cibuildwheel projects, there is nothing to compare).
    ``data`` is ``root``'s parsed pyproject.toml when the caller has it (read here otherwise).
    """
    data = read_pyproject(root, required=False) if data is None else data
    if uses_check_manifest(root, data):
        note("package: check-manifest (setuptools with a MANIFEST.in)")
        return manifest_findings(src, workdir, secrets, note)
    if wheel is None:
        return []
    note("package: every tracked file of the package is in the sdist")
    return sdist_findings(root, metadata_file(root, data=data), sdist, wheel, data=data)


def build_head(
    root: Path, workdir: Path, secrets: tuple[str, ...] = (), *, head: str | None = None, epoch: int | None = None
) -> tuple[Path | None, Path | None]:
    """Build the sdist and wheel of HEAD (or ``head``) from a clean clone in ``workdir``; raise CommandError
    when the build fails. ``epoch``: the ``SOURCE_DATE_EPOCH`` to build with."""
    src = workdir / "head-checkout"
    out = workdir / "head-dist"
    for stale in (src, out):  # never the files of an older HEAD
        shutil.rmtree(stale, ignore_errors=True)
    git.clone(root, src, head or git.head(root))
    installer = ["--installer", "uv"] if venvs.uv() else []
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
    run(python_module("build", *installer, "--outdir", out, src), secrets=secrets, env=env, timeout=1800)
    return next(iter(sorted(out.glob("*.tar.gz"))), None), next(iter(sorted(out.glob("*.whl"))), None)


def twine_findings(meta: str, files: list[Path]) -> list[Finding]:
    """``twine check --strict`` of ``files``, each complaint with its fix."""
    proc = run(python_module("twine", "--no-color", "check", "--strict", *files), check=False, timeout=300)
    if proc.returncode == 0:
        return []
    found: list[Finding] = []
    for line in (proc.stdout + proc.stderr).splitlines():
        text = line.strip()
        if not text.startswith(("WARNING", "ERROR")):
            continue
        message = text.split(None, 1)[1] if " " in text else text
        fix = next((fix for marker, fix in _TWINE_FIXES if marker in message), None)
        entry = f"twine check --strict: {message}" + (f"; fix: {fix}" if fix else "")
        if entry not in {f.message for f in found}:
            found.append(Finding(meta, 1, 1, entry))
    return found or [Finding(meta, 1, 1, f"twine check --strict failed:\n{(proc.stdout + proc.stderr).strip()}")]


def manifest_findings(
    src: Path, workdir: Path, secrets: tuple[str, ...] = (), note: Callable[[str], None] | None = None
) -> list[Finding]:
    """check-manifest in the clean checkout ``src``; its listing of the files MANIFEST.in misses.

    When it passes, its verdict (what it prints on stdout) goes to ``note``; its complaints
    are on stderr, and they are the finding.
    """
    cmd = python_module("check_manifest", src)
    if venvs.uv():
        # One environment prepared by uv instead of check-manifest's own pip-built one: much faster.
        build_python = venvs.create(workdir / "manifest-env")
        venvs.install(build_python, ["build", *build_requires(src)], secrets=secrets)
        cmd = python_module("check_manifest", "--no-build-isolation", "-p", build_python, src)
    proc = run(cmd, check=False, timeout=900)
    if proc.returncode == 0:
        verdict = proc.stdout.strip().splitlines()
        if note is not None and verdict:
            note(f"package: check-manifest: {verdict[-1].strip()}")
        return []
    listing = "\n".join(line for line in (proc.stderr.strip() or proc.stdout.strip()).splitlines() if line.strip())
    return [
        Finding(
            "MANIFEST.in",
            1,
            1,
            "check-manifest: the sdist and the files git tracks differ; fix: include the missing files in "
            f"MANIFEST.in (or list them in [tool.check-manifest] ignore):\n{listing}",
        )
    ]


def sdist_findings(
    root: Path, meta: str, sdist: Path, wheel: Path, *, data: Mapping[str, Any] | None = None
) -> list[Finding]:
    """For backends that choose the sdist's files themselves: every tracked file of the wheel's packages is in it.

    The build is from a clean checkout, so no untracked file can ship; what can go wrong
    is a tracked source file the backend leaves out. ``data``: ``root``'s parsed pyproject.toml, if read.
    """
    import tarfile

    packages = venvs.import_names(wheel)
    with tarfile.open(sdist) as archive:
        # The members are "name-version/path"; only their paths are compared, nothing is extracted.
        shipped = {member.name.split("/", 1)[1] for member in archive.getmembers() if "/" in member.name}
    tracked = git.tracked_files(root) or []
    missing = []
    for path in tracked:
        parts = Path(path).parts
        if not any(name in parts[:-1] or parts[-1] == f"{name}.py" for name in packages):
            continue
        if path not in shipped:
            missing.append(path)
    if not missing:
        return []
    shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
    return [
        Finding(
            meta,
            1,
            1,
            f"the sdist leaves out {len(missing)} tracked file(s) of the package: {shown}; "
            f"fix: include them in the build backend's sdist configuration ({build_backend(root, data=data)})",
        )
    ]
