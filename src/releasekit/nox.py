"""releasekit's nox sessions, registered into a project's noxfile with one call.

A project's whole noxfile can be::

    # /// script
    # dependencies = ["nox[uv]>=2025.2.9", "releasekit[release]"]
    # ///
    import nox
    import releasekit.nox

    releasekit.nox.register()

That gives the sessions in :data:`SESSIONS`. A session the project defines itself, with
the same name, wins, whether it is defined before or after the call.

The test-like sessions (tests, integration, benchmark, coverage, docs, examples) run in
their own virtualenvs (uv when it is available). ``build``, ``release`` and ``hotfix`` run
no virtualenv: ``build`` calls the release's own build (``releasekit build``) in nox's
process, and the other two call ``python -m releasekit`` with the very interpreter nox
runs in, so ``nox --script-mode none`` from an environment holding releasekit uses that
releasekit, and nox's script mode uses the one it installed from the ``# /// script``
block.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nox
import nox.registry

import releasekit
from releasekit import __version__
from releasekit.config import find_root, from_data, load, read_pyproject
from releasekit.errors import ReleasekitError
from releasekit.release import sharedenv
from releasekit.release.steps.build import build_release
from releasekit.release.testenv import DOCS_NAMES, declares_marker, requirement_sources, unit_expression

SESSIONS = ("tests", "integration", "benchmark", "coverage", "docs", "examples", "build", "release", "hotfix")
"""The sessions :func:`register` provides, in the order of the release checklist."""

DEFAULT_BACKEND = "uv|virtualenv"
# What a bare `nox` runs; benchmark, build, release and hotfix only run when named.
DEFAULT_SESSIONS = frozenset({"tests", "integration", "coverage", "docs", "examples"})

SessionFunc = Callable[[nox.Session], None]


def register(
    *,
    python: str | Sequence[str] | None = None,
    venv_backend: str = DEFAULT_BACKEND,
    extras: Sequence[str] | None = None,
    skip: Iterable[str] = (),
) -> tuple[str, ...]:
    """Register releasekit's sessions in the calling noxfile; return the names registered.

    ``python`` and ``venv_backend`` apply to the sessions that make a virtualenv.
    ``extras`` names the project's extras that hold its test requirements (default: its
    extras and dependency groups named ``test``, ``tests``, ``testing`` or ``dev``, or
    listing pytest). Names in
    ``skip`` and names the noxfile already defines are left alone; a session the
    noxfile defines later replaces releasekit's quietly.
    """
    unknown = sorted(set(skip) - set(SESSIONS))
    if unknown:
        raise ValueError(f"releasekit.nox.register: unknown session name(s) {', '.join(unknown)}")
    existing = set(nox.registry.get())
    factories = _factories(extras)
    # With the defaults, the release knows what these sessions run and may run them in one shared environment.
    standard = python is None and extras is None and not any(kind in venv_backend for kind in ("conda", "mamba"))
    tags = [sharedenv.TAG] if standard else []
    registered: list[str] = []
    for name in SESSIONS:
        if name in existing or name in skip:
            continue
        func, kind = factories[name]
        if kind == "venv":
            default = name in DEFAULT_SESSIONS
            nox.session(name=name, python=python, venv_backend=venv_backend, default=default, tags=tags)(func)
        else:
            nox.session(name=name, python=False, venv_backend="none", default=False)(func)
        registered.append(name)
    if registered:
        # nox warns when a noxfile redefines a session; redefining one of ours is the
        # documented way to override it, so keep quiet about exactly those names.
        pattern = "|".join(re.escape(n) for n in registered)
        warnings.filterwarnings("ignore", f"The session '({pattern})' has already been registered", FutureWarning)
    return tuple(registered)


def _factories(extras: Sequence[str] | None) -> dict[str, tuple[SessionFunc, str]]:
    def tests(session: nox.Session) -> None:
        """Unit tests: pytest without the integration and benchmark markers."""
        root, data = _project(session)
        install_project(session, extras, data=data)
        # Only the markers the project declares: --strict-markers rejects the others.
        expression = unit_expression(root, data=data)
        selection = ["-m", expression] if expression else []
        session.run("pytest", *selection, *session.posargs, success_codes=[0, 5])

    def integration(session: nox.Session) -> None:
        """Integration tests: pytest -m integration."""
        _marked(session, "integration", extras)

    def benchmark(session: nox.Session) -> None:
        """Benchmarks: pytest -m benchmark, output shown."""
        _marked(session, "benchmark", extras, "-s")

    def coverage(session: nox.Session) -> None:
        """Tests under coverage, failing under the project's threshold (coverage's fail_under), if it sets one."""
        root, data = _project(session)
        try:
            config = from_data(root, root / "pyproject.toml", data)
        except ReleasekitError as exc:
            session.error(str(exc))
        install_project(session, extras, "pytest-cov>=5", data=data)
        threshold = config.coverage_fail_under
        if threshold is None:
            session.log("no coverage threshold configured: the figure is reported, not enforced")
        selection = ["-m", "not benchmark"] if declares_marker(root, "benchmark", data=data) else []
        # Coverage data goes to the session's temp dir unless the caller chose a place: not into the work tree.
        coverage_file = os.environ.get("COVERAGE_FILE") or str(Path(session.create_tmp()) / ".coverage")
        env = {"COVERAGE_FILE": coverage_file}
        session.run(
            "pytest",
            *selection,
            *cov_source_args(root, data=data),
            "--cov-report=term-missing",
            *([f"--cov-fail-under={threshold:g}"] if threshold is not None else []),
            *session.posargs,
            env=env,
        )

    def docs(session: nox.Session) -> None:
        """Sphinx documentation, warnings as errors."""
        # A project without docs has nothing to build, whatever its pyproject.toml holds.
        if not (find_root(Path.cwd()) / "docs" / "conf.py").is_file():
            session.skip("no docs/conf.py")
        root, data = _project(session)
        requirements = root / "docs" / "requirements.txt"
        chosen = tuple(requirement_sources(root, DOCS_NAMES, data=data)[0])[:1] if extras is None else extras
        install_project(session, chosen, "sphinx>=7", pytest=False)
        if requirements.is_file():
            session.install("-r", str(requirements))
        out = Path(session.create_tmp()) / "html"
        session.run("sphinx-build", "-W", "--keep-going", "-q", "-b", "html", "docs", str(out), *session.posargs)

    def examples(session: nox.Session) -> None:
        """Run every script in examples/; each must exit 0."""
        scripts = sorted((find_root(Path.cwd()) / "examples").glob("*.py"))
        if not scripts:
            session.skip("no scripts in examples/")
        install_project(session, (), pytest=False)
        for script in scripts:
            session.run("python", str(script), *session.posargs)

    def build(session: nox.Session) -> None:
        """The release's build of the committed HEAD (releasekit build), its sdist and wheels into dist/."""
        build_into_dist(session)

    def release(session: nox.Session) -> None:
        """The release checklist: nox -s release -- [major|minor|patch|X.Y.Z] [--dry-run] [--yes] [--security S]."""
        run_releasekit(session, "release")

    def hotfix(session: nox.Session) -> None:
        """Cut a hotfix branch: nox -s hotfix -- vX.Y.Z [DESCRIPTION]."""
        run_releasekit(session, "hotfix")

    venv = "venv"
    return {
        "tests": (tests, venv),
        "integration": (integration, venv),
        "benchmark": (benchmark, venv),
        "coverage": (coverage, venv),
        "docs": (docs, venv),
        "examples": (examples, venv),
        "build": (build, "none"),
        "release": (release, "none"),
        "hotfix": (hotfix, "none"),
    }


