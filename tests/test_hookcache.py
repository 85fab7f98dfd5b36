"""The hooks' fast path (``releasekit.fastpath``): pass records, the fragment settings record, the argv parser.

A passing hook is remembered (``<git dir>/releasekit/<check>.pass``) until a file it read
changes; ``check fragments`` keeps its parsed settings there too. Each run is a real
``releasekit`` process on a real git repository. ``test_the_hooks_import_budget`` is the one
test of what the hooks import.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

from releasekit import __version__, locate
from releasekit.fastpath import hookcache
from releasekit.fastpath.argv import hook_args
from releasekit.fastpath.fragment_settings import FragmentHookSettings, settings
from tests.helpers.cli import Result, imported_by_releasekit, releasekit
from tests.helpers.fragments import demo_monorepo, demo_repo, set_fragment_dir
from tests.helpers.gitrepo import age_tree, commit_all, git, write_files
from tests.helpers.projects import seed_repo


def _record(repo: Path) -> Path:
    return repo / ".git" / "releasekit" / "check-versions.pass"


def _fragments_record(git_dir: Path) -> Path:
    return git_dir / "releasekit" / "check-fragments-settings.pass"


def _imports(repo: Path, expect: int = 0) -> tuple[str, set[str]]:
    """What `releasekit check versions` printed on stderr, and the modules it imported."""
    result, modules = imported_by_releasekit("check", "versions", cwd=repo)
    assert result.returncode == expect, result.output
    return result.stderr, modules


def _check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return releasekit("check", "fragments", *args, cwd=cwd, env=env)


def _check_imports(cwd: Path, env: dict[str, str] | None = None, expect: int = 0) -> tuple[str, set[str]]:
    """`releasekit check fragments` in a fresh interpreter: its output, and the modules it imported."""
    result, modules = imported_by_releasekit("check", "fragments", cwd=cwd, env=env)
    assert result.returncode == expect, result.output
    return result.output, modules


def _stage(repo: Path, files: dict[str, str | bytes]) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")


# --- the import budget --------------------------------------------------------------------------

# A cache hit of `check versions` runs the CLI's first lines and the fast path alone.
FAST_PATH = {
    "releasekit",
    "releasekit.cli",
    "releasekit.locate",
    "releasekit.fastpath",
    "releasekit.fastpath.hookcache",
}
# `check fragments` with its settings record: no TOML, no configuration, no argparse, no subprocess,
# and no typing or re (its records are releasekit.fastpath.record.Record).
RECORDED = ("tomllib", "typing", "re", "subprocess", "pathlib", "argparse", "towncrier", "releasekit.config")
# No passing fragment check, recorded or not, loads these.
NEVER = (
    "towncrier",
    "click",
    "jinja2",
    "argparse",
    "packaging",
    "json",
    "difflib",
    "rich",
    "releasekit.commands.live_checklist",
)


def test_the_hooks_import_budget(tmp_path: Path) -> None:
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
    ours = {m for m in modules if m.split(".")[0] == "releasekit"}
    assert ours <= FAST_PATH, sorted(ours - FAST_PATH)
    lean = {"typing", "re", "tomllib", "argparse", "rich", "releasekit.commands.live_checklist"}
    assert modules.isdisjoint(lean), sorted(modules & lean)

    fragments = demo_repo(tmp_path / "fragments")
    write_files(fragments, {"src/demo/core.py": "def answer() -> int:\n    return 43\n"})
    write_files(fragments, {"changelog.d/42.feature.md": "x\n"})
    commit_all(fragments, "Answer 43")
    age_tree(fragments)
    _, modules = _check_imports(fragments)
    assert "tomllib" in modules  # nothing recorded yet: pyproject.toml is parsed
    assert modules.isdisjoint(NEVER), sorted(modules & set(NEVER))
    assert _fragments_record(fragments / ".git").is_file()
    output, modules = _check_imports(fragments)
    assert "adds changelog.d/42.feature.md" in output
    assert modules.isdisjoint(RECORDED), sorted(modules & set(RECORDED))


# The modules outside fastpath/ that may import it: the CLI's entry, the two hooks' commands, and
# the fragment hook's one git call. Configuration, versions, the release and the rest never do.
FAST_PATH_USERS = {"cli.py", "commands/check_fragments.py", "commands/check_versions.py", "gitdiff.py"}
# The modules the changelog-fragment hook loads take their records from the fast path's Record.
RECORD_USERS = {"findings.py", "changelog/fragments.py", "checks/changes.py", "checks/changelog_fragment.py"}


def test_only_the_hooks_reach_the_fast_path() -> None:
    src = Path(locate.__file__).parent
    users = set()
    for path in src.rglob("*.py"):
        rel = path.relative_to(src).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if not rel.startswith("fastpath/") and any(n.startswith("releasekit.fastpath") for n in names):
                users.add(rel)
    assert users == FAST_PATH_USERS | RECORD_USERS


# --- check versions: its pass record ----------------------------------------------------------


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


# --- check fragments: its settings record ------------------------------------------------------


@pytest.fixture
def passing(tmp_path: Path) -> Path:
    """The demo project with a staged source change and its fragment, aged so its settings get recorded."""
    repo = demo_repo(tmp_path)
    _stage(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "Two.\n"})
    age_tree(repo)
    return repo


def _edit_in_place(path: Path, old: str, new: str, *, keep_mtime: bool = False) -> None:
    """Rewrite ``path`` through the same inode, with the same size (and, on request, the same mtime)."""
    before = path.stat()
    data = path.read_bytes()
    assert len(old) == len(new) and old.encode() in data
    with open(path, "r+b") as fh:
        fh.write(data.replace(old.encode(), new.encode()))
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)


def test_an_edited_pyproject_is_read_again(passing: Path) -> None:
    assert _check(passing).returncode == 0
    assert _fragments_record(passing / ".git").is_file()
    # The same size, through the same inode, after the aged stamp: only the mtime tells.
    _edit_in_place(passing / "pyproject.toml", '"changelog.d"', '"changelog.x"')
    err, modules = _check_imports(passing, expect=1)  # the fragment is no longer in the fragment directory
    assert "tomllib" in modules
    assert "src/demo/core.py:1:1: this changed with no changelog fragment in changelog.x/" in err


def test_an_edit_in_the_same_tick_as_the_last_one_is_seen(passing: Path) -> None:
    """A file system with coarse stamps: two edits in one tick leave size, mtime and inode alike.
    The 2-s rule keeps the first edit's settings out of the record, so the second one is read."""
    pyproject = passing / "pyproject.toml"
    _edit_in_place(pyproject, '"changelog.d"', '"changelog.x"')  # fresh: within the 2 s
    first = _check(passing)
    assert first.returncode == 1 and "changelog.x/" in first.stdout
    _edit_in_place(pyproject, '"changelog.x"', '"changelog.d"', keep_mtime=True)  # the same tick
    second = _check(passing)
    assert second.returncode == 0, second.output


