"""The shapes real projects have, on the reading side: where the version is, which changelog,
which fragment types, which branch. Real git repositories, the real bump-my-version."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from releasekit import config
from releasekit.bumpconfig import CONFIG_FILES
from releasekit.changelog.fragments import parse_name
from releasekit.checks.changelog_fragment import check_change
from releasekit.checks.source_paths import source_matcher
from releasekit.release.steps.preflight import fragment_problems, suggested_bump
from tests.helpers.cli import releasekit
from tests.helpers.gitrepo import add_origin, age_tree, git, make_repo, write_files
from tests.helpers.links import at, places, run_links

PYPROJECT = '[project]\nname = "shape"\ndynamic = ["version"]\n'


def bmv_current(repo: Path) -> str:
    """What the real bump-my-version takes for the current version in ``repo``.

    The calls its ``show current_version`` command makes (find the configuration from the
    working directory, load it), made in this process: the tool's own code, without the
    second of CPU that starting it costs each time.
    """
    import warnings

    from bumpversion.config import get_configuration
    from bumpversion.config.files import find_config_file

    before = Path.cwd()
    os.chdir(repo)
    try:
        with warnings.catch_warnings():  # its console's own deprecation, which the command kept to itself
            warnings.simplefilter("ignore", DeprecationWarning)
            return str(get_configuration(find_config_file()).current_version)
    finally:
        os.chdir(before)


def test_search_order_is_bump_my_versions() -> None:
    from bumpversion.config.files import CONFIG_FILE_SEARCH_ORDER

    assert CONFIG_FILES == CONFIG_FILE_SEARCH_ORDER


CONFIGS = {
    ".bumpversion.cfg": "[bumpversion]\ncurrent_version = 1.0.1\n\n[bumpversion:file:VERSION]\n",
    ".bumpversion.toml": (
        '[tool.bumpversion]\ncurrent_version = "1.0.2"\n\n[[tool.bumpversion.files]]\nfilename = "VERSION"\n'
    ),
    "setup.cfg": "[metadata]\nname = shape\n\n[bumpversion]\ncurrent_version = 1.0.3\n\n[bumpversion:file:VERSION]\n",
    "pyproject.toml": PYPROJECT
    + '\n[tool.bumpversion]\ncurrent_version = "1.0.4"\n\n[[tool.bumpversion.files]]\nfilename = "VERSION"\n',
}


@pytest.mark.parametrize("first", range(4))
def test_the_configuration_bump_my_version_uses_is_the_one_read(tmp_path: Path, first: int) -> None:
    names = list(CONFIGS)[first:]
    files = {name: CONFIGS[name] for name in names}
    files.setdefault("pyproject.toml", PYPROJECT)
    files["VERSION"] = CONFIGS[names[0]].split("current_version = ")[1].split("\n")[0].strip('"') + "\n"
    repo = make_repo(tmp_path / "p", files)
    loaded = config.load(repo).require_version()
    assert loaded.current == bmv_current(repo)
    assert loaded.source.name == names[0]
    result = releasekit("check", "versions", cwd=repo)
    # Every later configuration disagrees with the one in effect: each is named, with it.
    expected = []
    for other in names[1:]:
        line = CONFIGS[other][: CONFIGS[other].index("current_version")].count("\n") + 1
        mine = CONFIGS[other].split("current_version = ")[1].split("\n")[0].strip('"')
        expected.append(
            f"{other}:{line}:1: bump-my-version reads {names[0]}, not this file, and the two configurations "
            f"disagree (current_version {mine} here, {loaded.current} in {names[0]}); keep one of them"
        )
    assert result.stdout.splitlines() == expected
    assert result.returncode == (1 if expected else 0), result.output


def test_dotfile_and_pyproject_that_disagree_fail_the_check(tmp_path: Path) -> None:
    # Issue #11: bump-my-version reads .bumpversion.toml; [tool.bumpversion] must not pass unseen.
    files = {
        "pyproject.toml": PYPROJECT + '\n[tool.bumpversion]\ncurrent_version = "2.0.0"\n\n'
        '[[tool.bumpversion.files]]\nfilename = "VERSION"\n',
        ".bumpversion.toml": '[tool.bumpversion]\ncurrent_version = "2.0.0"\n\n[[tool.bumpversion.files]]\n'
        'filename = "src/shape/__init__.py"\n',
        "VERSION": "2.0.0\n",
        "src/shape/__init__.py": '__version__ = "2.0.0"\n',
    }
    repo = make_repo(tmp_path / "p", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "pyproject.toml:5:1: bump-my-version reads .bumpversion.toml, not this file, and the two configurations "
        "disagree (its file list differs from the one in .bumpversion.toml); keep one of them"
    ]


LEGACY = """\
[bumpversion]
current_version = 0.9.0
commit = True
tag = True

