"""releasekit.nox without running nox: the sessions register() adds, the markers a project declares.

Real nox runs on tiny generated projects are in test_nox_sessions_run.py.
"""

from __future__ import annotations

from pathlib import Path

import nox.registry
import pytest

import releasekit.nox as rknox
from tests.helpers.gitrepo import write_files


def test_register_skips_names_and_rejects_unknown_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nox.registry, "_REGISTRY", {})
    assert rknox.register(skip=["docs", "hotfix"]) == tuple(n for n in rknox.SESSIONS if n not in {"docs", "hotfix"})
    assert "docs" not in nox.registry.get()
    assert rknox.register() == ("docs", "hotfix")  # the others exist now
    with pytest.raises(ValueError, match="unknown session name"):
        rknox.register(skip=["tset"])


def test_declares_marker_reads_ini_files_too(tmp_path: Path) -> None:
    ini = "[pytest]\nmarkers =\n    slow: x\n"
    write_files(tmp_path, {"pyproject.toml": "[project]\nname='x'\n", "pytest.ini": ini})
    assert rknox.declares_marker(tmp_path, "slow")
    assert not rknox.declares_marker(tmp_path, "integration")
    assert rknox.cov_source_args(tmp_path) == ["--cov=."]
