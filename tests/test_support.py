"""The support policy: the latest minor line full support, the previous security fixes, older none."""

from __future__ import annotations

from releasekit.support import support_table


def test_support_table_from_tags() -> None:
    tags = ["v0.9.0", "v1.0.0", "v1.0.1", "v1.1.0", "v1.1.2", "v1.2.0rc1", "v1.1.1", "release-7", "v2.0.0a1"]
    rows = support_table(tags)
    assert [(r.line, r.latest, r.support) for r in rows] == [
        ("1.1", "1.1.2", "full"),
        ("1.0", "1.0.1", "security"),
        ("0.9", "0.9.0", "none"),
    ]


def test_support_table_previous_minor_across_a_major() -> None:
    rows = support_table(["v1.9.3", "v2.0.0", "v1.8.0"])
    assert [(r.line, r.support) for r in rows] == [("2.0", "full"), ("1.9", "security"), ("1.8", "none")]


def test_support_table_empty() -> None:
    assert support_table([]) == []
