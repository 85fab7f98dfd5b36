"""The plan's sdist part: what the sdist must hold for the release's check-manifest to pass.

A setuptools sdist holds only what MANIFEST.in adds, and flit_core's only the module,
pyproject.toml, the readme and ``[tool.flit.sdist] include``. The release compares the
sdist with the files in git; without these lines the first release after adoption would
stop on the files init added.
"""

from __future__ import annotations

from releasekit.adopt import precommit
from releasekit.adopt.detect import Project, read_text
from releasekit.adopt.draft import Draft, FileChange
from releasekit.backends import vcs_file_finder
from releasekit.config import table
from releasekit.errors import ReleasekitError


def edit_sdist(draft: Draft) -> None:
    """List the files a release needs in MANIFEST.in (setuptools) or ``[tool.flit.sdist]`` (flit_core)."""
    if _backend(draft.project) == "flit_core":
        _flit_sdist(draft)
    if not _setuptools_sdist(draft.project):
        return
    old = read_text(draft.root, "MANIFEST.in", required=True)
    wanted = [("include", precommit.PATH)]
    if draft.changelog_file:
        wanted.append(("include", draft.changelog_file))
    if draft.fragment_dir:
        wanted.append(("graft", draft.fragment_dir.strip("/")))
    rules = [line.split() for line in (old or "").splitlines()]
    missing = [f"{command} {path}" for command, path in wanted if not _manifest_covers(rules, command, path)]
    if not missing:
        return
    text = old or ""
    new = text + ("" if not text or text.endswith("\n") else "\n") + "".join(f"{line}\n" for line in missing)
    why = "what the sdist must hold for check-manifest to pass: " + ", ".join(missing)
    draft.changes.append(FileChange("MANIFEST.in", old, new, (why,)))


def _flit_sdist(draft: Draft) -> None:
    """flit_core's sdist holds the module, pyproject.toml and the readme, plus ``[tool.flit.sdist] include``."""
    from fnmatch import fnmatchcase

    import tomlkit

    flit = draft.existing("flit")
    sdist = flit.get("sdist") if flit is not None else None
    if sdist is not None and not hasattr(sdist, "get"):
        raise ReleasekitError("pyproject.toml: [tool.flit.sdist] is not a table; fix it, then run init again")
    include = sdist.get("include", []) if sdist is not None else []
    exclude = sdist.get("exclude", []) if sdist is not None else []
    if not isinstance(include, list) or not isinstance(exclude, list):
        raise ReleasekitError("pyproject.toml: [tool.flit.sdist] include and exclude must be lists of paths")
    patterns = [str(p).rstrip("/") for p in [*include, *exclude]]
    wanted = [precommit.PATH, *([draft.changelog_file] if draft.changelog_file else [])]
    wanted += [draft.fragment_dir.strip("/") + "/"] if draft.fragment_dir else []
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
            draft.add_table("flit", flit)
        flit["sdist"] = sdist
    elif "include" not in sdist:
        sdist["include"] = tomlkit.array()
    for path in missing:
        sdist["include"].append(path)
    draft.why.append("[tool.flit.sdist] include: " + ", ".join(missing) + " (check-manifest needs them in the sdist)")


def _backend(project: Project) -> str | None:
    """The build backend's top-level package (``setuptools``, ``flit_core``, ...), if one is named."""
    backend = (table(project.data, "build-system") or {}).get("build-backend")
    return backend.split(".", 1)[0] if isinstance(backend, str) else None


def _setuptools_sdist(project: Project) -> bool:
    """Whether setuptools builds the sdist from MANIFEST.in's list (plus its defaults), not git's."""
    if vcs_file_finder(project.data):
        return False  # setuptools-scm's file finder puts every tracked file in the sdist: no MANIFEST.in needed
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
