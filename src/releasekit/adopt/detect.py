"""What ``releasekit init`` learns about a project before it plans anything.

Everything read here is contributor-written: only regular files inside the project are
read (through ``releasekit.safefiles``, within its limits), and a file that cannot be
understood is refused with one line naming it rather than guessed at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from releasekit import git, tags
from releasekit.backends import distribution_name
from releasekit.bounded import read_toml
from releasekit.ci.workflow import MARKER
from releasekit.config import read_pyproject, table
from releasekit.errors import ReleasekitError
from releasekit.safefiles import LIMITS, Refused, TooLarge, read_bytes, size_text

# Where the changelog is, in the order projects name it.
CHANGELOG_NAMES = (
    "CHANGELOG.md",
    "CHANGELOG.rst",
    "NEWS.rst",
    "CHANGES.rst",
    "HISTORY.rst",
    "NEWS.md",
    "CHANGES.md",
    "HISTORY.md",
    "CHANGELOG.txt",
    "CHANGES.txt",
    "NEWS.txt",
    "CHANGELOG",
    "CHANGES",
    "NEWS",
)
README_NAMES = ("README.md", "README.rst", "README.txt", "README")
CONF_PY = ("docs/conf.py", "doc/conf.py", "docs/source/conf.py", "doc/source/conf.py")

_QUOTED = r"""(?P<q>["'])(?P<v>[^"'\n]+)(?P=q)"""
_DUNDER = re.compile(rf"^(?P<lhs>__version__[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*){_QUOTED}", re.MULTILINE)
_SETUP_KEYWORD = re.compile(rf"(?P<lhs>\bversion[ \t]*=[ \t]*){_QUOTED}")
_CONF_ASSIGN = re.compile(rf"^(?P<lhs>(?P<name>release|version)[ \t]*=[ \t]*){_QUOTED}", re.MULTILINE)
_PROJECT_VERSION = re.compile(rf"^(?P<lhs>version[ \t]*=[ \t]*){_QUOTED}", re.MULTILINE)
_TABLE = re.compile(r"^[ \t]*\[(?P<name>[^\]\n]+)\][ \t]*(?:#.*)?$", re.MULTILINE)
_RELEASE = re.compile(r"^\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?$")
_PUBLISHERS = ("pypa/gh-action-pypi-publish", "twine upload")


class VersionPlace(NamedTuple):
    """A place in a file that holds the version, as a bump-my-version ``files`` entry."""

    path: str  # relative to the project root, forward slashes
    search: str  # e.g. 'version="{current_version}"'
    value: str  # the version written there now
    why: str  # what this place is, for the plan

    @property
    def replace(self) -> str:
        """The entry's ``replace``: its search with the new version's parts."""
        return self.search.replace("{current_", "{new_")


class Project(NamedTuple):
    """The facts ``releasekit init`` plans from."""

    root: Path
    pyproject: str  # pyproject.toml's text
    data: dict[str, Any]  # pyproject.toml, parsed
    name: str | None
    version: str | None  # the project's real version
    version_source: str  # where that version was read
    tag_derived: bool  # versions come from git tags (setuptools-scm, hatch-vcs, pdm scm)
    places: tuple[VersionPlace, ...]
    branch: str | None  # the release branch the repository has: main or master
    tag_prefix: str  # "v" or "" (the existing tags' style)
    changelog: str | None  # the news file's path
    changelog_text: str | None


def read_text(root: Path, rel: str, *, required: bool = False, kind: str = "config") -> str | None:
    """A regular file inside ``root`` as UTF-8 text, or None when there is none.

    The file is read through ``releasekit.safefiles`` (at most its limit for ``kind``).
    Symbolic links, directories, FIFOs, devices, paths outside ``root`` and files over
    the limit are refused (one line naming the file) when ``required``, else skipped.
    """
    try:
        data = read_bytes(root, rel, kind, symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except Refused as exc:
        if not required:
            return None
        if isinstance(exc, TooLarge):
            problem = f"larger than {size_text(LIMITS[kind])}"
        elif "outside" in exc.reason:  # ../, or a symbolic link in a parent directory
            problem = "outside the project"
        else:
            problem = "not a regular file"
        raise ReleasekitError(f"{rel}: {problem}; releasekit init reads only regular files in the project") from None
    except OSError as exc:
        raise ReleasekitError(f"{rel}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if required:
            raise ReleasekitError(f"{rel}: not valid UTF-8; releasekit init edits only UTF-8 text") from None
        return None


def is_tag_derived(data: dict[str, Any]) -> bool:
    """True when the build backend takes the version from git tags."""
    project = table(data, "project") or {}
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list) or "version" not in dynamic:
        return False
    if table(data, "tool.setuptools_scm") is not None:
        return True
    hatch = table(data, "tool.hatch.version") or {}
    pdm = table(data, "tool.pdm.version") or {}
    if hatch.get("source") == "vcs" or pdm.get("source") == "scm":
        return True
    requires = (table(data, "build-system") or {}).get("requires", [])
    words = " ".join(str(r) for r in requires) if isinstance(requires, list) else ""
    return any(name in words for name in ("setuptools_scm", "setuptools-scm", "hatch-vcs", "versioningit"))


def _module_name(name: str | None) -> str | None:
    if not name:
        return None
    return "_".join(w for w in re.split(r"[-_.]+", name.lower()) if w) or None


def _version_modules(root: Path, data: dict[str, Any], name: str | None) -> list[str]:
    """Files that may hold ``__version__``, the ones the build configuration names first."""
    found: list[str] = []
    hatch_path = (table(data, "tool.hatch.version") or {}).get("path")
    if isinstance(hatch_path, str):
        found.append(hatch_path)
    attr = ((table(data, "tool.setuptools.dynamic") or {}).get("version") or {}).get("attr")
    modules = [attr.rsplit(".", 1)[0]] if isinstance(attr, str) and "." in attr else []
    flit = (table(data, "tool.flit.module") or {}).get("name")
    modules += [m for m in (flit, _module_name(name)) if isinstance(m, str)]
    for module in modules:
        base = module.replace(".", "/")
        found += [f"src/{base}/__init__.py", f"{base}/__init__.py", f"src/{base}.py", f"{base}.py"]
        found += [f"src/{base}/_version.py", f"{base}/_version.py", f"src/{base}/__about__.py", f"{base}/__about__.py"]
    seen: list[str] = []
    for rel in found:
        rel = rel.removeprefix("./")
        if rel not in seen and (root / rel).is_file():
            seen.append(rel)
    return seen


def _template(text: str, match: re.Match[str], value: str) -> str:
    """The matched text with its version replaced by ``{current_version}``-style fields."""
    whole = match.group(0)
    start = match.start("v") - match.start(0)
    return whole[:start] + value + whole[start + len(match.group("v")) :]


def _section(text: str, offset: int) -> str:
    tables = [(m.start(), m.group("name").strip()) for m in _TABLE.finditer(text)]
    return next((name for start, name in reversed(tables) if start < offset), "")


def version_places(root: Path, pyproject: str, data: dict[str, Any], name: str | None) -> list[VersionPlace]:
    """Every place that holds the project's version as a literal, in the order they count."""
    places: list[VersionPlace] = []
    for section in ("project", "tool.poetry"):
        if not isinstance((table(data, section) or {}).get("version"), str):
            continue
        for line in _PROJECT_VERSION.finditer(pyproject):
            if _section(pyproject, line.start()) == section:
                search = _template(pyproject, line, "{current_version}")
                places.append(VersionPlace("pyproject.toml", search, line.group("v"), f"[{section}] version"))
                break
    setup_py = read_text(root, "setup.py")
    if setup_py and (match := _SETUP_KEYWORD.search(setup_py)):
        search = _template(setup_py, match, "{current_version}")
        places.append(VersionPlace("setup.py", search, match.group("v"), "setup.py's setup(version=...)"))
    setup_cfg = read_text(root, "setup.cfg")
    if setup_cfg:
        for found in re.finditer(r"^(?P<lhs>version[ \t]*=[ \t]*)(?P<v>[^\s#;]+)[ \t]*$", setup_cfg, re.MULTILINE):
            if _section(setup_cfg, found.start()) == "metadata" and not found.group("v").startswith(("attr:", "file:")):
                search = _template(setup_cfg, found, "{current_version}")
                places.append(VersionPlace("setup.cfg", search, found.group("v"), "setup.cfg's [metadata] version"))
                break
    for rel in _version_modules(root, data, name):
        text = read_text(root, rel)
        if text and (dunder := _DUNDER.search(text)):
            search = _template(text, dunder, "{current_version}")
            places.append(VersionPlace(rel, search, dunder.group("v"), f"{rel}'s __version__"))
            break
    for rel in CONF_PY:
        text = read_text(root, rel)
        if not text:
            continue
        for assign in _CONF_ASSIGN.finditer(text):
            value = assign.group("v")
            if assign.group("name") == "release":
                places.append(VersionPlace(rel, _template(text, assign, "{current_version}"), value, "Sphinx release"))
            elif value.count(".") == 1:
                search = _template(text, assign, "{current_major}.{current_minor}")
                places.append(VersionPlace(rel, search, value, "Sphinx version (X.Y)"))
            else:
                places.append(VersionPlace(rel, _template(text, assign, "{current_version}"), value, "Sphinx version"))
        break
    return places


def lock_places(root: Path, name: str | None, version: str) -> list[VersionPlace]:
    """Lock files that record the project's own version: uv.lock's entry for the project itself.

    uv writes the project as a ``[[package]]`` whose source is the project directory; a
    release commit that leaves it behind fails ``uv lock --check`` (and ``uv run --locked``).
    """
    text = read_text(root, "uv.lock", kind="version file") if name else None
    if not text or name is None:
        return []
    normalized = re.sub(r"[-_.]+", "-", name).lower()
    block = re.search(
        rf'^\[\[package\]\]\nname = "{re.escape(normalized)}"\nversion = "{re.escape(version)}"\n'
        r'source = \{ (?:editable|virtual) = "\." \}',
        text,
        re.MULTILINE,
    )
    if block is None:
        return []
    search = f'name = "{normalized}"\nversion = "{{current_version}}"'
    return [VersionPlace("uv.lock", search, version, "uv.lock's entry for the project itself")]


def badge_places(root: Path, version: str) -> list[VersionPlace]:
    """README badges that show ``version`` (shields.io and the like)."""
    places: list[VersionPlace] = []
    for rel in README_NAMES:
        text = read_text(root, rel)
        if not text:
            continue
        for line in text.splitlines():
            if version not in line or not ("badge" in line.lower() or "shields.io" in line):
                continue
            for token in re.split(r"[\s()<>\[\]]+", line):
                if version in token and "{" not in token and "}" not in token:
                    search = token.replace(version, "{current_version}")
                    if all(p.search != search or p.path != rel for p in places):
                        places.append(VersionPlace(rel, search, version, f"the version badge in {rel}"))
        break
    return places


def _latest_tag(root: Path) -> tuple[str, str] | None:
    """``("v", "1.2.3")``: the prefix and version of the highest release tag, in the format
    ``releasekit.tags`` detects (the one the release will use), or None without one."""
    names = git.tags(root, "*")
    fmt = tags.detect(names)
    if fmt is None:
        return None
    newest = max((v, n) for n in names if (v := fmt.version(n)) is not None)[1]
    return fmt.template.partition(tags.FIELD)[0], str(fmt.version_text(newest))


def release_branch(root: Path) -> str | None:
    """``main`` or ``master``: the one the repository has (the checked-out one first)."""
    current = git.current_branch(root)
    if current in ("main", "master"):
        return current
    for name in ("main", "master"):
        if git.branch_exists(name, root):
            return name
    return None


def find_changelog(root: Path, data: dict[str, Any]) -> str | None:
    """The news file: towncrier's ``filename`` when configured, else the first usual name present."""
    towncrier = table(data, "tool.towncrier")
    if towncrier is None and read_text(root, "towncrier.toml", required=True) is not None:
        towncrier = table(read_toml(root / "towncrier.toml"), "tool.towncrier")
    if towncrier is not None:
        name = towncrier.get("filename", "NEWS.rst")
        return name if isinstance(name, str) else None
    for name in CHANGELOG_NAMES:
        if (root / name).is_file():
            return name
    return None


def detect(root: Path) -> Project:
    """Read the project at ``root`` (the directory holding pyproject.toml)."""
    pyproject = read_text(root, "pyproject.toml", required=True)
    if pyproject is None:
        raise ReleasekitError(f"{root}: no pyproject.toml; releasekit init adopts a project that has one")
    data = read_pyproject(root)
    git.toplevel(root)  # one clear line outside a git repository, before any other git call
    name = distribution_name(root, data)
    latest = _latest_tag(root)
    tag_prefix = latest[0] if latest else "v"
    tag_derived = is_tag_derived(data)
    places = [] if tag_derived else version_places(root, pyproject, data, name)
    if places:
        version, source = places[0].value, places[0].why
    elif latest:
        version, source = latest[1], f"the latest tag, {latest[0]}{latest[1]}"
    else:
        version, source = None, "nowhere"
    if version and not tag_derived:
        places += badge_places(root, version) + lock_places(root, name, version)
    changelog = find_changelog(root, data)
    text = read_text(root, changelog, required=True, kind="changelog") if changelog else None
    branch = release_branch(root)
    # The fields in their order, each variable named as its field (version_source: source).
    return Project(
        root, pyproject, data, name, version, source, tag_derived, tuple(places), branch, tag_prefix, changelog, text
    )


def publishing_workflows(root: Path) -> list[str]:
    """Workflows in ``.github/workflows`` that already upload to PyPI."""
    found: list[str] = []
    folder = root / ".github" / "workflows"
    if not folder.is_dir():
        return found
    for entry in sorted(folder.iterdir()):
        if entry.suffix not in (".yml", ".yaml"):
            continue
        rel = entry.relative_to(root).as_posix()
        text = read_text(root, rel) or ""
        if MARKER in text:
            continue  # releasekit's own release workflow
        if any(marker in text for marker in _PUBLISHERS):
            found.append(rel)
    return found
