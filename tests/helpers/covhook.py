"""Coverage for the processes that run releasekit, and for no others.

``nox -s tests`` measures releasekit in every process the tests start: the ``releasekit``
command, and the nox, tox and pre-commit processes that import it. The tests also start
many Python processes that never run a line of releasekit (pypiserver, twine, pip, build,
bump-my-version, towncrier); starting coverage in each of them costs about 0.15 s of CPU
at start-up and slows everything it runs, for no data. So coverage is not started when a
process starts (coverage's own ``COVERAGE_PROCESS_START`` hook, which the tests session
does not set) but when it first imports ``releasekit``, before any of releasekit's code runs.

How: ``python tests/helpers/covhook.py`` (the tests session runs it) writes this file into
the interpreter's site-packages with a ``.pth`` line that loads it when
``RELEASEKIT_TESTS_COVERAGE`` names coverage's configuration file. It then puts a finder
first on ``sys.meta_path``; the import of ``releasekit`` starts coverage with that
configuration (data files in the configuration file's directory, as ``coverage combine``
expects them) and removes the finder. A process under ``coverage run`` keeps its own
measurement. A test that must run releasekit without coverage removes the variable.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from importlib.abc import MetaPathFinder
from pathlib import Path
from types import ModuleType
from typing import Any

VARIABLE = "RELEASEKIT_TESTS_COVERAGE"
MODULE = "_releasekit_tests_covhook"
PTH = f"import os; os.environ.get({VARIABLE!r}) and __import__({MODULE!r}).install()\n"


def _start(config: str) -> None:
    import coverage  # here: only a process that runs releasekit pays for the import

    if coverage.Coverage.current() is not None:
        return  # `coverage run` measures this process already
    saved = {name: os.environ.get(name) for name in ("COVERAGE_PROCESS_START", "COVERAGE_FILE")}
    # process_startup reads its configuration from the environment; children must not
    # inherit it (they start coverage through this hook, when they import releasekit).
    os.environ["COVERAGE_PROCESS_START"] = config
    os.environ["COVERAGE_FILE"] = str(Path(config).parent / ".coverage")
    try:
        coverage.process_startup()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _OnImport(MetaPathFinder):
    """Starts coverage when ``releasekit`` is imported; finds nothing itself."""

    def find_spec(self, fullname: str, path: Any = None, target: ModuleType | None = None) -> None:
        if fullname == "releasekit" or fullname.startswith("releasekit."):
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            config = os.environ.get(VARIABLE)
            if config:
                _start(config)
        return None


def install() -> None:
    """Start coverage when this process imports releasekit (called by the ``.pth`` line)."""
    if not any(isinstance(finder, _OnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OnImport())


def write(site_packages: Path) -> None:
    """Put this module and its ``.pth`` line into ``site_packages``."""
    (site_packages / f"{MODULE}.py").write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")
    (site_packages / f"{MODULE}.pth").write_text(PTH, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sysconfig.get_paths()["purelib"]))
