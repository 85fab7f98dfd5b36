"""git started with ``os`` alone, for the hooks: ``subprocess`` costs a fresh interpreter more than the call.

The ``changelog-fragment`` hook makes one git call on every commit (``releasekit.gitdiff``).
Here git is started with ``os.posix_spawnp`` and its two pipes are read with
``select.poll``. Where ``posix_spawnp`` does not exist (Windows), ``releasekit.process.run``
does the work.
"""

from __future__ import annotations

import os


def run_git(cwd: str | os.PathLike[str], *args: str) -> tuple[int, str, str]:
    """``git -C cwd args`` with stdin from /dev/null: ``(exit code, stdout, stderr)``, decoded as UTF-8."""
    if not hasattr(os, "posix_spawnp"):  # pragma: no cover - Windows
        from releasekit.process import run

        proc = run(["git", *args], cwd=cwd, check=False)
        return proc.returncode, proc.stdout, proc.stderr
    import select

    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out_w, 1),
        (os.POSIX_SPAWN_DUP2, err_w, 2),
        # Not 0-2: a pipe end gets one of those when the hook was started with it closed, and
        # the actions above have just made it the child's stdin, stdout or stderr.
        *((os.POSIX_SPAWN_CLOSE, fd) for fd in (out_r, out_w, err_r, err_w) if fd > 2),
    ]
    try:
        # posix_spawn has no working directory: git's -C does that job.
        pid = os.posix_spawnp("git", ["git", "-C", os.fspath(cwd), *args], os.environ, file_actions=actions)
    except FileNotFoundError:
        os.close(out_r)
        os.close(err_r)
        from releasekit.errors import ReleasekitError

        raise ReleasekitError("git: command not found; install it or check PATH") from None
    finally:
        os.close(out_w)
        os.close(err_w)
    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    poller = select.poll()
    for fd in chunks:
        poller.register(fd, select.POLLIN)
    still_open = len(chunks)
    while still_open:
        for fd, _ in poller.poll():
            data = os.read(fd, 1 << 16)
            if data:
                chunks[fd].append(data)
            else:
                poller.unregister(fd)
                os.close(fd)
                still_open -= 1
    _, status = os.waitpid(pid, 0)
    out, err = (b"".join(chunks[fd]).decode("utf-8", "replace") for fd in (out_r, err_r))
    return os.waitstatus_to_exitcode(status), out, err
