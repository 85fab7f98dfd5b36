"""The example project's configuration, read in process (its nox sessions run in test_example_sessions.py)."""

from __future__ import annotations

from releasekit import config
from releasekit.checks.version_sync import check_versions
from tests.helpers.demo import EXAMPLE


def test_example_versions_are_in_sync_and_configured() -> None:
    cfg = config.load(EXAMPLE)
    version = cfg.require_version()
    assert version.current == "0.1.0"
    assert {f.path for f in version.files} == {"setup.py", "src/llm_karpathy_consortium/__init__.py", "docs/conf.py"}
    assert cfg.project_name == "llm-karpathy-consortium"
    assert cfg.coverage_fail_under == 90
    assert [t.directory for t in cfg.fragments.types][:3] == ["feature", "breaking", "migration"]
    assert list(check_versions(cfg, with_tags=False)) == []
    assert any((EXAMPLE / "changelog.d").glob("*.md"))
