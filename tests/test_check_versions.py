"""`releasekit check versions` on real repositories, through the real command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import commit_all, git, make_repo, write_files
from tests.helpers.projects import pyproject_only_files, seed_files, seed_repo

ROOT = Path(__file__).resolve().parents[1]


def test_seed_layout_in_sync_passes(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 0, result.output
    assert result.stdout == ""
    assert "1.2.3" in result.stderr


def test_setup_py_out_of_sync_reports_its_position(tmp_path: Path) -> None:
    files = seed_files()
    files["setup.py"] = files["setup.py"].replace('version="1.2.3"', 'version="1.2.4"')
    repo = make_repo(tmp_path / "seed", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["setup.py:5:14: expected 1.2.3, found 1.2.4"]


def test_docs_conf_release_and_short_version_are_both_checked(tmp_path: Path) -> None:
    files = seed_files()
    files["docs/conf.py"] = files["docs/conf.py"].replace('"1.2"', '"1.3"').replace('"1.2.3"', '"1.2.0"')
    repo = make_repo(tmp_path / "seed", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/conf.py:4:12: expected 1.2.3, found 1.2.0",
        "docs/conf.py:3:12: expected 1.2, found 1.3",
    ]


def test_init_py_out_of_sync(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed", **{"src/seed/__init__.py": '__version__ = "2.0.0"\n'})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.strip() == "src/seed/__init__.py:1:16: expected 1.2.3, found 2.0.0"


def test_pyproject_only_layout(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "lone", pyproject_only_files("0.4.0"))
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    text = (repo / "pyproject.toml").read_text().replace('version = "0.4.0"\nrequires', 'version = "0.4.1"\nrequires')
    (repo / "pyproject.toml").write_text(text)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.strip() == "pyproject.toml:3:12: expected 0.4.0, found 0.4.1"


@pytest.mark.parametrize("bad", ["1.2", "v1.2.3.4", "1.0+local", "1.2.3.4"])
def test_malformed_version_in_a_file_is_a_finding(tmp_path: Path, bad: str) -> None:
    repo = seed_repo(tmp_path / "seed", **{"src/seed/__init__.py": f'__version__ = "{bad}"\n'})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.strip() == f"src/seed/__init__.py:1:16: expected 1.2.3, found {bad}"


def test_newer_tag_on_history_is_reported(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    git(repo, "tag", "-a", "v1.3.0", "-m", "Release v1.3.0")
    git(repo, "tag", "v9.9.9-not-a-release")
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert "pyproject.toml:6:20: tag v1.3.0 on HEAD's history is newer than the current version 1.2.3" in result.stdout


def test_older_and_equal_tags_pass(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    git(repo, "tag", "v1.2.2")
    git(repo, "tag", "v1.2.3")
    assert releasekit("check", "versions", cwd=repo).returncode == 0


def test_tag_not_on_history_is_ignored(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    git(repo, "checkout", "-q", "-b", "other")
    write_files(repo, {"other.txt": "x"})
    commit_all(repo, "other")
    git(repo, "tag", "v5.0.0")
    git(repo, "checkout", "-q", "main")
    assert releasekit("check", "versions", cwd=repo).returncode == 0


def test_missing_file_non_utf8_and_no_version_are_findings(tmp_path: Path) -> None:
    files = seed_files()
    del files["setup.py"]
    repo = make_repo(tmp_path / "seed", files)
    (repo / "src/seed/__init__.py").write_bytes(b'"""caf\xe9"""\n__version__ = "1.2.3"\n')
    (repo / "docs/conf.py").write_text('project = "seed"\n')
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "setup.py:1:1: file not found (listed in [[tool.bumpversion.files]])",
        "src/seed/__init__.py:1:1: not valid UTF-8; cannot check the version",
        "docs/conf.py:1:1: no version found; expected 1.2.3",
        "docs/conf.py:1:1: no version found; expected 1.2",
    ]
    assert "Traceback" not in result.output


def test_formats_json_and_github(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed", **{"src/seed/__init__.py": '__version__ = "2.0.0"\n'})
    as_json = releasekit("check", "versions", "--format", "json", cwd=repo)
    assert as_json.returncode == 1
    assert '"path": "src/seed/__init__.py"' in as_json.stdout
    github = releasekit("check", "versions", "--format", "github", cwd=repo)
    assert github.stdout.strip() == "::error file=src/seed/__init__.py,line=1,col=16::expected 1.2.3, found 2.0.0"


def test_runs_from_a_subdirectory(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    assert releasekit("check", "versions", cwd=repo / "src" / "seed").returncode == 0


def test_this_repository_is_in_sync() -> None:
    result = releasekit("check", "versions", cwd=ROOT)
    assert result.returncode == 0, result.output


BAD_CONFIG = [
    ("broken toml", {"pyproject.toml": "[tool.bumpversion\ncurrent_version = 1"}, "pyproject.toml: invalid TOML"),
    (
        "unknown key",
        {"pyproject.toml": '[tool.releasekit]\nrelase_branch = "main"\n'},
        "pyproject.toml: [tool.releasekit] unknown key 'relase_branch'; did you mean 'release_branch'?",
    ),
    (
        "unknown nested key",
        {"pyproject.toml": '[tool.releasekit.test_index]\nupload = "x"\n'},
        "[tool.releasekit.test_index] unknown key 'upload'",
    ),
    (
        "wrong type",
        {"pyproject.toml": "[tool.releasekit]\nsign_tags = 'yes'\n"},
        "[tool.releasekit] sign_tags must be true or false",
    ),
    ("no bumpversion", {"pyproject.toml": "[project]\nname = 'x'\n"}, "no version found"),
    (
        "two-part version",
        {"pyproject.toml": '[tool.bumpversion]\ncurrent_version = "1.2"\n'},
        "current_version: '1.2' is not a release version",
    ),
    (
        "four-part version with v",
        {"pyproject.toml": '[tool.bumpversion]\ncurrent_version = "v1.2.3.4"\n'},
        "'v1.2.3.4' is not a release version",
    ),
    (
        "local version",
        {"pyproject.toml": '[tool.bumpversion]\ncurrent_version = "1.0+local"\n'},
        "'1.0+local' is not a release version",
    ),
    (
        "file entry without a name",
        {"pyproject.toml": '[tool.bumpversion]\ncurrent_version = "1.0.0"\n[[tool.bumpversion.files]]\nsearch = "x"\n'},
        "entry 1 needs a filename or glob",
    ),
    (
        "no files",
        {"pyproject.toml": '[tool.bumpversion]\ncurrent_version = "1.0.0"\n'},
        "lists no files",
    ),
    (
        "coverage threshold",
        {"pyproject.toml": '[tool.coverage.report]\nfail_under = "high"\n'},
        "[tool.coverage.report] fail_under must be a number",
    ),
]


@pytest.mark.parametrize(("files", "message"), [case[1:] for case in BAD_CONFIG], ids=[c[0] for c in BAD_CONFIG])
def test_bad_configuration_exits_2_with_one_line(tmp_path: Path, files: dict[str, str], message: str) -> None:
    repo = make_repo(tmp_path / "bad", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("releasekit: error: ")
    assert message in lines[0]


def test_non_utf8_pyproject_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "bad", {"pyproject.toml": b"[project]\nname = '\xff'\n"})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("pyproject.toml: not valid UTF-8")


def test_no_pyproject_exits_2(tmp_path: Path) -> None:
    result = releasekit("check", "versions", cwd=tmp_path)
    assert result.returncode == 2
    assert "no pyproject.toml here or in any parent directory" in result.stderr


def test_bumpversion_toml_file_is_read(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[project]\nname = 'x'\nversion = '3.0.0'\n",
        ".bumpversion.toml": '[tool.bumpversion]\ncurrent_version = "3.0.1"\n[[tool.bumpversion.files]]\n'
        'filename = "pyproject.toml"\n',
    }
    repo = make_repo(tmp_path / "alt", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.strip() == "pyproject.toml:3:12: expected 3.0.1, found 3.0.0"
