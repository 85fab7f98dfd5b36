"""A read-only step beside the next one: the package check runs while the tests do.

Both steps change nothing outside the run's temporary directory, so they may overlap; the
journal does not notice. The first step's entry is written when it ends, the second's
only once both have ended: the journal lists them in checklist order whatever finishes
first, and a run killed at any moment resumes at the first step not journaled. The first
failure stops the other step (its processes are killed) and is the one raised.
"""

from __future__ import annotations

import _thread
import threading
from collections.abc import Callable

from releasekit.release.context import Context, Step
from releasekit.release.parallel import Job, cores, run_jobs

Numbered = tuple[int, Step]
Report = Callable[[int, Step, str, str], None]  # number, step, status, detail (the runner's Event)


def walk_pair(
    ctx: Context,
    first: Numbered,
    second: Numbered,
    report: Report,
    complete: Callable[[int, Step, str], None],
) -> None:
    """Run ``first`` beside ``second``; ``complete`` journals and reports a step that ended well."""
    main_note = ctx.note
    notes: dict[int, Callable[[str], None]] = {}
    errors: dict[str, BaseException] = {}
    ready = threading.Event()

    def note(message: str) -> None:
        notes.get(_thread.get_ident(), main_note)(message)

    def step_job(number: int, step: Step, own_note: Callable[[str], None] | None) -> Callable[[], str]:
        def job() -> str:
            if own_note is not None:
                notes[_thread.get_ident()] = own_note
            try:
                detail = step.run(ctx)
            except BaseException as exc:
                errors[step.name] = exc
                raise
            finally:
                if own_note is not None:
                    ready.set()
                    notes.pop(_thread.get_ident(), None)
            if own_note is not None:  # the first step: journaled as soon as it ends
                complete(number, step, detail)
            return detail

        return job

    (n1, s1), (n2, s2) = first, second
    first_note = _note_for(report, n1, s1)
    jobs = [Job(s1.name, step_job(n1, s1, first_note)), Job(s2.name, step_job(n2, s2, None))]
    by_name = {s1.name: first, s2.name: second}
    ctx.note, ctx.head_wheel_ready = note, ready
    try:
        results = run_jobs(jobs, max(2, cores()), lambda job: report(*by_name[job.name], "start", ""))
    except BaseException as failure:
        culprit = next((by_name[name][1] for name, error in errors.items() if error is failure), None)
        for number, step in (first, second):
            error = errors.get(step.name)
            if error is failure:
                report(number, step, "failed", str(error).splitlines()[0] if str(error) else type(error).__name__)
            elif error is not None:
                report(number, step, "skipped", f"stopped: {culprit.title} failed" if culprit else "stopped")
        raise
    finally:
        ctx.note, ctx.head_wheel_ready = main_note, None
    complete(n2, s2, results[s2.name])


def _note_for(report: Report, number: int, step: Step) -> Callable[[str], None]:
    def note(message: str) -> None:
        report(number, step, "note", message)

    return note
