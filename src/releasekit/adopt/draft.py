"""The plan while init draws it up: pyproject.toml under edit, and the other files' changes so far.

Each part of the plan (``bumpconfig``, ``changelog``, ``sdist``, ``plan``) looks at the
project and adds to one ``Draft``; ``releasekit.adopt.plan`` turns the finished draft
into the ``Plan`` the user reviews.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from releasekit.adopt.detect import Project
from releasekit.errors import ReleasekitError


class FileChange(NamedTuple):
    """One file of the plan: its text before (None: new) and after (None: removed), and why."""

    path: str
    old: str | None
    new: str | None
    why: tuple[str, ...]


class Draft:
    """Collects the plan's changes, notes and reasons while the project is walked through."""

    def __init__(self, project: Project, ci: str | None = None) -> None:
        import tomlkit
        from tomlkit.exceptions import TOMLKitError

        self.project = project
        self.root = project.root
        self.ci = ci
        try:
            self.doc = tomlkit.parse(project.pyproject)
        except TOMLKitError as exc:
            raise ReleasekitError(f"pyproject.toml: cannot edit it: {exc}") from None
        except RecursionError:
            raise ReleasekitError("pyproject.toml: nested too deeply to edit; edit it by hand") from None
        self.why: list[str] = []  # pyproject.toml's reasons
        self.changes: list[FileChange] = []
        self.notes: list[str] = []
        self.steps: list[str] = []
        self.sync_versions = False
        self.roles: dict[str, str] = {}
        self.changelog_formats: dict[str, str] = {}  # [tool.releasekit.changelog], learned from the changelog
        self.new_tables: dict[str, Any] = {}
        self.changelog_file: str | None = None  # towncrier's news file, kept or new
        self.fragment_dir: str | None = None  # towncrier's fragment directory, kept or new

    def add_table(self, name: str, new: Any) -> None:
        """A new ``[tool.<name>]``: appended at the end of the file, below everything the project wrote."""
        self.new_tables[name] = new

    def existing(self, name: str) -> Any:
        """The project's own ``[tool.<name>]`` (None without one); refused when it is not a table."""
        tool = self.doc.get("tool")
        found = tool.get(name) if tool is not None and hasattr(tool, "get") else None
        if found is not None and not hasattr(found, "get"):
            raise ReleasekitError(f"pyproject.toml: [tool.{name}] is not a table; fix it, then run init again")
        return found

    def pyproject_change(self) -> None:
        """pyproject.toml's change, first in the plan: the edited tables, then the new ones at the end."""
        import tomlkit
        from tomlkit.exceptions import TOMLKitError

        new = tomlkit.dumps(self.doc)
        if self.new_tables and _inline_tool(self.doc):
            raise ReleasekitError(
                "pyproject.toml: tool is written inline (tool = {...}), so the [tool.*] tables releasekit needs "
                "cannot be added; add them by hand"
            )
        if self.new_tables:
            extra = tomlkit.document()
            tool = tomlkit.table(is_super_table=True)
            for name, value in self.new_tables.items():
                tool[name] = value
            extra["tool"] = tool
            new += ("" if not new or new.endswith("\n") else "\n") + ("\n" if new.strip() else "")
            new += tomlkit.dumps(extra).lstrip("\n")
        if new == self.project.pyproject:
            return
        try:
            tomlkit.parse(new)  # e.g. an inline `tool = {...}` cannot take more tables: refused, not written
        except TOMLKitError as exc:
            raise ReleasekitError(
                f"pyproject.toml: cannot add the [tool.*] tables releasekit needs ({exc}); add them by hand"
            ) from None
        self.changes.insert(0, FileChange("pyproject.toml", self.project.pyproject, new, tuple(self.why)))


def _inline_tool(doc: Any) -> bool:
    from tomlkit.container import OutOfOrderTableProxy
    from tomlkit.items import Table

    tool = doc.get("tool")
    return tool is not None and not isinstance(tool, Table | OutOfOrderTableProxy)
