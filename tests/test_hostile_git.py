"""Hostile names and journals: git option injection, path escapes, worktrees, misleading errors.

Each test builds the hostile input for real and checks the exit code, the one line naming
the key, flag or variable, and that nothing outside the repository changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasekit import config, git, gitdiff, refnames
from releasekit.errors import ReleasekitError
from releasekit.release import journal
from releasekit.release.runner import begin
from tests.helpers.cli import one_error, releasekit
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import add_worktree, commit_all, copy_with_origin, write_files
from tests.helpers.gitrepo import git as run_git
from tests.helpers.projects import seed_repo
from tests.helpers.pypi import free_port
from tests.helpers.releaseproj import Project, make_project, snapshot

# --- the validator --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["main", "master", "origin/main", "hotfix/v1.2.3", "v1.2.3", "1.2.3", "release-2026.12", "a" * 40]
)
def test_valid_names(name: str) -> None:
    assert refnames.problem(name) is None
    assert refnames.check_branch(name, "key") == name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("-x", "starts with '-'"),
        ("--upload-pack=touch /tmp/p", "starts with '-'"),
        ("a b", "contains a space"),
        ("a~1", "contains '~'"),
        ("a^", "contains '^'"),
        ("a:b", "contains ':'"),
        ("a?", "contains '?'"),
        ("a*", "contains '*'"),
        ("a[b", "contains '['"),
        ("a\\b", "contains '\\\\'"),
        ("a\tb", "contains U+0009"),
        ("a\x7fb", "contains U+007F"),
        ("a..b", "contains '..'"),
        ("a@{1}", "contains '@{'"),
        ("@", "is '@'"),
        ("a.", "ends with '.'"),
        ("/a", "has an empty '/' component"),
        ("a/", "has an empty '/' component"),
        ("a//b", "has an empty '/' component"),
        ("a/.b", "has a component starting with '.'"),
        ("a.lock/b", "has a component ending with '.lock'"),
        ("x" * 256, "longer than 255 characters"),
    ],
)
def test_invalid_names_agree_with_git(name: str, reason: str, tmp_path: Path) -> None:
    assert refnames.problem(name) == reason
    if name not in ("@", "x" * 256):  # git reads "@" as HEAD, and sets no length limit
        # git itself refuses every other one as a branch name (with --branch, a leading '-' too).
        import subprocess

        proc = subprocess.run(["git", "check-ref-format", "--branch", name], cwd=tmp_path, capture_output=True)
        assert proc.returncode != 0, name


_REFISH = st.text(alphabet=st.sampled_from("ab-./@{}~^:?*[\\ \t.lock"), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_REFISH)
def test_names_agree_with_git_check_ref_format(tmp_path: Path, name: str) -> None:
    """Whatever the name, releasekit accepts it exactly when git would (plus: no leading '-')."""
    import subprocess

    if name == "@":
        return  # git reads "@" as HEAD; releasekit refuses it as a name
    proc = subprocess.run(["git", "check-ref-format", "--allow-onelevel", name], cwd=tmp_path, capture_output=True)
    git_accepts = proc.returncode == 0 and not name.startswith("-")
    assert (refnames.problem(name) is None) == git_accepts, (name, refnames.problem(name))


def test_legitimate_shapes_pass(tmp_path: Path) -> None:
    """A project on master, pushing to a remote named upstream, with a nested release branch name."""
    from tests.helpers.fragments import demo_files
    from tests.helpers.gitrepo import add_origin, make_repo

    files = demo_files()
    files["pyproject.toml"] += '\n[tool.releasekit]\nrelease_branch = "master"\nremote = "upstream"\n'
    repo = make_repo(tmp_path / "legacy", files, branch="master")
    add_origin(repo, tmp_path / "upstream.git", branch="master")
    run_git(repo, "remote", "rename", "origin", "upstream")
    run_git(repo, "checkout", "-q", "-b", "feature/v2.x-answer")
    write_files(repo, {"docs/index.md": "# Demo, documented\n"})
    commit_all(repo, "Document the demo")
    cfg = config.load(repo)
    assert (cfg.release_branch, cfg.remote) == ("master", "upstream")
    result = releasekit("check", "fragments", cwd=repo)
    assert result.returncode == 0, result.output
    assert "commits since upstream/master" in result.stderr
    result = releasekit("check", "fragments", "--base", "upstream/master~0", cwd=repo)
    assert result.returncode == 0, result.output


def test_revisions_take_a_name_and_a_suffix() -> None:
    for ok in ("HEAD", "HEAD~2", "origin/main^1~3", "v1.2.3", "0123abcd"):
        assert refnames.check_revision(ok, "--base") == ok
    with pytest.raises(ReleasekitError) as info:
        refnames.check_revision("main~x", "--base")
    assert str(info.value) == "--base: 'main~x' is not a valid git revision (only ~N and ^N may follow the name)"
    with pytest.raises(ReleasekitError, match=r"^key: must be a string, not 3$"):
        refnames.check_branch(3, "key")
    with pytest.raises(ReleasekitError, match="'HEAD' names the current commit"):
        refnames.check_branch("HEAD", "key")


# --- option injection: the flag, the variable, the configuration ------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One project with its origin for the module; each test gets a copy (``fresh_project``)."""
    return make_project(tmp_path_factory.mktemp("template"))


