"""Configuration, parsed once into immutable typed records.

releasekit reads the facts other tools already keep from their own sections
(``[tool.bumpversion]``, ``[tool.towncrier]``, ``[tool.coverage.report]``) and only
what is new from ``[tool.releasekit]``. Every value is checked against a schema
(``releasekit.configschema``) once; bump-my-version's section is read by
``releasekit.bumpconfig``, towncrier's by ``releasekit.changelog.fragments_config``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from releasekit import bumpconfig, environment, gitfiles, refnames
from releasekit.backends import distribution_name
from releasekit.bounded import read_toml
from releasekit.bumpconfig import BUMPVERSION_SCHEMA, VersionConfig
from releasekit.changelog.formats import SCHEMA as CHANGELOG_SCHEMA
from releasekit.changelog.fragments import FragmentsConfig
from releasekit.changelog.fragments_config import TOWNCRIER_SCHEMA, fragment_roles, fragments_config
from releasekit.configschema import (
    ANY,
    BOOL,
    GLOB,
    NAME,
    SECONDS,
    STRING,
    URL,
    Loose,
    array,
    check_table,
    integer,
    number,
    one_of,
    table_of,
)
from releasekit.errors import ReleasekitError
from releasekit.gatesconfig import PHASES, GatesConfig, coverage_threshold, parse_gates
from releasekit.locate import find_root as find_root_dir
from releasekit.tags import check_template

if TYPE_CHECKING:
    from typing import Any

DEFAULT_TEST_INDEX = ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/")
DEFAULT_INDEX = ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/")


_INDEX_SCHEMA = {"upload_url": URL, "simple_url": URL}

# The keys [tool.releasekit] accepts: a Spec (or a plain type), or a nested table of keys.
SCHEMA: dict[str, Any] = {
    "release_branch": NAME,
    "remote": NAME,
    # fragment type -> role (breaking, migration, security, feature, or "none")
    "fragment_roles": table_of(NAME, "a table of fragment types and roles"),
    "changelog": CHANGELOG_SCHEMA,  # the version and date given to towncrier (releasekit.changelog.formats)
    "sign_tags": BOOL,
    "tag_format": STRING,  # checked as a tag format by releasekit.tags
    "minor_every_days": integer(1, 3660),
    "source_paths": array(GLOB, "globs (non-empty strings of at most 1024 characters)"),
    "publish": one_of("local", "ci"),
    "coverage_fail_under": number(0, 100),
    # Each test phase: "nox:SESSION", "tox:ENV", "pytest", a command (array) or false; checked in gates.
    "gates": {
        **dict.fromkeys(PHASES, ANY),
        "timeout": SECONDS,
        "jobs": integer(1, 256),  # phases side by side
        "alone": array(one_of(*PHASES), "test phase names"),  # phases run with nothing beside them
    },
    "test_index": _INDEX_SCHEMA,
    "index": _INDEX_SCHEMA,
    "github": {
        "api_url": URL,
        "repository": NAME,
        "critical_labels": array(NAME, "non-empty strings"),
        "discussion_category": NAME,
        "publish_advisory": BOOL,
    },
    "links": {
        "exclude": array(STRING, "strings"),
        "slug": STRING,
        "docs_root": STRING,
        "accept_status": array(integer(100, 599), "integers from 100 to 599"),
        "cache_ttl": integer(0, 366 * 86400),
        "private_addresses": BOOL,
        "timeout": number(0, 600, above=True),
        "deadline": number(0, 3600, above=True),
        "exclude_urls": array(STRING, "strings"),
        "report_redirects": BOOL,
        "concurrency": integer(1, 4096),
        "per_host": integer(1, 1024),
        "jobs": integer(0, 1024),
    },
}

# Everything releasekit reads from pyproject.toml.
PYPROJECT_SCHEMA = Loose(
    project=Loose(name=STRING),
    tool=Loose(
        releasekit=SCHEMA,
        bumpversion=BUMPVERSION_SCHEMA,
        towncrier=TOWNCRIER_SCHEMA,
        coverage=Loose(report=Loose(fail_under=number(0, 100))),
    ),
)


class Index(NamedTuple):
    """A package index: where to upload and where to read the simple API."""

    name: str
    upload_url: str
    simple_url: str


class LinksConfig(NamedTuple):
    """``[tool.releasekit.links]``."""

    exclude: tuple[str, ...] = ()
    slug: str | None = None
    docs_root: str | None = None
    accept_status: tuple[int, ...] = ()
    cache_ttl: int = 86400
    private_addresses: bool = True
    timeout: float = 10.0
    deadline: float = 30.0  # one external request in all, however slowly the server sends
    exclude_urls: tuple[str, ...] = ()
    report_redirects: bool = False
    concurrency: int = 128
    per_host: int = 10
    jobs: int = 0  # worker processes for large trees; 0: one per idle core


class Config(NamedTuple):
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
    tag_format: str | None = None  # None: the format of the existing tags (releasekit.tags)
    minor_every_days: int = 30  # the schedule's cadence of minor releases
    source_paths: tuple[str, ...] | None = None
    publish: str = "local"  # "ci": the release stops after the push; the tag's workflow publishes
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
                f"{self.pyproject.name}: no version found: no bump-my-version configuration (.bumpversion.cfg, "
                ".bumpversion.toml, setup.cfg or [tool.bumpversion]), no [project] version, and no dynamic "
                "version releasekit knows; add [tool.bumpversion] with current_version and [[tool.bumpversion.files]]"
            )
        return self.version.checked(self.root)


def read_pyproject(root: Path, *, required: bool = True) -> dict[str, Any]:
    """The project's pyproject.toml at ``root``, parsed, with the errors of :func:`read_toml`.

    Without ``required``, a project that has no pyproject.toml at all reads as empty;
    one that is there but a FIFO, a symlink out of the project or too large is still an error.
    """
    path = root / "pyproject.toml"
    if not required and not os.path.lexists(path):
        return {}
    return read_toml(path)


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding a pyproject.toml."""
    found = find_root_dir(os.fspath(start))
    if found is not None:
        return Path(found)
    raise ReleasekitError(f"{start}: no pyproject.toml here or in any parent directory")


