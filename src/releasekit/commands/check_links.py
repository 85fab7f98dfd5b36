"""``releasekit check links``: documentation links resolve (and, with --external, answer)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from releasekit import config
from releasekit.checks.links.check import check
from releasekit.checks.links.settings import from_config
from releasekit.errors import ReleasekitError
from releasekit.findings import failed, render


def _config(cwd: Path) -> config.Config | None:
    """The project's configuration, or None outside a project (the defaults then)."""
    try:
        project_root = config.find_root(cwd)
    except ReleasekitError:
        return None
    return config.load(project_root)


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\rexternal links [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def main(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    settings = from_config(_config(cwd), cwd, external=args.external)
    progress = _progress_bar if args.external and sys.stderr.isatty() else None
    report = check(settings, args.paths, cwd, progress)
    if progress:
        sys.stderr.write("\r\033[K")
    if report.findings:
        print(render(report.findings, args.format))
    errors = sum(1 for f in report.findings if f.level == "error")
    warnings = len(report.findings) - errors
    summary = f"links: {_count(report.links, 'link')} in {_count(report.files, 'file')}"
    if args.external:
        summary += f", {_count(report.external, 'external URL')}"
    summary += f": {errors} broken" + (f", {_count(warnings, 'warning')}" if warnings else "")
    print(summary, file=sys.stdout if args.format == "text" else sys.stderr)
    return 1 if failed(report.findings) else 0
