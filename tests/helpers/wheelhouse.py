"""A local index holding releasekit's own wheel and the wheels of everything it needs.

The tests cannot reach PyPI, so the dependencies' wheels are rebuilt from the
distributions installed in the test environment: the same files, a RECORD of their
hashes, the WHEEL tags they were installed from. releasekit's own wheel is built from
the work tree by ``uv build``. Served by a real pypiserver, they let ``uv pip compile
--generate-hashes`` lock releasekit and ``pip install --require-hashes`` install it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.metadata
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.helpers.pypi import LocalIndex, pypiserver
from tests.helpers.shared import built_once, run_dir

ROOT = Path(__file__).resolve().parents[2]
_SKIPPED = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(*names: str) -> list[importlib.metadata.Distribution]:
    """The installed distributions ``names`` need here, with them (``name[extra]`` takes that
    extra's too); releasekit (installed editable) excluded."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    expanded: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(name) for name in names]
    while todo:
        wanted = todo.pop()
        current = _canonical(wanted.name)
        key = (current, frozenset(wanted.extras))
        if key in expanded:
            continue
        expanded.add(key)
        dist = seen.get(current) or importlib.metadata.distribution(current)
        seen[current] = dist
        extras = {"", *wanted.extras}
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(req)
    return [dist for key, dist in seen.items() if key != "releasekit"]


def _tags(wheel_text: str) -> str:
    tags = [line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")]
    parts = [t.split("-") for t in tags]
    return "-".join(".".join(sorted({p[i] for p in parts})) for i in range(3))


def repack(dist: importlib.metadata.Distribution, out: Path) -> Path:
    """A wheel of the installed ``dist``: its files under site-packages, a fresh RECORD."""
    files = [f for f in dist.files or [] if not str(f).startswith("..") and "__pycache__" not in str(f)]
    info = next(f for f in dist.files or [] if str(f).endswith(".dist-info/METADATA")).parent
    name = _canonical(dist.metadata["Name"]).replace("-", "_")
    tags = _tags((Path(str(dist.locate_file(info))) / "WHEEL").read_text(encoding="utf-8"))
    target = out / f"{name}-{dist.version}-{tags}.whl"
    record: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(files, key=str):
            if member.parent == info and member.name in _SKIPPED:
                continue
            data = Path(str(dist.locate_file(member))).read_bytes()
            archive.writestr(str(member), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{member},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return target


def build_releasekit(out: Path) -> Path:
    """releasekit's own wheel, built from this work tree."""
    env = {**os.environ}
    subprocess.run(
        ["uv", "build", "--wheel", "--offline", "--quiet", "--out-dir", os.fspath(out), os.fspath(ROOT)],
        check=True,
        env=env,
        timeout=300,
    )
    return next(out.glob("releasekit-*.whl"))


def fill(packages: Path) -> list[Path]:
    """releasekit's wheel, and the wheels of its dependencies and of cibuildwheel's, into ``packages``."""
    packages.mkdir(parents=True, exist_ok=True)
    return [
        build_releasekit(packages),
        *(repack(dist, packages) for dist in closure("releasekit[publish]", "cibuildwheel")),
    ]


@contextlib.contextmanager
def releasekit_index(base: Path) -> Iterator[LocalIndex]:
    """A pypiserver serving releasekit's wheel and everything it needs, filled under ``base``."""
    fill(base / "packages")
    with pypiserver(base / "packages", name="wheelhouse") as index:
        yield index


@contextlib.contextmanager
def shared_releasekit_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """As ``releasekit_index``, its packages filled once per test run (shared by the xdist workers, which
    only read them); each caller serves them with a pypiserver of its own."""
    packages = built_once(run_dir(tmp_path_factory) / "releasekit-wheelhouse", fill)
    with pypiserver(packages, name="wheelhouse") as index:
        yield index


def confusing_wheel(folder: Path, name: str, version: str, marker: str) -> Path:
    """A wheel named like someone's dependency that, once installed, leaves ``marker`` in the temp folder."""
    folder.mkdir(parents=True, exist_ok=True)
    info = f"{name}-{version}.dist-info"
    code = f"import pathlib, tempfile\n(pathlib.Path(tempfile.gettempdir()) / {marker!r}).write_text('x')\n"
    target = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as whl:
        whl.writestr(f"{name}/__init__.py", code)
        whl.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{info}/RECORD", "")
    return target


def simple_wheel(folder: Path, name: str, version: str, requires: list[str]) -> Path:
    """A pure wheel of a package ``name`` (one module of the same name) that requires ``requires``."""
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    target = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as whl:
        whl.writestr(f"{module}/__init__.py", "import idna\n" if "idna" in requires else "")
        whl.writestr(f"{info}/METADATA", metadata)
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{info}/RECORD", "")
    return target
