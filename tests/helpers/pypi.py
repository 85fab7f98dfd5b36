"""Real pypiserver processes on 127.0.0.1, on free ports.

The package indexes of releasekit's tests, of ``nox -s demo`` and of the benchmarks:
a TestPyPI and a PyPI stand-in that never leave this machine. This is test
infrastructure, kept out of the releasekit package; the demo imports it from here. pypiserver itself (and
passlib, for a password) must be installed: ``pip install 'pypiserver[passlib]'``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LocalIndex:
    """A running pypiserver: where to upload, where to install from, and its package dir."""

    name: str
    port: int
    packages: Path
    username: str | None
    password: str | None
    process: subprocess.Popen[bytes]

    @property
    def upload_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def simple_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple/"

    def env(self, prefix: str = "RELEASEKIT_") -> dict[str, str]:
        """The RELEASEKIT_*_URL variables that point releasekit at this index."""
        return {f"{prefix}UPLOAD_URL": self.upload_url, f"{prefix}SIMPLE_URL": self.simple_url}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _htpasswd(path: Path, username: str, password: str) -> None:
    # passlib ships no type information; pypiserver needs it to read the file anyway.
    apache = importlib.import_module("passlib.apache")
    ht = apache.HtpasswdFile(str(path), new=True)
    ht.set_password(username, password)
    ht.save()


@contextlib.contextmanager
def pypiserver(
    packages: Path,
    *,
    name: str = "index",
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
) -> Iterator[LocalIndex]:
    """Run pypiserver on 127.0.0.1 serving ``packages`` until the block ends.

    With a username and password, uploads need them (an htpasswd file); without, anyone
    may upload. The fallback to pypi.org is off, so nothing leaves this machine.
    """
    packages.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port), "--disable-fallback"]
    cmd += ["--log-stream", "none", "--hash-algo", "sha256"]
    if username and password:
        htpasswd = packages.parent / f".{name}-htpasswd"
        _htpasswd(htpasswd, username, password)
        cmd += ["-P", str(htpasswd), "-a", "update"]
    else:
        cmd += ["-P", ".", "-a", "."]
    cmd.append(str(packages))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    index = LocalIndex(name, port, packages, username, password, proc)
    try:
        _wait_ready(index, proc, timeout)
        yield index
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(index: LocalIndex, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pypiserver {index.name} exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{index.port}/health", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"pypiserver {index.name} was not ready after {timeout} s")
