"""``releasekit notes [VERSION]``: one version's release notes, or the draft of the next."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from releasekit import config
from releasekit.errors import ReleasekitError
from releasekit.notes import draft_notes, version_notes

if TYPE_CHECKING:
    import argparse


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    if args.version is not None and not args.version.strip():
        # an empty argument is a mistake (an unset shell variable), not a request for the draft
        raise ReleasekitError(f"{args.version!r}: not a version; give one such as 1.2.3, or none for the draft")
    text = version_notes(cfg, args.version) if args.version is not None else draft_notes(cfg)
    sys.stdout.write(text)
    return 0
