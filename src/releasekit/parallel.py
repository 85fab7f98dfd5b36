"""Read-only work side by side, bounded by the cores: the test phases, the build's install checks.

Only work that changes nothing outside its own temporary directories runs here; the steps
with side effects (commit, tag, push, uploads) stay one after another in the runner. The
first job that fails stops the others (their process groups are killed), and its error is
the one raised, as if the jobs had run one after another and that one had failed.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from releasekit.process import Stoppable, watched_by


class Job(NamedTuple):
    """One piece of read-only work."""

    name: str
    run: Callable[[], str]
    lane: str = ""  # jobs of one lane (a shared tox work dir, say) run one after another
    alone: bool = False  # runs at its place in the order with nothing beside it


def cores() -> int:
    """The cores this process may use."""
    counted = getattr(os, "process_cpu_count", None)
    if counted is not None:
        return max(1, counted() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_jobs(jobs: Sequence[Job], workers: int, started: Callable[[Job], None] = lambda job: None) -> dict[str, str]:
    """Run ``jobs``, at most ``workers`` at a time, in their order as far as lanes allow; their results by name.

    ``started`` is told of each job as it starts (from this thread). A job marked
    ``alone`` starts once the jobs before it have ended, and the jobs after it wait for it.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    pending = list(jobs)
    results: dict[str, str] = {}
    if workers <= 1 or len(pending) <= 1:
        for job in pending:
            started(job)
            results[job.name] = job.run()
        return results
    stoppable, outer = Stoppable(), watched_by()
    running: dict[Future[str], Job] = {}
    failure: BaseException | None = None

    def watched(job: Job) -> str:
        with stoppable.watching(outer):
            return job.run()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="releasekit") as pool:
        try:
            while pending or running:
                for job in _ready(pending, running.values(), workers):
                    pending.remove(job)
                    started(job)
                    # Each job in a copy of this thread's context: what it was given to note with, say.
                    running[pool.submit(contextvars.copy_context().run, watched, job)] = job
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    error = future.exception()
                    if error is None:
                        results[job.name] = future.result()
                    elif failure is None:
                        failure = error
                        pending.clear()
                        stoppable.stop()
        except BaseException:  # Ctrl-C: the children must not outlive the run
            pending.clear()
            stoppable.stop()
            raise
    if failure is not None:
        raise failure
    return results


def _ready(pending: list[Job], running: Iterable[Job], workers: int) -> list[Job]:
    busy = list(running)
    chosen: list[Job] = []
    for job in pending:
        active = busy + chosen
        if len(active) >= workers or any(other.alone for other in active):
            break
        if job.alone:
            if not active:
                chosen.append(job)
            break
        if job.lane and any(other.lane == job.lane for other in active):
            continue
        chosen.append(job)
    return chosen
