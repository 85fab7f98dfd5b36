"""One way to run a process: output captured, failures raised as CommandError."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from releasekit import environment
from releasekit.errors import CommandError, ReleasekitError, StepFailed, redact, secrets_from_env

if TYPE_CHECKING:
    import subprocess

ECHO = False
"""``-v``: every command run is said on stderr when it ends, with its exit code and time (secrets masked)."""

_WATCHED: dict[int, tuple[Stoppable, ...]] = {}  # thread id -> the stoppable work that thread does (outermost first)


class Stoppable:
    """The bounded children of some work running in other threads, so that one can stop them all.

    A thread inside :meth:`watching` puts every child :func:`run` starts with a ``timeout`` here;
    :meth:`stop` kills their process groups, and every one started later, at once. Work
    nests: a thread watched for ``inner`` on behalf of ``outer`` (see :func:`watched_by`)
    is stopped by either.
    """

    def __init__(self) -> None:
        self.children: set[subprocess.Popen[str]] = set()
        self.stopped = False

    @contextlib.contextmanager
    def watching(self, outer: tuple[Stoppable, ...] = ()) -> Iterator[None]:
        """Within the block, this thread's bounded children belong to this work (and to ``outer``)."""
        import _thread

        ident = _thread.get_ident()
        _WATCHED[ident] = (*outer, self)
        try:
            yield
        finally:
            _WATCHED.pop(ident, None)

    def stop(self) -> None:
        """Kill the process group of every child running now, and of every one started from now on."""
        self.stopped = True
        for child in list(self.children):
            _kill_group(child)


def watched_by() -> tuple[Stoppable, ...]:
    """The stoppable work the calling thread does, for the threads it starts to join."""
    import _thread

    return _WATCHED.get(_thread.get_ident(), ())


_PRCTL: list[Any] = []  # libc's prctl, looked up once (None where there is none)
# git's subcommands that talk to a remote; its other commands are quick, local, and many.
_GIT_NETWORK = frozenset({"push", "fetch", "pull", "ls-remote", "clone"})


def _worth_arming(argv: Sequence[str]) -> bool:
    """Whether ``argv`` may run long enough to outlive us: all but git's local commands.

    A child armed with PR_SET_PDEATHSIG is started by fork (``preexec_fn``) rather than
    vfork: about ten times the cost, which a release's hundred local git queries (each
    done in milliseconds, their effects covered by the journal) need not pay.
    """
    if os.path.basename(argv[0]) != "git":
        return True
    return any(arg in _GIT_NETWORK for arg in argv[1:3])


def _dies_with_us(argv: Sequence[str]) -> Callable[[], None] | None:
    """On Linux, what a child runs before its program: the kernel kills it (SIGKILL) when releasekit dies.

    ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: a release killed with SIGKILL (or any crash) takes
    twine, build, pip, uv and git with it instead of leaving them running. A child whose
    parent is already gone by then ends at once. Elsewhere, and for git's local commands
    (``_worth_arming``), None (nothing is armed). The signal reaches the child itself; what
    it started in turn is not covered.
    """
    if not sys.platform.startswith("linux") or not _worth_arming(argv):
        return None
    if not _PRCTL:
        import ctypes

        try:
            _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
        except (OSError, AttributeError):
            _PRCTL.append(None)
    prctl, parent = _PRCTL[0], os.getpid()
    if prctl is None:
        return None

    def arm() -> None:  # in the child, between fork and exec: no import, nothing to speak of allocated
        if prctl(1, 9) != 0 or os.getppid() != parent:  # PR_SET_PDEATHSIG is 1, SIGKILL 9 on Linux
            os._exit(125)

    return arm


def _kill_group(child: subprocess.Popen[str]) -> None:
    import signal

    with contextlib.suppress(OSError):
        os.killpg(child.pid, signal.SIGKILL)


