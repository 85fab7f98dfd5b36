"""The pieces of `releasekit init` on their own: marker placement, pre-commit text, legacy INI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import tomlkit
import yaml

from releasekit.adopt import bumpconfig
from releasekit.adopt.bumpconfig import convert_legacy
from releasekit.adopt.changelog import insert_marker, release_underlines, type_roles
from releasekit.adopt.precommit import add_hooks
from releasekit.checks.changelog_fragment import only_adds_marker
from releasekit.errors import ReleasekitError
from tests.helpers.gitrepo import make_repo, write_files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RST_OVERLINED = """\
=========
Changelog
=========

Intro text.

v1.2.0 (2024-01-01)
*******************

- Thing.
"""


def test_rst_marker_goes_before_the_newest_release_under_an_overlined_title() -> None:
    new = insert_marker(RST_OVERLINED, "CHANGELOG.rst")
    assert new == RST_OVERLINED.replace("v1.2.0", ".. towncrier release notes start\n\nv1.2.0")
    assert release_underlines(RST_OVERLINED) == ("*", "-", "~")
    assert insert_marker(new, "CHANGELOG.rst") == new  # once only


def test_markdown_marker_ignores_headings_in_code_and_goes_at_the_end_without_releases() -> None:
    text = "# Changelog\n\n```\n# 1.0 is not a heading\n```\n"
    assert insert_marker(text, "CHANGELOG.md") == text + "\n<!-- towncrier release notes start -->\n"
    assert insert_marker("## 0.1.0\n\n- First.", "CHANGES.md") == (
        "<!-- towncrier release notes start -->\n\n## 0.1.0\n\n- First."
    )
    untitled = "## 0.2.0\n\n- Second.\n\n## 0.1.0\n\n- First.\n"
    assert insert_marker(untitled, "CHANGES.md") == "<!-- towncrier release notes start -->\n\n" + untitled
    titled = "# Changes in 1.x\n\n## 1.1.0\n\n## 1.0.0\n"
    assert insert_marker(titled, "CHANGES.md") == titled.replace(
        "## 1.1.0", "<!-- towncrier release notes start -->\n\n## 1.1.0"
    )


def test_plain_text_changelog_gets_the_rst_marker() -> None:
    text = "CHANGES\n=======\n\n1.0.0\n-----\n\n* First.\n"
    assert insert_marker(text, "CHANGES.txt") == text.replace("1.0.0\n", ".. towncrier release notes start\n\n1.0.0\n")
    assert release_underlines(text) == ("-", "~", "^")
    assert release_underlines("") == ("-", "~", "^")


@pytest.mark.parametrize(
    ("diff", "accepted"),
    [
        ("--- a/C.md\n+++ b/C.md\n@@ -3,0 +4,2 @@\n+<!-- towncrier release notes start -->\n+\n", True),
        ("@@ -3,0 +4,1 @@\n+.. towncrier release notes start\n", True),
        ("@@ -3,0 +4,2 @@\n+<!-- towncrier release notes start -->\n+- sneaked in\n", False),
        ("@@ -3 +3,2 @@\n-old\n+<!-- towncrier release notes start -->\n", False),
        ("", False),
    ],
)
def test_only_a_start_marker_is_not_a_hand_edit(diff: str, accepted: bool) -> None:
    assert only_adds_marker(diff) is accepted


def test_pre_commit_entry_goes_at_the_end_of_a_last_repos_key_without_final_newline() -> None:
    text = "repos:\n  - repo: local\n    hooks:\n      - id: x\n        name: x\n        entry: x\n"
    text += "        language: system"
    new = add_hooks(text, "v9.9.9", ["check-links"])
    assert new.startswith(text + "\n  - repo: https://github.com/releasekit/releasekit\n    rev: v9.9.9\n")
    assert [r["repo"] for r in yaml.safe_load(new)["repos"]] == ["local", "https://github.com/releasekit/releasekit"]


def test_pre_commit_config_without_repos_gets_the_key() -> None:
    new = add_hooks("# only a comment\nfail_fast: true\n", "v1.0.0", ["version-sync"])
    assert yaml.safe_load(new)["repos"][0]["hooks"] == [{"id": "version-sync"}]
    assert new.startswith("# only a comment\nfail_fast: true\nrepos:\n")
    with pytest.raises(ReleasekitError, match=r"repos is empty \(null\)"):
        add_hooks("repos:\n", "v1.0.0", ["version-sync"])
    with pytest.raises(ReleasekitError, match="repos is an empty list"):
        add_hooks("repos: []\n", "v1.0.0", ["version-sync"])


def test_legacy_ini_converts_parts_globs_and_lists() -> None:
    table = convert_legacy(
        "[bumpversion]\ncurrent_version = 1.0.0rc1\n"
        "parse = (?P<major>\\d+)\\.(?P<minor>\\d+)\\.(?P<patch>\\d+)(?P<pre>rc\\d+)?\n"
        "serialize =\n    {major}.{minor}.{patch}{pre}\n    {major}.{minor}.{patch}\n"
        "allow_dirty = False\n\n"
        "[bumpversion:part:pre]\noptional_value = final\nvalues =\n    rc\n    final\n\n"
        "[bumpversion:glob:docs/*.txt]\n"
    )
    doc = tomlkit.document()
    doc["tool"] = {"bumpversion": table}
    parsed = tomlkit.parse(tomlkit.dumps(doc))["tool"]["bumpversion"]
    assert parsed["serialize"] == ["{major}.{minor}.{patch}{pre}", "{major}.{minor}.{patch}"]
    assert parsed["allow_dirty"] is False
    assert parsed["parse"] == "(?P<major>\\d+)\\.(?P<minor>\\d+)\\.(?P<patch>\\d+)(?P<pre>rc\\d+)?"
    assert parsed["parts"]["pre"] == {"optional_value": "final", "values": ["rc", "final"]}
    assert parsed["files"] == [{"glob": "docs/*.txt"}]


def test_type_roles_map_only_what_differs() -> None:
    assert type_roles(["feature", "bugfix", "doc", "removal", "misc"]) == {"removal": "breaking"}
    assert type_roles(["added", "breaking", "upgrading", "security"]) == {"added": "feature", "upgrading": "migration"}


def test_version_places_in_setup_cfg_and_poetry(tmp_path: Path) -> None:
    from releasekit.adopt.detect import version_places

    write_files(
        tmp_path,
        {
            "setup.cfg": "[metadata]\nname = cfgpkg\nversion = 0.9.1\n\n[options]\nversion = not-this\n",
            "cfgpkg/__init__.py": "__version__: str = '0.9.1'\n",
        },
    )
    poetry = '[tool.poetry]\nname = "cfgpkg"\nversion = "0.9.1"\n\n[tool.other]\nversion = "9"\n'
    places = version_places(tmp_path, poetry, tomllib.loads(poetry), "cfgpkg")
    assert [(p.path, p.search, p.value) for p in places] == [
        ("pyproject.toml", 'version = "{current_version}"', "0.9.1"),
        ("setup.cfg", "version = {current_version}", "0.9.1"),
        ("cfgpkg/__init__.py", "__version__: str = '{current_version}'", "0.9.1"),
    ]


@pytest.mark.parametrize(
    ("manifest", "added"),
    [
        (None, "include .pre-commit-config.yaml\ninclude CHANGES.rst\ngraft changelog.d\n"),
        (
            "include *.rst\r\ngraft changelog.d\r\n",
            "include *.rst\r\ngraft changelog.d\r\ninclude .pre-commit-config.yaml\r\n",
        ),
        (
            "global-include *.yaml *.rst\nrecursive-include changelog.d *",
            "global-include *.yaml *.rst\nrecursive-include changelog.d *\ngraft changelog.d\n",
        ),
        ("exclude .pre-commit-config.yaml\nprune changelog.d\ninclude CHANGES.rst\n", None),  # the project's choice
        ("graft .\n", None),
    ],
)
def test_setuptools_manifest_gets_what_the_release_needs(
    tmp_path: Path, manifest: str | None, added: str | None
) -> None:
    from releasekit.adopt.detect import detect
    from releasekit.adopt.plan import make_plan

    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "m"\nversion = "1.0.0"\n',
        "CHANGES.rst": "Changes\n=======\n\n1.0.0 (2024-01-01)\n------------------\n\n- First.\n",
    }
    repo = make_repo(tmp_path / "work", files)
    if manifest is not None:
        (repo / "MANIFEST.in").write_bytes(manifest.encode())
    changes = {c.path: c for c in make_plan(detect(repo)).changes}
    if added is None:
        assert "MANIFEST.in" not in changes
    else:
        assert changes["MANIFEST.in"].old == manifest and changes["MANIFEST.in"].new == added


def test_flit_without_sdist_settings_gets_its_include_list(tmp_path: Path) -> None:
    from releasekit.adopt.detect import detect
    from releasekit.adopt.plan import make_plan

    pyproject = (
        '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n'
        '[project]\nname = "f"\nversion = "1.0.0"\ndescription = "F."\n'
    )
    repo = make_repo(tmp_path / "work", {"pyproject.toml": pyproject, "f.py": ""})
    change = {c.path: c for c in make_plan(detect(repo)).changes}["pyproject.toml"]
    assert change.new is not None and change.new.startswith(pyproject)
    assert tomllib.loads(change.new)["tool"]["flit"] == {
        "sdist": {"include": [".pre-commit-config.yaml", "CHANGELOG.md", "changelog.d/"]}
    }
    assert "[tool.flit.sdist]\ninclude = [" in change.new and "[tool.flit]\n" not in change.new


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("updates: " + "[" * 5000, "nested too deeply to read"),
        ("updates: [\n  - x: 1\n", "not valid YAML"),
        ("version: " + "9" * 5000 + "\n", "holds an integer of more than 100 digits"),
    ],
)
def test_every_yaml_init_edits_is_read_within_the_limits(text: str, message: str) -> None:
    from releasekit.adopt.precommit import load_yaml

    with pytest.raises(ReleasekitError) as info:
        load_yaml(text, ".github/dependabot.yml")
    assert str(info.value).startswith(".github/dependabot.yml: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_setup_cfg_loses_only_its_bumpversion_sections() -> None:
    text = (
        "[metadata]\nname = cfg\n\n[bumpversion]\ncurrent_version = 1.0.0\n\n"
        "[bumpversion:file (badge):README.rst]\nsearch = v{current_version}\nreplace = v{new_version}\n\n"
        "# pytest's options\n[tool:pytest]\naddopts = -p no:cacheprovider --cov-fail-under=90%\n"
    )
    table = bumpconfig.convert_legacy(text, bumpconfig.SETUP_CFG)
    assert table["current_version"] == "1.0.0"
    assert [dict(entry) for entry in table["files"]] == [
        {"filename": "README.rst", "search": "v{current_version}", "replace": "v{new_version}"}
    ]
    assert bumpconfig.without_bump_sections(text) == (
        "[metadata]\nname = cfg\n\n# pytest's options\n"
        "[tool:pytest]\naddopts = -p no:cacheprovider --cov-fail-under=90%\n"
    )
    assert bumpconfig.without_bump_sections("[bumpversion]\ncurrent_version = 1.0.0\n") is None
    assert bumpconfig.has_bump_sections(text) and not bumpconfig.has_bump_sections("[bumpversion:file:x]\n")
