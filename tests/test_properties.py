"""Property tests: hostile input of every shape gives a result or one clear error, never a crash.

Each property runs at least 2,000 examples of cheap in-process calls (no subprocess), so
the whole file stays within a few seconds of the default test session. The one exception
is reST, where docutils costs milliseconds per document: it gets fewer examples, and its
deep-nesting cases are covered by tests/test_hostile_documents.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasekit import config, environment
from releasekit.errors import ReleasekitError, redact, strip_credentials
from releasekit.fragments import FragmentsConfig, FragmentType, is_ignored, parse_name
from releasekit.links import local
from releasekit.links.html import parse_html
from releasekit.links.markdown import parse_markdown
from releasekit.links.model import TooDeep
from releasekit.links.rst import parse_rst
from releasekit.links.settings import parse_slug
from releasekit.links.slugs import PROFILES, PYMDOWNX_CASES, heading_ids, profile
from releasekit.semver import check_release_version
from releasekit.versions import check_file, next_version, parse_version, version_from_tag

MANY = settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# the properties beyond the five the issue names: fewer examples, to keep the file fast
SOME = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# The characters that break parsers: markup, separators, controls, other scripts' digits,
# combining marks, right-to-left text, a BOM, an emoji. A string is drawn as bytes and each
# byte picks a character: one draw per string instead of one per character keeps 2,000
# examples within a second or so.
TRICKY = (
    "0123456789.-+_/\\:#?@%[](){}<>`*!|~^&$;,'\"= \t\n\r\x00\x0b\x0c\x7f"
    "\u0662\u00b2\u0663\u0966\uff11\u2028\u2029\u00a0\ufeff\u0301\u05d0\u202e\u00e9\u0130\u00df\U0001f600"
    "abcxyzABCXYZ"
)
text = st.binary(max_size=40).map(lambda data: "".join(TRICKY[byte % len(TRICKY)] for byte in data))
digits = st.binary(min_size=1, max_size=20).map(lambda data: "".join("0123456789\u0662\u00b2"[b % 12] for b in data))


def _one_line(exc: ReleasekitError) -> None:
    message = str(exc)
    assert message and "\n" not in message and len(message) < 2000, message


# --- version strings -------------------------------------------------------------------

VERSION_CHARS = "0123456789" * 3 + "....\u0662\u00b2\uff11arcbv+- "
versionish = st.one_of(
    st.binary(max_size=24).map(lambda data: "".join(VERSION_CHARS[b % len(VERSION_CHARS)] for b in data)),
    st.builds(
        lambda a, b, c, pre: f"{a}.{b}.{c}{pre}",
        st.integers(0, 10**13),
        st.integers(0, 999),
        st.integers(0, 10**5),
        st.sampled_from(["", "a1", "b0", "rc12", "rc01", "c1", "\u0662", "a" + "9" * 13, ".dev0"]),
    ),
    st.integers(0, 10**30).map(lambda n: f"{n}.0.0"),
)


@MANY
@given(versionish, st.sampled_from(["major", "minor", "patch", "", "9.9.9", "v1\u0662.0.0"]), text)
def test_version_strings_are_accepted_or_refused_in_one_line(version: str, spec: str, file_text: str) -> None:
    try:
        check_release_version(version)
    except ReleasekitError as exc:
        _one_line(exc)
        assert version_from_tag(f"v{version}") is None
        return
    assert version.isascii()
    parsed = parse_version(version)
    assert str(parsed) == version  # nothing packaging would normalize slipped through
    assert version_from_tag(f"v{version}") == parsed
    try:
        assert parse_version(next_version(version, spec)) > parsed
    except ReleasekitError as exc:
        _one_line(exc)
    entry = config.VersionFile("setup.py", search=file_text if "{" in file_text else None)
    for finding in check_file("setup.py", file_text, entry, version):
        assert finding.line >= 1 and finding.col >= 1


# --- fragment names --------------------------------------------------------------------

FRAGMENT_CONFIGS = [
    FragmentsConfig("changelog.d", name, (FragmentType("feature", "F"), FragmentType("bugfix", "B")), True, prefix)
    for name in ("CHANGELOG.md", "NEWS.rst", "CHANGES.txt")
    for prefix in ("+", "", "orphan-")
]
fragment_name = st.one_of(
    text,
    st.builds(
        lambda stem, kind, ext: f"{stem}.{kind}{ext}",
        st.one_of(digits, text, st.just("+slug")),
        st.sampled_from(["feature", "bugfix", "", "x.y"]),
        st.sampled_from([".md", ".rst", "", ".MD"]),
    ),
)


@MANY
@given(fragment_name, st.sampled_from(FRAGMENT_CONFIGS))
def test_fragment_names_parse_or_say_what_is_wrong(name: str, fragments: FragmentsConfig) -> None:
    parsed = parse_name(name, fragments)
    if isinstance(parsed, str):
        assert parsed
    else:
        issue, kind = parsed
        assert issue is None or (issue.isascii() and issue.isdigit())
        assert kind
    is_ignored(name, fragments)


# --- slug profiles ---------------------------------------------------------------------

SPECS = [(name, "none") for name in PROFILES] + [("pymdownx", case) for case in PYMDOWNX_CASES]


@MANY
@given(st.sampled_from(SPECS), st.lists(st.tuples(text, st.none() | text), max_size=3), st.lists(text, max_size=1))
def test_slug_profiles_give_one_id_per_heading(
    spec: tuple[str, str], headings: list[tuple[str, str | None]], taken: list[str]
) -> None:
    ids = heading_ids(profile(*spec), headings, taken)
    assert len(ids) == len(headings)
    assert all(isinstance(i, str) for i in ids)


@SOME
@given(text)
def test_slug_profile_names_are_known_or_refused(value: str) -> None:
    try:
        name, case = parse_slug(value, "[tool.releasekit.links] slug")
    except ReleasekitError as exc:
        _one_line(exc)
    else:
        assert name in PROFILES and case in PYMDOWNX_CASES


# --- link extraction -------------------------------------------------------------------

link_text = st.one_of(
    text,
    st.builds(lambda a, u, b: f"{a}[x]({u}){b}", text, text, text),
    st.builds(lambda a, u, b: f"{a}<a href='{u}'>{b}", text, text, text),
    st.builds(lambda u: f"see https://{u} and http://:{u}@h/{u}", text),
)


@MANY
@given(link_text, st.sampled_from(SPECS))
def test_link_extraction_finds_links_inside_the_text(doc: str, spec: tuple[str, str]) -> None:
    size = len(doc.encode("utf-8", "surrogatepass"))
    for parsed in (parse_markdown(doc, profile(*spec)), parse_html(doc)):
        for link in parsed.links:
            assert 0 <= link.offset <= size
            target = local.classify(link.url, "docs", ".", "owner/repo")
            assert target.kind in ("local", "external", "skip", "error")
            if target.kind == "local":
                assert not target.path.startswith(("/", "../")) and target.path != ".."


password = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")).filter(lambda c: c not in "/?#"), max_size=30
)


@SOME
@given(st.text(alphabet="abc:@%", max_size=8), password, st.sampled_from(["host", "h.example:8080"]), text)
def test_url_credentials_never_survive_redaction(user: str, secret: str, host: str, around: str) -> None:
    url = f"https://{user}:{secret}@{host}/p"
    assert redact(url) == f"https://***@{host}/p"
    assert strip_credentials(url) == f"https://{host}/p"
    if len(secret) >= 4 and secret not in around and secret not in "https://***@" + host + "/p":
        assert secret not in redact(f"{around} {url} {around}")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(link_text, st.builds(lambda n, t: " " * n + t, st.integers(0, 300), link_text)))
def test_rst_link_extraction_gives_links_or_too_deep(doc: str) -> None:
    try:
        parsed = parse_rst(doc)
    except TooDeep:
        return
    size = len(doc.encode("utf-8", "surrogatepass"))
    assert all(0 <= link.offset <= size for link in parsed.links)


# --- configuration values --------------------------------------------------------------

scalar = st.one_of(
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    text,
    st.sampled_from(["https://pypi.org/simple/", "http://:pw@h/", "ftp://x", "1.2.3", "feature", "pymdownx:lower"]),
)


def _paths(schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every key of ``schema``, tables and their keys alike, as (path, spec)."""
    found = []
    for key, spec in schema.items():
        found.append(((*prefix, key), spec))
        if isinstance(spec, dict):
            found.extend(_paths(spec, (*prefix, key)))
    return found


