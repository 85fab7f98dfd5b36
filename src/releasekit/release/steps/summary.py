"""### 6. Post-Release: the summary of what was released (or, in a dry run, of what would be).

Version, files, hashes, index URLs, every gate's outcome, the release notes and the
security advisory: rendered once, by :func:`summary_lines`, for a release and a dry run.
"""

from __future__ import annotations

from releasekit import emergency, indexes
from releasekit.gatesconfig import SKIPPABLE
from releasekit.release.context import NO_NOTES, Context, Step


def gate_lines(gates: dict[str, str]) -> list[str]:
    """One line per gate, in checklist order: what ran it and how it went, or why it did not run."""
    if not gates:
        return ["  (no gate ran in this process or the journal)"]
    return [f"  {name}: {gates[name]}" for name in SKIPPABLE if name in gates]


def summary_lines(ctx: Context) -> list[str]:
    """The summary the command prints at the end, from the journal and this run's notes and advisory."""
    record, config = ctx.journal, ctx.config
    project = record.project or config.project_name or "the package"
    if ctx.dry_run:
        lines = [f"Dry run: nothing was changed. The release would publish {project} {record.version} as {record.tag}."]
    else:
        lines = [f"Released {project} {record.version} (tag {record.tag} on {record.remote}/{record.branch})"]
    lines.append("Files:")
    if ctx.dry_run and config.publish == "ci":
        lines.append('  built and published by the release workflow of the tag ([tool.releasekit] publish = "ci")')
    lines += [f"  {name}  sha256:{digest}" for name, digest in sorted(record.artifacts.items())]
    lines.append("Indexes:")
    for index in (config.test_index, config.index):
        if ctx.dry_run:
            where = f"upload {indexes.display_url(index.upload_url)}, simple {indexes.display_url(index.simple_url)}"
        else:
            where = indexes.display_url(indexes.project_url(index, project))
        lines.append(f"  {index.name}: {where}")
    if record.security is not None and not ctx.dry_run:
        made = record.advisory_url or record.advisory_id
        lines += emergency.advisory_lines(record.security, made, config.github_publish_advisory)
    lines += ["Gates:", *gate_lines(record.gates)]
    lines += ["Release notes:", ctx.release_notes() or NO_NOTES]
    if ctx.advisory is not None:  # the dry run's, not sent: its JSON comes last
        lines += emergency.unsent_advisory_lines(ctx.advisory)
    return lines


def run_summary(ctx: Context) -> str:
    """Render the summary the command prints at the end."""
    ctx.report = summary_lines(ctx)
    record = ctx.journal
    project = record.project or ctx.config.project_name or "the package"
    if ctx.dry_run:
        return f"{project} {record.version} would be released"
    return f"{project} {record.version} released"


SUMMARY = Step("summary", "Summary", True, True, run_summary)
