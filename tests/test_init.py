"""`releasekit init` on projects in the shapes real ones have, through the real CLI and real git."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from releasekit.config import read_toml
from tests.helpers import adoption
from tests.helpers.adoption import init
from tests.helpers.cli import on_terminal, releasekit
from tests.helpers.gitrepo import commit_all, git, write_files


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (outside .git) and its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def adopt_and_commit(repo: Path, *args: str) -> str:
    code, out, err = init(repo, "--yes", *args)
    assert code == 0, out + err
    commit_all(repo, "Adopt releasekit")
    return out


def adopted_and_committed(
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    files: Callable[[], dict[str, str]],
    *,
    branch: str = "main",
    tags: tuple[str, ...] = (),
    name: str = "",
) -> tuple[Path, str]:
    """As ``adopt_and_commit(project_repo(...))``, on a copy of the adoption made once per run (its tags on origin)."""
    repo, result = adoption.adopted_copy(tmp_path_factory, tmp_path, files, branch=branch, tags=tags, name=name)
    assert result.returncode == 0, result.output
    commit_all(repo, "Adopt releasekit")
    return repo, result.stdout


def checks_pass(repo: Path) -> None:
    for check in ("versions", "fragments"):
        result = releasekit("check", check, cwd=repo)
        assert result.returncode == 0, (check, result.output)


def test_legacy_setup_py_project_on_master(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    repo, out = adopted_and_committed(
        tmp_path_factory, tmp_path, adoption.legacy_files, branch="master", tags=("2.3.0", "2.3.1")
    )
    before = adoption.legacy_files()["pyproject.toml"]  # what project_repo wrote before init

    assert not (repo / ".bumpversion.cfg").exists()
    after = (repo / "pyproject.toml").read_text()
    assert after.startswith(before)  # the project's own text is kept; init only adds below it
    config = read_toml(repo / "pyproject.toml")["tool"]
    bump = config["bumpversion"]
    assert bump["current_version"] == "2.3.1"  # the stale 2.3.0 of .bumpversion.cfg, fixed
    assert bump["tag_name"] == "{new_version}" and bump["commit"] is True
    assert [(f["filename"], f["search"]) for f in bump["files"]] == [
        ("setup.py", 'version="{current_version}"'),
        ("README.rst", "version-{current_version}-blue"),
        ("src/oldpkg/__init__.py", '__version__ = "{current_version}"'),
    ]
    assert "[[tool.bumpversion.files]] # badge\n" in after  # the named section keeps its name
    assert config["releasekit"] == {
        "release_branch": "master",
        "tag_format": "{version}",
        "fragment_roles": {"removal": "breaking"},
    }
    assert config["towncrier"]["directory"] == "changelog"  # the project's towncrier is kept
    assert (repo / "CHANGELOG.rst").read_text() == adoption.LEGACY_CHANGELOG
    assert "current_version 2.3.0 was stale: the project is at 2.3.1" in out
    assert "# remove .bumpversion.cfg" in out
    assert "note: tox: nothing to add" in out
    assert "title_format" not in out  # the project's towncrier sets it: its titles keep their style
    # setuptools builds the sdist from MANIFEST.in: the release's check-manifest needs the new file listed.
    assert (
        repo / "MANIFEST.in"
    ).read_text() == "include *.rst tox.ini\ngraft changelog\ngraft tests\ninclude .pre-commit-config.yaml\n"
    hooks = (repo / ".pre-commit-config.yaml").read_text()
    assert "rev: v0.1.0" in hooks and "id: version-sync" in hooks and "id: check-links" in hooks
    checks_pass(repo)


def test_setuptools_scm_project_with_a_markdown_changelog(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    repo, out = adopted_and_committed(tmp_path_factory, tmp_path, adoption.scm_files, tags=("v1.3.0", "v1.4.0"))

    config = read_toml(repo / "pyproject.toml")["tool"]
    assert "bumpversion" not in config  # versions come from tags: nothing to keep in sync
    assert "releasekit" not in config  # main, v tags, releasekit's own types: nothing new is needed
    assert config["towncrier"]["filename"] == "CHANGELOG.md"
    assert [t["directory"] for t in config["towncrier"]["type"]][:3] == ["feature", "breaking", "migration"]
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog == adoption.SCM_CHANGELOG.replace(
        "scmpkg.\n\n## 1.4.0", "scmpkg.\n\n<!-- towncrier release notes start -->\n\n## 1.4.0"
    )
    assert (repo / "changelog.d/.gitkeep").read_bytes() == b""
    assert "version-sync" not in (repo / ".pre-commit-config.yaml").read_text()
    assert "note: .github/workflows/publish.yml already publishes to PyPI" in out
    assert "note: versions come from git tags" in out
    # setuptools-scm's file finder puts every tracked file in the sdist: no MANIFEST.in, which
    # would turn on check-manifest, blind to that finder (issue #22).
    assert not (repo / "MANIFEST.in").exists()
    # The adoption commit edits CHANGELOG.md: adding towncrier's start marker is not a hand edit.
    fragments = releasekit("check", "fragments", cwd=repo)
    assert fragments.returncode == 0, fragments.output

    # A fragment now becomes a release section below the marker, above 1.4.0.
    write_files(repo, {"changelog.d/+widget.feature.md": "A second widget.\n"})
    towncrier = [sys.executable, "-m", "towncrier", "build", "--yes", "--version", "1.5.0", "--date", "2024-07-01"]
    subprocess.run(towncrier, cwd=repo, check=True, capture_output=True)
    text = (repo / "CHANGELOG.md").read_text()
    assert text.index("<!-- towncrier") < text.index("## 1.5.0 - 2024-07-01") < text.index("## 1.4.0")
    assert "### What's New\n\n- A second widget.\n" in text


def test_a_hand_edit_next_to_the_marker_is_still_refused(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    repo, _ = adopted_and_committed(tmp_path_factory, tmp_path, adoption.scm_files, tags=("v1.4.0",))
    git(repo, "push", "-q", "origin", "main")
    text = (repo / "CHANGELOG.md").read_text()
    (repo / "CHANGELOG.md").write_text(text.replace("- Added the widget.", "- Added two widgets."))
    git(repo, "add", "-A")
    result = releasekit("check", "fragments", cwd=repo)
    assert result.returncode == 1
    assert "CHANGELOG.md:9:1: CHANGELOG.md edited by hand outside a release commit" in result.stdout


def test_static_version_without_bump_config_or_changelog(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    repo, out = adopted_and_committed(tmp_path_factory, tmp_path, adoption.static_files)

    config = read_toml(repo / "pyproject.toml")["tool"]
    assert config["bumpversion"]["current_version"] == "0.4.0"
    assert [(f["filename"], f["search"]) for f in config["bumpversion"]["files"]] == [
        ("pyproject.toml", 'version = "{current_version}"'),
        ("README.md", "https://img.shields.io/badge/version-{current_version}-blue"),
    ]
    assert (repo / "CHANGELOG.md").read_text().endswith("<!-- towncrier release notes start -->\n")
    # The project has a noxfile: init prints the two lines to add and leaves it alone.
    assert "    import releasekit.nox\n    releasekit.nox.register()" in out
    assert "releasekit" not in (repo / "noxfile.py").read_text()
    assert not (repo / "MANIFEST.in").exists()  # hatchling's sdist holds what git holds
    checks_pass(repo)


@pytest.mark.parametrize("backend", ["hatch", "flit"])
def test_dynamic_version_in_the_package(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, backend: str) -> None:
    # With its last release tagged, the hatch one is the release test's hatch-dynamic shape: one adoption for both.
    repo, _ = adopted_and_committed(
        tmp_path_factory,
        tmp_path,
        lambda: adoption.dynamic_files(backend),
        tags=("v3.0.1",),
        name=f"dynamic-{backend}-dyn",
    )

    config = read_toml(repo / "pyproject.toml")["tool"]
    assert config["bumpversion"]["current_version"] == "3.0.1"
    assert [(f["filename"], f["search"]) for f in config["bumpversion"]["files"]] == [
        ("src/dyn/__init__.py", '__version__ = "{current_version}"'),
        ("docs/conf.py", 'version = "{current_major}.{current_minor}"'),
        ("docs/conf.py", 'release = "{current_version}"'),
    ]
    if backend == "flit":  # flit_core's sdist gets what init added, after what the project listed
        assert config["flit"]["sdist"]["include"] == ["docs/", "CHANGES.rst", ".pre-commit-config.yaml", "changelog.d/"]
    else:
        assert "flit" not in config and not (repo / "MANIFEST.in").exists()
    towncrier = config["towncrier"]
    assert towncrier["filename"] == "CHANGES.rst"
    assert towncrier["start_string"] == ".. towncrier release notes start\n"
    assert towncrier["underlines"] == ["-", "~", "^"]  # releases keep the "-" the file already uses
    changes = (repo / "CHANGES.rst").read_text()
    assert changes.startswith("Changes\n=======\n\n.. towncrier release notes start\n\n3.0.1 (2024-01-02)\n")
    checks_pass(repo)

    write_files(repo, {"changelog.d/+speed.feature.rst": "Even faster.\n"})
    build = [sys.executable, "-m", "towncrier", "build", "--yes", "--version", "3.1.0", "--date", "2024-02-03"]
    subprocess.run(build, cwd=repo, check=True, capture_output=True)
    built = (repo / "CHANGES.rst").read_text()
    assert "3.1.0 (2024-02-03)\n------------------\n\nWhat's New\n~~~~~~~~~~\n\n- Even faster.\n" in built
    assert built.index("3.1.0 (") < built.index("3.0.1 (")


@pytest.mark.parametrize("shape", ["legacy", "scm", "static", "dynamic"])
def test_second_run_changes_nothing(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, shape: str) -> None:
    files = {
        "legacy": adoption.legacy_files,
        "scm": adoption.scm_files,
        "static": adoption.static_files,
        "dynamic": adoption.dynamic_files,
    }[shape]
    # Each shape's own last release; the legacy one's history as the legacy test has it, whose adoption this shares.
    tags = {"legacy": ("2.3.0", "2.3.1"), "static": ("0.4.0",), "dynamic": ("3.0.1",)}.get(shape, ("2.3.1",))
    repo, _ = adopted_and_committed(tmp_path_factory, tmp_path, files, branch="master", tags=tags)
    before = tree(repo)
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert out.splitlines()[-1] == "releasekit init: already adopted; nothing to change"
    assert tree(repo) == before
    code, out, _ = init(repo)  # no terminal, no --yes: nothing to ask about either
    assert code == 0
    assert tree(repo) == before


def test_dry_run_prints_diffs_and_writes_nothing(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, adoption.static_files())
    before = tree(repo)
    code, out, err = init(repo, "--dry-run")
    assert code == 0, err
    assert tree(repo) == before
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -7,3 +7,70 @@\n" in out
    assert '+[tool.bumpversion]\n+current_version = "0.4.0"\n' in out
    assert "--- /dev/null\n+++ b/CHANGELOG.md\n" in out
    assert "--- /dev/null\n+++ b/.pre-commit-config.yaml\n" in out
    assert out.splitlines()[-1] == "releasekit init: dry run; 4 files would change, nothing was written"


def test_no_terminal_and_no_yes_prints_the_plan_and_exits_2(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, adoption.static_files())
    before = tree(repo)
    code, out, err = init(repo)
    assert code == 2
    assert "+++ b/pyproject.toml" in out
    assert err == "releasekit: error: no terminal to ask on: pass --yes to write the plan above, or --dry-run\n"
    assert tree(repo) == before


ODD_PYPROJECT = """\
#   The odd project.   Comments everywhere, odd spacing, tables out of order.
[tool.ruff]
line-length=99   # long lines


