"""Summary: version, files, hashes, index URLs and the release notes."""

from __future__ import annotations

import re

from releasekit import indexes
from releasekit.steps import Context, Step

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$|^(.+)\n([=\-~^])\4+\s*$", re.MULTILINE)


def changelog_section(text: str, version: str) -> str | None:
    """The section of a Markdown or reST changelog whose heading names ``version``, without its heading."""
    headings = list(_HEADING.finditer(text))
    for n, match in enumerate(headings):
        title = match.group(2) if match.group(1) else match.group(3)
        if not re.search(rf"(?<![\w.]){re.escape(version)}(?![\w.])", title or ""):
            continue
        level = len(match.group(1)) if match.group(1) else match.group(4)
        end = len(text)
        for later in headings[n + 1 :]:
            later_level = len(later.group(1)) if later.group(1) else later.group(4)
            if later_level == level:
                end = later.start()
                break
        return text[match.end() : end].strip() or None
    return None


def release_notes(ctx: Context) -> str:
    """The version's notes as ``releasekit notes VERSION`` gives them; for a reST changelog, its section."""
    from releasekit.errors import ReleasekitError
    from releasekit.notes import version_notes

    version = ctx.journal.version
    try:
        return version_notes(ctx.config, version).strip()
    except ReleasekitError:
        pass  # not a Markdown section: try the reST form below
    changelog = ctx.root / ctx.config.fragments.filename
    if changelog.is_file():
        section = changelog_section(changelog.read_text(encoding="utf-8"), version)
        if section:
            return section
    return "(no release notes found)"


def run_summary(ctx: Context) -> str:
    """Collect the report the command prints at the end."""
    record, config = ctx.journal, ctx.config
    project = record.project or "?"
    lines = [f"Released {project} {record.version} (tag {record.tag} on {record.remote}/{record.branch})", "Files:"]
    lines += [f"  {name}  sha256:{digest}" for name, digest in sorted(record.artifacts.items())]
    lines.append("Indexes:")
    for index in (config.test_index, config.index):
        lines.append(f"  {index.name}: {indexes.display_url(indexes.project_url(index, project))}")
    notes = release_notes(ctx)
    ctx.plan.notes = notes
    lines += ["Release notes:", notes]
    ctx.plan.report = lines
    return f"{project} {record.version} released"


SUMMARY = Step("summary", "Summary", True, False, run_summary)
