"""The `changelog-fragment` hook's lean path at its edges: odd paths, odd repositories, its record, its globs.

Each run is a real ``releasekit`` process on a real git repository, so the settings record
(``<git dir>/releasekit/check-fragments-settings.pass``) and the one ``git diff`` are the real ones.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from releasekit import __version__
from releasekit.checks.source_paths import source_matcher
from releasekit.fastpath.fragment_settings import Settings
from tests.helpers.cli import Result, releasekit
from tests.helpers.fragments import demo_files, demo_repo
from tests.helpers.gitrepo import add_origin, age_tree, commit_all, git, make_repo, write_files

MISSING = "changed with no changelog fragment"


def _record(git_dir: Path) -> Path:
    return git_dir / "releasekit" / "check-fragments-settings.pass"


def _check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return releasekit("check", "fragments", *args, cwd=cwd, env=env)


def _stage(repo: Path, files: dict[str, str | bytes]) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")


def _set_fragment_dir(pyproject: Path, directory: str) -> None:
    text = pyproject.read_text(encoding="utf-8")
    assert 'directory = "changelog.d"' in text
    pyproject.write_text(text.replace('directory = "changelog.d"', f'directory = "{directory}"'), encoding="utf-8")


# --- odd paths ---------------------------------------------------------------------------------

ODD_NAMES = ["with space.py", "café.py", "quo'te\"s.py", "tab\there.py", "new\nline.py", "-dash.py", "ü/ß/x.py"]


@pytest.mark.parametrize("name", ODD_NAMES, ids=["space", "non-ascii", "quotes", "tab", "newline", "dash", "dirs"])
def test_odd_source_names_need_a_fragment(name: str, tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    _stage(repo, {f"src/demo/{name}": "X = 1\n"})
    missing = _check(repo)
    assert missing.returncode == 1, missing.output
    assert MISSING in missing.stdout
    _stage(repo, {"changelog.d/42.feature.md": "Odd names.\n"})
    ok = _check(repo)
    assert ok.returncode == 0, ok.output
    assert "adds changelog.d/42.feature.md" in ok.stderr


def test_odd_fragment_directory_and_file_names(tmp_path: Path) -> None:
    directory = "chänge lög\t'd\""
    repo = demo_repo(tmp_path)
    _set_fragment_dir(repo / "pyproject.toml", directory.replace("\t", "\\t").replace('"', '\\"'))
    commit_all(repo, "Fragments live in an odd place")
    _stage(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "In the old place.\n"})
    wrong_place = _check(repo)
    assert wrong_place.returncode == 1, wrong_place.output
    assert f"no changelog fragment in {directory}/" in wrong_place.stdout
    git(repo, "rm", "-q", "--cached", "changelog.d/42.feature.md")
    _stage(repo, {f"{directory}/42.feature.md": "In the odd place.\n", f"{directory}/README\n.md": "not a fragment\n"})
    ok = _check(repo)
    assert ok.returncode == 0, ok.output
    assert f"adds {directory}/42.feature.md" in ok.stderr
    _stage(repo, {f"{directory}/+café.feature.md": "Not a slug.\n"})
    bad = _check(repo)
    assert bad.returncode == 1
    assert f"{directory}/+café.feature.md:1:1: '+café' is neither an issue number nor +<slug>" in bad.stdout


def test_renamed_deleted_and_retyped_sources(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"docs/tool.py": "T = 1\n"})
    commit_all(repo, "A script in docs")
    git(repo, "mv", "src/demo/core.py", "src/demo/engine.py")  # a rename: a deletion plus an addition
    assert _check(repo).returncode == 1
    git(repo, "reset", "-q", "--hard")
    git(repo, "mv", "docs/tool.py", "src/demo/tool.py")  # moved into the sources
    renamed_in = _check(repo)
    assert renamed_in.returncode == 1 and "src/demo/tool.py:1:1:" in renamed_in.stdout
    git(repo, "reset", "-q", "--hard")
    git(repo, "rm", "-q", "src/demo/core.py")
    deleted = _check(repo)
    assert deleted.returncode == 1 and "src/demo/core.py:1:1:" in deleted.stdout
    git(repo, "reset", "-q", "--hard")
    (repo / "src/demo/core.py").unlink()
    (repo / "src/demo/core.py").symlink_to("__init__.py")  # a type change: T
    git(repo, "add", "-A")
    assert "T\tsrc/demo/core.py" in git(repo, "diff", "--cached", "--name-status", "--no-renames")
    retyped = _check(repo)
    assert retyped.returncode == 1 and "src/demo/core.py:1:1:" in retyped.stdout
    _stage(repo, {"changelog.d/42.feature.md": "core is an alias now.\n"})
    assert _check(repo).returncode == 0


def test_a_renamed_fragment_counts_as_added(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"changelog.d/41.feature.md": "Wrong number.\n"})
    commit_all(repo, "Fragment")
    git(repo, "push", "-q", "origin", "42-add-answer:main")  # the fragment is on the base branch already
    git(repo, "fetch", "-q", "origin")
    _stage(repo, {"src/demo/core.py": "X = 2\n"})
    git(repo, "mv", "changelog.d/41.feature.md", "changelog.d/42.feature.md")
    ok = _check(repo)
    assert ok.returncode == 0, ok.output
    assert "adds changelog.d/42.feature.md" in ok.stderr


# --- repositories: monorepo, worktrees, GIT_DIR -------------------------------------------------


def _monorepo(tmp_path: Path) -> Path:
    files = {f"packages/a/{path}": text for path, text in demo_files().items()}
    files.update({f"packages/b/{path}": text for path, text in demo_files().items()})
    repo = make_repo(tmp_path / "mono", files)
    _set_fragment_dir(repo / "packages/b/pyproject.toml", "news")
    commit_all(repo, "b keeps its fragments in news/")
    add_origin(repo, tmp_path / "origin.git")
    git(repo, "checkout", "-q", "-b", "42-x")
    return repo


def test_two_projects_in_one_repository_share_the_record_file(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    _stage(repo, {"packages/a/src/demo/core.py": "A = 2\n", "packages/b/src/demo/core.py": "B = 2\n"})
    _stage(repo, {"packages/a/changelog.d/42.feature.md": "a.\n", "packages/b/news/42.feature.md": "b.\n"})
    age_tree(repo)
    record = _record(repo / ".git")
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
    _set_fragment_dir(wt / "pyproject.toml", "news")
    commit_all(wt, "news/ on this branch")
    _stage(wt, {"src/demo/core.py": "X = 3\n", "news/43.feature.md": "Worktree.\n"})
    age_tree(repo)
    age_tree(wt)
    for _ in range(2):
        main_run, wt_run = _check(repo), _check(wt)
        assert main_run.returncode == 0 and "adds changelog.d/42.feature.md" in main_run.stderr, main_run.output
        assert wt_run.returncode == 0 and "adds news/43.feature.md" in wt_run.stderr, wt_run.output
    assert _record(repo / ".git").is_file() and _record(repo / ".git" / "worktrees" / "wt").is_file()


def test_git_dir_from_a_worktree_commit_and_a_project_in_a_subdirectory(tmp_path: Path) -> None:
    """`git commit` in a linked worktree hands its hooks GIT_DIR; with the project in a
    subdirectory (``releasekit -C sub``) git must not take that subdirectory for the work tree's top."""
    repo = _monorepo(tmp_path)
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "43-y", str(wt), "42-x")
    _stage(wt, {"packages/a/src/demo/core.py": "A = 3\n"})
    env = {
        "GIT_DIR": str(repo / ".git" / "worktrees" / "wt"),
        "GIT_INDEX_FILE": str(repo / ".git" / "worktrees" / "wt" / "index"),
    }
    for args in (("-C", "packages/a"), ()):
        cwd = wt if args else wt / "packages" / "a"
        result = releasekit(*args, "check", "fragments", cwd=cwd, env=env)
        assert result.returncode == 1, (args, result.output)
        assert "src/demo/core.py:1:1:" in result.stdout
    _stage(wt, {"packages/a/changelog.d/43.feature.md": "A is 3.\n"})
    ok = releasekit("-C", "packages/a", "check", "fragments", cwd=wt, env=env)
    assert ok.returncode == 0, ok.output


