"""``releasekit build --out DIR``: the release build on its own, for a CI job or a laptop."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from releasekit import config
from releasekit.release.steps.build import build_release

if TYPE_CHECKING:
    import argparse


def main(args: argparse.Namespace) -> int:
    """Build HEAD into ``--out`` and list what was made."""
    cfg = config.load()
    outdir = Path(args.out).absolute()
    workdir = Path(tempfile.mkdtemp(prefix="releasekit-build-"))
    try:
        made = build_release(cfg, outdir, workdir, lambda message: print(f"- {message}", flush=True))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Built {made.project} {made.version} into {outdir}:")
    for name, digest in sorted(made.files.items()):
        print(f"  {name}  sha256:{digest}")
    if made.wheel_identifiers:
        print(f"Wheels expected from cibuildwheel ({len(made.wheel_identifiers)}):")
        for identifier in made.wheel_identifiers:
            print(f"  {identifier}")
    print(f"Manifest: {outdir / 'releasekit-manifest.json'}")
    return 0
