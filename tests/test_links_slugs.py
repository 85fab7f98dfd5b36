"""Heading slugs, profile by profile, and their de-duplication."""

from __future__ import annotations

import pytest

from releasekit.checks.links.slugs import (
    github_slug,
    gitlab_slug,
    heading_ids,
    profile,
    pymdownx_slug,
    python_markdown_slug,
    simple_lower,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello World", "hello-world"),
        ("What's new?", "whats-new"),
        ("a  b", "a--b"),  # no collapsing
        (" edge ", "-edge-"),  # no trimming
        ("foo_bar - baz", "foo_bar---baz"),
        ("İstanbul", "istanbul"),  # simple case mapping: one character
        ("\u03a3\u0391\u03a3", "\u03c3\u03b1\u03c3"),  # no final-sigma rule
        ("x² ①", "x-"),  # superscripts and circled digits are not word characters
        ("e\u0301t\u00e9", "e\u0301t\u00e9"),  # combining marks stay
        ("a\u200db\u200cc", "a\u200db\u200cc"),  # zero-width joiners stay
        ("tie\u203fin", "tie\u203fin"),  # connector punctuation stays
        ("Ⅻ Roman", "ⅻ-roman"),  # letter numbers are word characters
        ("😀 Smile", "-smile"),
        ("Café au lait", "café-au-lait"),
        ("v1.2.3 (beta)", "v123-beta"),
        ("tab\there", "tabhere"),  # only the space becomes a dash
    ],
)
def test_github(text: str, slug: str) -> None:
    assert github_slug(text) == slug


def test_simple_lower() -> None:
    assert simple_lower("\u0130\u03a3") == "i\u03c3"
    assert simple_lower("ABC") == "abc"


def test_github_duplicates_skip_taken_suffixes() -> None:
    github = profile("github")
    assert heading_ids(github, [("Foo", None)] * 3) == ["foo", "foo-1", "foo-2"]
    assert heading_ids(github, [("Foo-1", None), ("Foo", None), ("Foo", None)]) == ["foo-1", "foo", "foo-2"]
    assert heading_ids(github, [("Foo", None), ("Foo", None), ("Foo-1", None)]) == ["foo", "foo-1", "foo-1-1"]


def test_explicit_ids_replace_the_slug() -> None:
    assert heading_ids(profile("github"), [("Foo", "custom"), ("Foo", None)]) == ["custom", "foo"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Café au lait!", "cafe-au-lait"),
        ("a  -  b", "a-b"),
        ("  Trim me  ", "trim-me"),
        ("x² ①", "x2-1"),  # NFKD turns them into ASCII digits
        ("漢字 only", "only"),
        ("Hello_World", "hello_world"),
    ],
)
def test_python_markdown(text: str, slug: str) -> None:
    assert python_markdown_slug(text) == slug


def test_python_markdown_duplicates() -> None:
    pm = profile("python-markdown")
    assert heading_ids(pm, [("A", None), ("A", None), ("A_1", None)]) == ["a", "a_1", "a_2"]
    assert heading_ids(pm, [("!!!", None), ("???", None)]) == ["_1", "_2"]
    # ids set by attributes anywhere on the page are reserved first
    assert heading_ids(pm, [("Usage", None), ("Other", "usage")]) == ["usage_1", "usage"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Hello  World", "hello-world"), ("123", "anchor-123"), ("Café -- x", "café-x"), ("A.B", "ab")],
)
def test_gitlab(text: str, slug: str) -> None:
    assert gitlab_slug(text) == slug


@pytest.mark.parametrize(
    ("case", "slug"),
    [("none", "Café-Straße"), ("lower", "café-straße"), ("lower-ascii", "café-straße"), ("fold", "café-strasse")],
)
def test_pymdownx(case: str, slug: str) -> None:
    assert pymdownx_slug(" Café Straße! ", case) == slug


def test_profiles_and_case() -> None:
    assert profile("github").fold("Foo") == "foo"
    assert profile("python-markdown").fold("Foo") == "Foo"
    assert profile("pymdownx", "lower").slug("A B") == "a-b"
    with pytest.raises(KeyError):
        profile("nope")
    with pytest.raises(KeyError):
        profile("pymdownx", "upper")
