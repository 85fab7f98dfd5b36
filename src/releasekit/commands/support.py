"""``releasekit support``: which release lines get full support, security fixes, or none."""

from __future__ import annotations

import argparse

from releasekit import config, git
from releasekit.support import support_table
from releasekit.tags import release_tags


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    git.toplevel(cfg.root)  # outside a repository: one clear line, not git's own
    fmt, tags = release_tags(cfg.root, cfg.tag_format)
    rows = support_table(tags, fmt)
    if not rows:
        print(f"no release tags ({fmt.tag('X.Y.Z')}) yet")
        return 0
    width = max(len(r.line) for r in rows)
    print(f"{'line':<{width}}  {'latest':<10}  support")
    for row in rows:
        print(f"{row.line:<{width}}  {row.latest:<10}  {row.support}")
    return 0
