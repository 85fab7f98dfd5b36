"""The release's live checklist on a terminal, drawn with rich.

Every step of the checklist is a line with its state: waiting, running (a spinner and the
time so far, and what it is doing), done (with its time), skipped (with the reason) or
failed (with the cause). The test phases are lines under the tests step, and steps or
phases running at the same time are marked as side by side. Only ``releasekit release``
uses it, and only when its output is a terminal that takes colour (see :func:`wanted`);
otherwise the plain lines of :class:`releasekit.commands.release.Checklist` are printed.
The hooks never import this module.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from releasekit.errors import redact, secrets_from_env
from releasekit.gatesconfig import PHASES
from releasekit.release.context import Step
from releasekit.release.runner import Event

_PHASE_NOTE = re.compile(rf"^({'|'.join(PHASES)}): (.*)$", re.S)
ICONS = {"waiting": "·", "done": "✓", "skipped": "↷", "failed": "✗"}
STYLES = {"waiting": "dim", "done": "green", "skipped": "yellow", "failed": "bold red", "running": "cyan"}


def wanted(stream: Any = None) -> bool:
    """Whether the live checklist may draw: a terminal, no ``NO_COLOR``, and a ``TERM`` other than dumb."""
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    if os.environ.get("NO_COLOR"):
        return False
    return os.environ.get("TERM", "") != "dumb"


@dataclass
class Line:
    """One step or one test phase, as shown."""

    title: str
    state: str = "waiting"
    started: float = 0.0
    took: float | None = None
    detail: str = ""


class LiveChecklist:
    """A rich ``Live`` display fed with the runner's events; a reporter like the plain checklist."""

    def __init__(self, steps: Sequence[Step]) -> None:
        from rich.console import Console
        from rich.live import Live

        self.secrets = secrets_from_env()
        self.lines = [Line(step.title) for step in steps]
        self.phases: dict[int, dict[str, Line]] = {}
        self.console = Console(highlight=False)
        self.live = Live(self, console=self.console, refresh_per_second=8, transient=False, redirect_stdout=False)

    def __enter__(self) -> LiveChecklist:
        self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.stop()

    def say(self, text: str) -> None:
        """A line of its own above the checklist (the run's heading, the summary)."""
        self.console.print(redact(text, self.secrets), markup=False, highlight=False)

    def pause(self) -> None:
        """Stop drawing (before a question on the terminal)."""
        self.live.stop()

    def resume(self) -> None:
        """Draw again."""
        self.live.start()

    def __call__(self, event: Event) -> None:
        line = self.lines[event.number - 1]
        detail = redact(event.detail, self.secrets)
        if event.status == "start":
            line.state, line.started = "running", time.monotonic()
        elif event.status == "note":
            self._note(event.number, line, detail)
        elif event.status == "ok":
            line.state, line.took, line.detail = "done", time.monotonic() - line.started, detail
        elif event.status == "done-before":
            line.state, line.detail = "done", "done before (journal)"
        elif event.status == "skipped":
            line.state, line.detail = "skipped", detail
        elif event.status == "failed":
            line.state, line.took, line.detail = "failed", time.monotonic() - line.started, detail
            for phase in self.phases.get(event.number, {}).values():
                if phase.state == "running":
                    phase.state, phase.detail = "skipped", "stopped"
        self.live.refresh()

    def _note(self, number: int, line: Line, detail: str) -> None:
        match = _PHASE_NOTE.match(detail)
        if match is None:
            line.detail = detail.splitlines()[0] if detail else ""
            return
        phases = self.phases.setdefault(number, {})
        name, text = match.groups()
        phase = phases.setdefault(name, Line(name))
        if text.startswith("running "):
            phase.state, phase.started, phase.detail = "running", time.monotonic(), text.removeprefix("running ")
        elif text.startswith("reusing ") or text.startswith("waiting "):
            phase.detail = text
        else:
            took = time.monotonic() - phase.started if phase.state == "running" else None
            passed = text.startswith("passed") or "%" in text or text.startswith("no test selected")
            phase.state, phase.took, phase.detail = ("done" if passed else "skipped"), took, text

    def __rich__(self) -> Any:
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        now = time.monotonic()
        running = sum(line.state == "running" for line in self.lines)
        grid = Table.grid(padding=(0, 1))
        for _ in range(4):
            grid.add_column()
        for number, line in enumerate(self.lines, 1):
            beside = " (side by side)" if line.state == "running" and running > 1 else ""
            grid.add_row(*self._row(line, f"[{number:>2}/{len(self.lines)}] {line.title}{beside}", now, Spinner, Text))
            phases = list(self.phases.get(number, {}).values())
            side = sum(phase.state == "running" for phase in phases) > 1
            for phase in phases:
                mark = " (side by side)" if side and phase.state == "running" else ""
                grid.add_row(*self._row(phase, f"        {phase.title}{mark}", now, Spinner, Text))
        return grid

    @staticmethod
    def _row(line: Line, label: str, now: float, spinner: Any, text: Any) -> tuple[Any, ...]:
        style = STYLES[line.state]
        if line.state == "running":
            icon = spinner("dots", style=style)
            when = f"{now - line.started:5.1f} s"
        else:
            icon = text(ICONS[line.state], style=style)
            when = f"{line.took:5.1f} s" if line.took is not None else ""
        return icon, text(label, style=style), text(when, style="dim"), text(line.detail, overflow="ellipsis")
