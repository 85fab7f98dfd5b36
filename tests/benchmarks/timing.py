"""Wall-clock timing of whole commands against their peers, reported as medians (the machines are noisy).

A figure against a peer is only fair when both ran under the same conditions, so
``compare`` is the one way to take them: every case gets the same warm-up, then the
timed rounds run every case once each, in an order that rotates from round to round
(no case always runs first, or right after the same neighbour), so all of them see the
same machine load, caches and time of day. ``report`` prints the medians and the ratio.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """One thing to time: ``run`` is timed; ``prepare`` and ``check``, when given, run untimed before and after it."""

    run: Callable[[], object]
    prepare: Callable[[], object] | None = None
    check: Callable[[], object] | None = None


def user_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a user's command sees: this one without the test run's own settings, plus ``env``.

    No ``PYTHON*`` variable: users' installs have bytecode caches, which the warm-up runs
    write, as they would (no PYTHONDONTWRITEBYTECODE). No ``COVERAGE_*``: no interpreter
    starts under coverage.
    """
    full = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COVERAGE_"))}
    full.update(env or {})
    return full


def command(
    cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, expect: int | None = 0
) -> Callable[[], subprocess.CompletedProcess[str]]:
    """Running ``cmd`` in ``cwd``, output captured; ``expect`` asserts the exit code, so a benchmark
    never times a command that failed."""
    full_env = user_env(env)

    def run() -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(list(cmd), cwd=cwd, env=full_env, capture_output=True, text=True, check=False)
        if expect is not None and proc.returncode != expect:
            raise AssertionError(
                f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}:\n{proc.stdout!r}\n{proc.stderr!r}"
            )
        return proc

    return run


def compare(
    cases: Mapping[str, Case | Callable[[], object]], *, rounds: int, warmup: int = 2
) -> dict[str, list[float]]:
    """The wall times of ``rounds`` runs of every case, after ``warmup`` untimed runs of each.

    Warm-up and timed rounds are interleaved alike: round ``r`` runs the cases in their
    given order rotated by ``r``. At least one warm-up and three rounds: a median of fewer
    says nothing, and a cold first run would count against whichever case came first.
    """
    if warmup < 1 or rounds < 3:
        raise ValueError(f"compare needs warmup >= 1 and rounds >= 3, not {warmup} and {rounds}")
    named = {name: case if isinstance(case, Case) else Case(case) for name, case in cases.items()}
    names = list(named)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(warmup + rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            case = named[name]
            if case.prepare is not None:
                case.prepare()
            start = time.perf_counter()
            case.run()
            elapsed = time.perf_counter() - start
            if case.check is not None:
                case.check()
            if r >= warmup:
                times[name].append(elapsed)
    return times


def medians(times: Mapping[str, Sequence[float]]) -> dict[str, float]:
    return {name: statistics.median(samples) for name, samples in times.items()}


def ratio_line(title: str, times: Mapping[str, Sequence[float]], ours: str, peer: str) -> float:
    """Print the two medians and their ratio (``ours`` over ``peer``), and return the ratio."""
    m = medians(times)
    ratio = m[ours] / m[peer]
    n = len(times[ours])
    print(
        f"{title}: {ours} median {m[ours] * 1000:.1f} ms; {peer} median {m[peer] * 1000:.1f} ms; "
        f"ratio {ratio:.3f}x (medians of {n} interleaved rounds)"
    )
    return ratio


def median_seconds(
    cmd: Sequence[str],
    *,
    cwd: Path,
    runs: int = 21,
    warmup: int = 2,
    env: Mapping[str, str] | None = None,
    expect: int | None = None,
) -> float:
    """The median wall time of ``cmd`` alone, for a figure with no peer (start-up, a cached answer).

    A figure set against a peer's comes from ``compare``, never from two calls of this.
    """
    return statistics.median(
        compare({"cmd": command(cmd, cwd=cwd, env=env, expect=expect)}, rounds=runs, warmup=warmup)["cmd"]
    )


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
    """The median wall time of each of ``cmds``, taken by ``compare`` (the same warm-up, rounds interleaved)."""
    cases = {name: command(cmd, cwd=cwd, expect=expect) for name, cmd in cmds.items()}
    return medians(compare(cases, rounds=rounds, warmup=warmup))
