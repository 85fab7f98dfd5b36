"""Hostile configuration, versions, tags and environment: one line naming the culprit, exit 2.

Each test builds the bad input for real (a pyproject.toml, a git tag, an environment
variable) and runs the real CLI in a subprocess, as a user or a hook would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import covhook
from tests.helpers.cli import Result, command, releasekit, run
from tests.helpers.gitrepo import add_origin, commit_all, git, make_repo, write_files
from tests.helpers.projects import SEED_PYPROJECT, seed_files, seed_repo

BUMPVERSION = '[tool.bumpversion]\ncurrent_version = "1.2.3"\n[[tool.bumpversion.files]]\nfilename = "setup.py"\n'


def one_line(result: Result, line: str) -> None:
    """Exit 2, nothing on stdout, and exactly ``releasekit: error: <line>`` on stderr."""
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr == f"releasekit: error: {line}\n"


def _project(tmp_path: Path, toml: str) -> Path:
    return make_repo(tmp_path / "p", {"pyproject.toml": toml, "setup.py": 'setup(version="1.2.3")\n'})


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        (
            "tool = 5\n",
            "pyproject.toml: tool must be a table, not 5",
        ),
        (
            '[tool.releasekit.links]\naccept_status = ["abc"]\n',
            "pyproject.toml: [tool.releasekit.links] accept_status item 1 must be an integer from 100 to 599, "
            "not 'abc'",
        ),
        (
            "[tool.releasekit.links]\naccept_status = [200, 200.7]\n",
            "pyproject.toml: [tool.releasekit.links] accept_status item 2 must be an integer from 100 to 599, "
            "not 200.7",
        ),
        (
            "[tool.releasekit.links]\naccept_status = 404\n",
            "pyproject.toml: [tool.releasekit.links] accept_status must be an array of integers from 100 to 599, "
            "not 404",
        ),
        (
            "[tool.releasekit.links]\nexclude_urls = [5]\n",
            "pyproject.toml: [tool.releasekit.links] exclude_urls item 1 must be a string, not 5",
        ),
        (
            "[tool.releasekit.links]\ntimeout = -1\n",
            "pyproject.toml: [tool.releasekit.links] timeout must be a number above 0 and at most 600, not -1",
        ),
        (
            "[tool.releasekit.links]\nconcurrency = 0\n",
            "pyproject.toml: [tool.releasekit.links] concurrency must be an integer from 1 to 4096, not 0",
        ),
        (
            "[tool.releasekit.links]\ncache_ttl = nan\n",
            "pyproject.toml: [tool.releasekit.links] cache_ttl must be an integer from 0 to 31622400, not nan",
        ),
        (
            "[tool.releasekit]\nsource_paths = [1, 2]\n",
            "pyproject.toml: [tool.releasekit] source_paths item 1 must be a non-empty string of at most 1024 "
            "characters, not 1",
        ),
        (
            '[tool.releasekit]\nrelease_branch = ""\n',
            "pyproject.toml: [tool.releasekit] release_branch must be a non-empty string, not ''",
        ),
        (
            "[tool.releasekit.github]\ncritical_labels = [1]\n",
            "pyproject.toml: [tool.releasekit.github] critical_labels item 1 must be a non-empty string, not 1",
        ),
        (
            '[tool.releasekit.github]\napi_url = "file:///etc/passwd"\n',
            "pyproject.toml: [tool.releasekit.github] api_url must be an http:// or https:// URL, "
            "not 'file:///etc/passwd'",
        ),
        (
            '[tool.releasekit.index]\nsimple_url = "https://pypi.org:99999/simple/"\n',
            "pyproject.toml: [tool.releasekit.index] simple_url must be an http:// or https:// URL, "
            "not 'https://pypi.org:99999/simple/'",
        ),
        (
            "[tool.releasekit]\nlinks = [1]\n",
            "pyproject.toml: [tool.releasekit] links must be a table, not [1]",
        ),
        (
            '[tool.towncrier]\ntype = "feature"\n',
            "pyproject.toml: [tool.towncrier] type must be an array of tables, not 'feature'",
        ),
        (
            "[[tool.towncrier.type]]\ndirectory = 'feature'\nshowcontent = 'yes'\n",
            "pyproject.toml: [[tool.towncrier.type]] entry 1: showcontent must be true or false, not 'yes'",
        ),
        (
            "[tool.towncrier.fragment]\nfeature = 5\n",
            "pyproject.toml: [tool.towncrier.fragment] feature must be a table, not 5",
        ),
        (
            "[tool.towncrier]\nignore = ['a', 3]\n",
            "pyproject.toml: [tool.towncrier] ignore item 2 must be a string, not 3",
        ),
        (
            "[tool.coverage.report]\nfail_under = 101\n",
            "pyproject.toml: [tool.coverage.report] fail_under must be a number from 0 to 100, not 101",
        ),
        (
            "[tool.coverage]\nreport = 'strict'\n",
            "pyproject.toml: [tool.coverage] report must be a table, not 'strict'",
        ),
        (
            '[project]\nname = "x"\n[tool.releasekit]\nremote = "'
            + "o" * 200
            + '"\n[tool.releasekit.links]\njobs = -1\n',
            "pyproject.toml: [tool.releasekit.links] jobs must be an integer from 0 to 1024, not -1",
        ),
    ],
)
def test_a_bad_value_in_pyproject_is_one_line_naming_the_key(tmp_path: Path, toml: str, line: str) -> None:
    repo = _project(tmp_path, BUMPVERSION + toml if not toml.startswith("tool =") else toml)
    for args in (("check", "versions"), ("notes",)):
        one_line(releasekit(*args, cwd=repo), line)


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        (
            '[tool.bumpversion]\ncurrent_version = "1.2.3"\nsearch = 5\n',
            "pyproject.toml: [tool.bumpversion] search must be a string, not 5",
        ),
        (
            '[tool.bumpversion]\ncurrent_version = "1.2.3"\n[[tool.bumpversion.files]]\nfilename = "setup.py"\n'
            "replace = ['x']\n",
            "pyproject.toml: [[tool.bumpversion.files]] entry 1: replace must be a string, not ['x']",
        ),
        (
            '[tool.bumpversion]\ncurrent_version = "1.2.3"\n[[tool.bumpversion.files]]\nfilename = "setup.py"\n'
            "[[tool.bumpversion.files]]\nglob = 7\n",
            "pyproject.toml: [[tool.bumpversion.files]] entry 2: glob must be a non-empty string, not 7",
        ),
        (
            '[tool.bumpversion]\ncurrent_version = "1.2.3"\nfiles = "setup.py"\n',
            "pyproject.toml: [tool.bumpversion] files must be an array of tables, not 'setup.py'",
        ),
        (
            '[tool.bumpversion]\ncurrent_version = "1' + "0" * 5000 + '.0.0"\n',
            "pyproject.toml: [tool.bumpversion] current_version: '100000000000000000000000000000'... "
            "(5005 characters) is not a release version; use MAJOR.MINOR.PATCH (at most 12 digits each, 0-9 only), "
            "optionally with a pre-release such as 1.2.0rc1",
        ),
        (
            '[tool.bumpversion]\ncurrent_version = "1\u0662.0.0"\n',
            "pyproject.toml: [tool.bumpversion] current_version: '1\u0662.0.0' is not a release version; use "
            "MAJOR.MINOR.PATCH (at most 12 digits each, 0-9 only), optionally with a pre-release such as 1.2.0rc1",
        ),
    ],
)
def test_the_parts_of_bumpversion_releasekit_reads_are_checked(tmp_path: Path, toml: str, line: str) -> None:
    one_line(releasekit("check", "versions", cwd=_project(tmp_path, toml)), line)


def test_a_bumpversion_toml_is_checked_and_named(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        {
            "pyproject.toml": '[project]\nname = "p"\n',
            ".bumpversion.toml": '[tool.bumpversion]\ncurrent_version = "1.2.3"\n[[tool.bumpversion.files]]\n'
            "filename = 3\n",
        },
    )
    one_line(
        releasekit("check", "versions", cwd=repo),
        ".bumpversion.toml: [[tool.bumpversion.files]] entry 1: filename must be a non-empty string, not 3",
    )


def test_other_keys_of_other_tools_are_theirs(tmp_path: Path) -> None:
    toml = SEED_PYPROJECT.format(version="1.2.3") + (
        'parse = "(?P<major>\\\\d+)"\n[tool.towncrier]\npackage = "seed"\nunderlines = ["=", "-"]\n'
        "wrap = true\n[tool.coverage.report]\nfail_under = 85.5\nshow_missing = true\n[tool.ruff]\nline-length = 3\n"
    )
    repo = seed_repo(tmp_path / "seed", **{"pyproject.toml": toml})
    result = releasekit("check", "versions", cwd=repo)
    assert result.returncode == 0, result.output


# --- versions and tags ---------------------------------------------------------------


def _tagged(tmp_path: Path, *tags: str) -> Path:
    """The seed, released as v1.2.3, with ``tags`` made in its origin and fetched, as a contributor's would be."""
    repo = seed_repo(tmp_path / "seed")
    git(repo, "tag", "-a", "v1.2.3", "-m", "Release v1.2.3")
    origin = add_origin(repo, tmp_path / "origin.git")
    for tag in tags:
        git(origin, "tag", "-a", tag, "-m", f"Release {tag}", "main")
    git(repo, "fetch", "-q", "--tags", "origin")
    return repo


