"""`releasekit status` reads the name and the version source as the build backend does (issue #22, point 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasekit import config
from releasekit.adopt.detect import detect
from tests.helpers import adoption
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import make_repo

NO_GITHUB = {"GITHUB_TOKEN": None, "GH_TOKEN": None}

POETRY = """\
[build-system]
requires = ["poetry-core>=1.0"]
build-backend = "poetry.core.masonry.api"

[tool.poetry]
name = "poetic"
version = "0.7.1"
description = "A poetry project."
authors = ["A <a@example.org>"]

[tool.bumpversion]
current_version = "0.7.1"

[[tool.bumpversion.files]]
filename = "pyproject.toml"
search = 'version = "{current_version}"'
replace = 'version = "{new_version}"'
"""


def status_json(repo: Path) -> dict[str, object]:
    result = releasekit("status", "--format", "json", cwd=repo, env=NO_GITHUB)
    assert result.returncode == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_a_poetry_project_has_its_poetry_name(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "poetic", {"pyproject.toml": POETRY, "poetic/__init__.py": ""})
    data = status_json(repo)
    assert (data["project"], data["version"], data["version_source"]) == ("poetic", "0.7.1", "bump-my-version")


def test_tag_derived_versions_say_so_and_a_major_is_the_last_minor(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, adoption.scm_files(), tags=("v1.3.0", "v2.0.0"))
    data = status_json(repo)
    assert (data["project"], data["version"], data["version_source"]) == ("scmpkg", "2.0.0", "tag")
    text = releasekit("status", cwd=repo, env=NO_GITHUB).stdout.splitlines()
    assert text[0] == "scmpkg 2.0.0 (from tag v2.0.0)"
    minor = next(line for line in text if line.startswith("last minor release: "))
    schedule = next(line for line in text if line.startswith("schedule: "))
    assert minor.startswith("last minor release: 2.0.0 on ")
    assert "last minor release 2.0.0" in schedule


SETUP_CFG_PROJECT = {
    "pyproject.toml": adoption.SETUPTOOLS_PYPROJECT,
    "setup.cfg": "[metadata]\nname = cfg-named\nversion = 1.2.0\n\n[options]\npackages = find:\n",
    "setup.py": 'from setuptools import setup\n\nsetup(name="not-this-one")\n',
    "cfg_named/__init__.py": "",
}


@pytest.mark.parametrize(
    ("files", "name"),
    [
        pytest.param({"pyproject.toml": POETRY, "poetic/__init__.py": ""}, "poetic", id="poetry"),
        pytest.param(SETUP_CFG_PROJECT, "cfg-named", id="setup.cfg"),
        pytest.param({**SETUP_CFG_PROJECT, "setup.cfg": "[options]\n"}, "not-this-one", id="setup.py"),
    ],
)
def test_the_release_status_and_init_take_the_name_the_build_backend_reads(
    tmp_path: Path, files: dict[str, str], name: str
) -> None:
    repo = make_repo(tmp_path / "p", files)
    # The release's name (its index checks, its summary) is the configuration's.
    assert config.load(repo).project_name == name
    assert detect(repo).name == name
    result = releasekit("status", "--format", "json", cwd=repo, env=NO_GITHUB)
    assert json.loads(result.stdout)["project"] == name, result.output
