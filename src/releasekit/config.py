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
from typing import TYPE_CHECKING, NamedTuple

from releasekit import environment
from releasekit.bumpconfig import VersionConfig as VersionConfig
from releasekit.bumpconfig import VersionFile as VersionFile
from releasekit.changelog.fragments import FragmentsConfig, FragmentType
from releasekit.errors import ReleasekitError
from releasekit.release.gates import PHASES, GatesConfig, coverage_threshold, parse_gates

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_TEST_INDEX = ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/")
DEFAULT_INDEX = ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/")


class Spec:
    """What one configuration value must be: ``what`` names it in errors, ``accepts`` tests it.

    ``items`` is the spec of each element of an array; ``values`` that of each value of a
    table whose keys are free (towncrier's ``[tool.towncrier.fragment.<type>]``).
    """

    __slots__ = ("accepts", "items", "values", "what")

    def __init__(
        self,
        what: str,
        accepts: Callable[[object], bool],
        *,
        items: Spec | dict[str, Any] | None = None,
        values: Spec | dict[str, Any] | None = None,
    ) -> None:
        self.what = what
        self.accepts = accepts
        self.items = items
        self.values = values


class Loose(dict):  # type: ignore[type-arg]
    """A table of another tool's: only the keys releasekit reads are checked, others are that tool's."""


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _is_url(value: object) -> bool:
    from releasekit.environment import is_http_url  # urllib.parse only when a URL is configured

    return isinstance(value, str) and is_http_url(value)


