"""Differential: releasekit finds exactly the fragments towncrier finds, and fails where it fails.

Each example builds a fragment directory (towncrier's settings: types as an array or as tables,
an orphan prefix, an issue pattern, a template, an ignore list, sections; files: issue numbers,
orphans, counters, extensions, README and dot files, templates, sub-directories) and runs
towncrier's own ``find_fragments`` in-process, strict as ``towncrier check`` and lenient as
``towncrier build`` without an ``ignore`` option, against ``validate_directory``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import tomllib
from click import ClickException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from towncrier._builder import find_fragments
from towncrier._settings.load import parse_toml

from releasekit.changelog.fragments import validate_directory
from releasekit.changelog.fragments_config import fragments_config
from tests.helpers.fragments import demo_files
from tests.helpers.gitrepo import write_files

TYPE_POOL = ["feature", "bugfix", "doc", "removal", "misc", "breaking", "1", "md", "Security"]
STEMS = ["1", "007", "123", " 7", "+", "+slug", "+a.b", "orphan-x", "~x", "fix-1.2.3", "ABC-12", "", "²", "٣", "x y"]
PARTS = ["feature", "bugfix", "doc", "removal", "misc", "breaking", "1", "md", "security", "feture", "Feature", ""]
SUFFIXES = ["", ".md", ".rst", ".txt", ".MD", ".1", ".2.md", ".x.md", ".01"]
WHOLE = [
    ".gitignore",
    ".gitkeep",
    ".keep",
    ".hidden.feature.md",
    "README",
    "README.md",
    "readme.rst",
    "README.txt",
    "template.md",
    "Template.md",
    "_template.md.jinja",
    "notes.txt",
    "draft-1.feature.md",
    "noext",
    "a.md",
]
IGNORES = ["notes.txt", "*.txt", "draft-*", "[ab]*.md", "TEMPLATE.md", "?.md", "readme*"]
TEMPLATES = [None, "towncrier:default", "changelog.d/template.md", "changelog.d/_template.md.jinja", "docs/Template.md"]
T = TypeVar("T")
SECTIONS = [None, [("", ""), ("Web", "web")], [("Core", "core"), ("Web", "web")], [("", "")]]


class Picks:
    """One example's bytes read as choices (past the end every byte reads as 0): drawing the whole
    project from one byte string keeps an example cheap enough for 2,000 of them in the default session."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1] if self.at <= len(self.data) else 0

    def pick(self, options: Sequence[T]) -> T:
        return options[self.byte() % len(options)]

    def some(self, options: Sequence[T], most: int) -> list[T]:
        return [self.pick(options) for _ in range(self.byte() % (most + 1))]


def project(data: bytes) -> tuple[dict[str, Any], list[str], list[str]]:
    """A [tool.towncrier] table, the files to write (relative paths) and the directories to make."""
    read = Picks(data)
    types = list(dict.fromkeys([read.pick(TYPE_POOL), *read.some(TYPE_POOL, 3)]))
    table: dict[str, Any] = {"filename": read.pick(["CHANGELOG.md", "NEWS.rst", "CHANGES.txt"])}
    shape = read.pick(["array", "array-by-name", "tables", "default"])
    if shape == "array":
        table["type"] = [{"directory": t, "name": t.title(), "showcontent": True} for t in types]
    elif shape == "array-by-name":
        table["type"] = [{"name": t} for t in types]  # towncrier: the directory is the lower-cased name
    elif shape == "tables":
        table["fragment"] = {t: {} for t in types}
    if read.byte() % 2:
        table["directory"] = base = "changelog.d"
    else:
        table["package"] = base = "pkg"
    prefix = read.pick([None, "+", "", "orphan-", "~"])
    if prefix is not None:
        table["orphan_prefix"] = prefix
    pattern = read.pick(["", "", r"\d+", r"[A-Z]+-\d+"])
    if pattern:
        table["issue_pattern"] = pattern
    if read.byte() % 2:
        table["ignore"] = read.some(IGNORES, 3)
    template = read.pick(TEMPLATES)
    if template is not None:
        table["template"] = template
    sections = read.pick(SECTIONS)
    if sections is not None:
        table["section"] = [{"name": name, "path": path} for name, path in sections]
    tail = "" if "directory" in table else "newsfragments"
    dirs = ["/".join(p for p in (base, section, tail) if p) for _, section in sections or [("", "")]]
    files = []
    for directory in dirs:
        for _ in range(read.byte() % 7):
            choice = read.byte() % 8
            if choice == 0:
                name = read.pick(WHOLE)
            else:  # mostly a configured type (the directory towncrier knows it by), sometimes a typo
                kind = read.pick(PARTS) if choice == 1 else read.pick(types).lower()
                name = f"{read.pick(STEMS)}.{kind}{read.pick(SUFFIXES)}"
            if name not in (".", ".."):
                files.append(f"{directory}/{name}")
    subdirs = [f"{d}/{read.pick(['sub', '1.feature', 'README'])}" for d in dirs if read.byte() % 8 == 0]
    return table, files, subdirs


