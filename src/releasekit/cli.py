"""The ``releasekit`` command: argument parsing and dispatch, nothing else.

Each subcommand lives in ``releasekit.commands.<name>`` and is imported only when it
runs, so the pre-commit hooks start fast.
"""

from __future__ import annotations

import os
import sys

# Not typing's TYPE_CHECKING: this module is on the cached hooks' path (releasekit.fastpath), where
# typing and the re it imports would cost more than the whole check.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import SimpleNamespace
    from typing import Any


def _add_format(parser: argparse.ArgumentParser) -> None:
    from releasekit.findings import FORMATS

    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    import argparse

    from releasekit import __version__
    from releasekit.emergency import SEVERITIES

    class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
        # argparse's formatter, minus its import of shutil on every start (hooks run often)
        def __init__(self, prog: str) -> None:
            columns = os.environ.get("COLUMNS", "")
            width = int(columns) if columns.isascii() and columns.isdigit() and len(columns) < 5 else 100
            super().__init__(prog, width=max(width, 40) - 2)

    parser = argparse.ArgumentParser(
        prog="releasekit",
        formatter_class=_HelpFormatter,
        description="Run a Python package's release checklist: checks, hooks and the release itself.",
    )
    parser.add_argument("--version", action="version", version=f"releasekit {__version__}")
    parser.add_argument("-C", dest="directory", metavar="DIR", help="run as if started in DIR")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="count", default=0, help="say more: every command releasekit runs, with its time"
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="say less: nothing when all is well (a release: its steps, without their notes)",
    )

    def command(parent: Any, name: str, help: str, example: str) -> argparse.ArgumentParser:
        return parent.add_parser(  # type: ignore[no-any-return]
            name,
            formatter_class=_HelpFormatter,
            help=help,
            description=help,
            parents=[common],
            epilog=f"example:\n  {example}",
        )

    check = commands.add_parser("check", formatter_class=_HelpFormatter, help="run one of the pre-commit checks")
    checks = check.add_subparsers(dest="check", metavar="CHECK", required=True)
    versions = command(
        checks,
        "versions",
        "every configured version file holds the current version",
        "releasekit check versions --format github",
    )
    _add_format(versions)
    versions.add_argument(
        "filenames", nargs="*", metavar="FILE", help="files pre-commit passes; not used (all are read)"
    )
    fragments = command(
        checks, "fragments", "the change carries a valid changelog fragment", "releasekit check fragments --base main"
    )
    fragments.add_argument("--base", metavar="REF", help="compare against REF (default: origin/<release branch>)")
    _add_format(fragments)
    fragments.add_argument("filenames", nargs="*", metavar="FILE", help="files pre-commit passes; not used (git says)")
    links = command(checks, "links", "documentation links resolve", "releasekit check links docs/ README.md --external")
    links.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: all tracked docs)")
    links.add_argument("--external", action="store_true", help="also check external URLs over the network")
    _add_format(links)

    release = command(commands, "release", "run the whole release checklist", "releasekit release minor --dry-run")
    release.add_argument(
        "bump",
        nargs="?",
        default=None,
        metavar="major|minor|patch|X.Y.Z",
        help="the part to bump, or the new version (default: what the fragments call for)",
    )
    release.add_argument("--dry-run", action="store_true", help="run every read-only step and change nothing")
    release.add_argument("--yes", action="store_true", help="do not ask before the first upload")
    release.add_argument("--abort", action="store_true", help="undo the local steps of a release in progress")
    release.add_argument(
        "--security",
        choices=SEVERITIES,
        metavar="SEVERITY",
        help=f"an emergency security release of this severity ({', '.join(SEVERITIES)}): expedited, "
        "and a GitHub security advisory after the release",
    )
    release.add_argument(
        "--skip",
        action="append",
        metavar="PHASE[,PHASE...]",
        help="phases that already ran elsewhere for this exact commit (package, tests, integration, benchmark, "
        "coverage, docs, examples): journaled, and shown in the plan and the summary",
    )

    hotfix = command(
        commands, "hotfix", "cut a hotfix branch from a release tag", "releasekit hotfix v1.2.0 crash-on-empty-input"
    )
    hotfix.add_argument("tag", metavar="vX.Y.Z", help="the release tag, or its version (1.2.0 where tags have no v)")
    hotfix.add_argument("description", nargs="?", default=None, help="a word or two for the branch's name")

    build = command(
        commands, "build", "the release build on its own, with a manifest of its files", "releasekit build --out dist/"
    )
    build.add_argument("--out", required=True, metavar="DIR", help="a new or empty directory for the files")
    publish = command(
        commands,
        "publish",
        "publish exactly the files a build's manifest lists",
        "releasekit publish dist/ --index test",
    )
    publish.add_argument("dir", metavar="DIR", help="a directory made by 'releasekit build' (and cibuildwheel)")
    publish.add_argument("--index", choices=("test", "prod"), help="the test or production index")
    publish.add_argument(
        "--check-only", action="store_true", help="only check the directory against its manifest; upload nothing"
    )
    publish.add_argument(
        "--verify-only", action="store_true", help="upload nothing; check what the index serves and install it"
    )
    publish.add_argument(
        "--attestations", action="store_true", help="sign and upload PEP 740 attestations (needs an OIDC identity)"
    )

    command(commands, "support", "the version support table", "releasekit support")
    status = command(
        commands,
        "status",
        "versions, unreleased fragments, schedule, support, release",
        "releasekit status --format json",
    )
    status.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    notes = command(commands, "notes", "one version's release notes, as Markdown", "releasekit notes 1.2.0")
    notes.add_argument(
        "version",
        nargs="?",
        default=None,
        help="the version (default: a draft of the next version's notes, from the fragments)",
    )

    init = command(
        commands, "init", "adopt releasekit into this project (prints the plan first)", "releasekit init --dry-run"
    )
    init.add_argument("--yes", action="store_true", help="write the plan without asking")
    init.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    init.add_argument("--ci", choices=("github",), default=None, help="also write the release workflow")
    return parser


