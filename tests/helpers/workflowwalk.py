"""Walk a generated release workflow as GitHub would, on this machine.

Each job runs in order, each matrix entry in a fresh workspace; its ``run:`` steps run in
bash as GitHub's ``shell: bash`` does (``bash --noprofile --norc -eo pipefail``) with the
variables GitHub sets (``GITHUB_REF``, ``GITHUB_REF_NAME``, ``RUNNER_TEMP``...), and the
artifacts pass between jobs through a folder. The actions are played by small stand-ins:
checkout clones the repository at the tag, setup-python puts a prepared interpreter on
PATH, upload/download-artifact copy files, cibuildwheel builds the one wheel this machine
can (retagged as auditwheel would), and gh-action-pypi-publish writes an attestation
beside each distribution and uploads the folder with real twine, ``--attestations``, as
the action does. ``${{ }}`` expressions other than the few GitHub would fill in fail the walk.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers.workflowcheck import parse

_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


@dataclass
class Walk:
    """Where and with what a workflow is walked."""

    repo: Path  # the project's repository, holding the tag
    tag: str
    base: Path  # an empty folder for workspaces and artifacts
    python_bin: Path  # the interpreter setup-python provides: its bin folder
    uploads: Mapping[str, str]  # the workflow's repository-url -> a local upload URL
    env: dict[str, str] = field(default_factory=dict)  # what the runners' environment adds
    twine_auth: tuple[str, str] = ("user", "password")
    ran: list[tuple[str, str]] = field(default_factory=list)  # (job, step) in the order they ran

    def expand(self, value: Any, matrix: Mapping[str, str]) -> Any:
        if isinstance(value, dict):
            return {k: self.expand(v, matrix) for k, v in value.items()}
        if not isinstance(value, str):
            return value
        known = {
            "github.token": "stand-in-github-token",
            "github.repository": "owner/project",
            "github.ref_name": self.tag,
            "github.ref": f"refs/tags/{self.tag}",
            **{f"matrix.{k}": str(v) for k, v in matrix.items()},
        }

        def fill(match: re.Match[str]) -> str:
            assert match.group(1) in known, f"the walk does not know {match.group(0)}"
            return known[match.group(1)]

        return _EXPRESSION.sub(fill, value)

    def run(self, text: str) -> None:
        """Every job of the workflow ``text``, in order."""
        artifacts = self.base / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        for name, job in parse(text)["jobs"].items():
            matrices = job.get("strategy", {}).get("matrix", {}).get("include") or [{}]
            for n, matrix in enumerate(matrices):
                self._job(name, job, matrix, self.base / "runs" / f"{name}-{n}", artifacts)

    def _job(self, name: str, job: dict[str, Any], matrix: dict[str, str], workspace: Path, artifacts: Path) -> None:
        workspace.mkdir(parents=True)
        temp = workspace.parent / f"{workspace.name}-temp"
        temp.mkdir()
        env = {
            **os.environ,
            **self.env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REF": f"refs/tags/{self.tag}",
            "GITHUB_REF_NAME": self.tag,
            "GITHUB_REF_TYPE": "tag",
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(temp),
            "RUNNER_OS": "Linux",
        }
        for key in ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"):
            env.pop(key, None)
        for step in job["steps"]:
            step = self.expand(step, matrix)
            label = step.get("name") or step.get("uses", "").split("@")[0]
            self.ran.append((name, label))
            if "uses" in step:
                self._action(step, env, workspace, artifacts)
            else:
                script = temp / "step.sh"
                script.write_text(step["run"], encoding="utf-8")
                assert step.get("shell") == "bash", step
                proc = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                    cwd=workspace,
                    env={**env, **step.get("env", {})},
                    capture_output=True,
                    text=True,
                    timeout=900,
                    check=False,
                )
                assert proc.returncode == 0, f"{name}: {label}\n{proc.stdout}\n{proc.stderr}"

    def _action(self, step: dict[str, Any], env: dict[str, str], workspace: Path, artifacts: Path) -> None:
        action, with_ = step["uses"].split("@")[0], step.get("with", {})
        if action == "actions/checkout":
            subprocess.run(["git", "clone", "-q", str(self.repo), str(workspace)], check=True, timeout=120)
            subprocess.run(["git", "checkout", "-q", self.tag], cwd=workspace, check=True, timeout=60)
        elif action == "actions/setup-python":
            assert with_["python-version"] == f"{sys.version_info[0]}.{sys.version_info[1]}"
            env["PATH"] = f"{self.python_bin}{os.pathsep}{env['PATH']}"
        elif action == "actions/upload-artifact":
            found = [p for line in str(with_["path"]).split() for p in sorted(workspace.glob(line))]
            assert found or with_.get("if-no-files-found") == "ignore", f"nothing matches {with_['path']}"
            target = artifacts / with_["name"]
            assert not target.exists(), f"artifact {with_['name']} uploaded twice"
            target.mkdir()
            for path in found:
                shutil.copy2(path, target / path.name)
        elif action == "actions/download-artifact":
            into = workspace / with_["path"]
            into.mkdir(parents=True, exist_ok=True)
            names = [with_["name"]] if "name" in with_ else fnmatch.filter(os.listdir(artifacts), with_["pattern"])
            for artifact in names:
                for path in sorted((artifacts / artifact).iterdir()):
                    shutil.copy2(path, into / path.name)
        elif action == "pypa/cibuildwheel":
            self._cibuildwheel(step.get("env", {}), workspace, workspace / with_.get("output-dir", "wheelhouse"))
        elif action == "pypa/gh-action-pypi-publish":
            self._publish(with_, env, workspace)
        else:
            raise AssertionError(f"no stand-in for {action}")

    def _cibuildwheel(self, cibw: Mapping[str, str], workspace: Path, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        if cibw.get("CIBW_PLATFORM") != "linux" or cibw.get("CIBW_ARCHS") != platform.machine():
            return  # another runner's wheels: nothing this machine can build (the config selects none there)
        built = self.base / "cibw-build"
        subprocess.run(
            ["uv", "build", "--wheel", "--quiet", "--out-dir", str(built), str(workspace)], check=True, timeout=600
        )
        for wheel in built.glob("*-linux_*.whl"):
            manylinux(wheel, out)

    def _publish(self, with_: Mapping[str, str], env: Mapping[str, str], workspace: Path) -> None:
        folder = workspace / with_.get("packages-dir", "dist")
        url = self.uploads[with_.get("repository-url", "https://upload.pypi.org/legacy/")]
        dists = sorted(p for p in folder.iterdir() if p.name.endswith((".whl", ".tar.gz")))
        for dist in dists:  # what the action's attestation step writes (signed by Sigstore there)
            statement = {"subject": [{"name": dist.name, "digest": {"sha256": _sha256(dist)}}]}
            (folder / f"{dist.name}.publish.attestation").write_text(
                json.dumps(
                    {"version": 1, "envelope": {"statement": base64.b64encode(json.dumps(statement).encode()).decode()}}
                ),
                encoding="utf-8",
            )
        user, password = self.twine_auth
        cmd = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--attestations"]
        cmd += ["--repository-url", url, "-u", user, "-p", password, *sorted(str(p) for p in folder.iterdir())]
        proc = subprocess.run(cmd, env=dict(env), capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manylinux(wheel: Path, out: Path) -> Path:
    """``wheel`` (``linux_<arch>``) retagged ``manylinux_2_17_<arch>``, its WHEEL and RECORD rewritten."""
    arch = wheel.name.rsplit("linux_", 1)[1].removesuffix(".whl")
    tag = f"manylinux_2_17_{arch}.manylinux2014_{arch}"
    target = out / wheel.name.replace(f"linux_{arch}", tag)
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        record_name = next(n for n in src.namelist() if n.endswith(".dist-info/RECORD"))
        lines = []
        for item in src.infolist():
            if item.filename == record_name:
                continue
            data = src.read(item)
            if item.filename.endswith(".dist-info/WHEEL"):
                text = data.decode()
                data = text.replace(f"-linux_{arch}", f"-manylinux_2_17_{arch}").encode()
            dst.writestr(item.filename, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{item.filename},sha256={digest},{len(data)}")
        lines.append(f"{record_name},,")
        dst.writestr(record_name, "\n".join(lines) + "\n")
    return target
