"""MkDocs builds a generated site and warns about the links it cannot resolve; check links
reports the same links, no more and no fewer.

MkDocs validates links written to ``.md`` files (missing pages and, with ``validation:
anchors: warn``, missing anchors, its own slugs included), so that is what is compared.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from releasekit.checks.links.check import check
from releasekit.checks.links.settings import from_config
from tests.helpers.links import MKDOCS_VALIDATION, MKDOCS_WARNING, build_warnings

MKDOCS_YML = "site_name: generated\n" + MKDOCS_VALIDATION
PAGES = ["index", "guide", "topic/index", "topic/page", "topic/deep/more", "about"]
# MkDocs' own slugs for TITLES (some of them on each page; "usage_1" for a second "Usage")
SLUGS = ["usage", "setup-steps", "cafe-au-lait", "api-v2", "usage_1", "unicode-symbols", "x_y-z"]
TITLES = ["Setup Steps", "Usage", "Café au lait", "API (v2)", "Usage", "Ünïcode & symbols!", "x_y z"]


def _site(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    headings = {page: rng.sample(TITLES, 4) for page in PAGES}
    for page in PAGES:
        here = Path(page).parent
        lines = [f"# {page.title()}", ""] + [f"## {title}\n" for title in headings[page]]
        for _ in range(12):
            target = rng.choice([*PAGES, "gone", "topic/gone"])
            rel = Path(*([".."] * len(here.parts)), target + ".md").as_posix() if here.parts else target + ".md"
            fragment = rng.choice(["", "#" + rng.choice(SLUGS), "#nope"])
            if rng.random() < 0.2:
                rel = ""  # an anchor on this page
                fragment = "#" + rng.choice([*SLUGS, "nope"])
            lines.append(f"[link]({rel}{fragment})\n")
        path = root / "docs" / f"{page}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines))


@pytest.mark.integration
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_links_as_mkdocs(tmp_path: Path, seed: int) -> None:
    pytest.importorskip("mkdocs")
    root = tmp_path / "site"
    root.mkdir()
    _site(root, seed)
    found = build_warnings(["mkdocs", "build", "-d", str(tmp_path / "html")], root, MKDOCS_WARNING)
    warned = {(f"docs/{match['page']}", match["url"]) for match in found}
    report = check(from_config(None, root), cwd=root)
    ours = {(f.path, f.message.partition(": ")[0].strip("'")) for f in report.findings}
    assert warned  # the generated site has broken links of each kind
    assert ours == warned
