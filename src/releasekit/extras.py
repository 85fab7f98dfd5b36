"""The release tools, an extra (``releasekit[release]``) that the pre-commit hooks do without.

The hooks need ``packaging``, ``pyromark``, ``docutils`` (and ``tomli`` before Python
3.11): that is all pre-commit installs for them. The release machinery (bump-my-version,
towncrier, build, twine, check-manifest, nox, tox, httpx, tomlkit, ruamel.yaml, rich) is
``pip install 'releasekit[release]'``; a command that needs it without it says so in one line.
"""

from __future__ import annotations

from releasekit.errors import ReleasekitError

HINT = "pip install 'releasekit[release]'"

_RELEASE = ("bumpversion", "towncrier", "build", "twine", "check_manifest", "nox", "tox", "rich")
NEEDS: dict[str, tuple[str, ...]] = {
    "release": _RELEASE,
    "hotfix": _RELEASE,
    "build": ("build", "twine", "check_manifest"),
    "publish": ("twine", "httpx"),
    "init": ("tomlkit", "ruamel.yaml"),
    "notes": ("towncrier",),  # the draft; a released version's notes are read from the news file
}
"""The modules of the extra each command needs before it starts."""

EXTRA_MODULES = frozenset({*_RELEASE, "httpx", "httpcore", "tomlkit", "ruamel", "sniffio"})


def _installed(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # "ruamel.yaml" without "ruamel"
        return False


def require(command: str, *, draft: bool = True) -> None:
    """Refuse, in one line, a command whose release tools are not installed.

    ``releasekit notes VERSION`` (``draft=False``) reads the news file alone, as the release
    workflow's GitHub release job does with the publish tools only; its draft needs towncrier.
    """
    needed = NEEDS.get(command, ()) if draft or command != "notes" else ()
    missing = [module for module in needed if not _installed(module)]
    if missing:
        raise ReleasekitError(f"releasekit {command} needs the release tools ({', '.join(missing)} missing): {HINT}")


def explain(exc: ModuleNotFoundError, command: str) -> str | None:
    """The one line for a module of the extra found missing while a command ran, or None for another module."""
    name = (exc.name or "").split(".")[0]
    if name not in EXTRA_MODULES:
        return None
    return f"releasekit {command} needs the release tools ({name} missing): {HINT}"
