"""The build manifest: what ``releasekit build`` made, and the set ``releasekit publish`` accepts.

``DIR/releasekit-manifest.json`` names the project, the version and the sha256 of every
file the build made. A project whose wheels come from cibuildwheel runners lists, instead
of those wheels, the build identifiers cibuildwheel is configured to produce; the publish
side then wants exactly one wheel per identifier, no more, no less.

The manifest and the directory beside it travel through CI artifacts, so both are read as
hostile input: a bounded read, every field checked, filenames that are plain names.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from releasekit.bounded import loads_json
from releasekit.ci.wheelset import match_wheels
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.indexes import normalize, sha256_file

FILENAME = "releasekit-manifest.json"
SCHEMA_VERSION = 1
MAX_BYTES = 1 << 20  # a manifest of thousands of wheels is still far below this
ATTESTATION_SUFFIX = ".publish.attestation"  # what pypi-attestations writes next to each file


class Manifest(NamedTuple):
    """A release's files, as the build recorded them."""

    project: str
    version: str
    files: dict[str, str]  # filename -> sha256 (hex)
    wheel_identifiers: tuple[str, ...] = ()  # cibuildwheel build identifiers whose wheels come from runners

    def to_json(self) -> str:
        """The manifest as JSON text."""
        data: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "project": self.project,
            "version": self.version,
            "files": dict(sorted(self.files.items())),
        }
        if self.wheel_identifiers:
            data["cibuildwheel"] = sorted(self.wheel_identifiers)
        return json.dumps(data, indent=2) + "\n"


def write(folder: Path, manifest: Manifest) -> Path:
    """Write the manifest into ``folder`` atomically (last, once every file is in place)."""
    path = folder / FILENAME
    partial = folder / f".{FILENAME}.partial"
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(manifest.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def _plain_name(name: object, where: str) -> str:
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ReleasekitError(f"{where}: {name!r} is not a plain file name")
    return name


def read(folder: Path) -> Manifest:
    """Read and validate ``folder/releasekit-manifest.json``."""
    path = folder / FILENAME
    if not folder.is_dir():
        raise ReleasekitError(f"{folder}: not a directory")
    if path.is_symlink() or not path.is_file():
        raise ReleasekitError(f"{path}: no manifest here (is it a directory made by 'releasekit build'?)")
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ReleasekitError(f"{path}: larger than {MAX_BYTES} bytes; not a releasekit manifest")
    return parse(raw, path)


def parse(raw: bytes, path: Path) -> Manifest:
    """The manifest in ``raw`` (the bytes of ``path``): JSON within ``releasekit.bounded``'s limits, checked."""
    data: Any = loads_json(raw, source=str(path))
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
        raise ReleasekitError(f"{path}: not a manifest this releasekit understands (schema {SCHEMA_VERSION})")
    return _from_data(data, path)


def _from_data(data: Mapping[str, Any], path: Path) -> Manifest:
    from packaging.version import InvalidVersion, Version

    project, version, files = data.get("project"), data.get("version"), data.get("files")
    if not isinstance(project, str) or not project:
        raise ReleasekitError(f"{path}: 'project' must be a non-empty string")
    if not isinstance(version, str):
        raise ReleasekitError(f"{path}: 'version' must be a string")
    try:
        Version(version)
    except InvalidVersion:
        raise ReleasekitError(f"{path}: 'version' {version!r} is not a valid version") from None
    if not isinstance(files, dict) or not files:
        raise ReleasekitError(f"{path}: 'files' must be a table of file name -> sha256")
    checked: dict[str, str] = {}
    for name, digest in files.items():
        _plain_name(name, f"{path}: files")
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ReleasekitError(f"{path}: files[{name!r}] is not a sha256 in lowercase hex")
        checked[name] = digest
    identifiers = data.get("cibuildwheel", [])
    if not isinstance(identifiers, list) or not all(isinstance(i, str) and i for i in identifiers):
        raise ReleasekitError(f"{path}: 'cibuildwheel' must be a list of build identifiers")
    return Manifest(project, version, checked, tuple(identifiers))


def _version_of(filename: str) -> tuple[str, str] | None:
    """(project, version) from a distribution filename, or None when it is not one."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    try:
        if filename.endswith(".whl"):
            name, version, *_ = parse_wheel_filename(filename)
        elif filename.endswith(".tar.gz"):
            name, version = parse_sdist_filename(filename)
        else:
            return None
    except (InvalidSdistFilename, InvalidWheelFilename):
        return None
    return str(name), str(version)


def check_set(folder: Path, manifest: Manifest) -> dict[str, str]:
    """The files to publish (filename -> sha256) when ``folder`` holds exactly the manifest's set.

    Refuses, naming every problem at once: a listed file missing or with other bytes, a
    file the manifest does not list, a file of another project or version, and (for
    cibuildwheel projects) a wheel missing or not expected for a configured identifier.
    Attestations that pypi-attestations wrote next to a listed file are allowed.
    """
    from packaging.version import Version

    problems: list[str] = []
    present = {}
    for entry in sorted(folder.iterdir()):
        if entry.name in (FILENAME,) or entry.name.startswith(f".{FILENAME}"):
            continue
        if entry.is_symlink() or not entry.is_file():
            problems.append(f"{entry.name} is not a regular file")
            continue
        present[entry.name] = entry
    attestations = {n for n in present if n.endswith(ATTESTATION_SUFFIX)}
    files = {n: p for n, p in present.items() if n not in attestations}
    for name in sorted(attestations):
        if name[: -len(ATTESTATION_SUFFIX)] not in files:
            problems.append(f"{name} attests a file that is not there")
    result: dict[str, str] = {}
    for name, sha256 in sorted(manifest.files.items()):
        if name not in files:
            problems.append(f"{name} is missing")
        elif sha256_file(files[name]) != sha256:
            problems.append(f"{name} has other bytes than the build recorded")
        else:
            result[name] = sha256
    built: list[str] = []  # wheels from cibuildwheel runners, of the right project and version
    for name in sorted(set(files) - set(manifest.files)):
        parsed = _version_of(name)
        if parsed is None:
            problems.append(f"{name} is not a distribution file")
        elif normalize(parsed[0]) != normalize(manifest.project) or Version(parsed[1]) != Version(manifest.version):
            problems.append(f"{name} is not {manifest.project} {manifest.version}")
        elif not name.endswith(".whl") or not manifest.wheel_identifiers:
            problems.append(f"{name} is not in the manifest")
        else:
            built.append(name)
    if manifest.wheel_identifiers:
        matched, wheel_problems = match_wheels(manifest.wheel_identifiers, built)
        problems += wheel_problems
        if not wheel_problems:
            result.update({name: sha256_file(files[name]) for name in matched})
    if problems:
        raise StepFailed(f"{folder}: not the set the build recorded, nothing uploaded: {'; '.join(problems)}")
    return result
