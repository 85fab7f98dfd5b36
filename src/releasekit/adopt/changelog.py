"""The plan's changelog part: towncrier's configuration, kept or added, and its start marker.

The marker goes after the title and any preamble, before the newest release, so
towncrier writes each new release above the older ones and below the introduction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from releasekit.adopt.detect import read_text
from releasekit.adopt.draft import Draft, FileChange
from releasekit.bounded import read_toml
from releasekit.changelog.fragments import RECOMMENDED_TYPES, START_MARKERS, detected_role
from releasekit.changelog.fragments_config import fragments_config
from releasekit.changelog.style import Title, derive_rst_title, derive_style
from releasekit.changelog.towncrier_config import (
    RST_UNDERLINES,
    changelog_format,
    changelog_header,
    repository_url,
    start_string,
    towncrier_toml,
)
from releasekit.config import table

_VERSION = re.compile(r"\d+\.\d+")
_ADORNMENT = "=-~^\"'`#*+:._"


def _rst_headings(lines: list[str]) -> list[tuple[int, str, str]]:
    """``(first line, title, character)`` of each section title (underlined, maybe overlined)."""
    found: list[tuple[int, str, str]] = []
    i = 0
    while i + 1 < len(lines):
        text, under = lines[i].rstrip(), lines[i + 1].rstrip()
        is_rule = len(under) >= 3 and under[0] in _ADORNMENT and under == under[0] * len(under)
        if text.strip() and not _is_rule(text) and is_rule and len(under) >= len(text.strip()):
            overlined = i > 0 and _is_rule(lines[i - 1].rstrip()) and lines[i - 1].rstrip()[0] == under[0]
            found.append((i - 1 if overlined else i, text.strip(), under[0]))
            i += 2
            continue
        i += 1
    return found


def _is_rule(line: str) -> bool:
    return len(line) >= 3 and line[0] in _ADORNMENT and line == line[0] * len(line)


def _md_headings(lines: list[str]) -> list[tuple[int, str, str]]:
    found = []
    fence = False
    for i, line in enumerate(lines):
        if line.startswith(("```", "~~~")):
            fence = not fence
        elif not fence and (match := re.match(r"^(#{1,6})\s+(.*)$", line)):
            found.append((i, match.group(2).strip(), match.group(1)))
    return found


def has_marker(text: str) -> bool:
    """True when ``text`` already holds one of towncrier's start markers on a line of its own."""
    return any(line.strip() in START_MARKERS for line in text.splitlines())


def insert_marker(text: str, filename: str) -> str:
    """``text`` with towncrier's start marker before the newest release (at the end when none is there)."""
    if has_marker(text):
        return text
    marker = start_string(filename)
    lines = text.splitlines(keepends=True)
    headings = _md_headings(lines) if changelog_format(filename) == "md" else _rst_headings(lines)
    # The newest release: the first heading after the title that names a version.
    releases = [h for h in headings[1:] if _VERSION.search(h[1])] if headings else []
    if headings and _VERSION.search(headings[0][1]) and (not releases or releases[0][2] == headings[0][2]):
        releases = [headings[0]]  # no title: the file starts with a release (at the level of the others)
    if releases:
        at = releases[0][0]
        return "".join(lines[:at]) + f"{marker}\n\n" + "".join(lines[at:])
    body = text if not text or text.endswith("\n") else text + "\n"
    separator = "\n" if body.strip() and not body.endswith("\n\n") else ""
    return body + separator + f"{marker}\n"


def release_underlines(text: str) -> tuple[str, str, str]:
    """towncrier's ``underlines`` for an rST or plain-text changelog, in the style it already has.

    The version titles keep the character the newest release's title uses; sections and
    sub-sections take characters the file does not use yet.
    """
    headings = _rst_headings(text.splitlines())
    used = [h[2] for h in headings]
    release = next((h[2] for h in headings[1:] if _VERSION.search(h[1])), None)
    if release is None:
        # A title alone: releases go one level below it.
        release = next((c for c in RST_UNDERLINES if c not in used), RST_UNDERLINES[0])
    rest = [c for c in (*RST_UNDERLINES, "+", '"', "`") if c != release and c not in used]
    return release, rest[0], rest[1]


def newest_release_title(text: str, filename: str) -> str | None:
    """The title of the newest release in the changelog (the first heading below the top one naming a version)."""
    lines = text.splitlines()
    headings = _md_headings(lines) if filename.lower().endswith((".md", ".markdown")) else _rst_headings(lines)
    return next((h[1] for h in headings[1:] if _VERSION.search(h[1])), None)


def type_roles(types: list[str]) -> dict[str, str]:
    """The project's towncrier types that play releasekit's roles under another name (``removal`` is breaking).

    The names are those ``releasekit.changelog.fragments`` recognises; init writes them down, so the
    project can see and change them in ``[tool.releasekit.fragment_roles]``.
    """
    return {kind: role for kind in types if (role := detected_role(kind)) not in (None, kind) and role not in types}


def _towncrier_types(config: dict[str, Any], where: Path) -> list[str]:
    """The project's types, loaded as towncrier loads them (a nameless ``[[tool.towncrier.type]]`` refused)."""
    return [t.directory for t in fragments_config(config, where).types]


