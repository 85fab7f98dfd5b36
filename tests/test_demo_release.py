"""nox -s demo, run for real: it releases the example to two local indexes and installs it back."""

from __future__ import annotations

import pytest

from tests.helpers.demo import REPO_ROOT, load_demo
from tests.helpers.noxrun import run_nox

pytestmark = pytest.mark.integration

demo = load_demo()


def test_nox_demo_releases_the_example_end_to_end() -> None:
    proc = run_nox(REPO_ROOT, "-s", "demo", script_mode=None, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    assert "==> llm-karpathy-consortium 0.2.0 installed from http://127.0.0.1:" in out
    assert demo.PASSWORD not in out
