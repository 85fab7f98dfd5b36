"""releasekit's tox plugin: ``tox -e release -- ...`` and ``tox -e hotfix -- ...`` in any tox project.

tox finds it through the ``tox`` entry point group once releasekit is installed beside
tox (``tox`` >= 4.29, whose ``tox_extend_envs`` hook adds environments). Nothing goes
into the project's tox configuration: the two environments are declared by
:func:`tox_extend_envs` and configured in memory by :func:`tox_add_core_config`. They
install nothing and run ``python -m releasekit release|hotfix`` with the interpreter tox
itself runs in, so the releasekit beside tox is the one that releases, as the nox
sessions do. An environment of the same name in the project's configuration wins.
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

ENVIRONMENTS = {
    "release": "the release checklist: tox -e release -- [major|minor|patch|X.Y.Z] [--dry-run] [--yes] [--skip P]",
    "hotfix": "cut a hotfix branch from a release tag: tox -e hotfix -- vX.Y.Z [DESCRIPTION]",
}
"""The environments the plugin adds, and their descriptions."""


@impl
def tox_extend_envs() -> Iterable[str]:
    """Declare the ``release`` and ``hotfix`` environments."""
    return tuple(ENVIRONMENTS)


@impl
def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
    """Configure the two environments in memory, unless the project defines them itself."""
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
            commands=[Command([sys.executable, "-m", "releasekit", name, *arguments])],
        )
        state.conf.memory_seed_loaders[name].append(loader)
