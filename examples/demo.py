"""``nox -s demo``: release the example project end to end, on this machine only.

Two pypiservers on 127.0.0.1 stand in for TestPyPI and PyPI, a bare repository in a
temp dir stands in for GitHub. The example is copied there, gets a new changelog
fragment, and is released with ``nox -s release -- minor --yes``, through releasekit's
own nox sessions, run by the releasekit of this interpreter (``--script-mode none``).
The demo ends by installing the release from the local "PyPI" into a fresh venv.

Run it as ``nox -s demo`` (which installs releasekit and pypiserver); ``--keep`` keeps
the temp dir for a look around.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from collections.abc import Mapping, Sequence
from pathlib import Path

# The stand-in indexes are test infrastructure, not part of the releasekit package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.pypi import LocalIndex, pypiserver

EXAMPLE = Path(__file__).resolve().parent / "llm-karpathy-consortium"
PACKAGE = "llm-karpathy-consortium"
MODULE = "llm_karpathy_consortium"
# The stand-in indexes want a login to upload, as the real ones do; twine reads it here.
USERNAME = "demo"
PASSWORD = "demo-password-not-a-secret"
IDENTITY = {
    "GIT_AUTHOR_NAME": "releasekit demo",
    "GIT_AUTHOR_EMAIL": "demo@example.invalid",
    "GIT_COMMITTER_NAME": "releasekit demo",
    "GIT_COMMITTER_EMAIL": "demo@example.invalid",
}
FRAGMENT = "Consortium members can be weighted: the demo release brings this new feature.\n"


def say(message: str) -> None:
    """One line of the demo's own narration, set apart from the tools' output."""
    print(f"\n==> {message}", flush=True)


def git(cwd: Path, *args: str) -> str:
    """Run git quietly in ``cwd``; stop the demo with git's own message when it fails."""
    proc = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **IDENTITY}, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"demo: git {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip()


def stage_project(work: Path, *, fragment: str = FRAGMENT) -> tuple[Path, Path]:
    """A bare origin and a clone of the example in ``work``, with one new fragment pushed.

    Returns the project checkout and the bare origin.
    """
    origin = work / "origin.git"
    origin.mkdir(parents=True)
    git(origin, "init", "-q", "--bare", "-b", "main")
    project = work / PACKAGE
    ignore = shutil.ignore_patterns(".nox", "dist", "build", "*.egg-info", "__pycache__", ".coverage*")
    shutil.copytree(EXAMPLE, project, ignore=ignore)
    git(project, "init", "-q", "-b", "main")
    for key, value in (("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
        git(project, "config", key, value)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "The LLM Karpathy Consortium")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "-q", "-u", "origin", "main")
    (project / "changelog.d" / "+weights.feature.md").write_text(fragment, encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Weighted consortium members")
    git(project, "push", "-q", "origin", "main")
    return project, origin


def release_env(test_index: LocalIndex, index: LocalIndex) -> dict[str, str]:
    """The environment that points a release at the two local indexes, with their login."""
    return {
        **os.environ,
        **IDENTITY,
        **test_index.env("RELEASEKIT_TEST_"),
        **index.env("RELEASEKIT_"),
        "TWINE_USERNAME": USERNAME,
        "TWINE_PASSWORD": PASSWORD,
        "TWINE_NON_INTERACTIVE": "1",
    }


def release_command(*args: str) -> list[str]:
    """``nox -s release -- ARGS`` with this interpreter's nox and releasekit."""
    return [sys.executable, "-m", "nox", "--script-mode", "none", "-s", "release", "--", *args]


def install_and_report(index: LocalIndex, where: Path, version: str | None = None) -> str:
    """Install the package from ``index`` into a fresh venv at ``where``; return its __version__."""
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    python = where / ("Scripts" if os.name == "nt" else "bin") / "python"
    requirement = f"{PACKAGE}=={version}" if version else PACKAGE
    # Only the local index counts: no pip configuration from this machine.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    run([python, "-m", "pip", "install", "-q", "--no-cache-dir", "--index-url", index.simple_url, requirement], env)
    code = f"import {MODULE}; print({MODULE}.__version__)"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, env=env).stdout.strip()


def run(cmd: Sequence[str | os.PathLike[str]], env: Mapping[str, str], cwd: Path | None = None) -> None:
    """Run a step with its output on screen; stop the demo when it fails."""
    proc = subprocess.run([os.fspath(c) for c in cmd], cwd=cwd, env=dict(env))
    if proc.returncode != 0:
        raise SystemExit(f"demo: {' '.join(os.fspath(c) for c in cmd)} failed with exit code {proc.returncode}")


def demo(work: Path, bump: str = "minor") -> str:
    """The whole demo in ``work``; returns the version installed from the local PyPI."""
    with (
        pypiserver(work / "testpypi", name="TestPyPI", username=USERNAME, password=PASSWORD) as test_index,
        pypiserver(work / "pypi", name="PyPI", username=USERNAME, password=PASSWORD) as index,
    ):
        say(f"TestPyPI stand-in at {test_index.simple_url}, PyPI stand-in at {index.simple_url}")
        project, origin = stage_project(work)
        say(f"{PACKAGE} cloned at {project}, origin at {origin}; one new fragment pushed")
        say(f"nox -s release -- {bump} --yes")
        run(release_command(bump, "--yes"), release_env(test_index, index), cwd=project)
        tag = git(origin, "describe", "--tags", "--abbrev=0", "main")
        say(f"origin now has {tag}; installing {PACKAGE} from the local PyPI into a fresh venv")
        installed = install_and_report(index, work / "check-venv", tag.removeprefix("v"))
        say(f"{PACKAGE} {installed} installed from {index.simple_url}")
        if f"v{installed}" != tag:
            raise SystemExit(f"demo: installed {installed}, but the release tag is {tag}")
        return installed


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nox -s demo``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("bump", nargs="?", default="minor", help="major, minor, patch or X.Y.Z (default: minor)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (origin, indexes, checkout)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="releasekit-demo-"))
    try:
        demo(work, args.bump)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
