"""A test gate's full output, kept in a log under the journal's folder, and the lines of it that say what failed.

A failing gate's last lines are often a linter's or a coverage report's, not the failing
tests. The whole output goes to ``<git dir>/releasekit/logs/<phase>.log`` (secrets masked; a
dry run's to a temporary folder),
and the failure names that file with the lines worth reading: pytest's short test summary
(``FAILED ...``, ``ERROR ...``) and tox's failing environments with their reasons.
"""

from __future__ import annotations

import re
from pathlib import Path

from releasekit.release.journal import DIRNAME

# pytest's "short test summary info" lines (and pytest-cov's threshold), and tox's report of an
# env ("py: FAIL code 1 (...)").
_PYTEST = re.compile(r"^(?:(?:FAILED|ERROR) \S.*|FAIL Required test coverage.*)$", re.MULTILINE)
_TOX = re.compile(r"^\s*(?:[\w.-]+: (?:FAIL|ERROR)\b.*|ERROR: .*)$", re.MULTILINE)
_TAIL = 15  # lines shown when the output names no failing test


def folder(git_dir: Path, *, dry_run: bool = False) -> Path:
    """Where the logs go: ``<git dir>/releasekit/logs``; a dry run, which leaves the repository as it
    was, keeps them in a temporary folder of its own (kept after the run, for reading)."""
    if dry_run:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="releasekit-dry-run-logs-"))
    return git_dir / DIRNAME / "logs"


def write(logs: Path, phase: str, output: str) -> Path:
    """Keep ``output`` (secrets masked already) as the phase's log in the folder ``logs``; return its path."""
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', phase)}.log"
    path.write_text(output, encoding="utf-8")
    return path


def failure_lines(output: str) -> list[str]:
    """What the output says failed: pytest's summary and tox's failing envs, else its last lines."""
    found = [m.group(0).strip() for m in _PYTEST.finditer(output)]
    found += [m.group(0).strip() for m in _TOX.finditer(output) if m.group(0).strip() not in found]
    if found:
        return found[:30] + ([f"... and {len(found) - 30} more"] if len(found) > 30 else [])
    return output.strip().splitlines()[-_TAIL:]
