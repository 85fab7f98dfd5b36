"""The changelog-fragment hook's settings, kept in the hook's record so a commit need not parse pyproject.toml.

The check needs a handful of settings (the fragment types, the remote, the release
branch, the source paths). Parsing them means TOML and the whole configuration module;
once parsed, they are written to a record under the git directory
(``releasekit.fastpath.hookcache``) that stays valid while the files they came from are
unchanged.
"""

from __future__ import annotations

import os

from releasekit import locate
from releasekit.changelog.fragments import FragmentsConfig, FragmentType
from releasekit.fastpath import hookcache
from releasekit.fastpath.record import Record

TYPE_CHECKING = False  # the hooks load this module: no typing at start-up (releasekit.fastpath)
if TYPE_CHECKING:
    from typing import Any

_RECORD = "check-fragments-settings"


class FragmentHookSettings(Record):
    """What the check reads from pyproject.toml."""

    root: str
    fragments: FragmentsConfig
    remote: str
    release_branch: str
    source_paths: tuple[str, ...] | None
    project_name: str | None

    def dump(self) -> str:
        """One line of text for the hook's record: ``marshal`` (plain tuples only) in hex."""
        import marshal

        def plain(value: Any) -> Any:
            return tuple(map(plain, value)) if isinstance(value, tuple) else value

        return marshal.dumps(plain(self)).hex()

    @classmethod
    def load(cls, line: str) -> FragmentHookSettings | None:
        """The settings dumped in ``line``, or None when it does not hold them."""
        import marshal

        try:
            root, fragments, *rest = marshal.loads(bytes.fromhex(line))
            directory, filename, types, *more = fragments
            config = FragmentsConfig(directory, filename, tuple(FragmentType(*t) for t in types), *more)
            return cls(root, config, *rest)
        except (ValueError, EOFError, TypeError):
            return None


def settings(start: str) -> FragmentHookSettings:
    """The check's settings: from the record while pyproject.toml is unchanged, else parsed (and recorded)."""
    from releasekit import __version__

    root = locate.find_root(start) if hookcache.enabled() else None
    if root is not None:
        line = hookcache.lookup(_RECORD, root, __version__)
        found = FragmentHookSettings.load(line) if line is not None else None
        if found is not None:
            return found
    from releasekit import config

    cfg = config.load(start)
    result = FragmentHookSettings(
        os.fspath(cfg.root), cfg.fragments, cfg.remote, cfg.release_branch, cfg.source_paths, cfg.project_name
    )
    if root is not None and cfg.fragments.configured:
        from releasekit import gitfiles

        # The settings also come from towncrier.toml and, for the remote and the release branch,
        # from the repository's config and the remote's HEAD.
        inputs = [os.fspath(cfg.pyproject), os.fspath(cfg.root / "towncrier.toml")]
        inputs += gitfiles.default_branch_inputs(cfg.root, cfg.remote)
        hookcache.store(_RECORD, root, __version__, inputs, result.dump())
    return result