OTHER_DIGITS = "v1\u0662.0.0"  # ARABIC-INDIC DIGIT TWO: \d matches it, packaging does not
LONG_DIGITS = "v" + "9" * 200 + ".0.0"  # git refuses a 5000-digit ref name; 200 digits is what a tag can hold


@pytest.mark.parametrize("tag", [OTHER_DIGITS, LONG_DIGITS, "v01.2.3", "v1.2.3\u00b2"])
def test_a_fetched_tag_of_another_script_or_length_is_no_release(tmp_path: Path, tag: str) -> None:
    repo = _tagged(tmp_path, tag)
    versions = releasekit("check", "versions", cwd=repo)
    assert versions.returncode == 0, versions.output
    support = releasekit("support", cwd=repo)
    assert support.returncode == 0, support.output
    assert [row.split() for row in support.stdout.splitlines()[1:]] == [["1.2", "1.2.3", "full"]]
    one_line(releasekit("hotfix", tag, cwd=repo), f"{tag!r} is not a release tag; give one like v1.2.3")


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ("", "'': expected major, minor, patch or a version such as 1.2.3"),
        (
            "1\u0663.0.0",
            "new version: '1\u0663.0.0' is not a release version; use MAJOR.MINOR.PATCH (at most 12 digits each, "
            "0-9 only), optionally with a pre-release such as 1.2.0rc1",
        ),
        (
            "9" * 5000 + ".0.0",
            "new version: '999999999999999999999999999999'... (5004 characters) is not a release version; use "
            "MAJOR.MINOR.PATCH (at most 12 digits each, 0-9 only), optionally with a pre-release such as 1.2.0rc1",
        ),
    ],
)
def test_a_release_of_an_empty_or_foreign_version_is_refused_before_anything(
    tmp_path: Path, spec: str, line: str
) -> None:
    repo = seed_repo(tmp_path / "seed")
    add_origin(repo, tmp_path / "origin.git")
    head = git(repo, "rev-parse", "HEAD")
    one_line(releasekit("release", spec, "--yes", cwd=repo), line)
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "tag", "-l") == ""
    assert not (repo / ".git" / "releasekit" / "release.json").exists()