def test_no_record_when_switched_off_or_pyproject_is_fresh(passing: Path) -> None:
    assert _check(passing, env={"RELEASEKIT_NO_CACHE": "1"}).returncode == 0
    assert not _fragments_record(passing / ".git").exists()
    (passing / "pyproject.toml").touch()  # written just now: its stamp could still change unseen
    assert _check(passing).returncode == 0
    assert not _fragments_record(passing / ".git").exists()


def test_a_record_of_another_version_or_layout_is_replaced(passing: Path) -> None:
    assert _check(passing).returncode == 0
    record = _fragments_record(passing / ".git")
    lines = record.read_text().split("\n")
    old = FragmentHookSettings.load(lines[2])
    assert old is not None
    foreign = old._replace(fragments=old.fragments._replace(directory="elsewhere"))
    lines[1] = f"0.0.1\t{passing}"
    lines[2] = foreign.dump()
    record.write_text("\n".join(lines))
    result = _check(passing)
    assert result.returncode == 0 and "adds changelog.d/42.feature.md" in result.stderr, result.output
    assert record.read_text().split("\n")[1] == f"{__version__}\t{passing}"  # rewritten for this version
    lines = record.read_text().split("\n")
    # This version's name, but a layout it does not know (a development build's, say): one field more.
    lines[2] = foreign.dump() + " " + b"extra".hex()
    record.write_text("\n".join(lines))
    result = _check(passing)
    assert result.returncode == 0 and "adds changelog.d/42.feature.md" in result.stderr, result.output


def test_the_switch_0_uses_the_record_and_1_ignores_it(passing: Path) -> None:
    assert _check(passing).returncode == 0
    record = _fragments_record(passing / ".git")
    lines = record.read_text().split("\n")
    recorded = FragmentHookSettings.load(lines[2])
    assert recorded is not None
    lines[2] = recorded._replace(fragments=recorded.fragments._replace(directory="elsewhere")).dump()
    record.write_text("\n".join(lines))  # the stamps still hold: the record is believed
    used = _check(passing, env={"RELEASEKIT_NO_CACHE": "0"})
    assert used.returncode == 1 and "no changelog fragment in elsewhere/" in used.stdout
    ignored = _check(passing, env={"RELEASEKIT_NO_CACHE": "1"})
    assert ignored.returncode == 0 and "adds changelog.d/42.feature.md" in ignored.stderr, ignored.output
    assert record.read_text().split("\n")[2] == lines[2]  # switched off: not rewritten either


@pytest.mark.parametrize("damage", ["not-hex", "binary", "directory", "releasekit-is-a-file"])
def test_a_damaged_or_unwritable_record_is_no_error(damage: str, passing: Path) -> None:
    record = _fragments_record(passing / ".git")
    if damage == "not-hex":  # a record in the right shape whose settings line does not decode
        assert _check(passing).returncode == 0
        lines = record.read_text().split("\n")
        lines[2] = "not hex"
        record.write_text("\n".join(lines))
    elif damage == "binary":
        record.parent.mkdir()
        record.write_bytes(b"\xff\xfe\x00 not text \x80\n")
    elif damage == "directory":
        record.mkdir(parents=True)
    else:  # nothing can be written below .git/releasekit (as in a read-only .git, which root ignores)
        record.parent.write_text("")
    for run in range(2):
        output, modules = _check_imports(passing)
        assert "Traceback" not in output and "adds changelog.d/42.feature.md" in output
        if run == 0:
            assert "tomllib" in modules  # the settings were parsed again
    if record.parent.is_dir():
        assert [p.name for p in record.parent.iterdir() if p.name.endswith(".tmp")] == []  # nothing left behind