[bumpversion:file:setup.py]
search = version="{current_version}"
replace = version="{new_version}"

[bumpversion:file (badge):README.rst]
search = version-{current_version}-blue
replace = version-{new_version}-blue

[bumpversion:file (pin):README.rst]
search = pip install shape=={current_version}
replace = pip install shape=={new_version}
"""


def test_legacy_ini_with_named_file_sections(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
        ".bumpversion.cfg": LEGACY,
        "setup.py": 'from setuptools import setup\n\nsetup(name="shape", version="0.9.0")\n',
        "README.rst": "shape\n=====\n\n.. image:: https://img.shields.io/badge/version-0.9.0-blue\n\n"
        "    pip install shape==0.9.0\n",
    }
    repo = make_repo(tmp_path / "p", files)
    loaded = config.load(repo).require_version()
    assert loaded.current == "0.9.0" == bmv_current(repo)
    assert [(f.path, f.search) for f in loaded.files] == [
        ("setup.py", 'version="{current_version}"'),
        ("README.rst", "version-{current_version}-blue"),
        ("README.rst", "pip install shape=={current_version}"),
    ]
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    write_files(repo, {"README.rst": files["README.rst"].replace("shape==0.9.0", "shape==0.8.0")})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["README.rst:6:24: expected 0.9.0, found 0.8.0"]


def test_a_stale_current_version_is_reported_with_the_fix(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": PYPROJECT,
        "setup.cfg": "[bumpversion]\ncurrent_version = 1.1.0\n\n[bumpversion:file:VERSION]\n\n"
        "[bumpversion:file:src/shape/__init__.py]\n",
        "VERSION": "1.2.0\n",
        "src/shape/__init__.py": '__version__ = "1.2.0"\n',
    }
    repo = make_repo(tmp_path / "p", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        'setup.cfg:2:19: current_version 1.1.0 is stale: the version files hold 1.2.0; set current_version = "1.2.0" '
        "here (or bring the files back to 1.1.0)",
        "VERSION:1:1: expected 1.1.0, found 1.2.0",
        "src/shape/__init__.py:1:16: expected 1.1.0, found 1.2.0",
    ]
    # Stale against the latest tag: the fix is named too.
    write_files(repo, {"VERSION": "1.1.0\n", "src/shape/__init__.py": '__version__ = "1.1.0"\n'})
    git(repo, "commit", "-qam", "back")
    git(repo, "tag", "v1.3.0")
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "setup.cfg:2:19: tag v1.3.0 on HEAD's history is newer than the current version 1.1.0: the configuration "
        'is stale; set current_version = "1.3.0" in setup.cfg and bring the files to it'
    ]


def test_static_project_version_without_bumpversion(tmp_path: Path) -> None:
    text = '[project]\nname = "shape"\nversion = "0.3.0"\n\n[tool.mypy]\npython_version = "3.10"\n'
    repo = make_repo(tmp_path / "p", {"pyproject.toml": text})
    loaded = config.load(repo).require_version()
    assert (loaded.scheme, loaded.current) == ("project", bmv_current(repo))
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 0 and "versions: 1 file holds 0.3.0" in result.stderr
    # bump-my-version bumps it on its own, as releasekit's prepare step asks it to.
    from releasekit.release.steps.commit import bump_commands

    (_, command), *_ = bump_commands(config.load(repo), "0.4.0")
    subprocess.run(command, cwd=repo, check=True, capture_output=True)
    assert (repo / "pyproject.toml").read_text() == text.replace("0.3.0", "0.4.0")


@pytest.mark.parametrize(
    ("tool", "backend"),
    [
        ("[tool.setuptools_scm]\n", "setuptools-scm"),
        ('[tool.hatch.version]\nsource = "vcs"\n', "hatch-vcs"),
        ('[tool.pdm.version]\nsource = "scm"\n', "pdm-backend"),
    ],
)
def test_versions_from_tags(tmp_path: Path, tool: str, backend: str) -> None:
    repo = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT + "\n" + tool, "src/shape/__init__.py": ""})
    assert config.load(repo).require_version().current == "0.0.0"
    git(repo, "tag", "v0.4.0")
    git(repo, "tag", "0.5.0")  # a project whose tags have no v
    git(repo, "tag", "not-a-version")
    loaded = config.load(repo).require_version()
    assert (loaded.scheme, loaded.current, loaded.files, loaded.backend) == ("tag", "0.5.0", (), backend)
    age_tree(repo)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 0, result.output
    message = f"versions: 0.5.0, from the latest tag ({backend} derives it; no file holds it)"
    assert result.stderr.strip() == message
    # Recorded for the hook's fast path; a new tag is noticed.
    assert (repo / ".git" / "releasekit" / "check-versions.pass").is_file()
    assert releasekit("check", "versions", cwd=repo).stderr.strip() == message
    git(repo, "tag", "v0.6.0")
    assert "versions: 0.6.0, from the latest tag" in releasekit("check", "versions", cwd=repo).stderr


@pytest.mark.parametrize(
    ("extra", "files", "expected"),
    [
        (
            '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n',
            {"shape/__init__.py": '"""Shape."""\n__version__ = "1.0.0"\n'},
            ("flit", "shape/__init__.py"),
        ),
        (
            '[tool.hatch.version]\npath = "src/shape/about.py"\n',
            {"src/shape/about.py": "__version__ = '1.0.0'\n"},
            ("hatchling", "src/shape/about.py"),
        ),
        (
            '[tool.setuptools.dynamic]\nversion = {attr = "shape.__version__"}\n',
            {"src/shape/__init__.py": '__version__ = "1.0.0"\n'},
            ("setuptools", "src/shape/__init__.py"),
        ),
    ],
)
def test_dynamic_version_files(tmp_path: Path, extra: str, files: dict[str, str], expected: tuple[str, str]) -> None:
    repo = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT + extra, **files})
    loaded = config.load(repo).require_version()
    assert (loaded.scheme, loaded.backend, loaded.files[0].path, loaded.current) == ("file", *expected, "1.0.0")
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    # bump-my-version rewrites that one file, given it by name.
    from releasekit.release.steps.commit import bump_commands

    (_, command), *_ = bump_commands(config.load(repo), "1.1.0")
    subprocess.run(command, cwd=repo, check=True, capture_output=True)
    assert config.load(repo).require_version().current == "1.1.0"


def test_a_new_config_source_invalidates_the_hooks_record(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": PYPROJECT + '\n[tool.bumpversion]\ncurrent_version = "1.0.0"\n\n'
        '[[tool.bumpversion.files]]\nfilename = "VERSION"\n',
        "VERSION": "1.0.0\n",
    }
    repo = make_repo(tmp_path / "p", files)
    age_tree(repo)
    assert releasekit("check", "versions", cwd=repo).returncode == 0
    assert (repo / ".git" / "releasekit" / "check-versions.pass").is_file()
    write_files(repo, {".bumpversion.cfg": "[bumpversion]\ncurrent_version = 1.0.1\n\n[bumpversion:file:VERSION]\n"})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1  # not the recorded pass: bump-my-version now reads the dotfile
    assert result.stdout.splitlines()[-1] == "VERSION:1:1: expected 1.0.1, found 1.0.0"


# --- fragments: the project's own types, roles, names -------------------------------------------

TOWNCRIER = """
[tool.towncrier]
directory = "changelog"
filename = "NEWS.rst"
{extra}
[[tool.towncrier.type]]
directory = "removal"
name = "Removals"

