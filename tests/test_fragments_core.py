"""The fragment rules as plain functions: names, types, roles, the directory's check, source paths, branches.

No hook and no git diff here (see test_fragments_check.py for the command, test_hookcache.py
for its fast path): files in a temporary directory and plain values in, findings out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st

from releasekit import config
from releasekit.changelog.fragments import RECOMMENDED_TYPES, create_command, parse_name, validate_directory
from releasekit.changelog.towncrier_config import main as print_config
from releasekit.changelog.towncrier_config import repository_url, towncrier_toml, web_url
from releasekit.checks.changelog_fragment import issue_from_branch
from releasekit.checks.source_paths import default_source_paths, source_matcher
from tests.helpers.fragments import demo_files
from tests.helpers.gitrepo import git, make_repo, write_files

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path: Path, fragments: dict[str, str | bytes]) -> config.Config:
    write_files(tmp_path, demo_files())
    write_files(tmp_path, {f"changelog.d/{name}": text for name, text in fragments.items()})
    return config.load(tmp_path)


def _messages(cfg: config.Config) -> dict[str, str]:
    _, findings = validate_directory(cfg.root, cfg.fragments)
    assert all(f.line == 1 and f.col == 1 for f in findings)
    return {f.path: f.message for f in findings}


# --- the fragment directory: names, types, content ------------------------------------------


def test_valid_fragments_pass(tmp_path: Path) -> None:
    cfg = _project(
        tmp_path,
        {
            "12.feature.md": "Added a thing.\n",
            "12.feature.1.md": "And another.\n",
            "0013.bugfix.md": "Fixed it.\n",
            "+tidy-up.misc.md": "Internal tidying.\n",
            "README.md": "",  # not a fragment
            ".gitkeep": "",
        },
    )
    fragments, findings = validate_directory(cfg.root, cfg.fragments)
    assert findings == []
    assert sorted((f.path, f.issue, f.type) for f in fragments) == [
        ("changelog.d/+tidy-up.misc.md", None, "misc"),
        ("changelog.d/0013.bugfix.md", "13", "bugfix"),
        ("changelog.d/12.feature.1.md", "12", "feature"),
        ("changelog.d/12.feature.md", "12", "feature"),
    ]


def test_each_problem_is_reported_with_its_file(tmp_path: Path) -> None:
    cfg = _project(
        tmp_path,
        {
            "1.feture.md": "Typo in the type.\n",
            "2.bugfix.md": "",
            "3.doc.md": "  \n\t\n",
            "4.feature.md": b"caf\xe9\n",
            "5.feature": "No extension.\n",
            "six.feature.md": "Not an issue number.\n",
            "7.feature.txt": "Wrong extension.\n",
            "8.md": "No type.\n",
            "9.feature.md": "Add your info here\n",
            "10.zzz.md": "Nothing close.\n",
        },
    )
    got = _messages(cfg)
    assert got["changelog.d/1.feture.md"].startswith("unknown fragment type 'feture'; did you mean 'feature'?")
    assert got["changelog.d/2.bugfix.md"] == "fragment is empty; write a sentence for the release notes"
    assert got["changelog.d/3.doc.md"] == "fragment is empty; write a sentence for the release notes"
    assert got["changelog.d/4.feature.md"] == "not valid UTF-8 (byte 0xe9 at offset 3); save it as UTF-8"
    assert "changelog.d/5.feature" not in got  # towncrier takes a name without an extension
    assert "changelog.d/six.feature.md" not in got  # towncrier's issue can be any text (fix-1.2.3)
    assert "changelog.d/7.feature.txt" not in got  # nor does it look at the extension
    assert got["changelog.d/8.md"].startswith("not a fragment name: no type (feature, ")
    assert "placeholder" in got["changelog.d/9.feature.md"]
    assert "did you mean" not in got["changelog.d/10.zzz.md"]
    assert len(got) == 7


def test_breaking_needs_a_migration_fragment(tmp_path: Path) -> None:
    cfg = _project(tmp_path, {"7.breaking.md": "Removed the old API.\n", "8.feature.md": "New.\n"})
    assert _messages(cfg) == {
        "changelog.d/7.breaking.md": "a breaking change needs a migration fragment in the same release; add one: "
        "towncrier create --content 'How to upgrade' 7.migration.md"
    }
    (tmp_path / "changelog.d" / "9.migration.md").write_text("Call new_api() instead.\n")
    assert _messages(cfg) == {}


def test_missing_directory_holds_no_fragments(tmp_path: Path) -> None:
    write_files(tmp_path, demo_files())
    (tmp_path / "changelog.d" / ".gitignore").unlink()
    (tmp_path / "changelog.d").rmdir()
    cfg = config.load(tmp_path)
    assert validate_directory(cfg.root, cfg.fragments) == ([], [])


def test_towncrier_ignore_and_check_false_are_read(tmp_path: Path) -> None:
    files = demo_files()
    files["pyproject.toml"] = (
        files["pyproject.toml"]
        .replace('orphan_prefix = "+"', 'orphan_prefix = "+"\nignore = ["notes.txt"]')
        .replace('name = "Internal"\nshowcontent = false', 'name = "Internal"\nshowcontent = false\ncheck = false')
    )
    write_files(tmp_path, files)
    write_files(tmp_path, {"changelog.d/notes.txt": "scratch\n"})
    cfg = config.load(tmp_path)
    assert cfg.fragments.ignore == ("notes.txt",)
    assert [t.directory for t in cfg.fragments.types if not t.check] == ["misc"]
    assert validate_directory(cfg.root, cfg.fragments) == ([], [])


def test_parse_name_for_rst_projects(tmp_path: Path) -> None:
    files = demo_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace('filename = "CHANGELOG.md"', 'filename = "NEWS.rst"')
    write_files(tmp_path, files)
    spec = config.load(tmp_path).fragments
    assert parse_name("3.feature.rst", spec) == ("3", "feature")
    assert parse_name("3.feature.md", spec) == ("3", "feature")  # towncrier reads any extension
    assert str(parse_name("3.md", spec)).endswith(
        "name it <issue>.<type>.rst or +<slug>.<type>.rst, e.g. 123.feature.rst, or add it to towncrier's ignore"
    )
    assert create_command("3", "bugfix", "Fixed", ".rst") == "towncrier create --content 'Fixed' 3.bugfix.rst"


# --- the change: branch names, source paths -----------------------------------------------------


@pytest.mark.parametrize(
    ("branch", "issue"),
    [
        ("42-add-answer", "42"),
        ("fix/gh-17-crash", "17"),
        ("feature/issue_9", "9"),
        ("user/123", "123"),
        ("release-1.2", None),
        ("main", None),
        (None, None),
        ("py311-support", None),
    ],
)
def test_issue_from_branch(branch: str | None, issue: str | None) -> None:
    assert issue_from_branch(branch) == issue


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        ("**/x.py", ["x.py", "a/x.py", "a/b/x.py"], ["ax.py", "a/x.pyc"]),
        ("src/**/test_*.py", ["src/test_a.py", "src/a/b/test_c.py"], ["src/a/test/x.py", "test_a.py"]),
        ("src/**", ["src/a", "src/a/b/c.py"], ["src", "srcx/a"]),
        ("src/**.py", ["src/a.py", "src/a/b.py"], ["src/a.pyc"]),
        ("src/?.py", ["src/a.py", "src/é.py"], ["src/ab.py", "src//.py", "src/.py"]),
        ("src/demo/", ["src/demo/a.py", "src/demo/a/b.py", "src/demo"], ["src/demox/a.py"]),
        ("./src/demo", ["src/demo/a.py"], ["./src/demo/a.py"]),
        ("./src/*.py", ["src/a.py"], ["src/a/b.py"]),
        ("src/[ab].py", ["src/[ab].py"], ["src/a.py"]),  # no character classes: [ is itself
        ("src/pkg[1]", ["src/pkg[1]/x.py"], ["src/pkg1/x.py"]),
        ("src/*", ["src/a\nb.py", "src/ tab\t.py"], ["src/a/b.py"]),
        ("src/**", ["src/new\nline/x.py"], []),
        ("src/demo", ["src/demo/core.py", "src/demo/new\nline.py"], ["src/demoextra/x.py"]),
        ("src/**/*.py", ["src/demo/sub/x.py", "src/x.py"], []),
        ("src/*.py", [], ["src/demo/x.py"]),
        ("**/*.pyx", ["a/b/c.pyx"], []),
        ("./lib/?.c", ["lib/a.c"], []),
        ("setup.py", ["setup.py"], []),
        ("src/*/", ["src/demo/sub/x.py"], ["src/x.py"]),
        ("/src/*.py", ["src/x.py"], []),
    ],
)
def test_source_path_globs(pattern: str, yes: list[str], no: list[str]) -> None:
    matches = source_matcher([pattern])
    assert [p for p in yes if not matches(p)] == []
    assert [p for p in no if matches(p)] == []


def test_no_source_globs_match_nothing() -> None:
    assert source_matcher([])("src/x.py") is False


def _oracle(pattern: str) -> re.Pattern[str]:
    """The glob rules as a regular expression: ``**/`` any directories, ``**`` anything, ``*``/``?`` within one."""
    pattern = pattern.strip().removeprefix("./").lstrip("/")
    if "*" not in pattern and "?" not in pattern:
        return re.compile(re.escape(pattern.rstrip("/")) + "(?:/.*)?")
    pattern += "**" if pattern.endswith("/") else ""  # a directory: everything below it
    out = ""
    for token in re.findall(r"\*\*/|\*\*|\*|\?|[^*?]", pattern):
        out += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token) or re.escape(token)
    return re.compile(out, re.DOTALL)


@given(
    pattern=st.text(alphabet="ab/*?.", min_size=1, max_size=8),
    path=st.text(alphabet="ab/.", max_size=10),
)
def test_globs_agree_with_their_regular_expression(pattern: str, path: str) -> None:
    expected = _oracle(pattern).fullmatch(path) is not None if pattern.strip() else False
    assert source_matcher([pattern])(path) is expected


def test_default_source_paths(tmp_path: Path) -> None:
    write_files(tmp_path / "a", {"src/my_pkg/__init__.py": ""})
    assert default_source_paths(tmp_path / "a", "My-Pkg") == ("src/my_pkg",)
    write_files(tmp_path / "b", {"flat/__init__.py": "", "tests/__init__.py": "", "docs/x.md": ""})
    assert default_source_paths(tmp_path / "b", None) == ("flat",)
    write_files(tmp_path / "c", {"src/other/__init__.py": ""})
    assert default_source_paths(tmp_path / "c", "unknown") == ("src",)
    write_files(tmp_path / "d", {"single.py": ""})
    assert default_source_paths(tmp_path / "d", "single") == ("single.py",)


# --- towncrier's configuration, as releasekit recommends it -----------------------------------------


def test_repository_uses_the_recommended_configuration() -> None:
    own = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["towncrier"]
    recommended = tomllib.loads(towncrier_toml("https://github.com/releasekit/releasekit.git/"))["tool"]["towncrier"]
    assert own == recommended
    assert [t["directory"] for t in own["type"]] == [kind for kind, _, _ in RECOMMENDED_TYPES]
    assert [t["name"] for t in own["type"]][:3] == ["What's New", "Breaking Changes", "Migration Guide"]
    misc = own["type"][-1]
    assert (misc["directory"], misc["name"], misc["showcontent"]) == ("misc", "Internal", False)


def test_recommended_configuration_without_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert print_config([]) == 0
    table = tomllib.loads(capsys.readouterr().out)["tool"]["towncrier"]
    assert table["title_format"] == "## {version} - {project_date}"
    assert table["issue_format"] == "#{issue}"
    assert print_config(["--help"]) == 2


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://github.com/o/r.git", "https://github.com/o/r"),
        ("git@github.com:o/r.git", "https://github.com/o/r"),
        ("ssh://git@gitlab.com/g/p.git", "https://gitlab.com/g/p"),
        ("https://user:token@github.com/o/r.git", None),
        ("/srv/git/r.git", None),
    ],
)
def test_web_url(url: str, web: str | None) -> None:
    assert web_url(url) == web


def test_repository_url_from_project_urls_then_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"pyproject.toml": '[project]\nname = "r"\n'})
    assert repository_url(repo) is None
    git(repo, "remote", "add", "origin", "git@github.com:owner/r.git")
    assert repository_url(repo) == "https://github.com/owner/r"
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "r"\n[project.urls]\nHomepage = "https://r.example"\nSource = "https://github.com/o/src"\n'
    )
    assert repository_url(repo) == "https://github.com/o/src"
    monkeypatch.chdir(repo)
    assert print_config([]) == 0
    table = tomllib.loads(capsys.readouterr().out)["tool"]["towncrier"]
    assert table["issue_format"] == "[#{issue}](https://github.com/o/src/issues/{issue})"
