"""releasekit's tox plugin: ``tox -e release -- ...`` and ``tox -e hotfix -- ...`` in any tox project.

tox finds it through the ``tox`` entry point group once releasekit is installed beside
tox (``tox`` >= 4.29, whose ``tox_extend_envs`` hook adds environments). Nothing goes
into the project's tox configuration: the two environments are declared by
:func:`tox_extend_envs` and configured in memory by :func:`tox_add_core_config`. They
install nothing and run ``python -m releasekit release|hotfix`` with the interpreter tox
itself runs in, so the releasekit beside tox is the one that releases, as the nox
sessions do. An environment of the same name in the project's configuration wins: a
project that has its own ``release`` env (often a build and ``twine upload``) keeps it,
and ``releasekit-release`` and ``releasekit-hotfix``, which no project defines, always
run releasekit's.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tox.config.loader.memory import MemoryLoader
from tox.config.types import Command
from tox.plugin import impl

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tox.config.sets import ConfigSet
    from tox.session.state import State

_RELEASE = "the release checklist: tox -e {env} -- [major|minor|patch|X.Y.Z] [--dry-run] [--yes] [--skip P]"
_HOTFIX = "cut a hotfix branch from a release tag: tox -e {env} -- vX.Y.Z [DESCRIPTION]"
ENVIRONMENTS = {
    "release": _RELEASE.format(env="release"),
    "hotfix": _HOTFIX.format(env="hotfix"),
    "releasekit-release": _RELEASE.format(env="releasekit-release"),
    "releasekit-hotfix": _HOTFIX.format(env="releasekit-hotfix"),
}
"""The environments the plugin adds, and their descriptions; ``releasekit-*`` are never the project's own."""


@impl
def tox_extend_envs() -> Iterable[str]:
    """Declare the ``release`` and ``hotfix`` environments and their unambiguous ``releasekit-`` names."""
    return tuple(ENVIRONMENTS)


@impl
def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
    """Configure the environments in memory, unless the project defines one of them itself."""
    names = list(state.conf)  # the project's own environments, then the ones plugins add
    arguments = state.conf.pos_args(None) or ()
    for name, description in ENVIRONMENTS.items():
        if names.count(name) > 1:
            continue  # the project's own environment of that name wins
        loader = MemoryLoader(
            description=description,
            skip_install=True,
            package="skip",
            deps=[],
            pass_env=["*"],  # credentials, index URLs, GITHUB_TOKEN, the git identity
            allowlist_externals=[sys.executable],
            commands=[Command([sys.executable, "-m", "releasekit", name.removeprefix("releasekit-"), *arguments])],
        )
        state.conf.memory_seed_loaders[name].append(loader)
