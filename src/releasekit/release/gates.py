"""The release's test gates: what runs each phase of the checklist's testing, in the project's own way.

For each phase (:data:`PHASES`) the gate is, in this order: what ``[tool.releasekit.gates]``
maps it to; the project's nox session of that name; its tox environment of that name (for
``tests``: what a plain ``tox`` runs); else releasekit's fallback, pytest in a fresh
environment with the project's test dependencies (:mod:`releasekit.release.testenv`). A phase with
none of these is *not configured*, and says so.

This module only decides; :mod:`releasekit.release.steps.tests` runs the gates and reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from releasekit.bounded import loads_json
from releasekit.config import read_pyproject, table
from releasekit.errors import CommandError, ReleasekitError, StepFailed
from releasekit.gatesconfig import PHASES, SKIPPABLE, Gate, GatesConfig, valid_name
from releasekit.process import python_module, run
from releasekit.release import sharedenv, testenv

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any

MARKER_PHASES = ("integration", "benchmark")  # run by pytest marker when nothing else runs them
TOX_FILES = ("tox.ini", "tox.toml")


# --- what the project has ----------------------------------------------------------------------


def nox_sessions(root: Path) -> set[str]:
    """The names of the project's nox sessions among :data:`PHASES` (none without a noxfile.py)."""
    return set(nox_listing(root))


def nox_listing(root: Path) -> dict[str, set[str]]:
    """The project's nox sessions among :data:`PHASES`, with their tags (none without a noxfile.py)."""
    if not (root / "noxfile.py").is_file():
        return {}
    # --script-mode none: the noxfile's PEP 723 block must not pull another releasekit.
    cmd = python_module("nox", "--script-mode", "none", "--list", "--json", "-k", " or ".join(PHASES))
    try:
        proc = run(cmd, cwd=root, timeout=300)
    except CommandError as exc:
        raise StepFailed(f"noxfile.py: nox cannot list its sessions:\n{exc.output}") from None
    try:
        sessions = loads_json(proc.stdout or "[]", source="nox --list --json")
    except ReleasekitError:
        raise StepFailed(f"noxfile.py: unexpected output of nox --list --json: {proc.stdout[:200]!r}") from None
    found: dict[str, set[str]] = {}
    for entry in sessions if isinstance(sessions, list) else []:
        if isinstance(entry, dict) and entry.get("name") in PHASES:
            tags = entry.get("tags")
            found[str(entry["name"])] = {str(t) for t in tags} if isinstance(tags, list) else set()
    return found


def has_tox_config(root: Path, *, data: Mapping[str, Any] | None = None) -> bool:
    """Whether the project configures tox: tox.ini, tox.toml, or ``[tool.tox]`` in pyproject.toml.

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise).
    """
    if any((root / name).is_file() for name in TOX_FILES):
        return True
    data = read_pyproject(root, required=False) if data is None else data
    return table(data, "tool.tox") is not None


def tox_envs(root: Path, *, data: Mapping[str, Any] | None = None) -> tuple[list[str], list[str]]:
    """The project's tox environments: (those a plain ``tox`` runs, all of them), as tox lists them.

    ``data`` is the parsed pyproject.toml when the caller has it (read here otherwise).
    """
    if not has_tox_config(root, data=data):
        return [], []
    try:
        proc = run(python_module("tox", "list"), cwd=root, timeout=300)
    except CommandError as exc:
        raise StepFailed(f"tox cannot list the project's environments:\n{exc.output}") from None
    default: list[str] = []
    every: list[str] = []
    section = None
    for line in proc.stdout.splitlines():
        if line.rstrip().endswith("environments:"):
            section = "default" if line.startswith("default") else "other"
            continue
        name = line.split(" -> ")[0].strip()
        if section is None or not valid_name(name):
            continue
        every.append(name)
        if section == "default":
            default.append(name)
    return default, every


# --- deciding ----------------------------------------------------------------------------------


def resolve(
    root: Path,
    gates: GatesConfig,
    *,
    nox: set[str] | None = None,
    tox: tuple[list[str], list[str]] | None = None,
    shared: set[str] | None = None,
) -> list[Gate]:
    """The gate of every phase, in :data:`PHASES` order.

    ``nox`` names the project's sessions and ``shared`` those of them that are releasekit's
    own, registered with their defaults (read from nox when ``nox`` is not given): those run
    in one shared environment (:mod:`releasekit.release.sharedenv`), the others through nox.
    """
    data = read_pyproject(root, required=False)  # once, for every phase
    if nox is None:
        listing = nox_listing(root)
        sessions = set(listing)
        shared = {name for name, tags in listing.items() if sharedenv.TAG in tags} if shared is None else shared
    else:
        sessions = nox
    shared = shared or set()
    default_envs, all_envs = tox_envs(root, data=data) if tox is None else tox
    chosen = []
    for phase in PHASES:
        spec = gates.spec(phase)
        if spec is not None and spec.kind == "off":
            chosen.append(Gate(phase, "off", reason="turned off in [tool.releasekit.gates]"))
        elif spec is not None and spec.kind == "pytest":
            chosen.append(testenv.fallback(root, phase, forced=True, data=data))
        elif spec is not None:
            chosen.append(Gate(phase, spec.kind, spec.args))
        elif phase in sessions:
            chosen.append(Gate(phase, "shared" if phase in shared else "nox", (phase,)))
        elif phase in all_envs:
            chosen.append(Gate(phase, "tox", (phase,)))
        elif phase == "tests" and _default_tox_envs(default_envs, gates):
            chosen.append(Gate(phase, "tox", tuple(_default_tox_envs(default_envs, gates))))
        else:
            chosen.append(testenv.fallback(root, phase, data=data))
    return chosen


def _default_tox_envs(default: Sequence[str], gates: GatesConfig) -> list[str]:
    # What a plain `tox` runs, less the environments that are other phases' gates.
    others = set(PHASES) | {name for spec in gates.specs if spec.kind == "tox" for name in spec.args}
    return [name for name in default if name not in others]


def parse_skip(values: Sequence[str]) -> tuple[str, ...]:
    """The phases ``--skip`` names (comma-separated, repeatable), checked, in checklist order."""
    named = {part.strip() for value in values for part in value.split(",") if part.strip()}
    unknown = sorted(named - set(SKIPPABLE))
    if unknown:
        raise ReleasekitError(f"--skip {','.join(unknown)}: no such phase; phases are {', '.join(SKIPPABLE)}")
    return tuple(name for name in SKIPPABLE if name in named)
