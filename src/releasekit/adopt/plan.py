"""The adoption plan: every file ``releasekit init`` would create, change or remove, and why.

The plan is computed whole before anything is written, so a file init refuses to touch
stops it before any other file changed. TOML is edited with tomlkit and YAML by a
textual insertion (``releasekit.adopt.precommit``): what the project wrote stays as it
was, byte for byte, around the added lines.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from releasekit import __version__
from releasekit.adopt import bumpconfig, precommit
from releasekit.adopt.changelog import insert_marker, release_underlines
from releasekit.adopt.detect import Project, publishing_workflows, read_text
from releasekit.config import table
from releasekit.errors import ReleasekitError

HOOKS = ["version-sync", "changelog-fragment", "check-links"]
TOWNCRIER_DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")


class FileChange(NamedTuple):
    """One file of the plan: its text before (None: new) and after (None: removed), and why."""

    path: str
    old: str | None
    new: str | None
    why: tuple[str, ...]


class Plan(NamedTuple):
    """What ``releasekit init`` would do, and what it leaves to the maintainer."""

    changes: tuple[FileChange, ...]
    notes: tuple[str, ...]  # what init found and kept, or cannot do for the maintainer
    next_steps: tuple[str, ...]
    checks: tuple[str, ...] = ("versions", "fragments", "links")  # what to run once it is written


def type_roles(types: list[str]) -> dict[str, str]:
    """The project's towncrier types that play releasekit's roles under another name (``removal`` is breaking).

    The names are those ``releasekit.changelog.fragments`` recognises; init writes them down, so the
    project can see and change them in ``[tool.releasekit.fragment_roles]``.
    """
    from releasekit.changelog.fragments import detected_role

    return {kind: role for kind in types if (role := detected_role(kind)) not in (None, kind) and role not in types}


def _towncrier_types(config: dict[str, Any]) -> list[str]:
    kinds = [str(t["directory"]) for t in config.get("type", []) if isinstance(t, dict) and "directory" in t]
    fragment = config.get("fragment")
    if isinstance(fragment, dict):
        kinds += [str(key) for key in fragment]
    return kinds or list(TOWNCRIER_DEFAULT_TYPES)


class _Builder:
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
        self.new_tables: dict[str, Any] = {}
        self.changelog_file: str | None = None  # towncrier's news file, kept or new
        self.fragment_dir: str | None = None  # towncrier's fragment directory, kept or new

    def add_table(self, name: str, new: Any) -> None:
        """A new ``[tool.<name>]``: appended at the end of the file, below everything the project wrote."""
        self.new_tables[name] = new

    def existing(self, name: str) -> Any:
        tool = self.doc.get("tool")
        found = tool.get(name) if tool is not None and hasattr(tool, "get") else None
        if found is not None and not hasattr(found, "get"):
            raise ReleasekitError(f"pyproject.toml: [tool.{name}] is not a table; fix it, then run init again")
        return found

    # --- bump-my-version -------------------------------------------------------------

    def versions(self) -> None:
        project = self.project
        if project.tag_derived:
            self.notes.append(
                "versions come from git tags (the build backend derives them): no [tool.bumpversion], no version "
                "files, and no version-sync hook; the release's tag sets the version"
            )
            return
        setup_cfg = read_text(self.root, "setup.cfg") or ""
        if "[bumpversion]" in setup_cfg:
            self.notes.append("setup.cfg holds the bump-my-version configuration: kept as it is")
            return
        toml_file = read_text(self.root, ".bumpversion.toml", required=True)
        legacy = read_text(self.root, bumpconfig.LEGACY, required=True)
        if project.version is None:
            self.notes.append(
                "no version found ([project] version, setup.py, setup.cfg, __version__, or a release tag): "
                "add [tool.bumpversion] by hand once the project has one"
            )
            return
        self.sync_versions = True
        places = list(project.places)
        if toml_file is not None:
            self._edit_bumpversion_toml(toml_file, places)
            return
        current = self.existing("bumpversion")
        if current is not None:
            self._fix(current, places, self.why, "[tool.bumpversion]")
            return
        if legacy is not None:
            migrated = bumpconfig.convert_legacy(legacy)
            self._fix(migrated, places, self.why, bumpconfig.LEGACY)
            self.add_table("bumpversion", migrated)
            self.why.append(
                f"[tool.bumpversion] migrated from {bumpconfig.LEGACY}, key by key (bump-my-version reads "
                f"{bumpconfig.LEGACY} first, so it is removed: one configuration, not two that drift apart)"
            )
            self.changes.append(
                FileChange(bumpconfig.LEGACY, legacy, None, ("migrated to [tool.bumpversion] in pyproject.toml",))
            )
            return
        self.add_table("bumpversion", bumpconfig.new_table(project.version, places))
        where = ", ".join(f"{p.path} ({p.why})" for p in places) or "none found"
        self.why.append(
            f"[tool.bumpversion] added: current_version {project.version} (from {project.version_source}); "
            f"version files: {where}"
        )

    def _fix(self, current: Any, places: list[Any], why: list[str], where: str) -> None:
        version = self.project.version
        now = current.get("current_version")
        if not isinstance(now, str):
            raise ReleasekitError(f"{where}: current_version is missing or not a string; fix it, then run init again")
        if now != version:
            current["current_version"] = version
            why.append(
                f"{where} current_version {now} was stale: the project is at {version} "
                f"(from {self.project.version_source})"
            )
        added = bumpconfig.add_places(current, places)
        if added:
            why.append(f"{where}: version files added: " + ", ".join(f"{p.path} ({p.why})" for p in added))

    def _edit_bumpversion_toml(self, text: str, places: list[Any]) -> None:
        import tomlkit

        doc = tomlkit.parse(text)
        current = doc.get("tool", {}).get("bumpversion")
        if current is None:
            raise ReleasekitError(".bumpversion.toml: no [tool.bumpversion] table; fix it, then run init again")
        why: list[str] = []
        self._fix(current, places, why, ".bumpversion.toml")
        if why:
            self.changes.append(FileChange(".bumpversion.toml", text, tomlkit.dumps(doc), tuple(why)))

    # --- towncrier and the changelog ---------------------------------------------------

    def towncrier(self) -> None:
        from releasekit.changelog.towncrier_config import (
            changelog_format,
            changelog_header,
            repository_url,
            towncrier_toml,
        )

        project = self.project
        config = table(project.data, "tool.towncrier")
        if config is None and read_text(self.root, "towncrier.toml", required=True) is not None:
            from releasekit.config import read_toml

            config = table(read_toml(self.root / "towncrier.toml"), "tool.towncrier") or {}
            self.notes.append("towncrier.toml: the towncrier configuration is kept as it is")
        elif config is not None:
            self.notes.append("[tool.towncrier]: the towncrier configuration is kept as it is")
        if config is not None:
            self.roles = type_roles(_towncrier_types(config))
            self._title_style(config)
            filename, directory = config.get("filename", "NEWS.rst"), config.get("directory")
            self.changelog_file = filename if isinstance(filename, str) else None
            self.fragment_dir = directory if isinstance(directory, str) else None
            return
        import tomlkit

        filename = project.changelog or "CHANGELOG.md"
        self.changelog_file, self.fragment_dir = filename, "changelog.d"
        underlines = release_underlines(project.changelog_text or "")
        text = towncrier_toml(
            repository_url(self.root),
            filename=filename,
            underlines=underlines,
            tag_format=project.tag_prefix + "{version}",
        )
        self.add_table("towncrier", tomlkit.parse(text)["tool"]["towncrier"])
        kind = {"md": "Markdown", "rst": "reStructuredText", "txt": "plain text"}[changelog_format(filename)]
        self.why.append(
            f"[tool.towncrier] added: {filename} in {kind}, fragments in changelog.d/, releasekit's sections "
            "(What's New, Breaking Changes, Migration Guide, Bug Fixes, Security, Known Issues, Future Plans, ...)"
        )
        if project.changelog_text is None:
            body = changelog_header(project.name or self.root.name)
            if changelog_format(filename) != "md":  # pragma: no cover - a new changelog is always CHANGELOG.md
                raise AssertionError(filename)
            self.changes.append(FileChange(filename, None, body, ("a changelog for towncrier to write into",)))
        else:
            new = insert_marker(project.changelog_text, filename)
            if new != project.changelog_text:
                why = "towncrier's start marker, after the title and preamble, before the newest release"
                self.changes.append(FileChange(filename, project.changelog_text, new, (why,)))
        if not (self.root / "changelog.d").exists():
            self.changes.append(
                FileChange("changelog.d/.gitkeep", None, "", ("the fragment directory, kept in git while empty",))
            )

    def _title_style(self, config: dict[str, Any]) -> None:
        """Warn when towncrier's default title would put a project name before releases titled by version alone."""
        import re

        from releasekit.adopt.changelog import newest_release_title

        text, filename = self.project.changelog_text, config.get("filename", self.project.changelog)
        if "title_format" in config or not text or not isinstance(filename, str):
            return
        if not (config.get("name") or config.get("package")):
            return  # towncrier finds no name: its default title is the version and the date
        title = newest_release_title(text, filename)
        if title is not None and re.match(r"v?\d", title):
            self.notes.append(
                f"{filename}: its releases are titled by version ({title!r}) but towncrier's default title puts "
                'the project name first; to keep the style, set title_format = "{version} ({project_date})" '
                "in [tool.towncrier]"
            )

    # --- [tool.releasekit] -------------------------------------------------------------

    def releasekit(self) -> None:
        import tomlkit

        project = self.project
        own = self.existing("releasekit")
        added: list[str] = []
        values: dict[str, Any] = {}
        if project.branch == "master" and (own is None or "release_branch" not in own):
            values["release_branch"] = "master"
            added.append('release_branch = "master" (the repository has master, not main)')
        if project.tag_prefix == "" and (own is None or "tag_format" not in own):
            values["tag_format"] = "{version}"
            added.append('tag_format = "{version}" (the release tags have no v)')
        if self.ci and (own is None or own.get("publish") != "ci"):
            values["publish"] = "ci"
            added.append('publish = "ci" (the release stops after the push; the tag\'s workflow publishes)')
        known = own.get("fragment_roles", {}) if own is not None else {}
        roles = {kind: role for kind, role in self.roles.items() if kind not in known}
        if not values and not roles:
            return
        if own is None:
            own = tomlkit.table()
            self.add_table("releasekit", own)
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
        self.why.append("[tool.releasekit]: " + "; ".join(added))

    # --- pre-commit, nox, tox, workflows -----------------------------------------------

    def hooks(self) -> None:
        hooks = [h for h in HOOKS if h != "version-sync" or self.sync_versions]
        rev = f"v{__version__}"
        text = read_text(self.root, precommit.PATH, required=True)
        if text is None:
            new = precommit.new_config(rev, hooks)
            self.changes.append(FileChange(precommit.PATH, None, new, (f"releasekit's hooks ({', '.join(hooks)})",)))
            return
        missing = [h for h in hooks if h not in precommit.present_hooks(text)]
        if missing:
            new = precommit.add_hooks(text, rev, missing)
            self.changes.append(FileChange(precommit.PATH, text, new, (f"releasekit's hooks: {', '.join(missing)}",)))

    def manifest(self) -> None:
        """A setuptools sdist holds only what MANIFEST.in adds: list the files a release needs there.

        The release's check-manifest compares the sdist with the files in git; without
        these lines the first release after adoption would stop on the files init added.
        """
        if _backend(self.project) == "flit_core":
            self._flit_sdist()
        if not _setuptools_sdist(self.project):
            return
        old = read_text(self.root, "MANIFEST.in", required=True)
        wanted = [("include", precommit.PATH)]
        if self.changelog_file:
            wanted.append(("include", self.changelog_file))
        if self.fragment_dir:
            wanted.append(("graft", self.fragment_dir.strip("/")))
        rules = [line.split() for line in (old or "").splitlines()]
        missing = [f"{command} {path}" for command, path in wanted if not _manifest_covers(rules, command, path)]
        if not missing:
            return
        text = old or ""
        new = text + ("" if not text or text.endswith("\n") else "\n") + "".join(f"{line}\n" for line in missing)
        why = "what the sdist must hold for check-manifest to pass: " + ", ".join(missing)
        self.changes.append(FileChange("MANIFEST.in", old, new, (why,)))

    def _flit_sdist(self) -> None:
        """flit_core's sdist holds the module, pyproject.toml and the readme, plus ``[tool.flit.sdist] include``."""
        from fnmatch import fnmatchcase

        import tomlkit

        flit = self.existing("flit")
        sdist = flit.get("sdist") if flit is not None else None
        if sdist is not None and not hasattr(sdist, "get"):
            raise ReleasekitError("pyproject.toml: [tool.flit.sdist] is not a table; fix it, then run init again")
        include = sdist.get("include", []) if sdist is not None else []
        exclude = sdist.get("exclude", []) if sdist is not None else []
        if not isinstance(include, list) or not isinstance(exclude, list):
            raise ReleasekitError("pyproject.toml: [tool.flit.sdist] include and exclude must be lists of paths")
        patterns = [str(p).rstrip("/") for p in [*include, *exclude]]
        wanted = [precommit.PATH, *([self.changelog_file] if self.changelog_file else [])]
        wanted += [self.fragment_dir.strip("/") + "/"] if self.fragment_dir else []
        missing = [
            path
            for path in wanted
            if not any(fnmatchcase(path.rstrip("/"), p) or path.startswith(p + "/") for p in patterns)
        ]
        if not missing:
            return
        if sdist is None:
            sdist = tomlkit.table()
            sdist["include"] = tomlkit.array()
            if flit is None:
                flit = tomlkit.table(is_super_table=True)
                self.add_table("flit", flit)
            flit["sdist"] = sdist
        elif "include" not in sdist:
            sdist["include"] = tomlkit.array()
        for path in missing:
            sdist["include"].append(path)
        self.why.append(
            "[tool.flit.sdist] include: " + ", ".join(missing) + " (check-manifest needs them in the sdist)"
        )

    def others(self) -> None:
        noxfile = read_text(self.root, "noxfile.py")
        if noxfile is not None and "releasekit.nox" not in noxfile:
            self.steps.append(
                "noxfile.py: add these two lines to get the release sessions:\n"
                "    import releasekit.nox\n    releasekit.nox.register()"
            )
        if (self.root / "tox.ini").is_file() or table(self.project.data, "tool.tox") is not None:
            self.notes.append("tox: nothing to add; releasekit's tox plugin provides the release and hotfix envs")
        for workflow in publishing_workflows(self.root):
            self.notes.append(
                f"{workflow} already publishes to PyPI: keep one publisher (remove that job, or set "
                '[tool.releasekit] publish = "ci") so the project does not publish twice'
            )

    def workflow(self) -> None:
        """``--ci github``: the release workflow, added beside the project's own workflows."""
        from releasekit.ci.workflow import WORKFLOW_PATH, release_workflow
        from releasekit.config import load

        new = release_workflow(load(self.root))
        old = read_text(self.root, WORKFLOW_PATH, required=True)
        if old == new:
            return
        if old is not None:
            raise ReleasekitError(
                f"{WORKFLOW_PATH}: exists and is not the workflow releasekit writes; move it aside "
                "(or merge the two by hand), then run init again"
            )
        why = (
            "the release workflow: on a release tag, build once, publish to TestPyPI then PyPI with Trusted "
            "Publishing, then the GitHub release (see releasekit's docs/ci.rst for what to set up on PyPI and GitHub)"
        )
        self.changes.append(FileChange(WORKFLOW_PATH, None, new, (why,)))
        self.steps.append(
            "on PyPI and TestPyPI: add a trusted publisher for this repository, workflow release.yml, environments "
            "pypi and testpypi; on GitHub: create both environments, with required reviewers for pypi"
        )

    def pyproject_change(self) -> None:
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


