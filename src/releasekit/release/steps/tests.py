"""### 3. Testing: each test phase run by what the project already uses (nox, tox, pytest), and reported as it went.

Which gate runs a phase is decided in :mod:`releasekit.release.gates`. Here each one runs, with
coverage data, pytest's cache and bytecode kept out of the work tree, and each phase's
outcome is noted, journaled and shown in the summary: passed (and by what), skipped
(``--skip``, an emergency release), turned off, or not configured.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from releasekit import environment, git, package, venvs
from releasekit.bounded import loads_json
from releasekit.config import read_pyproject
from releasekit.emergency import expedited_skip
from releasekit.errors import CommandError, ReleasekitError, StepFailed, redact
from releasekit.findings import Finding
from releasekit.gatesconfig import PHASES, Gate
from releasekit.parallel import Job, cores, run_jobs
from releasekit.process import failing_as, python_module, run
from releasekit.release import envreuse, gatelog, sharedenv, testenv
from releasekit.release.context import Context, Step
from releasekit.release.gates import resolve
from releasekit.release.testenv import FALLBACK_ENV, quiet_env
from releasekit.safefiles import read_file

REUSE_ENV = "RELEASEKIT_REUSE_VENVS"
# tox passes only the variables it is told to; these keep the work tree clean.
_TOX_PASS = ("COVERAGE_FILE", "PYTEST_ADDOPTS")

__all__ = ["PHASES", "TESTS", "no_tests_finding", "run_tests"]


def no_tests_finding(ctx: Context, gate: Gate) -> Finding:
    """The finding of a project whose ``tests`` phase has nothing behind it."""
    return Finding(
        ctx.config.pyproject.name,
        1,
        1,
        f"the tests gate runs nothing ({gate.reason}); add tests (tests/test_*.py), a nox session or tox env "
        'named tests, or map it: [tool.releasekit.gates] tests = "nox:SESSION", "tox:ENV" or a command; '
        "tests = false turns the gate off",
    )


class _Runner:
    """Runs gates for one release step; builds the fallback environment once, when first needed."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tmp = ctx.workdir / "gates"
        self.tmp.mkdir(parents=True, exist_ok=True)

        self.env = quiet_env(self.tmp)
        self.timeout = ctx.config.gates.timeout
        self._python: Path | None = None
        self._logs: Path | None = None  # the gate logs' folder, chosen at the first gate
        self._modules: list[str] = []
        import threading

        self._building = threading.Lock()  # phases side by side share the fallback environments
        self._shared: Path | None = None  # the shared environment's python, once prepared
        self._lagging = False  # it was kept across a bump: the project's metadata holds the last version
        self.data = read_pyproject(ctx.root, required=False)

    def _run(
        self,
        cmd: list[str],
        phase: str,
        what: str,
        *,
        also_ok: int | None = None,
        own: bool = False,
        extra: dict[str, str | None] | None = None,
    ) -> int:
        """Run a gate's command; return its exit code (0, or ``also_ok``), else fail the step.

        ``own`` marks releasekit's fallback runs, whose environments are thrown away: they
        write no bytecode either. Each phase has coverage data of its own: phases run side by side.
        """
        env: dict[str, str | None] = {**self.env, "COVERAGE_FILE": os.fspath(self.tmp / f".coverage.{phase}")}
        if own:
            env.update(FALLBACK_ENV)
        env.update(extra or {})
        try:
            proc = run(cmd, cwd=self.ctx.root, env=env, secrets=self.ctx.secrets, timeout=self.timeout, check=False)
            returncode, output = proc.returncode, proc.stdout + proc.stderr
        except CommandError as exc:  # the timeout: what it printed until then
            returncode, output = exc.returncode, exc.output
        output = redact(output, self.ctx.secrets)
        if self._logs is None:
            self._logs = gatelog.folder(self.ctx.git_dir, dry_run=self.ctx.dry_run)
        log = gatelog.write(self._logs, phase, output)
        if returncode == 0 or (also_ok is not None and returncode == also_ok):
            return returncode
        code = "timed out" if returncode == -1 else f"exit code {returncode}"
        shown = "\n".join(gatelog.failure_lines(output))
        raise StepFailed(f"the {phase} gate ({what}) failed ({code}); full output: {log}\n{shown}")

    def python(self, *, docs: bool = False) -> Path:
        """The fallback environment's interpreter (built from the package check's wheel, or a new build)."""
        with self._building:
            return self._python_locked(docs=docs)

    def _python_locked(self, *, docs: bool) -> Path:
        if self._python is not None and not docs:
            return self._python
        from packaging.utils import parse_wheel_filename

        if self.ctx.head_wheel is None and self.ctx.head_wheel_ready is not None:
            self.ctx.note("waiting for the package check's wheel (it runs beside the tests)")
            self.ctx.head_wheel_ready.wait()
        wheel = self.ctx.head_wheel
        if wheel is None or not wheel.is_file():
            self.ctx.note("building HEAD's wheel for the test environment")
            with failing_as("python -m build of HEAD"):
                _, wheel = package.build_head(self.ctx.root, self.ctx.workdir, self.ctx.secrets)
            if wheel is None:
                raise StepFailed("python -m build of HEAD made no wheel")
            self.ctx.head_wheel = wheel
        project = str(parse_wheel_filename(wheel.name)[0])
        venv = self.tmp / ("docs-env" if docs else "test-env")
        self.ctx.note(f"creating the {'docs' if docs else 'test'} environment ({wheel.name} and its test requirements)")
        with failing_as("installing the test requirements"):
            python = testenv.build_env(venv, self.ctx.root, project, wheel, docs=docs, secrets=self.ctx.secrets)
        self._modules = venvs.import_names(wheel)
        if not docs:
            self._python = python
        return python

    def gate(self, gate: Gate) -> str:
        """Run ``gate``; return its outcome."""
        what = gate.describe()
        if gate.runner == "nox":
            return self._nox(gate)
        if gate.runner == "shared":
            return self._in_shared(gate)
        if gate.runner == "tox":
            return self._tox(gate)
        if gate.runner == "command":
            self._run(list(gate.args), gate.phase, what)
            return f"passed ({what})"
        if gate.runner == "sphinx":
            python = self.python(docs=True)
            html = os.fspath(self.tmp / "html")
            self._run([os.fspath(python), "-m", "sphinx", *gate.args, html], gate.phase, what, own=True)
            return f"passed ({what})"
        if gate.runner == "scripts":
            python = self.python()
            for script in gate.args:
                self._run([os.fspath(python), script], gate.phase, f"python {script}", own=True)
            return f"passed ({what})"
        return self._pytest(gate)

    def _nox(self, gate: Gate) -> str:
        what = gate.describe()

        report = self.tmp / f"nox-{gate.phase}.json"
        session, root, version = gate.args[0], self.ctx.root, self.ctx.journal.previous_version
        reuse, kept = [], envreuse.reusable(root, session, version)
        if kept == "bumped" and not envreuse.follows_the_tree(root, session, self.ctx.config.project_name):
            kept = None  # the project is installed as a built package there: the new code needs an install
        if kept is not None:
            reuse = ["-R"]  # built from the same inputs by a run that passed: reuse it, install nothing
            why = "its inputs are unchanged" if kept == "same" else "only the version changed; the project is editable"
            self.ctx.note(f"{gate.phase}: reusing nox's {session} environment ({why})")
        elif self.ctx.reuse_venvs or environment.flag(REUSE_ENV):
            reuse = ["--reuse-existing-virtualenvs"]
        cmd = python_module("nox", "--script-mode", "none", "-s", session, *reuse, "--report", report)
        try:
            try:
                self._run(cmd, gate.phase, what)
            except StepFailed:
                if kept != "bumped":
                    raise
                # Installed at another version: a test may read the installed metadata. Once more, installed.
                self.ctx.note(f"{gate.phase}: failed in {session}'s kept environment; running it again, installed")
                cmd = python_module("nox", "--script-mode", "none", "-s", session, "--report", report)
                self._run(cmd, gate.phase, what)
        except StepFailed:
            envreuse.remember(root, session, passed=False)
            raise
        envreuse.remember(root, session, passed=True, version=version)
        try:
            results = {s.get("result") for s in _report(report).get("sessions", [])}
        except (OSError, ReleasekitError, AttributeError):
            results = set()
        if results == {"skipped"}:
            return self._ran_nothing(gate, "the session skipped itself")
        return f"passed ({what})"

    def _shared_python(self) -> Path:
        with self._building:
            if self._shared is None:
                root, version = self.ctx.root, self.ctx.journal.previous_version
                project = self.ctx.config.project_name
                with failing_as("preparing the shared test environment"):
                    python, self._lagging = sharedenv.prepare(
                        root, self.data, project, version, self.ctx.note, self.ctx.secrets
                    )
                self._shared = python
            return self._shared

    def _mend_shared(self, phase: str) -> None:
        """After a failure in a kept environment whose metadata lags: the project installed again, once."""
        with self._building:
            if self._lagging and self._shared is not None:
                self.ctx.note(f"{phase}: failed in the kept shared environment; installing the project again")
                with failing_as("installing the project in the shared test environment"):
                    sharedenv.reinstall(
                        self.ctx.root, self._shared, self.ctx.journal.previous_version, self.ctx.secrets
                    )
                self._lagging = False

    def _in_shared(self, gate: Gate) -> str:
        """releasekit's own nox session of the phase: its commands, in the shared environment, without nox."""
        what, phase = gate.describe(), gate.args[0]
        tmp = self.tmp / f"shared-{gate.phase}"
        tmp.mkdir(exist_ok=True)
        plan = sharedenv.plan(self.ctx.root, phase, self.data, self.ctx.config.coverage_fail_under, tmp)
        if plan.skip:
            return self._ran_nothing(gate, f"the session skipped itself: {plan.skip}")
        python = self._shared_python()
        extra = sharedenv.session_env(python, phase)
        also_ok = 5 if 5 in plan.ok else None

        def runs() -> list[int]:
            return [
                self._run([os.fspath(python), *cmd], gate.phase, what, also_ok=also_ok, extra=extra)
                for cmd in plan.runs
            ]

        lagging = self._lagging  # read before the run: a phase beside may mend it meanwhile
        try:
            try:
                codes = runs()
            except StepFailed:
                if not lagging:
                    raise
                self._mend_shared(phase)
                codes = runs()
        except StepFailed:
            envreuse.remember(self.ctx.root, sharedenv.NAME, passed=False)
            raise
        if phase == "coverage":
            return _coverage_outcome(tmp / "coverage.json", self.ctx.config.coverage_fail_under, what)
        if codes == [5]:
            return f"no test selected ({what}: exit code 5)"
        return f"passed ({what})"

    def _tox(self, gate: Gate) -> str:
        what = gate.describe()
        report = self.tmp / f"tox-{gate.phase}.json"
        overrides = [arg for name in _TOX_PASS for arg in ("-x", f"testenv.pass_env+={name}")]

        key, root = f"tox:{','.join(gate.args)}", self.ctx.root
        source = envreuse.source_state(root)
        skip_build: list[str] = []
        if envreuse.unchanged(root, key, "tox", source):
            skip_build = ["--skip-pkg-install"]  # the same project and config passed last time: its build is there
            self.ctx.note(f"{gate.phase}: reusing tox's build of the project (nothing changed since it passed)")
        cmd = python_module("tox", "run", "-e", ",".join(gate.args), *skip_build, *overrides, "--result-json", report)
        try:
            self._run(cmd, gate.phase, what)
        except StepFailed:
            envreuse.remember(root, key, passed=False, runner="tox")
            raise
        envreuse.remember(root, key, passed=True, runner="tox", source=source)
        try:
            envs = _report(report).get("testenvs", {})
            skipped = [name for name in gate.args if envs.get(name, {}).get("result", {}).get("skipped") is True]
        except (OSError, ReleasekitError, AttributeError):
            skipped = []
        if skipped and len(skipped) == len(gate.args):
            return self._ran_nothing(gate, f"tox skipped {', '.join(skipped)} (a missing interpreter?)")
        if skipped:
            return f"passed ({what}; tox skipped {', '.join(skipped)})"
        return f"passed ({what})"

    def _ran_nothing(self, gate: Gate, why: str) -> str:
        # An empty tests phase is never a pass; another phase is shown as skipped, with the reason.
        if gate.phase == "tests":
            raise StepFailed(f"the tests gate ({gate.describe()}) ran nothing: {why}")
        return f"skipped: {why} ({gate.describe()})"

    def _pytest(self, gate: Gate) -> str:
        python = self.python()
        pytest = python.parent / "pytest"
        args = list(gate.args)
        what = gate.describe()
        if gate.phase != "coverage":
            # pytest's exit code 5: nothing selected. A marker no test carries yet is not a failure;
            # a tests phase that collects nothing is one.
            also_ok = 5 if gate.phase != "tests" else None
            if self._run([os.fspath(pytest), *args], gate.phase, what, also_ok=also_ok, own=True) == 5:
                return f"no test selected ({what}: exit code 5)"
            return f"passed ({what})"
        threshold = self.ctx.config.coverage_fail_under
        report = self.tmp / "coverage.json"
        args += testenv.coverage_args(self.ctx.root, self._modules, report, threshold)
        self._run([os.fspath(pytest), *args], gate.phase, what, own=True)
        return _coverage_outcome(report, threshold, what)


