"""Hostile files a contributor can commit: symlinks to secrets, FIFOs, /dev/zero, directories.

Each is built for real: a symlink to a fake ~/.pypirc holding a canary password in the
test's own HOME, ``os.mkfifo``, a symlink to ``/dev/zero``. Every run has a timeout (a
hang fails the test), and the canary must appear nowhere releasekit writes or prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from releasekit import config, safefiles
from releasekit.errors import ReleasekitError
from releasekit.release.steps.preflight import fragment_problems
from tests.helpers.cli import Result, releasekit
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import commit_all, git, write_files
from tests.helpers.httpserver import http_server
from tests.helpers.projects import seed_repo
from tests.helpers.releaseproj import make_project, snapshot

CANARY = "canary-pw-5d1c0e77"
HANG = 60  # seconds: far beyond what any of these runs needs, well before CI gives up
SYMLINK = "is a symlink; releasekit reads only regular files here, and not what it points to"
OUTSIDE = "is a symlink leading outside the repository; it is not read"
FIFO = "is a FIFO (named pipe), not a regular file; it is not read"
INDEX_URLS = ("TEST_UPLOAD", "TEST_SIMPLE", "UPLOAD", "SIMPLE")
LINK_OUT = "is a symlink leading outside the repository; it is not read"
LINK_SPECIAL = "is not a regular file (a FIFO, socket or device); it is not read"


@pytest.fixture
def pypirc() -> Path:
    """A fake ~/.pypirc in the test's HOME, holding the canary password."""
    path = Path(os.environ["HOME"]) / ".pypirc"
    path.write_text(f"[pypi]\nusername = __token__\npassword = {CANARY}\n")
    return path


def run(*args: str, cwd: Path) -> Result:
    result = releasekit(*args, cwd=cwd, timeout=HANG)
    assert CANARY not in result.output
    return result


def test_a_symlinked_fragment_is_a_finding_and_never_read(tmp_path: Path, pypirc: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "X = 1\n"})
    (repo / "changelog.d" / "42.bugfix.md").symlink_to(pypirc)
    (repo / "changelog.d" / ".43.bugfix.md").symlink_to(pypirc)  # towncrier reads dot names this check skips
    git(repo, "add", "-A")

    result = run("check", "fragments", cwd=repo)

    assert result.returncode == 1, result.output
    assert result.stdout.splitlines() == [
        f"changelog.d/.43.bugfix.md:1:1: {SYMLINK}",
        f"changelog.d/42.bugfix.md:1:1: {SYMLINK}",
    ]


def test_notes_refuse_to_draft_from_a_symlinked_fragment(tmp_path: Path, pypirc: Path) -> None:
    repo = demo_repo(tmp_path, branch=None)
    write_files(repo, {"changelog.d/+ok.feature.md": "A real change.\n"})
    (repo / "changelog.d" / "+leak.bugfix.md").symlink_to(pypirc)
    commit_all(repo, "A fragment that is a symlink")
    changelog = (repo / "CHANGELOG.md").read_text()

    result = run("notes", cwd=repo)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"releasekit: error: changelog.d/+leak.bugfix.md: {SYMLINK}\n"
    assert (repo / "CHANGELOG.md").read_text() == changelog


def test_fifo_and_dev_zero_fragments_do_not_hang(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "X = 1\n", "changelog.d/42.feature.md": "A change.\n"})
    git(repo, "add", "-A")
    os.mkfifo(repo / "changelog.d" / "43.feature.md")  # git cannot hold one, but a work tree can
    (repo / "changelog.d" / "44.feature.md").symlink_to("/dev/zero")

    result = run("check", "fragments", cwd=repo)

    assert result.returncode == 1, result.output
    assert result.stdout.splitlines() == [
        f"changelog.d/43.feature.md:1:1: {FIFO}",
        f"changelog.d/44.feature.md:1:1: {SYMLINK}",
    ]
    drafted = run("notes", cwd=repo)
    assert (drafted.returncode, drafted.stderr) == (
        2,
        f"releasekit: error: changelog.d/43.feature.md: {FIFO} (and 1 more)\n",
    )


