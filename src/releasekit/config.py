"""Configuration, parsed once into immutable typed records.

releasekit reads the facts other tools already keep from their own sections
(``[tool.bumpversion]``, ``[tool.towncrier]``, ``[tool.coverage.report]``) and only
what is new from ``[tool.releasekit]``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from releasekit.errors import ReleasekitError
from releasekit.fragments import FragmentsConfig, FragmentType
from releasekit.gates import PHASES, GatesConfig, coverage_threshold, parse_gates
from releasekit.record import Record

TYPE_CHECKING = False  # typing costs the version-sync hook more than its own work
if TYPE_CHECKING:
    from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_TEST_INDEX = ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/")
DEFAULT_INDEX = ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/")

# The keys [tool.releasekit] accepts: a type, or a nested table of keys.
SCHEMA: dict[str, Any] = {
    "release_branch": str,
    "remote": str,
    "sign_tags": bool,
    "source_paths": list,
    "coverage_fail_under": float,
    # Each test phase: "nox:SESSION", "tox:ENV", "pytest", a command (array) or false; checked in gates.
    "gates": {**{phase: object for phase in PHASES}, "timeout": float},
    "test_index": {"upload_url": str, "simple_url": str},
    "index": {"upload_url": str, "simple_url": str},
    "github": {
        "api_url": str,
        "repository": str,
        "critical_labels": list,
        "discussion_category": str,
        "publish_advisory": bool,
    },
    "links": {
        "exclude": list,
        "slug": str,
        "docs_root": str,
        "accept_status": list,
        "cache_ttl": int,
        "private_addresses": bool,
        "timeout": float,
        "exclude_urls": list,
        "report_redirects": bool,
        "concurrency": int,
        "per_host": int,
        "jobs": int,
    },
}


class VersionFile(Record):
    """One file bump-my-version keeps: a filename or a glob, and what to search for."""

    path: str
    search: str | None = None
    is_glob: bool = False
    ignore_missing_version: bool = False
    ignore_missing_file: bool = False


class VersionConfig(Record):
    """The current version and its files, from ``[tool.bumpversion]``."""

    current: str
    files: tuple[VersionFile, ...]
    source: Path  # the file the bump-my-version configuration came from


class Index(Record):
    """A package index: where to upload and where to read the simple API."""

    name: str
    upload_url: str
    simple_url: str


class LinksConfig(Record):
    """``[tool.releasekit.links]``."""

    exclude: tuple[str, ...] = ()
    slug: str | None = None
    docs_root: str | None = None
    accept_status: tuple[int, ...] = ()
    cache_ttl: int = 86400
    private_addresses: bool = True
    timeout: float = 10.0
    exclude_urls: tuple[str, ...] = ()
    report_redirects: bool = False
    concurrency: int = 128
    per_host: int = 10
    jobs: int = 0  # worker processes for large trees; 0: one per idle core


class Config(Record):
    """Everything releasekit needs to know about a project."""

    root: Path
    pyproject: Path
    project_name: str | None
    version: VersionConfig | None
    fragments: FragmentsConfig
    coverage_fail_under: float | None  # None: the coverage gate reports the figure and does not fail
    release_branch: str = "main"
    remote: str = "origin"
    sign_tags: bool = False
    source_paths: tuple[str, ...] | None = None
    test_index: Index = Index("TestPyPI", *DEFAULT_TEST_INDEX)
    index: Index = Index("PyPI", *DEFAULT_INDEX)  # type: ignore[assignment]  # shadows tuple.index, on purpose
    github_api_url: str = "https://api.github.com"
    github_repository: str | None = None
    github_critical_labels: tuple[str, ...] = ("critical",)
    github_discussion_category: str | None = None
    github_publish_advisory: bool = False  # publish an emergency release's advisory, not leave it a draft
    links: LinksConfig = LinksConfig()
    gates: GatesConfig = GatesConfig()

    def require_version(self) -> VersionConfig:
        """The version configuration, or a clear error when there is none."""
        if self.version is None:
            raise ReleasekitError(
                f"{self.pyproject.name}: no [tool.bumpversion] section (nor .bumpversion.toml); "
                "add one with current_version and [[tool.bumpversion.files]]"
            )
        return self.version


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into one clear line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReleasekitError(f"{path}: file not found") from None
    except OSError as exc:
        raise ReleasekitError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReleasekitError(f"{path}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReleasekitError(f"{path}: invalid TOML: {exc}") from None


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding a pyproject.toml."""
    from releasekit.hookcache import find_root as find_root_dir  # one lookup, shared with the hooks' fast path

    found = find_root_dir(os.fspath(start))
    if found is not None:
        return Path(found)
    raise ReleasekitError(f"{start}: no pyproject.toml here or in any parent directory")