def fresh_project(template: Project, base: Path) -> Project:
    """What ``make_project(base)`` makes, copied from ``template``: a checkout at base/work, its origin beside it."""
    root, origin = copy_with_origin(template.root, template.origin, base)
    return template._replace(root=root, origin=origin)


def test_base_flag_cannot_become_a_git_option(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    readme = (repo / "README.md").read_bytes()
    result = releasekit("check", "fragments", "--base=--output=README.md", cwd=repo)
    assert one_error(result) == "--base: '--output=README.md' is not a valid git revision (starts with '-')"
    assert (repo / "README.md").read_bytes() == readme
    # The second guard: were the name to reach git, --end-of-options keeps it a revision.
    pairs, error = gitdiff.diff_name_status(repo, "--cached", "--merge-base", "--output=README.md")
    assert pairs is None and "--output=README.md" in error
    assert (repo / "README.md").read_bytes() == readme


def test_pre_commit_refs_cannot_become_git_options(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    marker = tmp_path / "written-by-git"
    env = {"PRE_COMMIT_FROM_REF": f"--output={marker}", "PRE_COMMIT_TO_REF": "HEAD"}
    result = releasekit("check", "fragments", cwd=repo, env=env)
    assert (
        one_error(result) == f"PRE_COMMIT_FROM_REF: '--output={marker}' is not a valid git revision (starts with '-')"
    )
    env = {"PRE_COMMIT_FROM_REF": "HEAD", "PRE_COMMIT_TO_REF": f"--output={marker}"}
    result = releasekit("check", "fragments", cwd=repo, env=env)
    assert one_error(result) == f"PRE_COMMIT_TO_REF: '--output={marker}' is not a valid git revision (starts with '-')"
    assert not marker.exists()


def _with_releasekit_table(project: Project, table: str) -> None:
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f"\n[tool.releasekit]\n{table}\n")
    commit_all(project.root, "Configure releasekit")
    run_git(project.root, "push", "-q", "origin", "main")


@pytest.mark.parametrize("key", ["release_branch", "remote"])
def test_configured_names_cannot_run_commands(tmp_path: Path, template: Project, key: str) -> None:
    project = fresh_project(template, tmp_path)
    marker = tmp_path / "upload-pack-ran"
    value = f"--upload-pack=touch {marker}; git-upload-pack"
    _with_releasekit_table(project, f"{key} = {json.dumps(value)}")
    before = snapshot(project.root), snapshot(project.origin)
    kind = "branch name" if key == "release_branch" else "remote name"
    expected = f"pyproject.toml: [tool.releasekit] {key}: {value!r} is not a valid {kind} (starts with '-')"
    for argv in (["release", "--dry-run"], ["release", "patch", "--yes"], ["check", "fragments"], ["hotfix", "v0.1.0"]):
        assert one_error(releasekit(*argv, cwd=project.root)) == expected, argv
    assert not marker.exists()
    assert (snapshot(project.root), snapshot(project.origin)) == before


def test_git_functions_end_their_options(tmp_path: Path, template: Project) -> None:
    """Names that slipped past the checks still reach git as names, never as options."""
    project = fresh_project(template, tmp_path)
    marker = tmp_path / "upload-pack-ran"
    evil = f"--upload-pack=touch {marker}; git-upload-pack"
    root = project.root
    assert git.remote_url(evil, root) is None
    assert not git.tag_exists(evil, root) and not git.branch_exists(evil, root)
    assert git.rev_parse(evil, root) is None and git.merge_base(evil, "HEAD", root) is None
    assert not git.fetch_branch("origin", evil, root) and not git.fetch_branch(evil, "main", root)
    assert not git.unshallow(evil, root)
    for call in (
        lambda: git.fetch(evil, root),
        lambda: git.remote_branch_exists(evil, "main", root),
        lambda: git.remote_tag_exists("origin", evil, root) or git.remote_tag_exists(evil, "v1", root),
        lambda: git.push_atomic(evil, ["HEAD:refs/heads/main"], root),
        lambda: git.create_tag(evil, "m", "HEAD", root),
        lambda: git.reset_hard(evil, root),
        lambda: git.create_branch(evil, "HEAD", root),
        lambda: git.create_branch("topic", evil, root),
    ):
        with pytest.raises(ReleasekitError):
            call()
    assert not marker.exists()
    assert git.current_branch(root) == "main" and run_git(root, "tag", "--list") == ""


# --- the journal ------------------------------------------------------------------------------


def _journal_file(project: Project) -> Path:
    return project.root / ".git" / "releasekit" / "release.json"


def _valid_journal(project: Project) -> dict[str, object]:
    cfg = config.load(project.root)
    record, _ = begin(cfg, "patch")
    record.completed = ["preflight", "tests"]
    journal.save(project.root / ".git", record)
    data: dict[str, object] = json.loads(_journal_file(project).read_text())
    return data


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"completed": "preflight"}, "completed must be a list of step names, not 'preflight'"),
        ({"artifacts": []}, "artifacts must be file names mapped to sha256 digests, not []"),
        ({"artifacts": {"../../x.whl": "0" * 64}}, "artifacts must be file names mapped to sha256 digests"),
        ({"version": 3}, "version must be a release version such as 1.2.3, not 3"),
        ({"version": "../../../../victim"}, "version must be a release version such as 1.2.3"),
        ({"branch": "--upload-pack=x"}, "branch must be a branch name, not '--upload-pack=x'"),
        ({"remote": None}, "remote must be a remote name, not None"),
        ({"start_commit": "HEAD"}, "start_commit must be a commit id, not 'HEAD'"),
        ({"release_commit": "--hard"}, "release_commit must be a commit id or null, not '--hard'"),
        ({"security": "extreme"}, "security must be null or one of low, medium, high, critical"),
        ({"surprise": 1}, "unknown field 'surprise'"),
        ({"spec": None}, "spec must be major, minor, patch or a version, not None"),
        ({"project": "--index-url=http://x"}, "project must be a project name or null, not '--index-url=http://x'"),
        ({"advisory_url": "x\ny"}, "advisory_url must be text or null"),
    ],
)
def test_journal_fields_are_checked(tmp_path: Path, template: Project, change: dict[str, object], problem: str) -> None:
    project = fresh_project(template, tmp_path)
    data = {**_valid_journal(project), **change}
    _journal_file(project).write_text(json.dumps(data))
    for argv in (["release", "--dry-run"], ["release", "--abort"], ["release", "patch", "--yes"]):
        line = one_error(releasekit(*argv, cwd=project.root))
        assert line.startswith(f"{_journal_file(project)}: damaged release journal ({problem}"), line
        assert line.endswith(
            "inspect it, then delete it to forget that release (undo any release commit or tag it made by hand)"
        )


