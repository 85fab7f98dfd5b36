"""``releasekit hotfix vX.Y.Z [DESCRIPTION]``: cut a hotfix branch from a release tag."""

from __future__ import annotations

import argparse

from releasekit import config, hotfix
from releasekit.changelog.fragments import FragmentsConfig, extension


def hotfix_fragment_hint(fragments: FragmentsConfig) -> str:
    """``towncrier create`` for a fix, in the project's own types and extension."""
    names = [t.directory for t in fragments.types]
    fix = next((n for n in names if n.lower() in ("bugfix", "bugfixes", "fix", "fixes", "fixed", "bug")), None)
    fix = fix or next((t.directory for t in fragments.types if t.check), "bugfix")
    ext = extension(fragments)
    hint = f"towncrier create {fragments.orphan_prefix}<slug>.{fix}{ext}"
    security = fragments.types_with("security")
    return hint + (f" (or .{security[0]}{ext})" if security else "")


def main(args: argparse.Namespace) -> int:
    cfg = config.load()
    plan = hotfix.plan(cfg.root, args.tag, args.description, cfg.remote, cfg.tag_format)
    hotfix.cut(cfg.root, plan)
    print(f"On branch {plan.branch}, cut from {plan.tag} ({plan.support} support).")
    print("Next:")
    print(f"  1. commit the fix, with a fragment: {hotfix_fragment_hint(cfg.fragments)}")
    print(f"  2. nox -s release -- patch    (releases {plan.version} from this branch)")
    print(f"  3. merge {plan.branch} back into {cfg.release_branch}")
    return 0