def test_a_fragment_over_the_limit_is_not_read(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path)
    big = "x" * (safefiles.LIMITS["fragment"] + 1)
    write_files(repo, {"src/demo/core.py": "X = 1\n", "changelog.d/42.feature.md": big})
    git(repo, "add", "-A")
    result = run("check", "fragments", cwd=repo)
    assert result.returncode == 1
    assert result.stdout == (
        "changelog.d/42.feature.md:1:1: is larger than 64 KiB, the limit for a fragment; it is not read\n"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path, secret: path.mkdir(), "is a directory, not a regular file; it is not read"),
        (lambda path, secret: path.symlink_to(secret), OUTSIDE),
        (lambda path, secret: path.symlink_to("/dev/zero"), OUTSIDE),
        (lambda path, secret: os.mkfifo(path), FIFO),
    ],
    ids=["directory", "secret", "dev-zero", "fifo"],
)
def test_a_changelog_that_is_no_regular_file(
    tmp_path: Path, pypirc: Path, make: Callable[[Path, Path], object], message: str
) -> None:
    repo = demo_repo(tmp_path, branch=None)
    (repo / "CHANGELOG.md").unlink()
    make(repo / "CHANGELOG.md", pypirc)
    result = run("notes", "1.0.0", cwd=repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"releasekit: error: CHANGELOG.md: {message}\n"


def test_version_files_that_are_symlinks_fifos_or_dev_zero(tmp_path: Path, pypirc: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    (repo / "src" / "seed" / "__init__.py").unlink()
    (repo / "src" / "seed" / "__init__.py").symlink_to(pypirc)
    (repo / "docs" / "conf.py").unlink()
    (repo / "docs" / "conf.py").symlink_to("/dev/zero")
    (repo / "setup.py").unlink()
    os.mkfifo(repo / "setup.py")

    result = run("check", "versions", cwd=repo)

    assert result.returncode == 1, result.output
    assert result.stdout.splitlines() == [
        f"setup.py:1:1: {FIFO}",
        f"src/seed/__init__.py:1:1: {OUTSIDE}",
        f"docs/conf.py:1:1: {OUTSIDE}",
        f"docs/conf.py:1:1: {OUTSIDE}",  # listed twice in [[tool.bumpversion.files]]
    ]


def test_a_version_file_over_the_limit(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path / "seed")
    with (repo / "setup.py").open("a") as fh:
        fh.write("#" * safefiles.LIMITS["version file"])
    result = run("check", "versions", cwd=repo)
    assert result.returncode == 1
    assert result.stdout == "setup.py:1:1: is larger than 4 MiB, the limit for a version file; it is not read\n"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "secret"])
def test_a_pyproject_that_is_no_regular_file(tmp_path: Path, pypirc: Path, kind: str) -> None:
    repo = seed_repo(tmp_path / "seed")
    pyproject = repo / "pyproject.toml"
    pyproject.unlink()
    if kind == "fifo":
        os.mkfifo(pyproject)
    else:
        pyproject.symlink_to("/dev/zero" if kind == "dev-zero" else pypirc)
    expected = FIFO if kind == "fifo" else OUTSIDE
    for command in (("check", "versions"), ("check", "fragments"), ("notes",)):
        result = run(*command, cwd=repo)
        assert (result.returncode, result.stdout) == (2, ""), command
        assert result.stderr == f"releasekit: error: {pyproject}: {expected}\n", command


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "secret"])
def test_a_bumpversion_toml_that_is_no_regular_file(tmp_path: Path, pypirc: Path, kind: str) -> None:
    repo = seed_repo(tmp_path / "seed")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text('[project]\nname = "seed"\n')
    alt = repo / ".bumpversion.toml"
    if kind == "fifo":
        os.mkfifo(alt)
    else:
        alt.symlink_to("/dev/zero" if kind == "dev-zero" else pypirc)
    result = run("check", "versions", cwd=repo)
    assert (result.returncode, result.stdout) == (2, "")
    if kind == "secret":
        assert result.stderr == f"releasekit: error: {alt}: {OUTSIDE}\n"
    else:  # not a file at all: as if there were none
        assert "no version found: no bump-my-version configuration" in result.stderr


