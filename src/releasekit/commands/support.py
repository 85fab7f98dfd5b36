"""``releasekit support``: which release lines get full support, security fixes, or none."""

from __future__ import annotations

import argparse

from releasekit import config, git
from releasekit.support import SupportRow, support_table
from releasekit.tags import release_tags


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    git.toplevel(cfg.root)  # outside a repository: one clear line, not git's own
    fmt, tags = release_tags(cfg.root, cfg.tag_format)
    rows = support_table(tags, fmt)
    if not rows:
        print(f"no release tags ({fmt.tag('X.Y.Z')}) yet")
        return 0
    # A column is as wide as its longest entry, the header's included: "line" is wider than
    # "1.2". The latest column keeps at least 10 characters and grows for a longer version.
    header = SupportRow("line", "latest", "support")
    line = max(len(r.line) for r in (header, *rows))
    latest = max(10, *(len(r.latest) for r in rows))
    for row in (header, *rows):
        print(f"{row.line:<{line}}  {row.latest:<{latest}}  {row.support}")
    return 0
