"""towncrier's draft of the unreleased notes, with the version written as the changelog's headings write it."""

from __future__ import annotations

from releasekit.changelog.history import heading_version
from releasekit.changelog.notes import (
    _HEADING,
    draft_version,
    find_section,
    markup_of,
    release_markdown,
    towncrier_refusals,
)
from releasekit.config import Config
from releasekit.errors import CommandError, ReleasekitError, StepFailed
from releasekit.process import python_module, run


def draft_notes(config: Config) -> str:
    """towncrier's draft of the unreleased notes (``towncrier build --draft``), without its title."""
    if not config.fragments.configured:
        raise ReleasekitError(f"{config.pyproject.name}: no [tool.towncrier] section; nothing to draft notes from")
    refused = towncrier_refusals(config)
    if refused:
        # towncrier would follow a symlink and print what it points to (~/.pypirc...).
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        raise ReleasekitError(f"{refused[0].path}: {refused[0].message}{more}")
    version = heading_version(config.root, config.fragments.filename, draft_version(config))
    try:
        proc = run(python_module("towncrier", "build", "--draft", "--version", version), cwd=config.root)
    except CommandError as exc:
        # one line, towncrier's last (its error, or the last of a traceback), not the whole output
        last = next((line.strip() for line in reversed(exc.output.splitlines()) if line.strip()), "no output")
        raise StepFailed(
            f"towncrier build --draft failed (exit code {exc.returncode}): {last[:300]}; "
            "run 'towncrier build --draft' to see all it says"
        ) from None
    markup = markup_of(config.fragments.filename)
    draft = proc.stdout.strip("\n")
    section = find_section(draft, version, markup=markup)
    if section is not None and draft.startswith(section.heading):
        body = section.body  # towncrier's title for the version, and nothing else, taken off
    else:
        lines = draft.splitlines()
        if lines and _HEADING.match(lines[0]) and version in lines[0]:
            lines = lines[1:]
        body = "\n".join(lines).strip("\n") + "\n"
    return release_markdown(config, body, markup)
