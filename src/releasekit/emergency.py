"""Emergency releases: their severity, the fragments they need, and the advisory they publish.

The checklist's "Emergency Releases" item, in four parts, all decided here:

1. assess the severity: ``releasekit release --security SEVERITY`` (:data:`SEVERITIES`,
   :func:`check_severity`, :func:`kind`);
2. make the emergency patch: a release with at least one ``security`` changelog fragment
   (:func:`require_security_fragment`), usually from a ``hotfix/`` branch;
3. follow the expedited process: :func:`expedited_skip` leaves phases out of the tests
   step, :func:`triage_critical` lets an open critical issue warn instead of block, and
   GitHub must be reachable (:data:`NEEDS_GITHUB`);
4. notify users through a GitHub repository security advisory, whose request body
   :func:`advisory_payload` builds and the ``security-advisory`` step sends.

Everything in this module is plain: no network, no printing. At module level it imports
only the standard library and ``releasekit.errors``: the command line's parser reads
:data:`SEVERITIES`, and must stay cheap to build.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from releasekit.errors import ReleasekitError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from releasekit.config import Config
    from releasekit.tags import TagFormat

SEVERITIES = ("low", "medium", "high", "critical")
"""The severities GitHub's advisories take, mildest first."""

SECURITY_TYPE = "security"
"""The changelog fragment type an emergency release must carry."""

EXPEDITED_SKIPS = frozenset({"benchmark"})
"""The test phases an emergency release leaves out of its tests step."""

ECOSYSTEM = "pip"  # GitHub's name for packages on PyPI
SUMMARY_LIMIT = 1024  # GitHub refuses longer summaries
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")

NEEDS_GITHUB = (
    "an emergency release creates a GitHub security advisory: set GITHUB_TOKEN (or GH_TOKEN), and "
    "[tool.releasekit.github] repository unless the remote is on github.com"
)
"""The preflight problem of an emergency release that cannot reach GitHub."""


def check_severity(value: str) -> str:
    """``value`` when it is one of :data:`SEVERITIES`, else a clear error."""
    if value not in SEVERITIES:
        raise ReleasekitError(f"--security {value!r}: expected one of {', '.join(SEVERITIES)}")
    return value


def kind(severity: str | None) -> str:
    """What kind of release a severity makes, as errors about a resumed release name it."""
    return f"an emergency release (--security {severity})" if severity else "an ordinary release (no --security)"


def expedited_skip(phase: str, severity: str | None) -> str | None:
    """The outcome of a test phase an emergency release leaves out, or None when the phase runs."""
    if severity is not None and phase in EXPEDITED_SKIPS:
        return "skipped (an emergency release is expedited)"
    return None


def triage_critical(critical: list[str], severity: str | None) -> tuple[list[str], list[str]]:
    """Split open critical issues into (problems, warnings).

    They block an ordinary release. In an emergency release they are warnings: the fix
    for them is what is being released.
    """
    if severity is None:
        return critical, []
    return [], [f"warning: {item} (not blocking: an emergency release)" for item in critical]


def section_title(config: Config) -> str:
    """The title towncrier gives the security fragments' section of the notes."""
    kinds = config.fragments.types_with("security")
    return next((t.name for t in config.fragments.types if t.directory in kinds), "Security")


def require_security_fragment(config: Config) -> None:
    """Refuse an emergency release that carries no ``security`` fragment: its advisory needs one."""
    from releasekit.changelog.fragments import extension, roles, validate_directory

    found, _ = validate_directory(config.root, config.fragments)
    if "security" in roles(found, config.fragments):
        return
    where = config.fragments.directory.strip("/")
    kind = next(iter(config.fragments.types_with("security")), SECURITY_TYPE)
    create = f"towncrier create {config.fragments.orphan_prefix}<slug>.{kind}{extension(config.fragments)}"
    missing_type = (
        ""
        if config.fragments.types_with("security")
        else f' (and add a [[tool.towncrier.type]] with directory = "{SECURITY_TYPE}" to {config.pyproject.name})'
    )
    raise ReleasekitError(
        f"an emergency release (--security) needs at least one {kind} fragment in {where}/, "
        f"describing the vulnerability it fixes; write one with '{create}'{missing_type}"
    )


