"""The hooks' fast path: a pass is remembered until something the check read changes."""

from __future__ import annotations

from pathlib import Path

from releasekit import locate
from releasekit.fastpath import hookcache
from tests.helpers.cli import imported_by_releasekit, releasekit
from tests.helpers.gitrepo import age_tree, git
from tests.helpers.projects import seed_repo


def _record(repo: Path) -> Path:
    return repo / ".git" / "releasekit" / "check-versions.pass"


def _imports(repo: Path, expect: int = 0) -> tuple[str, set[str]]:
    """What `releasekit check versions` printed on stderr, and the modules it imported."""
    result, modules = imported_by_releasekit("check", "versions", cwd=repo)
    assert result.returncode == expect, result.output
    return result.stderr, modules


def test_a_pass_is_recorded_and_reused_without_parsing(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    git(repo, "tag", "v1.0.0")
    age_tree(repo)
    first = releasekit("check", "versions", cwd=repo)
    assert first.returncode == 0, first.output
    assert _record(repo).is_file()
    record = _record(repo).read_text()
    second, modules = _imports(repo)
    assert "versions: 3 files hold 1.2.3" in second
    stale = [
        line
        for line in record.splitlines()[3:]
        if hookcache._stamp(line.rpartition("\t")[0]) != line.rpartition("\t")[2]
    ]
    assert stale == [], f"inputs changed between the runs: {stale}"
    assert "tomllib" not in modules and "argparse" not in modules, record  # the fast path read nothing else


def test_a_changed_version_file_is_checked_again(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    age_tree(repo)
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    assert _record(repo).is_file()
    init = repo / "src" / "seed" / "__init__.py"
    init.write_text('__version__ = "1.2.4"\n')
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert "src/seed/__init__.py:1:16: expected 1.2.3, found 1.2.4" in result.stdout
    assert "tomllib" in _imports(repo, expect=1)[1]  # failures are never recorded: the full check runs


def test_a_new_tag_is_noticed(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    age_tree(repo)
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    git(repo, "tag", "v2.0.0")
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert "tag v2.0.0 on HEAD's history is newer" in result.stdout
    git(repo, "tag", "-d", "v2.0.0")
    git(repo, "tag", "nested/v3")
    git(repo, "pack-refs", "--all")
    assert releasekit("check", "versions", cwd=repo).returncode == 0


def test_changed_configuration_is_read_again(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    age_tree(repo)
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('current_version = "1.2.3"', 'current_version = "1.2.5"'))
    assert releasekit("check", "versions", cwd=repo).returncode == 1


def test_fresh_files_and_the_switch_keep_it_off(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    assert not _record(repo).exists()  # files written just now: their stamps could still change unseen
    age_tree(repo)
    assert releasekit("check", "versions", cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"}).returncode == 0
    assert not _record(repo).exists()


def test_lookup_rejects_foreign_or_damaged_records(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    age_tree(repo)
    target = repo / "setup.py"
    assert hookcache.store("demo", str(repo), "1.0", [str(target)], "ok")
    assert hookcache.lookup("demo", str(repo), "1.0") == "ok"
    assert hookcache.lookup("demo", str(repo), "2.0") is None  # another releasekit version
    assert hookcache.lookup("demo", str(tmp_path), "1.0") is None  # no git directory there
    record = repo / ".git" / "releasekit" / "demo.pass"
    record.write_text("garbage\n")
    assert hookcache.lookup("demo", str(repo), "1.0") is None
    assert not hookcache.store("demo", str(repo), "1.0", [str(target)], "two\nlines")


def test_worktree_git_file_is_followed(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), "-b", "side")
    gdir = locate.git_dir(str(tmp_path / "wt" / "src"))
    assert gdir is not None and Path(gdir).is_dir()
    assert Path(gdir).parent.parent == (repo / ".git").resolve()
    assert locate.find_root(str(tmp_path / "wt" / "src" / "seed")) == str(tmp_path / "wt")
