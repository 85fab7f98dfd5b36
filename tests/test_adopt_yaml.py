"""releasekit's hooks added to a .pre-commit-config.yaml in the shapes YAML allows, judged by pre-commit itself.

Issue #22's sixth shape: a file that ends with the document end marker ``...``. The hooks go
inside the document, above the marker, whatever follows it stays; the result passes
``pre-commit validate-config`` (the real command) and a second ``init`` reads it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from releasekit.adopt import precommit
from releasekit.errors import ReleasekitError

HOOKS = ["changelog-fragment", "check-links"]
REPO = (
    "repos:\n-   repo: https://github.com/pre-commit/pre-commit-hooks\n"
    "    rev: v4.6.0\n    hooks:\n    -   id: trailing-whitespace\n"
)


def validate_config(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(text)
    cmd = [sys.executable, "-m", "pre_commit", "validate-config", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(REPO + "...\n", id="end-marker"),
        pytest.param("---\n" + REPO + "...\n# after the document\n", id="start-and-end-markers"),
        pytest.param("%YAML 1.2\n---\n" + REPO + "# the last entry's comment\n...\n", id="directive"),
        pytest.param(
            REPO + "    # an indented comment of the last entry\n# trailing comment\n", id="trailing-comments"
        ),
        pytest.param("---\n# nothing yet\n", id="empty-document"),
        pytest.param("default_stages: [pre-commit]\n...\n", id="no-repos"),
    ],
)
def test_the_edited_file_passes_pre_commits_own_validation(tmp_path: Path, text: str) -> None:
    if "repos" in text:  # the others lack repos, which the edit adds
        assert validate_config(tmp_path, text).returncode == 0
    new = precommit.add_hooks(text, "v1.0.0", HOOKS)
    result = validate_config(tmp_path, new)
    assert result.returncode == 0, (new, result.stdout + result.stderr)
    assert precommit.present_hooks(new) >= set(HOOKS)  # a second init reads it
    if "...\n" in text:  # the end marker stays, below the document
        assert new.index("check-links") < new.index("...\n")
        assert new[new.index("...\n") :] == text[text.index("...\n") :]


def test_several_documents_are_refused_as_pre_commit_refuses_them(tmp_path: Path) -> None:
    text = REPO + "---\n" + REPO
    assert validate_config(tmp_path, text).returncode != 0
    with pytest.raises(ReleasekitError, match=r"^\.pre-commit-config\.yaml: not valid YAML"):
        precommit.add_hooks(text, "v1.0.0", HOOKS)
