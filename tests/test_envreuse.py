"""The fingerprint of a test environment's inputs: what makes a nox session or tox env reusable unreinstalled."""

from __future__ import annotations

from pathlib import Path

from releasekit.release import envreuse
from tests.helpers.gitrepo import make_repo


def test_remembered_after_a_pass_forgotten_after_a_failure_and_changed_by_any_input(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"pyproject.toml": "[project]\nname = 'p'\n", "noxfile.py": "import nox\n"})
    assert not envreuse.unchanged(root, "tests")
    envreuse.remember(root, "tests", passed=True)  # no .nox: nox made nothing here, nothing is written
    assert not (root / ".nox").exists() and not envreuse.unchanged(root, "tests")
    (root / ".nox").mkdir()
    envreuse.remember(root, "tests", passed=True)
    assert envreuse.unchanged(root, "tests") and not envreuse.unchanged(root, "docs")
    for name, text in (("noxfile.py", "import nox  # changed\n"), ("setup.py", "from setuptools import setup\n")):
        (root / name).write_text(text)
        assert not envreuse.unchanged(root, "tests"), name
        envreuse.remember(root, "tests", passed=True)
        assert envreuse.unchanged(root, "tests")
    envreuse.remember(root, "tests", passed=False)
    assert not envreuse.unchanged(root, "tests")


def test_a_tox_env_also_depends_on_the_source(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"tox.ini": "[tox]\nenv_list = py\n", "src/p/__init__.py": "x = 1\n"})
    (root / ".tox").mkdir()
    source = envreuse.source_state(root)
    envreuse.remember(root, "tox:py", passed=True, runner="tox", source=source)
    assert envreuse.unchanged(root, "tox:py", "tox", envreuse.source_state(root))
    assert not envreuse.unchanged(root, "tox:py", "nox", source)  # another runner's record
    (root / "src" / "p" / "__init__.py").write_text("x = 2\n")  # a change not committed yet
    assert not envreuse.unchanged(root, "tox:py", "tox", envreuse.source_state(root))
