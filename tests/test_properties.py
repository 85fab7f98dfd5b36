"""Property tests: hostile input of every shape gives a result or one clear error, never a crash.

Link extraction, slug profiles, fragment names, version strings and configuration values
each get 2,000 examples of cheap in-process calls (no subprocess). reST gets fewer:
docutils costs milliseconds a document, and tests/test_hostile_documents.py covers its
deep nesting.

Each example is one byte string that a small reader turns into the test's input (a
character, a choice, a length per byte). Hypothesis still generates, mutates and shrinks
those bytes; drawing a whole input at once instead of one value per character or list
element makes an example about three times cheaper, which keeps the file within a few
seconds of the default session.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasekit import bumpconfig, config, configschema, environment
from releasekit.changelog.fragments import FragmentsConfig, FragmentType, is_ignored, parse_name
from releasekit.checks.links import local
from releasekit.checks.links.html import parse_html
from releasekit.checks.links.markdown import parse_markdown
from releasekit.checks.links.model import TooDeep
from releasekit.checks.links.rst import parse_rst
from releasekit.checks.links.settings import parse_slug
from releasekit.checks.links.slugs import PROFILES, PYMDOWNX_CASES, heading_ids, profile
from releasekit.checks.version_sync import check_file
from releasekit.errors import ReleasekitError, redact, strip_credentials
from releasekit.semver import check_release_version
from releasekit.versions import next_version, parse_version, version_from_tag

T = TypeVar("T")

MANY = settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# the checks beyond the five the issue names: fewer examples, to keep the file fast
SOME = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
BYTES = st.binary(max_size=160)

# The characters that break parsers: markup, separators, controls, other scripts' digits,
# combining marks, right-to-left text, a BOM, an emoji.
TRICKY = (
    "0123456789.-+_/\\:#?@%[](){}<>`*!|~^&$;,'\"= \t\n\r\x00\x0b\x0c\x7f"
    "\u0662\u00b2\u0663\u0966\uff11\u2028\u2029\u00a0\ufeff\u0301\u05d0\u202e\u00e9\u0130\u00df\U0001f600"
    "abcxyzABCXYZ"
)
DIGITS = "0123456789\u0662\u00b2"
VERSION_CHARS = "0123456789" * 3 + "....\u0662\u00b2\uff11arcbv+- "
SPECIAL = ["https://pypi.org/simple/", "http://:pw@h/", "ftp://x", "1.2.3", "feature", "pymdownx:lower", "", " "]


class Reader:
    """Turns one example's bytes into values; past the end every byte reads as 0."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        value = self.data[self.at] if self.at < len(self.data) else 0
        self.at += 1
        return value

    def pick(self, choices: Sequence[T]) -> T:
        return choices[self.byte() % len(choices)]

    def text(self, limit: int = 24, alphabet: str = TRICKY) -> str:
        return "".join(self.pick(alphabet) for _ in range(self.byte() % (limit + 1)))

    def number(self) -> int:
        """0 to about 10**29, mostly small: a length byte, then that many digit bytes."""
        return int("0" + "".join(str(self.byte() % 10) for _ in range(self.byte() % 30)))

    def scalar(self) -> Any:
        kind = self.byte() % 8
        if kind == 0:
            return bool(self.byte() % 2)
        if kind == 1:
            return self.byte() * 3 - 100  # around the ranges: negative, 0, 100-599, above
        if kind == 2:
            return self.number() * (-1 if self.byte() % 2 else 1)
        if kind == 3:
            return self.pick([0.5, -0.0, 1e308, float("inf"), float("-inf"), float("nan"), 200.7, 600.0001])
        if kind == 4:
            return self.pick(SPECIAL)
        return self.text()


def _one_line(exc: ReleasekitError) -> None:
    message = str(exc)
    assert message and "\n" not in message and len(message) < 2000, message


# --- version strings -------------------------------------------------------------------


def versionish(read: Reader) -> str:
    kind = read.byte() % 4
    if kind == 0:
        return read.text(alphabet=VERSION_CHARS)
    if kind == 1:
        return f"{read.number()}.{read.number()}.{read.number()}"
    if kind == 2:
        pre = read.pick(["", "a1", "b0", "rc12", "rc01", "c1", "\u0662", "a" + "9" * 13, ".dev0"])
        return f"{read.byte()}.{read.byte() % 20}.{read.number()}{pre}"
    return f"{read.text(6, DIGITS)}.{read.text(3, DIGITS)}.{read.text(3, DIGITS)}"


