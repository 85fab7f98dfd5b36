"""The gates decided: configuration, coverage thresholds, --skip, and which runner each phase gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config, gatesconfig
from releasekit.errors import ReleasekitError
from releasekit.release import gates, testenv
from releasekit.release.journal import Journal
from tests.helpers.cli import releasekit
from tests.helpers.gateproj import BASE, gate_project
from tests.helpers.gitrepo import commit_all, make_repo, write_files


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
    empty = gatesconfig.GatesConfig()
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
    mapped = gatesconfig.GatesConfig(
        (gatesconfig.GateSpec("tests", "off"), gatesconfig.GateSpec("benchmark", "pytest"))
    )
    chosen = {g.phase: (g.runner, g.args) for g in gates.resolve(root, mapped, nox=set(), tox=tox)}
    assert chosen["tests"] == ("off", ())
    assert chosen["benchmark"] == ("pytest", ("-m", "benchmark"))  # asked for: run even without the marker


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
        gates.resolve(root, gatesconfig.GatesConfig(), nox=set(), tox=([], []))
    assert str(error.value) == f"{pyproject}: is a FIFO (named pipe), not a regular file; it is not read"
    pyproject.unlink()
    (tmp_path / "elsewhere.toml").write_text(BASE + '[tool.pytest.ini_options]\nmarkers = ["integration: x"]\n')
    pyproject.symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ReleasekitError) as error:
        testenv.fallback(root, "integration")
    assert str(error.value) == f"{pyproject}: is a symlink leading outside the repository; it is not read"


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
