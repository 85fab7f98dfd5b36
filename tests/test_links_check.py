"""``releasekit check links`` on real repositories in tmp dirs: the exact set of findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.gitrepo import commit_all, git, make_repo
from tests.helpers.links import at, places, run_links

README = """\
# Project Title

See [guide](docs/guide.md) and [anchor](docs/guide.md#installing-the-tool).
Broken: [bad file](docs/gide.md), [case](docs/Guide.md), [bad anchor](docs/guide.md#nope).
[dir](docs/) [dir slash](docs) [self](#project-title) [top](#top) [empty](#) [Case](#Project-Title).
[line](src/pkg/mod.py#L3) [bad line](src/pkg/mod.py#L99) [range](src/pkg/mod.py#L1-L2)
[frag on py](src/pkg/mod.py#main) [root](/docs/guide.md) [percent](docs/guide.md#caf%C3%A9-au-lait)
[space file](docs/my%20file.md) [query](docs/guide.md?x=1#usage)
[own](https://github.com/Owner/Repo/blob/main/docs/guide.md#usage) [own bad](https://github.com/owner/repo/blob/main/docs/nope.md)
[own anchor](https://github.com/owner/repo/blob/main/docs/guide.md#nope) [other repo](https://github.com/other/repo/blob/main/x.md)
[home](https://github.com/Owner/Repo#project-title) [home bad](https://github.com/owner/repo/#nope) [tree](https://github.com/owner/repo/tree/main/docs)
[mail](mailto:someone@example.org) [escape](../outside.md) [malformed](http://[::1/x) [ext](https://example.org/x)
`[code](nowhere.md)` and [ref][r] and ![logo](img/logo.png) ![gone](img/gone.png)

```
[fenced](nowhere.md)
```

<p><a href="docs/missing.html">x</a> <img src="img/logo.png"></p>

Inline <a href="docs/inline-missing.md">html</a> too.

    [indented](nowhere.md)

[r]: docs/absent.md
"""

GUIDE = """\
# Guide

## Installing the tool

## Usage

## Usage

## Café au lait

### Custom {#custom-id}

### Attr {: #attr-id }

<a name="named"></a>
<div id="html-id"></div>

| cell | <span id="cell-id">x</span> |
|------|------|
| a    | b    |

[a](#custom-id) [b](#attr-id) [c](#named) [d](#html-id) [e](#cell-id) [f](#usage-1)
[g](#usage-2) [h](../README.md#project-title) [i](#instaling-the-tool) [j](#custom)
[k](sub/) [l](sub/#deep) [m](sub/#nothing) [n](../src/#x)
"""

FILES = {
    "README.md": README,
    "docs/guide.md": GUIDE,
    "docs/my file.md": "# Spaced\n",
    "docs/sub/README.md": "# Sub\n\n## Deep\n",
    "src/pkg/mod.py": "a = 1\nb = 2\nc = 3\n",
    "img/logo.png": b"\x89PNG\r\n\x1a\n\0\0",
    "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\n',
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = make_repo(tmp_path / "repo", FILES)
    git(path, "remote", "add", "origin", "git@github.com:Owner/Repo.git")
    return path


def test_exact_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = run_links(repo, capsys)
    assert code == 1
    expected = {
        ("README.md", *at(README, "[bad file]")),
        ("README.md", *at(README, "[case]")),
        ("README.md", *at(README, "[bad anchor]")),
        ("README.md", *at(README, "[bad line]")),
        ("README.md", *at(README, "[frag on py]")),
        ("README.md", *at(README, "[own bad]")),
        ("README.md", *at(README, "[own anchor]")),
        ("README.md", *at(README, "[home bad]")),
        ("README.md", *at(README, "[escape]")),
        ("README.md", *at(README, "[malformed]")),
        ("README.md", *at(README, "[ref]")),
        ("README.md", *at(README, "![gone]")),
        ("README.md", *at(README, "docs/missing.html")),
        ("README.md", *at(README, "docs/inline-missing.md")),
        ("docs/guide.md", *at(GUIDE, "[g]")),
        ("docs/guide.md", *at(GUIDE, "[i]")),
        ("docs/guide.md", *at(GUIDE, "[j]")),
        ("docs/guide.md", *at(GUIDE, "[m]")),
        ("docs/guide.md", *at(GUIDE, "[n]")),
    }
    assert places(findings) == expected
    messages = {(path, line, col): message for path, line, col, message in findings}
    assert "did you mean 'docs/guide.md'?" in messages[("README.md", *at(README, "[bad file]"))]
    assert "did you mean 'docs/guide.md'?" in messages[("README.md", *at(README, "[case]"))]
    assert "has 3 lines" in messages[("README.md", *at(README, "[bad line]"))]
    assert "escapes the repository" in messages[("README.md", *at(README, "[escape]"))]
    assert "malformed URL" in messages[("README.md", *at(README, "[malformed]"))]
    assert "docs/absent.md does not exist" in messages[("README.md", *at(README, "[ref]"))]
    assert "did you mean '#installing-the-tool'?" in messages[("docs/guide.md", *at(GUIDE, "[i]"))]
    assert "no anchor #nope in docs/guide.md" in messages[("README.md", *at(README, "[own anchor]"))]


def test_text_output_and_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from releasekit.cli import main

    code = main(["-C", str(repo), "check", "links", "docs/guide.md"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    line, col = at(GUIDE, "[g]")
    assert (
        out[0] == f"docs/guide.md:{line}:{col}: '#usage-2': no anchor #usage-2 in this file; did you mean '#usage-1'?"
    )
    assert len(out) == 6
    assert out[-1] == "links: 14 links in 1 file: 5 broken"


def test_github_format(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from releasekit.cli import main

    code = main(["-C", str(repo), "check", "links", "--format", "github", "docs/guide.md"])
    captured = capsys.readouterr()
    line, col = at(GUIDE, "[g]")
    assert code == 1
    assert captured.out.splitlines()[0].startswith(f"::error file=docs/guide.md,line={line},col={col}::")
    assert "5 broken" in captured.err


def test_clean_tree_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "ok", {"README.md": "# A\n\n[b](b.md#b) [a](#a)\n", "b.md": "# B\n"})
    code, findings = run_links(repo, capsys)
    assert (code, findings) == (0, [])


def test_hook_checks_given_files_and_resolves_anywhere(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Only README's links are checked, but its targets (docs/guide.md's headings) are read too.
    code, findings = run_links(repo, capsys, "README.md")
    assert code == 1
    assert {path for path, *_ in findings} == {"README.md"}
    assert len(findings) == 14


def test_directory_argument_means_tracked_docs_under_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "docs" / "untracked.md").write_text("[x](nowhere.md)\n")
    code, findings = run_links(repo, capsys, "docs")
    assert code == 1
    assert {path for path, *_ in findings} == {"docs/guide.md"}


def test_paths_relative_to_the_working_directory(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = run_links(repo / "docs", capsys, "guide.md")
    assert code == 1
    assert {path for path, *_ in findings} == {"guide.md"}


def test_missing_path_argument_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from releasekit.cli import main

    assert main(["-C", str(repo), "check", "links", "nope.md"]) == 2
    assert capsys.readouterr().err.strip() == "releasekit: error: nope.md: no such file or directory"


def test_url_credentials_are_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"README.md": "[x](https://user:s3cret@[bad/x)\n"})
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert len(findings) == 1
    assert "s3cret" not in findings[0][3]


RST = """\
Manual
======

Read `the guide <guide.rst#usage>`_, `missing <gone.rst>`_ and `bad anchor <guide.rst#nope>`_.
Jump to `Details`_ or the `named`_ target; also `markdown <../README.md#project-title>`_.

.. _named: nowhere.rst
.. _explicit-place:

Details
-------

Ünï `here <#explicit-place>`_ and `there <#no-such-id>`_.
"""

GUIDE_RST = """\
Guide
=====

Usage
-----

Text.
"""


def test_restructuredtext(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "README.md": "# Project Title\n\n[rst](docs/manual.rst#details) [bad](docs/manual.rst#detail)\n",
        "docs/manual.rst": RST,
        "docs/guide.rst": GUIDE_RST,
    }
    repo = make_repo(tmp_path / "rst", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert places(findings) == {
        ("README.md", *at(files["README.md"], "[bad]")),
        ("docs/manual.rst", *at(RST, "gone.rst")),
        ("docs/manual.rst", *at(RST, "guide.rst#nope")),
        ("docs/manual.rst", *at(RST, "nowhere.rst")),
        ("docs/manual.rst", *at(RST, "#no-such-id")),
    }
    messages = {message for *_, message in findings}
    assert "'docs/manual.rst#detail': no anchor #detail in docs/manual.rst; did you mean '#details'?" in messages


MKDOCS_PAGE = """\
# Home

## Café Au Lait

## Café Au Lait

[a](#café-au-lait) [b](#cafe-au-lait) [c](#café-au-lait_1) [d](#Café-Au-Lait) [e](/guide.md#setup) [f](/nope.md)
"""


@pytest.mark.parametrize(
    ("mkdocs_yml", "bad"),
    [
        # python-markdown (MkDocs' default): ASCII slugs, _1 for duplicates, case-sensitive
        ("site_name: x\ndocs_dir: site-docs\n", {"[a]", "[c]", "[d]", "[f]"}),
        (
            "site_name: x\ndocs_dir: 'site-docs'\nmarkdown_extensions:\n  - toc:\n"
            "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: lower\n",
            {"[b]", "[d]", "[f]"},
        ),
    ],
)
def test_mkdocs_site_picks_its_profile_and_docs_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mkdocs_yml: str, bad: set[str]
) -> None:
    files = {
        "mkdocs.yml": mkdocs_yml,
        "site-docs/index.md": MKDOCS_PAGE,
        "site-docs/guide.md": "# Guide\n\n## Setup\n",
        "README.md": "# Readme\n\n## Café Au Lait\n\n[x](#café-au-lait) [y](#cafe-au-lait)\n",
    }
    repo = make_repo(tmp_path / "site", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    expected = {("site-docs/index.md", *at(MKDOCS_PAGE, needle)) for needle in bad}
    expected.add(("README.md", *at(files["README.md"], "[y]")))  # README is outside docs_dir: github
    assert places(findings) == expected


def test_configured_profile_and_docs_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = '[project]\nname = "x"\n\n[tool.releasekit.links]\nslug = "gitlab"\ndocs_root = "docs"\n'
    page = "# 123\n\n## A  B\n\n[a](#anchor-123) [b](#a-b) [c](#a--b) [d](/page.md) [e](/docs/page.md)\n"
    repo = make_repo(tmp_path / "gl", {"pyproject.toml": config, "docs/page.md": page})
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert places(findings) == {("docs/page.md", *at(page, "[c]")), ("docs/page.md", *at(page, "[e]"))}


def test_exclude_files_and_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = '[tool.releasekit.links]\nexclude = ["drafts/*"]\nexclude_urls = ["^generated/"]\n'
    files = {"pyproject.toml": config, "drafts/a.md": "[x](gone.md)\n", "b.md": "[y](generated/api.md) [z](gone.md)\n"}
    repo = make_repo(tmp_path / "ex", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert places(findings) == {("b.md", 1, 23)}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('slug = "kebab"', "unknown slug profile 'kebab'"),
        ('exclude_urls = ["("]', "exclude_urls: bad regular expression '('"),
        ("accept_status = [42]", "accept_status item 1 must be an integer from 100 to 599, not 42"),
        ('docs_root = "nowhere"', "docs_root: 'nowhere' is not a directory"),
        ("jobz = 2", "unknown key 'jobz'; did you mean 'jobs'?"),
    ],
)
def test_bad_configuration_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    from releasekit.cli import main

    repo = make_repo(tmp_path / "bad", {"pyproject.toml": f"[tool.releasekit.links]\n{table}\n", "a.md": "x\n"})
    assert main(["-C", str(repo), "check", "links"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_process_pool_finds_the_same(tmp_path: Path) -> None:
    import dataclasses

    from releasekit.checks.links.check import POOL_MIN_FILES, check
    from releasekit.checks.links.settings import LinkSettings
    from tests.helpers.linktree import generate_tree

    repo = make_repo(tmp_path / "big", {"README.md": "# Big\n"})
    tree = generate_tree(repo, files=POOL_MIN_FILES, links=POOL_MIN_FILES * 10, broken_every=37)
    commit_all(repo, "Pages")
    settings = LinkSettings(root=repo.resolve(), jobs=1)
    serial = check(settings, cwd=repo)
    pooled = check(dataclasses.replace(settings, jobs=2), cwd=repo)
    assert serial.files == POOL_MIN_FILES + 1
    assert len(serial.findings) == tree.broken
    assert pooled == serial


def test_html_sources_and_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = (
        '<!doctype html>\n<html><body>\n<h2 id="intro">Intro</h2>\n'
        '<a href="#intro">ok</a> <a href="#outro">bad</a>\n'
        '<a href="other.html#part">ok</a> <a href="other.html#whole">bad</a>\n'
        '<img src="missing.png"> <a href="../README.md#readme">ok</a> <a href="mailto:x@example.org">m</a>\n'
        "</body></html>\n"
    )
    files = {
        "site/index.html": page,
        "site/other.html": '<html><body><section id="part"></section></body></html>\n',
        "README.md": "# Readme\n\n[html](site/index.html#intro) [bad](site/index.html#Intro)\n",
    }
    repo = make_repo(tmp_path / "html", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert places(findings) == {
        ("site/index.html", *at(page, "#outro")),
        ("site/index.html", *at(page, "other.html#whole")),
        ("site/index.html", *at(page, "missing.png")),
        ("README.md", *at(files["README.md"], "[bad]")),  # HTML ids are case-sensitive
    }


def test_sphinx_source_is_the_docs_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = "Index\n=====\n\n`guide </guide.rst#usage>`_ and `bad </docs/guide.rst>`_\n"
    files = {
        "docs/conf.py": "project = 'x'\n",
        "docs/index.rst": index,
        "docs/guide.rst": "Guide\n=====\n\nUsage\n-----\n",
        "README.md": "[root](/docs/guide.rst#usage) [bad](/guide.rst)\n",
    }
    repo = make_repo(tmp_path / "sphinx", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert places(findings) == {
        ("docs/index.rst", *at(index, "/docs/guide.rst")),
        ("README.md", *at(files["README.md"], "[bad]")),
    }


def test_line_anchors_into_markdown_shown_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = "[a](b.md?plain=1#L2) [b](b.md?plain=1#L9) [c](b.md#L2) [d](b.md?plain=1#intro)\n"
    repo = make_repo(tmp_path / "plain", {"a.md": page, "b.md": "# Intro\n\ntext\n"})
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert places(findings) == {("a.md", *at(page, "[b]")), ("a.md", *at(page, "[c]")), ("a.md", *at(page, "[d]"))}


@pytest.mark.parametrize(
    ("remote", "own"),
    [
        ("https://GitHub.com/Owner/Repo.git", True),  # the host in any case
        ("ssh://git@github.com/owner/repo", True),
        ("https://token@github.com/Owner/Repo/", True),
        ("https://notgithub.com/Owner/Repo.git", False),  # another host whose name ends so
        ("https://github.com.example.org/Owner/Repo.git", False),
    ],
)
def test_own_repository_from_the_origin_remote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], remote: str, own: bool
) -> None:
    page = "[gone](https://github.com/owner/repo/blob/main/gone.md)\n"
    repo = make_repo(tmp_path / "repo", {"README.md": page})
    git(repo, "remote", "add", "origin", remote)
    code, findings = run_links(repo, capsys)
    # Resolved offline in its own repository, or left to --external as somebody else's page.
    assert (code, findings) == (
        (1, [("README.md", 1, 1, f"{page[7:-2]!r}: gone.md does not exist")]) if own else (0, [])
    )
