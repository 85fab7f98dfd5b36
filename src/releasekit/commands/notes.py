"""``releasekit notes [VERSION]``: one version's release notes, or the draft of the next."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from releasekit import config
from releasekit.notes import draft_notes, version_notes

if TYPE_CHECKING:
    import argparse


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    text = version_notes(cfg, args.version) if args.version else draft_notes(cfg)
    sys.stdout.write(text)
    return 0
