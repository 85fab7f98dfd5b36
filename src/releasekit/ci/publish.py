"""``releasekit publish DIR``: publish exactly the set a build recorded, then verify it.

The other half of ``releasekit build``, for a CI job that did not build: the directory's
files are checked against its manifest before anything is uploaded (a changed, missing,
extra or foreign file refuses the whole set), then the release's own upload plan runs
(skip what the index serves with the same bytes, refuse a filename it holds with other
bytes, upload the rest one file at a time), and the release's own checks follow: the
served bytes against the manifest, and a fresh install. Running it again after any
failure uploads only what is still missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from releasekit import indexes, venvs
from releasekit.ci import manifest, trusted
from releasekit.config import Config, Index
from releasekit.errors import ReleasekitError, secrets_from_env
from releasekit.process import failing_as, python_module, run

INDEXES = ("test", "prod")


class Published(NamedTuple):
    """What a publish did."""

    project: str
    version: str
    index_name: str
    url: str  # the project's page on the index's simple API
    uploaded: tuple[str, ...]
    already_there: tuple[str, ...]
    how: str  # which credentials twine used


def _attest(folder: Path, files: list[str], note: Callable[[str], None]) -> None:
    """Sign each file with pypi-attestations (Sigstore, from the job's ambient OIDC identity)."""
    unsigned = [name for name in files if not (folder / f"{name}{manifest.ATTESTATION_SUFFIX}").is_file()]
    if not unsigned:
        return
    note(f"pypi-attestations sign: {len(unsigned)} files")
    with failing_as("pypi-attestations sign"):
        run(python_module("pypi_attestations", "sign", *(folder / name for name in unsigned)), oidc=True)


def check(folder: Path) -> tuple[manifest.Manifest, dict[str, str]]:
    """The manifest of ``folder`` and its files, when the folder holds exactly the recorded set."""
    recorded = manifest.read(folder)
    return recorded, manifest.check_set(folder, recorded)


def _indexes(config: Config, which: str) -> tuple[Index, Index | None]:
    if which not in INDEXES:
        raise ReleasekitError(f"--index {which}: expected one of {', '.join(INDEXES)}")
    return (config.test_index, config.index) if which == "test" else (config.index, None)


def verify(
    config: Config,
    folder: Path,
    which: str,
    *,
    workdir: Path,
    secrets: tuple[str, ...] = (),
    note: Callable[[str], None] = lambda message: None,
) -> tuple[manifest.Manifest, dict[str, str]]:
    """The index serves the manifest's bytes, and the release installs in a fresh environment.

    For the test index only the project comes from it; its dependencies come from the production index.
    """
    index, extra = _indexes(config, which)
    recorded, files = check(folder)
    note(f"checking the bytes {index.name} serves against the manifest")
    indexes.verify(index, recorded.project, files)
    wheel = next((folder / name for name in sorted(files) if name.endswith(".whl")), None)
    names = venvs.import_names(wheel) if wheel is not None else []
    where = f"; its dependencies from {extra.name}" if extra is not None else ""
    note(f"installing {recorded.project}=={recorded.version} from {index.name} into a fresh venv{where}")
    venvs.install_from(index, extra, recorded.project, recorded.version, names, workdir / "verify", secrets)
    return recorded, files


def publish(
    config: Config,
    folder: Path,
    which: str,
    *,
    attestations: bool = False,
    workdir: Path,
    note: Callable[[str], None] = lambda message: None,
) -> Published:
    """Upload the manifest's files in ``folder`` to the ``which`` index ("test" or "prod"), then verify."""
    index, _ = _indexes(config, which)
    recorded, files = check(folder)
    if attestations:
        if not trusted.oidc_available():
            raise ReleasekitError(
                "--attestations needs an OIDC identity to sign with (a GitHub Actions job with 'id-token: write'); "
                "there is none here, so nothing was uploaded"
            )
        if not _has_module("pypi_attestations"):
            raise ReleasekitError("--attestations needs pypi-attestations: pip install pypi-attestations")
    note(f"{len(files)} files of {recorded.project} {recorded.version} match the manifest")
    creds = trusted.credentials(index)
    secrets = (*secrets_from_env(), *creds.secrets)
    if attestations:
        _attest(folder, sorted(files), note)
    note(f"asking {index.name} which files it serves already; uploading with {creds.how}")
    result = indexes.upload(
        index,
        recorded.project,
        folder,
        files,
        secrets=secrets,
        env=creds.env,
        attestations=attestations,
        oidc=creds.oidc,
    )
    verify(config, folder, which, workdir=workdir, secrets=secrets, note=note)
    return Published(
        recorded.project,
        recorded.version,
        index.name,
        indexes.display_url(indexes.project_url(index, recorded.project)),
        result.uploaded,
        result.already_there,
        creds.how,
    )


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
