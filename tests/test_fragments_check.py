"""`releasekit check fragments` in real git repositories with a bare origin: what passes, what fails, what it says.

Most tests run ``main([...])`` in process (capsys, monkeypatch); the ones about the process
itself (its one git call, odd paths, closed pipes) run the real command.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from releasekit import gitdiff
from releasekit.cli import main
from releasekit.errors import ReleasekitError
from releasekit.fastpath import spawn
from tests.helpers.cli import Result, command, releasekit
from tests.helpers.fragments import demo_repo, set_fragment_dir
from tests.helpers.gitrepo import age_tree, commit_all, copy_with_origin, git, make_repo, write_files


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project on main with its origin, built once for the module (``demo``)."""
    return demo_repo(tmp_path_factory.mktemp("template"), branch=None)


def demo(tmp_path: Path, template: Path, *, branch: str | None = "42-add-answer") -> Path:
    """What ``demo_repo(tmp_path, branch=branch)`` makes, copied from ``template``."""
    repo, _ = copy_with_origin(template, template.parent / "origin.git", tmp_path)
    if branch:
        git(repo, "checkout", "-q", "-b", branch)
    return repo


def check(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple:
    monkeypatch.chdir(repo)
    code = main(["check", "fragments", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def stage(repo: Path, files: dict[str, str | bytes]) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")


def test_source_change_without_fragment_fails_and_the_suggested_command_fixes_it(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    stage(repo, {"src/demo/core.py": "def answer() -> int:\n    return 43\n"})
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    line = out.strip()
    assert line.startswith("src/demo/core.py:1:1: this changed with no changelog fragment in changelog.d/; add one: ")
    command = line.split("add one: ", 1)[1].split(" (types:")[0]
    assert command == "towncrier create --content 'What changed, for users' 42.feature.md"
    # Run exactly what the message says, with the towncrier releasekit installs.
    argv = [sys.executable, "-m", *shlex.split(command)]
    subprocess.run(argv, cwd=repo, check=True, capture_output=True)
    assert (repo / "changelog.d" / "42.feature.md").read_text().strip() == "What changed, for users"
    git(repo, "add", "-A")
    code, out, err = check(repo, monkeypatch, capsys)
    assert code == 0, out
    assert out == ""
    assert "adds changelog.d/42.feature.md" in err


def test_branch_without_issue_number_suggests_an_orphan_fragment(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template, branch="tidy-things")
    stage(repo, {"src/demo/new.py": "X = 1\n"})
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    assert "towncrier create --content 'What changed, for users' +.feature.md" in out
    stage(repo, {"changelog.d/+tidy.feature.md": "Tidier.\n"})  # orphan fragments count
    assert check(repo, monkeypatch, capsys)[0] == 0


def test_committed_branch_work_is_checked_since_the_merge_base(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    write_files(repo, {"src/demo/a.py": "A = 1\n", "src/demo/b.py": "B = 1\n"})
    commit_all(repo, "Add a and b")
    # main moves on meanwhile: its own changes are not this branch's business.
    git(repo, "checkout", "-q", "main")
    write_files(repo, {"src/demo/main_only.py": "M = 1\n"})
    commit_all(repo, "Work on main")
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "42-add-answer")
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    assert out.startswith("src/demo/a.py:1:1: this and 1 other source file changed with no changelog fragment")
    assert "main_only" not in out
    write_files(repo, {"changelog.d/42.feature.md": "Added a and b.\n"})
    commit_all(repo, "Fragment")
    assert check(repo, monkeypatch, capsys)[0] == 0


@pytest.mark.parametrize(
    "files",
    [
        {"docs/index.md": "# Demo, better\n"},
        {"tests/test_core.py": "def test_more() -> None:\n    pass\n"},
        {".github/workflows/ci.yml": "on: [push, pull_request]\n"},
        {"README.md": "# demo\n\nMore words.\n", "pyproject.toml": None},
    ],
    ids=["docs", "tests", "ci", "readme"],
)
def test_docs_tests_and_ci_changes_pass(
    files: dict[str, str | None],
    tmp_path: Path,
    demo_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = demo(tmp_path, demo_template)
    stage(repo, {k: v for k, v in files.items() if v is not None})
    code, out, err = check(repo, monkeypatch, capsys)
    assert (code, out) == (0, "")
    assert "touches no source path" in err


def test_configured_source_paths(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.releasekit]\nsource_paths = ["src/**/*.py", "tools/"]\n')
    commit_all(repo, "Configure source paths")
    stage(repo, {"src/demo/data.json": "{}\n"})
    assert check(repo, monkeypatch, capsys)[0] == 0
    stage(repo, {"tools/gen.sh": "echo\n"})
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    assert out.startswith("tools/gen.sh:1:1:")


def test_release_commit_passes(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template, branch=None)
    write_files(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "The answer.\n"})
    commit_all(repo, "Feature")
    git(repo, "push", "-q", "origin", "main")
    # The release: bump the version (a source file too) and let towncrier consume the fragments.
    write_files(repo, {"src/demo/__init__.py": '"""The demo package."""\n__version__ = "1.1.0"\n'})
    git(repo, "add", "-A")
    subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--yes", "--version", "1.1.0", "--date", "2026-01-02"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    assert not (repo / "changelog.d" / "42.feature.md").exists()
    assert "The answer." in (repo / "CHANGELOG.md").read_text()
    code, out, err = check(repo, monkeypatch, capsys)  # staged, at the pre-commit stage
    assert (code, out) == (0, ""), out
    assert "is a release commit" in err
    commit_all(repo, "Release v1.1.0")
    assert check(repo, monkeypatch, capsys)[0] == 0  # and as a pushed commit


def test_revert_that_removes_its_fragment_passes(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template, branch=None)
    write_files(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "The answer.\n"})
    feature = commit_all(repo, "Feature")
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "revert-feature")
    git(repo, "revert", "--no-edit", feature)
    code, out, err = check(repo, monkeypatch, capsys)
    assert (code, out) == (0, "")
    assert "(a revert)" in err


def test_hand_edit_of_the_changelog_is_reported_at_its_line(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text() + "\n## 1.0.1\n\n- Fixed by hand.\n")
    git(repo, "add", "-A")
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    assert out.startswith("CHANGELOG.md:7:1: CHANGELOG.md edited by hand outside a release commit")


def test_invalid_fragments_fail_whatever_the_change(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    stage(
        repo,
        {
            "src/demo/core.py": "X = 3\n",
            "changelog.d/42.feture.md": "Typo.\n",
            "changelog.d/43.bugfix.md": "\n",
            "changelog.d/44.breaking.md": "Removed answer().\n",
        },
    )
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("changelog.d/42.feture.md:1:1: unknown fragment type 'feture'; did you mean 'feature'?")
    assert lines[1] == "changelog.d/43.bugfix.md:1:1: fragment is empty; write a sentence for the release notes"
    assert lines[2].startswith("changelog.d/44.breaking.md:1:1: a breaking change needs a migration fragment")
    assert len(lines) == 3  # the typo'd file still counts as the change's fragment: one report per problem


def test_json_and_github_formats(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    stage(repo, {"changelog.d/1.feture.md": "x\n"})
    code, out, _ = check(repo, monkeypatch, capsys, "--format", "github")
    assert code == 1
    assert out.startswith("::error file=changelog.d/1.feture.md,line=1,col=1::unknown fragment type")
    code, out, _ = check(repo, monkeypatch, capsys, "--format=json")
    assert code == 1
    assert '"path": "changelog.d/1.feture.md"' in out


def test_explicit_base(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    write_files(repo, {"src/demo/a.py": "A = 1\n"})
    commit_all(repo, "A")
    git(repo, "checkout", "-q", "-b", "43-on-top")
    write_files(repo, {"docs/more.md": "More.\n"})
    commit_all(repo, "Docs")
    assert check(repo, monkeypatch, capsys)[0] == 1  # since origin/main: a.py has no fragment
    code, _, err = check(repo, monkeypatch, capsys, "--base", "42-add-answer")
    assert code == 0
    assert "since 42-add-answer" in err


def test_pre_commit_refs_take_precedence(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    first = git(repo, "rev-parse", "HEAD")
    write_files(repo, {"src/demo/a.py": "A = 1\n", "changelog.d/42.feature.md": "A.\n"})
    second = commit_all(repo, "A with fragment")
    write_files(repo, {"src/demo/b.py": "B = 1\n"})
    third = commit_all(repo, "B without")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", first)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", second)
    code, _, err = check(repo, monkeypatch, capsys, "--base", "HEAD")
    assert code == 0
    assert f"commits {first[:12]}...{second[:12]} (from pre-commit)" in err
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", second)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", third)
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    assert out.startswith("src/demo/b.py:1:1:")


def test_missing_base_without_remote_is_one_clear_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "lonely", {"pyproject.toml": (demo_repo_pyproject(tmp_path))})
    result = releasekit("check", "fragments", cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "releasekit: error: base origin/main not found: pass --base REF naming the branch this change goes into"
    )


def demo_repo_pyproject(tmp_path: Path) -> str:
    from tests.helpers.fragments import demo_files

    return demo_files()["pyproject.toml"]


def test_missing_remote_branch_is_fetched(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    git(repo, "update-ref", "-d", "refs/remotes/origin/main")
    stage(repo, {"src/demo/x.py": "X = 1\n"})
    code, out, err = check(repo, monkeypatch, capsys)
    assert code == 1
    assert "releasekit: fetched origin/main from origin" in err
    assert out.startswith("src/demo/x.py:1:1:")


def _shallow_clone(tmp_path: Path, template: Path) -> Path:
    repo = demo(tmp_path, template)
    for n in range(3):
        write_files(repo, {f"docs/page{n}.md": "text\n"})
        commit_all(repo, f"Docs {n}")
    write_files(repo, {"src/demo/x.py": "X = 1\n"})
    commit_all(repo, "Code without a fragment")
    git(repo, "push", "-q", "origin", "42-add-answer")
    clone = tmp_path / "ci"
    origin = (tmp_path / "origin.git").as_uri()
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "42-add-answer", origin, str(clone)],
        check=True,
        capture_output=True,
    )
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    return clone


def test_depth_1_clone_fetches_what_it_needs(tmp_path: Path, demo_template: Path) -> None:
    clone = _shallow_clone(tmp_path, demo_template)
    result = releasekit("check", "fragments", cwd=clone)
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    assert "releasekit: fetched origin/main from origin with the full history (the clone was shallow)" in result.stderr
    assert result.stdout.startswith("src/demo/x.py:1:1: this changed with no changelog fragment")


def test_depth_1_clone_without_reachable_remote_says_what_to_do(tmp_path: Path, demo_template: Path) -> None:
    clone = _shallow_clone(tmp_path, demo_template)
    git(clone, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    result = releasekit("check", "fragments", cwd=clone)
    assert result.returncode == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "base origin/main not found and `git fetch --unshallow origin main` failed" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    # A base that exists but whose merge base is cut off by the shallow history.
    git(clone, "fetch", "-q", "--depth", "1", str(tmp_path / "origin.git"), "+main:refs/remotes/origin/main")
    result = releasekit("check", "fragments", cwd=clone)
    assert result.returncode == 2, result.output
    assert result.stderr.strip() == (
        "releasekit: error: shallow clone: the history back to the merge base of HEAD and origin/main is missing; "
        "run `git fetch --unshallow origin` (in CI, check out with fetch-depth: 0)"
    )


def test_unrelated_history_is_one_clear_line(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template)
    git(repo, "checkout", "-q", "--orphan", "elsewhere")
    commit_all(repo, "Unrelated root")
    code, out, err = check(repo, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err == (
        "releasekit: error: HEAD and base origin/main share no history: pass --base REF naming the branch "
        "this change goes into\n"
    )


def test_first_commit_checks_everything_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers.fragments import demo_files

    repo = make_repo(tmp_path / "new")
    stage(repo, demo_files())
    code, out, _ = check(repo, monkeypatch, capsys, "--base", "main")
    assert code == 1
    assert out.startswith("src/demo/__init__.py:1:1: this and 1 other source file changed")
    stage(repo, {"changelog.d/+start.feature.md": "First release.\n"})
    code, _, err = check(repo, monkeypatch, capsys, "--base", "main")
    assert code == 0
    assert "the first commit" in err


def test_without_towncrier_configuration(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "bare", {"pyproject.toml": '[project]\nname = "x"\n'})
    result = releasekit("check", "fragments", cwd=repo)
    assert result.returncode == 2
    assert "pyproject.toml: no [tool.towncrier] section" in result.stderr


def test_removing_a_fragment_outside_a_revert_still_needs_one(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = demo(tmp_path, demo_template, branch=None)
    write_files(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "The answer.\n"})
    feature = commit_all(repo, "Feature")
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "43-rework")
    (repo / "changelog.d" / "42.feature.md").unlink()
    stage(repo, {"src/demo/core.py": "X = 3\n"})
    code, out, _ = check(repo, monkeypatch, capsys)
    assert code == 1
    assert out.startswith("src/demo/core.py:1:1: this changed with no changelog fragment")
    # The same paths, as a revert under way (`git revert --no-commit`), pass.
    git(repo, "reset", "-q", "--hard")
    git(repo, "revert", "--no-commit", feature)
    code, _, err = check(repo, monkeypatch, capsys)
    assert code == 0
    assert "(a revert)" in err


# --- odd paths ---------------------------------------------------------------------------------

MISSING = "changed with no changelog fragment"


def _check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return releasekit("check", "fragments", *args, cwd=cwd, env=env)


ODD_NAMES = ["with space.py", "café.py", "quo'te\"s.py", "tab\there.py", "new\nline.py", "-dash.py", "ü/ß/x.py"]


@pytest.mark.parametrize("name", ODD_NAMES, ids=["space", "non-ascii", "quotes", "tab", "newline", "dash", "dirs"])
def test_odd_source_names_need_a_fragment(name: str, tmp_path: Path, demo_template: Path) -> None:
    repo = demo(tmp_path, demo_template)
    stage(repo, {f"src/demo/{name}": "X = 1\n"})
    missing = _check(repo)
    assert missing.returncode == 1, missing.output
    assert MISSING in missing.stdout
    stage(repo, {"changelog.d/42.feature.md": "Odd names.\n"})
    ok = _check(repo)
    assert ok.returncode == 0, ok.output
    assert "adds changelog.d/42.feature.md" in ok.stderr


def test_odd_fragment_directory_and_file_names(tmp_path: Path, demo_template: Path) -> None:
    directory = "chänge lög\t'd\""
    repo = demo(tmp_path, demo_template)
    set_fragment_dir(repo / "pyproject.toml", directory.replace("\t", "\\t").replace('"', '\\"'))
    commit_all(repo, "Fragments live in an odd place")
    stage(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "In the old place.\n"})
    wrong_place = _check(repo)
    assert wrong_place.returncode == 1, wrong_place.output
    assert f"no changelog fragment in {directory}/" in wrong_place.stdout
    git(repo, "rm", "-q", "--cached", "changelog.d/42.feature.md")
    stage(repo, {f"{directory}/42.feature.md": "In the odd place.\n", f"{directory}/README.md": "not a fragment\n"})
    stage(repo, {f"{directory}/+café.feature.md": "An orphan, as towncrier reads it.\n"})
    ok = _check(repo)
    assert ok.returncode == 0, ok.output
    assert f"adds {directory}/+café.feature.md, {directory}/42.feature.md" in ok.stderr
    stage(repo, {f"{directory}/README\n.md": "Not README.md: towncrier check fails on it.\n"})
    bad = _check(repo)
    assert bad.returncode == 1
    assert f"{directory}/README\\n.md:1:1: not a fragment name: no type" in bad.stdout  # printed escaped


def test_renamed_deleted_and_retyped_sources(tmp_path: Path, demo_template: Path) -> None:
    repo = demo(tmp_path, demo_template)
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
    stage(repo, {"changelog.d/42.feature.md": "core is an alias now.\n"})
    assert _check(repo).returncode == 0


def test_a_renamed_fragment_counts_as_added(tmp_path: Path, demo_template: Path) -> None:
    repo = demo(tmp_path, demo_template)
    write_files(repo, {"changelog.d/41.feature.md": "Wrong number.\n"})
    commit_all(repo, "Fragment")
    git(repo, "push", "-q", "origin", "42-add-answer:main")  # the fragment is on the base branch already
    git(repo, "fetch", "-q", "origin")
    stage(repo, {"src/demo/core.py": "X = 2\n"})
    git(repo, "mv", "changelog.d/41.feature.md", "changelog.d/42.feature.md")
    ok = _check(repo)
    assert ok.returncode == 0, ok.output
    assert "adds changelog.d/42.feature.md" in ok.stderr


def test_configured_globs_in_a_real_run(tmp_path: Path, demo_template: Path) -> None:
    repo = demo(tmp_path, demo_template)
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
        stage(repo, files)
        result = _check(repo)
        assert result.returncode == (1 if needs else 0), (files, result.output)
        git(repo, "reset", "-q", "--hard")
        git(repo, "clean", "-q", "-fdx", "-e", ".git")


# --- the one git call, and the process around it -----------------------------------------------


def test_run_git_reads_both_pipes_whole(tmp_path: Path) -> None:
    repo = tmp_path / "many"
    names = {f"dir{n % 7}/{'long-name-' * 8}{n:05d}.txt": "" for n in range(1500)}
    write_files(repo, names)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    code, out, err = spawn.run_git(repo, "diff", "--cached", "--name-only", "--", "no-such-option-needed")
    assert (code, out, err) == (0, "", "")
    code, out, err = spawn.run_git(repo, "ls-files", "-z")
    assert code == 0 and len(out) > 1 << 17  # more than a pipe's buffer
    assert sorted(out.rstrip("\0").split("\0")) == sorted(names)
    code, out, err = spawn.run_git(repo, "diff", "no-such-rev")
    assert code == 128 and out == "" and "no-such-rev" in err
    assert gitdiff.diff_name_status(repo, "no-such-rev")[0] is None


def test_a_missing_git_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReleasekitError, match=r"^git: command not found; install it or check PATH$"):
        spawn.run_git(tmp_path, "status")


def test_a_closed_stdout_does_not_hide_the_change(tmp_path: Path, demo_template: Path) -> None:
    repo = demo(tmp_path, demo_template)
    stage(repo, {"src/demo/core.py": "X = 2\n"})
    # Started through a shell, not by the helper's runner: that gives the process pipes, and this needs them closed.
    cmd = command("check", "fragments")
    for closed in (">&-", "<&-", "2>&-", "<&- >&-"):
        proc = subprocess.run(["sh", "-c", f'exec "$@" {closed}', "sh", *cmd], cwd=repo, check=False)
        assert proc.returncode == 1, closed


def test_a_chatty_git_does_not_deadlock(tmp_path: Path, demo_template: Path) -> None:
    repo = demo(tmp_path, demo_template)
    stage(repo, {f"src/demo/{'m' * 100}{n:04d}.py": "" for n in range(1500)})
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    # 1 MB on stderr before git even starts, then git's own trace on stderr too.
    wrapper.write_text(f'#!/bin/sh\nhead -c 1048576 /dev/zero | tr "\\0" x >&2\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GIT_TRACE": "1"}
    result = releasekit("check", "fragments", cwd=repo, env=env, timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "this and 1499 other source files changed with no changelog fragment" in result.stdout