@MANY
@given(BYTES)
def test_version_strings_are_accepted_or_refused_in_one_line(data: bytes) -> None:
    read = Reader(data)
    version = versionish(read)
    spec = read.pick(["major", "minor", "patch", "", "9.9.9", "v1\u0662.0.0", versionish(read)])
    file_text = read.text(60)
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
    entry = bumpconfig.VersionFile("setup.py", search=file_text if "{" in file_text else None)
    for finding in check_file("setup.py", file_text, entry, version):
        assert finding.line >= 1 and finding.col >= 1


# --- fragment names --------------------------------------------------------------------

FRAGMENT_CONFIGS = [
    FragmentsConfig("changelog.d", name, (FragmentType("feature", "F"), FragmentType("bugfix", "B")), True, prefix)
    for name in ("CHANGELOG.md", "NEWS.rst", "CHANGES.txt")
    for prefix in ("+", "", "orphan-")
]


@MANY
@given(BYTES)
def test_fragment_names_parse_or_say_what_is_wrong(data: bytes) -> None:
    read = Reader(data)
    fragments = read.pick(FRAGMENT_CONFIGS)
    if read.byte() % 3 == 0:
        name = read.text(40)
    else:
        stem = read.pick([read.text(30, DIGITS), read.text(), "+slug", "+" + read.text()])
        kind = read.pick(["feature", "bugfix", "", "x.y", read.text(8)])
        name = f"{stem}.{kind}{read.pick(['.md', '.rst', '', '.MD', '.1.md'])}"
    parsed = parse_name(name, fragments)
    if isinstance(parsed, str):
        assert parsed
    else:
        issue, kind = parsed
        assert issue is None or issue == issue.strip()  # towncrier's issue: any text before the type
        assert kind in ("feature", "bugfix") and f".{kind}" in name
    is_ignored(name, fragments)


# --- slug profiles ---------------------------------------------------------------------

SPECS = [(name, "none") for name in PROFILES] + [("pymdownx", case) for case in PYMDOWNX_CASES]


@MANY
@given(BYTES)
def test_slug_profiles_give_one_id_per_heading(data: bytes) -> None:
    read = Reader(data)
    spec = read.pick(SPECS)
    headings = [(read.text(), read.pick([None, read.text(8)])) for _ in range(read.byte() % 4)]
    taken = [read.text(8) for _ in range(read.byte() % 2)]
    ids = heading_ids(profile(*spec), headings, taken)
    assert len(ids) == len(headings)
    assert all(isinstance(i, str) for i in ids)


@SOME
@given(BYTES)
def test_slug_profile_names_are_known_or_refused(data: bytes) -> None:
    read = Reader(data)
    value = read.pick([read.text(), f"pymdownx:{read.text(8)}", f"{read.pick(PROFILES)}{read.text(3)}"])
    try:
        name, case = parse_slug(value, "[tool.releasekit.links] slug")
    except ReleasekitError as exc:
        _one_line(exc)
    else:
        assert name in PROFILES and case in PYMDOWNX_CASES


# --- link extraction -------------------------------------------------------------------

TEMPLATES = [
    "{0}",
    "{0}[x]({1}){2}",
    "{0}<a href='{1}'>{2}",
    "see https://{0} and http://:{1}@h/{2}",
    "[{0}]: {1}\n\n[{0}]\n{2}",
    '# {0}\n\n[x](#{1})<img src="{2}">',
    "<![{0}[{1}]]>{2}",
]


@MANY
@given(BYTES)
def test_link_extraction_finds_links_inside_the_text(data: bytes) -> None:
    read = Reader(data)
    doc = read.pick(TEMPLATES).format(read.text(), read.text(), read.text())
    size = len(doc.encode("utf-8"))
    for parsed in (parse_markdown(doc, profile(*read.pick(SPECS))), parse_html(doc)):
        for link in parsed.links:
            assert 0 <= link.offset <= size
            target = local.classify(link.url, "docs", ".", "owner/repo")
            assert target.kind in ("local", "external", "skip", "error")
            if target.kind == "local":
                assert not target.path.startswith(("/", "../")) and target.path != ".."


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(BYTES)
def test_rst_link_extraction_gives_links_or_too_deep(data: bytes) -> None:
    read = Reader(data)
    doc = " " * (read.byte() * read.byte() % 300) + read.pick(TEMPLATES).format(read.text(), read.text(), read.text())
    try:
        parsed = parse_rst(doc)
    except TooDeep:
        return
    size = len(doc.encode("utf-8"))
    assert all(0 <= link.offset <= size for link in parsed.links)