def _table(data: Mapping[str, Any], dotted: str) -> dict[str, Any] | None:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return dict(node) if isinstance(node, Mapping) else None


def _check_keys(table: Mapping[str, Any], schema: Mapping[str, Any], where: str, path: Path) -> None:
    for key, value in table.items():
        if key not in schema:
            import difflib  # only on the error path

            hint = difflib.get_close_matches(key, list(schema), n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; valid keys: {', '.join(sorted(schema))}"
            raise ReleasekitError(f"{path.name}: [{where}] unknown key {key!r}{suggestion}")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, Mapping):
                raise ReleasekitError(f"{path.name}: [{where}] {key} must be a table")
            _check_keys(value, expected, f"{where}.{key}", path)
        elif expected is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ReleasekitError(f"{path.name}: [{where}] {key} must be a number, not {value!r}")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ReleasekitError(f"{path.name}: [{where}] {key} must be {_type_name(expected)}, not {value!r}")


def _type_name(kind: type) -> str:
    return {str: "a string", bool: "true or false", list: "an array", int: "an integer"}.get(kind, kind.__name__)


def _version_config(root: Path, pyproject: Path, data: Mapping[str, Any]) -> VersionConfig | None:
    source = pyproject
    table = _table(data, "tool.bumpversion")
    if table is None:
        alt = root / ".bumpversion.toml"
        if alt.is_file():
            source = alt
            table = _table(read_toml(alt), "tool.bumpversion")
    if table is None:
        return None
    current = table.get("current_version")
    if not isinstance(current, str):
        raise ReleasekitError(f"{source.name}: [tool.bumpversion] current_version is missing or not a string")
    from releasekit.semver import check_release_version

    check_release_version(current, where=f"{source.name}: [tool.bumpversion] current_version")
    files: list[VersionFile] = []
    default_search = table.get("search")
    for n, entry in enumerate(table.get("files", []), 1):
        if not isinstance(entry, Mapping):
            raise ReleasekitError(f"{source.name}: [[tool.bumpversion.files]] entry {n} must be a table")
        name = entry.get("filename", entry.get("glob"))
        if not isinstance(name, str) or not name:
            raise ReleasekitError(f"{source.name}: [[tool.bumpversion.files]] entry {n} needs a filename or glob")
        search = entry.get("search", default_search)
        files.append(
            VersionFile(
                path=name,
                search=search if isinstance(search, str) else None,
                is_glob="filename" not in entry,
                ignore_missing_version=bool(entry.get("ignore_missing_version", False)),
                ignore_missing_file=bool(entry.get("ignore_missing_file", False)),
            )
        )
    return VersionConfig(current=current, files=tuple(files), source=source)


DEFAULT_FRAGMENT_TYPES = (
    FragmentType("feature", "Features"),
    FragmentType("bugfix", "Bugfixes"),
    FragmentType("doc", "Improved Documentation"),
    FragmentType("removal", "Deprecations and Removals"),
    FragmentType("misc", "Misc", showcontent=False),
)


