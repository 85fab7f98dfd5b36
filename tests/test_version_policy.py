"""The version policy: SemVer with PEP 440 pre-releases, bumps, and the release schedule."""

from __future__ import annotations

import pytest

from releasekit.errors import ReleasekitError
from releasekit.versions import (
    bump_kind,
    minor_due,
    next_version,
    parse_version,
    required_bump,
    tag_for,
    version_from_tag,
)


@pytest.mark.parametrize(
    ("current", "spec", "expected"),
    [
        ("1.2.3", "patch", "1.2.4"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "major", "2.0.0"),
        ("0.9.9", "major", "1.0.0"),
        ("1.2.3", "1.2.10", "1.2.10"),
        ("1.2.3", "v2.0.0", "2.0.0"),
        ("1.2.3", "1.3.0rc1", "1.3.0rc1"),
        ("1.3.0rc1", "1.3.0rc2", "1.3.0rc2"),
        ("1.3.0rc1", "1.3.0", "1.3.0"),
        ("1.3.0rc1", "patch", "1.3.0"),
        ("1.3.0rc1", "minor", "1.3.0"),
        ("1.3.1rc1", "minor", "1.4.0"),
        ("2.0.0b1", "major", "2.0.0"),
        ("2.1.0b1", "major", "3.0.0"),
    ],
)
def test_next_version(current: str, spec: str, expected: str) -> None:
    assert next_version(current, spec) == expected


@pytest.mark.parametrize(("current", "spec"), [("1.2.3", "1.2.3"), ("1.2.3", "1.2.2"), ("1.3.0", "1.3.0rc1")])
def test_a_version_that_does_not_increase_is_refused(current: str, spec: str) -> None:
    with pytest.raises(ReleasekitError, match="is not higher than the current version"):
        next_version(current, spec)


@pytest.mark.parametrize("bad", ["1.2", "1.2.3.4", "v1.2.3.4", "1.0+local", "01.2.3", "1.2.3-rc1", "1.2.3.dev1", ""])
def test_non_release_versions_are_refused(bad: str) -> None:
    with pytest.raises(ReleasekitError, match="is not a release version"):
        parse_version(bad)
    with pytest.raises(ReleasekitError):
        next_version("1.0.0", bad)


def test_pre_releases_order_before_their_release() -> None:
    assert parse_version("1.2.0rc1") < parse_version("1.2.0") < parse_version("1.2.1a1")


def test_breaking_changes_bump_major_or_minor_before_one() -> None:
    assert required_bump("1.4.2", breaking=True) == "major"
    assert required_bump("0.4.2", breaking=True) == "minor"
    assert required_bump("1.4.2", breaking=False) is None


def test_bump_kind() -> None:
    assert bump_kind("1.2.3", "2.0.0") == "major"
    assert bump_kind("1.2.3", "1.3.0") == "minor"
    assert bump_kind("1.2.3", "1.2.4") == "patch"
    assert bump_kind("1.2.3", "1.2.4rc1") == "patch"


def test_tags() -> None:
    assert tag_for("1.2.3") == "v1.2.3"
    assert str(version_from_tag("v1.2.3")) == "1.2.3"
    assert version_from_tag("1.2.3") is None
    assert version_from_tag("v1.2") is None
    assert version_from_tag("vnext") is None


@pytest.mark.parametrize(
    ("features", "days_since_minor", "due"),
    [(0, None, False), (0, 400, False), (1, None, True), (2, 29, False), (2, 30, True), (1, 31, True)],
)
def test_a_minor_release_is_due_when_features_wait_a_full_cadence(
    features: int, days_since_minor: int | None, due: bool
) -> None:
    assert minor_due(features, days_since_minor, 30) is due
