"""The changelog-fragment hook's settings record under .git is data read against a fixed shape, never objects.

Anyone who can write the git directory can write ``<git dir>/releasekit/check-fragments-settings.pass``.
It used to be ``marshal`` in hex: a record holding a code object, an integer where a path
belongs, or a deep nest made the hook build whatever it said, and crash later. Now a record
that does not have exactly the settings' shape is no record: the hook parses pyproject.toml
again, passes or fails on the repository's own settings, and records them afresh.
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from releasekit.changelog.fragments import FragmentsConfig, FragmentType
from releasekit.fastpath import fragment_settings
from releasekit.fastpath.fragment_settings import FragmentHookSettings
from tests.helpers.cli import releasekit
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import age_tree, git, write_files

FULL = FragmentHookSettings(
    root="/work/a repo/with\ttab\nand newline/\udcff",  # a path that is not UTF-8 comes back as its bytes
    fragments=FragmentsConfig(
        "changelog.d",
        "CHANGELOG.md",
        (FragmentType("feature", "Features"), FragmentType("misc", "Misc", False, False)),
        True,
        "~",
        ("README.md", "template.j2"),
        (("api", "breaking"),),
        False,
        ("core", "cli"),
        "template.j2",
        r"\d+",
    ),
    remote="upstream",
    release_branch="main",
    source_paths=("src/**", "pyproject.toml"),
    project_name=None,
)


def _plain(value: object) -> object:
    return tuple(map(_plain, value)) if isinstance(value, tuple) else value


@pytest.mark.parametrize(
    "record",
    [FULL, FULL._replace(source_paths=None, project_name="demo", fragments=FULL.fragments._replace(types=()))],
)
def test_every_field_comes_back_as_it_was(record: FragmentHookSettings) -> None:
    line = record.dump()
    assert "\n" not in line and "\t" not in line and line.startswith("fs1 ")
    assert FragmentHookSettings.load(line) == record


HOSTILE = {
    "marshal, as before": marshal.dumps(_plain(FULL)).hex(),
    "a code object": "fs1 " + marshal.dumps(compile("1", "x", "eval")).hex(),
    "bad hex": FULL.dump().replace("fs1 ", "fs1 zz", 1),
    "a boolean that is not one": FULL.dump().replace(" 1 ", " 2 ", 1),
    "a 5000-digit count": FULL.dump().replace(" 2 ", " " + "9" * 5000 + " ", 1),
    "a count past the cap": FULL.dump().replace(" 2 ", f" {fragment_settings.MAX_ITEMS + 1} ", 1),
    "a count of other digits": FULL.dump().replace(" 2 ", " \u0662 ", 1),
    "a short record": FULL.dump().rsplit(" ", 1)[0],
    "one token more": FULL.dump() + " 00",
    "None for a string": FULL.dump().replace("fs1 " + FULL.root.encode("utf-8", "surrogateescape").hex(), "fs1 -"),
    "too long": "fs1 " + "61" * fragment_settings.MAX_LINE,
    "empty": "",
}


@pytest.mark.parametrize("line", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_line_of_another_shape_is_no_record(line: str) -> None:
    assert FragmentHookSettings.load(line) is None


@settings(max_examples=2000, deadline=None)
@given(st.data())
def test_a_changed_record_is_the_settings_or_no_record(data: st.DataObject) -> None:
    tokens = FULL.dump().split(" ")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(tokens)))
        action = data.draw(st.sampled_from(["drop", "insert", "replace"]))
        token = data.draw(st.sampled_from(["", "0", "1", "-", "2", "4097", "61", "zz", "\udcff", "fs1"]))
        if action == "drop" and at < len(tokens):
            del tokens[at]
        elif action == "insert":
            tokens.insert(at, token)
        elif at < len(tokens):
            tokens[at] = token
    found = FragmentHookSettings.load(" ".join(tokens))
    if found is not None:  # what comes back has the settings' types all the way down
        assert isinstance(found.root, str) and isinstance(found.fragments.configured, bool)
        assert all(isinstance(t.name, str) and isinstance(t.check, bool) for t in found.fragments.types)
        assert found.source_paths is None or all(isinstance(p, str) for p in found.source_paths)


def _record(repo: Path) -> Path:
    return repo / ".git" / "releasekit" / "check-fragments-settings.pass"


@pytest.mark.parametrize(
    "forged",
    [
        "an integer for the root",
        "a code object for the remote",
        "a deep nest",
        "garbage",
    ],
)
def test_the_hook_ignores_a_forged_record_and_records_afresh(tmp_path: Path, forged: str) -> None:
    repo = demo_repo(tmp_path)
    write_files(repo, {"src/demo/core.py": "X = 2\n", "changelog.d/42.feature.md": "Two.\n"})
    git(repo, "add", "-A")
    age_tree(repo)
    first = releasekit("check", "fragments", cwd=repo)
    assert first.returncode == 0, first.output
    lines = _record(repo).read_text().split("\n")
    real = FragmentHookSettings.load(lines[2])
    assert real is not None
    plain = list(_plain(real))  # type: ignore[arg-type]
    if forged == "an integer for the root":
        plain[0] = 123
        lines[2] = marshal.dumps(tuple(plain)).hex()
    elif forged == "a code object for the remote":
        plain[2] = compile("__import__('os').system('echo owned')", "x", "exec")
        lines[2] = marshal.dumps(tuple(plain)).hex()
    elif forged == "a deep nest":
        nest: object = ()
        for _ in range(1500):
            nest = (nest,)
        plain[1] = nest
        lines[2] = marshal.dumps(tuple(plain)).hex()
    else:
        lines[2] = "fs1 " + "zz " * 1000
    _record(repo).write_text("\n".join(lines))
    again = releasekit("check", "fragments", cwd=repo)
    assert again.returncode == 0, again.output
    assert "adds changelog.d/42.feature.md" in again.stderr and "Traceback" not in again.output
    assert "owned" not in again.output
    assert FragmentHookSettings.load(_record(repo).read_text().split("\n")[2]) == real  # recorded afresh