def test_journal_version_cannot_reach_outside_the_git_dir(tmp_path: Path, template: Project) -> None:
    project = fresh_project(template, tmp_path)
    victim = tmp_path / "victim"
    write_files(victim, {"precious.txt": "keep me"})
    data = _valid_journal(project)
    # Deep enough from .git/releasekit/dist/ to reach tmp_path/victim.
    data["version"] = "../../../../victim"
    _journal_file(project).write_text(json.dumps(data))
    result = releasekit("release", "--abort", cwd=project.root)
    assert "version must be a release version" in one_error(result)
    assert (victim / "precious.txt").read_text() == "keep me"
    # The second guard: a path made from journal fields is checked to stay in the journal's directory.
    with pytest.raises(ReleasekitError, match="outside"):
        journal.artifacts_dir(project.root / ".git", "../../../../victim")
    folder = journal.artifacts_dir(project.root / ".git", "1.2.3")
    assert folder.name == "1.2.3" and journal.inside(folder, folder / "x-1.2.3.tar.gz") == folder / "x-1.2.3.tar.gz"
    with pytest.raises(ReleasekitError, match="outside"):
        journal.inside(folder, folder / ".." / ".." / ".." / "config")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda f: f.mkdir(), "a directory"),
        (lambda f: f.write_bytes(b'{"schema": 1, "version": "\xff\xfe"}'), "not UTF-8 at byte 26"),
        (lambda f: f.write_text("[" * 100_000), "nested more than 100 levels deep; it is not read"),
        (lambda f: f.write_text("{"), "not valid JSON: Expecting property name enclosed in double quotes"),
        (lambda f: f.write_text('{"schema": 1, "x": ' + "7" * 5000 + "}"), "holds an integer of more than 100 digits"),
        (lambda f: f.symlink_to("/dev/zero"), "not a regular file"),
    ],
)
def test_journal_that_is_no_journal(tmp_path: Path, template: Project, make: object, problem: str) -> None:
    project = fresh_project(template, tmp_path)
    file = _journal_file(project)
    file.parent.mkdir(parents=True)
    make(file)  # type: ignore[operator]
    for argv in (["release", "--dry-run"], ["release", "--abort"], ["status"]):
        line = one_error(releasekit(*argv, cwd=project.root, env={"GITHUB_TOKEN": ""}))
        assert line.startswith(f"{file}: damaged release journal ({problem}"), line


