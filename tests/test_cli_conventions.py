"""The conventions people expect of a command line and a package: -v/-q, --help with an example, metadata.

Every command's ``--help`` is read from the real ``releasekit`` and must show ``-v``, ``-q``,
an example of its own use, and a line for each positional argument; ``-q`` and ``-v`` must
change what a command says. The package's own metadata (pyproject.toml, the hooks' manifest)
is read as pre-commit and the indexes read it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

from tests.helpers.cli import releasekit
from tests.helpers.projects import seed_repo

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    ("check", "versions"): ["FILE"],
    ("check", "fragments"): ["FILE"],
    ("check", "links"): ["PATH"],
    ("release",): ["major|minor|patch|X.Y.Z"],
    ("hotfix",): ["vX.Y.Z", "description"],
    ("build",): [],
    ("publish",): ["DIR"],
    ("support",): [],
    ("status",): [],
    ("notes",): ["version"],
    ("init",): [],
}


@pytest.mark.parametrize("words", list(COMMANDS), ids=" ".join)
def test_every_command_has_verbosity_and_an_example(words: tuple[str, ...], tmp_path: Path) -> None:
    result = releasekit(*words, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.output
    text = result.stdout
    assert re.search(r"^  -v, --verbose ", text, re.M) and re.search(r"^  -q, --quiet ", text, re.M), text
    example = re.search(r"^example:\n  (releasekit .+)$", text, re.M)
    assert example and example[1].startswith("releasekit " + " ".join(words)), text
    positionals = text.split("positional arguments:", 1)[1].split("\n\n", 1)[0] if COMMANDS[words] else ""
    for name in COMMANDS[words]:
        line = re.search(rf"^  {re.escape(name)}\s+(\S.*)$", positionals, re.M)
        assert line, (name, text)  # named, and explained on its line


def test_quiet_and_verbose_change_what_a_command_says(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    plain = releasekit("check", "versions", cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"})
    assert plain.returncode == 0 and "versions: 3 files hold 1.2.3" in plain.stderr, plain.output
    quiet = releasekit("check", "versions", "-q", cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"})
    assert (quiet.returncode, quiet.output) == (0, ""), quiet.output
    verbose = releasekit("status", "-v", cwd=repo, env={"GITHUB_TOKEN": None, "GH_TOKEN": None})
    assert re.search(r"^releasekit: ran git .+ \(exit 0, \d+\.\d s\)$", verbose.stderr, re.M), verbose.output
    assert "releasekit: ran" not in releasekit("status", cwd=repo).stderr


def test_package_metadata_and_hook_manifest() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {"Homepage", "Documentation", "Changelog", "Issues"} <= set(project["urls"])
    assert "Framework :: Pytest" not in project["classifiers"]  # releasekit has no pytest plugin
    assert "Framework :: tox" in project["classifiers"]  # it has a tox plugin (entry point below)
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["tox"]
    assert (ROOT / "src" / "releasekit" / "py.typed").is_file()
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text()
    hooks = manifest.count("\n- id: ") + manifest.startswith("- id: ")
    assert hooks == 3 and manifest.count("minimum_pre_commit_version: '3.2.0'") == hooks
