"""Read-only steps side by side: the preflight checks, the package check and the tests run at once.

Each step marked ``beside_next`` runs beside the step after it, so a chain of them runs as
one group. They change nothing outside the run's temporary directory (a ``git fetch``
updates remote-tracking refs only), so they may overlap; the journal does not notice. A
step's entry is written once it and every step before it in the group have ended well: the
journal lists them in checklist order whatever finishes first, and a run killed at any
moment resumes at the first step not journaled. The first failure stops the other steps
(their processes are killed) and is the one raised.

A first step marked ``holds_next`` (preflight) lets the others start only once it says so
(``Context.next_may_start``: the work tree's files are checked, what is left waits on other
machines) or has ended: a build never opens a file preflight has yet to refuse. When it fails
before that, the others never start.

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
    holder = group[0][1].name if group[0][1].holds_next else None
    may_start = threading.Event()  # the holder let the others start, or ended
    if holder is None:
        may_start.set()

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
            if step.name != holder:
                may_start.wait()  # the holder sets it when it ends, whatever the way
                if holder in errors:
                    errors[step.name] = _NotStarted()
                    raise errors[step.name]
            report(number, step, "start", "")
            token = _NOTE.set(_note_for(report, number, step))
            try:
                detail = step.run(ctx)
            except BaseException as exc:
                errors[step.name] = exc
                raise
            finally:
                _NOTE.reset(token)
                ended.add(step.name)
                if step.name == holder:
                    may_start.set()
                if before_last <= ended:
                    ready.set()
            results[step.name] = detail
            flush()
            return detail

        return job

    jobs = [Job(step.name, step_job(number, step)) for number, step in group]
    by_name = {step.name: (number, step) for number, step in group}
    ctx.note, ctx.head_wheel_ready, ctx.next_may_start = note, ready, may_start.set
    try:
        run_jobs(jobs, max(len(group), cores()))
    except BaseException as raised:
        # A step that never started is not the failure: the holder's is, whichever ended first.
        failure = errors[holder] if isinstance(raised, _NotStarted) and holder is not None else raised
        culprit = next((by_name[name][1] for name, error in errors.items() if error is failure), None)
        for number, step in group:
            error = errors.get(step.name)
            if error is failure:
                report(number, step, "failed", str(error).splitlines()[0] if str(error) else type(error).__name__)
            elif isinstance(error, _NotStarted):
                pass  # never started, never shown: as if the holder had run alone
            elif error is not None:
                report(number, step, "skipped", f"stopped: {culprit.title} failed" if culprit else "stopped")
            elif step.name in results and number > done_before(group, journaled[0]):
                # It ended well after a step before it failed: not journaled, so it runs again next time.
                report(number, step, "skipped", f"not kept: {culprit.title} failed" if culprit else "not kept")
        if failure is raised:
            raise
        raise failure from None
    finally:
        ctx.note, ctx.head_wheel_ready, ctx.next_may_start = main_note, None, _nothing
    flush()


class _NotStarted(Exception):
    """A step of the group that never started: the step holding it back failed."""


def _nothing() -> None:
    """``Context.next_may_start`` outside a group: nothing waits."""


def done_before(group: Sequence[Numbered], journaled: int) -> int:
    """The number of the last step of ``group`` journaled (0 when none is)."""
    return group[journaled - 1][0] if journaled else 0


def _note_for(report: Report, number: int, step: Step) -> Callable[[str], None]:
    def note(message: str) -> None:
        report(number, step, "note", message)

    return note