# --- the record ----------------------------------------------------------------------------------


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


def test_a_same_size_edit_is_seen(passing: Path) -> None:
    pyproject = passing / "pyproject.toml"
    assert _check(passing).returncode == 0
    assert _record(passing / ".git").is_file()
    _edit_in_place(pyproject, '"changelog.d"', '"changelog.x"')  # an edit now, after the aged stamp
    edited = _check(passing)
    assert edited.returncode == 1 and "no changelog fragment in changelog.x/" in edited.stdout


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


def test_a_record_of_another_version_or_layout_is_replaced(passing: Path) -> None:
    assert _check(passing).returncode == 0
    record = _record(passing / ".git")
    lines = record.read_text().split("\n")
    old = Settings.load(lines[2])
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
    lines[2] = marshal.dumps((*marshal.loads(bytes.fromhex(foreign.dump())), "extra")).hex()
    record.write_text("\n".join(lines))
    result = _check(passing)
    assert result.returncode == 0 and "adds changelog.d/42.feature.md" in result.stderr, result.output


def test_the_switch_0_uses_the_record_and_1_ignores_it(passing: Path) -> None:
    assert _check(passing).returncode == 0
    record = _record(passing / ".git")
    lines = record.read_text().split("\n")
    recorded = Settings.load(lines[2])
    assert recorded is not None
    lines[2] = recorded._replace(fragments=recorded.fragments._replace(directory="elsewhere")).dump()
    record.write_text("\n".join(lines))  # the stamps still hold: the record is believed
    used = _check(passing, env={"RELEASEKIT_NO_CACHE": "0"})
    assert used.returncode == 1 and "no changelog fragment in elsewhere/" in used.stdout
    ignored = _check(passing, env={"RELEASEKIT_NO_CACHE": "1"})
    assert ignored.returncode == 0 and "adds changelog.d/42.feature.md" in ignored.stderr, ignored.output
    assert record.read_text().split("\n")[2] == lines[2]  # switched off: not rewritten either