STRING = Spec("a string", _is_str)
NAME = Spec("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip()))
BOOL = Spec("true or false", lambda v: isinstance(v, bool))
URL = Spec("an http:// or https:// URL", _is_url)
# A glob longer than this is no path pattern anyone writes; the bound keeps matching cheap.
GLOB = Spec(
    "a non-empty string of at most 1024 characters", lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 1024
)


def integer(low: int, high: int) -> Spec:
    """An integer from ``low`` to ``high``."""
    return Spec(f"an integer from {low} to {high}", lambda v: _is_int(v) and low <= v <= high)  # type: ignore[operator]


def number(low: float, high: float, *, above: bool = False) -> Spec:
    """A number from ``low`` (or above it) to ``high``."""
    what = f"a number above {low:g} and at most {high:g}" if above else f"a number from {low:g} to {high:g}"

    def accepts(v: object) -> bool:
        return _is_number(v) and (low < v if above else low <= v) and v <= high  # type: ignore[operator]

    return Spec(what, accepts)


def array(item: Spec | dict[str, Any], what: str) -> Spec:
    """An array whose every element is ``item``; ``what`` names the elements (plural)."""
    return Spec(f"an array of {what}", lambda v: isinstance(v, list), items=item)


# Plain types, as older entries of a schema may still name them.
_PLAIN: dict[type, Spec] = {
    str: STRING,
    bool: BOOL,
    int: Spec("an integer", _is_int),
    float: Spec("a number", _is_number),
    list: Spec("an array", lambda v: isinstance(v, list)),
    dict: Spec("a table", lambda v: isinstance(v, dict)),
}


def _plain(kind: type) -> Spec:
    return _PLAIN.get(kind) or Spec(f"a {kind.__name__}", lambda v: isinstance(v, kind))


def _type_name(kind: type) -> str:
    """How an error names a plain type (kept for schema entries written as types)."""
    return _plain(kind).what


_INDEX_SCHEMA = {"upload_url": URL, "simple_url": URL}

# The keys [tool.releasekit] accepts: a Spec (or a plain type), or a nested table of keys.
SCHEMA: dict[str, Any] = {
    "release_branch": NAME,
    "remote": NAME,
    # fragment type -> role (breaking, migration, security, feature, or "none")
    "fragment_roles": Spec("a table of fragment types and roles", lambda v: isinstance(v, dict), values=NAME),
    "sign_tags": BOOL,
    "tag_format": STRING,  # checked as a tag format by releasekit.tags
    "minor_every_days": integer(1, 3660),
    "source_paths": array(GLOB, "globs (non-empty strings of at most 1024 characters)"),
    "publish": Spec('"local" or "ci"', lambda v: v in ("local", "ci")),
    "coverage_fail_under": number(0, 100),
    # Each test phase: "nox:SESSION", "tox:ENV", "pytest", a command (array) or false; checked in gates.
    "gates": {
        **{phase: Spec("a gate", lambda v: True) for phase in PHASES},
        "timeout": Spec("a number of seconds above 0", lambda v: _is_number(v) and v > 0),  # type: ignore[operator]
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

# The parts of other tools' sections that releasekit reads; their other keys are theirs.
BUMPVERSION_SCHEMA = Loose(
    search=STRING,
    replace=STRING,
    files=array(
        Loose(
            filename=NAME,
            glob=NAME,
            search=STRING,
            replace=STRING,
            ignore_missing_version=BOOL,
            ignore_missing_file=BOOL,
        ),
        "tables",
    ),
)
_TOWNCRIER_TYPE = Loose(directory=NAME, name=STRING, showcontent=BOOL, check=BOOL)
TOWNCRIER_SCHEMA = Loose(
    directory=NAME,
    filename=NAME,
    orphan_prefix=STRING,
    start_string=STRING,
    ignore=array(STRING, "strings"),
    type=array(_TOWNCRIER_TYPE, "tables"),
    fragment=Spec(
        "a table of tables",
        lambda v: isinstance(v, dict),
        values=Loose(name=STRING, showcontent=BOOL, check=BOOL),
    ),
)
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


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into one clear line.

    The file must be a regular file in its own directory (the project's root), not a
    symlink out of it, a FIFO or a device, and at most ``safefiles.LIMITS["config"]``.
    """
    from releasekit.safefiles import Refused, read_bytes

    try:
        data = read_bytes(path.parent, path.name, "config")
    except Refused as exc:
        raise ReleasekitError(f"{path}: {exc.reason}") from None
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
    from releasekit.locate import find_root as find_root_dir

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


def table(data: Mapping[str, Any], dotted: str) -> dict[str, Any] | None:
    """The table at ``dotted`` (``tool.pytest``) in parsed TOML, or None when a part is missing or no table."""
    return _table(data, dotted)


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def _key(name: object) -> str:
    """A key as TOML writes it: bare when it can be, else quoted (a key may hold a line break)."""
    text = str(name)
    bare = text and all(c.isascii() and (c.isalnum() or c in "-_") for c in text)
    return text if bare else repr(text)


def _label(where: str, key: str) -> str:
    if where.startswith("[["):  # an entry of an array of tables
        return f"{where}: {key}"
    return f"[{where}] {key}" if where else key


def check_table(section: Mapping[str, Any], schema: Mapping[str, Any], where: str, path: Path) -> None:
    """Check every value of ``section`` against ``schema`` once, naming the file and the key of the first bad one.

    A plain ``dict`` schema accepts only its own keys; a ``Loose`` one (another tool's
    section) ignores the keys it does not name.
    """
    for key, value in section.items():
        if key not in schema:
            if isinstance(schema, Loose):
                continue
            import difflib  # only on the error path

            hint = difflib.get_close_matches(key, list(schema), n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; valid keys: {', '.join(sorted(schema))}"
            raise ReleasekitError(f"{path.name}: [{where}] unknown key {_show(key)}{suggestion}")
        _check_value(value, schema[key], where, _key(key), path)


def _check_git_names(own: Mapping[str, Any], path: Path) -> None:
    """The branch and remote names go to git: refuse any that git could read as an option."""
    from releasekit import refnames

    if "release_branch" in own:
        refnames.check_branch(own["release_branch"], f"{path.name}: [tool.releasekit] release_branch")
    if "remote" in own:
        refnames.check_remote(own["remote"], f"{path.name}: [tool.releasekit] remote")


_check_keys = check_table  # the name this check had before it covered other tools' sections


def _check_value(value: Any, expected: Any, where: str, key: str, path: Path) -> None:
    if isinstance(expected, dict):
        if not isinstance(value, Mapping):
            raise ReleasekitError(f"{path.name}: {_label(where, key)} must be a table, not {_show(value)}")
        check_table(value, expected, f"{where}.{key}" if where else key, path)
        return
    spec: Spec = _plain(expected) if isinstance(expected, type) else expected
    if not spec.accepts(value):
        raise ReleasekitError(f"{path.name}: {_label(where, key)} must be {spec.what}, not {_show(value)}")
    if spec.items is not None:
        for n, item in enumerate(value, 1):
            if isinstance(spec.items, dict):
                entry = f"[[{where}.{key}]] entry {n}"
                if not isinstance(item, Mapping):
                    raise ReleasekitError(f"{path.name}: {entry} must be a table, not {_show(item)}")
                check_table(item, spec.items, entry, path)
            else:
                _check_value(item, spec.items, where, f"{key} item {n}", path)
    if spec.values is not None:
        for name, item in value.items():
            _check_value(item, spec.values, f"{where}.{key}" if where else key, _key(name), path)


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
    from releasekit.changelog.fragments import ROLES

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
        found = read_toml(own)
        check_table(found, Loose(tool=Loose(towncrier=TOWNCRIER_SCHEMA)), "", own)
        return found, own
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


def _index(name: str, table: Mapping[str, Any], defaults: tuple[str, str], env_prefix: str) -> Index:
    upload = environment.get(f"{env_prefix}UPLOAD_URL") or table.get("upload_url") or defaults[0]
    simple = environment.get(f"{env_prefix}SIMPLE_URL") or table.get("simple_url") or defaults[1]
    return Index(name, upload, simple)


def _tag_format(own: Mapping[str, Any], path: Path) -> str | None:
    if "tag_format" not in own:
        return None
    from releasekit.tags import check_template

    return check_template(own["tag_format"], where=f"{path.name}: [tool.releasekit] tag_format")


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
    return from_data(root, pyproject, read_toml(pyproject))


def from_data(root: Path, pyproject: Path, data: Mapping[str, Any]) -> Config:
    """The configuration that ``data`` (pyproject.toml, parsed) holds, every value checked once."""
    check_table(data, PYPROJECT_SCHEMA, "", pyproject)  # every value releasekit reads, once
    environment.check()
    own = _table(data, "tool.releasekit") or {}
    _check_git_names(own, pyproject)
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
        coverage_fail_under=coverage_threshold(root, data, own),
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
