"""Sphinx and MyST roles in release notes, as a GitHub release shows them.

``:issue:`12``` and ``{pr}`12``` become ``#12`` (GitHub links it), or a link to the project's
issue tracker when it is not on GitHub; ``:user:`name``` becomes ``@name``; any other role
its text (``:class:`Widget``` -> ``Widget``, ``:doc:`the guide <guide>``` -> ``the guide``).
"""

from __future__ import annotations

import re

ISSUE_ROLES = frozenset({"issue", "issues", "pr", "pull", "gh", "ghissue", "ghpull", "bug", "merge", "mr"})
USER_ROLES = frozenset({"user", "ghuser", "gh-user", "github-user"})
_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
_MYST_ROLE = re.compile(r"\{([A-Za-z][\w:.+-]*)\}`([^`]+)`")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def role_text(name: str, text: str, issue_url: str | None = None) -> str:
    """The Markdown a role ``name`` with ``text`` stands for. ``issue_url`` holds ``{issue}``; None: GitHub."""
    kind = name.rsplit(":", 1)[-1].lower()
    titled = _TITLED.match(text.strip())
    title, target = (titled.group(1), titled.group(2)) if titled else ("", text.strip())
    if kind in ISSUE_ROLES:
        numbers = [part.strip().lstrip("#") for part in target.split(",")]
        if all(n.isascii() and n.isdigit() for n in numbers):
            shown = [f"[#{n}]({issue_url.format(issue=n)})" if issue_url else f"#{n}" for n in numbers]
            return ", ".join(shown)
        return title or target
    if kind in USER_ROLES:
        return f"@{target.lstrip('@')}"
    if title:
        return title
    return target[1:].rsplit(".", 1)[-1] if target.startswith("~") else target.lstrip("!")  # ~a.B shows B


def myst_roles(markdown: str, issue_url: str | None = None) -> str:
    """``markdown`` with MyST's ``{role}`text``` written out, outside fenced code."""
    out, fenced = [], False
    for line in markdown.splitlines(keepends=True):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and "{" in line:
            line = _MYST_ROLE.sub(lambda m: role_text(m.group(1), m.group(2), issue_url), line)
        out.append(line)
    return "".join(out)


def issue_url(urls: dict[str, str], repository: str | None) -> str | None:
    """The project's issue link pattern (``.../issues/{issue}``), or None on GitHub (``#12`` links itself)."""
    if repository and repository.startswith("https://github.com/"):
        return None
    for key, url in urls.items():
        if key.lower().replace("-", " ").replace("_", " ") in ("issues", "bug tracker", "tracker", "issue tracker"):
            if "github.com/" in url:
                return None
            return url.rstrip("/") + "/{issue}"
    if repository and repository.startswith("https://gitlab."):
        return repository.rstrip("/") + "/-/issues/{issue}"
    return repository.rstrip("/") + "/issues/{issue}" if repository else None
