"""### 5. PyPI Publication, "Production PyPI": upload the journaled files to the production index.

The same upload as the test index's, after the push: files already served are checked, not sent again.
"""

from __future__ import annotations

from releasekit.release.context import Context, Step
from releasekit.release.steps._indexing import upload


def run_upload(ctx: Context) -> str:
    """Upload the missing files to the production index."""
    return upload(ctx, ctx.config.index, "upload")


UPLOAD = Step("upload", "Production index: upload", False, False, run_upload)
