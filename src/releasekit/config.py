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

from releasekit.bumpconfig import VersionConfig as VersionConfig
from releasekit.bumpconfig import VersionFile as VersionFile
from releasekit.errors import ReleasekitError
from releasekit.fragments import FragmentsConfig, FragmentType
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
    "fragment_roles": dict,  # fragment type -> role (breaking, migration, security, feature, or "none")
    "sign_tags": bool,
    "source_paths": list,
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
    coverage_fail_under: float
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

    def require_version(self) -> VersionConfig:
        """The version configuration, or a clear error when there is none."""
        if self.version is None:
            raise ReleasekitError(
                f"{self.pyproject.name}: no version found: no bump-my-version configuration (.bumpversion.cfg, "
                ".bumpversion.toml, setup.cfg or [tool.bumpversion]), no [project] version, and no dynamic "
                "version releasekit knows; add [tool.bumpversion] with current_version and [[tool.bumpversion.files]]"
            )
        return self.version.checked(self.root)


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


def _version_config(root: Path, data: Mapping[str, Any]) -> VersionConfig | None:
    from releasekit import bumpconfig

    return bumpconfig.find(root, data)


DEFAULT_FRAGMENT_TYPES = (
    FragmentType("feature", "Features"),
    FragmentType("bugfix", "Bugfixes"),
    FragmentType("doc", "Improved Documentation"),
    FragmentType("removal", "Deprecations and Removals"),
    FragmentType("misc", "Misc", showcontent=False),
)


def _fragment_roles(own: Mapping[str, Any], path: Path) -> tuple[tuple[str, str], ...]:
    from releasekit.fragments import ROLES

    table = own.get("fragment_roles", {})
    pairs = []
    for kind, role in table.items():
        if role not in (*ROLES, "none"):
            raise ReleasekitError(
                f"{path.name}: [tool.releasekit.fragment_roles] {kind} = {role!r}: expected one of "
                f"{', '.join(ROLES)} or none"
            )
        pairs.append((str(kind), str(role)))
    return tuple(pairs)


def _towncrier_source(root: Path, pyproject: Path, data: Mapping[str, Any]) -> tuple[Mapping[str, Any], Path]:
    """towncrier's configuration: towncrier.toml when there is one (towncrier reads it first), else pyproject's."""
    own = root / "towncrier.toml"
    if own.is_file():
        return read_toml(own), own
    return data, pyproject


def _fragments_config(data: Mapping[str, Any], path: Path, project_name: str | None = None) -> FragmentsConfig:
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
    # Without a directory, towncrier looks in the package: <package_dir>/<package>/newsfragments.
    package = table.get("package") or project_name or ""
    default_directory = "/".join(p for p in (str(table.get("package_dir", ".")).strip("./"), str(package)) if p)
    directory = table.get("directory", f"{default_directory}/newsfragments".lstrip("/"))
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
        add_extension=table.get("create_add_extension", True) is not False,
    )


def _coverage_threshold(data: Mapping[str, Any], path: Path) -> float:
    report = _table(data, "tool.coverage.report") or {}
    value = report.get("fail_under", 90)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReleasekitError(f"{path.name}: [tool.coverage.report] fail_under must be a number, not {value!r}")
    return float(value)


def _index(name: str, table: Mapping[str, Any], defaults: tuple[str, str], env_prefix: str) -> Index:
    upload = os.environ.get(f"{env_prefix}UPLOAD_URL") or table.get("upload_url") or defaults[0]
    simple = os.environ.get(f"{env_prefix}SIMPLE_URL") or table.get("simple_url") or defaults[1]
    return Index(name, upload, simple)


def _release_branch(root: Path, remote: str) -> str:
    """The repository's own release branch: the remote's HEAD, else main or master; main when unknown."""
    from releasekit import gitfiles

    return gitfiles.default_branch(root, remote) or "main"


def _remote(root: Path) -> str:
    """The repository's own remote: origin, else its only remote; origin when unknown."""
    from releasekit import gitfiles

    return gitfiles.default_remote(root) or "origin"


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
    name = project.get("name") if isinstance(project.get("name"), str) else None
    remote = own.get("remote") or _remote(root)
    return Config(
        root=root,
        pyproject=pyproject,
        project_name=name,
        version=_version_config(root, data),
        fragments=_fragments_config(*_towncrier_source(root, pyproject, data), project_name=name)._replace(
            roles=_fragment_roles(own, pyproject)
        ),
        coverage_fail_under=_coverage_threshold(data, pyproject),
        release_branch=own.get("release_branch") or _release_branch(root, remote),
        remote=remote,
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
    )
