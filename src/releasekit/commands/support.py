"""``releasekit support``: which release lines get full support, security fixes, or none."""

from __future__ import annotations

import argparse

from releasekit import config, git
from releasekit.versions import support_table


def main(args: argparse.Namespace) -> int:
    root = config.load().root
    rows = support_table(git.tags(root))
    if not rows:
        print("no release tags (v*) yet")
        return 0
    width = max(len(r.line) for r in rows)
    print(f"{'line':<{width}}  {'latest':<10}  support")
    for row in rows:
        print(f"{row.line:<{width}}  {row.latest:<10}  {row.support}")
    return 0
