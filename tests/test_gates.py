"""The gates decided: configuration, coverage thresholds, --skip, and which runner each phase gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config
from releasekit.errors import ReleasekitError
from releasekit.release import gates, testenv
from releasekit.release.journal import Journal
from tests.helpers.cli import releasekit
from tests.helpers.gateproj import gate_project
from tests.helpers.gitrepo import commit_all, make_repo, write_files

BASE = '[project]\nname = "x"\nversion = "1.0"\n'


def _load(tmp_path: Path, extra: str, files: dict[str, str] | None = None) -> config.Config:
    write_files(tmp_path, {"pyproject.toml": BASE + extra, **(files or {})})
    return config.load(tmp_path)


def test_gates_table_maps_each_phase(tmp_path: Path) -> None:
    cfg = _load(
        tmp_path,
        "[tool.releasekit.gates]\n"
        'tests = "tox:py311, lint"\nintegration = "nox:slow"\nbenchmark = false\n'
        'coverage = "pytest"\ndocs = ["make", "-C", "docs", "html"]\nexamples = "off"\ntimeout = 600\n',
    )
    specs = {spec.phase: (spec.kind, spec.args) for spec in cfg.gates.specs}
    assert specs == {
        "tests": ("tox", ("py311", "lint")),
        "integration": ("nox", ("slow",)),
        "benchmark": ("off", ()),
        "coverage": ("pytest", ()),
        "docs": ("command", ("make", "-C", "docs", "html")),
        "examples": ("off", ()),
    }
    assert cfg.gates.timeout == 600


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('tests = "make test"', "[tool.releasekit.gates] tests = 'make test': expected \"nox:SESSION\""),
        ('tests = "tox:--override=x"', "'--override=x' is not a tox session or environment name"),
        ("docs = []", "[tool.releasekit.gates] docs: a command is a non-empty array of non-empty strings"),
        ("tests = 3", "[tool.releasekit.gates] tests = 3: expected"),
        ("timeout = -1", "[tool.releasekit.gates] timeout must be a number of seconds above 0, not -1"),
        ('unit = "pytest"', "[tool.releasekit.gates] unknown key 'unit'"),
    ],
)
def test_bad_gate_is_one_line_exit_2(tmp_path: Path, entry: str, message: str) -> None:
    make_repo(tmp_path, {"pyproject.toml": BASE + f"[tool.releasekit.gates]\n{entry}\n"})
    result = releasekit("release", "--dry-run", cwd=tmp_path)
    assert result.returncode == 2, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("files", "extra", "expected"),
    [
        ({}, "", None),
        ({}, "[tool.coverage.report]\nfail_under = 85\n", 85.0),
        ({".coveragerc": "[report]\nfail_under = 70\n"}, "[tool.coverage.report]\nfail_under = 85\n", 70.0),
        ({".coveragerc": "[run]\nbranch = true\n"}, "[tool.coverage.report]\nfail_under = 85\n", None),
        ({"setup.cfg": "[coverage:report]\nfail_under = 60\n"}, "", 60.0),
        ({"tox.ini": "[tox]\n\n[coverage:report]\nfail_under = 75.5\n"}, "", 75.5),
        ({"tox.ini": "[tox]\nenv_list = py\n"}, "[tool.coverage.report]\nfail_under = 85\n", 85.0),
        ({}, "[tool.releasekit]\ncoverage_fail_under = 95\n[tool.coverage.report]\nfail_under = 85\n", 95.0),
    ],
    ids=["none", "pyproject", "coveragerc-first", "coveragerc-without", "setup-cfg", "tox-ini", "tox-no-cov", "own"],
)
def test_coverage_threshold_comes_from_where_coverage_reads_it(
    tmp_path: Path, files: dict[str, str], extra: str, expected: float | None
) -> None:
    assert _load(tmp_path, extra, files).coverage_fail_under == expected


def test_bad_threshold_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ReleasekitError, match=r"setup.cfg: \[coverage:report\] fail_under must be a number"):
        _load(tmp_path, "", {"setup.cfg": "[coverage:report]\nfail_under = lots\n"})
    with pytest.raises(ReleasekitError, match=r"coverage_fail_under must be a number from 0 to 100, not 120"):
        _load(tmp_path, "[tool.releasekit]\ncoverage_fail_under = 120\n")


def test_skip_names_phases_in_checklist_order() -> None:
    assert gates.parse_skip(["benchmark,tests", "package"]) == ("package", "tests", "benchmark")
    with pytest.raises(ReleasekitError, match=r"--skip benchmarks: no such phase; phases are package, tests"):
        gates.parse_skip(["benchmarks"])


def test_skip_on_the_command_line_is_checked_before_anything_runs(tmp_path: Path) -> None:
    result = releasekit("release", "--dry-run", "--skip", "integraton", cwd=make_repo(tmp_path, {"x": ""}))
    assert result.returncode == 2
    assert result.stderr.startswith("releasekit: error: ") and "--skip integraton: no such phase" in result.stderr


def test_journal_keeps_skip_and_gates_and_refuses_damaged_ones() -> None:
    record = Journal("1.0.1", "patch", "1.0.0", "main", "origin", "a" * 40, skip=["benchmark"], gates={"tests": "ok"})
    again = Journal.from_json(record.to_json(), where="j.json")
    assert (again.skip, again.gates) == (["benchmark"], {"tests": "ok"})
    damaged = record.to_json().replace('"gates": {\n    "tests": "ok"\n  }', '"gates": {"tests": 3}')
    with pytest.raises(ReleasekitError, match=r"j.json: damaged release journal \(gates must be "):
        Journal.from_json(damaged, where="j.json")
    unknown = record.to_json().replace('"benchmark"', '"--exec=rm"')
    with pytest.raises(ReleasekitError, match=r"j.json: damaged release journal \(skip must be a list of test phases"):
        Journal.from_json(unknown, where="j.json")


def test_requirement_sources_find_tests_however_named(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": BASE
            + '[project.optional-dependencies]\ntesting = ["pytest"]\nfast = ["orjson"]\nqa = ["pytest-xdist"]\n'
            + '[dependency-groups]\ndev = ["ruff"]\ncheck = ["pytest>=8"]\ndocs = ["sphinx"]\n'
        },
    )
    assert testenv.requirement_sources(tmp_path) == (["testing", "qa"], ["dev", "check"])
    assert testenv.requirement_sources(tmp_path, testenv.DOCS_NAMES) == ([], ["docs"])


def test_unit_expression_names_only_declared_markers(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": BASE})
    assert testenv.unit_expression(tmp_path) == ""
    write_files(tmp_path, {"pytest.ini": "[pytest]\nmarkers =\n    benchmark: timing\n"})
    assert testenv.unit_expression(tmp_path) == "not benchmark"
    write_files(tmp_path, {"setup.cfg": "[tool:pytest]\nmarkers =\n    integration: slow\n"})
    assert testenv.unit_expression(tmp_path) == "not integration and not benchmark"


def test_resolve_prefers_mapping_then_nox_then_tox_then_pytest(tmp_path: Path) -> None:
    project = gate_project(tmp_path, markers=("integration",))
    root = project.root
    empty = gates.GatesConfig()
    chosen = {g.phase: (g.runner, g.args) for g in gates.resolve(root, empty, nox=set(), tox=([], []))}
    assert chosen == {
        "tests": ("pytest", ("-m", "not integration")),
        "integration": ("pytest", ("-m", "integration")),
        "benchmark": ("none", ()),
        "coverage": ("pytest", ()),
        "docs": ("none", ()),
        "examples": ("none", ()),
    }
    tox = (["py311", "lint", "docs"], ["py311", "lint", "docs", "integration"])
    chosen = {g.phase: (g.runner, g.args) for g in gates.resolve(root, empty, nox={"integration"}, tox=tox)}
    assert chosen["tests"] == ("tox", ("py311", "lint"))  # a plain `tox`, less the envs of other phases
    assert chosen["integration"] == ("nox", ("integration",))  # nox before tox
    assert chosen["docs"] == ("tox", ("docs",))
    mapped = gates.GatesConfig((gates.GateSpec("tests", "off"), gates.GateSpec("benchmark", "pytest")))
    chosen = {g.phase: (g.runner, g.args) for g in gates.resolve(root, mapped, nox=set(), tox=tox)}
    assert chosen["tests"] == ("off", ())
    assert chosen["benchmark"] == ("pytest", ("-m", "benchmark"))  # asked for: run even without the marker


@pytest.mark.integration
def test_real_tox_and_nox_listings(tmp_path: Path) -> None:
    toml = gate_project(tmp_path / "toml", runner="tox-toml").root
    assert gates.tox_envs(toml)[0] == ["py"] and "integration" in gates.tox_envs(toml)[1]
    in_pyproject = make_repo(
        tmp_path / "pyproject",
        {"pyproject.toml": BASE + '[tool.tox]\nenv_list = ["lint"]\n[tool.tox.env.lint]\ncommands = [["true"]]\n'},
    )
    assert gates.has_tox_config(in_pyproject) and gates.tox_envs(in_pyproject)[0] == ["lint"]
    nox = gate_project(tmp_path / "nox", runner="nox").root
    assert gates.nox_sessions(nox) == {"tests", "integration"}
    assert gates.nox_sessions(toml) == set() and not gates.has_tox_config(nox)


def test_fallback_finds_tests_docs_and_examples_git_tracks(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"pyproject.toml": BASE})
    write_files(root, {"tests/test_x.py": "", "examples/run.py": "", "docs/conf.py": ""})
    assert testenv.fallback(root, "tests").runner == "none"  # untracked: not the project's yet
    commit_all(root, "tests, docs and examples")
    assert testenv.fallback(root, "tests").runner == "pytest"
    assert testenv.fallback(root, "examples").args == ("examples/run.py",)
    assert testenv.fallback(root, "docs").describe() == "sphinx-build -W --keep-going -q -b html docs"


def test_tox_in_pyproject_is_a_tool_tox_table_and_an_invalid_one_is_config_loads_line(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": BASE + 'description = """\n[tool.tox]\n"""\n'})
    assert not gates.has_tox_config(tmp_path)  # the words inside a string make no table
    write_files(tmp_path, {"pyproject.toml": BASE + '[tool]\ntox = { env_list = ["lint"] }\n'})
    assert gates.has_tox_config(tmp_path)
    assert not gates.has_tox_config(tmp_path, data={})  # the caller's parsed pyproject.toml is the one used
    write_files(tmp_path, {"pyproject.toml": BASE + "[tool.tox\n"})
    with pytest.raises(ReleasekitError) as loading:
        config.load(tmp_path)
    with pytest.raises(ReleasekitError) as error:
        gates.has_tox_config(tmp_path)
    assert str(error.value) == str(loading.value)
    assert str(error.value).startswith(f"{tmp_path / 'pyproject.toml'}: invalid TOML: ")


def test_the_gates_refuse_a_pyproject_that_is_a_fifo_or_leads_outside(tmp_path: Path) -> None:
    import os

    root = make_repo(tmp_path / "repo", {"pyproject.toml": BASE, "tests/test_x.py": ""})
    pyproject = root / "pyproject.toml"
    pyproject.unlink()
    os.mkfifo(pyproject)
    with pytest.raises(ReleasekitError) as error:
        gates.resolve(root, gates.GatesConfig(), nox=set(), tox=([], []))
    assert str(error.value) == f"{pyproject}: is a FIFO (named pipe), not a regular file; it is not read"
    pyproject.unlink()
    (tmp_path / "elsewhere.toml").write_text(BASE + '[tool.pytest.ini_options]\nmarkers = ["integration: x"]\n')
    pyproject.symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ReleasekitError) as error:
        testenv.fallback(root, "integration")
    assert str(error.value) == f"{pyproject}: is a symlink leading outside the repository; it is not read"


@pytest.mark.integration
def test_a_release_env_the_project_defines_wins_over_the_plugins(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.helpers.noxrun import tool_env

    own = "[tox]\nenv_list = py\n\n[testenv:release]\nskip_install = true\ncommands = python -c \"print('OWN')\"\n"
    root = make_repo(tmp_path, {"pyproject.toml": BASE, "tox.ini": own})
    proc = subprocess.run(
        [sys.executable, "-m", "tox", "-e", "release"], cwd=root, env=tool_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OWN" in proc.stdout and "releasekit release" not in proc.stdout


@pytest.mark.integration
def test_skip_passes_through_the_nox_release_session(tmp_path: Path) -> None:
    from tests.helpers.noxrun import run_nox

    noxfile = "import nox\nimport releasekit.nox\n\nreleasekit.nox.register()\n"
    root = make_repo(tmp_path, {"pyproject.toml": BASE, "noxfile.py": noxfile})
    proc = run_nox(root, "-s", "release", "--", "patch", "--dry-run", "--skip", "benchmark,docz")
    assert proc.returncode != 0
    assert "releasekit: error: --skip docz: no such phase; phases are package, tests" in proc.stdout + proc.stderr


def test_a_gate_past_its_timeout_is_stopped_with_its_children(tmp_path: Path) -> None:
    import sys
    import time

    from releasekit.errors import CommandError
    from releasekit.process import run

    code = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    started = time.monotonic()
    with pytest.raises(CommandError) as info:
        run([sys.executable, "-c", code], timeout=3)
    assert time.monotonic() - started < 30
    assert info.value.returncode == -1 and "stopped: still running after 3 s" in info.value.output
    grandchild = Path(f"/proc/{info.value.output.split()[0]}/status")
    deadline = time.monotonic() + 10
    while grandchild.exists() and "State:\tZ" not in grandchild.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not grandchild.exists() or "State:\tZ" in grandchild.read_text()  # gone, or dead and not yet reaped


TOX_PY27 = """\
[tox]
env_list = py, py27
skip_missing_interpreters = true

