"""Package indexes: what they serve (PEP 503/691 simple API) and verified uploads.

An upload never relies on ``twine --skip-existing``: releasekit asks the index which
files it already serves, skips a file served with the same sha256, stops when the
index holds the filename with other bytes (a filename can never be reused on PyPI),
and uploads the rest one file at a time, so a failure leaves a state the next run
can read and finish.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from releasekit import environment
from releasekit.config import Index
from releasekit.errors import StepFailed, redact
from releasekit.httpclient import (
    BadJson,
    basic_credentials,
    deadline_from_env,
    is_private_url,
    origin,
    parse_json,
    request,
)
from releasekit.process import failing_as, python_module, run

ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"
TIMEOUT = 30.0  # seconds for one page, redirects included (RELEASEKIT_HTTP_DEADLINE overrides)
PAGE_LIMIT = 64 * 2**20  # bytes of a project page; a page beyond it is refused before it is read
DOWNLOAD_TIMEOUT = 600.0  # seconds for one file to verify
DOWNLOAD_LIMIT = 2 * 2**30  # bytes of one file to verify


class ServedFile(NamedTuple):
    """One file an index serves for a project."""

    filename: str
    url: str
    sha256: str | None  # from the link's hash, when the index gives one


class UploadResult(NamedTuple):
    """What an upload did: the files sent and the files the index already had."""

    uploaded: tuple[str, ...]
    already_there: tuple[str, ...]


def normalize(name: str) -> str:
    """The PEP 503 normalized form of a project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_file(path: Path) -> str:
    """The sha256 of a file, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def display_url(url: str) -> str:
    """A URL fit to print: any credential in it masked."""
    return redact(url)


def _deadline(timeout: float) -> float:
    return deadline_from_env(timeout)


def _private(index: Index) -> bool:
    """Private addresses are asked only for an index that is on one itself (a local or company index)."""
    return is_private_url(index.simple_url)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def _from_link(href: str, text: str, base_url: str) -> ServedFile | None:
    try:
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(base_url, href))
    except ValueError:  # a malformed href (an unclosed IPv6 bracket): no file of ours
        return None
    filename = text or urllib.parse.unquote(parts.path.rsplit("/", 1)[-1])
    sha256 = None
    if parts.fragment.startswith("sha256="):
        sha256 = parts.fragment.split("=", 1)[1].lower() or None
    return ServedFile(filename, urllib.parse.urlunsplit(parts._replace(fragment="")), sha256)


def parse_simple_html(text: str, base_url: str) -> list[ServedFile]:
    """The files of a PEP 503 project page."""
    parser = _Links()
    parser.feed(text)
    parser.close()
    found = (_from_link(href, label, base_url) for href, label in parser.links if href)
    return [f for f in found if f is not None]


def parse_simple_json(text: str, base_url: str) -> list[ServedFile]:
    """The files of a PEP 691 JSON project page; BadJson (a ValueError, one line naming the page) when malformed."""
    where = display_url(base_url)
    data = parse_json(text.encode("utf-8", "surrogatepass"), where)
    entries = data.get("files") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BadJson(where, 'a JSON simple page without a "files" array')
    files = []
    for n, entry in enumerate(entries, 1):
        filename, url = (entry.get("filename"), entry.get("url")) if isinstance(entry, dict) else (None, None)
        if not isinstance(filename, str) or not isinstance(url, str):
            raise BadJson(where, f'file {n} of the JSON simple page has no string "filename" and "url"')
        try:
            parts = urllib.parse.urlsplit(urllib.parse.urljoin(base_url, url))
        except ValueError:
            raise BadJson(where, f"file {n} of the JSON simple page has a malformed url") from None
        hashes = entry.get("hashes")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        sha256 = sha256.lower() if isinstance(sha256, str) and sha256 else None
        files.append(ServedFile(filename, urllib.parse.urlunsplit(parts._replace(fragment="")), sha256))
    return files


def project_url(index: Index, project: str) -> str:
    """The simple API page of ``project`` on ``index``."""
    return index.simple_url.rstrip("/") + "/" + normalize(project) + "/"


def served_files(index: Index, project: str, *, timeout: float = TIMEOUT) -> dict[str, ServedFile]:
    """The files ``index`` serves for ``project``, by filename (empty when it has none)."""
    url = project_url(index, project)
    what = f"{index.name}: cannot read {display_url(url)}"
    answer = request(
        "GET",
        url,
        what=what,
        headers={"User-Agent": "releasekit", "Accept": ACCEPT},
        deadline=_deadline(timeout),
        max_bytes=PAGE_LIMIT,
        private=_private(index),
    )
    if answer.status == 404:
        return {}
    if answer.status >= 300:
        raise StepFailed(f"{index.name}: {display_url(url)} answered HTTP {answer.status}")
    text = answer.body.decode("utf-8", "replace")
    parse = parse_simple_json if answer.content_type == JSON_TYPE else parse_simple_html
    try:
        files = parse(text, answer.url)
    except BadJson as exc:
        raise StepFailed(f"{index.name}: {exc}") from None
    return {f.filename: f for f in files}


def download_sha256(
    url: str, *, timeout: float = DOWNLOAD_TIMEOUT, index: Index | None = None, max_bytes: int = DOWNLOAD_LIMIT
) -> str:
    """The sha256 of the bytes at ``url`` (http or https only, within the deadline and ``max_bytes``).

    With ``index``, the index's credentials go along when ``url`` is on its scheme, host and
    port, and private addresses are refused unless the index is on one itself.
    """
    digest = hashlib.sha256()
    credentials = {}
    if index is not None and origin(url) == origin(index.simple_url):
        basic = basic_credentials(index.simple_url)[1]
        credentials = {"Authorization": basic} if basic else {}
    answer = request(
        "GET",
        url,
        what=f"cannot download {display_url(url)}",
        headers={"User-Agent": "releasekit"},
        credentials=credentials,
        deadline=_deadline(timeout),
        max_bytes=max_bytes,
        private=_private(index) if index is not None else None,
        sink=digest.update,
    )
    if answer.status >= 300:
        raise StepFailed(f"cannot download {display_url(url)}: HTTP {answer.status}")
    return digest.hexdigest()


def reachable(index: Index, project: str | None, *, timeout: float = 10.0) -> str | None:
    """None when ``index`` answers; otherwise one line saying what is wrong."""
    # A project page (404 is a fine answer) is small; the root of PyPI's simple API is not.
    url = project_url(index, project) if project else index.simple_url
    try:
        answer = request(
            "GET" if project else "HEAD",
            url,
            what=f"{index.name} ({display_url(index.simple_url)}) is not reachable",
            headers={"User-Agent": "releasekit", "Accept": ACCEPT},
            deadline=_deadline(timeout),
            max_bytes=PAGE_LIMIT,
            private=_private(index),
        )
    except StepFailed as exc:
        return str(exc)
    if answer.status < 500:
        return None
    return f"{index.name} ({display_url(index.simple_url)}) answered HTTP {answer.status}"


def plan_upload(
    artifacts: Mapping[str, str],
    served: Mapping[str, ServedFile],
    download: Callable[[ServedFile], str] | None = None,
) -> tuple[list[str], list[str]]:
    """Split ``artifacts`` (filename -> sha256) into files to upload and files already served.

    A file the index lists without a sha256 is downloaded (``download`` gives the sha256 of
    its bytes) and compared; without ``download`` such a file stops the plan. Raises
    StepFailed when the index serves one of the filenames with other bytes.
    """
    to_upload, already = [], []
    for filename, sha256 in sorted(artifacts.items()):
        found = served.get(filename)
        if found is None:
            to_upload.append(filename)
            continue
        theirs = found.sha256
        if theirs is None:
            if download is None:
                raise StepFailed(f"the index lists {filename} without a sha256; its bytes cannot be compared")
            theirs = download(found)
        if theirs != sha256:
            raise StepFailed(
                f"the index already holds {filename} with other bytes (sha256 {theirs[:12]}..., "
                f"ours {sha256[:12]}...); a filename can never be reused: release a new version instead"
            )
        already.append(filename)
    return to_upload, already


TWINE_DEFAULTS = {"pypi": "https://upload.pypi.org/legacy/", "testpypi": "https://test.pypi.org/legacy/"}


def pypirc_repository(upload_url: str, pypirc: Path | None = None) -> tuple[str, str] | None:
    """The ~/.pypirc section whose repository is ``upload_url`` (twine takes its credentials), and its password."""
    import configparser

    file = pypirc or Path("~/.pypirc").expanduser()
    parser = configparser.RawConfigParser()
    try:
        parser.read(file, encoding="utf-8")
    except (configparser.Error, OSError):
        return None
    servers = parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
    wanted = upload_url.rstrip("/")
    for name in servers:
        if not parser.has_section(name):
            continue
        url = parser.get(name, "repository", fallback=TWINE_DEFAULTS.get(name, ""))
        if url.rstrip("/") == wanted:
            return name, parser.get(name, "password", fallback="")
    return None


def attestations_of(file: Path) -> list[Path]:
    """The PEP 740 attestations lying next to ``file`` (``FILE.<kind>.attestation``), regular files only."""
    prefix, found = f"{file.name}.", []
    for entry in sorted(file.parent.iterdir()):
        name = entry.name
        if name.startswith(prefix) and name.endswith(".attestation") and entry.is_file() and not entry.is_symlink():
            found.append(entry)
    return found


def upload_files(
    index: Index,
    files: Sequence[Path],
    *,
    secrets: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    attestations: bool = False,
    oidc: bool = False,
) -> None:
    """Upload ``files`` with one ``twine upload``; credentials come from twine's own sources.

    Those are TWINE_USERNAME/TWINE_PASSWORD, keyring, credentials in the URL, and the
    ``~/.pypirc`` section whose repository is this index's upload URL. ``env`` adds to
    the environment (a Trusted Publishing token, for one); ``attestations`` sends the
    PEP 740 attestations lying next to each file. twine sends the files one after another.
    """
    found = pypirc_repository(index.upload_url)
    where = ["--repository", found[0]] if found else ["--repository-url", index.upload_url]
    secrets = [*secrets, found[1]] if found else secrets
    # twine attaches an attestation only when it is among its own inputs, beside its file.
    flag = ["--attestations"] if attestations else []
    inputs = [path for file in files for path in (file, *(attestations_of(file) if attestations else []))]
    cmd = python_module(
        "twine", "--no-color", "upload", "--non-interactive", "--disable-progress-bar", *flag, *where, *inputs
    )
    names = ", ".join(file.name for file in files)
    with failing_as(f"{index.name}: upload of {names} to {display_url(index.upload_url)}"):
        run(cmd, secrets=secrets, env=env, oidc=oidc)  # oidc: twine's own Trusted Publishing


def upload(
    index: Index,
    project: str,
    folder: Path,
    artifacts: Mapping[str, str],
    *,
    secrets: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    attestations: bool = False,
    after_each: Callable[[int], None] = lambda count: None,
    oidc: bool = False,
) -> UploadResult:
    """Upload the files of ``artifacts`` the index does not serve yet, all in one twine upload.

    ``after_each`` is called with the number of files uploaded, once they all are. A run
    stopped in the middle (twine sends one file after another) leaves some of them on the
    index: the next run asks it which, and uploads the others.
    """
    for filename, sha256 in artifacts.items():
        if not (folder / filename).is_file():
            raise StepFailed(f"{folder / filename}: a journaled file is missing; restore it or abort the release")
        if sha256_file(folder / filename) != sha256:
            raise StepFailed(f"{folder / filename}: changed since it was built and journaled; not uploading it")
    to_upload, already = plan_upload(
        artifacts, served_files(index, project), lambda found: download_sha256(found.url, index=index)
    )
    if to_upload:
        files = [folder / filename for filename in to_upload]
        try:
            upload_files(index, files, secrets=secrets, env=env, attestations=attestations, oidc=oidc)
        except StepFailed as exc:
            before = f"served {', '.join(already)}" if already else "had none of the files"
            raise StepFailed(
                f"{exc}\n{index.name} {before} before this upload; the next run asks it again and uploads "
                "only what is missing"
            ) from None
        after_each(len(to_upload))
    return UploadResult(tuple(to_upload), tuple(already))


def verify(index: Index, project: str, artifacts: Mapping[str, str], *, wait: float | None = None) -> None:
    """Every artifact is served, and the bytes served hash to the journaled sha256.

    A real index may take a little while to list a new upload (its pages are cached),
    so missing files are asked for again for up to ``wait`` seconds
    (``RELEASEKIT_VERIFY_WAIT``, default 60).
    """
    import time

    if wait is None:
        wait = environment.seconds("RELEASEKIT_VERIFY_WAIT", 60.0)
    deadline = time.monotonic() + wait
    while True:
        served = served_files(index, project)
        missing = sorted(set(artifacts) - set(served))
        if not missing or time.monotonic() >= deadline:
            break
        time.sleep(2)
    if missing:
        raise StepFailed(f"{index.name}: does not serve {', '.join(missing)} after the upload")
    for filename, sha256 in sorted(artifacts.items()):
        actual = download_sha256(served[filename].url, index=index)
        if actual != sha256:
            raise StepFailed(
                f"{index.name}: serves {filename} with sha256 {actual[:12]}..., but the journal holds {sha256[:12]}..."
            )
