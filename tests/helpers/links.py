"""Running ``releasekit check links`` in a tmp repository and reading its findings back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from releasekit.cli import main

# mkdocs.yml's validation block that makes ``mkdocs build`` warn about every link it cannot resolve
MKDOCS_VALIDATION = """\
validation:
  links:
    not_found: warn
    anchors: warn
    absolute_links: info
    unrecognized_links: info
"""
# one such warning: the page (relative to docs_dir) and the link as written
MKDOCS_WARNING = re.compile(r"^WARNING +- +Doc file '(?P<page>[^']+)' contains a link '(?P<url>[^']+)'")


def run_links(
    repo: Path, capsys: pytest.CaptureFixture[str], *args: str, fmt: str = "json"
) -> tuple[int, list[tuple[str, int, int, str]]]:
    """Run the check in ``repo``; return the exit code and (path, line, col, message) findings."""
    code = main(["-C", str(repo), "check", "links", "--format", fmt, *args])
    out = capsys.readouterr().out
    assert fmt == "json"
    document = json.loads(out) if out.strip() else {"schema": 1, "findings": []}
    assert document["schema"] == 1, document  # findings JSON carries its schema version
    items = document["findings"]
    return code, [(f["path"], f["line"], f["col"], f["message"]) for f in items]


def places(findings: Sequence[tuple[str, int, int, str]]) -> set[tuple[str, int, int]]:
    """The ``path:line:col`` of each finding."""
    return {(path, line, col) for path, line, col, _ in findings}


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """The 1-based line and character column of the ``nth`` occurrence of ``needle``."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def build_warnings(args: Sequence[str], cwd: Path, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Run a documentation build, ``python -m ARGS``, in ``cwd``; the lines of its stderr matching ``pattern``.

    NO_COLOR: Sphinx colours its warnings where it sees ``CI`` set, as on CI.
    """
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return [match for line in proc.stderr.splitlines() if (match := pattern.match(line))]
