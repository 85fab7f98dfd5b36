"""MkDocs ``INHERIT:``: a translation's mkdocs.yml takes docs_dir, use_directory_urls, the theme's
custom_dir and the toc's slugs from the configuration it inherits (FastAPI's docs/<lang>/mkdocs.yml
holds only ``INHERIT: ../en/mkdocs.yml``), merged key by key as MkDocs merges them.

The differential builds each site with the real ``mkdocs build`` and compares its warnings with
the findings; the bad chains (a cycle, a parent outside the repository or missing) are one line
naming the file, exit 2.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from releasekit.checks.links.check import check
from releasekit.checks.links.settings import from_config
from tests.helpers.gitrepo import commit_all, make_repo
from tests.helpers.links import MKDOCS_VALIDATION, MKDOCS_WARNING, build_warnings

BASE_YML = (
    """\
site_name: base
docs_dir: pages
use_directory_urls: false
theme:
  name: mkdocs
  custom_dir: overrides
markdown_extensions:
  - toc:
      permalink: true
"""
    + MKDOCS_VALIDATION
)
PAGES = ["index", "guide", "topic/index", "topic/page"]
# the titles' MkDocs slugs differ from GitHub's: a tree checked with the wrong site's rules differs
SLUGS = ["usage", "usage_1", "cafe-au-lait", "api-v2", "x_y-z"]
TITLES = ["Usage", "Usage", "Café au lait", "API (v2)", "x_y z"]
# a Jinja template in the inherited custom_dir: never a page, its href never checked
TEMPLATE = '<a href="{{ nav_item.url | url }}">x</a> <a href="missing.html">y</a>\n'


def _pages(root: Path, docs_dir: str, rng: random.Random) -> None:
    for page in PAGES:
        here = Path(page).parent
        lines = [f"# {page.title()}", ""] + [f"## {title}\n" for title in rng.sample(TITLES, 4)]
        for _ in range(10):
            target = rng.choice([*PAGES, "gone", "topic/gone"])
            rel = Path(*([".."] * len(here.parts)), target + ".md").as_posix() if here.parts else target + ".md"
            fragment = rng.choice(["", "#" + rng.choice(SLUGS), "#nope"])
            lines.append(f"[link]({rel}{fragment})\n")
        path = root / docs_dir / f"{page}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines))


def _tree(root: Path, seed: int) -> dict[str, str]:
    """en: the base site; hi: INHERIT alone (docs_dir pages from the parent); fr: INHERIT and its own docs_dir."""
    rng = random.Random(seed)
    files = {
        "docs/en/mkdocs.yml": BASE_YML,
        "docs/hi/mkdocs.yml": "INHERIT: ../en/mkdocs.yml\n",
        "docs/fr/mkdocs.yml": "INHERIT: ../en/mkdocs.yml\nsite_name: fr\ndocs_dir: docs\n",
        "docs/en/overrides/partials/nav.html": TEMPLATE,
        "docs/hi/overrides/partials/nav.html": TEMPLATE,
        "docs/fr/overrides/partials/nav.html": TEMPLATE,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for lang, docs_dir in (("en", "pages"), ("hi", "pages"), ("fr", "docs")):
        _pages(root, f"docs/{lang}/{docs_dir}", rng)
    return {"en": "docs/en/pages", "hi": "docs/hi/pages", "fr": "docs/fr/docs"}


@pytest.mark.integration
@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_links_as_mkdocs_through_inherit(tmp_path: Path, seed: int) -> None:
    pytest.importorskip("mkdocs")
    root = make_repo(tmp_path / "site")
    docs_dirs = _tree(root, seed)
    commit_all(root, "Sites")
    warned: set[tuple[str, str]] = set()
    for lang, docs_dir in docs_dirs.items():
        args = ["mkdocs", "build", "-f", f"docs/{lang}/mkdocs.yml", "-d", str(tmp_path / f"html-{lang}")]
        found = build_warnings(args, root, MKDOCS_WARNING)
        warned |= {(f"{docs_dir}/{match['page']}", match["url"]) for match in found}
    report = check(from_config(None, root), cwd=root)
    ours = {(f.path, f.message.partition(": ")[0].strip("'")) for f in report.findings}
    assert {path.split("/")[1] for path, _ in warned} == {"en", "hi", "fr"}  # each site has broken links
    assert ours == warned


def test_inherited_settings(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "site")
    _tree(root, 3)
    (root / "docs/base.yml").write_text(
        "INHERIT: en/mkdocs.yml\nmarkdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:"
        "pymdownx.slugs.slugify {kwds: {case: lower}}\n"
    )
    (root / "docs/de/mkdocs.yml").parent.mkdir()
    (root / "docs/de/mkdocs.yml").write_text("INHERIT: ../base.yml\ntheme: readthedocs\nuse_directory_urls: true\n")
    commit_all(root, "Sites")
    sites = {site.docs_dir: site for site in from_config(None, root).sites}
    hi, fr, de = sites["docs/hi/pages"], sites["docs/fr/docs"], sites["docs/de/pages"]
    assert (hi.directory_urls, hi.custom_dir, hi.slug) == (False, "docs/hi/overrides", "python-markdown")
    assert (fr.directory_urls, fr.custom_dir) == (False, "docs/fr/overrides")
    # two levels up; the child's theme name replaces the inherited theme mapping, custom_dir with it;
    # markdown_extensions (a list) comes whole from the nearest file that has it
    assert (de.directory_urls, de.custom_dir, de.slug, de.case) == (True, None, "pymdownx", "lower")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"docs/mkdocs.yml": "INHERIT: base.yml\n", "docs/base.yml": "INHERIT: mkdocs.yml\n"},
            "docs/base.yml: INHERIT: 'mkdocs.yml' leads back to docs/mkdocs.yml "
            "(docs/mkdocs.yml -> docs/base.yml -> docs/mkdocs.yml); break the cycle",
        ),
        (
            {"mkdocs.yml": "INHERIT: ../outside.yml\n"},
            "mkdocs.yml: INHERIT: '../outside.yml' is outside the repository; releasekit reads only files inside it",
        ),
        (
            {"mkdocs.yml": "INHERIT: /etc/mkdocs.yml\n"},
            "mkdocs.yml: INHERIT: '/etc/mkdocs.yml' is outside the repository; releasekit reads only files inside it",
        ),
        (
            {"site/mkdocs.yml": "INHERIT: 'base.yml'  # shared\n"},
            "site/mkdocs.yml: INHERIT: 'base.yml': site/base.yml does not exist",
        ),
        ({"mkdocs.yml": "INHERIT: mkdocs.yml\n"}, "mkdocs.yml: INHERIT: 'mkdocs.yml' leads back to mkdocs.yml"),
    ],
)
def test_bad_inherit_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], message: str
) -> None:
    from releasekit.cli import main

    repo = make_repo(tmp_path / "bad", {**files, "README.md": "# Readme\n"})
    assert main(["-C", str(repo), "check", "links"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert message in captured.err


def test_inherit_through_a_symlink_out_of_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret.yml").write_text("docs_dir: /\n")
    repo = make_repo(tmp_path / "repo", {"mkdocs.yml": "INHERIT: base.yml\n", "docs/index.md": "# Home\n"})
    (repo / "base.yml").symlink_to(tmp_path / "secret.yml")
    commit_all(repo, "Base")
    from releasekit.cli import main

    assert main(["-C", str(repo), "check", "links"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "base.yml" in err
    assert "docs_dir" not in err  # nothing of the file outside is shown
