"""The hooks' command line, parsed without argparse: ``check fragments|versions [--base REF] [--format F] [FILE...]``.

These run on every commit, where importing and building the full parser costs more
than the check itself. Anything else, or anything unusual (help, an unknown or
abbreviated option, a missing value), is left to argparse in ``releasekit.cli``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import SimpleNamespace

# The options each hook takes, as argparse in releasekit.cli defines them.
_HOOK_OPTIONS = {"fragments": ("--base", "--format"), "versions": ("--format",)}


def hook_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """The parsed arguments of a hook's usual command line, or None to let argparse parse it."""
    if len(argv) < 2 or argv[0] != "check" or argv[1] not in _HOOK_OPTIONS:
        return None
    from types import SimpleNamespace

    from releasekit.findings import FORMATS

    allowed = _HOOK_OPTIONS[argv[1]]
    values: dict[str, object] = {"command": "check", "check": argv[1], "directory": None, "format": "text"}
    if "--base" in allowed:
        values["base"] = None
    filenames: list[str] = []
    rest = list(argv[2:])
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            filenames.extend(rest[i + 1 :])
            break
        name, eq, value = arg.partition("=")
        if name in allowed:
            if not eq:
                if i + 1 >= len(rest) or rest[i + 1].startswith("-"):
                    return None
                i += 1
                value = rest[i]
            if name == "--format" and value not in FORMATS:
                return None
            values[name[2:]] = value
        elif arg.startswith("-"):
            return None
        else:
            filenames.append(arg)
        i += 1
    values["filenames"] = filenames
    return SimpleNamespace(**values)
