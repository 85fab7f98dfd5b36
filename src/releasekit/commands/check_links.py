"""``releasekit check links``: documentation links resolve (and, with --external, answer)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from releasekit import config
from releasekit.checks.links.settings import Settings, find_doc_configs, mkdocs_site, parse_slug, sphinx_dirs
from releasekit.errors import ReleasekitError
from releasekit.findings import failed, render


def settings_from(cfg: config.Config | None, root: Path, *, external: bool) -> Settings:
    """The link checker's settings from the project configuration (defaults without one)."""
    links = cfg.links if cfg else config.LinksConfig()
    where = f"{cfg.pyproject.name}: [tool.releasekit.links]" if cfg else "[tool.releasekit.links]"
    slug, case = parse_slug(links.slug, f"{where} slug") if links.slug else (None, "none")
    for pattern in links.exclude_urls:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ReleasekitError(f"{where} exclude_urls: bad regular expression {pattern!r}: {exc}") from None
        except (RecursionError, OverflowError):  # groups nested hundreds deep: re's parser recurses per level
            raise ReleasekitError(
                f"{where} exclude_urls: regular expression {pattern[:60]!r}... nested too deeply"
            ) from None
    for code in links.accept_status:
        if not 100 <= code <= 599:
            raise ReleasekitError(f"{where} accept_status: {code!r} is not an HTTP status code")
    docs_root = None
    if links.docs_root is not None:
        docs_root = Path(links.docs_root.strip("/") or ".").as_posix()
        if not (root / docs_root).is_dir():
            raise ReleasekitError(f"{where} docs_root: {links.docs_root!r} is not a directory under {root}")
    # An mkdocs.yml anywhere in the tree (docs/en/mkdocs.yml) governs the files of its docs_dir.
    configs, found_sphinx = find_doc_configs(root)
    sites = tuple(site for path in configs if (site := mkdocs_site(root, path)) is not None)
    return Settings(
        root=root,
        slug=slug,
        slug_case=case,
        docs_root=docs_root,
        sites=sites,
        sphinx_dirs=sphinx_dirs(root, found_sphinx),
        exclude=links.exclude,
        exclude_urls=links.exclude_urls,
        external=external,
        accept_status=links.accept_status,
        cache_ttl=links.cache_ttl,
        private_addresses=links.private_addresses,
        timeout=links.timeout,
        deadline=links.deadline,
        report_redirects=links.report_redirects,
        concurrency=max(1, links.concurrency),
        per_host=max(1, links.per_host),
        cache_dir=root / ".cache" / "releasekit",
        jobs=links.jobs if links.jobs > 0 else None,
    )


def _work_tree(start: Path) -> Path | None:
    # The nearest directory holding .git (a directory, or a file in worktrees and
    # submodules), found without starting git: the hook's start-up stays small.
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _project(cwd: Path) -> tuple[config.Config | None, Path]:
    try:
        project_root = config.find_root(cwd)
    except ReleasekitError:
        cfg = None
    else:
        cfg = config.load(project_root)
    root = _work_tree(cwd) or (cfg.root if cfg else cwd)
    return cfg, root.resolve()


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\rexternal links [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def main(args: argparse.Namespace) -> int:
    from releasekit.checks.links.check import check

    cwd = Path.cwd()
    cfg, root = _project(cwd)
    settings = settings_from(cfg, root, external=args.external)
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
