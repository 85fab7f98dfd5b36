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


def generate_tree(root: Path, files: int = 2000, links: int = 20000, broken_every: int = 50, seed: int = 7) -> Tree:
    """Write ``files`` Markdown pages under ``root/docs`` holding ``links`` links in all.

    Links are relative paths to other pages, with and without anchors, same-page anchors
    and a few images; every ``broken_every``-th link is broken (missing file or anchor).
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
            if k % 3 == 2 and section < 5:
                lines += [f"## {headings[i][section]}", ""]
                section += 1
        while section < 5:
            lines += [f"## {headings[i][section]}", "", " ".join(rng.choice(WORDS) for _ in range(30)), ""]
            section += 1
        lines += ["```python", "print('[not a link](nowhere.md)')", "```", ""]
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    return Tree(files=files, links=made, broken=broken)