def _fragments_config(data: Mapping[str, Any], path: Path) -> FragmentsConfig:
    table = _table(data, "tool.towncrier")
    if table is None:
        return FragmentsConfig("changelog.d", "CHANGELOG.md", DEFAULT_FRAGMENT_TYPES, configured=False)
    types: list[FragmentType] = []
    raw_types = table.get("type", [])
    if isinstance(raw_types, list):
        for entry in raw_types:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("directory"), str):
                raise ReleasekitError(f"{path.name}: [[tool.towncrier.type]] entries need a 'directory' string")
            types.append(
                FragmentType(
                    entry["directory"],
                    str(entry.get("name", entry["directory"])),
                    bool(entry.get("showcontent", True)),
                    bool(entry.get("check", True)),
                )
            )
    fragment_table = table.get("fragment")
    if isinstance(fragment_table, Mapping):
        for key, entry in fragment_table.items():
            entry = entry if isinstance(entry, Mapping) else {}
            types.append(
                FragmentType(
                    key,
                    str(entry.get("name", key.capitalize())),
                    bool(entry.get("showcontent", True)),
                    bool(entry.get("check", True)),
                )
            )
    directory = table.get("directory", "changelog.d")
    filename = table.get("filename", "NEWS.rst")
    if not isinstance(directory, str) or not isinstance(filename, str):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] directory and filename must be strings")
    orphan_prefix = table.get("orphan_prefix", "+")
    ignore = table.get("ignore", [])
    if not isinstance(orphan_prefix, str):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] orphan_prefix must be a string")
    if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
        raise ReleasekitError(f"{path.name}: [tool.towncrier] ignore must be an array of strings")
    return FragmentsConfig(
        directory,
        filename,
        tuple(types) or DEFAULT_FRAGMENT_TYPES,
        configured=True,
        orphan_prefix=orphan_prefix,
        ignore=tuple(ignore),
    )


def _index(name: str, table: Mapping[str, Any], defaults: tuple[str, str], env_prefix: str) -> Index:
    upload = os.environ.get(f"{env_prefix}UPLOAD_URL") or table.get("upload_url") or defaults[0]
    simple = os.environ.get(f"{env_prefix}SIMPLE_URL") or table.get("simple_url") or defaults[1]
    return Index(name, upload, simple)


def load(start: Path | str | None = None) -> Config:
    """Find pyproject.toml at or above ``start`` and parse the whole configuration."""
    root = find_root(Path(start or os.getcwd()).resolve())
    pyproject = root / "pyproject.toml"
    data = read_toml(pyproject)
    own = _table(data, "tool.releasekit") or {}
    _check_keys(own, SCHEMA, "tool.releasekit", pyproject)
    project = _table(data, "project") or {}
    links = own.get("links", {})
    github = own.get("github", {})
    source_paths = own.get("source_paths")
    return Config(
        root=root,
        pyproject=pyproject,
        project_name=project.get("name") if isinstance(project.get("name"), str) else None,
        version=_version_config(root, pyproject, data),
        fragments=_fragments_config(data, pyproject),
        coverage_fail_under=coverage_threshold(root, data, own),
        release_branch=own.get("release_branch", "main"),
        remote=own.get("remote", "origin"),
        sign_tags=own.get("sign_tags", False),
        source_paths=tuple(str(p) for p in source_paths) if source_paths is not None else None,
        test_index=_index("TestPyPI", own.get("test_index", {}), DEFAULT_TEST_INDEX, "RELEASEKIT_TEST_"),
        index=_index("PyPI", own.get("index", {}), DEFAULT_INDEX, "RELEASEKIT_"),
        github_api_url=os.environ.get("RELEASEKIT_GITHUB_API_URL") or github.get("api_url", "https://api.github.com"),
        github_repository=github.get("repository"),
        github_critical_labels=tuple(str(label) for label in github.get("critical_labels", ("critical",))),
        github_discussion_category=github.get("discussion_category"),
        github_publish_advisory=github.get("publish_advisory", False),
        links=LinksConfig(
            exclude=tuple(str(p) for p in links.get("exclude", ())),
            slug=links.get("slug"),
            docs_root=links.get("docs_root"),
            accept_status=tuple(int(s) for s in links.get("accept_status", ())),
            cache_ttl=links.get("cache_ttl", 86400),
            private_addresses=links.get("private_addresses", True),
            timeout=float(links.get("timeout", 10.0)),
            exclude_urls=tuple(str(p) for p in links.get("exclude_urls", ())),
            report_redirects=links.get("report_redirects", False),
            concurrency=links.get("concurrency", 128),
            per_host=links.get("per_host", 10),
            jobs=links.get("jobs", 0),
        ),
        gates=parse_gates(own.get("gates", {}), pyproject.name),
    )