def table(data: Mapping[str, Any], dotted: str) -> dict[str, Any] | None:
    """The table at ``dotted`` (``tool.pytest``) in parsed TOML, or None when a part is missing or no table."""
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return dict(node) if isinstance(node, Mapping) else None


def _check_git_names(own: Mapping[str, Any], path: Path) -> None:
    """The branch and remote names go to git: refuse any that git could read as an option."""
    if "release_branch" in own:
        refnames.check_branch(own["release_branch"], f"{path.name}: [tool.releasekit] release_branch")
    if "remote" in own:
        refnames.check_remote(own["remote"], f"{path.name}: [tool.releasekit] remote")


def _version_config(root: Path, data: Mapping[str, Any]) -> VersionConfig | None:
    return bumpconfig.find(root, data)


def _towncrier_source(root: Path, pyproject: Path, data: Mapping[str, Any]) -> tuple[dict[str, Any] | None, Path]:
    """towncrier's section: from towncrier.toml when there is one (towncrier reads it first), else pyproject's."""
    own = root / "towncrier.toml"
    if own.is_file():
        found = read_toml(own)
        check_table(found, Loose(tool=Loose(towncrier=TOWNCRIER_SCHEMA)), "", own)
        return table(found, "tool.towncrier"), own
    return table(data, "tool.towncrier"), pyproject


def _index(name: str, table: Mapping[str, Any], defaults: tuple[str, str], env_prefix: str) -> Index:
    upload = environment.get(f"{env_prefix}UPLOAD_URL") or table.get("upload_url") or defaults[0]
    simple = environment.get(f"{env_prefix}SIMPLE_URL") or table.get("simple_url") or defaults[1]
    return Index(name, upload, simple)


def _tag_format(own: Mapping[str, Any], path: Path) -> str | None:
    if "tag_format" not in own:
        return None

    return check_template(own["tag_format"], where=f"{path.name}: [tool.releasekit] tag_format")


def _release_branch(root: Path, remote: str) -> str:
    """The repository's own release branch: the remote's HEAD, else main or master; main when unknown."""
    return gitfiles.default_branch(root, remote) or "main"


def _remote(root: Path) -> str:
    """The repository's own remote: origin, else its only remote; origin when unknown."""
    return gitfiles.default_remote(root) or "origin"


def load(start: Path | str | None = None) -> Config:
    """Find pyproject.toml at or above ``start`` and parse the whole configuration."""
    root = find_root(Path(start or os.getcwd()).resolve())
    return from_data(root, root / "pyproject.toml", read_pyproject(root))


def from_data(root: Path, pyproject: Path, data: Mapping[str, Any]) -> Config:
    """The configuration that ``data`` (pyproject.toml, parsed) holds, every value checked once."""
    check_table(data, PYPROJECT_SCHEMA, "", pyproject)  # every value releasekit reads, once
    environment.check()
    own = table(data, "tool.releasekit") or {}
    _check_git_names(own, pyproject)
    links = own.get("links", {})
    github = own.get("github", {})
    source_paths = own.get("source_paths")
    name = distribution_name(root, data)  # as the build backend reads it, as status and init do
    remote = own.get("remote") or _remote(root)
    return Config(
        root=root,
        pyproject=pyproject,
        project_name=name,
        version=_version_config(root, data),
        fragments=fragments_config(*_towncrier_source(root, pyproject, data), project_name=name)._replace(
            roles=fragment_roles(own, pyproject)
        ),
        coverage_fail_under=coverage_threshold(root, table(data, "tool.coverage.report") or {}, own),
        release_branch=own.get("release_branch") or _release_branch(root, remote),
        remote=remote,
        sign_tags=own.get("sign_tags", False),
        tag_format=_tag_format(own, pyproject),
        minor_every_days=own.get("minor_every_days", 30),
        source_paths=tuple(str(p) for p in source_paths) if source_paths is not None else None,
        publish=own.get("publish", "local"),
        test_index=_index("TestPyPI", own.get("test_index", {}), DEFAULT_TEST_INDEX, "RELEASEKIT_TEST_"),
        index=_index("PyPI", own.get("index", {}), DEFAULT_INDEX, "RELEASEKIT_"),
        github_api_url=environment.get("RELEASEKIT_GITHUB_API_URL") or github.get("api_url", "https://api.github.com"),
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
            deadline=float(links.get("deadline", 30.0)),
            exclude_urls=tuple(str(p) for p in links.get("exclude_urls", ())),
            report_redirects=links.get("report_redirects", False),
            concurrency=links.get("concurrency", 128),
            per_host=links.get("per_host", 10),
            jobs=links.get("jobs", 0),
        ),
        gates=parse_gates(own.get("gates", {}), pyproject.name),
    )