[[tool.towncrier.type]]
directory = "feature"
name = "Features"

[[tool.towncrier.type]]
directory = "vendor"
name = "Vendored"

[[tool.towncrier.type]]
directory = "trivial"
name = "Trivial"
showcontent = false
"""


def _towncrier_repo(tmp_path: Path, fragments: dict[str, str], own: str = "", extra: str = "") -> Path:
    text = '[project]\nname = "shape"\nversion = "1.2.3"\n' + TOWNCRIER.format(extra=extra) + own
    files = {"pyproject.toml": text, **{f"changelog/{k}": v for k, v in fragments.items()}}
    return make_repo(tmp_path / "p", files)


def test_a_removal_is_a_breaking_change(tmp_path: Path) -> None:
    repo = _towncrier_repo(tmp_path, {"12.removal": "Dropped Python 3.8.\n", "+x.vendor.rst": "urllib3 2.\n"})
    cfg = config.load(repo)
    assert suggested_bump(cfg, "1.2.3") == "major"
    assert fragment_problems(cfg, "1.2.3", "1.3.0") == [
        "changelog/: breaking changes need a major release; 1.2.3 -> 1.3.0 is a minor release"
    ]
    assert fragment_problems(cfg, "1.2.3", "2.0.0") == []


def test_roles_set_in_the_configuration(tmp_path: Path) -> None:
    own = '\n[tool.releasekit.fragment_roles]\nvendor = "feature"\nremoval = "none"\n'
    repo = _towncrier_repo(tmp_path, {"12.removal": "Dropped it.\n", "13.vendor": "urllib3 2.\n"}, own)
    assert suggested_bump(config.load(repo), "1.2.3") == "minor"
    bad = _towncrier_repo(tmp_path / "bad", {}, '\n[tool.releasekit.fragment_roles]\nvendor = "major"\n')
    result = releasekit("check", "fragments", cwd=bad)
    assert result.returncode == 2
    assert result.stderr == (
        "releasekit: error: pyproject.toml: [tool.releasekit.fragment_roles] vendor = 'major': expected one of "
        "breaking, migration, security, feature or none\n"
    )


def test_fragment_names_without_extension(tmp_path: Path) -> None:
    repo = _towncrier_repo(tmp_path, {"12.feature": "Shouts.\n", "+tidy.trivial": "", "13.vendor.2": "x\n"})
    fragments = config.load(repo).fragments
    assert parse_name("12.feature", fragments) == ("12", "feature")
    assert parse_name("12.feature.rst", fragments) == ("12", "feature")
    assert parse_name("12.feature.md", fragments) == ("12", "feature")  # as towncrier reads it
    found = releasekit("check", "fragments", "--base", "HEAD", cwd=repo)
    assert "changelog/+tidy.trivial:1:1: fragment is empty" in found.stdout  # judged, not skipped
    assert "12.feature" not in found.stdout and "13.vendor.2" not in found.stdout


def test_suggestions_use_the_projects_types_and_extension(tmp_path: Path) -> None:
    repo = _towncrier_repo(tmp_path, {}, extra="create_add_extension = false\n")
    fragments = config.load(repo).fragments
    from releasekit.checks.changes import Entry

    verdict = check_change([Entry("M", "src/shape/core.py")], fragments, source_matcher(["src"]), branch="42-x")
    assert [f.message for f in verdict.findings] == [
        "this changed with no changelog fragment in changelog/; add one: towncrier create --content "
        "'What changed, for users' 42.feature (types: removal, feature, vendor, trivial)"
    ]
    from releasekit.commands.hotfix import hotfix_fragment_hint

    assert hotfix_fragment_hint(fragments) == "towncrier create +<slug>.removal"


def test_towncrier_toml_is_read_first(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "shape"\nversion = "1.0.0"\n\n[tool.towncrier]\ndirectory = "ignored"\n',
        "towncrier.toml": '[tool.towncrier]\ndirectory = "news"\nfilename = "CHANGES.md"\n',
    }
    fragments = config.load(make_repo(tmp_path / "p", files)).fragments
    assert (fragments.directory, fragments.filename) == ("news", "CHANGES.md")


# --- the release branch ---------------------------------------------------------------------------


def test_release_branch_from_the_repository(tmp_path: Path) -> None:
    files = {"pyproject.toml": '[project]\nname = "shape"\nversion = "1.0.0"\n'}
    repo = make_repo(tmp_path / "p", files, branch="master")
    assert config.load(repo).release_branch == "master"  # no remote yet: the branch that exists
    add_origin(repo, tmp_path / "origin.git", branch="master")
    git(repo, "push", "-q", "origin", "master:trunk")
    git(repo, "remote", "set-head", "origin", "trunk")
    assert config.load(repo).release_branch == "trunk"  # the remote's HEAD
    write_files(repo, {"pyproject.toml": files["pyproject.toml"] + '\n[tool.releasekit]\nrelease_branch = "dev"\n'})
    assert config.load(repo).release_branch == "dev"  # configured: as it says
    assert config.load(make_repo(tmp_path / "m", files)).release_branch == "main"


def test_the_only_remote_is_the_release_remote(tmp_path: Path) -> None:
    files = {"pyproject.toml": '[project]\nname = "shape"\nversion = "1.0.0"\n'}
    repo = make_repo(tmp_path / "p", files, branch="master")
    assert config.load(repo).remote == "origin"  # none at all: the usual name
    git(repo, "init", "-q", "--bare", "-b", "master", str(tmp_path / "up.git"))
    git(repo, "remote", "add", "upstream", str(tmp_path / "up.git"))
    git(repo, "push", "-q", "upstream", "master")
    git(repo, "remote", "set-head", "upstream", "master")
    cfg = config.load(repo)
    assert (cfg.remote, cfg.release_branch) == ("upstream", "master")
    git(repo, "remote", "add", "origin", str(tmp_path / "up.git"))
    assert config.load(repo).remote == "origin"


# --- changelogs -----------------------------------------------------------------------------------

RST_OVERLINED = """\
#########
Changelog
#########

