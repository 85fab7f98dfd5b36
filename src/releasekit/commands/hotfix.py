"""``releasekit hotfix vX.Y.Z [DESCRIPTION]``: cut a hotfix branch from a release tag."""

from __future__ import annotations

import argparse

from releasekit import config, hotfix


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    plan = hotfix.plan(cfg.root, args.tag, args.description, cfg.remote, cfg.tag_format)
    hotfix.cut(cfg.root, plan)
    print(f"On branch {plan.branch}, cut from {plan.tag} ({plan.support} support).")
    print("Next:")
    print("  1. commit the fix, with a fragment: towncrier create +<slug>.bugfix.md (or .security.md)")
    print(f"  2. nox -s release -- patch    (releases {plan.version} from this branch)")
    print(f"  3. merge {plan.branch} back into {cfg.release_branch}")
    return 0
