"""``[tool.releasekit] publish``: the modes it accepts, and one line for any other.

Releases with ``publish = "ci"`` that stop after the push and hand over are in test_release_ci_handover.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import releasekit
from tests.helpers.releaseproj import make_project


def test_an_unknown_publish_mode_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit]\npublish = "cloud"\n')
    result = releasekit("release", "--dry-run", cwd=project.root)
    assert result.returncode == 2
    assert (
        result.stderr
        == 'releasekit: error: pyproject.toml: [tool.releasekit] publish must be "local" or "ci", not \'cloud\'\n'
    )
