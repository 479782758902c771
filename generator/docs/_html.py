"""Turn a documentation page served as HTML into the text the page readers know.

The readers in :mod:`generator.docs._markdown` and :mod:`generator.docs._readme` read the text a
rendered page shows, not its markup.  :func:`html_to_text` makes that text with the standard
library's :class:`html.parser.HTMLParser`:

* ``<head>``, scripts, styles, ``<noscript>``, ``<template>``, SVG and buttons are dropped;
* headings, paragraphs, lists, tables, block quotes and ``<pre>`` blocks start on a line of their
  own (headings, paragraphs, tables and ``<pre>`` blocks are set apart by a blank line), other
  block elements and ``<br>`` start a new line;
* every table row is one line, its cells written next to each other with nothing between them
  (``idstringID of the Person``): the shape of the vendor's HTML-rendered text that the glued-table
  reader expects;
* outside ``<pre>`` whitespace runs become one space; inside ``<pre>`` the text is kept as written
  (embedded YAML needs its indentation, JSON examples their lines); entities are decoded.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text", "is_html"]

_DROPPED = frozenset({"head", "script", "style", "noscript", "template", "svg", "button", "iframe", "object"})
_SET_APART = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "table", "blockquote", "ul", "ol", "dl"})
_OWN_LINE = frozenset(
    {
        "address",
        "article",
        "aside",
        "caption",
        "dd",
        "details",
        "div",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "section",
        "summary",
        "tbody",
        "tfoot",
        "thead",
        "tr",
    }
)
_CELLS = frozenset({"td", "th"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SPACES = re.compile(r"\s+")


def is_html(content_type: str) -> bool:
    """Whether a ``Content-Type`` header value names an HTML page."""
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def html_to_text(html: str) -> str:
    """The text an HTML page shows, laid out as described in the module docstring."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._dropped = 0  # depth inside elements whose content is not shown
        self._pre = 0  # depth inside <pre>
        self._rows = 0  # depth inside <tr>
        self._cells = 0  # depth inside <td>/<th>
        self._owed = 0  # newlines owed before the next text (1: a new line, 2: a blank line)
        self._pre_start = False  # the next text opens a <pre> block (a newline there is not shown)
        self._cell_start = False  # the next text opens a table cell (leading spaces are not shown)

    # -- markup

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropped += 1
        if self._dropped:
            return
        if tag == "br":
            self._trim()
            self._parts.append("\n")
        self._owe(tag)
        if tag == "pre":
            self._pre += 1
            self._pre_start = True
        elif tag == "tr":
            self._rows += 1
        elif tag in _CELLS:
            self._cells += 1
            self._trim()
            self._cell_start = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            return  # a self-closed <svg/> has no content to drop
        self.handle_starttag(tag, attrs)
        if tag not in {"br", "hr"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)
            return
        if self._dropped:
            return
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "tr":
            self._rows = max(0, self._rows - 1)
        elif tag in _CELLS:
            self._cells = max(0, self._cells - 1)
            self._trim()
        self._owe(tag)

    # -- text

    def handle_data(self, data: str) -> None:
        if self._dropped:
            return
        if self._pre:
            if self._pre_start and data.startswith("\n"):
                data = data[1:]  # as browsers do: a newline right after <pre> is not shown
            self._pre_start = False
            self._write(data)
            return
        if self._rows and not self._cells:
            return  # the indentation between the cells of the markup, not text on the page
        data = _SPACES.sub(" ", data)
        if self._owed or self._cell_start or self._line_start() or "".join(self._parts[-1:]).endswith(" "):
            data = data.lstrip(" ")
        self._write(data)

    # -- output

    def text(self) -> str:
        text = "\n".join(line.rstrip(" ") for line in "".join(self._parts).split("\n"))
        return text.strip("\n") + "\n" if text.strip() else ""

    def _write(self, data: str) -> None:
        if not data:
            return
        if self._owed and self._parts:
            self._trim()
            self._parts.append("\n" * max(0, self._owed - self._newlines_at_end()))
        self._owed = 0
        self._cell_start = False
        self._parts.append(data)

    def _owe(self, tag: str) -> None:
        """A block element starts or ends here: its text goes on a line of its own."""
        owed = 2 if tag in _SET_APART else 1 if tag in _OWN_LINE else 0
        self._owed = max(self._owed, owed)

    def _trim(self) -> None:
        """Drop spaces at the end of the text written so far (a line or a cell ends there)."""
        if self._pre:
            return
        while self._parts and self._parts[-1].endswith(" "):
            self._parts[-1] = self._parts[-1].rstrip(" ")
            if not self._parts[-1]:
                self._parts.pop()

    def _newlines_at_end(self) -> int:
        count = 0
        for part in reversed(self._parts):
            stripped = part.rstrip("\n")
            count += len(part) - len(stripped)
            if stripped:
                break
        return count

    def _line_start(self) -> bool:
        return not self._parts or self._parts[-1].endswith("\n")