@pytest.mark.parametrize("damage", ["binary", "directory", "releasekit-is-a-file"])
def test_a_damaged_or_unwritable_record_is_no_error(damage: str, passing: Path) -> None:
    record = _record(passing / ".git")
    if damage == "binary":
        record.parent.mkdir()
        record.write_bytes(b"\xff\xfe\x00 not text \x80\n")
    elif damage == "directory":
        record.mkdir(parents=True)
    else:  # nothing can be written below .git/releasekit (as in a read-only .git, which root ignores)
        record.parent.write_text("")
    for _ in range(2):
        result = _check(passing)
        assert result.returncode == 0, result.output
        assert "Traceback" not in result.output and "adds changelog.d/42.feature.md" in result.stderr
    if record.parent.is_dir():
        assert [p.name for p in record.parent.iterdir() if p.name.endswith(".tmp")] == []  # nothing left behind


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
    lines = _record(odd / ".git").read_bytes().split(b"\n")
    assert lines[1] == f"{__version__}\t".encode() + os.fsencode(odd)


# --- globs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        ("**/x.py", ["x.py", "a/x.py", "a/b/x.py"], ["ax.py", "a/x.pyc"]),
        ("src/**/test_*.py", ["src/test_a.py", "src/a/b/test_c.py"], ["src/a/test/x.py", "test_a.py"]),
        ("src/**", ["src/a", "src/a/b/c.py"], ["src", "srcx/a"]),
        ("src/**.py", ["src/a.py", "src/a/b.py"], ["src/a.pyc"]),
        ("src/?.py", ["src/a.py", "src/é.py"], ["src/ab.py", "src//.py", "src/.py"]),
        ("src/demo/", ["src/demo/a.py", "src/demo/a/b.py", "src/demo"], ["src/demox/a.py"]),
        ("./src/demo", ["src/demo/a.py"], ["./src/demo/a.py"]),
        ("./src/*.py", ["src/a.py"], ["src/a/b.py"]),
        ("src/[ab].py", ["src/[ab].py"], ["src/a.py"]),  # no character classes: [ is itself
        ("src/pkg[1]", ["src/pkg[1]/x.py"], ["src/pkg1/x.py"]),
        ("src/*", ["src/a\nb.py", "src/ tab\t.py"], ["src/a/b.py"]),
        ("src/**", ["src/new\nline/x.py"], []),
        ("src/demo", ["src/demo/new\nline.py"], []),
    ],
)
def test_source_path_globs(pattern: str, yes: list[str], no: list[str]) -> None:
    matches = source_matcher([pattern])
    assert [p for p in yes if not matches(p)] == []
    assert [p for p in no if matches(p)] == []


