"""The hash-locked requirements file the release workflow installs releasekit from.

``releasekit init --ci github`` writes ``.github/releasekit-requirements.txt``: releasekit
at the version that ran init and everything it needs, each pinned with the sha256 of
every file the index offers for it, so the workflow's ``pip install --require-hashes``
installs exactly those bytes or nothing. It is resolved by ``uv pip compile`` for the
workflow's runner (CPython of the version running init, x86-64 Linux), from the index uv
is configured with (``UV_DEFAULT_INDEX``, ``UV_INDEX_URL`` or uv's own configuration;
PyPI by default); Dependabot's ``pip`` ecosystem, or init run again, keeps it current.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from releasekit import __version__
from releasekit.ci.actions import ACTIONS
from releasekit.errors import CommandError, ReleasekitError
from releasekit.process import run
from releasekit.venvs import uv

REQUIREMENTS_PATH = ".github/releasekit-requirements.txt"
PLATFORM = "x86_64-manylinux_2_39"  # GitHub's ubuntu-24.04 runners (glibc 2.39)
COMMAND = "releasekit init --ci github"
# A compiled project's sdist job lists the wheels cibuildwheel must make: the same release as the action's.
CIBUILDWHEEL = "cibuildwheel==" + ACTIONS["cibuildwheel"].version.removeprefix("v")


def python_version() -> str:
    """The Python the workflow's releasekit jobs run on: the one running releasekit here, as X.Y."""
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def requirements(*, compiled: bool = False) -> str:
    """The text of the requirements file: releasekit and its dependencies, every one hash-pinned.

    A ``compiled`` project's file also holds cibuildwheel, which its sdist job asks for the wheel list.
    """
    tool = uv()
    if tool is None:
        raise ReleasekitError(
            f"{REQUIREMENTS_PATH}: writing the hash-locked requirements needs uv (pip install uv), then run init again"
        )
    with tempfile.TemporaryDirectory(prefix="releasekit-lock-") as tmp:
        wanted, out = Path(tmp) / "requirements.in", Path(tmp) / "requirements.txt"
        wanted.write_text(f"releasekit[publish]=={__version__}\n" + (f"{CIBUILDWHEEL}\n" if compiled else ""), "utf-8")
        cmd = [tool, "pip", "compile", "--quiet", "--generate-hashes", "--python-version", python_version()]
        cmd += ["--python-platform", PLATFORM, "--custom-compile-command", COMMAND, "--no-annotate"]
        cmd += ["--refresh-package", "releasekit", "--output-file", os.fspath(out), os.fspath(wanted)]
        try:
            run(cmd, timeout=600)
        except CommandError as exc:
            last = (exc.output.strip().splitlines() or ["(no output)"])[-1]
            raise ReleasekitError(
                f"{REQUIREMENTS_PATH}: uv pip compile could not lock releasekit[publish]=={__version__}: {last}; "
                "run init again where the index is reachable"
            ) from None
        return out.read_text(encoding="utf-8")
