"""The pure parts of the release: journal, simple API parsing, plans, fragments, the runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from releasekit import config, indexes, journal, venvs
from releasekit.config import Index
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.journal import Journal
from releasekit.release import FAIL_AT_ENV, FaultInjected, abort, begin, run
from releasekit.steps import Context, Step
from releasekit.steps.build import check_files
from releasekit.steps.preflight import _minimal_check, fragment_problems, list_fragments, suggested_bump
from releasekit.steps.summary import changelog_section
from releasekit.steps.tests import run_tests
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.pypi import free_port
from tests.helpers.releaseproj import Project, make_project

# --- journal ---------------------------------------------------------------------------


def _journal(**changes: object) -> Journal:
    record = Journal(
        version="1.3.0", spec="minor", previous_version="1.2.9", branch="main", remote="origin", start_commit="a" * 40
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def test_journal_round_trip_is_atomic(tmp_path: Path) -> None:
    record = _journal(completed=["preflight", "tests"], artifacts={"x-1.3.0.tar.gz": "ab" * 32})
    journal.save(tmp_path, record)
    assert journal.load(tmp_path) == record
    assert sorted(p.name for p in (tmp_path / "releasekit").iterdir()) == ["release.json"]  # no temp file left
    record.completed.append("commit")
    journal.save(tmp_path, record)
    assert journal.load(tmp_path).completed == ["preflight", "tests", "commit"]  # type: ignore[union-attr]
    assert record.tag == "v1.3.0" and record.done("commit") and not record.done("push")


def test_journal_finish_and_discard(tmp_path: Path) -> None:
    assert journal.load(tmp_path) is None
    record = _journal()
    journal.save(tmp_path, record)
    final = journal.finish(tmp_path, record)
    assert final.name == "released-1.3.0.json" and json.loads(final.read_text())["version"] == "1.3.0"
    assert journal.load(tmp_path) is None
    journal.save(tmp_path, record)
    journal.discard(tmp_path)
    assert journal.load(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "damaged release journal"),
        ('{"schema": 99}', "not a release journal"),
        ('{"schema": 1}', "damaged"),
    ],
)
def test_damaged_journal_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "releasekit").mkdir()
    (tmp_path / "releasekit" / "release.json").write_text(text)
    with pytest.raises(ReleasekitError, match=message) as info:
        journal.load(tmp_path)
    assert "release.json" in str(info.value)


# --- the simple API ----------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><body><h1>Links for demo</h1>
<a href="../../packages/demo-1.0.tar.gz#sha256=AAAA">demo-1.0.tar.gz</a><br>
<a href="https://files.example/demo-1.0-py3-none-any.whl#md5=ff" data-requires-python="&gt;=3.10">
demo-1.0-py3-none-any.whl</a>
</body></html>"""


def test_parse_simple_html() -> None:
    files = indexes.parse_simple_html(HTML, "http://127.0.0.1:8080/simple/demo/")
    assert files == [
        indexes.ServedFile("demo-1.0.tar.gz", "http://127.0.0.1:8080/packages/demo-1.0.tar.gz", "aaaa"),
        indexes.ServedFile("demo-1.0-py3-none-any.whl", "https://files.example/demo-1.0-py3-none-any.whl", None),
    ]


def test_parse_simple_json() -> None:
    text = json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "name": "demo",
            "files": [
                {"filename": "demo-1.0.tar.gz", "url": "/files/demo-1.0.tar.gz", "hashes": {"sha256": "bb"}},
                {"filename": "demo-1.0-py3-none-any.whl", "url": "demo-1.0-py3-none-any.whl#x", "hashes": {}},
            ],
        }
    )
    files = indexes.parse_simple_json(text, "https://pypi.example/simple/demo/")
    assert files[0] == indexes.ServedFile("demo-1.0.tar.gz", "https://pypi.example/files/demo-1.0.tar.gz", "bb")
    assert files[1].url == "https://pypi.example/simple/demo/demo-1.0-py3-none-any.whl" and files[1].sha256 is None


def test_plan_upload_skips_same_bytes_and_stops_on_other_bytes() -> None:
    served = {
        "a.tar.gz": indexes.ServedFile("a.tar.gz", "u", "11"),
        "b.whl": indexes.ServedFile("b.whl", "u", "99"),
    }
    assert indexes.plan_upload({"a.tar.gz": "11", "c.whl": "33"}, served) == (["c.whl"], ["a.tar.gz"])
    with pytest.raises(StepFailed, match=r"already holds b\.whl with other bytes"):
        indexes.plan_upload({"a.tar.gz": "11", "b.whl": "22"}, served)


def test_names_and_urls() -> None:
    assert indexes.normalize("Foo_Bar.baz") == "foo-bar-baz"
    index = Index("PyPI", "https://upload.example/legacy/", "https://u:s3cr3t@pypi.example/simple")
    assert indexes.project_url(index, "Foo_Bar") == "https://u:s3cr3t@pypi.example/simple/foo-bar/"
    assert "s3cr3t" not in indexes.display_url(index.simple_url)
    request = indexes._request(index.simple_url)
    assert request.full_url == "https://pypi.example/simple" and request.get_header("Authorization", "").startswith(
        "Basic "
    )


def test_pypirc_sections(tmp_path: Path) -> None:
    pypirc = tmp_path / "pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers =\n  pypi\n  corp\n  ghost\n\n[pypi]\nusername = __token__\npassword = pypi-tok\n\n"
        "[corp]\nrepository = https://corp.example/upload/\npassword = corp-pw\n"
    )
    assert indexes.pypirc_repository("https://upload.pypi.org/legacy/", pypirc) == ("pypi", "pypi-tok")
    assert indexes.pypirc_repository("https://corp.example/upload", pypirc) == ("corp", "corp-pw")
    assert indexes.pypirc_repository("https://other.example/", pypirc) is None
    assert indexes.pypirc_repository("https://other.example/", tmp_path / "missing") is None