PASSWORD = "".join(c for c in TRICKY if c not in "/?# \t\n\r\x00\x0b\x0c\x7f\u2028\u2029\u00a0")


@SOME
@given(BYTES)
def test_url_credentials_never_survive_redaction(data: bytes) -> None:
    read = Reader(data)
    user, secret = read.text(6, "abc:@%"), read.text(30, PASSWORD)
    host = read.pick(["host", "h.example:8080"])
    url = f"https://{user}:{secret}@{host}/p"
    assert redact(url) == f"https://***@{host}/p"
    assert strip_credentials(url) == f"https://{host}/p"
    around = read.text()
    if len(secret) >= 4 and secret not in around and secret not in f"https://***@{host}/p":
        assert secret not in redact(f"{around} {url} {around}")


# --- configuration values --------------------------------------------------------------


def _paths(schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every key of ``schema``, tables and their keys alike, as (path, spec)."""
    found = []
    for key, spec in schema.items():
        found.append(((*prefix, key), spec))
        if isinstance(spec, dict):
            found.extend(_paths(spec, (*prefix, key)))
    return found


PATHS = _paths(config.PYPROJECT_SCHEMA)


def _value(read: Reader, spec: Any) -> Any:
    """A value for one key, right or wrong, shaped so that a wrong one can hide in an element."""
    if read.byte() % 4 == 0:
        return read.scalar()
    if isinstance(spec, configschema.Spec) and isinstance(spec.items, dict):
        keys = sorted(spec.items)
        return [{read.pick(keys): read.scalar() for _ in range(read.byte() % 4)} for _ in range(read.byte() % 3)]
    if isinstance(spec, configschema.Spec) and spec.items is not None:
        return [read.scalar() for _ in range(read.byte() % 4)]
    if isinstance(spec, configschema.Spec) and isinstance(spec.values, dict):
        keys = sorted(spec.values)
        return {read.text(8): {read.pick(keys): read.scalar()} for _ in range(read.byte() % 3)}
    if isinstance(spec, dict):
        return {read.text(8): read.scalar() for _ in range(read.byte() % 3)}
    return read.scalar()


def pyproject_data(read: Reader) -> dict[str, Any]:
    """One to three keys anywhere in pyproject.toml, so that every example reaches the value it tries."""
    data: dict[str, Any] = {}
    for _ in range(1 + read.byte() % 3):
        path, spec = read.pick(PATHS)
        node = data
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = _value(read, spec)
    if read.byte() % 3 == 0:
        data.setdefault("tool", {})
        if isinstance(data["tool"], dict):
            bump = data["tool"].setdefault("bumpversion", {})
            if isinstance(bump, dict):
                bump["current_version"] = read.pick([versionish(read), read.scalar()])
    return data


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


@MANY
@given(data=BYTES)
def test_configuration_values_are_checked_once_and_typed(root: Path, data: bytes) -> None:
    pyproject = pyproject_data(Reader(data))
    try:
        cfg = config.from_data(root, root / "pyproject.toml", pyproject)
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
    assert cfg.coverage_fail_under is None or 0 <= cfg.coverage_fail_under <= 100
    for index in (cfg.index, cfg.test_index):
        assert environment.is_http_url(index.upload_url) and environment.is_http_url(index.simple_url)
    assert all(isinstance(t.directory, str) and isinstance(t.showcontent, bool) for t in cfg.fragments.types)


@SOME
@given(BYTES)
def test_environment_values_are_checked_naming_the_variable(data: bytes) -> None:
    read = Reader(data)
    names = sorted(environment.VARIABLES)
    env = {
        read.pick(names): read.pick([read.text(), read.text(8, "0123456789."), read.pick(SPECIAL)]) for _ in range(3)
    }
    try:
        environment.check(env)
    except ReleasekitError as exc:
        _one_line(exc)
        assert str(exc).startswith("environment variable RELEASEKIT_")
        return
    wait = env.get("RELEASEKIT_VERIFY_WAIT")
    if wait:
        assert environment._seconds(wait) is not None