def vulnerable_range(version: str) -> str:
    """The versions the advisory calls vulnerable: every version before the fixed one.

    Also for a hotfix on an older line (1.1.2 while 1.2.0 is out): the lines below 1.1 have
    the flaw too, and ``>= 1.1.0, < 1.1.2`` would tell their users they are safe. Newer
    lines fall outside the range either way (see :func:`newer_lines`).
    """
    return f"< {version}"


def newer_lines(version: str, tags: Iterable[str], fmt: TagFormat | None = None) -> list[str]:
    """The minor lines (``"1.2"``) with a final release newer than ``version``'s line, oldest first.

    ``tags`` are read in the project's tag format ``fmt`` (``v{version}`` when not given).
    A hotfix on an older line does not fix them; the advisory does not cover them.
    """
    from releasekit.tags import TagFormat
    from releasekit.versions import parse_version

    own = parse_version(version)
    fmt = fmt or TagFormat()
    lines = set()
    for tag in tags:
        released = fmt.version(tag)
        if released is not None and not released.is_prerelease and released.release[:2] > own.release[:2]:
            lines.add(released.release[:2])
    return [f"{major}.{minor}" for major, minor in sorted(lines)]


def uncovered_warning(version: str, tags: Iterable[str], fmt: TagFormat) -> str | None:
    """The warning about newer release lines the advisory of ``version`` leaves out, or None."""
    newer = newer_lines(version, tags, fmt)
    if not newer:
        return None
    return (
        f"newer release lines ({', '.join(newer)}) are outside the advisory's range; "
        "release the fix there too and add their ranges to the advisory"
    )


def summary_for(section: str | None, project: str, version: str) -> str:
    """The advisory's summary: the first entry of the Security section, else a generic line."""
    entry: list[str] = []
    for line in (section or "").splitlines():
        if _BULLET.match(line):
            if entry:
                break
            entry.append(_BULLET.sub("", line, count=1))
        elif entry and line.strip():
            entry.append(line)
        elif entry:
            break
    text = " ".join(" ".join(entry).split())
    if not text:
        text = next((" ".join(line.split()) for line in (section or "").splitlines() if line.strip()), "")
    if not text:
        return f"{project} {version} fixes a security issue"
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1].rstrip() + "\u2026"


def payload(project: str, version: str, severity: str, section: str | None, notes: str | None) -> dict[str, Any]:
    """The body of ``POST /repos/{owner}/{repo}/security-advisories``.

    ``section`` is the release's Security section (Markdown); without one, the whole
    release notes describe the advisory.
    """
    description = (section or notes or "").strip() or f"{project} {version} fixes a security issue."
    return {
        "summary": summary_for(section, project, version),
        "description": description + "\n",
        "severity": check_severity(severity),
        "vulnerabilities": [
            {
                "package": {"ecosystem": ECOSYSTEM, "name": project},
                "vulnerable_version_range": vulnerable_range(version),
                "patched_versions": version,
            }
        ],
    }


def advisory_payload(
    config: Config, project: str, version: str, severity: str, notes: str | None, note: Callable[[str], None]
) -> dict[str, Any]:
    """The advisory of an emergency release: its notes' Security section describes it (see :func:`payload`).

    Without such a section the whole notes do, and ``note`` says so.
    """
    from releasekit.changelog.notes import titled_section

    title = section_title(config)
    section = titled_section(notes, title) if notes else None
    if section is None:
        note(f"the notes of {version} have no {title!r} section; the advisory describes the whole release instead")
    return payload(project, version, severity, section.body if section else None, notes)


def advisory_lines(severity: str, where: str | None, published: bool) -> list[str]:
    """The summary's line about the advisory a release made (``where``: its URL or id, if made)."""
    state = "published" if published else "draft: review and publish it on GitHub"
    return [f"Security advisory ({severity}): {where or 'not created'} ({state})"]


def unsent_advisory_lines(body: dict[str, Any]) -> list[str]:
    """A dry run's summary lines about the advisory it would have sent: the request, then its JSON body."""
    import json

    return ["Security advisory (not sent): POST /repos/{owner}/{repo}/security-advisories", json.dumps(body, indent=2)]
