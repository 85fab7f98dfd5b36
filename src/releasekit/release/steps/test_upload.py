"""### 5. PyPI Publication, "Test PyPI first": upload the journaled files to the test index.

The first step the world outside the repository sees. Only the files the index does not
serve yet are uploaded, each checked against its journaled sha256 (see ``releasekit.indexes``).
"""

from __future__ import annotations

from releasekit.release.context import Context, Step
from releasekit.release.steps._indexing import upload


def run_test_upload(ctx: Context) -> str:
    """Upload the missing files to the test index."""
    return upload(ctx, ctx.config.test_index, "test-upload")


TEST_UPLOAD = Step("test-upload", "Test index: upload", False, False, run_test_upload)