def _module_for(args: argparse.Namespace | SimpleNamespace) -> str:
    if args.command == "check":
        return f"releasekit.commands.check_{args.check}"
    return f"releasekit.commands.{args.command}"


def _quietly(run: Any, args: argparse.Namespace | SimpleNamespace) -> int:
    """``-q``: nothing said when all is well; what the command said, when it found a problem or failed."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    code = 1
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(args)
    finally:
        if code != 0:
            sys.stdout.write(out.getvalue())
            sys.stderr.write(err.getvalue())
    return int(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, dispatch, and turn user errors into one line and exit 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from releasekit.fastpath.hookcache import fast_check_versions

    fast = fast_check_versions(argv)
    if fast is not None:
        return fast
    import importlib

    from releasekit.errors import ReleasekitError, redact, secrets_from_env
    from releasekit.fastpath.argv import hook_args

    args = hook_args(argv) or build_parser().parse_args(argv)
    try:
        if args.directory:
            try:
                os.chdir(args.directory)
            except OSError as exc:
                raise ReleasekitError(f"{args.directory}: cannot change into it: {exc.strerror}") from None
        if args.command != "check":
            from releasekit import extras

            extras.require(args.command, draft=getattr(args, "version", None) is None)
        if getattr(args, "verbose", 0):
            from releasekit import process

            process.ECHO = True
        try:
            module = importlib.import_module(_module_for(args))
            if getattr(args, "quiet", False) and args.command != "release":
                result: int = _quietly(module.main, args)
            else:
                result = module.main(args)
        except ModuleNotFoundError as exc:
            from releasekit import extras

            line = extras.explain(exc, " ".join(filter(None, (args.command, getattr(args, "check", None)))))
            if line is None:
                raise
            raise ReleasekitError(line) from None
        return result
    except ReleasekitError as exc:
        from releasekit.printable import lines

        message = lines(redact(str(exc), secrets_from_env()))  # no terminal control from a file name or a server
        print(f"releasekit: error: {message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("releasekit: interrupted", file=sys.stderr)
        return 130
