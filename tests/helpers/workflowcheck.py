"""The checks every release workflow releasekit writes must pass: its jobs, real zizmor, real check-jsonschema."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

# zizmor and check-jsonschema are installed beside the Python that runs the tests.
TOOLS = Path(sys.executable).parent


def parse(text: str) -> dict[str, Any]:
    """The workflow's YAML as a dict, its ``on`` key under its own name."""
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_running(job: dict[str, Any], word: str) -> list[str]:
    """The ``run`` commands of ``job``'s steps that contain ``word``."""
    return [step["run"] for step in job["steps"] if word in step.get("run", "")]


def check_structure(data: dict[str, Any], text: str, building: str, tag_glob: str = "v[0-9]*") -> None:
    """What every release workflow must be, whatever the project."""
    assert data["permissions"] == {}
    assert set(data["on"]) == {"push", "workflow_dispatch"}
    assert data["on"]["push"] == {"tags": [tag_glob]}
    jobs = data["jobs"]
    builders = [name for name, job in jobs.items() if steps_running(job, "releasekit build")]
    assert builders == [building]
    with_id_token = {name for name, job in jobs.items() if job.get("permissions", {}).get("id-token") == "write"}
    assert with_id_token == {"publish-testpypi", "publish-pypi"}
    for name in with_id_token:
        check_publisher_job(jobs[name])
    assert jobs["publish-testpypi"]["environment"]["name"] == "testpypi"
    assert jobs["publish-pypi"]["environment"]["name"] == "pypi"
    assert steps_running(jobs["check"], "releasekit publish") == ["releasekit publish dist --check-only"]
    assert jobs["publish-testpypi"]["needs"] == ["check"]
    assert steps_running(jobs["verify-testpypi"], "releasekit publish") == [
        "releasekit publish dist --verify-only --index test"
    ]
    assert jobs["verify-testpypi"]["needs"] == ["publish-testpypi"]
    assert jobs["publish-pypi"]["needs"] == ["verify-testpypi"]
    assert steps_running(jobs["verify-pypi"], "releasekit publish") == [
        "releasekit publish dist --verify-only --index prod"
    ]
    assert jobs["verify-pypi"]["needs"] == ["publish-pypi"]
    assert jobs["github-release"]["needs"] == ["verify-pypi"]
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    for name, job in jobs.items():
        assert "permissions" in job, name
        assert set(job["permissions"]) <= {"contents", "id-token"}, name
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            if "run" in step:
                assert step.get("shell") == "bash", (name, step)  # PowerShell is Windows' default
                assert "${{" not in step["run"], (name, step)
            if "pip install" in step.get("run", ""):
                assert "--require-hashes -r .github/releasekit-requirements.txt" in step["run"], (name, step)
    # every pin carries its version as a comment, in the file itself
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", line), line


def check_publisher_job(job: dict[str, Any]) -> None:
    """A job that can mint tokens: the files downloaded, then the maintained publisher; nothing run or installed."""
    assert job["permissions"] == {"id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for step in job["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish", uses
    assert set(uses[:-1]) == {"actions/download-artifact"}, uses
    for step in job["steps"]:
        assert "run" not in step, step
        assert set(step) <= {"uses", "with", "name"}, step
    flat = yaml.safe_dump(job)
    assert not re.search(r"\b(pip|uv|pipx)\b", flat), flat
    assert "attestations" not in job["steps"][-1].get("with", {})  # the action's default: on


def run_tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a checker, its output captured, for at most two minutes."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)


def check_with_real_tools(path: Path, root: Path, schema: str = "vendor.github-workflows") -> None:
    """zizmor (offline; regular, pedantic, auditor) finds nothing at ``path``; GitHub's schema takes it."""
    for persona in ("regular", "pedantic", "auditor"):
        zizmor = run_tool(str(TOOLS / "zizmor"), "--offline", "--persona", persona, str(path), cwd=root)
        assert zizmor.returncode == 0, persona + zizmor.stdout + zizmor.stderr
        assert "No findings to report" in zizmor.stdout + zizmor.stderr, persona
    checked = run_tool(str(TOOLS / "check-jsonschema"), "--builtin-schema", schema, str(path), cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