def test_configured_globs_in_a_real_run(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.releasekit]\nsource_paths = ["./src/**/*.py", "**/*.pyx", "tools/"]\n'
    )
    commit_all(repo, "Source paths")
    age_tree(repo)
    for files, needs in (
        ({"src/demo/data.json": "{}"}, False),
        ({"src/demo/deep/er/x.py": ""}, True),
        ({"ext/fast.pyx": ""}, True),
        ({"tools/gen.sh": ""}, True),
        ({"toolsx/gen.sh": ""}, False),
    ):
        _stage(repo, files)
        result = _check(repo)
        assert result.returncode == (1 if needs else 0), (files, result.output)
        git(repo, "reset", "-q", "--hard")
        git(repo, "clean", "-q", "-fdx", "-e", ".git")


# --- environment -------------------------------------------------------------------------------


def test_a_closed_stdout_does_not_hide_the_change(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    _stage(repo, {"src/demo/core.py": "X = 2\n"})
    cmd = [sys.executable, "-m", "releasekit", "check", "fragments"]
    for closed in (">&-", "<&-", "2>&-", "<&- >&-"):
        proc = subprocess.run(["sh", "-c", f'exec "$@" {closed}', "sh", *cmd], cwd=repo, check=False)
        assert proc.returncode == 1, closed


def test_a_chatty_git_does_not_deadlock(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    _stage(repo, {f"src/demo/{'m' * 100}{n:04d}.py": "" for n in range(1500)})
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    # 1 MB on stderr before git even starts, then git's own trace on stderr too.
    wrapper.write_text(f'#!/bin/sh\nhead -c 1048576 /dev/zero | tr "\\0" x >&2\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GIT_TRACE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "releasekit", "check", "fragments"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "this and 1499 other source files changed with no changelog fragment" in proc.stdout


# --- the hook, run by `git commit` through pre-commit ------------------------------------------------


def _install_hook(repo: Path, pre_commit_home: Path, entry: str | None = None) -> dict[str, str]:
    from tests.helpers.hooks import _snapshot

    source, rev = _snapshot(pre_commit_home)
    extra = f"\n    entry: {entry}" if entry else ""
    config = f"repos:\n- repo: {source}\n  rev: {rev}\n  hooks:\n  - id: changelog-fragment{extra}\n"
    (repo / ".pre-commit-config.yaml").write_text(config)
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    for key in ("UV_PYTHON", "UV_PROJECT_ENVIRONMENT"):
        env.pop(key, None)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True, capture_output=True)
    return env


def _commit(cwd: Path, env: dict[str, str], *args: str) -> Result:
    proc = subprocess.run(["git", "commit", "-m", "change", *args], cwd=cwd, env=env, capture_output=True, text=True)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.integration
def test_git_commit_with_the_hook_installed(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = demo_repo(tmp_path)
    env = _install_hook(repo, pre_commit_home)
    commit_all(repo, "Hook config")
    age_tree(repo)
    write_files(repo, {"src/demo/core.py": "X = 2\n"})
    blocked = _commit(repo, env, "-a")  # git hands the hook GIT_INDEX_FILE=.git/index.lock
    assert blocked.returncode == 1, blocked.output
    assert "src/demo/core.py:1:1:" in blocked.output
    _stage(repo, {"changelog.d/42.feature.md": "Two.\n"})
    # Only core.py goes into this commit: git gives the hook a temporary index without the fragment.
    partial = _commit(repo, env, "--", "src/demo/core.py")
    assert partial.returncode == 1, partial.output
    assert "src/demo/core.py:1:1:" in partial.output
    ok = _commit(repo, env, "-a")
    assert ok.returncode == 0, ok.output
    assert _record(repo / ".git").is_file()


@pytest.mark.integration
def test_git_commit_in_a_worktree_of_a_monorepo(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _monorepo(tmp_path)
    env = _install_hook(repo, pre_commit_home, entry="releasekit -C packages/a check fragments")
    commit_all(repo, "Hook config")
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "43-y", str(wt), "42-x")
    for tree in (repo, wt):
        _stage(tree, {"packages/a/src/demo/core.py": "A = 3\n"})
        blocked = _commit(tree, env)
        assert blocked.returncode == 1, (tree, blocked.output)
        assert "src/demo/core.py:1:1:" in blocked.output
        _stage(tree, {"packages/a/changelog.d/43.feature.md": "A is 3.\n"})
        ok = _commit(tree, env)
        assert ok.returncode == 0, (tree, ok.output)
