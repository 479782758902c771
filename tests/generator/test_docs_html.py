"""A documentation URL answered with an HTML page is read as the text the page shows.

The vendor's rendered pages (``https://docs.amplemarket.com/guides/people-search``, Apollo's
readme.io reference) are served as ``text/html``; the page readers know their text, not their
markup (``../shared/seeds/001_b36bf10d9a022e7b.txt`` is such a text: one line per table row, the
cells glued together).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.docs import load_docs, parse_document
from generator.docs._html import html_to_text, is_html
from tests._loopback import serve

PAGE = """<!DOCTYPE html>
<html><head><title>People Search</title><style>td { color: red }</style>
<script>window.x = "<table><tr><td>idstringno</td></tr></table>";</script></head>
<body><nav><a href="/">Home</a> <button>Copy page</button></nav>
<main>
  <h1>People   Search</h1>
  <p>Matching against a Person in our database
     allows the <b>retrieval</b> of data.</p>
  <h2>Person Object</h2>
  <p>Here is a description of the Person object:</p>
  <table>
    <thead>
      <tr><th>Field</th> <th>Type</th> <th>Description</th></tr>
    </thead>
    <tbody>
      <tr>
        <td> <code>id</code> </td>
        <td>string</td>
        <td>ID of the&nbsp;Person</td>
      </tr>
      <tr><td><code>nickname</code></td><td>string</td><td>Nickname of the Person</td></tr>
    </tbody>
  </table>
  <h2>Finding a Person</h2>
  <pre><code>
GET /people/find?email=person@example.com HTTP/1.1
</code></pre>
  <pre><code>HTTP/1.1 200 OK
Content-Type: application/json

{
  "id": "84d31ab0",
  "name": "Jonh &amp; Doe"
}
</code></pre>
  <ul><li>one</li><li>two<br>lines</li></ul>
  <svg viewBox="0 0 1 1"><path d="M0"/><text>icon</text></svg>
</main></body></html>
"""

TEXT = """Home

People Search

Matching against a Person in our database allows the retrieval of data.

Person Object

Here is a description of the Person object:

FieldTypeDescription
idstringID of the Person
nicknamestringNickname of the Person

Finding a Person

GET /people/find?email=person@example.com HTTP/1.1

HTTP/1.1 200 OK
Content-Type: application/json

{
  "id": "84d31ab0",
  "name": "Jonh & Doe"
}

one
two
lines
"""


def test_the_text_keeps_blocks_and_table_rows_as_lines_and_drops_scripts_and_styles() -> None:
    assert html_to_text(PAGE) == TEXT


def test_pre_blocks_keep_their_indentation() -> None:
    fragment = "<pre>paths:\n  /people/find:\n    get: {}\n</pre><p>after</p>"
    assert html_to_text(fragment) == "paths:\n  /people/find:\n    get: {}\n\nafter\n"


def test_only_html_content_types_are_converted() -> None:
    assert is_html("text/html")
    assert is_html("text/html; charset=utf-8")
    assert is_html("application/xhtml+xml")
    assert not is_html("text/plain; charset=utf-8")
    assert not is_html("text/markdown")
    assert not is_html("")


def _rows(page: Any) -> list[tuple[str | None, list[tuple[str, str]]]]:
    return [(table.object_name, [(row.name, row.type) for row in table.rows]) for table in page.field_tables]


def test_the_text_of_a_rendered_page_is_read_like_the_vendors_rendered_text() -> None:
    (page,) = parse_document(html_to_text(PAGE), name="people-search", url="https://docs.example/people-search")
    assert _rows(page) == [("Person", [("id", "string"), ("nickname", "string")])]
    assert [(line.method, line.path) for line in page.request_lines] == [("get", "/people/find")]
    assert [(example.status, example.body) for example in page.examples] == [
        (200, {"id": "84d31ab0", "name": "Jonh & Doe"})
    ]
    # The markup itself holds no table the readers can see: this is why HTML is converted.
    (raw,) = parse_document(PAGE, name="people-search", url="https://docs.example/people-search")
    assert raw.field_tables == []


@pytest.fixture
def served() -> Iterator[str]:
    """``/page.html`` as ``text/html``, the same bytes as ``text/plain`` at ``/page.txt``."""

    content_types = {"/page.html": "text/html; charset=utf-8", "/page.txt": "text/plain; charset=utf-8"}

    def answer(path: str) -> tuple[int, str, bytes] | None:
        return (200, content_types[path], PAGE.encode("utf-8")) if path in content_types else None

    with serve(answer) as url:
        yield url


def test_a_url_answered_with_html_is_read_as_its_text(served: str) -> None:
    (page,) = load_docs(f"{served}/page.html").pages
    assert page.url == f"{served}/page.html"
    assert page.text == TEXT
    assert _rows(page) == [("Person", [("id", "string"), ("nickname", "string")])]


def test_a_url_answered_with_text_is_read_as_sent(served: str) -> None:
    (page,) = load_docs(f"{served}/page.txt").pages
    assert page.text == PAGE
    assert page.field_tables == []