# --- two worktrees of one repository --------------------------------------------------------


def test_the_lock_is_shared_by_every_worktree(tmp_path: Path, template: Project) -> None:
    project = fresh_project(template, tmp_path)
    other = add_worktree(project.root, tmp_path / "second")
    common = git.common_dir(other)
    assert common == (project.root / ".git").resolve() and git.git_dir(other) != common
    with journal.locked(git.common_dir(project.root)):
        result = releasekit("release", "patch", "--yes", cwd=other)
    lock = common / "releasekit" / "lock"
    assert (
        one_error(result)
        == f"{lock}: another releasekit release is running in this repository (this worktree or another)"
    )
    assert journal.load(git.git_dir(other)) is None  # the loser left nothing behind
    assert run_git(other, "tag", "--list") == ""


def test_lock_never_follows_a_symlink(tmp_path: Path, template: Project) -> None:
    project = fresh_project(template, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    lock = project.root / ".git" / "releasekit" / "lock"
    lock.parent.mkdir()
    lock.symlink_to(victim)
    line = one_error(releasekit("release", "patch", "--yes", cwd=project.root))
    assert line.startswith(f"{lock}: cannot open the release lock: ") and line.endswith("if it is not a file")
    assert victim.read_text() == "keep me"


def test_journal_of_a_version_released_elsewhere(tmp_path: Path, template: Project) -> None:
    project = fresh_project(template, tmp_path)
    other = add_worktree(project.root, tmp_path / "second")
    stale = begin(config.load(other), "patch")[0]
    stale.completed = ["preflight", "tests"]
    journal.save(git.git_dir(other), stale)
    # Meanwhile the first worktree releases 0.1.1: its release commit and tag.
    write_files(project.root, {f"src/{project.module}/__init__.py": '__version__ = "0.1.1"\n'})
    winner = commit_all(project.root, "Release v0.1.1")
    run_git(project.root, "tag", "-a", "v0.1.1", "-m", "Release v0.1.1")
    stale_file = git.git_dir(other) / "releasekit" / "release.json"
    expected = (
        f"{stale_file}: v0.1.1 was already released elsewhere (the tag is on commit {winner[:10]}, not a commit "
        "of this run); this journal is stale: clear it with 'releasekit release --abort' (it leaves that tag "
        "and its commit alone)"
    )
    for argv in (["release", "--yes"], ["release", "--dry-run"]):
        assert one_error(releasekit(*argv, cwd=other)) == expected
    result = releasekit("release", "--abort", cwd=other)
    assert result.returncode == 0, result.output
    assert "forgot the stale release of 0.1.1 in this worktree" in result.stdout
    assert not stale_file.exists()
    assert run_git(project.root, "rev-parse", "v0.1.1^{commit}") == winner == run_git(project.root, "rev-parse", "main")


def test_unknown_crash_point_is_refused(tmp_path: Path, template: Project) -> None:
    from releasekit.release.crash import CRASH_AT_ENV

    project = fresh_project(template, tmp_path)
    result = releasekit("release", "patch", "--yes", cwd=project.root, env={CRASH_AT_ENV: "upload:0"})
    assert result.returncode == 2
    assert result.stderr == (
        f"releasekit: error: environment variable {CRASH_AT_ENV} must be commit, tag, push, test-upload:N or "
        "upload:N, not 'upload:0'\n"
    )
    assert not _journal_file(project).exists()


# --- errors that used to mislead --------------------------------------------------------------


def test_outside_a_repository_says_so(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    shutil.rmtree(repo / ".git")
    assert one_error(releasekit("check", "fragments", cwd=repo)) == f"{repo}: not inside a git repository"
    assert one_error(releasekit("release", "--dry-run", cwd=repo)) == f"{repo}: not inside a git repository"
    seed = seed_repo(tmp_path / "seed")
    shutil.rmtree(seed / ".git")
    assert one_error(releasekit("hotfix", "v1.2.3", cwd=seed)) == f"{seed}: not inside a git repository"


def test_missing_origin_path_is_one_plain_line(tmp_path: Path, template: Project) -> None:
    seed = seed_repo(tmp_path / "seed")
    run_git(seed, "tag", "-a", "v1.2.3", "-m", "Release v1.2.3")
    gone = tmp_path / "gone.git"
    run_git(seed, "remote", "add", "origin", str(gone))
    line = one_error(releasekit("hotfix", "v1.2.3", cwd=seed), code=1)
    assert line == f"cannot fetch from origin: origin is the path {gone}, which does not exist"
    assert run_git(seed, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    # The release's preflight lists it as one problem among the others, not as git's five lines.
    project = fresh_project(template, tmp_path / "release")
    shutil.rmtree(project.origin)
    dead = f"http://127.0.0.1:{free_port()}/"  # the indexes' problems are not this test's business
    urls = ("UPLOAD_URL", "SIMPLE_URL", "TEST_UPLOAD_URL", "TEST_SIMPLE_URL")
    # The package check and the tests would start beside preflight and be stopped when it fails: skipped.
    env = {f"RELEASEKIT_{u}": dead for u in urls}
    result = releasekit("release", "--dry-run", "--skip", "package,tests", cwd=project.root, env=env)
    assert result.returncode == 1
    assert f"  - cannot fetch main from origin: origin is the path {project.origin}, which does not exist\n" in (
        result.stderr
    )
    assert "access rights" not in result.output and "repository exists" not in result.output


def test_hotfix_tag_argument_is_checked(tmp_path: Path) -> None:
    seed = seed_repo(tmp_path / "seed")
    line = one_error(releasekit("hotfix", "--", "v1..2", cwd=seed))
    assert line == "hotfix vX.Y.Z: 'v1..2' is not a valid tag name (contains '..')"
