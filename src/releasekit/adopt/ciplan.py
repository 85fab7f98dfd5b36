"""``init --ci github``: the release workflow, its hash-locked requirements, Dependabot, one publisher.

The workflow goes to ``.github/workflows/release.yml``, or, where the project has a
``release.yml`` of its own, to ``releasekit-release.yml``. A workflow releasekit wrote
before (its header says so) is replaced. Another workflow that already publishes to
PyPI is planned for removal, shown in the plan and asked about like every change, so
the project never ends with two publishers; ``init --yes`` does not remove a workflow
it was not shown to anyone: it refuses, saying how to proceed. Dependabot's
``github-actions`` entry keeps the pinned actions current.
"""

from __future__ import annotations

from typing import Any

from releasekit.adopt.detect import publishing_workflows, read_text
from releasekit.adopt.draft import Draft, FileChange
from releasekit.adopt.precommit import load_yaml
from releasekit.ci.lock import REQUIREMENTS_PATH, requirements
from releasekit.ci.wheelset import has_extensions
from releasekit.ci.workflow import ALTERNATE_PATH as ALTERNATE
from releasekit.ci.workflow import MARKER, WORKFLOW_PATH, release_workflow
from releasekit.config import load
from releasekit.errors import ReleasekitError

DEPENDABOT = ".github/dependabot.yml"
DEPENDABOT_ENTRY = {
    "package-ecosystem": "github-actions",
    "directory": "/",
    "schedule": {"interval": "weekly"},
    "cooldown": {"default-days": 7},  # a new release waits a week: time for a compromised one to be found
}


def workflow_path(draft: Draft) -> tuple[str, str | None]:
    """Where the release workflow goes, and what is there now."""
    for path in (WORKFLOW_PATH, ALTERNATE):
        old = read_text(draft.root, path, required=True)
        if old is None or MARKER in old:
            return path, old
    raise ReleasekitError(
        f"{WORKFLOW_PATH} and {ALTERNATE}: both are the project's own workflows; rename one, then run init again"
    )


def _dependabot(draft: Draft) -> None:
    """Create ``.github/dependabot.yml``, or add a ``github-actions`` entry to it."""
    import io

    from ruamel.yaml import YAML

    old = read_text(draft.root, DEPENDABOT, required=True)
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    if old is None:
        data: Any = {"version": 2, "updates": [DEPENDABOT_ENTRY]}
    else:
        data = load_yaml(old, DEPENDABOT)  # within the limits, one line when it cannot be read
        updates = data.get("updates") if isinstance(data, dict) else None
        if not isinstance(updates, list):
            raise ReleasekitError(f"{DEPENDABOT}: has no 'updates' list; add one, then run init again")
        if any(isinstance(u, dict) and u.get("package-ecosystem") == "github-actions" for u in updates):
            return
        updates.append(DEPENDABOT_ENTRY)
    out = io.StringIO()
    yaml.dump(data, out)
    why = "Dependabot keeps the release workflow's pinned actions current (github-actions, weekly, a week's cooldown)"
    draft.changes.append(FileChange(DEPENDABOT, old, out.getvalue(), (why,)))


def plan_ci(draft: Draft) -> None:
    """The release workflow, its requirements file, Dependabot, and the removal of another publisher."""
    import posixpath

    path, old = workflow_path(draft)
    new = release_workflow(load(draft.root))
    if old != new:
        why = (
            "the release workflow: on a release tag, build once, check the set, publish it to TestPyPI then PyPI "
            "with pypa/gh-action-pypi-publish (Trusted Publishing, attestations), verify each index, then the GitHub "
            "release (see releasekit's docs/ci.rst for what to set up on PyPI and GitHub)"
        )
        draft.changes.append(FileChange(path, old, new, (why,)))
    lock_old = read_text(draft.root, REQUIREMENTS_PATH, required=True)
    lock_new = requirements(compiled=has_extensions(draft.root))
    if lock_old != lock_new:
        why = "releasekit and what it needs, pinned by hash: the workflow installs them with --require-hashes"
        draft.changes.append(FileChange(REQUIREMENTS_PATH, lock_old, lock_new, (why,)))
    _dependabot(draft)
    for other in publishing_workflows(draft.root):
        if other == path:
            continue
        text = read_text(draft.root, other, required=True)
        why = f"publishes to PyPI too: {path} replaces it, so the project has one publisher"
        draft.changes.append(FileChange(other, text, None, (why,)))
    name = posixpath.basename(path)
    draft.steps.append(
        f"on PyPI and TestPyPI: add a trusted publisher for this repository, workflow {name}, environments "
        "pypi and testpypi; on GitHub: create both environments, with required reviewers for pypi"
    )


def removed_publishers(changes: list[FileChange] | tuple[FileChange, ...]) -> list[str]:
    """The workflows a plan removes."""
    return [c.path for c in changes if c.new is None and c.path.startswith(".github/workflows/")]