# --- the environment -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "what"),
    [
        ("RELEASEKIT_TEST_SIMPLE_URL", "not a url", "an http:// or https:// URL"),
        ("RELEASEKIT_UPLOAD_URL", "ftp://upload.example/", "an http:// or https:// URL"),
        ("RELEASEKIT_SIMPLE_URL", "https://", "an http:// or https:// URL"),
        ("RELEASEKIT_GITHUB_API_URL", "http://api.example/\nX-Injected: 1", "an http:// or https:// URL"),
        ("RELEASEKIT_VERIFY_WAIT", "abc", "a number of seconds from 0 to 3600"),
        ("RELEASEKIT_VERIFY_WAIT", "\u0663\u0660", "a number of seconds from 0 to 3600"),
        ("RELEASEKIT_VERIFY_WAIT", "1e400", "a number of seconds from 0 to 3600"),
        ("RELEASEKIT_VERIFY_WAIT", "86400", "a number of seconds from 0 to 3600"),
        ("RELEASEKIT_FAIL_AT_STEP", "tag; rm -rf /", "a step number or a step name"),
        ("RELEASEKIT_NO_UV", "yes", "empty, 0 or 1"),
    ],
)
def test_a_bad_environment_value_stops_the_release_before_its_first_step(
    tmp_path: Path, name: str, value: str, what: str
) -> None:
    repo = seed_repo(tmp_path / "seed")
    add_origin(repo, tmp_path / "origin.git")
    result = releasekit("release", "patch", "--yes", cwd=repo, env={name: value})
    one_line(result, f"environment variable {name} must be {what}, not {value!r}")
    assert not (repo / ".git" / "releasekit" / "release.json").exists()
    assert git(repo, "tag", "-l") == ""