def test_settings_survive_the_record(passing: Path) -> None:
    parsed = settings(str(passing))  # parses, and records
    assert _fragments_record(passing / ".git").is_file()
    assert FragmentHookSettings.load(parsed.dump()) == parsed
    assert settings(str(passing / "src" / "demo")) == parsed  # from the record, found from below the root
    assert parsed.fragments.types[0].directory == "feature" and parsed.fragments.ignore == ()
    assert FragmentHookSettings.load("00") is None and FragmentHookSettings.load("zz") is None


def test_a_project_directory_whose_name_is_not_utf8(tmp_path: Path) -> None:
    if sys.platform == "darwin":  # pragma: no cover - APFS keeps names UTF-8
        pytest.skip("the file system refuses names that are not UTF-8")
    repo = demo_repo(tmp_path)
    _stage(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "Two.\n"})
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))
    repo.rename(odd)
    age_tree(odd)
    for _ in range(2):
        result = _check(odd)
        assert result.returncode == 0, result.output
    lines = _fragments_record(odd / ".git").read_bytes().split(b"\n")
    assert lines[1] == f"{__version__}\t".encode() + os.fsencode(odd)


def test_two_projects_in_one_repository_share_the_record_file(tmp_path: Path) -> None:
    repo = demo_monorepo(tmp_path)
    _stage(repo, {"packages/a/src/demo/core.py": "A = 2\n", "packages/b/src/demo/core.py": "B = 2\n"})
    _stage(repo, {"packages/a/changelog.d/42.feature.md": "a.\n", "packages/b/news/42.feature.md": "b.\n"})
    age_tree(repo)
    record = _fragments_record(repo / ".git")
    for round_ in range(2):
        for name, directory in (("a", "changelog.d"), ("b", "news")):
            result = _check(repo / "packages" / name / "src")  # found from below the project root
            assert result.returncode == 0, (round_, name, result.output)
            assert f"adds {directory}/42.feature.md" in result.stderr, (round_, name)
            assert record.read_text().split("\n")[1] == f"{__version__}\t{repo / 'packages' / name}"
    git(repo, "rm", "-q", "--cached", "packages/b/news/42.feature.md")
    (repo / "packages/b/news/42.feature.md").unlink()
    assert _check(repo / "packages" / "a").returncode == 0
    missing = _check(repo / "packages" / "b")
    assert missing.returncode == 1 and "src/demo/core.py:1:1:" in missing.stdout and "news/" in missing.stdout


def test_linked_worktrees_keep_their_own_record(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    _stage(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "Main tree.\n"})
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "43-other", str(wt), "main")
    set_fragment_dir(wt / "pyproject.toml", "news")
    commit_all(wt, "news/ on this branch")
    _stage(wt, {"src/demo/core.py": "X = 3\n", "news/43.feature.md": "Worktree.\n"})
    age_tree(repo)
    age_tree(wt)
    for _ in range(2):
        main_run, wt_run = _check(repo), _check(wt)
        assert main_run.returncode == 0 and "adds changelog.d/42.feature.md" in main_run.stderr, main_run.output
        assert wt_run.returncode == 0 and "adds news/43.feature.md" in wt_run.stderr, wt_run.output
    assert (
        _fragments_record(repo / ".git").is_file() and _fragments_record(repo / ".git" / "worktrees" / "wt").is_file()
    )


# --- the hooks' command line, without argparse ------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "fragments"], {"base": None, "format": "text", "filenames": []}),
        (
            ["check", "fragments", "--base", "up/main", "a.py"],
            {"base": "up/main", "format": "text", "filenames": ["a.py"]},
        ),
        (
            ["check", "fragments", "--base=x", "--format=json", "--", "-odd"],
            {"base": "x", "format": "json", "filenames": ["-odd"]},
        ),
        (["check", "versions", "--format", "github", "f"], {"format": "github", "filenames": ["f"]}),
    ],
)
def test_hook_arguments_without_argparse(argv: list[str], expected: dict[str, object]) -> None:
    args = hook_args(argv)
    assert args is not None
    assert {k: v for k, v in vars(args).items() if k not in ("command", "check", "directory")} == expected
    assert (args.command, args.check, args.directory) == ("check", argv[1], None)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "fragments", "--help"],
        ["check", "fragments", "--bas", "x"],
        ["check", "fragments", "--base"],
        ["check", "fragments", "--base", "--format"],
        ["check", "fragments", "--format", "xml"],
        ["check", "versions", "--base", "x"],
        ["check", "links"],
        ["notes"],
        ["check"],
    ],
)
def test_anything_unusual_goes_through_argparse(argv: list[str]) -> None:
    assert hook_args(argv) is None
