"""Wall-clock timing of whole commands, reported as medians (the machines are noisy)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def median_seconds(
    cmd: Sequence[str],
    *,
    cwd: Path,
    runs: int = 21,
    warmup: int = 2,
    env: Mapping[str, str] | None = None,
    expect: int | None = None,
) -> float:
    """Run ``cmd`` ``warmup + runs`` times and return the median wall time of the timed runs.

    ``expect`` asserts the exit code, so a benchmark never times a command that failed.
    """
    # Users' installs have bytecode caches; let the warm-up runs write them, as they would.
    full_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    full_env.update(env or {})
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        if expect is not None and proc.returncode != expect:
            raise AssertionError(
                f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}:\n{proc.stdout!r}\n{proc.stderr!r}"
            )
        if i >= warmup:
            times.append(elapsed)
    return statistics.median(times)


def report(title: str, ours: float, peer: float | None = None, peer_name: str = "") -> str:
    """One printed line of figures: our median, the peer's, and the ratio."""
    line = f"{title}: releasekit median {ours * 1000:.1f} ms"
    if peer is not None:
        line += f"; {peer_name} median {peer * 1000:.1f} ms; ratio {ours / peer:.3f}x"
    print(line)
    return line


def interleaved_medians(
    cmds: Mapping[str, Sequence[str]],
    *,
    cwd: Path,
    rounds: int = 5,
    warmup: int = 1,
    expect: int | None = None,
) -> dict[str, float]:
    """The median wall time of each of ``cmds``, run in turn round after round.

    Every command gets the same warm-up runs first, then one run per round, interleaved:
    a spell of load on a shared machine falls on all of them alike, not on one.
    """
    full_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for round_ in range(warmup + rounds):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, check=False)
            elapsed = time.perf_counter() - start
            if expect is not None and proc.returncode != expect:
                raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}:\n{proc.stderr!r}")
            if round_ >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(each) for name, each in times.items()}