[project]
name    =    'odd'  # single quotes
version = '1.0.0'
dependencies = [
  "a",   # one
    "b" ,
]
[tool.releasekit]   # already here, with a key of its own
remote = "upstream"

[ tool.black ]
target-version = [ 'py310' ]
"""


def test_odd_pyproject_is_kept_byte_for_byte_outside_the_added_lines(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, {"pyproject.toml": ODD_PYPROJECT, "odd/__init__.py": ""}, branch="master")
    code, out, err = init(repo, "--yes")
    # The plan is written; its proof finds what the maintainer must still do: PyPI needs a description.
    assert code == 1, out + err
    assert "left to do: package check: pyproject.toml:1:1: twine check --strict: `long_description` missing." in out
    after = (repo / "pyproject.toml").read_text()
    old_lines, new_lines = ODD_PYPROJECT.splitlines(keepends=True), after.splitlines(keepends=True)
    import difflib

    ops = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes()
    assert [op for op in ops if op[0] not in ("equal", "insert")] == []
    added = "".join("".join(new_lines[j1:j2]) for tag, _, _, j1, j2 in ops if tag == "insert")
    assert 'release_branch = "master"\n' in added
    assert after.count("[tool.releasekit]") == 1  # the existing table is extended, never duplicated
    config = read_toml(repo / "pyproject.toml")["tool"]
    assert config["releasekit"] == {"remote": "upstream", "release_branch": "master"}
    assert config["bumpversion"]["files"][0]["search"] == "version = '{current_version}'"


PRE_COMMIT = """\
# The project's hooks.
default_language_version:
    python: python3
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0   # pinned
    hooks:
    -   id: trailing-whitespace
    # -   id: end-of-file-fixer  (off for now)

