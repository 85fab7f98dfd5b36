"""The towncrier configuration releasekit recommends, as TOML to paste into pyproject.toml.

Release notes in the changelog's own format (Markdown, reStructuredText, or plain text,
which towncrier writes with its reStructuredText template) whose sections follow the release documentation: What's New,
Breaking Changes, Migration Guide, Bug Fixes, Security, Known Issues, Future Plans,
Documentation, and Internal (listed by issue number, without its text). The types use
the ``[[tool.towncrier.type]]`` array form, so the sections keep this order. When the
repository's URL is known, version titles link to the release tag and issue numbers to
the issues.

Print it with ``python -m releasekit.changelog.towncrier_config [REPOSITORY_URL]``; without a URL,
the one in ``[project.urls]`` (Repository, Source, ...) or the ``origin`` remote's is used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from releasekit import git
from releasekit.changelog.fragments import RECOMMENDED_TYPES
from releasekit.config import read_pyproject, table
from releasekit.configschema import STRING, Loose, check_table, table_of
from releasekit.errors import ReleasekitError, redact, secrets_from_env

START_STRING = "<!-- towncrier release notes start -->"
# towncrier's own marker for every news file that is not Markdown.
RST_START_STRING = ".. towncrier release notes start"
# The characters towncrier underlines headings with in reStructuredText: version title first.
RST_UNDERLINES = ("-", "~", "^")


def changelog_format(filename: str) -> str:
    """``"md"``, ``"rst"`` or ``"txt"``: how towncrier writes ``filename`` (by its extension)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".md":
        return "md"
    return "rst" if suffix == ".rst" else "txt"


def start_string(filename: str) -> str:
    """The start marker towncrier writes new releases below, in ``filename``'s format."""
    return START_STRING if changelog_format(filename) == "md" else RST_START_STRING


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def towncrier_toml(
    repository_url: str | None = None,
    *,
    directory: str = "changelog.d",
    filename: str = "CHANGELOG.md",
    tag_format: str = "v{version}",
    underlines: Sequence[str] = RST_UNDERLINES,
    title_format: str | None = None,
    types: Sequence[tuple[str, str, bool]] = RECOMMENDED_TYPES,
) -> str:
    """The ``[tool.towncrier]`` section and its ``[[tool.towncrier.type]]`` entries, as TOML text.

    The format follows ``filename``: Markdown headings for ``.md``; for ``.rst`` and plain
    text, towncrier's reStructuredText template with ``underlines`` (the version title's
    character first), so new releases look like the ones already in the file.
    ``repository_url`` (``https://github.com/owner/name``) turns version titles into links
    to the release tag (in ``tag_format``, the project's: ``releasekit.tags``) and issue
    numbers into links to the issues. ``title_format`` and ``types``, when the project's
    changelog shows its own (``releasekit.changelog.style``), replace releasekit's.
    """
    url = repository_url.rstrip("/").removesuffix(".git") if repository_url else None
    kind = changelog_format(filename)
    if kind == "md":
        # towncrier fills {version} in the title as the tag format names it: the same field.
        title = f"## [{{version}}]({url}/tree/{tag_format}) - {{project_date}}" if url else None
        issue = f"[#{{issue}}]({url}/issues/{{issue}})" if url else "#{issue}"
        title = title_format or title or "## {version} - {project_date}"
        marks: Sequence[str] = ("", "", "")
    else:
        # reST links need a target; plain text shows the address as it is.
        title = title_format or "{version} ({project_date})"
        issue = (
            (f"`#{{issue}} <{url}/issues/{{issue}}>`_" if kind == "rst" else f"{url}/issues/{{issue}}")
            if url
            else "#{issue}"
        )
        marks = tuple(underlines)
    lines = [
        "[tool.towncrier]",
        f"directory = {_quote(directory)}",
        f"filename = {_quote(filename)}",
        f"start_string = {_quote(start_string(filename) + chr(10))}",
        f"title_format = {_quote(title)}",
        f"issue_format = {_quote(issue)}",
        f"underlines = [{', '.join(_quote(m) for m in marks)}]",
        'orphan_prefix = "+"',
    ]
    for kind, name, showcontent in types:
        lines += [
            "",
            "[[tool.towncrier.type]]",
            f"directory = {_quote(kind)}",
            f"name = {_quote(name)}",
            f"showcontent = {'true' if showcontent else 'false'}",
        ]
    return "\n".join(lines) + "\n"


_URL_KEYS = ("repository", "source", "source code", "code", "github")


def web_url(url: str) -> str | None:
    """The https address of a repository URL (``git@github.com:o/r.git`` -> ``https://github.com/o/r``).

    None for a local path or a URL that carries credentials.
    """
    url = url.strip()
    if url.startswith("git@") and ":" in url:
        host, path = url[len("git@") :].split(":", 1)
        url = f"https://{host}/{path}"
    elif url.startswith(("ssh://git@", "git://")):
        url = "https://" + url.split("://", 1)[1].removeprefix("git@")
    if not url.startswith(("https://", "http://")) or "@" in url.split("/")[2]:
        return None
    return url.rstrip("/").removesuffix(".git")


def repository_url(root: str | os.PathLike[str]) -> str | None:
    """The project's repository address: ``[project.urls]`` (Repository, Source...), else the
    ``origin`` remote's URL when it is a web address."""
    data = read_pyproject(Path(root), required=False)
    # A hand-edited pyproject.toml may hold ``project = 5``: one line naming the key, not a traceback.
    schema = Loose(project=Loose(urls=table_of(STRING, "a table of strings")))
    check_table(data, schema, "", Path(root, "pyproject.toml"))
    urls = table(data, "project.urls") or {}
    by_key = {str(k).lower(): v for k, v in urls.items()}
    for key in _URL_KEYS:
        if key in by_key and (found := web_url(by_key[key])):
            return found
    remote = git.remote_url("origin", root)
    return web_url(remote) if remote else None


def changelog_header(project: str, directory: str = "changelog.d") -> str:
    """A new CHANGELOG.md that towncrier can write into (below the start string)."""
    return (
        "# Changelog\n\n"
        f"All notable changes to {project} are listed here. Entries are assembled by towncrier\n"
        f"from the fragments in `{directory}/`.\n\n"
        f"{START_STRING}\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the recommended configuration for the repository URL given, or else the one
    ``[project.urls]`` or the ``origin`` remote names."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("usage: python -m releasekit.changelog.towncrier_config [REPOSITORY_URL]", file=sys.stderr)
        return 2

    try:
        url = args[0] if args else repository_url(os.getcwd())
    except ReleasekitError as exc:
        print(f"releasekit: error: {redact(str(exc), secrets_from_env())}", file=sys.stderr)
        return exc.exit_code
    print(towncrier_toml(url), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
