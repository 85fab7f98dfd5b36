"""``releasekit check versions``: the version files agree with the current version."""

from __future__ import annotations

import argparse
import sys

from releasekit import config
from releasekit.findings import failed, render
from releasekit.versions import check_versions


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    findings = check_versions(cfg)
    if findings:
        print(render(findings, args.format))
    if failed(findings):
        return 1
    if args.format == "text":
        version = cfg.require_version()
        count = len(version.files)
        print(f"versions: {count} file{'s' if count != 1 else ''} hold {version.current}", file=sys.stderr)
    return 0
