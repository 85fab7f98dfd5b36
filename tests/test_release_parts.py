"""The pure parts of the release: the journal, simple API parsing, upload plans, built files."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

import pytest

from releasekit import indexes, venvs
from releasekit.config import Index
from releasekit.errors import ReleasekitError, StepFailed
from releasekit.httpclient import basic_credentials
from releasekit.release import journal
from releasekit.release.journal import Journal
from releasekit.release.steps.build import check_files
from tests.helpers.pypi import free_port

# --- journal ---------------------------------------------------------------------------


def _journal(**changes: object) -> Journal:
    record = Journal(
        version="1.3.0", spec="minor", previous_version="1.2.9", branch="main", remote="origin", start_commit="a" * 40
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def test_journal_round_trip_is_atomic(tmp_path: Path) -> None:
    record = _journal(completed=["preflight", "tests"], artifacts={"x-1.3.0.tar.gz": "ab" * 32})
    journal.save(tmp_path, record)
    assert journal.load(tmp_path) == record
    assert sorted(p.name for p in (tmp_path / "releasekit").iterdir()) == ["release.json"]  # no temp file left
    record.completed.append("commit")
    journal.save(tmp_path, record)
    assert journal.load(tmp_path).completed == ["preflight", "tests", "commit"]  # type: ignore[union-attr]
    assert record.tag == "v1.3.0" and record.done("commit") and not record.done("push")


def test_journal_finish_and_discard(tmp_path: Path) -> None:
    assert journal.load(tmp_path) is None
    record = _journal()
    journal.save(tmp_path, record)
    final = journal.finish(tmp_path, record)
    assert final.name == "released-1.3.0.json" and json.loads(final.read_text())["version"] == "1.3.0"
    assert journal.load(tmp_path) is None
    journal.save(tmp_path, record)
    journal.discard(tmp_path)
    assert journal.load(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "damaged release journal"),
        ('{"schema": 99}', "not a release journal"),
        ('{"schema": 1}', "damaged"),
    ],
)
def test_damaged_journal_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "releasekit").mkdir()
    (tmp_path / "releasekit" / "release.json").write_text(text)
    with pytest.raises(ReleasekitError, match=message) as info:
        journal.load(tmp_path)
    assert "release.json" in str(info.value)


# --- the simple API ----------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><body><h1>Links for demo</h1>
<a href="../../packages/demo-1.0.tar.gz#sha256=AAAA">demo-1.0.tar.gz</a><br>
<a href="https://files.example/demo-1.0-py3-none-any.whl#md5=ff" data-requires-python="&gt;=3.10">
demo-1.0-py3-none-any.whl</a>
</body></html>"""


def test_parse_simple_html() -> None:
    files = indexes.parse_simple_html(HTML, "http://127.0.0.1:8080/simple/demo/")
    assert files == [
        indexes.ServedFile("demo-1.0.tar.gz", "http://127.0.0.1:8080/packages/demo-1.0.tar.gz", "aaaa"),
        indexes.ServedFile("demo-1.0-py3-none-any.whl", "https://files.example/demo-1.0-py3-none-any.whl", None),
    ]


def test_parse_simple_json() -> None:
    text = json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "name": "demo",
            "files": [
                {"filename": "demo-1.0.tar.gz", "url": "/files/demo-1.0.tar.gz", "hashes": {"sha256": "bb"}},
                {"filename": "demo-1.0-py3-none-any.whl", "url": "demo-1.0-py3-none-any.whl#x", "hashes": {}},
            ],
        }
    )
    files = indexes.parse_simple_json(text, "https://pypi.example/simple/demo/")
    assert files[0] == indexes.ServedFile("demo-1.0.tar.gz", "https://pypi.example/files/demo-1.0.tar.gz", "bb")
    assert files[1].url == "https://pypi.example/simple/demo/demo-1.0-py3-none-any.whl" and files[1].sha256 is None


