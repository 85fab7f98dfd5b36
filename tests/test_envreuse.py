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


def _site_packages(root: Path, env: str) -> Path:
    site = root / ".nox" / env / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    return site


def test_a_bump_alone_keeps_a_nox_fingerprint_and_says_so(tmp_path: Path) -> None:
    files = {
        "setup.py": 'setup(version="1.2.0")\n',
        "pyproject.toml": "[tool.bumpversion]\ncurrent_version = '1.2.0'\n",
    }
    root = make_repo(tmp_path / "p", files)
    (root / ".nox").mkdir()
    assert envreuse.reusable(root, "tests", "1.2.0") is None
    envreuse.remember(root, "tests", passed=True, version="1.2.0")
    assert envreuse.reusable(root, "tests", "1.2.0") == "same"
    for name, text in files.items():  # what bump-my-version changes: the version strings, nothing else
        (root / name).write_text(text.replace("1.2.0", "1.3.0"))
    assert envreuse.reusable(root, "tests", "1.3.0") == "bumped"
    assert envreuse.reusable(root, "tests", "1.2.0") is None  # the files say 1.3.0, not 1.2.0
    # Anything more than the version, even a pin that happens to equal it, is a change.
    (root / "setup.py").write_text('setup(version="1.3.0", install_requires=["x>=1.3.0"])\n')
    assert envreuse.reusable(root, "tests", "1.3.0") is None
    envreuse.remember(root, "tests", passed=False)
    assert envreuse.reusable(root, "tests", "1.3.0") is None


def test_only_an_editable_install_from_this_checkout_follows_the_tree(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"setup.py": "setup()\n"})
    assert not envreuse.follows_the_tree(root, "tests", "my-pkg")  # no environment at all
    site = _site_packages(root, "tests")
    assert envreuse.follows_the_tree(root, "tests", "my-pkg")  # the project is not installed there
    assert not envreuse.follows_the_tree(root, "tests", None)
    dist = site / "my_pkg-1.0.dist-info"
    dist.mkdir()
    assert not envreuse.follows_the_tree(root, "tests", "My.Pkg")  # installed, how is unknown
    url = root.resolve().as_uri()
    for direct_url, follows in (
        (f'{{"url": "{url}", "dir_info": {{"editable": true}}}}', True),
        (f'{{"url": "{url}", "dir_info": {{}}}}', False),  # built from the tree: a copy of old code
        (f'{{"url": "{tmp_path.as_uri()}/other", "dir_info": {{"editable": true}}}}', False),  # another checkout
        ('{"url": "https://example.invalid/my_pkg-1.0.whl", "archive_info": {}}', False),
        ("[1, 2", False),
    ):
        (dist / "direct_url.json").write_text(direct_url)
        assert envreuse.follows_the_tree(root, "tests", "my-pkg") is follows, direct_url
    (dist / "direct_url.json").write_text(f'{{"url": "{url}", "dir_info": {{"editable": true}}}}')
    # Every environment of the session counts (nox names a parametrized one tests-3-12).
    other = _site_packages(root, "tests-3-12")
    (other / "my_pkg-1.0.egg-info").mkdir()
    assert not envreuse.follows_the_tree(root, "tests", "my-pkg")
    assert envreuse.follows_the_tree(root, "docs", "my-pkg") is False  # no docs environment
