"""Projects whose wheels one machine cannot build: what cibuildwheel is meant to produce.

A project with compiled extensions (a ``[tool.cibuildwheel]`` table, ``ext_modules`` in
setup.py, or a compiled build backend) gets its wheels from cibuildwheel on GitHub's
Linux, macOS and Windows runners. releasekit never builds those wheels; it asks the real
cibuildwheel which build identifiers the project's configuration selects for each runner
(``--print-build-identifiers``, which builds nothing and needs no Docker), and later checks
that the collected wheels are exactly one set for those identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from releasekit.config import read_pyproject, table
from releasekit.errors import CommandError, ReleasekitError
from releasekit.process import run

# Backends that compile: their projects get the cibuildwheel matrix.
COMPILED_BACKENDS = ("scikit_build_core", "mesonpy", "maturin", "py_build_cmake")
SETUP_PY_LIMIT = 1 << 20


class Runner(NamedTuple):
    """One job of the wheel matrix: a GitHub-hosted runner, and what cibuildwheel builds on it."""

    platform: str  # cibuildwheel's --platform
    arch: str  # cibuildwheel's --archs, the runner's native architecture
    image: str  # runs-on


# GitHub-hosted runner labels; each builds its native architecture, so no QEMU is needed.
RUNNERS = (
    Runner("linux", "x86_64", "ubuntu-24.04"),
    Runner("linux", "aarch64", "ubuntu-24.04-arm"),
    Runner("macos", "x86_64", "macos-15-intel"),
    Runner("macos", "arm64", "macos-15"),
    Runner("windows", "AMD64", "windows-2025"),
    Runner("windows", "ARM64", "windows-11-arm"),
)
# --archs values that mean "whatever the machine is": the runner's native arch then.
_ARCH_KEYWORDS = {"auto", "auto64", "native", "all"}


def has_extensions(root: Path, *, data: Mapping[str, Any] | None = None) -> bool:
    """Whether the project at ``root`` compiles: its wheels need the cibuildwheel matrix.

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise).
    """
    data = read_pyproject(root, required=False) if data is None else data
    if "cibuildwheel" in (table(data, "tool") or {}):
        return True
    backend = (table(data, "build-system") or {}).get("build-backend")
    if isinstance(backend, str) and backend.split(".")[0] in COMPILED_BACKENDS:
        return True
    setup_py = root / "setup.py"
    if setup_py.is_file() and not setup_py.is_symlink():
        with setup_py.open("rb") as handle:
            text = handle.read(SETUP_PY_LIMIT).decode("utf-8", "replace")
        return re.search(r"\bext_modules\s*=", text) is not None
    return False


def _configured_archs(cibuildwheel: Mapping[str, Any], platform: str) -> set[str] | None:
    """The architectures ``[tool.cibuildwheel]`` names for ``platform``, or None for "native"."""
    specific = cibuildwheel.get(platform)
    value = specific.get("archs") if isinstance(specific, dict) and "archs" in specific else cibuildwheel.get("archs")
    if value is None:
        return None
    names = value.split() if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []
    if not names or any(name in _ARCH_KEYWORDS for name in names):
        return None
    return set(names)


def runners(root: Path) -> list[Runner]:
    """The matrix entries for the project: every runner, less architectures its configuration leaves out."""
    cibuildwheel = table(read_pyproject(root, required=False), "tool.cibuildwheel") or {}
    chosen = []
    for runner in RUNNERS:
        archs = _configured_archs(cibuildwheel, runner.platform)
        if archs is None or runner.arch in archs:
            chosen.append(runner)
    return chosen


def identifiers(root: Path, *, cibuildwheel: Sequence[str] | None = None) -> list[str]:
    """The build identifiers the project's cibuildwheel configuration selects on the matrix's runners."""
    import os
    import sys

    if cibuildwheel is None:
        import importlib.util

        if importlib.util.find_spec("cibuildwheel") is None:
            raise ReleasekitError(
                "this project compiles extensions: 'releasekit build' asks cibuildwheel which wheels its runners "
                "build; install it (pip install cibuildwheel)"
            )
    command = list(cibuildwheel or [sys.executable, "-m", "cibuildwheel"])
    found: list[str] = []
    for runner in runners(root):
        cmd = [*command, "--print-build-identifiers", "--platform", runner.platform, "--archs", runner.arch]
        try:
            proc = run([*cmd, os.fspath(root)], cwd=root)
        except CommandError as exc:
            raise ReleasekitError(
                f"cibuildwheel --print-build-identifiers --platform {runner.platform} failed "
                f"(exit code {exc.returncode}): {exc.output.splitlines()[-1] if exc.output else ''}"
            ) from None
        found += [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if not found:
        raise ReleasekitError(f"{root / 'pyproject.toml'}: cibuildwheel selects no wheel to build on any runner")
    return sorted(set(found))


class _Identifier(NamedTuple):
    interpreter: str  # cp312, pp310
    abi: str  # cp312, cp313t, pypy310 (a prefix for PyPy)
    platform: re.Pattern[str]


def _parse_identifier(identifier: str) -> _Identifier:
    python, sep, platform = identifier.partition("-")
    match = re.fullmatch(r"(cp|pp|gp)(\d+)(t?)", python)
    if not sep or not platform or match is None:
        raise ReleasekitError(f"{identifier!r} is not a cibuildwheel build identifier")
    kind, digits, threaded = match.groups()
    interpreter = f"{kind}{digits}"
    abi = {"cp": f"cp{digits}{threaded}", "pp": f"pypy{digits}", "gp": "graalpy"}[kind]
    os_name, _, arch = platform.partition("_")
    if arch:
        # manylinux_x86_64 stands for manylinux_2_28_x86_64 or manylinux2014_x86_64; macosx_arm64 for macosx_11_0_arm64.
        pattern = re.compile(rf"{re.escape(os_name)}(?:\d*|(?:_\d+)+)_{re.escape(arch)}")
    else:
        pattern = re.compile(re.escape(platform))
    return _Identifier(interpreter, abi, pattern)


def _covers(wheel: str, wanted: _Identifier) -> bool:
    from packaging.utils import parse_wheel_filename

    for tag in parse_wheel_filename(wheel)[3]:
        if not wanted.platform.fullmatch(tag.platform):
            continue
        if tag.interpreter == wanted.interpreter and tag.abi.startswith(wanted.abi):
            return True
        stable = tag.abi == "abi3" and tag.interpreter.startswith("cp") and wanted.abi == wanted.interpreter
        if stable and wanted.interpreter.startswith("cp") and int(wanted.interpreter[2:]) >= int(tag.interpreter[2:]):
            return True  # one limited-API wheel serves this and every later CPython
    return False


def match_wheels(wanted: Iterable[str], wheels: Iterable[str]) -> tuple[list[str], list[str]]:
    """The wheels that cover the identifiers, and one problem per identifier left uncovered or wheel not wanted."""
    parsed = {identifier: _parse_identifier(identifier) for identifier in wanted}
    wheels = sorted(wheels)
    problems = []
    for identifier, spec in sorted(parsed.items()):
        if not any(_covers(wheel, spec) for wheel in wheels):
            problems.append(f"no wheel for {identifier}")
    for wheel in wheels:
        if not any(_covers(wheel, spec) for spec in parsed.values()):
            problems.append(f"{wheel} matches no configured cibuildwheel identifier")
    return wheels, problems