def test_plan_upload_skips_same_bytes_and_stops_on_other_bytes() -> None:
    served = {
        "a.tar.gz": indexes.ServedFile("a.tar.gz", "u", "11"),
        "b.whl": indexes.ServedFile("b.whl", "u", "99"),
    }
    assert indexes.plan_upload({"a.tar.gz": "11", "c.whl": "33"}, served) == (["c.whl"], ["a.tar.gz"])
    with pytest.raises(StepFailed, match=r"already holds b\.whl with other bytes"):
        indexes.plan_upload({"a.tar.gz": "11", "b.whl": "22"}, served)


def test_names_and_urls() -> None:
    assert indexes.normalize("Foo_Bar.baz") == "foo-bar-baz"
    index = Index("PyPI", "https://upload.example/legacy/", "https://u:s3cr3t@pypi.example/simple")
    assert indexes.project_url(index, "Foo_Bar") == "https://u:s3cr3t@pypi.example/simple/foo-bar/"
    assert "s3cr3t" not in indexes.display_url(index.simple_url)
    bare, header = basic_credentials(index.simple_url)
    assert bare == "https://pypi.example/simple" and header == "Basic " + base64.b64encode(b"u:s3cr3t").decode()


def test_pypirc_sections(tmp_path: Path) -> None:
    pypirc = tmp_path / "pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers =\n  pypi\n  corp\n  ghost\n\n[pypi]\nusername = __token__\npassword = pypi-tok\n\n"
        "[corp]\nrepository = https://corp.example/upload/\npassword = corp-pw\n"
    )
    assert indexes.pypirc_repository("https://upload.pypi.org/legacy/", pypirc) == ("pypi", "pypi-tok")
    assert indexes.pypirc_repository("https://corp.example/upload", pypirc) == ("corp", "corp-pw")
    assert indexes.pypirc_repository("https://other.example/", pypirc) is None
    assert indexes.pypirc_repository("https://other.example/", tmp_path / "missing") is None


def test_unreachable_index_is_reported_not_raised() -> None:
    dead = f"http://127.0.0.1:{free_port()}/simple/"
    problem = indexes.reachable(Index("PyPI", dead, dead), "demo")
    assert problem is not None and "PyPI" in problem and "not reachable" in problem
    with pytest.raises(StepFailed, match="PyPI: cannot read"):
        indexes.served_files(Index("PyPI", dead, dead), "demo")


# --- built files, wheels -----------------------------------------------------------------


def _touch(folder: Path, *names: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")
    return folder


def test_check_files(tmp_path: Path) -> None:
    good = _touch(tmp_path / "good", "demo_pkg-1.3.0.tar.gz", "demo_pkg-1.3.0-py3-none-any.whl")
    assert check_files(good, "1.3.0") == "demo-pkg"
    with pytest.raises(StepFailed, match=r"carry version 1\.3\.0, not 1\.2\.9"):
        check_files(good, "1.2.9")
    two = _touch(tmp_path / "two", "demo-1.3.0.tar.gz", "demo-1.3.1.tar.gz", "demo-1.3.0-py3-none-any.whl")
    with pytest.raises(StepFailed, match="exactly one sdist"):
        check_files(two, "1.3.0")
    odd = _touch(tmp_path / "odd", "demo-1.3.0.tar.gz", "demo-1.3.0-py3-none-any.whl", "demo.zip")
    with pytest.raises(StepFailed, match="exactly one sdist"):
        check_files(odd, "1.3.0")
    mixed = _touch(tmp_path / "mixed", "demo-1.3.0.tar.gz", "other-1.3.0-py3-none-any.whl")
    with pytest.raises(StepFailed, match="several projects"):
        check_files(mixed, "1.3.0")


def test_import_names(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ("demo/__init__.py", "demo/sub/__init__.py", "helper.py", "demo-1.0.dist-info/RECORD", "x.pth"):
            archive.writestr(name, "")
    assert venvs.import_names(wheel) == ["demo", "helper"]
