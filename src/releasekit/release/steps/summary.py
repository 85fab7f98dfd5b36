"""Summary: version, files, hashes, index URLs and the release notes."""

from __future__ import annotations

from releasekit import indexes
from releasekit.release.context import Context, Step


def release_notes(ctx: Context) -> str:
    """The version's notes as ``releasekit notes VERSION`` gives them."""
    from releasekit.changelog.notes import version_notes
    from releasekit.errors import ReleasekitError

    try:
        return version_notes(ctx.config, ctx.journal.version).strip() or "(no release notes found)"
    except ReleasekitError:
        return "(no release notes found)"


def gate_lines(gates: dict[str, str]) -> list[str]:
    """One line per gate, in checklist order: what ran it and how it went, or why it did not run."""
    from releasekit.release.gates import SKIPPABLE

    if not gates:
        return ["  (no gate ran in this process or the journal)"]
    return [f"  {name}: {gates[name]}" for name in SKIPPABLE if name in gates]


def run_summary(ctx: Context) -> str:
    """Collect the report the command prints at the end."""
    record, config = ctx.journal, ctx.config
    project = record.project or "?"
    lines = [f"Released {project} {record.version} (tag {record.tag} on {record.remote}/{record.branch})", "Files:"]
    lines += [f"  {name}  sha256:{digest}" for name, digest in sorted(record.artifacts.items())]
    lines.append("Indexes:")
    for index in (config.test_index, config.index):
        lines.append(f"  {index.name}: {indexes.display_url(indexes.project_url(index, project))}")
    if record.emergency:
        state = "published" if ctx.config.github_publish_advisory else "draft: review and publish it on GitHub"
        where = record.advisory_url or record.advisory_id or "not created"
        lines.append(f"Security advisory ({record.security}): {where} ({state})")
    lines.append("Gates:")
    lines += gate_lines({**record.gates, **ctx.plan.gates})
    notes = release_notes(ctx)
    ctx.plan.notes = notes
    lines += ["Release notes:", notes]
    ctx.plan.report = lines
    return f"{project} {record.version} released"


SUMMARY = Step("summary", "Summary", True, False, run_summary)
