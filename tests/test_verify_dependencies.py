"""The install check of a release takes only the project from the index under test.

A test index may serve anything under any name: a package named like one of the
project's dependencies, at a higher version, is the classic dependency confusion. The
verify steps (``releasekit publish --verify-only``, the release's TestPyPI verify step,
``venvs.install_from``) install the project from the test index with ``--no-deps`` and its
dependencies from the production index alone. Real pypiservers, real pip/uv.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit import venvs
from releasekit.config import Index
from tests.helpers.pypi import pypiserver
from tests.helpers.wheelhouse import confusing_wheel, repack, simple_wheel

pytestmark = pytest.mark.integration

MARKER = "verify-installed-the-confused-idna"


@pytest.fixture(scope="module")
def confusing_indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Index, Index]]:
    """The test index serving the project and a confusing idna 99.0, the production index the real idna.

    Only read by the tests: served once for the module, to both installers.
    """
    base = tmp_path_factory.mktemp("indexes")
    (base / "prod").mkdir()
    repack(importlib.metadata.distribution("idna"), base / "prod")  # the real idna, on the production index
    simple_wheel(base / "test", "verifyme", "1.0.0", ["idna", "tomli; python_version < '3.0'", "rich; extra == 'x'"])
    confusing_wheel(base / "test", "idna", "99.0", MARKER)
    with pypiserver(base / "test", name="test") as test, pypiserver(base / "prod", name="prod") as prod:
        yield Index("TestPyPI", test.upload_url, test.simple_url), Index("PyPI", prod.upload_url, prod.simple_url)


@pytest.mark.parametrize("uv", [True, False], ids=["uv", "pip"])
def test_a_same_named_package_on_the_test_index_is_never_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv: bool, confusing_indexes: tuple[Index, Index]
) -> None:
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    if not uv:
        monkeypatch.setenv("RELEASEKIT_NO_UV", "1")
    marker = Path(tempfile.gettempdir()) / MARKER
    marker.unlink(missing_ok=True)
    test_index, prod_index = confusing_indexes
    venv = tmp_path / "venv"
    venvs.install_from(test_index, prod_index, "verifyme", "1.0.0", ["verifyme"], venv, [])
    python = venvs.python_of(venv)
    show = "import importlib.metadata as m; print(m.version('idna'), m.version('verifyme'))"
    versions = subprocess.run([str(python), "-c", show], capture_output=True, text=True, check=True, timeout=60)
    assert versions.stdout.split() == [importlib.metadata.version("idna"), "1.0.0"]
    assert not marker.exists()