def _coverage_outcome(report: Path, threshold: float | None, what: str) -> str:
    """The coverage phase's outcome: the figure of its JSON ``report``, against the threshold."""
    figure = testenv.coverage_figure(report)
    shown = "?" if figure is None else f"{figure:.1f} %"
    if threshold is None:
        return f"{shown}, no threshold configured: reported, not enforced ({what})"
    return f"passed: {shown}, threshold {threshold:g} % ({what})"


def run_tests(ctx: Context) -> str:
    """Run the phases' gates, side by side where their runners allow it; note, journal and return every outcome.

    Phases run bounded by the cores (``[tool.releasekit.gates] jobs``); the tox phases one
    after another (they share tox's packaging environment), the phases of one nox session
    or command likewise, and those in ``alone`` at their place with nothing beside them.
    """
    gates = resolve(ctx.root, ctx.config.gates)
    skip, severity = set(ctx.journal.skip), ctx.journal.security
    tests_gate = next(g for g in gates if g.phase == "tests")
    if tests_gate.runner == "none" and "tests" not in skip:
        raise StepFailed(no_tests_finding(ctx, tests_gate).text())
    runner = _Runner(ctx)
    before = set(git.changed_paths(ctx.root))
    outcomes: dict[str, str] = {}
    to_run = []
    settings = ctx.config.gates
    for gate in gates:
        phase = gate.phase
        expedited = expedited_skip(phase, severity)
        if phase in skip:
            outcomes[phase] = "skipped (--skip: it ran elsewhere)"
        elif expedited:
            outcomes[phase] = expedited
        elif gate.runner == "off":
            outcomes[phase] = "off ([tool.releasekit.gates])"
        elif gate.runner == "none":
            outcomes[phase] = f"not configured: {gate.reason}"
        else:
            to_run.append(gate)
    covered = sharedenv.covered_by_coverage(ctx.root, runner.data, runner.tmp, to_run)
    jobs = []
    for gate in to_run:
        if gate not in covered:
            covering = gate.phase == "coverage" and covered
            run = sharedenv.covering(ctx.note, runner.gate, gate, covered, outcomes) if covering else None
            run = run or _phase_job(ctx, runner, gate)
            jobs.append(Job(gate.phase, run, _lane(gate), gate.phase in settings.alone))
    for phase, outcome in outcomes.items():
        ctx.note(f"{phase}: {outcome}")

    def started(job: Job) -> None:
        gate = next(g for g in gates if g.phase == job.name)
        ctx.note(f"{job.name}: running {gate.describe()}")

    ran = run_jobs(jobs, settings.jobs or cores(), started)
    outcomes = {gate.phase: ran.get(gate.phase) or outcomes[gate.phase] for gate in gates}
    left = sorted(set(git.changed_paths(ctx.root)) - before)
    if left:
        shown = ", ".join(left[:5]) + (", ..." if len(left) > 5 else "")
        ctx.note(f"warning: the gates left files in the work tree ({shown}); add them to .gitignore")
    with ctx.lock:  # the package check, beside, writes its own entry
        ctx.journal.gates.update(outcomes)
    passed = [p for p, o in outcomes.items() if o.startswith("passed") or "%" in o]
    others = [p for p in PHASES if p not in passed]
    return f"ran {', '.join(passed) or 'nothing'}" + (f"; not run: {', '.join(others)}" if others else "")


def _lane(gate: Gate) -> str:
    # What cannot run beside itself: tox's shared packaging environment, one nox session, one command.
    if gate.runner == "tox":
        return "tox"
    if gate.runner in ("nox", "command"):
        return f"{gate.runner}:{gate.args}"
    return ""


def _phase_job(ctx: Context, runner: _Runner, gate: Gate) -> Callable[[], str]:
    def job() -> str:
        outcome = runner.gate(gate)
        ctx.note(f"{gate.phase}: {outcome}")
        return outcome

    return job


TESTS = Step("tests", "Tests (the project's nox, tox or pytest gates)", reversible=True, in_dry_run=True, run=run_tests)


def _report(path: Path) -> Any:
    """A tool's JSON report, read bounded and parsed under limits (``releasekit.bounded``)."""
    return loads_json(read_file(path, "cache"), source=str(path))
