"""The adoption plan: every file ``releasekit init`` would create, change or remove, and why.

The plan is computed whole before anything is written, so a file init refuses to touch
stops it before any other file changed. TOML is edited with tomlkit and YAML by a
textual insertion (``releasekit.adopt.precommit``): what the project wrote stays as it
was, byte for byte, around the added lines. Each part of the checklist adds to one
``Draft`` (``releasekit.adopt.draft``): bump-my-version (``bumpconfig``), towncrier and
the changelog (``changelog``), the sdist's file list (``sdist``), and here releasekit's
own table, the hooks, the release workflow and the notes on nox, tox and other publishers.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from releasekit import __version__
from releasekit.adopt import precommit
from releasekit.adopt.bumpconfig import edit_versions
from releasekit.adopt.changelog import edit_towncrier
from releasekit.adopt.ciplan import plan_ci
from releasekit.adopt.detect import Project, publishing_workflows, read_text
from releasekit.adopt.draft import Draft, FileChange
from releasekit.adopt.metadata import edit_metadata
from releasekit.adopt.sdist import edit_sdist
from releasekit.config import table

HOOKS = ["version-sync", "changelog-fragment", "check-links"]


class Plan(NamedTuple):
    """What ``releasekit init`` would do, and what it leaves to the maintainer."""

    changes: tuple[FileChange, ...]
    notes: tuple[str, ...]  # what init found and kept, or cannot do for the maintainer
    next_steps: tuple[str, ...]
    checks: tuple[str, ...] = ("versions", "fragments", "links")  # what to run once it is written


def _releasekit_table(draft: Draft) -> None:
    """``[tool.releasekit]``: only what differs from releasekit's defaults for this repository."""
    import tomlkit

    project = draft.project
    own = draft.existing("releasekit")
    added: list[str] = []
    values: dict[str, Any] = {}
    if project.branch == "master" and (own is None or "release_branch" not in own):
        values["release_branch"] = "master"
        added.append('release_branch = "master" (the repository has master, not main)')
    if project.tag_prefix == "" and (own is None or "tag_format" not in own):
        values["tag_format"] = "{version}"
        added.append('tag_format = "{version}" (the release tags have no v)')
    if draft.ci and (own is None or own.get("publish") != "ci"):
        values["publish"] = "ci"
        added.append('publish = "ci" (the release stops after the push; the tag\'s workflow publishes)')
    if draft.changelog_formats and (own is None or "changelog" not in own):
        values["changelog"] = dict(draft.changelog_formats)  # what towncrier is given: releasekit.changelog.formats
        added.append("changelog: " + ", ".join(f"{k} = {v!r}" for k, v in draft.changelog_formats.items()))
    known = own.get("fragment_roles", {}) if own is not None else {}
    roles = {kind: role for kind, role in draft.roles.items() if kind not in known}
    if not values and not roles:
        return
    if own is None:
        own = tomlkit.table()
        draft.add_table("releasekit", own)
    for key, value in values.items():
        own[key] = value
    if roles:
        if "fragment_roles" in own:
            for kind, role in roles.items():
                own["fragment_roles"][kind] = role
        else:
            mapping = tomlkit.table()
            for kind, role in roles.items():
                mapping[kind] = role
            own["fragment_roles"] = mapping
        added.append("fragment_roles: " + ", ".join(f"{k} is {r}" for k, r in roles.items()))
    draft.why.append("[tool.releasekit]: " + "; ".join(added))


def _hooks(draft: Draft) -> None:
    """releasekit's pre-commit hooks: a new .pre-commit-config.yaml, or the ones it lacks added."""
    hooks = [h for h in HOOKS if h != "version-sync" or draft.sync_versions]
    rev = f"v{__version__}"
    text = read_text(draft.root, precommit.PATH, required=True)
    if text is None:
        new = precommit.new_config(rev, hooks)
        draft.changes.append(FileChange(precommit.PATH, None, new, (f"releasekit's hooks ({', '.join(hooks)})",)))
        return
    missing = [h for h in hooks if h not in precommit.present_hooks(text)]
    if missing:
        new = precommit.add_hooks(text, rev, missing)
        draft.changes.append(FileChange(precommit.PATH, text, new, (f"releasekit's hooks: {', '.join(missing)}",)))


