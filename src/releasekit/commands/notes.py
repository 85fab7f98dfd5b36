"""``releasekit notes [VERSION]``: one version's release notes, or the draft of the next."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from releasekit import config, printable
from releasekit.changelog.draft import draft_notes
from releasekit.changelog.notes import version_notes
from releasekit.errors import ReleasekitError
from releasekit.tags import TagFormat

if TYPE_CHECKING:
    import argparse


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    version = args.version
    if version is not None and not version.strip():
        # an empty argument is a mistake (an unset shell variable), not a request for the draft
        raise ReleasekitError(f"{version!r}: not a version; give one such as 1.2.3, or none for the draft")
    if version and cfg.tag_format:
        version = TagFormat(cfg.tag_format).version_text(version) or version  # given as its tag
    text = version_notes(cfg, version) if version is not None else draft_notes(cfg)
    sys.stdout.write(printable.lines(text))  # the fragments' own text: no terminal control reaches the terminal
    return 0
