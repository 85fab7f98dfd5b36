"""What the release's bump would break, judged before anything is written (``releasekit.bumpsim`` simulates it)."""

from __future__ import annotations

from pathlib import Path

from releasekit.bumpconfig import VersionConfig
from releasekit.bumpsim import _ordered, entry_findings, parse_problem, simulate
from releasekit.checks.version_sync import check_file
from releasekit.findings import Finding


def bump_findings(root: Path, version: VersionConfig, new: str) -> list[Finding]:
    """What the bump to ``new`` would break: entries that clobber their line, files that no longer
    parse, and version files that would not hold ``new`` afterwards."""
    findings = list(entry_findings(version, root))
    if version.scheme not in ("bumpversion", "file"):
        return findings
    simulation = simulate(root, version, new)
    findings += simulation.findings
    by_file = dict(_ordered(root, version.files))
    for file in simulation.files:
        problem = parse_problem(file.path, file.after)
        if problem and parse_problem(file.path, file.before) is None:
            findings.append(Finding(file.path, 1, 1, f"the bump to {new} would leave it unparsable ({problem})"))
            continue
        for entry in by_file.get(file.path, []):
            for finding in check_file(file.path, file.after, entry, new):
                findings.append(finding._replace(message=f"after the bump to {new}: {finding.message}"))
    return findings
