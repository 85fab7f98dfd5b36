"""### 5. PyPI Publication, handed to CI: with ``publish = "ci"`` the local release ends at the push.

The tag's release workflow builds, publishes and makes the GitHub release; this last
step says where to watch it and how to verify what it published (RELEASE.md's "Check
GitHub Actions workflow success").
"""

from __future__ import annotations

from releasekit import git
from releasekit.ci.workflow import workflow_path
from releasekit.github import repository_from_remote
from releasekit.release.context import Context, Step
from releasekit.release.steps.summary import summary_lines


def handoff_report(ctx: Context) -> list[str]:
    """What the person who pushed the tag needs: who publishes it, where to watch, how to verify."""
    import posixpath

    record, config = ctx.journal, ctx.config
    workflow_file = posixpath.basename(workflow_path(config.root))
    project = config.project_name or "the package"
    repository = config.github_repository or repository_from_remote(git.remote_url(record.remote, ctx.root))
    lines = [
        f"Pushed {record.tag} to {record.remote}/{record.branch}. The release workflow of that tag "
        f"(.github/workflows/{workflow_file}) builds {project} {record.version}, publishes it to "
        f"{config.test_index.name}, then to {config.index.name} (after the 'pypi' environment's approval), "
        "and makes the GitHub release.",
    ]
    if repository:
        base = f"https://github.com/{repository}"
        lines.append(f"Watch it: {base}/actions/workflows/{workflow_file}?query=branch%3A{record.tag}")
        lines.append(f"The GitHub release, once it is done: {base}/releases/tag/{record.tag}")
    else:
        lines.append(f"Watch it in the Actions tab of the repository behind {record.remote}.")
    lines += [
        "Verify it afterwards:",
        f"  python -m pip download --no-deps --dest check-{record.version} "
        f"--index-url {config.index.simple_url} {project}=={record.version}",
        "  and compare the files' sha256 with releasekit-manifest.json in the workflow run's 'dist' artifact;",
        f"  python -m pip install --index-url {config.index.simple_url} {project}=={record.version}",
    ]
    return lines


def run_handoff(ctx: Context) -> str:
    """Hand the release over to the tag's workflow (in a dry run: the summary of what it would publish)."""
    if ctx.dry_run:
        ctx.report = summary_lines(ctx)
        return f"{ctx.journal.tag}'s release workflow would build and publish it"
    ctx.report = handoff_report(ctx)
    return f"{ctx.journal.tag} pushed; its release workflow publishes it"


CI_HANDOFF = Step("ci-handoff", "Hand over to the release workflow", True, True, run_handoff)