def _backend(project: Project) -> str | None:
    """The build backend's top-level package (``setuptools``, ``flit_core``, ...), if one is named."""
    backend = (table(project.data, "build-system") or {}).get("build-backend")
    return backend.split(".", 1)[0] if isinstance(backend, str) else None


def _setuptools_sdist(project: Project) -> bool:
    """Whether setuptools builds the sdist (its file list is MANIFEST.in's, plus its defaults)."""
    backend = _backend(project)
    if backend is not None:
        return backend == "setuptools"
    return (project.root / "setup.py").is_file()  # no backend named: pip and build fall back to setuptools


def _manifest_covers(rules: list[list[str]], command: str, path: str) -> bool:
    """Whether MANIFEST.in already decides about ``path``: a line that adds it, or one that leaves it out.

    An ``exclude`` or ``prune`` the project wrote is its choice (check-manifest honours
    it too): init does not add the file back. For a directory (``command`` graft), only a
    ``graft`` or ``prune`` of it or of a parent decides.
    """
    from fnmatch import fnmatchcase

    if any(char.isspace() for char in path):
        return True  # MANIFEST.in splits on whitespace: such a path cannot be listed; leave it to the project
    base = path.rsplit("/", 1)[-1]

    def under(folder: str) -> bool:
        folder = folder.strip("/")
        return folder in (".", "") or path == folder or path.startswith(folder + "/")

    for rule in rules:
        if len(rule) < 2:
            continue
        verb, args = rule[0], rule[1:]
        if verb in ("graft", "prune"):
            matched = under(args[0])
        elif command != "include":
            continue
        elif verb in ("include", "exclude"):
            matched = any(fnmatchcase(path, p) for p in args)
        elif verb in ("global-include", "global-exclude"):
            matched = any(fnmatchcase(base, p) for p in args)
        elif verb in ("recursive-include", "recursive-exclude"):
            matched = len(args) > 1 and under(args[0]) and any(fnmatchcase(base, p) for p in args[1:])
        else:
            matched = False
        if matched:
            return True
    return False


def _inline_tool(doc: Any) -> bool:
    from tomlkit.container import OutOfOrderTableProxy
    from tomlkit.items import Table

    tool = doc.get("tool")
    return tool is not None and not isinstance(tool, Table | OutOfOrderTableProxy)


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
    builder = _Builder(project, ci)
    builder.versions()
    builder.towncrier()
    builder.releasekit()
    builder.hooks()
    builder.manifest()
    builder.others()
    if ci == "github":
        builder.workflow()
    builder.pyproject_change()
    changes = [_keep_line_endings(change) for change in builder.changes]
    steps = list(builder.steps)
    if builder.changes:
        steps.insert(0, "review the change, then commit it: git add -A && git commit -m 'Adopt releasekit'")
        steps.append("install the hooks: pre-commit install")
    checks = ("versions", "fragments", "links") if builder.sync_versions else ("fragments", "links")
    return Plan(tuple(changes), tuple(builder.notes), tuple(steps), checks)


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
