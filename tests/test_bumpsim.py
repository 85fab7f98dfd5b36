"""The simulated bump against real bump-my-version: the same bytes in every file, and no accepted
configuration that leaves a file unparsable.

Hypothesis generates bump-my-version configurations (pyproject.toml tables and legacy INI
files in both ``key = value`` and ``key: value`` syntax; file entries with and without
``replace``, searches with text around the version, regular expressions, globs, dead
entries, ``ignore_missing_version``) over files of several kinds (Python, TOML, JSON, YAML,
INI, plain text, CRLF endings). Each example runs real bump-my-version in-process (its
``get_configuration`` and ``do_bump``, as its CLI calls them) on one copy of the files and
releasekit's simulation on another. 80 examples keep the test at about 10 s on a loaded
2-core machine: each example costs bump-my-version's configuration model and its SCM probe.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import chdir
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from releasekit import bumpconfig, bumpsim
from releasekit.bumpconfig import VersionFile
from releasekit.checks.bump import bump_findings
from releasekit.checks.version_sync import check_file, expand
from releasekit.config import read_toml

# A file, its text with {V} for the version, the entries a maintainer writes for it:
# (search, replace) where None is "not written"; the first search is the line it lives on.
FILES: dict[str, tuple[str, list[tuple[str | None, str | None]]]] = {
    "src/pkg/__init__.py": (
        '"""The package."""\n\n__version__ = \'{V}\'\nDEPENDS = \'>=1.0.0\'\n',
        [
            ("__version__ = '{current_version}'", "__version__ = '{new_version}'"),
            ("__version__ = '{current_version}'", None),  # clobbers the line
            (None, None),
            ('__version__ = "{current_version}"', None),  # dead: the quotes differ
        ],
    ),
    "setup.py": (
        'from setuptools import setup\n\nsetup(name="pkg", version="{V}")\n',
        [('version="{current_version}"', 'version="{new_version}"'), ('version="{current_version}"', None)],
    ),
    "data/meta.json": ('{"name": "pkg", "version": "{V}"}\n', [('"version": "{current_version}"', None), (None, None)]),
    "conf/app.yaml": ("app:\n  version: {V}\n...\n", [("version: {current_version}", None), (None, None)]),
    "conf/app.cfg": ("[app]\nversion = {V}\n", [("version = {current_version}", None), (None, None)]),
    "conf/lock.toml": (
        '[[package]]\nname = "pkg"\nversion = "{V}"\n',
        [('version = "{current_version}"', None), ('version = "{current_version}"', 'version = "{new_version}"')],
    ),
    "README.txt": ("pkg {V}\r\nInstall pkg=={V} today.\r\n", [(None, None), ("pkg=={current_version}", None)]),
    "VERSION": ("{V}\n", [(None, None), ("v{current_version}", None)]),
}
# Regular expressions (regex = true) for the files they fit, and one that never matches.
REGEXES: dict[str, list[tuple[str, str | None]]] = {
    "src/pkg/__init__.py": [("__version__ = ['\"]{current_version}['\"]", "__version__ = '{new_version}'")],
    "setup.py": [('(?<=version="){current_version}(?=")', "{new_version}")],
    "conf/app.cfg": [("version\\s*=\\s*{current_version}\\b", None)],
}
DEAD_REGEX = ("nothing-here-{current_version}", None)


def glob_for(name: str) -> str:
    """A glob that matches ``name`` among FILES: ``src/*/__init__.py``, ``**/*.json``, ``conf/*.toml``."""
    path = Path(name)
    return f"**/*{path.suffix}" if path.suffix == ".json" else f"{path.parent.parent}/*/{path.name}".lstrip("./")


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    version = (draw(st.integers(0, 3)), draw(st.integers(0, 12)), draw(st.integers(0, 9)))
    names = draw(st.lists(st.sampled_from(sorted(FILES)), min_size=1, max_size=4, unique=True))
    entries: list[dict[str, Any]] = []
    for name in names:
        # Mostly one entry a file; sometimes a second, which finds the version already bumped.
        count = 2 if draw(st.integers(0, 3)) == 0 else 1
        choices = FILES[name][1] + [(search, replace, True) for search, replace in REGEXES.get(name, [])]
        for choice in draw(st.lists(st.sampled_from(choices), min_size=count, max_size=count)):
            search, replace = choice[:2]
            entry: dict[str, Any] = {"filename": name}
            if "/" in name and draw(st.integers(0, 3)) == 0:
                entry = {"glob": glob_for(name)}
            if search is not None:
                entry["search"] = search
            if replace is not None:
                entry["replace"] = replace
            if len(choice) == 3:
                entry["regex"] = True
            if draw(st.integers(0, 4)) == 0:
                entry["ignore_missing_version"] = True
            entries.append(entry)
    if draw(st.integers(0, 9)) == 0:  # a dead entry or a glob that matches nothing
        entries.append(
            draw(
                st.sampled_from(
                    [{"glob": "docs/*.rst"}, {"filename": names[0], "search": DEAD_REGEX[0], "regex": True}]
                )
            )
        )
    fmt = draw(st.sampled_from(["pyproject", "ini=", "ini:"]))
    return {"version": ".".join(map(str, version)), "files": names, "entries": entries, "format": fmt}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + value + "'" if "'" not in value else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_project(root: Path, example: dict[str, Any]) -> Path:
    """The example's files and configuration in ``root``; returns the configuration file."""
    version = example["version"]
    for name in example["files"]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(FILES[name][0].replace("{V}", version).encode())
    if example["format"] == "pyproject":
        lines = ["[tool.bumpversion]", f'current_version = "{version}"', ""]
        for entry in example["entries"]:
            lines += ["[[tool.bumpversion.files]]", *(f"{k} = {_toml_value(v)}" for k, v in entry.items()), ""]
        config = root / "pyproject.toml"
    else:
        sep = " = " if example["format"] == "ini=" else ": "
        lines = ["[bumpversion]", f"current_version{sep}{version}", ""]
        for n, entry in enumerate(example["entries"]):
            kind, name = ("glob", entry["glob"]) if "glob" in entry else ("file", entry["filename"])
            label = f" ({n})" if n else ""  # several sections for one file need labels
            lines.append(f"[bumpversion:{kind}{label}:{name}]")
            for key, value in entry.items():
                if key not in ("filename", "glob"):
                    lines.append(f"{key}{sep}{'True' if value is True else value}")
            lines.append("")
        config = root / ".bumpversion.cfg"
    config.write_text("\n".join(lines) + "\n")
    return config


def real_bump(root: Path, config_file: Path, new: str) -> str | None:
    """bump-my-version's bump to ``new`` in ``root``, in-process; its error's name when it refuses."""
    from bumpversion.bump import do_bump
    from bumpversion.config import get_configuration

    with chdir(root):
        try:
            config = get_configuration(config_file)
            do_bump(None, new, config, config_file, dry_run=False)
        except Exception as exc:  # any refusal: the simulation must have refused too
            return f"{type(exc).__name__}: {exc}"[:90]
    return None


def releasekit_view(root: Path, new: str) -> tuple[bumpconfig.VersionConfig, list[str]]:
    """The configuration as releasekit reads it, and every problem its checks find before the bump."""
    data = read_toml(root / "pyproject.toml") if (root / "pyproject.toml").exists() else {}
    version = bumpconfig.find(root, data)
    assert version is not None
    problems = []
    for entry in version.files:
        matched = expand(root, entry)
        if entry.is_glob and not matched and not entry.ignore_missing_file:
            problems.append(f"glob {entry.path} matches nothing")
        for rel in matched:
            problems += [f.text() for f in check_file(rel, (root / rel).read_text(), entry, version.current)]
    problems += [f.text() for f in bump_findings(root, version, new)]
    return version, problems


def _tree(root: Path, skip: str) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != skip and "__pycache__" not in p.parts
    }


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configurations())
def test_the_simulated_bump_writes_what_bump_my_version_writes(example: dict[str, Any]) -> None:
    major, minor, patch = example["version"].split(".")
    new = f"{major}.{minor}.{int(patch) + 1}"
    with tempfile.TemporaryDirectory() as tmp:
        real_root, sim_root = Path(tmp, "real"), Path(tmp, "sim")
        real_root.mkdir()
        config_file = write_project(real_root, example)
        shutil.copytree(real_root, sim_root)
        version, problems = releasekit_view(sim_root, new)
        simulation = bumpsim.simulate(sim_root, version, new)
        for file in simulation.files:
            (sim_root / file.path).write_bytes(file.after.encode())
        refused = real_bump(real_root, config_file, new)
        event(f"refused {refused}" if refused else "rejected" if problems else "accepted")
        if refused is not None:
            assert problems, f"bump-my-version refused ({refused}) what releasekit accepts"
            return
        assert not simulation.skipped
        assert _tree(sim_root, config_file.name) == _tree(real_root, config_file.name)
        if not problems:  # an accepted configuration never leaves a file that does not parse
            for file in simulation.files:
                assert bumpsim.parse_problem(file.path, file.after) is None, file


def test_a_search_with_text_around_the_version_and_no_replace_is_named(tmp_path: Path) -> None:
    example = {
        "version": "1.5.1",
        "files": ["src/pkg/__init__.py"],
        "entries": [{"filename": "src/pkg/__init__.py", "search": "__version__ = '{current_version}'"}],
        "format": "pyproject",
    }
    config_file = write_project(tmp_path, example)
    _, problems = releasekit_view(tmp_path, "1.5.2")
    assert problems == [
        "pyproject.toml:4:1: [[tool.bumpversion.files]] entry 1 (src/pkg/__init__.py): search "
        "\"__version__ = '{current_version}'\" holds text around the version and there is no replace, so "
        "bump-my-version would write the bare new version over all of it; add replace = "
        "\"__version__ = '{new_version}'\"",
        "src/pkg/__init__.py:1:1: the bump to 1.5.2 would leave it unparsable (line 3: invalid syntax)",
    ]
    assert real_bump(tmp_path, config_file, "1.5.2") is None
    assert "\n1.5.2\n" in (tmp_path / "src/pkg/__init__.py").read_text()  # what bump-my-version really does


def test_regex_true_searches_with_a_regular_expression(tmp_path: Path) -> None:
    entry = VersionFile("setup.py", search="version=['\"]{current_version}['\"]", regex=True)
    assert check_file("setup.py", "setup(version='2.0.0')\n", entry, "2.0.0") == []
    [finding] = check_file("setup.py", "setup(version='1.0.0')\n", entry, "2.0.0")
    assert "matches nothing" in finding.message


@pytest.mark.parametrize(
    ("name", "text", "broken"),
    [
        ("a.py", "x = 1\n", "1.2.3\nx = '\n"),
        ("a.toml", 'v = "1"\n', "v = 1.2.3.4\n"),
        ("a.json", '{"v": 1}\n', '{"v": 1.2.3}\n'),
        ("a.yaml", "v: 1\n", "v: [1.2.3\n"),
        ("a.cfg", "[s]\nv = 1\n", "v = 1\n"),
    ],
)
def test_each_kind_of_file_is_parsed(name: str, text: str, broken: str) -> None:
    assert bumpsim.parse_problem(name, text) is None
    assert bumpsim.parse_problem(name, broken)