def _values(spec: Any) -> st.SearchStrategy[Any]:
    """Values for one key, right or wrong, shaped so that a wrong one can hide in an element."""
    tables = st.dictionaries(text, scalar, max_size=2)
    if isinstance(spec, config.Spec) and isinstance(spec.items, dict):
        entry = st.dictionaries(st.sampled_from(sorted(spec.items)), scalar, max_size=3)
        return st.lists(entry | scalar, max_size=2) | scalar
    if isinstance(spec, config.Spec) and spec.items is not None:
        return st.lists(scalar, max_size=3) | scalar
    if isinstance(spec, config.Spec) and isinstance(spec.values, dict):
        inner = st.dictionaries(st.sampled_from(sorted(spec.values)), scalar, max_size=2)
        return st.dictionaries(text, inner | scalar, max_size=2) | scalar
    if isinstance(spec, dict):
        return tables | scalar
    return scalar | st.lists(scalar, max_size=2) | tables


# One to three keys anywhere in pyproject.toml, so that every example reaches the value it tries.
SETTINGS_ = [st.tuples(st.just(path), _values(spec)) for path, spec in _paths(config.PYPROJECT_SCHEMA)]
SETTINGS_.append(st.tuples(st.just(("tool", "bumpversion", "current_version")), versionish | scalar))


