"""Projects that keep a changelog with towncrier, the way releasekit recommends."""

from __future__ import annotations

from pathlib import Path

from releasekit.changelog.towncrier_config import changelog_header, towncrier_toml
from tests.helpers.gitrepo import add_origin, commit_all, git, make_repo

REPO_URL = "https://github.com/example/demo"


def demo_files(version: str = "1.0.0", **extra: str) -> dict[str, str]:
    """A small package with docs, tests, CI, a changelog and releasekit's towncrier configuration."""
    files = {
        "pyproject.toml": (
            f'[project]\nname = "demo"\nversion = "{version}"\n\n'
            f'[tool.bumpversion]\ncurrent_version = "{version}"\n\n'
            '[[tool.bumpversion.files]]\nfilename = "pyproject.toml"\n\n' + towncrier_toml(REPO_URL)
        ),
        "src/demo/__init__.py": '"""The demo package."""\n',
        "src/demo/core.py": "def answer() -> int:\n    return 42\n",
        "docs/index.md": "# Demo\n",
        "tests/test_core.py": "def test_answer() -> None:\n    pass\n",
        ".github/workflows/ci.yml": "on: push\n",
        "README.md": "# demo\n",
        "CHANGELOG.md": changelog_header("demo"),
        "changelog.d/.gitignore": "!.gitignore\n",
    }
    files.update(extra)
    return files


def demo_repo(tmp_path: Path, *, branch: str | None = "42-add-answer", **extra: str) -> Path:
    """The demo project with a bare ``origin`` holding ``main``, checked out on ``branch``."""
    repo = make_repo(tmp_path / "demo", demo_files(**extra))
    add_origin(repo, tmp_path / "origin.git")
    if branch:
        git(repo, "checkout", "-q", "-b", branch)
    return repo


def set_fragment_dir(pyproject: Path, directory: str) -> None:
    """Point ``[tool.towncrier] directory`` of the demo project's pyproject.toml at ``directory``."""
    text = pyproject.read_text(encoding="utf-8")
    assert 'directory = "changelog.d"' in text
    pyproject.write_text(text.replace('directory = "changelog.d"', f'directory = "{directory}"'), encoding="utf-8")


def demo_monorepo(tmp_path: Path) -> Path:
    """Two demo projects in one repository (packages/a, and packages/b keeping its fragments in news/),
    with a bare ``origin``, checked out on branch ``42-x``."""
    files = {f"packages/a/{path}": text for path, text in demo_files().items()}
    files.update({f"packages/b/{path}": text for path, text in demo_files().items()})
    repo = make_repo(tmp_path / "mono", files)
    set_fragment_dir(repo / "packages/b/pyproject.toml", "news")
    commit_all(repo, "b keeps its fragments in news/")
    add_origin(repo, tmp_path / "origin.git")
    git(repo, "checkout", "-q", "-b", "42-x")
    return repo
