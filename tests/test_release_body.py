"""The GitHub release body: a reST section through docutils, Sphinx and MyST roles written out.

Each case is a changelog section as projects write them and the Markdown a GitHub release
should show, written out by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from releasekit import config
from releasekit.changelog.notes import version_notes
from releasekit.changelog.roles import issue_url, myst_roles, role_text
from releasekit.changelog.rst_markdown import rst_to_markdown
from tests.helpers.gitrepo import make_repo

RST_SECTION = """\
.. |project| replace:: Widgets

Features
--------

- |project| now spin, see the docs_ (:issue:`12`, :pr:`13`, :gh:`14`; thanks :user:`alice`).
- Use :class:`~widgets.Spinner`, :func:`spin` and :doc:`the guide <guide>`.

  Example::

      spin(3)

.. note::

   Spinning is **fast**, ``really``.

Fixes
-----

#. One *small* ``x``.
#. Two `link <https://example.org>`_.

.. _docs: https://example.org/docs
"""

RST_MARKDOWN = """\
### Features

- Widgets now spin, see the [docs](https://example.org/docs) (#12, #13, #14; thanks @alice).

- Use Spinner, spin and the guide.

  Example:

  ```
  spin(3)
  ```

> **Note**
>
> Spinning is **fast**, `really`.

### Fixes

1. One *small* `x`.
2. Two [link](https://example.org).
"""


def test_a_rest_section_through_docutils() -> None:
    assert rst_to_markdown(RST_SECTION) == RST_MARKDOWN


def test_issues_link_to_the_tracker_when_it_is_not_github() -> None:
    gitlab = "https://gitlab.com/o/r/-/issues/{issue}"
    assert (
        rst_to_markdown(":issue:`12` by :user:`bob`\n", gitlab) == "[#12](https://gitlab.com/o/r/-/issues/12) by @bob\n"
    )
    assert myst_roles("- {issue}`2672` {pr}`3637`\n", gitlab) == (
        "- [#2672](https://gitlab.com/o/r/-/issues/2672) [#3637](https://gitlab.com/o/r/-/issues/3637)\n"
    )


@pytest.mark.parametrize(
    ("urls", "repository", "expected"),
    [
        ({}, "https://github.com/o/r", None),
        ({"Issues": "https://github.com/o/r/issues"}, None, None),
        (
            {"Bug Tracker": "https://bugs.example.org/show/"},
            "https://git.example.org/o/r",
            "https://bugs.example.org/show/{issue}",
        ),
        ({}, "https://gitlab.com/o/r", "https://gitlab.com/o/r/-/issues/{issue}"),
        ({}, "https://codeberg.org/o/r", "https://codeberg.org/o/r/issues/{issue}"),
        ({}, None, None),
    ],
)
def test_the_issue_link_pattern(urls: dict[str, str], repository: str | None, expected: str | None) -> None:
    assert issue_url(urls, repository) == expected


@pytest.mark.parametrize(
    ("name", "text", "shown"),
    [
        ("issue", "12", "#12"),
        ("pr", "#13", "#13"),
        ("issue", "1, 2", "#1, #2"),
        ("issue", "other/repo#3", "other/repo#3"),
        ("user", "alice", "@alice"),
        ("user", "Alice Liddell <alice>", "@alice"),
        ("py:class", "~pkg.mod.Widget", "Widget"),
        ("doc", "the guide <guide>", "the guide"),
        ("kbd", "Ctrl+C", "Ctrl+C"),
    ],
)
def test_roles(name: str, text: str, shown: str) -> None:
    assert role_text(name, text) == shown


def test_myst_roles_outside_code() -> None:
    body = "- Fixed {issue}`2672`, {pr}`3637` by {user}`bob`, see {doc}`guide`.\n\n```\n{issue}`1`\n```\n"
    assert myst_roles(body) == "- Fixed #2672, #3637 by @bob, see guide.\n\n```\n{issue}`1`\n```\n"


@pytest.mark.parametrize("filename", ["CHANGES.rst", "CHANGELOG.md"])
def test_notes_for_the_release_body(tmp_path: Path, filename: str) -> None:
    if filename.endswith(".rst"):
        section = re.sub(r"^-+$", lambda m: "~" * len(m.group()), RST_SECTION, flags=re.MULTILINE)
        text = "Changes\n=======\n\nv1.3.0\n------\n\n" + section + "\nv1.2.0\n------\n\n- Old.\n"
        expected = RST_MARKDOWN
    else:
        text = "# Changes\n\n## v1.3.0\n\n- Fixed {issue}`7` for {user}`bob`.\n\n## v1.2.0\n\n- Old.\n"
        expected = "- Fixed [#7](https://gitlab.com/o/r/-/issues/7) for @bob.\n"
    pyproject = (
        '[project]\nname = "p"\nversion = "1.3.0"\n\n[project.urls]\nSource = "https://gitlab.com/o/r"\n\n'
        f'[tool.towncrier]\nfilename = "{filename}"\n'
    )
    root = make_repo(tmp_path / "p", {"pyproject.toml": pyproject, filename: text})
    body = version_notes(config.load(root), "1.3.0")
    if filename.endswith(".rst"):
        expected = expected.replace(
            "(#12, #13, #14;",
            "([#12](https://gitlab.com/o/r/-/issues/12), "
            "[#13](https://gitlab.com/o/r/-/issues/13), [#14](https://gitlab.com/o/r/-/issues/14);",
        )
    assert body == expected
