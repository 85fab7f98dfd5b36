"""Fresh virtual environments for install checks: uv when it is there, venv and pip otherwise."""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit import environment
from releasekit.process import failing_as, run

if TYPE_CHECKING:
    from releasekit.config import Index


def uv() -> str | None:
    """The uv executable, or None. ``RELEASEKIT_NO_UV=1`` turns uv off."""
    if environment.flag("RELEASEKIT_NO_UV"):
        return None
    return shutil.which("uv")


def python_of(venv: Path) -> Path:
    """The interpreter of ``venv``."""
    if sys.platform == "win32":  # pragma: no cover
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def create(venv: Path, *, with_pip: bool = False) -> Path:
    """Create an empty virtual environment at ``venv`` and return its interpreter."""
    tool = uv()
    if tool and not with_pip:
        run([tool, "venv", "--quiet", "--python", sys.executable, os.fspath(venv)])
    else:
        run([sys.executable, "-m", "venv", os.fspath(venv)])
    return python_of(venv)


def install(python: Path, args: Sequence[str], *, secrets: Sequence[str] = ()) -> None:
    """``pip install args`` into the environment of ``python`` (through uv when there is uv)."""
    tool = uv()
    if tool:
        run([tool, "pip", "install", "--quiet", "--python", os.fspath(python), *args], secrets=secrets)
    else:
        run(
            [os.fspath(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
            secrets=secrets,
        )


def import_names(wheel: Path) -> list[str]:
    """The top-level modules and packages a wheel installs."""
    names: set[str] = set()
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            top = member.split("/", 1)[0]
            if top.endswith((".dist-info", ".data")):
                continue
            if "/" in member and member.endswith("/__init__.py") and member.count("/") == 1:
                names.add(top)
            elif "/" not in member and member.endswith(".py"):
                names.add(member[:-3])
    return sorted(names)


def check_import(python: Path, names: Sequence[str]) -> None:
    """Import ``names`` with ``python`` from outside any source tree."""
    if not names:
        return
    run([os.fspath(python), "-I", "-c", "import " + ", ".join(names)], cwd=python.parent)


def install_from(
    index: Index, extra: Index | None, project: str, version: str, names: list[str], venv: Path, secrets: Sequence[str]
) -> None:
    """Install ``project==version`` from ``index`` into a fresh venv and import ``names``.

    With ``extra`` (the production index, when ``index`` is the test index), only the project
    itself comes from ``index`` (``--no-deps``) and its dependencies from ``extra`` alone: a
    package on the test index named like a dependency is never installed.
    """
    fresh = ["--refresh-package", project] if uv() else ["--no-cache-dir"]
    with failing_as(f"{index.name}: installing {project}=={version} from it"):
        python = create(venv)
        if extra is None:
            install(python, ["--index-url", index.simple_url, *fresh, f"{project}=={version}"], secrets=secrets)
        else:
            install(
                python, ["--index-url", index.simple_url, "--no-deps", *fresh, f"{project}=={version}"], secrets=secrets
            )
            needs = requirements_of(python, project)
            if needs:
                install(python, ["--index-url", extra.simple_url, *needs], secrets=secrets)
        check_import(python, names)


def requirements_of(python: Path, project: str) -> list[str]:
    """The installed ``project``'s requirements (Requires-Dist) that apply to this interpreter, no extras."""
    import json

    from packaging.requirements import Requirement

    script = "import importlib.metadata as m, json, sys; print(json.dumps(m.requires(sys.argv[1]) or []))"
    found = json.loads(run([os.fspath(python), "-I", "-c", script, project], timeout=120).stdout)
    needs: list[str] = []
    for text in found:
        req = Requirement(str(text))
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            req.marker = None
            needs.append(str(req))
    return needs