def test_documents_and_link_targets(tmp_path: Path, pypirc: Path) -> None:
    repo = demo_repo(tmp_path, branch=None)
    write_files(
        repo,
        {
            "README.md": (
                "# demo\n\n[a](docs/leak.md#password) [b](docs/zero.md#x) [c](docs/pipe.md#y)\n"
                "[d](secret.txt) [e](docs/pipe.md) [f](docs/inside.md#demo)\n"
            ),
        },
    )
    (repo / "docs" / "leak.md").symlink_to(pypirc)
    (repo / "docs" / "zero.md").symlink_to("/dev/zero")
    (repo / "docs" / "inside.md").symlink_to("index.md")  # inside the repository: fine
    (repo / "secret.txt").symlink_to(pypirc)
    commit_all(repo, "Hostile documents")
    os.mkfifo(repo / "docs" / "pipe.md")

    result = run("check", "links", "README.md", "docs/leak.md", "docs/zero.md", "docs/pipe.md", cwd=repo)

    assert result.returncode == 1, result.output
    assert result.stdout.splitlines()[:-1] == [
        f"README.md:3:1: 'docs/leak.md#password': docs/leak.md {LINK_OUT}",
        f"README.md:3:28: 'docs/zero.md#x': docs/zero.md {LINK_OUT}",
        f"README.md:3:48: 'docs/pipe.md#y': docs/pipe.md {LINK_SPECIAL}",
        f"README.md:4:1: 'secret.txt': secret.txt {LINK_OUT}",
        f"README.md:4:17: 'docs/pipe.md': docs/pipe.md {LINK_SPECIAL}",
        f"docs/leak.md:1:1: {OUTSIDE}",
        f"docs/pipe.md:1:1: {FIFO}",
        f"docs/zero.md:1:1: {OUTSIDE}",
    ]
    everything = run("check", "links", cwd=repo)  # tracked files: the symlinks, not the FIFO
    assert everything.returncode == 1
    assert f"docs/zero.md:1:1: {OUTSIDE}" in everything.stdout


def test_reads_stay_inside_the_root(tmp_path: Path, pypirc: Path) -> None:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "ok.txt").write_text("fine\n")
    (root / "linked").symlink_to(pypirc.parent)  # a directory on the way out
    assert safefiles.read_bytes(root, "sub/ok.txt", "fragment") == b"fine\n"
    assert safefiles.read_bytes(root, root / "sub" / "ok.txt", "fragment") == b"fine\n"
    with pytest.raises(safefiles.Refused, match=r"^\.\./x: outside the repository; it is not read$"):
        safefiles.read_bytes(root / "sub", "../x", "fragment")
    with pytest.raises(safefiles.Refused, match=r"^linked/\.pypirc: is in a symlinked directory leading outside"):
        safefiles.read_bytes(root, "linked/.pypirc", "document")
    with pytest.raises(FileNotFoundError):
        safefiles.read_bytes(root, "sub/missing.txt", "fragment")
    assert isinstance(safefiles.Refused("x", "y"), ReleasekitError)  # uncaught: one line, exit 2


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "release"])
def test_a_symlinked_fragment_or_changelog_blocks_the_release_in_preflight(
    tmp_path: Path, pypirc: Path, dry_run: bool
) -> None:
    project = make_project(tmp_path, fragments={"+ok.feature.md": "A real feature.\n"})
    (project.root / "changelog.d" / "+leak.bugfix.md").symlink_to(pypirc)
    commit_all(project.root, "A fragment that is a symlink")
    git(project.root, "push", "-q", "origin", "main")
    before = snapshot(project.root), snapshot(project.origin)
    changelog = (project.root / "CHANGELOG.md").read_bytes()

    with http_server() as index:  # any answer below 500 tells preflight an index is there
        env = {f"RELEASEKIT_{kind}_URL": f"{index.url}/{kind.lower()}/" for kind in INDEX_URLS}
        args = ("release", "--dry-run") if dry_run else ("release", "patch", "--yes")
        result = releasekit(*args, cwd=project.root, env=env, timeout=HANG)

    assert CANARY not in result.output
    assert result.returncode == 1, result.output
    # The fragment check refuses it, and so does the link check (a .md file is a document too);
    # the link checker's summary line is no problem of its own.
    assert result.stderr.endswith(
        "preflight found 2 problems:\n"
        f"  - changelog.d/+leak.bugfix.md:1:1: {SYMLINK}\n"
        f"  - changelog.d/+leak.bugfix.md:1:1: {OUTSIDE}\n"
    ), result.output
    assert (snapshot(project.root), snapshot(project.origin)) == before
    assert (project.root / "CHANGELOG.md").read_bytes() == changelog
    assert not list(project.root.glob("dist/*"))


