"""Files parsed under limits (``releasekit.bounded``): depth, integer digits, size; one line naming the file.

The unit half calls the parsers; the end-to-end half writes each hostile document into a real
project and runs every command that reads it (the three hooks, ``status``, ``notes``, ``init``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from releasekit.bounded import MAX_DEPTH, MAX_DIGITS, Unreadable, loads_json, loads_toml
from releasekit.fastpath import hookcache
from tests.helpers.cli import one_error, releasekit
from tests.helpers.fragments import demo_repo
from tests.helpers.gitrepo import age_tree
from tests.helpers.projects import seed_repo

DEEP_ARRAY = "[" * 3000 + "]" * 3000
DEEP_TABLE = "{a = " * 3000 + "1" + "}" * 3000
HUGE = "9" * 5000
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep; it is not read"
TOO_LONG = f"holds an integer of more than {MAX_DIGITS} digits; it is not read"


# --- the parsers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f"x = {DEEP_ARRAY}", TOO_DEEP),
        (f"x = {DEEP_TABLE}", TOO_DEEP),
        ("x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH, TOO_DEEP),  # with the document's own table: one over
        ("a.b.c = 1\n" + "x = " + "[" * 200 + "]" * 200, TOO_DEEP),
        (f"x = {HUGE}", TOO_LONG),
        (f"x = -{'1' * (MAX_DIGITS + 1)}", TOO_LONG),
        ("x = [1, 2", "invalid TOML: "),
    ],
)
def test_toml_over_the_limits(text: str, reason: str) -> None:
    with pytest.raises(Unreadable) as caught:
        loads_toml(text, source="pyproject.toml")
    assert str(caught.value).startswith(f"pyproject.toml: {reason}"), caught.value
    assert "\n" not in str(caught.value)


def test_toml_at_the_limits() -> None:
    depth = MAX_DEPTH - 1  # the document's own table is the first level
    text = f"x = {'[' * depth}{'9' * MAX_DIGITS}{']' * depth}\n"
    data = loads_toml(text, source="t.toml")
    node = data["x"]
    for _ in range(depth - 1):
        node = node[0]
    assert node == [int("9" * MAX_DIGITS)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, TOO_DEEP),
        ('{"a": ' * 101 + "1" + "}" * 101, TOO_DEEP),
        (HUGE, TOO_LONG),
        ('{"x": [-' + "1" * (MAX_DIGITS + 1) + "]}", TOO_LONG),
        ("not json", "not valid JSON: Expecting value (line 1, column 1)"),
        (b"\xff\xfe[]", "not valid UTF-8"),
    ],
)
def test_json_over_the_limits(text: str | bytes, reason: str) -> None:
    with pytest.raises(Unreadable) as caught:
        loads_json(text, source="m.json")
    assert str(caught.value) == f"m.json: {reason}"


def test_json_at_the_limits() -> None:
    text = "[" * MAX_DEPTH + "-" + "9" * MAX_DIGITS + "]" * MAX_DEPTH
    node = loads_json(text, source="m.json")
    for _ in range(MAX_DEPTH - 1):
        node = node[0]
    assert node == [-int("9" * MAX_DIGITS)]
    assert loads_json(b'{"a": 1.5e999, "b": true}', source="m.json") == {"a": float("inf"), "b": True}


# --- every command, on a real project ------------------------------------------------------------

PAYLOADS = {"deep": (f"x = {DEEP_ARRAY}\n", TOO_DEEP), "huge": (f"x = {HUGE}\n", TOO_LONG)}
# Where each payload goes: the file, and the text it is appended to.
FILES = {
    "pyproject.toml": None,  # appended to the project's own
    ".bumpversion.toml": '[tool.bumpversion]\ncurrent_version = "1.0.0"\n',
    "towncrier.toml": '[tool.towncrier]\ndirectory = "changelog.d"\n',
}
COMMANDS = [
    ("check", "versions"),
    ("check", "fragments"),
    ("check", "links"),
    ("status",),
    ("notes",),
    ("init", "--dry-run"),
]


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_command_refuses_a_hostile_toml_file(tmp_path: Path, name: str, payload: str) -> None:
    repo = demo_repo(tmp_path)
    path = repo / name
    text, reason = PAYLOADS[payload]
    head = FILES[name]
    path.write_text((path.read_text() if head is None else head) + text)
    env = {"RELEASEKIT_NO_CACHE": "1", "GITHUB_TOKEN": ""}
    for argv in COMMANDS:
        result = releasekit(*argv, cwd=repo, env=env, timeout=120)
        assert "Traceback" not in result.output
        if argv[0] == "init" and name == "towncrier.toml":
            # pyproject.toml has towncrier's section: init keeps it and never reads towncrier.toml
            assert result.returncode == 0, result.output
            continue
        assert result.returncode == 2, (argv, result.output)
        line = one_error(result)
        assert line == f"{path}: {reason}", (argv, line)


# --- the hook's record --------------------------------------------------------------------------


def _record(repo: Path) -> Path:
    return repo / ".git" / "releasekit" / "check-versions.pass"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "too-large", "directory"])
def test_a_hook_record_that_is_no_file_is_no_record(tmp_path: Path, kind: str) -> None:
    repo = seed_repo(tmp_path / "seed")
    age_tree(repo)
    record = _record(repo)
    record.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(record)
    elif kind == "dev-zero":
        record.symlink_to("/dev/zero")
    elif kind == "directory":
        record.mkdir()
    else:
        with record.open("wb") as fh:
            fh.truncate(hookcache._MAX_RECORD + 1)
    assert hookcache.lookup("check-versions", str(repo), "0") is None
    result = releasekit("check", "versions", cwd=repo, timeout=60)
    assert result.returncode == 0, result.output
    assert "versions: 3 files hold 1.2.3" in result.stderr


LAUGHS = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f"repos: {HUGE}\n", TOO_LONG),
        (f"repos: [{'1' * (MAX_DIGITS + 1)}]\n", TOO_LONG),
        (LAUGHS, None),  # 9**9 references to one list: walked once, init goes on
    ],
)
def test_init_reads_pre_commit_config_within_the_limits(tmp_path: Path, text: str, reason: str | None) -> None:
    repo = demo_repo(tmp_path)
    (repo / ".pre-commit-config.yaml").write_text(text)
    result = releasekit("init", "--dry-run", cwd=repo, timeout=120)
    assert "Traceback" not in result.output
    if reason is None:
        assert result.returncode == 0, result.output
    else:
        assert one_error(result) == f".pre-commit-config.yaml: {reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"schema": 1, "files": ' + "[" * 5000 + "]" * 5000 + "}", TOO_DEEP),
        ('{"schema": 1, "project": "demo", "version": "1.0.0", "size": ' + HUGE + "}", TOO_LONG),
    ],
)
def test_publish_refuses_a_hostile_manifest(tmp_path: Path, text: str, reason: str) -> None:
    repo = demo_repo(tmp_path)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "releasekit-manifest.json").write_text(text)
    result = releasekit("publish", str(dist), "--index", "test", cwd=repo, timeout=120)
    assert "Traceback" not in result.output
    assert one_error(result) == f"{dist / 'releasekit-manifest.json'}: {reason}"


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"https://x/": {"status": ' + HUGE + "}}"])
def test_an_external_links_cache_over_the_limits_is_started_afresh(tmp_path: Path, text: str) -> None:
    from releasekit.checks.links.external import Cache

    path = tmp_path / "links.json"
    path.write_text(text)
    assert Cache(str(path), 3600).entries == {}
    path.write_text('{"https://x/": {"status": 200, "time": 1}}')
    assert Cache(str(path), 3600).entries == {"https://x/": {"status": 200, "time": 1}}