OIDC_REQUEST_VARIABLES = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
DEFAULT_TIMEOUT = 3600.0  # seconds: the bound of a run given none of its own (RELEASEKIT_PROCESS_TIMEOUT)


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str | None] | None = None,
    check: bool = True,
    secrets: Iterable[str] = (),
    input: str | None = None,
    timeout: float | None = None,
    oidc: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``, capture its output as text, and raise CommandError when it fails.

    The CI job's OIDC request variables (which can mint an upload token) reach the
    process only with ``oidc=True``: the signer, and twine when it exchanges the identity itself.

    ``env`` is added to the current environment (a None value removes the variable). Secrets found in the environment,
    and any passed in ``secrets``, are masked in the error. A command still running after
    ``timeout`` seconds is killed with its process group and fails like one that exited with
    an error. Without a ``timeout`` no wait is unbounded either: the command stays in
    releasekit's process group (a terminal's prompts and Ctrl-C reach it) and is killed after
    RELEASEKIT_PROCESS_TIMEOUT seconds (``DEFAULT_TIMEOUT``).
    """
    import subprocess  # here, not at the top: the hooks' fast paths start no process

    argv = [os.fspath(part) for part in cmd]
    if not oidc and any(name in os.environ for name in OIDC_REQUEST_VARIABLES):
        env = {**(env or {}), **dict.fromkeys(OIDC_REQUEST_VARIABLES)}
    full_env = None if env is None else {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    started = _clock() if ECHO else 0.0
    try:
        if timeout is None:
            limit = environment.seconds("RELEASEKIT_PROCESS_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT
            try:
                proc = subprocess.run(
                    argv,
                    cwd=cwd,
                    env=full_env,
                    capture_output=True,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    input=input,
                    stdin=None if input is not None else subprocess.DEVNULL,
                    timeout=limit,
                    preexec_fn=_dies_with_us(argv),
                )
            except subprocess.TimeoutExpired as exc:  # subprocess.run has killed it and waited
                parts = (exc.output, exc.stderr)
                said = "".join(p.decode(errors="replace") if isinstance(p, bytes) else p or "" for p in parts)
                tail = f"{said.rstrip()}\nstopped: still running after {limit:g} s"
                raise CommandError(argv, -1, tail, [*secrets_from_env(full_env), *secrets]) from None
        else:
            proc = _run_bounded(argv, cwd, full_env, input, timeout, [*secrets_from_env(full_env), *secrets])
    except FileNotFoundError as exc:
        raise ReleasekitError(f"{argv[0]}: command not found; install it or check PATH") from exc
    if ECHO:
        _echo(argv, proc.returncode, _clock() - started, [*secrets_from_env(full_env), *secrets])
    if check and proc.returncode != 0:
        known = [*secrets_from_env(full_env), *secrets]
        raise CommandError(argv, proc.returncode, proc.stdout + proc.stderr, known)
    return proc


def _clock() -> float:
    import time

    return time.monotonic()


def _echo(argv: list[str], code: int, seconds: float, secrets: list[str]) -> None:
    import shlex

    sys.stderr.write(redact(f"releasekit: ran {shlex.join(argv)} (exit {code}, {seconds:.1f} s)", secrets) + "\n")
    sys.stderr.flush()


def _run_bounded(
    argv: list[str],
    cwd: str | os.PathLike[str] | None,
    env: dict[str, str] | None,
    input: str | None,
    timeout: float,
    secrets: list[str],
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in a process group of its own, and stop the whole group after ``timeout`` seconds.

    A test runner (nox, tox) starts processes of its own; killing only the runner would
    leave them running.
    """
    import _thread
    import subprocess

    child = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
        preexec_fn=_dies_with_us(argv),
    )
    watch = _WATCHED.get(_thread.get_ident(), ())
    for work in watch:
        work.children.add(child)
    if any(work.stopped for work in watch):
        _kill_group(child)
    try:
        out, err = child.communicate(input, timeout=timeout)
    except BaseException as exc:  # the timeout, or Ctrl-C: the group must not outlive us
        _kill_group(child)
        try:  # a process that left the group may still hold the pipes: wait a little, not forever
            out, err = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = "", ""
        if isinstance(exc, subprocess.TimeoutExpired):
            tail = f"{out}{err}\nstopped: still running after {timeout:g} s"
            raise CommandError(argv, -1, tail, secrets) from None
        raise
    finally:
        for work in watch:
            work.children.discard(child)
    return subprocess.CompletedProcess(argv, child.returncode, out, err)


def python_module(module: str, *args: str | os.PathLike[str], python: str | Path | None = None) -> list[str]:
    """The command line for ``python -m module args``, so PATH never matters."""
    return [os.fspath(python or sys.executable), "-m", module, *(os.fspath(a) for a in args)]


@contextlib.contextmanager
def failing_as(what: str, *, hint: str = "") -> Iterator[None]:
    """Turn a command that fails inside the block into one StepFailed naming ``what``.

    The message reads "<what> failed (exit code N)", then ``hint`` (what the user can do
    about it) when given, then the tail of the command's output, with secrets masked.
    """
    try:
        yield
    except CommandError as exc:
        extra = f"; {hint}" if hint else ""
        raise StepFailed(f"{what} failed (exit code {exc.returncode}){extra}:\n{exc.output}") from None
