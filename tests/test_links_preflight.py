"""The release's preflight checks the documentation links in its own process and lists the findings."""

from __future__ import annotations

from pathlib import Path

from releasekit import config
from releasekit.findings import Finding
from releasekit.release.steps.preflight import link_problems
from tests.helpers.cli import Result, releasekit
from tests.helpers.gitrepo import make_repo
from tests.helpers.httpserver import http_server
from tests.helpers.releaseproj import make_project

INDEX_URLS = ("TEST_UPLOAD", "TEST_SIMPLE", "UPLOAD", "SIMPLE")
GUIDE = "# Guide\n\nSee [the API](api.md) and [home](../README.md#nope).\n"


def _dry_run(root: Path) -> Result:
    with http_server() as index:  # any answer below 500 tells preflight an index is there
        env = {f"RELEASEKIT_{kind}_URL": f"{index.url}/{kind.lower()}/" for kind in INDEX_URLS}
        return releasekit("release", "--dry-run", cwd=root, env=env, timeout=60)


def test_broken_links_are_preflight_problems_without_a_summary_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, extra_files={"docs/guide.md": GUIDE})
    result = _dry_run(project.root)
    assert result.returncode == 1, result.output
    assert result.stderr.endswith(
        "preflight found 2 problems:\n"
        "  - docs/guide.md:3:5: 'api.md': docs/api.md does not exist\n"
        "  - docs/guide.md:3:27: '../README.md#nope': no anchor #nope in README.md\n"
    ), result.output
    assert "links:" not in result.output


def test_a_bad_links_table_is_one_preflight_problem(tmp_path: Path) -> None:
    project = make_project(tmp_path, extra_pyproject='\n[tool.releasekit.links]\nslug = "kebab"\n')
    result = _dry_run(project.root)
    assert result.returncode == 1, result.output
    assert result.stderr.endswith(
        "preflight found 1 problem:\n"
        "  - pyproject.toml: [tool.releasekit.links] slug: unknown slug profile 'kebab'; choose one of github, "
        "python-markdown, gitlab, pymdownx, pymdownx:lower, pymdownx:lower-ascii, pymdownx:fold\n"
    ), result.output


def test_findings_of_a_project_below_the_top_of_its_repository(tmp_path: Path) -> None:
    # The whole work tree is checked, as the hook checks it; paths are shown from the project.
    repo = make_repo(
        tmp_path / "mono",
        {
            "README.md": "# Mono\n\n[pkg](pkg/README.md) [gone](gone.md)\n",
            "pkg/pyproject.toml": '[project]\nname = "pkg"\nversion = "1.0.0"\n',
            "pkg/README.md": "# Pkg\n\n[top](../README.md#mono) [bad](../README.md#pkg)\n",
            "pkg/data.md": b"\xff [x](nowhere.md)\n",
        },
    )
    assert link_problems(config.load(repo / "pkg")) == [
        Finding("../README.md", 3, 22, "'gone.md': gone.md does not exist"),
        Finding("README.md", 3, 26, "'../README.md#pkg': no anchor #pkg in README.md"),
        Finding("data.md", 1, 1, "not valid UTF-8 (byte 0); undecodable bytes replaced", "warning"),
        Finding("data.md", 1, 3, "'nowhere.md': pkg/nowhere.md does not exist"),
    ]