# CI settings below.
ci:
    autofix_prs: false
"""


def test_an_existing_pre_commit_config_gets_one_entry_in_its_own_indentation(tmp_path: Path) -> None:
    files = {**adoption.static_files(), ".pre-commit-config.yaml": PRE_COMMIT}
    repo = adoption.project_repo(tmp_path, files)
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    text = (repo / ".pre-commit-config.yaml").read_text()
    entry = (
        "-   repo: https://github.com/releasekit/releasekit\n"
        "    rev: v0.1.0\n"
        "    hooks:\n"
        "      - id: version-sync        # every version file holds the current version\n"
        "      - id: changelog-fragment  # a source change carries a valid changelog fragment\n"
        "      - id: check-links         # documentation links resolve\n"
    )
    marker = "    # -   id: end-of-file-fixer  (off for now)\n"
    assert text == PRE_COMMIT.replace(marker, marker + entry)
    import yaml  # pre-commit's own parser reads the result

    hooks = yaml.safe_load(text)["repos"][1]["hooks"]
    assert [h["id"] for h in hooks] == ["version-sync", "changelog-fragment", "check-links"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            ".pre-commit-config.yaml",
            "repos: [{repo: local, hooks: []}]\n",
            ".pre-commit-config.yaml: repos is written in flow style ([...]); add releasekit's hooks by hand",
        ),
        (
            ".pre-commit-config.yaml",
            "- repo: local\n",
            ".pre-commit-config.yaml: the top level is not a mapping; add releasekit's hooks by hand",
        ),
        (
            ".pre-commit-config.yaml",
            "repos:\n  - repo: [unclosed\n",
            ".pre-commit-config.yaml: not valid YAML (line 3); fix it, then run releasekit init again",
        ),
        (
            "pyproject.toml",
            'tool = {black = {line-length = 99}}\n\n[project]\nname = "plain"\nversion = "0.4.0"\n',
            "releasekit: error: pyproject.toml: tool is written inline (tool = {...}), so the [tool.*] tables "
            "releasekit needs cannot be added; add them by hand",
        ),
        (
            ".pre-commit-config.yaml",
            "repos:\n  - hooks: " + "[" * 100_000 + "]" * 100_000 + "\n",
            ".pre-commit-config.yaml: nested too deeply to read; fix it, then run releasekit init again",
        ),
        (
            ".bumpversion.cfg",
            "[bumpversion]\ncurrent_version = 0.4.0\n\n[bumpversion:thing:x]\na = b\n",
            "releasekit: error: .bumpversion.cfg: [bumpversion:thing:x] is not a section bump-my-version knows",
        ),
    ],
)
def test_a_file_init_does_not_understand_is_refused_and_nothing_written(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    files = {**adoption.static_files(), name: content}
    repo = adoption.project_repo(tmp_path, files)
    before = tree(repo)
    code, out, err = init(repo, "--yes")
    assert code == 2
    assert err.endswith(message + "\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""
    assert tree(repo) == before


def test_a_symlinked_changelog_is_refused(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, adoption.static_files())
    (repo / "CHANGELOG.md").symlink_to("/etc/hostname")
    before = tree(repo)
    code, _, err = init(repo, "--yes")
    assert code == 2
    assert err == (
        "releasekit: error: CHANGELOG.md: not a regular file; releasekit init reads only regular files in the project\n"
    )
    assert tree(repo) == before


def test_a_stale_current_version_in_an_existing_config_is_fixed_and_the_rest_kept(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "stale"\nversion = "1.1.0"\n\n'
        "[tool.bumpversion]\n"
        'current_version = "1.0.0"  # forgotten at the last release\n'
        "commit = false\n\n"
        "[[tool.bumpversion.files]]\n"
        'filename = "pyproject.toml"\n'
        "search = 'version = \"{current_version}\"'\n"
        "replace = 'version = \"{new_version}\"'\n"
    )
    files = {
        "pyproject.toml": pyproject.replace('version = "1.1.0"\n', 'version = "1.1.0"\nreadme = "README.md"\n', 1),
        "src/stale/__init__.py": '__version__ = "1.1.0"\n',
        "README.md": "# stale\n",
    }
    repo = adoption.project_repo(tmp_path, files)
    out = adopt_and_commit(repo)
    after = (repo / "pyproject.toml").read_text()
    assert after.startswith(
        files["pyproject.toml"].replace('"1.0.0"  # forgotten', '"1.1.0"  # forgotten')
        + "\n[[tool.bumpversion.files]]\n"
        'filename = "src/stale/__init__.py"\n'
    )
    assert "[tool.bumpversion] current_version 1.0.0 was stale: the project is at 1.1.0" in out
    assert "version files added: src/stale/__init__.py" in out
    checks_pass(repo)


def test_towncrier_toml_is_kept_and_its_types_get_roles(tmp_path: Path) -> None:
    files = {
        **adoption.static_files(),
        "towncrier.toml": (
            '[tool.towncrier]\nfilename = "NEWS.rst"\n\n'
            "[tool.towncrier.fragment.added]\n[tool.towncrier.fragment.removal]\n[tool.towncrier.fragment.fixed]\n"
        ),
        "NEWS.rst": "News\n====\n\n.. towncrier release notes start\n",
    }
    repo = adoption.project_repo(tmp_path, files)
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert "note: towncrier.toml: the towncrier configuration is kept as it is" in out
    config = read_toml(repo / "pyproject.toml")["tool"]
    assert "towncrier" not in config
    assert config["releasekit"] == {"fragment_roles": {"added": "feature", "removal": "breaking"}}
    assert (repo / "NEWS.rst").read_text() == files["NEWS.rst"]


def test_a_changelog_outside_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("# not yours\n")
    pyproject = '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.towncrier]\nfilename = "../secret.md"\n'
    repo = adoption.project_repo(tmp_path, {"pyproject.toml": pyproject})
    code, _, err = init(repo, "--yes")
    assert code == 2
    assert err == (
        "releasekit: error: ../secret.md: outside the project; releasekit init reads only regular files "
        "in the project\n"
    )


def test_a_changelog_path_out_of_the_project_is_refused_even_when_absent(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.towncrier]\nfilename = "../NEWS.rst"\n'
    repo = adoption.project_repo(tmp_path, {"pyproject.toml": pyproject})
    before = tree(repo)
    code, out, err = init(repo, "--yes")
    assert (code, out) == (2, "")
    assert err == (
        "releasekit: error: ../NEWS.rst: outside the project; releasekit init reads only regular files in the project\n"
    )
    assert tree(repo) == before


def test_files_are_read_within_the_limits_of_their_kind(tmp_path: Path) -> None:
    # A long changelog (2 MiB: over the 1 MiB init once allowed every file) is adopted;
    # a pyproject.toml over the 4 MiB limit of a configuration file is refused unread.
    history = "".join(f"## 0.{n}.0 (2020-01-01)\n\n- change {n}\n\n" for n in range(70_000))
    files = {**adoption.static_files(), "CHANGELOG.md": "# Changelog\n\n" + history}
    assert len(files["CHANGELOG.md"]) > 2 << 20
    repo = adoption.project_repo(tmp_path / "long", files)
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert "<!-- towncrier release notes start -->" in (repo / "CHANGELOG.md").read_text()[:200]
    big = adoption.project_repo(tmp_path / "big", adoption.static_files())
    (big / "pyproject.toml").write_text((big / "pyproject.toml").read_text() + "# padding\n" * (1 << 19))
    before = tree(big)
    code, out, err = init(big, "--yes")
    assert (code, out) == (2, "")
    assert err == (
        "releasekit: error: pyproject.toml: larger than 4 MiB; releasekit init reads only regular files "
        "in the project\n"
    )
    assert tree(big) == before


def _deep_hook(args: str, *, before: str = "") -> str:
    """A .pre-commit-config.yaml whose one local hook takes ``args``, after the lines ``before``."""
    return (
        "repos:\n-   repo: local\n    hooks:\n    -   id: deep\n        name: deep\n"
        f"        language: system\n{before}        args: {args}\n"
    )


@pytest.mark.parametrize(
    "content",
    [
        # ruamel.yaml alone would read these (it stops near 250 levels): the bound is releasekit's.
        pytest.param(_deep_hook("[" * 101 + "]" * 101), id="101 flow sequences"),
        pytest.param(_deep_hook("{a: [" * 51 + "]}" * 51), id="mappings and sequences"),
        pytest.param(
            _deep_hook("[" * 101 + "]" * 101, before="        exclude: ^docs/" + "]" * 300 + "\n"),
            id="after stray closing brackets",
        ),
    ],
)
def test_a_pre_commit_config_nested_more_than_100_deep_is_refused(tmp_path: Path, content: str) -> None:
    repo = adoption.project_repo(tmp_path, {**adoption.static_files(), ".pre-commit-config.yaml": content})
    before = tree(repo)
    code, out, err = init(repo, "--yes")
    assert (code, out) == (2, "")
    assert err == (
        "releasekit: error: .pre-commit-config.yaml: nested too deeply to read; "
        "fix it, then run releasekit init again\n"
    )
    assert tree(repo) == before


def test_brackets_in_quotes_and_comments_are_not_nesting(tmp_path: Path) -> None:
    # 100 levels, and hundreds of brackets that are text: quoted, escaped, in a comment.
    quoted = (
        "        entry: 'it''s " + "[" * 300 + "'\n"
        '        description: "a \\" ' + "{" * 300 + '"\n'
        "        # " + "[" * 300 + "\n"
    )
    content = _deep_hook("[" * 100 + "]" * 100, before=quoted)
    repo = adoption.project_repo(tmp_path, {**adoption.static_files(), ".pre-commit-config.yaml": content})
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    text = (repo / ".pre-commit-config.yaml").read_text()
    assert text.startswith(content)
    assert text[len(content) :].startswith("-   repo: https://github.com/releasekit/releasekit\n")


def test_outside_a_git_repository(tmp_path: Path) -> None:
    write_files(tmp_path / "p", adoption.static_files())
    code, _, err = init(tmp_path / "p", "--yes")
    assert code == 2
    assert err == f"releasekit: error: {tmp_path / 'p'}: not inside a git repository\n"


def test_crlf_files_get_crlf_lines(tmp_path: Path) -> None:
    files = adoption.static_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace("\n", "\r\n")
    repo = adoption.project_repo(tmp_path, files)
    git(repo, "config", "core.autocrlf", "false")
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    data = (repo / "pyproject.toml").read_bytes()
    assert data.startswith(files["pyproject.toml"].encode()) and b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(("answer", "expected"), [("y\n", 0), ("n\n", 1)])
def test_with_a_terminal_it_asks(tmp_path: Path, answer: str, expected: int) -> None:
    repo = adoption.project_repo(tmp_path, adoption.static_files())
    before = tree(repo)
    result = on_terminal("init", cwd=repo, answer=answer, timeout=120)
    code, out = result.returncode, result.stdout
    assert code == expected, out
    assert "Write these changes? [y/N] " in out
    if expected == 0:
        assert "releasekit init: wrote pyproject.toml, CHANGELOG.md" in out
        assert (repo / "CHANGELOG.md").is_file()
    else:
        assert out.splitlines()[-1].endswith("releasekit init: nothing was written")
        assert tree(repo) == before


def test_places_that_disagree_are_left_for_the_maintainer(tmp_path: Path) -> None:
    files = {
        **adoption.static_files(),
        "src/plain/__init__.py": '__version__ = "0.3.9"  # forgotten\n',
    }
    repo = adoption.project_repo(tmp_path, files)
    code, out, err = init(repo, "--yes")
    assert code == 1, out + err
    assert out.splitlines()[-2:] == [
        "left to do: check versions: src/plain/__init__.py:1:16: expected 0.4.0, found 0.3.9",
        "releasekit init: the first release would stop on 1 problem above",
    ]


def test_a_bumpversion_toml_is_the_one_that_is_fixed(tmp_path: Path) -> None:
    dotfile = (
        '[tool.bumpversion]\ncurrent_version = "0.3.0"\n\n[[tool.bumpversion.files]]\nfilename = "pyproject.toml"\n'
    )
    repo = adoption.project_repo(tmp_path, {**adoption.static_files(), ".bumpversion.toml": dotfile})
    out = adopt_and_commit(repo)
    assert ".bumpversion.toml current_version 0.3.0 was stale: the project is at 0.4.0" in out
    assert (repo / ".bumpversion.toml").read_text().startswith(dotfile.replace("0.3.0", "0.4.0"))
    assert "bumpversion" not in read_toml(repo / "pyproject.toml")["tool"]
    checks_pass(repo)


def test_nothing_is_written_when_a_file_changed_after_planning(tmp_path: Path) -> None:
    from releasekit.adopt.apply import apply
    from releasekit.adopt.detect import detect
    from releasekit.adopt.plan import make_plan
    from releasekit.errors import ReleasekitError

    repo = adoption.project_repo(tmp_path, adoption.static_files())
    plan = make_plan(detect(repo))
    (repo / "pyproject.toml").write_text((repo / "pyproject.toml").read_text() + "# edited meanwhile\n")
    before = tree(repo)
    with pytest.raises(ReleasekitError, match=r"^pyproject\.toml: changed since the plan was made"):
        apply(repo, plan)
    assert tree(repo) == before


def test_a_default_towncrier_title_unlike_the_changelogs_is_pointed_out(tmp_path: Path) -> None:
    files = adoption.legacy_files()
    files["pyproject.toml"] = files["pyproject.toml"].replace('title_format = "{version} ({project_date})"\n', "")
    repo = adoption.project_repo(tmp_path, files, branch="master", tags=("2.3.1",))
    code, out, err = init(repo, "--dry-run")
    assert code == 0, err
    assert (
        "CHANGELOG.rst: its releases are titled by version ('2.3.1 (2024-05-01)') but towncrier's default title "
        'puts the project name first; to keep the style, set title_format = "{version} ({project_date})" '
        "in [tool.towncrier]"
    ) in out
