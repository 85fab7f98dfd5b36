"""Findings, error redaction, process errors and configuration details."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from releasekit import config, git
from releasekit.errors import CommandError, ReleasekitError, redact, secrets_from_env
from releasekit.findings import Finding, failed, render
from releasekit.process import python_module, run
from tests.helpers.gitrepo import make_repo
from tests.helpers.projects import seed_files


def test_render_text_json_github() -> None:
    findings = [Finding("a.md", 3, 7, "broken: x"), Finding("b,c.md", 1, 1, "50% off\nnext", "warning")]
    assert render(findings) == "a.md:3:7: broken: x\nb,c.md:1:1: warning: 50% off\nnext"
    document = json.loads(render(findings, "json"))
    assert document["schema"] == 1 and len(document["findings"]) == 2
    assert document["findings"][0] == {
        "path": "a.md",
        "line": 3,
        "col": 7,
        "message": "broken: x",
        "level": "error",
    }
    assert render(findings, "github").splitlines() == [
        "::error file=a.md,line=3,col=7::broken: x",
        "::warning file=b%2Cc.md,line=1,col=1::50%25 off%0Anext",
    ]
    with pytest.raises(ValueError, match="unknown format"):
        render(findings, "xml")


def test_finding_text_format() -> None:
    assert Finding("changelog.d/1.feture.md", 1, 1, "x").text() == "changelog.d/1.feture.md:1:1: x"


def test_failed_ignores_warnings() -> None:
    assert not failed([Finding("a", 1, 1, "m", "warning")])
    assert failed([Finding("a", 1, 1, "m")])


def test_redact_masks_url_credentials_and_known_secrets() -> None:
    text = "upload to https://alice:s3cr3t-canary@example.invalid/legacy/ failed: token pypi-AgEI123"
    masked = redact(text, ["pypi-AgEI123"])
    assert "s3cr3t-canary" not in masked
    assert "alice" not in masked
    assert "pypi-AgEI123" not in masked
    assert "https://***@example.invalid/legacy/" in masked


def test_secrets_from_env_picks_secret_names() -> None:
    env = {"TWINE_PASSWORD": "canary-pw", "GITHUB_TOKEN": "ghp_x1", "PATH": "/bin", "SHORT_TOKEN": "ab"}
    assert sorted(secrets_from_env(env)) == ["canary-pw", "ghp_x1"]


def test_command_error_carries_command_code_and_masked_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWINE_PASSWORD", "canary-password-42")
    script = "import sys; print('line'); print('secret canary-password-42'); sys.exit(3)"
    with pytest.raises(CommandError) as info:
        run([sys.executable, "-c", script])
    err = info.value
    assert err.returncode == 3
    assert err.exit_code == 1
    assert "canary-password-42" not in str(err)
    assert "secret ***" in err.output
    assert err.cmd[0] == sys.executable


def test_run_missing_command_is_a_user_error() -> None:
    with pytest.raises(ReleasekitError, match="command not found"):
        run(["definitely-not-a-command-here"])


def test_python_module() -> None:
    assert python_module("twine", "check", Path("dist/x.whl")) == [sys.executable, "-m", "twine", "check", "dist/x.whl"]


def test_config_reads_other_tools_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject = seed_files()["pyproject.toml"] + (
        '\n[project]\nname = "seed"\n'
        "\n[tool.coverage.report]\nfail_under = 95\n"
        '\n[tool.towncrier]\ndirectory = "news"\nfilename = "CHANGELOG.md"\n'
        '[[tool.towncrier.type]]\ndirectory = "feature"\nname = "What\'s New"\n'
        '[[tool.towncrier.type]]\ndirectory = "misc"\nname = "Internal"\nshowcontent = false\n'
        '\n[tool.releasekit]\nrelease_branch = "trunk"\nremote = "upstream"\nsource_paths = ["src/**"]\n'
        '[tool.releasekit.test_index]\nupload_url = "http://t/legacy/"\n'
    )
    (tmp_path / "pyproject.toml").write_text(pyproject)
    monkeypatch.setenv("RELEASEKIT_TEST_SIMPLE_URL", "http://env/simple/")
    monkeypatch.setenv("RELEASEKIT_UPLOAD_URL", "http://prod/upload/")
    cfg = config.load(tmp_path / "sub" if (tmp_path / "sub").mkdir() is None else tmp_path)
    assert cfg.root == tmp_path
    assert cfg.project_name == "seed"
    assert cfg.coverage_fail_under == 95
    assert cfg.fragments.directory == "news"
    assert [(t.directory, t.name, t.showcontent) for t in cfg.fragments.types] == [
        ("feature", "What's New", True),
        ("misc", "Internal", False),
    ]
    assert (cfg.release_branch, cfg.remote, cfg.source_paths) == ("trunk", "upstream", ("src/**",))
    assert cfg.test_index.upload_url == "http://t/legacy/"
    assert cfg.test_index.simple_url == "http://env/simple/"
    assert cfg.index.upload_url == "http://prod/upload/"
    assert cfg.index.simple_url == "https://pypi.org/simple/"
    version = cfg.require_version()
    assert version.current == "1.2.3"
    assert [f.path for f in version.files] == ["setup.py", "src/seed/__init__.py", "docs/conf.py", "docs/conf.py"]


def test_config_defaults_without_other_sections(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    cfg = config.load(tmp_path)
    assert cfg.coverage_fail_under is None  # nobody set one: the coverage gate reports, and does not fail
    assert cfg.fragments.configured is False
    assert cfg.version is None
    assert cfg.test_index.upload_url == "https://test.pypi.org/legacy/"
    with pytest.raises(ReleasekitError, match=r"no version found"):
        cfg.require_version()


def test_git_helpers_on_a_real_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.txt": "a"})
    assert git.toplevel(repo / ".") == repo.resolve()
    assert git.current_branch(repo) == "main"
    assert git.is_clean(repo)
    assert git.rev_parse("HEAD", repo) == git.head(repo)
    assert git.rev_parse("nope", repo) is None
    assert git.git_dir(repo) == (repo / ".git").resolve()
    assert git.commit_time("HEAD", repo) > 0
    assert not git.is_shallow(repo)
    assert git.remote_url("origin", repo) is None
    (repo / "b.txt").write_text("b")
    assert not git.is_clean(repo)
    git.git("tag", "-a", "v1.0.0", "-m", "Release v1.0.0", cwd=repo)
    assert git.tags(repo) == ["v1.0.0"] == git.tags_merged(repo)
    assert git.tag_exists("v1.0.0", repo) and not git.tag_exists("v2.0.0", repo)
    git.git("checkout", "-q", "--detach", cwd=repo)
    assert git.current_branch(repo) is None
    with pytest.raises(ReleasekitError, match="not inside a git repository"):
        git.toplevel(tmp_path)
