"""``[tool.releasekit.gates]`` and the coverage threshold: the settings of the release's test gates.

The configuration reads them (:mod:`releasekit.config`); :mod:`releasekit.release.gates`
decides from them what runs each phase, as a :class:`Gate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from releasekit.errors import ReleasekitError
from releasekit.safefiles import Refused, TooLarge, read_bytes

if TYPE_CHECKING:
    import configparser
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

PHASES = ("tests", "integration", "benchmark", "coverage", "docs", "examples")
"""The test phases of the checklist, in the order the release runs them."""

PACKAGE = "package"
"""The package gate (build from HEAD, twine check, manifest), which ``--skip`` can also name."""

SKIPPABLE = (PACKAGE, *PHASES)
DEFAULT_TIMEOUT = 3600.0
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")


def valid_name(name: str) -> bool:
    """Whether ``name`` can be a nox session or tox environment given on their command lines (no option)."""
    return bool(name) and name[0].isalnum() and name.isascii() and set(name) <= _NAME_CHARS


class GateSpec(NamedTuple):
    """One phase as ``[tool.releasekit.gates]`` maps it."""

    phase: str
    kind: str  # "nox", "tox", "command", "pytest" or "off"
    args: tuple[str, ...] = ()  # the session, the tox envs, or the command's argv


DEFAULT_ALONE = ("benchmark",)
"""The phases that run with no other phase beside them unless ``alone`` says otherwise: timings need a quiet machine."""


class GatesConfig(NamedTuple):
    """``[tool.releasekit.gates]``: the mapped phases, the time each gate may take, and what runs side by side."""

    specs: tuple[GateSpec, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = 0  # phases at a time; 0: one per core
    alone: tuple[str, ...] = DEFAULT_ALONE  # phases that run with nothing beside them

    def spec(self, phase: str) -> GateSpec | None:
        """The mapping of ``phase``, if the project gave one."""
        return next((s for s in self.specs if s.phase == phase), None)


class Gate(NamedTuple):
    """What runs one phase, decided."""

    phase: str
    # "shared": releasekit's own nox session, run in one environment the phases share
    runner: str  # "nox", "shared", "tox", "command", "pytest", "sphinx", "scripts", "off" (turned off), "none"
    args: tuple[str, ...] = ()  # session name, tox env names, argv, or pytest arguments
    reason: str = ""  # why a phase is off or not configured

    @property
    def active(self) -> bool:
        """True when something runs this phase."""
        return self.runner not in ("off", "none")

    def describe(self) -> str:
        """What runs the phase, as the user would type it."""
        if self.runner == "nox":
            return f"nox -s {self.args[0]}"
        if self.runner == "shared":
            return f"releasekit's nox -s {self.args[0]}, in the shared environment"
        if self.runner == "tox":
            return f"tox -e {','.join(self.args)}"
        if self.runner == "command":
            import shlex

            return shlex.join(self.args)
        if self.runner in ("pytest", "sphinx"):
            import shlex

            return shlex.join([{"pytest": "pytest", "sphinx": "sphinx-build"}[self.runner], *self.args])
        if self.runner == "scripts":
            return "python " + ", ".join(self.args)
        return self.reason


# --- [tool.releasekit.gates] -------------------------------------------------------------------


def parse_gates(table: Mapping[str, Any], where: str) -> GatesConfig:
    """Parse ``[tool.releasekit.gates]``; ``where`` names the file in errors.

    A phase maps to ``"nox:SESSION"``, ``"tox:ENV[,ENV...]"``, ``"pytest"`` (releasekit's
    fallback), an array of strings (a command, run without a shell), or ``false`` / ``"off"``.
    ``jobs`` bounds the phases run side by side (1: one after another), and ``alone`` names
    the phases that must run with no other beside them.
    """
    specs = []
    timeout = DEFAULT_TIMEOUT
    jobs, alone = 0, DEFAULT_ALONE
    for key, value in table.items():
        prefix = f"{where}: [tool.releasekit.gates] {key}"
        if key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ReleasekitError(f"{prefix} must be a whole number of phases at a time, 1 or more, not {value!r}")
            jobs = value
            continue
        if key == "alone":
            if not isinstance(value, list) or not all(isinstance(v, str) and v in PHASES for v in value):
                raise ReleasekitError(f"{prefix} must be a list of test phases ({', '.join(PHASES)}), not {value!r}")
            alone = tuple(value)
            continue
        if key == "timeout":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ReleasekitError(f"{prefix} must be a number of seconds above 0, not {value!r}")
            timeout = float(value)
            continue
        specs.append(_parse_spec(key, value, prefix))
    return GatesConfig(tuple(specs), timeout, jobs, alone)


def _parse_spec(phase: str, value: Any, prefix: str) -> GateSpec:
    expected = 'expected "nox:SESSION", "tox:ENV", "pytest", false, or a command as an array of strings'
    if value is False or value == "off":
        return GateSpec(phase, "off")
    if isinstance(value, list):
        if not value or not all(isinstance(part, str) and part for part in value):
            raise ReleasekitError(f"{prefix}: a command is a non-empty array of non-empty strings; {expected}")
        return GateSpec(phase, "command", tuple(value))
    if not isinstance(value, str):
        raise ReleasekitError(f"{prefix} = {value!r}: {expected}")
    if value == "pytest":
        return GateSpec(phase, "pytest")
    kind, sep, rest = value.partition(":")
    if not sep or kind not in ("nox", "tox"):
        raise ReleasekitError(f"{prefix} = {value!r}: {expected}")
    names = tuple(name.strip() for name in rest.split(",")) if kind == "tox" else (rest.strip(),)
    for name in names:
        # The names reach nox's and tox's command lines: no option, no odd characters.
        if not valid_name(name):
            raise ReleasekitError(f"{prefix} = {value!r}: {name!r} is not a {kind} session or environment name")
    return GateSpec(phase, kind, names)


# --- the coverage threshold --------------------------------------------------------------------


def coverage_threshold(root: Path, coverage_report: Mapping[str, Any], own: Mapping[str, Any]) -> float | None:
    """The coverage threshold: ``[tool.releasekit] coverage_fail_under``, else coverage's own ``fail_under``.

    coverage.py reads the first of ``.coveragerc``, ``setup.cfg``, ``tox.ini`` and
    ``pyproject.toml`` that holds its settings; so does this. None when nobody sets one:
    then the coverage gate reports the figure and does not fail.
    """
    value = own.get("coverage_fail_under")
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ReleasekitError(
                f"pyproject.toml: [tool.releasekit] coverage_fail_under must be a number from 0 to 100, not {value!r}"
            )
        return float(value)
    for name, section in ((".coveragerc", "report"), ("setup.cfg", "coverage:report"), ("tox.ini", "coverage:report")):
        parser = _read_ini(root / name)
        if parser is None:
            continue
        if parser.has_option(section, "fail_under"):
            return _threshold(parser.get(section, "fail_under"), f"{name}: [{section}] fail_under")
        if name == ".coveragerc" or any(s.startswith("coverage:") for s in parser.sections()):
            return None  # coverage reads this file and no other one
    if "fail_under" in coverage_report:
        return _threshold(coverage_report["fail_under"], "pyproject.toml: [tool.coverage.report] fail_under")
    return None


def _threshold(value: Any, where: str) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not 0 <= number <= 100:
        raise ReleasekitError(f"{where} must be a number from 0 to 100, not {value!r}")
    return number


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    text = read_small(path)
    if text is None:
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path.name)
    except configparser.Error as exc:
        raise ReleasekitError(f"{path.name}: cannot parse it: {str(exc).splitlines()[0]}") from None
    return parser


def read_small(path: Path) -> str | None:
    """The text of a regular file (not a symlink, FIFO or device), or None when there is no such file.

    These files are contributor-written (``tox.ini``, ``.coveragerc``, ``pytest.ini``): they are
    read through ``releasekit.safefiles``, bounded, and never followed out of the project.
    """
    try:
        data = read_bytes(path.parent, path.name, "config", symlinks=False)
    except TooLarge as exc:
        raise ReleasekitError(str(exc)) from None
    except (Refused, OSError):
        return None
    return data.decode("utf-8", errors="replace")