***************************
shape 1.3.0 (2026-03-01)
***************************

Features
========

- New.

***************************
shape 1.2.3 (2026-01-01)
***************************

Bugfixes
========

- Old.
"""

PLAIN = """\
shape changes
-------------

Version 1.3.0 (2026-03-01)
  * New.
  * Also new.

Version 1.2.3 (2026-01-01)
  * Old.
"""


@pytest.mark.parametrize(
    ("filename", "text", "expected"),
    [
        ("CHANGES.rst", RST_OVERLINED, "### Features\n\n- New.\n"),
        ("CHANGES.txt", PLAIN, "  * New.\n  * Also new.\n"),
        ("CHANGES", PLAIN, "  * New.\n  * Also new.\n"),
        (
            "NEWS.rst",
            "shape 1.3.0\n~~~~~~~~~~~\n\n- New.\n\nshape 1.2.3\n~~~~~~~~~~~\n\n- Old.\n",
            "- New.\n",
        ),
        (
            "NEWS.rst",
            "Release 1.3.0\n^^^^^^^^^^^^^\n\nFixes\n*****\n\n- New.\n\nRelease 1.2.3\n^^^^^^^^^^^^^\n\n- Old.\n",
            "### Fixes\n\n- New.\n",
        ),
    ],
)
def test_notes_hold_exactly_one_version_as_markdown(tmp_path: Path, filename: str, text: str, expected: str) -> None:
    pyproject = f'[project]\nname = "shape"\nversion = "1.3.0"\n\n[tool.towncrier]\nfilename = "{filename}"\n'
    repo = make_repo(tmp_path / "p", {"pyproject.toml": pyproject, filename: text})
    result = releasekit("notes", "1.3.0", cwd=repo)
    assert result.returncode == 0, result.output
    assert result.stdout == expected


# --- documentation sites anywhere in the tree -----------------------------------------------------


def test_mkdocs_yml_below_the_root_governs_its_docs_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = "# Home\n\n## Café Au Lait\n\n[a](#café-au-lait) [b](#cafe-au-lait) [e](/guide.md)\n"
    files = {
        "docs/en/mkdocs.yml": "site_name: x\ndocs_dir: pages\n",
        "docs/en/pages/index.md": page,
        "docs/en/pages/guide.md": "# Guide\n",
        "manual/conf.py": 'project = "x"\n',
        "manual/index.rst": "Manual\n======\n\nSee `the guide </guide.rst>`_.\n",
        "manual/guide.rst": "Guide\n=====\n",
    }
    repo = make_repo(tmp_path / "site", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    # python-markdown slugs in the site, root links from its docs_dir and from the Sphinx source.
    assert places(findings) == {("docs/en/pages/index.md", *at(page, "[a]"))}


@pytest.mark.parametrize(
    ("files", "line"),
    [
        (
            {".bumpversion.cfg": "[bumpversion]\ncurrent_version = 1.0.0\n[bumpversion\n"},
            "releasekit: error: .bumpversion.cfg:3: invalid INI: not a section header nor a key = value line",
        ),
        (
            {"setup.cfg": "[bumpversion]\ncurrent_version = 1.0.0\nsearch = 100%({current_version})\n"},
            "releasekit: error: setup.cfg: invalid INI: bad interpolation variable reference '%({current_version})'",
        ),
        (
            {".bumpversion.cfg": "[bumpversion]\ncommit = True\n"},
            "releasekit: error: .bumpversion.cfg: [bumpversion] current_version is missing or not a string",
        ),
        (
            {"pyproject.toml": PYPROJECT + '[tool.hatch.version]\npath = "src/shape/gone.py"\n'},
            "releasekit: error: src/shape/gone.py: file not found (the build backend reads the version from it)",
        ),
    ],
)
def test_broken_version_sources_are_one_line(tmp_path: Path, files: dict[str, str], line: str) -> None:
    repo = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT, "README.md": "# x\n", **files})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(line), result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_stale_with_sphinx_short_version(tmp_path: Path) -> None:
    from tests.helpers.projects import seed_repo

    repo = seed_repo(tmp_path / "seed", "1.2.3")
    for rel in ("setup.py", "src/seed/__init__.py", "docs/conf.py"):
        path = repo / rel
        path.write_text(path.read_text().replace("1.2.3", "1.3.0").replace('"1.2"', '"1.3"'))
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "pyproject.toml:6:20: current_version 1.2.3 is stale: the version files hold 1.3.0; "
        'set current_version = "1.3.0" here (or bring the files back to 1.2.3)'
    )


def test_a_project_version_bump_my_version_would_not_change(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "shape"\nversion = "1.0.0"\n',
        ".bumpversion.cfg": "[bumpversion]\ncurrent_version = 1.0.0\n\n[bumpversion:file:VERSION]\n",
        "VERSION": "1.0.0\n",
    }
    repo = make_repo(tmp_path / "p", files)
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "pyproject.toml:3:12: [project] version is not among the files .bumpversion.cfg lists: bump-my-version will "
        "leave it as it is and the release would build the old version; list pyproject.toml in .bumpversion.cfg"
    ]
    write_files(repo, {".bumpversion.cfg": files[".bumpversion.cfg"] + "\n[bumpversion:file:pyproject.toml]\n"})
    assert releasekit("check", "versions", cwd=repo).returncode == 0


def test_draft_notes_of_an_rst_project(tmp_path: Path) -> None:
    repo = _towncrier_repo(tmp_path, {"12.feature": "Shouts ``loudly``.\n", "13.vendor": "urllib3 2.\n"})
    write_files(repo, {"NEWS.rst": "News\n====\n\n.. towncrier release notes start\n"})
    result = releasekit("notes", cwd=repo)
    assert result.returncode == 0, result.output
    assert result.stdout == "### Features\n\n- Shouts `loudly`. (#12)\n\n### Vendored\n\n- urllib3 2. (#13)\n"


def test_a_project_in_a_subdirectory_takes_the_configuration_above_it(tmp_path: Path) -> None:
    files = {
        ".bumpversion.cfg": "[bumpversion]\ncurrent_version = 3.1.0\n\n[bumpversion:file:VERSION]\n",
        "pkg/pyproject.toml": PYPROJECT,
        "pkg/VERSION": "3.1.0\n",
    }
    repo = make_repo(tmp_path / "mono", files)
    loaded = config.load(repo / "pkg").require_version()
    assert (loaded.current, loaded.source) == (bmv_current(repo / "pkg"), repo / ".bumpversion.cfg")
    assert releasekit("check", "versions", cwd=repo / "pkg").returncode == 0
    write_files(repo, {"pkg/.bumpversion.toml": CONFIGS[".bumpversion.toml"], "pkg/VERSION": "1.0.2\n"})
    # The project's own configuration wins; the one above belongs to the enclosing project.
    result = releasekit("check", "versions", cwd=repo / "pkg")
    assert result.returncode == 0, result.output
    assert config.load(repo / "pkg").require_version().current == bmv_current(repo / "pkg") == "1.0.2"


def test_a_breaking_type_needs_the_projects_migration_type(tmp_path: Path) -> None:
    own = '\n[[tool.towncrier.type]]\ndirectory = "upgrade"\nname = "Upgrading"\n'
    repo = _towncrier_repo(tmp_path, {"12.removal.rst": "Dropped Python 3.8.\n"}, own)
    cfg = config.load(repo)
    assert cfg.fragments.types_with("migration") == ["upgrade"]
    problems = fragment_problems(cfg, "1.2.3", "2.0.0")
    assert problems == [
        "changelog/12.removal.rst:1:1: a breaking change needs a migration fragment in the same release; add one: "
        "towncrier create --content 'How to upgrade' 12.upgrade.rst"
    ]
    write_files(repo, {"changelog/12.upgrade.rst": "Use Python 3.9.\n"})
    assert fragment_problems(cfg, "1.2.3", "2.0.0") == []
