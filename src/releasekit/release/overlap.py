"""Read-only steps side by side: the preflight checks, the package check and the tests run at once.

Each step marked ``beside_next`` runs beside the step after it, so a chain of them runs as
one group. They change nothing outside the run's temporary directory (a ``git fetch``
updates remote-tracking refs only), so they may overlap; the journal does not notice. A
step's entry is written once it and every step before it in the group have ended well: the
journal lists them in checklist order whatever finishes first, and a run killed at any
moment resumes at the first step not journaled. The first failure stops the other steps
(their processes are killed) and is the one raised.

Notes go to the step whose work wrote them, also from the threads a step starts
(:func:`releasekit.parallel.run_jobs` carries the context variable along).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence

from releasekit.parallel import Job, cores, run_jobs
from releasekit.release.context import Context, Step

Numbered = tuple[int, Step]
Report = Callable[[int, Step, str, str], None]  # number, step, status, detail (the runner's Event)

_NOTE: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar("releasekit_note", default=None)


def walk_group(
    ctx: Context,
    group: Sequence[Numbered],
    report: Report,
    complete: Callable[[int, Step, str], None],
) -> None:
    """Run the steps of ``group`` side by side; ``complete`` journals and reports a step that ended well."""
    main_note = ctx.note
    errors: dict[str, BaseException] = {}
    results: dict[str, str] = {}
    ended: set[str] = set()
    journaled = [0]  # how many of the group's steps are journaled, in order
    lock = threading.Lock()
    before_last = {step.name for _, step in group[:-1]}
    ready = threading.Event()  # the steps before the last have ended (the tests may wait for the package check)

    def note(message: str) -> None:
        (_NOTE.get() or main_note)(message)

    def flush() -> None:
        # The leading steps that have all ended well get their entries, in checklist order.
        with lock:
            while journaled[0] < len(group) and group[journaled[0]][1].name in results:
                number, step = group[journaled[0]]
                journaled[0] += 1
                complete(number, step, results[step.name])

    def step_job(number: int, step: Step) -> Callable[[], str]:
        def job() -> str:
            token = _NOTE.set(_note_for(report, number, step))
            try:
                detail = step.run(ctx)
            except BaseException as exc:
                errors[step.name] = exc
                raise
            finally:
                _NOTE.reset(token)
                ended.add(step.name)
                if before_last <= ended:
                    ready.set()
            results[step.name] = detail
            flush()
            return detail

        return job

    jobs = [Job(step.name, step_job(number, step)) for number, step in group]
    by_name = {step.name: (number, step) for number, step in group}
    ctx.note, ctx.head_wheel_ready = note, ready
    try:
        run_jobs(jobs, max(len(group), cores()), lambda job: report(*by_name[job.name], "start", ""))
    except BaseException as failure:
        culprit = next((by_name[name][1] for name, error in errors.items() if error is failure), None)
        for number, step in group:
            error = errors.get(step.name)
            if error is failure:
                report(number, step, "failed", str(error).splitlines()[0] if str(error) else type(error).__name__)
            elif error is not None:
                report(number, step, "skipped", f"stopped: {culprit.title} failed" if culprit else "stopped")
            elif step.name in results and number > done_before(group, journaled[0]):
                # It ended well after a step before it failed: not journaled, so it runs again next time.
                report(number, step, "skipped", f"not kept: {culprit.title} failed" if culprit else "not kept")
        raise
    finally:
        ctx.note, ctx.head_wheel_ready = main_note, None
    flush()


def done_before(group: Sequence[Numbered], journaled: int) -> int:
    """The number of the last step of ``group`` journaled (0 when none is)."""
    return group[journaled - 1][0] if journaled else 0


def _note_for(report: Report, number: int, step: Step) -> Callable[[str], None]:
    def note(message: str) -> None:
        report(number, step, "note", message)

    return note