def edit_towncrier(draft: Draft) -> None:
    """Keep the project's towncrier configuration, or add releasekit's, its changelog and fragment directory."""
    project, root = draft.project, draft.root
    config = table(project.data, "tool.towncrier")
    where = root / "pyproject.toml"
    if config is None and read_text(root, "towncrier.toml", required=True) is not None:
        where = root / "towncrier.toml"
        config = table(read_toml(where), "tool.towncrier") or {}
        draft.notes.append("towncrier.toml: the towncrier configuration is kept as it is")
    elif config is not None:
        draft.notes.append("[tool.towncrier]: the towncrier configuration is kept as it is")
    if config is not None:
        draft.roles = type_roles(_towncrier_types(config, where))
        _title_style(draft, config)
        filename, directory = config.get("filename", "NEWS.rst"), config.get("directory")
        draft.changelog_file = filename if isinstance(filename, str) else None
        draft.fragment_dir = directory if isinstance(directory, str) else None
        return
    import tomlkit

    filename = project.changelog or "CHANGELOG.md"
    draft.changelog_file, draft.fragment_dir = filename, "changelog.d"
    underlines = release_underlines(project.changelog_text or "")
    title_format, types = _learned_style(draft, filename)
    text = towncrier_toml(
        repository_url(root),
        filename=filename,
        underlines=underlines,
        tag_format=project.tag_prefix + "{version}",
        title_format=title_format,
        types=types or RECOMMENDED_TYPES,
    )
    draft.add_table("towncrier", tomlkit.parse(text)["tool"]["towncrier"])
    kind = {"md": "Markdown", "rst": "reStructuredText", "txt": "plain text"}[changelog_format(filename)]
    sections = (
        f"the changelog's own sections ({', '.join(name for _, name, _ in types)})"
        if types
        else "releasekit's sections (What's New, Breaking Changes, Migration Guide, Bug Fixes, Security, "
        "Known Issues, Future Plans, ...)"
    )
    draft.why.append(f"[tool.towncrier] added: {filename} in {kind}, fragments in changelog.d/, {sections}")
    if project.changelog_text is None:
        body = changelog_header(project.name or root.name)
        if changelog_format(filename) != "md":  # pragma: no cover - a new changelog is always CHANGELOG.md
            raise AssertionError(filename)
        draft.changes.append(FileChange(filename, None, body, ("a changelog for towncrier to write into",)))
    else:
        new = insert_marker(project.changelog_text, filename)
        if new != project.changelog_text:
            why = "towncrier's start marker, after the title and preamble, before the newest release"
            draft.changes.append(FileChange(filename, project.changelog_text, new, (why,)))
    if not (root / "changelog.d").exists():
        draft.changes.append(
            FileChange("changelog.d/.gitkeep", None, "", ("the fragment directory, kept in git while empty",))
        )


def _learned_style(draft: Draft, filename: str) -> tuple[str | None, list[tuple[str, str, bool]]]:
    """The title format and sections the changelog's newest releases show, proved or explained; the
    version and date formats towncrier needs given (``[tool.releasekit.changelog]``) go to the draft."""
    text = draft.project.changelog_text
    if not text:
        return None, []
    style = derive_style(text) if changelog_format(filename) == "md" else None
    title = (
        derive_rst_title(text)
        if changelog_format(filename) != "md"
        else Title(style.title_format, style.version_format, style.date_format, style.problem)
        if style is not None
        else Title(None)
    )
    heading = f"its heading {style.heading!r}" if style is not None else "its title"
    if title.title_format is not None:
        draft.why.append(
            f"{filename}: title_format = {title.title_format!r}, learned from the newest release, gives {heading} "
            "back byte for byte"
        )
        formats = {"version_format": title.version_format, "date_format": title.date_format}
        draft.changelog_formats = {key: value for key, value in formats.items() if value is not None}
    elif title.problem:
        draft.notes.append(f"{filename}: {title.problem}")
    if style is None:
        return title.title_format, []
    if style.link_references:
        draft.why.append(f"{filename}: its link reference definitions get one for each release, in their pattern")
    return style.title_format, section_types(style.sections)


def section_types(sections: tuple[str, ...]) -> list[tuple[str, str, bool]]:
    """towncrier types ``(directory, name, showcontent)`` for the changelog's section titles, in their order."""
    types = [(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"), name, True) for name in sections]
    return [t for t in types if t[0]]


def _title_style(draft: Draft, config: dict[str, Any]) -> None:
    """Warn when towncrier's default title would put a project name before releases titled by version alone."""
    text, filename = draft.project.changelog_text, config.get("filename", draft.project.changelog)
    if "title_format" in config or not text or not isinstance(filename, str):
        return
    if not (config.get("name") or config.get("package")):
        return  # towncrier finds no name: its default title is the version and the date
    title = newest_release_title(text, filename)
    if title is not None and re.match(r"v?\d", title):
        draft.notes.append(
            f"{filename}: its releases are titled by version ({title!r}) but towncrier's default title puts "
            'the project name first; to keep the style, set title_format = "{version} ({project_date})" '
            "in [tool.towncrier]"
        )
