"""``releasekit check versions``: the version files agree with the current version."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from releasekit import __version__, config
from releasekit.checks.version_sync import cache_inputs, check_versions
from releasekit.fastpath import hookcache
from releasekit.findings import failed, render

if TYPE_CHECKING:
    import argparse


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    findings = check_versions(cfg)
    if findings:
        print(render(findings, args.format))
    if failed(findings):
        return 1
    version = cfg.require_version()
    count = len({entry.path for entry in version.files})
    message = f"versions: {count} file{'s hold' if count != 1 else ' holds'} {version.current}"
    if not version.writes_files:
        message = f"versions: {version.current}, from the latest tag ({version.backend} derives it; no file holds it)"
    if args.format == "text":
        print(message, file=sys.stderr)
    if hookcache.enabled():
        inputs = cache_inputs(cfg)
        if inputs is not None:
            hookcache.store("check-versions", str(cfg.root), __version__, inputs, message)
    return 0