def test_unreachable_index_is_reported_not_raised() -> None:
    dead = f"http://127.0.0.1:{free_port()}/simple/"
    problem = indexes.reachable(Index("PyPI", dead, dead), "demo")
    assert problem is not None and "PyPI" in problem and "not reachable" in problem
    with pytest.raises(StepFailed, match="PyPI: cannot read"):
        indexes.served_files(Index("PyPI", dead, dead), "demo")


# --- changelog sections, built files, wheels -----------------------------------------------

CHANGELOG = """# Changelog

## 1.3.0 (2026-11-24)

### What's New

- Shiny.

## 1.2.9 (2026-10-01)

- Older.
"""


def test_changelog_section() -> None:
    assert changelog_section(CHANGELOG, "1.3.0") == "### What's New\n\n- Shiny."
    assert changelog_section(CHANGELOG, "1.2.9") == "- Older."
    assert changelog_section(CHANGELOG, "1.3") is None
    rst = "Changes\n=======\n\n1.0.0\n-----\n\n- First.\n\n0.9.0\n-----\n\n- Beta.\n"
    assert changelog_section(rst, "1.0.0") == "- First."


def _touch(folder: Path, *names: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")
    return folder


def test_check_files(tmp_path: Path) -> None:
    good = _touch(tmp_path / "good", "demo_pkg-1.3.0.tar.gz", "demo_pkg-1.3.0-py3-none-any.whl")
    assert check_files(good, "1.3.0") == "demo-pkg"
    with pytest.raises(StepFailed, match=r"carry version 1\.3\.0, not 1\.2\.9"):
        check_files(good, "1.2.9")
    two = _touch(tmp_path / "two", "demo-1.3.0.tar.gz", "demo-1.3.1.tar.gz", "demo-1.3.0-py3-none-any.whl")
    with pytest.raises(StepFailed, match="exactly one sdist"):
        check_files(two, "1.3.0")
    odd = _touch(tmp_path / "odd", "demo-1.3.0.tar.gz", "demo-1.3.0-py3-none-any.whl", "demo.zip")
    with pytest.raises(StepFailed, match="exactly one sdist"):
        check_files(odd, "1.3.0")
    mixed = _touch(tmp_path / "mixed", "demo-1.3.0.tar.gz", "other-1.3.0-py3-none-any.whl")
    with pytest.raises(StepFailed, match="several projects"):
        check_files(mixed, "1.3.0")


def test_import_names(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ("demo/__init__.py", "demo/sub/__init__.py", "helper.py", "demo-1.0.dist-info/RECORD", "x.pth"):
            archive.writestr(name, "")
    assert venvs.import_names(wheel) == ["demo", "helper"]


# --- fragments and the version to release ----------------------------------------------------


def _project(tmp_path: Path, **kwargs: object) -> tuple[Project, config.Config]:
    project = make_project(tmp_path, **kwargs)  # type: ignore[arg-type]
    return project, config.load(project.root)


def test_fragment_problems(tmp_path: Path) -> None:
    _, cfg = _project(
        tmp_path, fragments={"+a.breaking.md": "Removed a thing.", "+b.nonsense.md": "x", "+c.bugfix.md": " \n"}
    )
    assert [f.type for f in list_fragments(cfg)] == ["breaking", None, "bugfix"]
    problems, kinds, count = _minimal_check(cfg)
    assert kinds == {"breaking", None, "bugfix"} and count == 3
    assert any("+b.nonsense.md: no fragment type" in p for p in problems)
    assert any("+c.bugfix.md: the fragment is empty" in p for p in problems)
    assert any("need a migration fragment" in p for p in problems)
    # Whichever module judges the files, the bump a breaking change needs is checked here.
    problems = fragment_problems(cfg, "0.1.0", "0.1.1")
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


def test_tests_step_runs_sessions_and_reports_a_failing_one(tmp_path: Path) -> None:
    noxfile = (
        "import nox\n\n@nox.session(venv_backend='none')\ndef tests(session):\n    pass\n\n"
        "@nox.session(venv_backend='none', default=False)\ndef coverage(session):\n    session.error('below 90')\n"
    )
    project, cfg = _project(tmp_path, extra_files={"noxfile.py": noxfile})
    notes: list[str] = []
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path, note=notes.append)
    with pytest.raises(StepFailed, match="nox session 'coverage' failed"):
        run_tests(ctx)
    assert "integration: skipped (no such nox session)" in notes and "tests: running nox -s tests" in notes


def _cli(project: Project, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "releasekit", "release", *args],
        cwd=project.root,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


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
    write_files(project.root, {"stray.txt": "left over"})
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
        "the work tree is not clean (stray.txt)",
        "(1 ahead, 0 behind)",
        "tag v0.2.0 already exists locally",
        f"src/{project.module}/__init__.py:1:16: expected 0.1.0, found 0.0.9",
        "TestPyPI (http://127.0.0.1:",
        "PyPI (http://127.0.0.1:",
    ):
        assert expected in result.stderr, result.stderr
    assert "[ 3/11]" not in result.stdout


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
    from releasekit.steps.prepare import run_commit, run_tag

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
    from releasekit.steps.prepare import run_commit, run_tag

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
    from releasekit.steps.prepare import run_commit

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