def test_a_changelog_leading_out_of_the_repository_blocks_the_release(tmp_path: Path, pypirc: Path) -> None:
    project = make_project(tmp_path)
    (project.root / "CHANGELOG.md").unlink()
    (project.root / "CHANGELOG.md").symlink_to(pypirc)  # towncrier would read it, and write into it
    commit_all(project.root, "The changelog is a symlink")
    git(project.root, "push", "-q", "origin", "main")
    with http_server() as index:
        env = {f"RELEASEKIT_{kind}_URL": f"{index.url}/{kind.lower()}/" for kind in INDEX_URLS}
        result = releasekit("release", "--dry-run", cwd=project.root, env=env, timeout=HANG)
    assert CANARY not in result.output
    assert result.returncode == 1, result.output
    # The fragment check and the link check both refuse it: it is listed once, with no summary line.
    assert result.stderr.endswith(f"preflight found 1 problem:\n  - CHANGELOG.md:1:1: {OUTSIDE}\n"), result.output
    assert pypirc.read_text().endswith(f"password = {CANARY}\n")  # not written into either


def test_a_towncrier_template_leading_out_of_the_project(tmp_path: Path, pypirc: Path) -> None:
    repo = demo_repo(tmp_path, branch=None)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.towncrier]\n", '[tool.towncrier]\ntemplate = "docs/notes.jinja"\n', 1)
    )
    (repo / "docs" / "notes.jinja").symlink_to(pypirc)  # towncrier would render the secret into the notes
    write_files(repo, {"changelog.d/+ok.feature.md": "A real change.\n"})
    commit_all(repo, "A template that is a symlink")
    result = run("notes", cwd=repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"releasekit: error: docs/notes.jinja: {OUTSIDE}\n"
    assert fragment_problems(config.load(repo), "1.0.0", "1.1.0") == [f"docs/notes.jinja:1:1: {OUTSIDE}"]


def test_a_tracked_symlink_out_of_the_repository_blocks_the_release(tmp_path: Path, pypirc: Path) -> None:
    project = make_project(tmp_path)
    data = project.root / "src" / project.module / "settings.ini"
    data.symlink_to(pypirc)  # the build backend would copy ~/.pypirc into the sdist
    commit_all(project.root, "Package data that is a symlink")
    git(project.root, "push", "-q", "origin", "main")
    with http_server() as index:
        env = {f"RELEASEKIT_{kind}_URL": f"{index.url}/{kind.lower()}/" for kind in INDEX_URLS}
        result = releasekit("release", "--dry-run", cwd=project.root, env=env, timeout=HANG)
    assert CANARY not in result.output
    assert result.returncode == 1, result.output
    assert result.stderr.endswith(
        "preflight found 1 problem:\n"
        f"  - src/{project.module}/settings.ini:1:1: is a symlink leading outside the repository; "
        "the build would pack what it points to\n"
    ), result.output
    assert not list(project.root.glob("dist/*"))


def test_limits_and_own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(safefiles.LIMITS, "fragment", 10)
    write_files(tmp_path, {"ten.md": "0123456789", "eleven.md": "0123456789A", "empty.md": ""})
    assert safefiles.read_bytes(tmp_path, "ten.md", "fragment") == b"0123456789"
    assert safefiles.read_bytes(tmp_path, "empty.md", "fragment") == b""
    with pytest.raises(safefiles.TooLarge, match=r"^eleven\.md: is larger than 10 bytes, the limit for a fragment"):
        safefiles.read_bytes(tmp_path, "eleven.md", "fragment")
    big = os.urandom(3 * (1 << 20) + 7)  # more than one read's worth
    (tmp_path / "big.bin").write_bytes(big)
    assert safefiles.read_bytes(tmp_path, "big.bin", "document") == big
    os.mkfifo(tmp_path / "cache.json")
    with pytest.raises(safefiles.Refused, match=re.escape(f"cache.json: {FIFO}")):
        safefiles.read_file(tmp_path / "cache.json", "config")
    assert safefiles.size_text(safefiles.LIMITS["changelog"]) == "16 MiB"


def test_a_tool_configuration_file_that_would_hang_the_release(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project.root / ".bumpversion.cfg").symlink_to("/dev/zero")  # bump-my-version reads it first of all
    commit_all(project.root, "bump-my-version configuration that never ends")
    git(project.root, "push", "-q", "origin", "main")
    with http_server() as index:
        env = {f"RELEASEKIT_{kind}_URL": f"{index.url}/{kind.lower()}/" for kind in INDEX_URLS}
        result = releasekit("release", "--dry-run", cwd=project.root, env=env, timeout=HANG)
    assert result.returncode == 1, result.output
    assert result.stderr.endswith(f"preflight found 1 problem:\n  - .bumpversion.cfg:1:1: {OUTSIDE}\n"), result.output