def test_a_url_in_the_environment_is_shown_without_its_password(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    result = releasekit(
        "check", "versions", cwd=repo, env={"RELEASEKIT_UPLOAD_URL": "ftp://user:canary-pw-31@upload.example/"}
    )
    one_line(
        result,
        "environment variable RELEASEKIT_UPLOAD_URL must be an http:// or https:// URL, not 'ftp://***@upload.example/'",
    )
    assert "canary-pw-31" not in result.output


def test_good_environment_values_pass(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    env = {
        "RELEASEKIT_TEST_SIMPLE_URL": "http://127.0.0.1:8080/simple/",
        "RELEASEKIT_VERIFY_WAIT": "2.5",
        "RELEASEKIT_NO_UV": "0",
        "RELEASEKIT_FAIL_AT_STEP": "",
    }
    result = releasekit("check", "versions", cwd=repo, env=env)
    assert result.returncode == 0, result.output


def test_columns_that_is_not_a_number_does_not_break_help(tmp_path: Path) -> None:
    result = releasekit("release", "--help", cwd=tmp_path, env={"COLUMNS": "wide"})
    assert result.returncode == 0, result.output
    assert "usage: releasekit release" in result.stdout


def test_seed_files_unchanged_by_a_refused_release(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    write_files(repo, {"pyproject.toml": seed_files()["pyproject.toml"] + "[tool.releasekit.links]\njobs = true\n"})
    commit_all(repo, "bad jobs")
    before = (repo / "setup.py").read_text()
    one_line(
        releasekit("release", "patch", "--yes", cwd=repo),
        "pyproject.toml: [tool.releasekit.links] jobs must be an integer from 0 to 1024, not True",
    )
    assert (repo / "setup.py").read_text() == before


# --- a write under .git/releasekit that fails ------------------------------------------

DONE_BEFORE_GITHUB = [
    "preflight",
    "package-check",
    "tests",
    "commit",
    "tag",
    "build",
    "test-upload",
    "test-verify",
    "push",
    "upload",
]


def _run_with_file_size_limit(repo: Path, limit: int, *args: str) -> Result:
    """Run releasekit with RLIMIT_FSIZE: any write past ``limit`` bytes fails with EFBIG, as a full disk would."""
    import os
    import resource

    def limit_writes() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # Without coverage's start-up hooks: its data file is written at exit and would hit the limit too.
    no_coverage = {name: None for name in os.environ if name.startswith("COVERAGE_PROCESS_")}
    no_coverage[covhook.VARIABLE] = None
    return run(command(*args), cwd=repo, env={**no_coverage, "PYTHONDONTWRITEBYTECODE": "1"}, preexec_fn=limit_writes)


def test_a_journal_write_that_fails_is_one_line_naming_the_file(tmp_path: Path) -> None:
    import json

    repo = seed_repo(tmp_path / "seed")
    add_origin(repo, tmp_path / "origin.git")
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "-a", "v1.2.4", "-m", "Release v1.2.4")
    record = {
        "schema": 1,
        "version": "1.2.4",
        "spec": "patch",
        "previous_version": "1.2.3",
        "branch": "main",
        "remote": "origin",
        "start_commit": head,
        "release_commit": head,
        "project": "seed",
        "completed": [*DONE_BEFORE_GITHUB, "verify"],
        "artifacts": {},
        "security": None,
        "advisory_id": None,
        "advisory_url": None,
    }
    journal = repo / ".git" / "releasekit" / "release.json"
    journal.parent.mkdir(parents=True)
    journal.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    before = journal.read_text()
    assert len(before) > 300
    result = _run_with_file_size_limit(repo, 300, "release", "--yes")
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr == f"releasekit: error: {journal}: cannot write: File too large\n"
    assert journal.read_text() == before  # the old journal, whole
    assert sorted(p.name for p in journal.parent.iterdir()) == ["lock", "release.json"]  # no temporary file left


def test_every_releasekit_variable_is_checked_and_documented() -> None:
    """A RELEASEKIT_* variable that releasekit reads is in the checked table and in the docs' table."""
    import re

    from releasekit import environment

    src = Path(__file__).parents[1] / "src" / "releasekit"
    named = {
        name
        for path in src.rglob("*.py")
        for name in re.findall(r"RELEASEKIT_[A-Z_]+", path.read_text())
        if not name.endswith("_")  # a prefix, as in f"{prefix}UPLOAD_URL"
    }
    assert named <= set(environment.VARIABLES), sorted(named - set(environment.VARIABLES))
    docs = (Path(__file__).parents[1] / "docs" / "release.rst").read_text()
    table = docs[docs.index("Environment variables") :]
    assert [name for name in environment.VARIABLES if f"``{name}``" not in table] == []


def test_the_nox_sessions_read_a_pyproject_whose_tables_are_not_tables(tmp_path: Path) -> None:
    from releasekit import nox as sessions
    from releasekit.changelog.notes import _start_string
    from releasekit.package import build_requires

    (tmp_path / "pyproject.toml").write_text("tool = 5\nproject = 5\nbuild-system = 5\n")
    assert sessions.declares_marker(tmp_path, "integration") is False
    assert sessions.cov_source_args(tmp_path) == ["--cov=."]
    assert build_requires(tmp_path) == ["setuptools>=40.8.0"]
    assert _start_string(tmp_path, tmp_path / "pyproject.toml") is None


def test_a_source_path_glob_that_backtracks_does_not_hang_the_fragment_hook(tmp_path: Path) -> None:
    """``*a*a*...b`` against a long name took minutes (each wildcard tried every end in turn)."""
    import time

    from tests.helpers.fragments import demo_repo

    glob = "*a" * 14 + "b"
    repo = demo_repo(tmp_path)
    pyproject = (repo / "pyproject.toml").read_text()
    write_files(
        repo,
        {
            "pyproject.toml": pyproject.replace(
                "[tool.towncrier]", f'[tool.releasekit]\nsource_paths = ["{glob}"]\n\n[tool.towncrier]'
            ),
            "a" * 40: "x\n",
            "a" * 39 + "b": "x\n",
        },
    )
    commit_all(repo, "Add files")
    started = time.monotonic()
    result = releasekit("check", "fragments", cwd=repo, env={"RELEASEKIT_NO_CACHE": "1"})
    assert time.monotonic() - started < 60  # minutes, and more, before
    assert result.returncode == 1, result.output
    assert f"{'a' * 39}b:1:1: this changed with no changelog fragment in changelog.d/" in result.output
    assert f"{'a' * 40}:1:1" not in result.output


def test_an_exclude_urls_regex_nested_too_deep_is_one_line(tmp_path: Path) -> None:
    pattern = "(" * 600 + ")" * 600
    repo = _project(tmp_path, BUMPVERSION + f'[tool.releasekit.links]\nexclude_urls = ["{pattern}"]\n')
    one_line(
        releasekit("check", "links", cwd=repo),
        "pyproject.toml: [tool.releasekit.links] exclude_urls: regular expression "
        f"{pattern[:60]!r}... nested too deeply",
    )


@pytest.mark.parametrize("search", ["{current_version.x}", "{current_version.__class__.__mro__}", "{0}"])
def test_a_search_that_reaches_into_python_objects_is_a_finding(tmp_path: Path, search: str) -> None:
    toml = BUMPVERSION + f"search = '{search}'\n"
    result = releasekit("check", "versions", cwd=_project(tmp_path, toml))
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == f"setup.py:1:1: cannot check: search {search!r} names a part releasekit does not know\n"


def test_notes_of_an_empty_version_is_refused_not_the_draft(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    one_line(releasekit("notes", "", cwd=repo), "'': not a version; give one such as 1.2.3, or none for the draft")


def test_the_parsed_pyproject_of_a_root_is_read_once_with_config_loads_errors(tmp_path: Path) -> None:
    import os

    from releasekit import config
    from releasekit.errors import ReleasekitError
    from releasekit.safefiles import LIMITS

    missing, fifo, link, large, good = (tmp_path / name for name in ("missing", "fifo", "link", "large", "good"))
    for root in (missing, fifo, link, large, good):
        root.mkdir()
    os.mkfifo(fifo / "pyproject.toml")
    (tmp_path / "elsewhere.toml").write_text('[project]\nname = "secret"\n')
    (link / "pyproject.toml").symlink_to(tmp_path / "elsewhere.toml")
    (large / "pyproject.toml").write_text("#" * (LIMITS["config"] + 1))
    (good / "pyproject.toml").write_text('[project]\nname = "good"\n')

    assert config.read_pyproject(good) == {"project": {"name": "good"}}
    assert config.read_pyproject(missing, required=False) == {}  # a project without one reads as empty
    with pytest.raises(ReleasekitError) as missing_error:
        config.read_pyproject(missing)
    assert str(missing_error.value) == f"{missing / 'pyproject.toml'}: file not found"
    refused = {
        fifo: "is a FIFO (named pipe), not a regular file; it is not read",
        link: "is a symlink leading outside the repository; it is not read",
        large: "is larger than 4 MiB, the limit for a config; it is not read",
    }
    for root, reason in refused.items():
        for required in (True, False):  # being optional does not make a FIFO or a symlink out readable
            with pytest.raises(ReleasekitError) as error:
                config.read_pyproject(root, required=required)
            assert str(error.value) == f"{root / 'pyproject.toml'}: {reason}"


@pytest.mark.parametrize("legacy", [False, True], ids=["pyproject", "bumpversion-cfg"])
@pytest.mark.parametrize(
    ("pattern", "stdout"),
    [
        ("/etc/host*", "/etc/host*:1:1: outside the repository; it is not read\n"),
        ("../*.py", "../*.py:1:1: outside the repository; it is not read\n"),
        ("src/../../*.py", "src/../../*.py:1:1: outside the repository; it is not read\n"),
        ("./setup.py", "setup.py:1:26: expected 1.2.3, found 1.2.0\n"),
        ("se**.py", "setup.py:1:26: expected 1.2.3, found 1.2.0\n"),  # as Python's glob reads it: se*.py
        (".", ""),  # the repository itself: a directory, no file
        ("./", ""),
    ],
)
def test_a_glob_pathlib_cannot_take_or_leaving_the_repository_is_a_finding(
    tmp_path: Path, pattern: str, stdout: str, legacy: bool
) -> None:
    (tmp_path / "outside.py").write_text('__version__ = "9.9.9"\n')  # what a glob walking out would find
    files = {"setup.py": 'setup(name="p", version="1.2.0")\n'}
    if legacy:
        files["pyproject.toml"] = '[build-system]\nrequires = ["setuptools"]\n'
        files[".bumpversion.cfg"] = f"[bumpversion]\ncurrent_version = 1.2.3\n\n[bumpversion:glob:{pattern}]\n"
    else:
        files["pyproject.toml"] = (
            f'[tool.bumpversion]\ncurrent_version = "1.2.3"\n[[tool.bumpversion.files]]\nglob = "{pattern}"\n'
        )
    result = releasekit("check", "versions", cwd=make_repo(tmp_path / "p", files), env={"RELEASEKIT_NO_CACHE": "1"})
    assert "Traceback" not in result.output
    assert result.returncode == (1 if stdout else 0), result.output
    assert result.stdout == stdout
