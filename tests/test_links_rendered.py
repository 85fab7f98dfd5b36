"""Links read as the tool that renders them reads them: Sphinx with MyST, Sphinx with reST,
MkDocs with theme overrides and directory URLs, and plain GitHub Markdown.

Each tree holds working links of every kind (none may be reported) and broken ones (each
reported, with its exact message).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.gitrepo import make_repo
from tests.helpers.links import at, run_links

MYST_CONF = 'extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.intersphinx"]\n'
MYST_INDEX = """\
# Home

[hashing](hashing) [suffix](hashing.md) [root](/reference/env) [rst label](api-validators)
[myst label](how-frozen) [label as anchor](#how-frozen) [Label Case](API-Validators)
[class](pkg.processors.TimeStamper) [method](pkg.processors.TimeStamper.__call__)
[attribute](pkg.processors.TimeStamper.fmt) [module](pkg.processors) [re-export](pkg.frozen)
[other project](attrs.define) [index](genindex) [modules](modindex) [search](search)
[doc anchor](hashing.md#salts) [folder](reference/) [file](data.txt) [above](../docs/hashing.md)

Broken: [gone doc](hashing2) [gone label](no-such-label) [gone object](pkg.processors.Nope)
[gone member](pkg.processors.TimeStamper.nope) [bad anchor](hashing.md#pepper) [bad anchor 2](hashing#salts)
[gone file](data.yaml) [bad fragment](#no-such-anchor) and {ref}`Broken <no-label>` or {doc}`gone-doc`

Roles: {ref}`api-validators`, {ref}`Frozen <how-frozen>`, {doc}`reference/env`, {doc}`/hashing`

```{toctree}
hashing
```
"""
MYST_FILES = {
    "pyproject.toml": '[project]\nname = "pkg"\nversion = "1.0"\n',
    "src/pkg/__init__.py": "from functools import cache as frozen\n",
    "src/pkg/processors.py": (
        "class TimeStamper:\n    def __init__(self, fmt):\n        self.fmt = fmt\n\n"
        "    def __call__(self, event):\n        return event\n"
    ),
    "docs/conf.py": MYST_CONF + 'intersphinx_mapping = {"attrs": ("https://www.attrs.org/en/stable/", None)}\n',
    "docs/index.md": MYST_INDEX,
    "docs/hashing.md": "# Hashing\n\n## Salts\n\n(how-frozen)=\n## Frozen\n",
    "docs/reference/index.md": "# Reference\n",
    "docs/reference/env.md": "# Environment\n",
    "docs/api.rst": ".. _api-validators:\n\nValidators\n==========\n",
    "docs/data.txt": "data\n",
}


def test_sphinx_with_myst(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "myst", MYST_FILES)
    code, findings = run_links(repo, capsys)
    page = MYST_INDEX
    assert code == 1
    missing = "does not exist; no document or label"
    assert sorted(findings) == [
        (
            "docs/index.md",
            *at(page, "[gone doc]"),
            f"'hashing2': docs/hashing2 {missing} 'hashing2' in the Sphinx project",
        ),
        (
            "docs/index.md",
            *at(page, "[gone label]"),
            f"'no-such-label': docs/no-such-label {missing} 'no-such-label' in the Sphinx project",
        ),
        (
            "docs/index.md",
            *at(page, "[gone object]"),
            "'pkg.processors.Nope': docs/pkg.processors.Nope does not exist; "
            "no document, label or Python object 'pkg.processors.Nope' in the Sphinx project",
        ),
        (
            "docs/index.md",
            *at(page, "[gone member]"),
            "'pkg.processors.TimeStamper.nope': docs/pkg.processors.TimeStamper.nope does not exist; "
            "no document, label or Python object 'pkg.processors.TimeStamper.nope' in the Sphinx project",
        ),
        ("docs/index.md", *at(page, "[bad anchor]"), "'hashing.md#pepper': no anchor #pepper in docs/hashing.md"),
        (
            "docs/index.md",
            *at(page, "[bad anchor 2]"),
            "'hashing#salts': a document named without its suffix takes no anchor; write 'hashing.md#salts'",
        ),
        (
            "docs/index.md",
            *at(page, "[gone file]"),
            f"'data.yaml': docs/data.yaml {missing} 'data.yaml' in the Sphinx project",
        ),
        ("docs/index.md", *at(page, "[bad fragment]"), "'#no-such-anchor': no anchor #no-such-anchor in this file"),
        (
            "docs/index.md",
            *at(page, "{ref}`Broken"),
            "{ref}`Broken <no-label>`: no label 'no-label' in the Sphinx project",
        ),
        ("docs/index.md", *at(page, "{doc}`gone"), "{doc}`gone-doc`: no document 'gone-doc' in the Sphinx project"),
    ]


MKDOCS_YML = "site_name: x\ndocs_dir: docs\ntheme:\n  name: material\n  custom_dir: overrides\n"
MKDOCS_INDEX = """\
# Home

[page](guide.md#setup) [no suffix](guide#setup) [url](guide/#setup) [folder](topic/) [folder page](topic/page/)
[html](guide.html) [index](topic/index.md) [macro]({{ config.repo_url }}) [macro 2](../{{ page }}/x.md)

Broken: [bad anchor](guide/#nope) [bad anchor 2](guide#Setup) [gone](missing/) [gone page](gone.md)
"""
MKDOCS_PAGE = """\
# Page

[sibling by url](../other/#more) [sibling file](other.md#more) [up](../../guide/) [home](../)

Broken: [sibling anchor](../other/#less) [wrong level](other/#more)
"""
MKDOCS_FILES = {
    "site/mkdocs.yml": MKDOCS_YML,
    "site/docs/index.md": MKDOCS_INDEX,
    "site/docs/guide.md": "# Guide\n\n## Setup\n",
    "site/docs/topic/index.md": "# Topic\n",
    "site/docs/topic/page.md": MKDOCS_PAGE,
    "site/docs/topic/other.md": "# Other\n\n## More\n",
    # a theme template: Jinja in its links, never rendered as a page
    "site/overrides/partials/nav.html": '<a href="{{ nav.homepage.url }}">home</a> <a href="gone.html">x</a>\n',
}


def test_mkdocs_with_overrides_and_directory_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "mkdocs", MKDOCS_FILES)
    code, findings = run_links(repo, capsys)
    assert code == 1
    index, page = "site/docs/index.md", "site/docs/topic/page.md"
    assert sorted(findings) == [
        (index, *at(MKDOCS_INDEX, "[bad anchor]"), "'guide/#nope': no anchor #nope in site/docs/guide.md"),
        (
            index,
            *at(MKDOCS_INDEX, "[bad anchor 2]"),
            "'guide#Setup': no anchor #Setup in site/docs/guide.md; did you mean '#setup'?",
        ),
        (
            index,
            *at(MKDOCS_INDEX, "[gone]"),
            "'missing/': no page at site/docs/missing (with use_directory_urls, this page is served as /)",
        ),
        (index, *at(MKDOCS_INDEX, "[gone page]"), "'gone.md': site/docs/gone.md does not exist"),
        (page, *at(MKDOCS_PAGE, "[sibling anchor]"), "'../other/#less': no anchor #less in site/docs/topic/other.md"),
        (
            page,
            *at(MKDOCS_PAGE, "[wrong level]"),
            "'other/#more': no page at site/docs/topic/page/other "
            "(with use_directory_urls, this page is served as /topic/page/)",
        ),
    ]


def test_mkdocs_without_directory_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(MKDOCS_FILES, **{"site/mkdocs.yml": MKDOCS_YML + "use_directory_urls: false\n"})
    repo = make_repo(tmp_path / "mkdocs", files)
    code, findings = run_links(repo, capsys)
    assert code == 1
    index, page = "site/docs/index.md", "site/docs/topic/page.md"
    # page.md is topic/page.html: links resolve beside it, as files do
    assert {(path, line, col) for path, line, col, _ in findings} == {
        (index, *at(MKDOCS_INDEX, "[url]")),
        (index, *at(MKDOCS_INDEX, "[folder page]")),
        (index, *at(MKDOCS_INDEX, "[bad anchor]")),
        (index, *at(MKDOCS_INDEX, "[bad anchor 2]")),
        (index, *at(MKDOCS_INDEX, "[gone]")),
        (index, *at(MKDOCS_INDEX, "[gone page]")),
        (page, *at(MKDOCS_PAGE, "[sibling by url]")),
        (page, *at(MKDOCS_PAGE, "[up]")),
        (page, *at(MKDOCS_PAGE, "[sibling anchor]")),
        (page, *at(MKDOCS_PAGE, "[wrong level]")),
    }


RST_INDEX = """\
Index
=====

.. _intro:

`guide <guide.rst>`_, `section <guide.rst#usage>`_, `self <#index>`_, `label id <#intro>`_

Roles: :ref:`intro`, :ref:`Usage <guide-usage>`, :doc:`guide`, :doc:`The guide </guide>`, ``:ref:`code```

Broken: `gone <gone.rst>`_, `bad section <guide.rst#nope>`_, :ref:`no-label`, :doc:`Gone <gone>`
"""
RST_NOTES = "# Notes\n\n[guide](guide.rst#usage)\n\nBroken: [label](intro) [no suffix](guide)\n"
RST_FILES = {
    "docs/conf.py": 'extensions = ["sphinx.ext.autodoc"]\n',
    "docs/index.rst": RST_INDEX,
    "docs/guide.rst": "Guide\n=====\n\n.. _guide-usage:\n\nUsage\n-----\n",
    # Markdown in a Sphinx project without MyST: GitHub shows it, Sphinx never reads it
    "docs/notes.md": RST_NOTES,
}

GITHUB_README = """\
# Project

[guide](docs/guide.md#usage) [folder](docs) [self](#project) {ref}`not-sphinx` (GitHub shows code)

Broken: [no suffix](docs/guide) [label](usage) [root doc](/guide) [bad anchor](docs/guide.md#Usage-x)
"""
GITHUB_FILES = {"README.md": GITHUB_README, "docs/guide.md": "# Guide\n\n## Usage\n"}


def test_sphinx_with_rst(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "rst", RST_FILES)
    code, findings = run_links(repo, capsys)
    assert code == 1
    assert sorted(findings) == [
        ("docs/index.rst", *at(RST_INDEX, "gone.rst"), "'gone.rst': docs/gone.rst does not exist"),
        ("docs/index.rst", *at(RST_INDEX, "guide.rst#nope"), "'guide.rst#nope': no anchor #nope in docs/guide.rst"),
        (
            "docs/index.rst",
            *at(RST_INDEX, ":ref:`no-label`"),
            ":ref:`no-label`: no label 'no-label' in the Sphinx project",
        ),
        (
            "docs/index.rst",
            *at(RST_INDEX, ":doc:`Gone"),
            ":doc:`Gone <gone>`: no document 'gone' in the Sphinx project",
        ),
        ("docs/notes.md", *at(RST_NOTES, "[label]"), "'intro': docs/intro does not exist"),
        (
            "docs/notes.md",
            *at(RST_NOTES, "[no suffix]"),
            "'guide': docs/guide does not exist; did you mean 'guide.rst'?",
        ),
    ]


def test_github_readme_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "github", GITHUB_FILES)
    code, findings = run_links(repo, capsys)
    assert code == 1
    page = GITHUB_README
    assert sorted(findings) == [
        (
            "README.md",
            *at(page, "[no suffix]"),
            "'docs/guide': docs/guide does not exist; did you mean 'docs/guide.md'?",
        ),
        ("README.md", *at(page, "[label]"), "'usage': usage does not exist"),
        ("README.md", *at(page, "[root doc]"), "'/guide': guide does not exist"),
        (
            "README.md",
            *at(page, "[bad anchor]"),
            "'docs/guide.md#Usage-x': no anchor #Usage-x in docs/guide.md; did you mean '#usage'?",
        ),
    ]


@pytest.mark.parametrize("index_version", ["2", "3", "4"])
def test_configurations_are_the_tracked_ones(tmp_path: Path, index_version: str) -> None:
    from releasekit.checks.links.gitindex import tracked_named
    from releasekit.checks.links.settings import find_doc_configs
    from tests.helpers.gitrepo import git, write_files

    files = {
        "site/mkdocs.yml": "site_name: x\n",
        "build/docs/mkdocs.yaml": "site_name: y\n",
        "a/b/c/d/e/f/g/docs/conf.py": "",
        "a/b/c/d/e/f/g/docs/index.rst": "X\n=\n",
        "tools/conf.py": "",  # no root document beside it: not a Sphinx source
        "README.md": "x\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    write_files(repo, {"untracked/mkdocs.yml": "site_name: z\n", "new/conf.py": "", "new/index.md": "# New\n"})
    git(repo, "add", "--intent-to-add", "new/conf.py", "new/index.md")  # an extended entry in index v3
    git(repo, "update-index", "--index-version", index_version)
    names = ["mkdocs.yml", "mkdocs.yaml", "conf.py", "index.rst", "index.md"]
    listed = git(repo, "ls-files", "--", *(f":(glob)**/{name}" for name in names)).split()
    read = tracked_named(repo, names)
    # versions 2 and 3 are read from the index; version 4 is left to git
    assert (sorted(read) if read is not None else None) == (sorted(listed) if index_version != "4" else None)
    mkdocs, sphinx = find_doc_configs(repo)
    assert sorted(p.relative_to(repo).as_posix() for p in mkdocs) == ["build/docs/mkdocs.yaml", "site/mkdocs.yml"]
    assert sorted(sphinx) == ["a/b/c/d/e/f/g/docs", "new"]


def test_an_index_that_is_no_regular_file_is_left_to_git(tmp_path: Path) -> None:
    from releasekit.checks.links.gitindex import tracked_named

    repo = make_repo(tmp_path / "repo", {"mkdocs.yml": "site_name: x\n"})
    assert tracked_named(repo, ["mkdocs.yml"]) == ["mkdocs.yml"]
    (repo / ".git" / "index").unlink()
    os.mkfifo(repo / ".git" / "index")  # read without O_NONBLOCK, this would wait for a writer forever
    assert tracked_named(repo, ["mkdocs.yml"]) is None
