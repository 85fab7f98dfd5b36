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
