"""The package gate: HEAD built in a temp dir and checked, findings with their fixes, the tree untouched."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from releasekit import package
from releasekit.errors import ReleasekitError
from tests.helpers.gitrepo import make_repo


def _sdist(path: Path, members: list[str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name in members:
            info = tarfile.TarInfo(f"demo-1.0/{name}")
            info.size = 0
            archive.addfile(info, io.BytesIO(b""))
    return path


def _wheel(path: Path, members: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in members:
            archive.writestr(name, "")
    return path


def test_sdist_check_names_tracked_package_files_the_backend_left_out(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "src/demo/__init__.py": "",
            "src/demo/data/table.csv": "a,b\n",
            "tests/test_demo.py": "",
        },
    )
    wheel = _wheel(tmp_path / "demo-1.0-py3-none-any.whl", ["demo/__init__.py", "demo-1.0.dist-info/METADATA"])
    complete = _sdist(tmp_path / "full.tar.gz", ["pyproject.toml", "src/demo/__init__.py", "src/demo/data/table.csv"])
    assert package.sdist_findings(root, "pyproject.toml", complete, wheel) == []
    partial = _sdist(tmp_path / "part.tar.gz", ["pyproject.toml", "src/demo/__init__.py"])
    (finding,) = package.sdist_findings(root, "pyproject.toml", partial, wheel)
    assert finding.text() == (
        "pyproject.toml:1:1: the sdist leaves out 1 tracked file(s) of the package: src/demo/data/table.csv; "
        "fix: include them in the build backend's sdist configuration (hatchling.build)"
    )


def test_backend_and_metadata_file(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text("")
    assert package.build_backend(tmp_path) == "setuptools.build_meta:__legacy__"
    assert package.metadata_file(tmp_path) == "setup.py"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert package.metadata_file(tmp_path) == "pyproject.toml"


def test_the_package_gate_reads_the_parsed_pyproject_it_is_given_and_refuses_a_fifo(tmp_path: Path) -> None:
    import os

    (tmp_path / "setup.py").write_text("")
    system = {"requires": ["hatchling>=1"], "build-backend": "hatchling.build"}
    hatch = {"project": {"name": "x"}, "build-system": system}
    assert package.metadata_file(tmp_path, data=hatch) == "pyproject.toml"
    assert package.build_backend(tmp_path, data=hatch) == "hatchling.build"
    assert package.build_requires(tmp_path, data=hatch) == ["hatchling>=1"]
    fifo = tmp_path / "pyproject.toml"
    os.mkfifo(fifo)
    for read in (package.metadata_file, package.build_backend, package.build_requires):
        with pytest.raises(ReleasekitError) as error:
            read(tmp_path)
        assert str(error.value) == f"{fifo}: is a FIFO (named pipe), not a regular file; it is not read"
