"""Generated documentation trees for the link checker's tests and benchmarks."""

from __future__ import annotations

import random
from pathlib import Path
from typing import NamedTuple

WORDS = [
    "release",
    "package",
    "version",
    "changelog",
    "fragment",
    "hook",
    "session",
    "build",
    "upload",
    "index",
    "wheel",
    "sdist",
    "tag",
    "branch",
    "remote",
    "commit",
    "review",
    "coverage",
    "docs",
    "guide",
    "install",
    "config",
    "option",
    "example",
]


class Tree(NamedTuple):
    """A generated tree: its files and the links it broke on purpose."""

    files: int
    links: int
    broken: int


def _heading(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS).capitalize() if i == 0 else rng.choice(WORDS) for i in range(n))


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-")


def _filler(rng: random.Random, k: int) -> list[str]:
    """Prose the way FastAPI's pages are written: bold and code in text, an admonition, a code
    include, a JSON block, a list and a table, inline HTML; no links (``k`` varies the shapes)."""

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    lines = [
        f"The **{words(2)}** of a `{rng.choice(WORDS)}` is {words(10)}, with *{words(2)}* and `{words(1)}()`.",
        "",
        f'{words(8)} <abbr title="{words(3)}">{rng.choice(WORDS).upper()}</abbr> {words(9)}.',
        "",
        "/// note" if k % 2 else "/// tip",
        "",
        f"{words(12)} `{rng.choice(WORDS)}` {words(6)}.",
        "",
        "///",
        "",
        f"{{* ../../docs_src/{rng.choice(WORDS)}/tutorial{k:03d}_py310.py hl[{k % 9 + 1}] *}}",
        "",
    ]
    if k % 2 == 0:
        lines += ["```JSON", "{"]
        lines += [f'    "{rng.choice(WORDS)}": "{words(2)}",' for _ in range(6)]
        lines += ['    "price": 45.2', "}", "```", ""]
    else:
        lines += [f"* `{rng.choice(WORDS)}`: {words(6)} **{rng.choice(WORDS)}**." for _ in range(6)]
        lines.append("")
    if k % 3 == 0:
        lines += ["| Name | Type | Default |", "| ---- | ---- | ------- |"]
        lines += [f"| `{rng.choice(WORDS)}` | `str` | {words(2)} |" for _ in range(4)]
        lines.append("")
    return lines


def generate_tree(
    root: Path,
    files: int = 2000,
    links: int = 20000,
    broken_every: int = 50,
    seed: int = 7,
    *,
    shape: str = "plain",
) -> Tree:
    """Write ``files`` Markdown pages under ``root/docs`` holding ``links`` links in all.

    Links are relative paths to other pages, with and without anchors, same-page anchors
    and a few images; every ``broken_every``-th link is broken (missing file or anchor).
    ``shape="fastapi"`` writes pages the size and make-up of FastAPI's documentation
    (about 6 kB each: admonitions, code includes and blocks, lists, tables, inline HTML;
    one long release-notes page), so the parser walks as many events per link as there.
    """
    rng = random.Random(seed)
    per_dir = 50
    names = [f"docs/part{i // per_dir:02d}/page{i:04d}.md" for i in range(files)]
    headings = [[_heading(rng, rng.randint(2, 5)) for _ in range(5)] for _ in range(files)]
    per_file = links // files
    extra = links - per_file * files
    broken = 0
    made = 0
    for i, name in enumerate(names):
        here = Path(name).parent
        count = per_file + (1 if i < extra else 0)
        lines = [f"# {headings[i][0]}", "", " ".join(rng.choice(WORDS) for _ in range(40)), ""]
        section = 1
        for k in range(count):
            made += 1
            j = rng.randrange(files)
            target = Path(names[j])
            rel = Path(*([".."] * len(here.parts)), target) if target.parent != here else Path(target.name)
            kind = k % 4
            if made % broken_every == 0:
                broken += 1
                missing = rel.with_name(f"missing{made}.md").as_posix()
                dest = f"{rel.as_posix()}#no-such-heading" if broken % 2 else missing
            elif kind == 0:
                dest = rel.as_posix()
            elif kind == 1:
                dest = f"{rel.as_posix()}#{_slug(headings[j][rng.randrange(1, 5)])}"
            elif kind == 2:
                dest = f"#{_slug(headings[i][rng.randrange(0, 5)])}"
            else:
                dest = f"{rel.as_posix()}#{_slug(headings[j][0])}"
            words = " ".join(rng.choice(WORDS) for _ in range(12))
            lines.append(f"{words} [see {rng.choice(WORDS)}]({dest}) and `code` *more* text.")
            lines.append("")
            if shape == "fastapi" and k % 3 == 0:
                lines += _filler(rng, k // 3 + i)
            if k % 3 == 2 and section < 5:
                lines += [f"## {headings[i][section]}", ""]
                section += 1
        while section < 5:
            lines += [f"## {headings[i][section]}", "", " ".join(rng.choice(WORDS) for _ in range(30)), ""]
            section += 1
        lines += ["```python", "print('[not a link](nowhere.md)')", "```", ""]
        if shape == "fastapi" and i == 0:  # the release notes: one page of about 700 kB
            for n in range(7000):
                lines += [f"* {_heading(rng, 6)}. PR `#{n}` by **{rng.choice(WORDS)}**, `{rng.choice(WORDS)}`.", ""]
                if n % 40 == 0:
                    lines += [f"## {n // 40}.{n % 7}.0", "", "### Features", ""]
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    return Tree(files=files, links=made, broken=broken)