def _towncrier(root: str, table: dict[str, Any], strict: bool) -> set[tuple[str, str]] | None:
    config = parse_toml(root, {"tool": {"towncrier": table}})
    try:
        _, found = find_fragments(root, config, strict=strict)
    except (ClickException, ValueError, IsADirectoryError):
        return None
    return {(os.path.relpath(path, root).replace(os.sep, "/"), kind) for path, kind in found}


@settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=8, max_size=80))
def test_releasekit_finds_the_fragments_towncrier_finds(data: bytes) -> None:
    table, files, subdirs = project(data)
    root = tempfile.mkdtemp(prefix="rk-frag-")
    try:
        for rel in [*files, *(t for t in [table.get("template")] if t and ":" not in t)]:
            path = Path(root, rel)
            if path.is_dir():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("A change.\n", encoding="utf-8")
        for rel in subdirs:
            if not Path(root, rel).exists():
                Path(root, rel).mkdir(parents=True)
        config = fragments_config(table, Path(root, "pyproject.toml"), project_name="pkg")
        fragments, findings = validate_directory(root, config)
        ours = {(f.path, f.type) for f in fragments}
        strict = _towncrier(root, table, strict=True)
        lenient = _towncrier(root, table, strict=False)
    finally:
        shutil.rmtree(root)
    assert (strict is None) == bool(findings), (findings, strict)
    if strict is not None:
        assert ours == strict
    if lenient is not None:
        assert ours == lenient  # the invalid names are findings here, skipped there
    else:
        assert findings


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("12.feature.md", ("12", "feature")),  # whatever the news file's extension
        ("fix-1.2.3.feature", ("fix-1.2.3", "feature")),
        ("0042.bugfix.1.md", ("42", "bugfix")),
        ("+.feature.md", (None, "feature")),
    ],
)
def test_names_towncrier_reads(name: str, expected: tuple[str | None, str]) -> None:
    from releasekit.changelog.fragments import parse_name

    config = fragments_config({"filename": "NEWS.rst"}, Path("pyproject.toml"))
    assert parse_name(name, config) == expected


def test_the_projects_own_towncrier_files_are_not_fragments(tmp_path: Path) -> None:
    """The case that blocked preflight: a template in changelog.d, a README, an ignored draft."""
    from releasekit import config

    write_files(tmp_path, demo_files())
    pyproject = tmp_path / "pyproject.toml"
    own = 'orphan_prefix = "+"\ntemplate = "changelog.d/template.md.jinja"\nignore = ["draft-*"]'
    pyproject.write_text(pyproject.read_text().replace('orphan_prefix = "+"', own))
    write_files(
        tmp_path,
        {
            "changelog.d/template.md.jinja": "{% for section in sections %}{% endfor %}\n",
            "changelog.d/README.md": "How to write a fragment.\n",
            "changelog.d/.keep": "",
            "changelog.d/Draft-idea.txt": "Not yet.\n",
            "changelog.d/12.feature.md": "Shouts.\n",
        },
    )
    cfg = config.load(tmp_path)
    assert cfg.fragments.template == "template.md.jinja"
    fragments, findings = validate_directory(cfg.root, cfg.fragments)
    assert findings == []
    assert [(f.path, f.issue, f.type) for f in fragments] == [("changelog.d/12.feature.md", "12", "feature")]
    towncrier = _towncrier(str(tmp_path), tomllib.loads(pyproject.read_text())["tool"]["towncrier"], True)
    assert towncrier == {("changelog.d/12.feature.md", "feature")}
