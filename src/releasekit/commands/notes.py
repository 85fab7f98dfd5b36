"""``releasekit notes``: not available yet."""

from __future__ import annotations

import argparse

from releasekit.errors import ReleasekitError


def main(args: argparse.Namespace) -> int:
    raise ReleasekitError("'releasekit notes' is not available yet in this version of releasekit")