[testenv]
skip_install = true
commands = python -c "print('ran')"

[testenv:integration]
basepython = python2.7
"""


@pytest.mark.integration
def test_tox_envs_skipped_for_a_missing_interpreter_are_shown_and_never_a_pass(tmp_path: Path) -> None:
    from releasekit.errors import StepFailed
    from releasekit.release.context import Context
    from releasekit.release.runner import begin
    from releasekit.release.steps.tests import run_tests
    from tests.helpers.releaseproj import make_project

    project = make_project(tmp_path, extra_files={"tox.ini": TOX_PY27, ".gitignore": ".tox/\n"})
    cfg = config.load(project.root)
    notes: list[str] = []
    (tmp_path / "scratch").mkdir()
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch", note=notes.append)
    # tox itself fails when every environment it was asked for is skipped.
    with pytest.raises(StepFailed, match=r"the integration gate \(tox -e integration\) failed \(exit code 1\)"):
        run_tests(ctx)
    assert "tests: passed (tox -e py,py27; tox skipped py27)" in notes


@pytest.mark.integration
def test_a_nox_tests_session_that_skips_itself_is_no_pass(tmp_path: Path) -> None:
    from releasekit.errors import StepFailed
    from releasekit.release.context import Context
    from releasekit.release.runner import begin
    from releasekit.release.steps.tests import run_tests
    from tests.helpers.releaseproj import make_project

    noxfile = "import nox\n\n@nox.session(venv_backend='none')\ndef tests(session):\n    session.skip('not today')\n"
    project = make_project(tmp_path, extra_files={"noxfile.py": noxfile, ".gitignore": ".nox/\n"})
    cfg = config.load(project.root)
    (tmp_path / "scratch").mkdir()
    ctx = Context(cfg, project.root / ".git", begin(cfg, "patch")[0], tmp_path / "scratch")
    with pytest.raises(StepFailed, match=r"the tests gate \(nox -s tests\) ran nothing: the session skipped itself"):
        run_tests(ctx)


def test_a_resumed_release_keeps_its_skip_and_refuses_another(tmp_path: Path) -> None:
    from releasekit.release import journal
    from releasekit.release.runner import begin
    from tests.helpers.releaseproj import make_project

    project = make_project(tmp_path)
    cfg = config.load(project.root)
    record, resumed = begin(cfg, "patch", skip=("benchmark", "docs"))
    assert (record.skip, resumed) == (["benchmark", "docs"], False)
    journal.save(project.root / ".git", record)
    again, resumed = begin(cfg, None)
    assert (again.skip, resumed) == (["benchmark", "docs"], True)
    with pytest.raises(ReleasekitError) as info:
        begin(cfg, None, skip=("docs",))
    assert str(info.value) == (
        "the release of 0.1.1 in progress was started with --skip benchmark,docs; resume with "
        "'releasekit release patch --skip benchmark,docs' or undo it with 'releasekit release --abort'"
    )
