"""The runner and the steps on real repositories, without indexes: resume, faults, abort, preflight."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasekit import config
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.release import journal
from releasekit.release.context import Context, Step
from releasekit.release.runner import FAIL_AT_ENV, FaultInjected, abort, begin, run
from releasekit.release.steps.preflight import fragment_problems, suggested_bump
from tests.helpers.cli import Result, releasekit
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.pypi import free_port
from tests.helpers.releaseproj import Project, make_project, step_mark
from tests.helpers.releaseproj import configured_project as _project

# --- fragments and the version to release ----------------------------------------------------


def test_fragment_problems(tmp_path: Path) -> None:
    _, cfg = _project(
        tmp_path, fragments={"+a.breaking.md": "Removed a thing.", "+b.nonsense.md": "x", "+c.bugfix.md": " \n"}
    )
    problems = fragment_problems(cfg, "0.1.0", "0.1.1")
    assert any(p.startswith("changelog.d/+b.nonsense.md:1:1:") for p in problems)
    assert any(p.startswith("changelog.d/+c.bugfix.md:1:1:") and "empty" in p for p in problems)
    assert any("migration" in p for p in problems)
    # The files are judged as the hook judges them; the bump a breaking change needs is checked here.
    assert "changelog.d/: breaking changes need a minor release; 0.1.0 -> 0.1.1 is a patch release" in problems
    assert not any("need a minor release" in p for p in fragment_problems(cfg, "0.1.0", "0.2.0"))
    assert suggested_bump(cfg, "0.1.0") == "minor" and suggested_bump(cfg, "1.0.0") == "major"


def test_no_fragments_means_nothing_to_release(tmp_path: Path) -> None:
    _, cfg = _project(tmp_path, fragments={})
    assert fragment_problems(cfg, "0.1.0", "0.1.1") == [
        "changelog.d/: no changelog fragments; there is nothing to release"
    ]
    assert suggested_bump(cfg, "0.1.0") == "patch"


def test_begin_new_and_resume(tmp_path: Path) -> None:
    project, cfg = _project(tmp_path)
    record, resumed = begin(cfg, None)
    assert (record.version, record.spec, resumed) == ("0.2.0", "minor", False)
    assert record.start_commit == git(project.root, "rev-parse", "HEAD")
    assert begin(cfg, "1.0.0")[0].version == "1.0.0"
    with pytest.raises(ReleasekitError, match="expected major, minor, patch"):
        begin(cfg, "sideways")
    journal.save(project.root / ".git", record)
    assert begin(cfg, "minor") == (record, True)
    assert begin(cfg, "v0.2.0") == (record, True)
    with pytest.raises(ReleasekitError, match="in progress, not 'patch'"):
        begin(cfg, "patch")
    with pytest.raises(ReleasekitError, match="is in progress"):
        begin(cfg, None, dry_run=True)


# --- the runner, with steps of our own -------------------------------------------------------


def _steps(calls: list[str], fail: str | None = None) -> tuple[Step, ...]:
    def make(name: str) -> Step:
        def step_run(ctx: Context) -> str:
            calls.append(name)
            ctx.note(f"{name} working")
            if name == fail:
                raise StepFailed(f"{name} broke")
            return f"{name} done"

        return step_run  # type: ignore[return-value]

    return (
        Step("one", "One", True, True, make("one")),  # type: ignore[arg-type]
        Step("two", "Two", True, False, make("two")),  # type: ignore[arg-type]
        Step("three", "Three", False, False, make("three")),  # type: ignore[arg-type]
    )


def test_runner_journals_resumes_and_injects_faults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, cfg = _project(tmp_path)
    git_dir = project.root / ".git"
    record, _ = begin(cfg, "patch")
    calls: list[str] = []
    events: list[tuple[str, str]] = []
    monkeypatch.setenv(FAIL_AT_ENV, "two")
    with pytest.raises(FaultInjected, match=r"after step 2 \(two\)"):
        run(cfg, record, steps=_steps(calls), report=lambda e: events.append((e.step.name, e.status)))
    assert journal.load(git_dir).completed == ["one", "two"]  # type: ignore[union-attr]
    monkeypatch.delenv(FAIL_AT_ENV)
    resumed, again = begin(cfg, "patch")
    assert again
    run(cfg, resumed, steps=_steps(calls), report=lambda e: events.append((e.step.name, e.status)))
    assert calls == ["one", "two", "three"]
    assert ("one", "done-before") in events and ("two", "note") in events and ("three", "ok") in events
    assert journal.load(git_dir) is None and (git_dir / "releasekit" / "released-0.1.1.json").is_file()


def test_runner_stops_at_failure_and_before_declined_upload(tmp_path: Path) -> None:
    project, cfg = _project(tmp_path)
    record, _ = begin(cfg, "patch")
    calls: list[str] = []
    with pytest.raises(StepFailed, match="two broke"):
        run(cfg, record, steps=_steps(calls, fail="two"))
    assert journal.load(project.root / ".git").completed == ["one"]  # type: ignore[union-attr]
    questions: list[str] = []
    with pytest.raises(StepFailed, match="stopped before the first upload"):
        run(cfg, record, steps=_steps(calls), confirm=lambda q: questions.append(q) is not None)
    assert calls == ["one", "two", "two"] and len(questions) == 1
    run(cfg, record, steps=_steps(calls), confirm=lambda q: True)
    assert calls[-1] == "three"


def test_dry_run_runs_only_read_only_steps_and_keeps_no_journal(tmp_path: Path) -> None:
    project, cfg = _project(tmp_path)
    record, _ = begin(cfg, "patch", dry_run=True)
    calls: list[str] = []
    run(cfg, record, dry_run=True, steps=_steps(calls))
    assert calls == ["one"]
    assert not (project.root / ".git" / "releasekit").exists()


def test_a_dry_run_fills_its_journal_in_memory_and_the_summary_step_renders_it(tmp_path: Path) -> None:
    from releasekit.release.steps.summary import SUMMARY

    project, cfg = _project(tmp_path)
    record, _ = begin(cfg, "patch", dry_run=True)
    digest = "ab" * 32

    def fake_build(ctx: Context) -> str:
        # What the build step journals: a dry run's journal takes it too, in memory.
        ctx.journal.project, ctx.journal.artifacts = "demo", {"demo-0.1.1.tar.gz": digest}
        ctx.journal.gates["tests"] = "passed (pytest)"
        ctx.dry_notes = "### Features\n\n- Added a first feature."
        return "built"

    build = Step("build", "Build", True, True, fake_build)
    lines = run(cfg, record, dry_run=True, steps=(build, SUMMARY))
    assert lines[0] == "Dry run: nothing was changed. The release would publish demo 0.1.1 as v0.1.1."
    assert lines[1:3] == ["Files:", f"  demo-0.1.1.tar.gz  sha256:{digest}"]
    assert lines[lines.index("Gates:") + 1] == "  tests: passed (pytest)"
    assert lines[lines.index("Release notes:") + 1 :] == ["### Features\n\n- Added a first feature."]
    assert record.completed == [] and not (project.root / ".git" / "releasekit").exists()
    # A release renders the same summary from its journal, as released.
    released = Context(cfg, project.root / ".git", record, tmp_path)
    assert SUMMARY.run(released) == "demo 0.1.1 released"
    assert released.report[0] == "Released demo 0.1.1 (tag v0.1.1 on origin/main)"
    assert released.report[-2:] == ["Release notes:", "(no release notes found)"]


def test_fail_at_unknown_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, cfg = _project(tmp_path)
    monkeypatch.setenv(FAIL_AT_ENV, "nope")
    with pytest.raises(ReleasekitError, match="no such step"):
        run(cfg, begin(cfg, "patch")[0], steps=_steps([]))


def test_abort_without_a_release(tmp_path: Path) -> None:
    _, cfg = _project(tmp_path)
    with pytest.raises(ReleasekitError, match="no release in progress"):
        abort(cfg)


# --- steps on a real project, without indexes -------------------------------------------------


def _cli(project: Project, *args: str, **env: str) -> Result:
    return releasekit("release", *args, cwd=project.root, env=env)


def test_no_terminal_and_no_yes_exits_2(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = _cli(project, "patch")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "releasekit: error: no terminal to confirm the uploads on; pass --yes to release without asking"
    )
    result = _cli(project, "--abort")
    assert result.returncode == 2 and "no release in progress" in result.stderr


def test_preflight_reports_every_problem(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    git(project.root, "tag", "-a", "v0.2.0", "-m", "squatter")
    git(project.root, "checkout", "-q", "-b", "topic")
    write_files(project.root, {f"src/{project.module}/__init__.py": '__version__ = "0.0.9"\n'})
    commit_all(project.root, "Wrong version")
    write_files(project.root, {"stray.txt": "left over", "README.md": "# edited, not committed\n"})
    dead = f"http://127.0.0.1:{free_port()}/"
    result = _cli(
        project,
        "--dry-run",
        RELEASEKIT_UPLOAD_URL=dead,
        RELEASEKIT_SIMPLE_URL=dead,
        RELEASEKIT_TEST_UPLOAD_URL=dead,
        RELEASEKIT_TEST_SIMPLE_URL=dead,
    )
    assert result.returncode == 1
    for expected in (
        "preflight found 8 problems",
        "on branch topic; releases are made from main",
        "tracked files are modified (README.md); commit or stash first",
        "(1 ahead, 0 behind)",
        "tag v0.2.0 already exists locally",
        f"src/{project.module}/__init__.py:1:16: expected 0.1.0, found 0.0.9",
        "TestPyPI (http://127.0.0.1:",
        "PyPI (http://127.0.0.1:",
    ):
        assert expected in result.stderr, result.stderr
    # Preflight runs alone: its failure comes before the package check or the tests read anything.
    assert f"{step_mark('preflight')}: FAILED" in result.stdout, result.stdout
    for step in ("package-check", "tests"):
        assert step_mark(step) not in result.stdout, result.stdout
    # Untracked files never ship (the build is from the tag): a warning, not a problem.
    assert "warning: untracked files (stray.txt) are not released" in result.stdout
    assert "stray.txt" not in result.stderr


def test_ask_takes_only_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    from releasekit.commands.release import ask

    answers = iter(["y", "yes", "", "no"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert [ask("Go?") for _ in range(4)] == [True, True, False, False]

    def closed(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", closed)
    assert ask("Go?") is False


def test_commit_and_tag_steps_pick_up_after_an_interruption(tmp_path: Path) -> None:
    from releasekit.release.steps.commit import run_commit
    from releasekit.release.steps.tag import run_tag

    project, cfg = _project(tmp_path)
    record = begin(cfg, "patch")[0]
    ctx = Context(cfg, project.root / ".git", record, tmp_path)
    # An interrupted bump left a changed version file and a new untracked CHANGELOG.
    (project.root / "CHANGELOG.md").unlink()
    commit_all(project.root, "No changelog yet")
    record.start_commit = git(project.root, "rev-parse", "HEAD")
    write_files(project.root, {f"src/{project.module}/__init__.py": '__version__ = "0.1.1"\n', "CHANGELOG.md": "x"})
    assert run_commit(ctx).startswith("Release v0.1.1")
    commit = record.release_commit
    assert commit == git(project.root, "rev-parse", "HEAD") and git(project.root, "status", "--porcelain") == ""
    assert "Added a first feature" in (project.root / "CHANGELOG.md").read_text()
    assert not (project.root / "changelog.d" / "+first.feature.md").exists()
    # The commit was made but not journaled: adopted, not made twice.
    record.release_commit = None
    assert run_commit(ctx) == f"release commit {commit[:10]} already made"  # type: ignore[index]
    assert record.release_commit == commit
    assert run_tag(ctx) == "v0.1.1" and run_tag(ctx) == "v0.1.1 already there"
    git(project.root, "tag", "-d", "v0.1.1")
    git(project.root, "tag", "-a", "v0.1.1", "-m", "elsewhere", "HEAD^")
    with pytest.raises(StepFailed, match="points at"):
        run_tag(ctx)
    # HEAD moved on since the release started: refuse rather than guess.
    record.release_commit = None
    write_files(project.root, {"other.txt": "x"})
    commit_all(project.root, "Something else")
    with pytest.raises(StepFailed, match="HEAD moved since the release started"):
        run_commit(ctx)


def test_one_release_at_a_time(tmp_path: Path) -> None:
    project, cfg = _project(tmp_path)
    git_dir = project.root / ".git"
    calls: list[str] = []
    with journal.locked(git_dir), pytest.raises(ReleasekitError, match="another releasekit release is running"):
        run(cfg, begin(cfg, "patch")[0], steps=_steps(calls))
    assert calls == []
    run(cfg, begin(cfg, "patch")[0], steps=_steps(calls))  # the lock is free again
    assert calls == ["one", "two", "three"]


def test_signed_tag_when_configured(tmp_path: Path) -> None:
    from releasekit.release.steps.commit import run_commit
    from releasekit.release.steps.tag import run_tag

    key = tmp_path / "signing-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    project, _ = _project(tmp_path, extra_pyproject="\n[tool.releasekit]\nsign_tags = true\n")
    git(project.root, "config", "gpg.format", "ssh")
    git(project.root, "config", "user.signingkey", str(key))
    cfg = config.load(project.root)
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path)
    run_commit(ctx)
    assert run_tag(ctx) == "v0.1.1 (signed)"
    tag = git(project.root, "cat-file", "tag", "v0.1.1")
    assert "Release v0.1.1" in tag and "-----BEGIN SSH SIGNATURE-----" in tag


def test_abort_after_an_unjournaled_release_commit(tmp_path: Path) -> None:
    from releasekit.release.steps.commit import run_commit

    project, cfg = _project(tmp_path)
    git_dir = project.root / ".git"
    record = begin(cfg, "patch")[0]
    record.completed = ["preflight", "tests"]
    journal.save(git_dir, record)  # what a crash inside the commit step leaves behind
    run_commit(Context(cfg, git_dir, journal.load(git_dir), tmp_path))  # type: ignore[arg-type]
    write_files(project.root, {"README.md": "edited after the crash\n"})
    with pytest.raises(ReleasekitError, match="changes made after the release commit"):
        abort(cfg)
    git(project.root, "checkout", "--", "README.md")
    undone = abort(cfg)
    assert any(line.startswith("reset main to ") for line in undone)
    assert git(project.root, "rev-parse", "HEAD") == record.start_commit
    assert (project.root / "changelog.d" / "+first.feature.md").is_file()
    assert journal.load(git_dir) is None


def test_abort_leaves_a_foreign_head_alone(tmp_path: Path) -> None:
    project, cfg = _project(tmp_path)
    git_dir = project.root / ".git"
    journal.save(git_dir, begin(cfg, "patch")[0])
    write_files(project.root, {"other.txt": "x"})
    top = commit_all(project.root, "Not a release commit")
    undone = abort(cfg)
    assert f"HEAD is at {top[:10]}, not the release commit: left as it is" in undone
    assert git(project.root, "rev-parse", "HEAD") == top


def test_steps_side_by_side_are_journaled_in_checklist_order(tmp_path: Path) -> None:
    import threading
    import time

    from releasekit.parallel import Job, run_jobs

    project, cfg = _project(tmp_path)
    git_dir = project.root / ".git"
    order: list[str] = []
    third_done = threading.Event()

    def step(name: str, *, beside: bool, wait: float = 0.0, fail: bool = False) -> Step:
        def run_step(ctx: Context) -> str:
            if wait:
                third_done.wait(10)  # ends after the steps behind it
                time.sleep(wait)
            if fail:
                raise StepFailed(f"{name} broke")
            # A note from a thread the step starts belongs to the step.
            run_jobs([Job("a", lambda: ctx.note(f"{name} from a thread") or ""), Job("b", lambda: "")], 2)
            order.append(name)
            if name == "three":
                third_done.set()
            return name

        return Step(name, name, True, True, run_step, beside_next=beside)

    events: list[tuple[str, str, str]] = []
    steps = (step("one", beside=True, wait=0.2), step("two", beside=True), step("three", beside=False))
    run(cfg, begin(cfg, "patch")[0], steps=steps, report=lambda e: events.append((e.step.name, e.status, e.detail)))
    assert order[-1] == "one" and sorted(order) == ["one", "three", "two"]  # the first ended last...
    assert [name for name, status, _ in events if status == "ok"] == ["one", "two", "three"]  # ...and count in this
    assert {(name, detail) for name, status, detail in events if status == "note"} == {
        (name, f"{name} from a thread") for name in ("one", "two", "three")
    }
    # A failure of the first stops the others: what ended well behind it is not kept, and runs again next time.
    third_done.clear()
    events.clear()
    record = begin(cfg, "patch")[0]
    steps = (step("one", beside=True, wait=0.2, fail=True), step("two", beside=True), step("three", beside=False))
    with pytest.raises(StepFailed, match="one broke"):
        run(cfg, record, steps=steps, report=lambda e: events.append((e.step.name, e.status, e.detail)))
    assert journal.load(git_dir) is None  # nothing journaled
    ended = {name: (status, detail) for name, status, detail in events if status not in ("start", "note")}
    assert ended == {
        "one": ("failed", "one broke"),
        "two": ("skipped", "not kept: one failed"),
        "three": ("skipped", "not kept: one failed"),
    }