def _others(draft: Draft) -> None:
    """What init leaves to the maintainer: the noxfile's two lines, tox, and workflows that already publish."""
    noxfile = read_text(draft.root, "noxfile.py")
    if noxfile is not None and "releasekit.nox" not in noxfile:
        draft.steps.append(
            "noxfile.py: add these two lines to get the release sessions:\n"
            "    import releasekit.nox\n    releasekit.nox.register()"
        )
    _tox(draft)
    for workflow in [] if draft.ci == "github" else publishing_workflows(draft.root):  # --ci github replaces them
        draft.notes.append(
            f"{workflow} already publishes to PyPI: keep one publisher (remove that job, or set "
            '[tool.releasekit] publish = "ci") so the project does not publish twice'
        )


def _own_tox_envs(draft: Draft) -> list[str]:
    """The ``release`` and ``hotfix`` envs the project's tox configuration defines itself."""
    import re

    found: set[str] = set()
    for name in ("tox.ini", "setup.cfg"):
        text = read_text(draft.root, name) or ""
        for header in re.findall(r"^\[testenv:([^\]]+)\]", text, re.MULTILINE):
            found.update(env.strip() for env in header.split(","))
    tox_toml = read_text(draft.root, "tox.toml")
    if tox_toml is not None:
        found.update(re.findall(r"^\[env\.\"?([\w-]+)", tox_toml, re.MULTILINE))
    envs = table(draft.project.data, "tool.tox.env") or {}
    found.update(envs)
    return [env for env in ("release", "hotfix") if env in found]


def _tox(draft: Draft) -> None:
    """Which tox env to type: the plugin's, unless the project defines its own of that name."""
    uses_tox = any((draft.root / name).is_file() for name in ("tox.ini", "tox.toml"))
    if not uses_tox and table(draft.project.data, "tool.tox") is None:
        return
    own = _own_tox_envs(draft)
    if not own:
        draft.notes.append("tox: nothing to add; releasekit's tox plugin provides the release and hotfix envs")
        return
    for env in own:
        draft.notes.append(
            f"tox: the project defines its own {env!r} env, and `tox -e {env}` runs it, not releasekit; "
            f"type `tox -e releasekit-{env} -- ...` for releasekit's {env} (or rename or remove the project's env)"
        )


def _keep_line_endings(change: FileChange) -> FileChange:
    """A file written with CRLF line endings gets its added lines in CRLF too."""
    if change.old is None or change.new is None or "\r\n" not in change.old:
        return change
    import re

    if re.search(r"(?<!\r)\n", change.old):
        return change  # mixed endings: leave them as they are
    return change._replace(new=re.sub(r"(?<!\r)\n", "\r\n", change.new))


def make_plan(project: Project, ci: str | None = None) -> Plan:
    """Everything ``releasekit init`` would change in ``project``; raises when a file is not understood.

    ``ci="github"`` adds the release workflow (``releasekit.ci.workflow``) and ``publish = "ci"``.
    """
    draft = Draft(project, ci)
    edit_versions(draft)
    edit_towncrier(draft)  # before the table (its fragment roles) and the sdist (its files)
    _releasekit_table(draft)
    _hooks(draft)
    edit_sdist(draft)
    edit_metadata(draft)
    _others(draft)
    if ci == "github":
        plan_ci(draft)
    draft.pyproject_change()
    changes = [_keep_line_endings(change) for change in draft.changes]
    steps = list(draft.steps)
    if draft.changes:
        steps.insert(0, "review the change, then commit it: git add -A && git commit -m 'Adopt releasekit'")
        steps.append("install the hooks: pre-commit install")
    checks = ("versions", "fragments", "links") if draft.sync_versions else ("fragments", "links")
    return Plan(tuple(changes), tuple(draft.notes), tuple(steps), checks)


def unified_diff(change: FileChange) -> str:
    """The change as a unified diff (``/dev/null`` for a new or removed file)."""
    import difflib

    old = (change.old or "").splitlines(keepends=True)
    new = (change.new or "").splitlines(keepends=True)
    before = f"a/{change.path}" if change.old is not None else "/dev/null"
    after = f"b/{change.path}" if change.new is not None else "/dev/null"
    lines = []
    for line in difflib.unified_diff(old, new, before, after):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    if not lines and change.new == "" and change.old is None:
        lines = [f"--- /dev/null\n+++ b/{change.path}\n(empty file)\n"]
    return "".join(lines)