def _nest(pairs: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in pairs:
        node = data
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    return data


pyproject_data = st.lists(st.one_of(SETTINGS_), min_size=1, max_size=2).map(_nest)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


@MANY
@given(data=pyproject_data)
def test_configuration_values_are_checked_once_and_typed(root: Path, data: dict[str, Any]) -> None:
    try:
        cfg = config.from_data(root, root / "pyproject.toml", data)
    except ReleasekitError as exc:
        _one_line(exc)
        assert str(exc).startswith("pyproject.toml: ")
        return
    links = cfg.links
    assert all(type(code) is int and 100 <= code <= 599 for code in links.accept_status)
    assert all(isinstance(p, str) for p in (*links.exclude, *links.exclude_urls, *(cfg.source_paths or ())))
    assert 0 < links.timeout <= 600 and links.concurrency >= 1 and links.per_host >= 1 and links.jobs >= 0
    assert isinstance(cfg.release_branch, str) and cfg.release_branch.strip()
    assert all(isinstance(label, str) and label for label in cfg.github_critical_labels)
    assert 0 <= cfg.coverage_fail_under <= 100
    for index in (cfg.index, cfg.test_index):
        assert environment.is_http_url(index.upload_url) and environment.is_http_url(index.simple_url)
    assert all(isinstance(t.directory, str) and isinstance(t.showcontent, bool) for t in cfg.fragments.types)


@SOME
@given(st.dictionaries(st.sampled_from(sorted(environment.VARIABLES)), text, max_size=4))
def test_environment_values_are_checked_naming_the_variable(env: dict[str, str]) -> None:
    try:
        environment.check(env)
    except ReleasekitError as exc:
        _one_line(exc)
        assert str(exc).startswith("environment variable RELEASEKIT_")
        return
    wait = env.get("RELEASEKIT_VERIFY_WAIT")
    if wait:
        assert environment._seconds(wait) is not None
