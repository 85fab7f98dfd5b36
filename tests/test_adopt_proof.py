"""`releasekit init` proves the adoption: it fixes what one line fixes, and lists and exits 1 on the rest.

Issue #22's third shape: a setup.py with an rST README and no ``long_description_content_type``,
which PyPI took for years, but which ``twine check --strict`` (the release's package check)
refuses. init adds the one line, and its proof (the package check in a clone holding the plan)
passes. A README whose markup PyPI cannot render is no one-line fix: init lists it and exits 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import adoption
from tests.helpers.adoption import init

pytestmark = pytest.mark.integration


def files(readme: str) -> dict[str, str]:
    return adoption.rst_setup_py_files("rsty", readme)


def test_the_missing_content_type_is_the_plans_one_line_fix(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, files("rsty\n====\n\nA *fine* package.\n"), tags=("v2.0.0",))
    code, out, err = init(repo, "--yes")
    assert code == 0, out + err
    assert (
        '#   - long_description_content_type="text/x-rst" added: without it twine check --strict fails on the '
        "missing type, and the release's package check runs it"
    ) in out
    assert (
        '    long_description=open("README.rst", encoding="utf-8").read(),\n'
        '    long_description_content_type="text/x-rst",\n'
    ) in (repo / "setup.py").read_text()
    assert "left to do" not in out


def test_what_init_cannot_fix_is_listed_and_it_exits_1(tmp_path: Path) -> None:
    repo = adoption.project_repo(tmp_path, files("rsty\n====\n\nBroken `link <http://x\n\n.. nosuch::\n"))
    code, out, err = init(repo, "--yes")
    assert code == 1, out + err
    left = [line for line in out.splitlines() if line.startswith("left to do: ")]
    assert left and all(
        line.startswith("left to do: package check: setup.py:1:1: twine check --strict") for line in left
    )
    assert "python -m readme_renderer README.rst shows where" in out
    assert out.splitlines()[-1].startswith("releasekit init: the first release would stop on")


def test_the_checks_and_the_package_check_run_side_by_side_and_list_in_order(tmp_path: Path) -> None:
    # The version checks find one problem, the package check (run beside them) another: both are
    # listed, the version checks' first, as the first release would meet them.
    broken = files("rsty\n====\n\nBroken `link <http://x\n\n.. nosuch::\n")
    repo = adoption.project_repo(tmp_path, {**broken, "rsty/__init__.py": '__version__ = "1.9.0"  # forgotten\n'})
    code, out, err = init(repo, "--yes")
    assert code == 1, out + err
    left = [line for line in out.splitlines() if line.startswith("left to do: ")]
    assert left[0] == "left to do: check versions: rsty/__init__.py:1:16: expected 2.0.0, found 1.9.0", left
    package = "left to do: package check: setup.py:1:1: twine check"
    assert left[1:] and all(line.startswith(package) for line in left[1:])
    assert out.splitlines()[-1] == f"releasekit init: the first release would stop on {len(left)} problems above"
