"""The package gate end to end: a setuptools project with a MANIFEST.in, really built and run through check-manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import package
from tests.helpers.gitrepo import git, make_repo

pytestmark = pytest.mark.integration


SETUP = """\
from setuptools import setup

setup(
    name="manifested",
    version="1.0",
    description="x",
    long_description="A plain description.",
    long_description_content_type="text/plain",
    packages=["manifested"],
)
"""


def test_check_manifest_for_setuptools_with_a_manifest_in(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            "setup.py": SETUP,
            "MANIFEST.in": "include setup.py\n",
            "manifested/__init__.py": "",
            "notes.txt": "tracked, but MANIFEST.in leaves it out\n",
            ".gitignore": "*.egg-info/\n",
        },
    )
    work = tmp_path / "work"
    work.mkdir()
    result = package.check_head(root, work, lambda message: None)
    assert result.wheel is not None and result.wheel.parent == work / "head-dist"
    (finding,) = result.findings
    assert finding.path == "MANIFEST.in" and "include the missing files in MANIFEST.in" in finding.message
    assert "notes.txt" in finding.message
    assert git(root, "status", "--porcelain", "--ignored") == ""  # nothing written into the project


def test_a_setuptools_scm_project_is_judged_by_the_sdist_built_with_its_git(tmp_path: Path) -> None:
    """setuptools-scm's file finder adds every tracked file, but only where it sees .git: check-manifest's
    copy without it would report them all missing. The sdist built from the clone holds them."""
    root = make_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n'
                'build-backend = "setuptools.build_meta"\n\n'
                '[project]\nname = "scmfinder"\ndynamic = ["version"]\ndescription = "x"\n'
                'readme = {text = "Plain.", content-type = "text/plain"}\n\n[tool.setuptools_scm]\n'
            ),
            "MANIFEST.in": "exclude .gitignore\n",  # the project's own: it only takes files out
            "src/scmfinder/__init__.py": "",
            "src/scmfinder/data/table.csv": "a,b\n",
            "docs/guide.md": "# Guide\n",
            ".gitignore": "*.egg-info/\n",
        },
    )
    git(root, "tag", "v1.0.0")
    work = tmp_path / "work"
    work.mkdir()
    notes: list[str] = []
    result = package.check_head(root, work, notes.append)
    assert result.findings == []
    assert result.sdist is not None and result.sdist.name == "scmfinder-1.0.0.tar.gz"
    assert not any("check-manifest" in note for note in notes)
    import tarfile

    with tarfile.open(result.sdist) as archive:
        names = {member.name.split("/", 1)[1] for member in archive.getmembers() if "/" in member.name}
    assert {"docs/guide.md", "src/scmfinder/data/table.csv"} <= names  # the file finder saw git
