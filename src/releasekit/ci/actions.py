"""The actions the release workflow uses, each pinned to the full commit SHA of a release.

Each SHA was read from the action's own repository (the commit its release tag points to)
and is kept current in adopting projects by Dependabot (``init --ci github`` writes or
extends ``.github/dependabot.yml`` for ``github-actions``). docs/ci.rst lists how they were checked.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Action(NamedTuple):
    """An action pinned to a full commit SHA, with the release that commit is."""

    name: str
    sha: str
    version: str

    def ref(self) -> str:
        """The ``uses:`` value (its version goes in a comment beside it)."""
        return f"{self.name}@{self.sha}"


ACTIONS = {
    "checkout": Action("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "setup-python": Action("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "upload-artifact": Action("actions/upload-artifact", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "download-artifact": Action("actions/download-artifact", "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "pypi-publish": Action("pypa/gh-action-pypi-publish", "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e", "v1.13.0"),
    "cibuildwheel": Action("pypa/cibuildwheel", "1828c10ab37f080699c7b81cea34097c684a7074", "v4.2.0"),
}

_SHA = re.compile(r"[0-9a-f]{40}")
_VERSION = re.compile(r"v\d+\.\d+\.\d+")


def check_pins() -> None:
    """Every pin is a full SHA and a release version (a table edited by hand is checked on use)."""
    for action in ACTIONS.values():
        if not _SHA.fullmatch(action.sha) or not _VERSION.fullmatch(action.version):
            raise ValueError(f"{action.name}: not pinned to a full SHA of a release: {action.sha} {action.version}")
