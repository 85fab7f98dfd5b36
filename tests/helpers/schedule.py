"""The order the test modules are handed to pytest-xdist's workers: the heaviest first.

``nox -s tests`` runs with ``--dist loadfile``: each module goes whole to one worker, so
a fixture a module shares (a project built once, then copied for each test) is built
once, and the workers take the next module from a queue. Handing out the longest modules
first keeps the last minutes of the run from waiting on one long module while the other
workers stand idle (the longest-first rule for scheduling jobs on a few machines).

The weights are what the modules took in ``nox -s tests`` here (``--durations=0``, summed
per module), heaviest first. A module not listed goes after these, in the usual order: a
stale list costs a little time, never a test.
"""

from __future__ import annotations

import pytest

HEAVIEST_FIRST = (
    "test_gates_release",
    "test_workflow_walk",
    "test_init",
    "test_adopt_release_shapes",
    "test_release_pipeline",
    "test_adopt_release",
    "test_ci_publish",
    "test_shapes_release",
    "test_init_ci",
    "test_crash_sigkill",
    "test_nox_sessions_run",
    "test_hostile_config",
    "test_hostile_git",
    "test_changelog_styles_release",
    "test_init_hooks",
    "test_fragments_hook",
    "test_example_sessions",
    "test_hostile_secrets",
    "test_live_checklist",
    "test_demo_release",
    "test_properties_parsers",
    "test_shapes",
    "test_fragments_check",
    "test_ci_identity",
    "test_properties",
    "test_bounded",
    "test_links_robust",
    "test_verify_dependencies",
    "test_release_emergency",
    "test_hostile_files",
)
_RANK = {name: rank for rank, name in enumerate(HEAVIEST_FIRST)}


def heaviest_first(items: list[pytest.Item]) -> None:
    """Reorder ``items`` in place: the listed modules first, in the list's order; each
    module's own tests keep their order, and so do the modules not listed."""
    items.sort(key=lambda item: _RANK.get(item.path.stem, len(_RANK)))
