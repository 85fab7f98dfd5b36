"""### 5. PyPI Publication, "Verify test installation": the test index serves the journaled bytes, and they install.

``pkg==X.Y.Z`` is installed from the test index into a fresh venv and imported; the
production index only fills in dependencies.
"""

from __future__ import annotations

from releasekit.release.context import Context, Step
from releasekit.release.steps._indexing import verify


def run_test_verify(ctx: Context) -> str:
    """Verify the test index: served bytes, install, import (production fills in dependencies)."""
    return verify(ctx, ctx.config.test_index, ctx.config.index)


TEST_VERIFY = Step("test-verify", "Test index: install and verify", True, False, run_test_verify)
