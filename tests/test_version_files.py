"""The version-sync check on less common bump-my-version entries (core API, real files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit import config
from releasekit.bumpconfig import VersionFile
from releasekit.checks.version_sync import check_file, check_versions
from releasekit.errors import ReleasekitError


def _project(tmp_path: Path, files_toml: str, files: dict[str, str], version: str = "2.1.0") -> config.Config:
    (tmp_path / "pyproject.toml").write_text(f'[tool.bumpversion]\ncurrent_version = "{version}"\n{files_toml}')
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return config.load(tmp_path)


def test_glob_entries_cover_every_matching_file(tmp_path: Path) -> None:
    cfg = _project(
        tmp_path,
        '[[tool.bumpversion.files]]\nglob = "pkgs/*/version.py"\n',
        {"pkgs/a/version.py": 'VERSION = "2.1.0"\n', "pkgs/b/version.py": 'VERSION = "2.0.9"\n'},
    )
    assert [f.text() for f in check_versions(cfg, with_tags=False)] == [
        "pkgs/b/version.py:1:12: expected 2.1.0, found 2.0.9"
    ]


def test_custom_search_in_a_readme(tmp_path: Path) -> None:
    cfg = _project(
        tmp_path,
        '[[tool.bumpversion.files]]\nfilename = "README.md"\nsearch = "pip install thing=={current_version}"\n'
        'replace = "pip install thing=={new_version}"\n',
        {"README.md": "# thing\n\nRun `pip install thing==2.0.0` and more 9.9.9 text.\n"},
    )
    assert [f.text() for f in check_versions(cfg, with_tags=False)] == ["README.md:3:25: expected 2.1.0, found 2.0.0"]


def test_ignore_flags(tmp_path: Path) -> None:
    cfg = _project(
        tmp_path,
        '[[tool.bumpversion.files]]\nfilename = "gone.py"\nignore_missing_file = true\n'
        '[[tool.bumpversion.files]]\nfilename = "NOTES.txt"\nignore_missing_version = true\n',
        {"NOTES.txt": "nothing here\n"},
    )
    assert check_versions(cfg, with_tags=False) == []


def test_directory_entry_is_a_finding(tmp_path: Path) -> None:
    cfg = _project(tmp_path, '[[tool.bumpversion.files]]\nfilename = "docs"\n', {"docs/x": ""})
    found = [f.text() for f in check_versions(cfg, with_tags=False)]
    assert found == ["docs:1:1: is a directory, not a regular file; it is not read"]


def test_plain_text_file_holding_the_version_passes(tmp_path: Path) -> None:
    cfg = _project(tmp_path, '[[tool.bumpversion.files]]\nfilename = "VERSION"\n', {"VERSION": "2.1.0\n"})
    assert check_versions(cfg) == []  # not a git repository: the tag check is skipped


@pytest.mark.parametrize(
    ("search", "text", "expected"),
    [
        ("Version: 2.1.0", "Version: 2.1.0\n", []),
        ("Version: 2.1.0", "Version: 2.0.0\n", ["f.txt:1:1: search text 'Version: 2.1.0' not found"]),
        (
            "v{unknown_part}",
            "v1\n",
            ["f.txt:1:1: cannot check: search 'v{unknown_part}' names a part releasekit does not know"],
        ),
        ("release {current_version} (final)", "release 2.1.0 (final)\n", []),
    ],
)
def test_search_patterns(search: str, text: str, expected: list[str]) -> None:
    assert [f.text() for f in check_file("f.txt", text, VersionFile("f.txt", search=search), "2.1.0")] == expected


def test_python_version_is_not_mistaken_for_the_project_version() -> None:
    entry = VersionFile("pyproject.toml", search='version = "{current_version}"')
    text = '[project]\nversion = "2.1.0"\n[tool.mypy]\npython_version = "3.10"\n'
    assert check_file("pyproject.toml", text, entry, "2.1.0") == []


def test_pre_release_versions_check(tmp_path: Path) -> None:
    cfg = _project(
        tmp_path,
        '[[tool.bumpversion.files]]\nfilename = "p/__init__.py"\n',
        {"p/__init__.py": '__version__ = "3.0.0rc2"\n'},
        version="3.0.0rc2",
    )
    assert check_versions(cfg, with_tags=False) == []


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[tool.bumpversion.files]]\nfilename = "a"\n[tool.releasekit]\ntest_index = "x"\n',
            "test_index must be a table",
        ),
        ('[tool.releasekit.links]\ntimeout = "fast"\n', "timeout must be a number"),
        ("[tool.releasekit.links]\ncache_ttl = true\n", "cache_ttl must be an integer"),
        ("[[tool.towncrier.type]]\nname = 3\n", "[[tool.towncrier.type]] entry 1: name must be a string, not 3"),
        ("[tool.towncrier]\ndirectory = 3\n", "[tool.towncrier] directory must be a non-empty string, not 3"),
        ("[tool.bumpversion]\ncurrent_version = 3\n", "current_version is missing or not a string"),
    ],
)
def test_more_configuration_errors(tmp_path: Path, toml: str, message: str) -> None:
    text = toml if toml.startswith("[tool.bumpversion]\n") else '[tool.bumpversion]\ncurrent_version = "1.0.0"\n' + toml
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ReleasekitError) as info:
        config.load(tmp_path)
    assert message in str(info.value)


def test_towncrier_fragment_table_form(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.towncrier]\nfilename = "NEWS.md"\n[tool.towncrier.fragment.feature]\n[tool.towncrier.fragment.chore]\n'
        'name = "Chores"\nshowcontent = false\n'
    )
    cfg = config.load(tmp_path)
    assert [(t.directory, t.name, t.showcontent) for t in cfg.fragments.types] == [
        ("chore", "Chores", False),  # towncrier sorts the tables by name
        ("feature", "Feature", True),
    ]
    assert cfg.fragments.filename == "NEWS.md"


def test_towncrier_type_directory_defaults_to_its_name_lowercased(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.towncrier]\n[[tool.towncrier.type]]\nname = 'Deprecations'\n")
    assert [(t.directory, t.name) for t in config.load(tmp_path).fragments.types] == [("deprecations", "Deprecations")]


def test_bumpversion_files_entry_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.bumpversion]\ncurrent_version = "1.0.0"\nfiles = ["a"]\n')
    with pytest.raises(ReleasekitError, match="entry 1 must be a table"):
        config.load(tmp_path)


def test_unreadable_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").mkdir()
    (tmp_path / "sub").mkdir()
    with pytest.raises(ReleasekitError, match=r"no pyproject\.toml"):
        config.load(tmp_path / "sub")
    with pytest.raises(ReleasekitError, match=r"pyproject\.toml: is a directory, not a regular file; it is not read$"):
        config.read_toml(tmp_path / "pyproject.toml")
    with pytest.raises(ReleasekitError, match="file not found"):
        config.read_toml(tmp_path / "missing.toml")