def build_into_dist(session: nox.Session) -> None:
    """``releasekit build`` in this process, then its sdist and wheels copied into the project's dist/.

    The same build and checks as the release's build step (a clean clone of HEAD, python -m
    build, twine check --strict, the sdist against the tracked files, the wheel installed and
    imported); dist/ is emptied first and gets the package files, not the manifest.
    """
    import tempfile

    try:
        config = load(Path.cwd())
        with tempfile.TemporaryDirectory(prefix="releasekit-nox-build-") as tmp:
            out, work = Path(tmp) / "out", Path(tmp) / "work"
            work.mkdir()
            made = build_release(config, out, work, session.log)
            dist = config.root / "dist"
            shutil.rmtree(dist, ignore_errors=True)
            dist.mkdir()
            for name in sorted(made.files):
                shutil.copy2(out / name, dist / name)
    except ReleasekitError as exc:
        session.error(str(exc))
    session.log(f"built {made.project} {made.version} into {dist}: {', '.join(sorted(made.files))}")


def run_releasekit(session: nox.Session, command: str) -> None:
    """Run ``python -m releasekit COMMAND posargs`` with the interpreter nox itself runs in."""
    session.log(f"releasekit {__version__} from {Path(releasekit.__file__).parent}")
    session.run(sys.executable, "-m", "releasekit", command, *session.posargs, external=True)


def install_project(
    session: nox.Session,
    extras: Sequence[str] | None,
    *more: str,
    pytest: bool = True,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Install the project editable with its test extras and groups (found or given), plus ``more``.

    ``data`` is the project's parsed pyproject.toml when the session has it (read here otherwise).
    """
    root = find_root(Path.cwd())
    groups: list[str] = []
    if extras is None:
        found, groups = requirement_sources(root, data=data)
        chosen = tuple(found)
    else:
        chosen = tuple(extras)
    session.install(*sharedenv.project_target(root, chosen, groups), *(["pytest>=8"] if pytest else []), *more)


def _marked(session: nox.Session, marker: str, extras: Sequence[str] | None, *args: str) -> None:
    root, data = _project(session)
    if not declares_marker(root, marker, data=data):
        session.skip(f"the project declares no {marker!r} pytest marker")
    install_project(session, extras, data=data)
    session.run("pytest", "-m", marker, *args, *session.posargs, success_codes=[0, 5])


def _project(session: nox.Session) -> tuple[Path, dict[str, Any]]:
    """The project's root (at or above the working directory) and its pyproject.toml, parsed once per session."""
    try:
        root = find_root(Path.cwd())
        return root, read_pyproject(root)
    except ReleasekitError as exc:
        session.error(str(exc))


def cov_source_args(root: Path, *, data: Mapping[str, Any] | None = None) -> list[str]:
    """``--cov`` arguments: the configured coverage source, else src/, else the project root.

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise).
    """
    return sharedenv.cov_source_args(root, data=read_pyproject(root, required=False) if data is None else data)
