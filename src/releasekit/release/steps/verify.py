"""### 5. PyPI Publication, verified: the production index serves the journaled bytes, and they install."""

from __future__ import annotations

from releasekit.release.context import Context, Step
from releasekit.release.steps._indexing import verify


def run_verify(ctx: Context) -> str:
    """Verify the production index: served bytes, install, import."""
    return verify(ctx, ctx.config.index, None)


VERIFY = Step("verify", "Production index: install and verify", True, False, run_verify)
