"""Reading documentation pages: Markdown, its HTML-rendered text, and the whitespace-collapsed dump.

The vendor's pages reach us in three textual shapes, and every reader here accepts all three:

* Markdown with newlines (per-page exports and ``llms-full.txt``): ``#`` headings, ``| a | b |``
  tables, fenced code blocks;
* the same Markdown with every run of whitespace collapsed to one space (a copy of
  ``llms-full.txt`` that went through a text extractor): headings run into the paragraph after
  them and a whole table sits on one line, so table cells are regrouped by the header's column
  count and headings are cut short by :func:`short_heading`;
* text rendered from the HTML page: no Markdown at all, table cells glued together
  (``idstringID of the Person``) and headings as short lines of their own.

Everything is found by pattern, so the readers return what they recognise and skip the rest.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, unquote

from .._yamlio import load_text
from ._schemas import repair_json
from .model import FieldRow, FieldTable, Fragment, IndexLine, Page, RequestLine, ResponseExample

__all__ = ["METHODS", "clean_cell", "object_name", "parse_page", "pipe_tables", "short_heading", "split_pages"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_METHOD_ALT = "|".join(METHODS)

# ``# Title`` followed by ``Source: <url>`` starts a page of llms-full.txt (newlines optional).
_PAGE_HEAD = re.compile(r"(?:^|(?<=\s))#[ \t]+(?P<title>[^#\n]+?)\s+Source:[ \t]*(?P<url>https?://\S+)", re.M)
_TITLE = re.compile(r"^#[ \t]+(?P<title>[^\n#][^\n]*?)[ \t]*#*[ \t]*$", re.M)
_SOURCE = re.compile(r"^Source:[ \t]*(?P<url>https?://\S+)", re.M)
_INDEX = re.compile(rf"\s*(?P<method>{_METHOD_ALT})[ \t]+(?P<path>/[^\s`]*)")

_FENCE_FRAGMENT = re.compile(
    rf"(?<!`)(?P<fence>`{{3,}}|~{{3,}})[ \t]*(?P<lang>yaml|yml|json)[ \t]+(?P<method>{_METHOD_ALT})[ \t]+"
    r"(?P<path>/[^\s`]*)(?P<body>.*?)(?P=fence)(?!`)",
    re.S | re.I,
)
_REQUEST = re.compile(
    r"(?<![\w/])(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[ \t]+(?P<target>/[^\s`]*)[ \t]+HTTP/\d(?:\.\d)?\b"
)
_STATUS = re.compile(r"(?<![\w/])HTTP/\d(?:\.\d)?[ \t]+(?P<status>[1-5]\d\d)\b")
_HEADER_FIELD = re.compile(r"(?<![\w-])(?P<name>[A-Z][A-Za-z0-9-]*):[ \t]+(?P<value>\S+)")
_FENCE = re.compile(r"```")

_LISTED_VALUE = re.compile(r"^\s*`([^`\s]+)`\s*:")
_SEPARATOR = re.compile(r"\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+")
_MD_HEADING = re.compile(r"(?:^|(?<=\s))(?P<marks>#{1,6})[ \t]+(?=\S)", re.M)
_BOLD_LINE = re.compile(r"^[ \t]*\*\*(?P<text>[^*\n]+?)\*\*[ \t]*:?[ \t]*$", re.M)
_BOLD = re.compile(r"\*\*(?P<text>[^*\n]+?)\*\*\s*$")

_TYPE_WORD = re.compile(
    r"^(?:array|list|string|str|integer|int|number|float|double|decimal|boolean|bool|object|enum|date|datetime|"
    r"date-time|timestamp|uuid|url|uri|email|hash|map|dict|null|[A-Z][\w ]*\bobject)\b",
    re.I,
)
_GLUED_HEADER = re.compile(
    r"^(?P<first>Field|Parameter|Property|Attribute|Name)Type(?P<required>Required)?Description$"
)
_GLUED_TYPE = (
    r"array of [a-z][a-z_]*|array|string|integer|number|boolean|object|enum|float|datetime|date|uuid|url|"
    r"(?:[A-Z][a-z]+ )+object"
)
_GLUED_ROW = re.compile(rf"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<type>{_GLUED_TYPE})(?P<req>Yes|No)?(?P<desc>.*)$")
_BULLET = re.compile(
    r"(?:^|(?<=\s))[*-][ \t]+`(?P<name>[^`\s]+)`[ \t]*\((?P<type>[^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)?"
    r"[ \t]*(?:[-–—:][ \t]*)?(?P<desc>[^\n]*?)(?=\s[*-][ \t]+`|\n|$)"
)
_OBJECT_HEADING = re.compile(
    r"^(?:the\s+|an?\s+)?(?P<name>.+?)\s+object(?:\s+(?:properties|fields|attributes|members))?$", re.I
)
_OBJECT_RUN = re.compile(r"^(?P<run>(?:[A-Z][\w-]*\s+){1,4}?Object(?:\s+(?:Properties|Fields|Attributes))?)\b")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)?")

_NAME_HEADERS = {"field", "fields", "property", "properties", "property name", "attribute", "key", "member", "name"}
_PARAMETER_HEADERS = {"parameter", "parameters", "param", "query", "query parameter", "query parameters", "name"}
_TYPE_HEADERS = {"type", "data type", "format", "value type"}
_DESCRIPTION_HEADERS = {"description", "explanation", "details", "notes", "meaning"}
_REQUIRED_HEADERS = {"required", "mandatory", "required?"}


# --------------------------------------------------------------------------- pages


def split_pages(text: str, *, default_title: str, default_url: str) -> list[tuple[str, str, str, bool]]:
    """Split a document into ``(title, url, body, from_index)`` pages.

    ``llms-full.txt`` holds many pages, each opened by ``# Title`` and ``Source: <url>``
    (``from_index`` is true for those: an operation line may follow the head).  Any other text is
    one page whose title is its first ``#`` heading and whose URL is its ``Source:`` line or
    ``default_url``.
    """
    heads = list(_PAGE_HEAD.finditer(text))
    if heads:
        pages = []
        for index, head in enumerate(heads):
            end = heads[index + 1].start() if index + 1 < len(heads) else len(text)
            pages.append((head["title"].strip(), head["url"], text[head.end() : end], True))
        return pages
    title_match = _TITLE.search(text)
    source_match = _SOURCE.search(text)
    title = title_match["title"].strip() if title_match else default_title
    if len(title.split()) > 12:  # whitespace-collapsed: the heading ran into the text below it
        title = short_heading(title)
    url = source_match["url"] if source_match else default_url
    return [(title, url, text, False)]


def parse_page(title: str, url: str, body: str, *, index_allowed: bool) -> Page:
    """Find every recognisable piece of API description on one page."""
    page = Page(title=title, url=url, text=body)
    body = _take_fragments(body, page)
    if index_allowed:
        _take_index_line(title, body, page)
    headings = _Headings(body)
    for table in _tables(body, headings):
        _file_table(page, table)
    for table in _glued_tables(body):
        _file_table(page, table)
    page.field_tables.extend(_bullet_tables(body, headings))
    page.request_lines.extend(_request_lines(body))
    page.examples.extend(_response_examples(body, page.request_lines))
    return page


def _file_table(page: Page, table: tuple[str, FieldTable]) -> None:
    kind, parsed = table
    (page.parameter_tables if kind == "parameters" else page.field_tables).append(parsed)


# --------------------------------------------------------------------------- OpenAPI fragments


def _take_fragments(body: str, page: Page) -> str:
    """Collect fenced OpenAPI fragments and blank them out so no other reader looks inside."""
    for match in _FENCE_FRAGMENT.finditer(body):
        text = match["body"]
        text = text.split("\n", 1)[1] if "\n" in text else text  # drop the rest of the info string
        method, path = match["method"].lower(), match["path"]
        try:
            document = load_text(text, name=f"{page.url} ({method} {path})")
        except ValueError:
            document = None
        if isinstance(document, dict) and isinstance(document.get("paths"), dict):
            page.fragments.append(Fragment(method=method, path=path, document=document))
        else:
            page.notes.append(f"the embedded OpenAPI for {method.upper()} {path} could not be parsed")
    return _FENCE_FRAGMENT.sub(lambda m: " " * len(m[0]), body)


# --------------------------------------------------------------------------- llms-full index lines


def _take_index_line(title: str, body: str, page: Page) -> None:
    match = _INDEX.match(body)
    if not match:
        return
    rest = body[match.end() :]
    if "\n" in body.strip():
        summary = next((line.strip() for line in rest.splitlines() if line.strip()), "")
        summary = "" if summary.startswith(("#", "`", "<", "|", ">")) else summary
    elif rest.strip().lower().startswith(title.lower()):
        summary = title
    else:
        summary = re.split(r"(?<=[.!?])\s", rest.strip(), maxsplit=1)[0][:120]
    page.index_lines.append(IndexLine(method=match["method"], path=match["path"], summary=summary or title))


# --------------------------------------------------------------------------- headings


def short_heading(text: str) -> str:
    """The heading at the start of ``text`` when the paragraph after it was run into the same line.

    ``Company Object Here is the description...`` -> ``Company Object``;
    ``Searcher pagination Certain special endpoints...`` -> ``Searcher pagination``.
    """
    text = re.split(r"[.:;!?(`\[|*>]", text.strip(), maxsplit=1)[0].strip()
    words = text.split()
    if len(words) <= 3:
        return text
    run = _OBJECT_RUN.match(text)
    if run:
        return run["run"].strip()
    kept = [words[0]]
    for previous, word in itertools.pairwise(words):
        if len(kept) >= 6 or (word[:1].isupper() and previous[:1].islower()):
            break
        kept.append(word)
    return " ".join(kept)


def object_name(heading: str) -> str | None:
    """``Person Object`` -> ``Person``; ``Lead Object Properties`` -> ``Lead``; other headings -> None."""
    match = _OBJECT_HEADING.match(heading.strip())
    return match["name"].strip() if match else None


class _Headings:
    """The headings of a page with their offsets, to name the table or list that follows each."""

    def __init__(self, body: str) -> None:
        self.body = body
        found: list[tuple[int, int]] = [(m.start(), m.end()) for m in _MD_HEADING.finditer(body)]
        found += [(m.start(), m.start("text")) for m in _BOLD_LINE.finditer(body)]
        found.sort()
        self.starts = [start for start, _ in found]
        self.text_starts = [text_start for _, text_start in found]

    def before(self, position: int) -> str:
        """The last heading before ``position``, cut short if the heading line runs into the table."""
        bold = _BOLD.search(self.body, max(0, position - 200), position)
        if bold:
            return bold["text"].strip()
        index = bisect.bisect_left(self.starts, position) - 1
        if index < 0:
            return ""
        start = self.text_starts[index]
        line_end = self.body.find("\n", start)
        if line_end == -1 or line_end > position:
            return short_heading(self.body[start:position])
        return self.body[start:line_end].strip().strip("*").strip()


# --------------------------------------------------------------------------- Markdown tables


def clean_cell(cell: str) -> str:
    """Table cell text without Markdown decoration: links, backticks, escapes, bold."""
    cell = _LINK.sub(r"\1", cell)
    return re.sub(r"\s+", " ", cell.replace("`", "").replace("\\", "").replace("**", "")).strip()


def pipe_tables(body: str) -> Iterator[tuple[int, list[str], list[list[str]]]]:
    """Pipe tables with newlines, or collapsed onto one line (cells regrouped by the column count).

    Yields each table's position, its header cells (clean, lower case) and its rows' cells as written.
    """
    for separator in _SEPARATOR.finditer(body):
        columns = separator[0].count("|") - 1
        start = separator.start()
        for _ in range(columns + 1):
            start = body.rfind("|", 0, start)
            if start < 0:
                break
        if start < 0:
            continue
        header_parts = body[start : separator.start()].split("|")[1:]
        if len(header_parts) != columns + 1 or header_parts[-1].strip():
            continue
        header = [clean_cell(part).lower() for part in header_parts[:-1]]
        yield start, header, list(_table_rows(body[separator.end() :], columns))


def _tables(body: str, headings: _Headings) -> Iterator[tuple[str, FieldTable]]:
    """The field and parameter tables among the page's pipe tables."""
    for start, header, rows in pipe_tables(body):
        classified = _classify(header, headings.before(start))
        if classified is None or not rows:
            continue
        kind, heading = classified
        yield kind, _table(heading, header, rows, start)


def _table_rows(rest: str, columns: int) -> Iterator[list[str]]:
    tokens = rest.split("|")
    index = 0
    while index + columns + 1 < len(tokens):
        gap = tokens[index]
        if gap.strip() or gap.count("\n") > 1:
            return
        cells = tokens[index + 1 : index + 1 + columns]
        if any("\n" in cell for cell in cells):
            return
        yield cells
        index += columns + 1


def _classify(header: list[str], heading: str) -> tuple[str, str] | None:
    """``("fields" | "parameters", heading)`` for an API table, None for any other table."""
    first = header[0] if header else ""
    says_parameters = any(word in heading.lower() for word in ("parameter", "query"))
    if first in _PARAMETER_HEADERS - {"name"} or (first == "name" and not object_name(heading)):
        return "parameters", heading
    if first in _NAME_HEADERS:
        return ("parameters" if says_parameters else "fields"), heading
    return None


def _column(header: list[str], names: set[str]) -> int | None:
    return next((index for index, cell in enumerate(header) if cell in names), None)


def _table(heading: str, header: list[str], rows: list[list[str]], position: int) -> FieldTable:
    type_at = _column(header, _TYPE_HEADERS)
    description_at = _column(header, _DESCRIPTION_HEADERS)
    required_at = _column(header, _REQUIRED_HEADERS)
    parsed: list[FieldRow] = []
    for raw in rows:
        cells = [clean_cell(cell) for cell in raw]
        name = cells[0]
        description = cells[description_at] if description_at is not None else ""
        if not name and parsed:  # a continuation row: more description for the row above, maybe a value
            last = parsed[-1]
            value = _LISTED_VALUE.match(raw[description_at]) if description_at is not None else None
            parsed[-1] = replace(
                last,
                description=f"{last.description} {description}".strip(),
                values=(*last.values, value[1]) if value else last.values,
            )
            continue
        if not re.fullmatch(r"[A-Za-z_$@][\w.\[\]$@-]*", name):
            continue
        required = None
        if required_at is not None:
            flag = cells[required_at].lower()
            required = True if flag in {"yes", "true", "required", "mandatory"} else False if flag else None
        parsed.append(FieldRow(name, cells[type_at] if type_at is not None else "", description, required))
    return FieldTable(heading=heading, rows=tuple(parsed), object_name=object_name(heading), position=position)


# --------------------------------------------------------------------------- tables rendered from HTML


def _glued_tables(body: str) -> Iterator[tuple[str, FieldTable]]:
    """``FieldTypeDescription`` followed by rows whose cells lost their separators (text from HTML)."""
    lines = body.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for number, line in enumerate(lines):
        header = _GLUED_HEADER.match(line.strip())
        if not header:
            continue
        rows: list[FieldRow] = []
        for row_line in lines[number + 1 :]:
            text = row_line.strip()
            if not text:
                break
            row = _GLUED_ROW.match(text)
            if row:
                required = None if row["req"] is None else row["req"] == "Yes"
                rows.append(FieldRow(row["name"], row["type"], row["desc"].strip(), required))
            elif rows and re.match(r"[\w-]+: ", text):  # an enum value explained under the row above
                last = rows[-1]
                rows[-1] = FieldRow(last.name, last.type, f"{last.description} {text}".strip(), last.required)
            else:
                break
        if not rows:
            continue
        heading = _plain_heading(lines[:number])
        kind = "parameters" if header["first"] in {"Parameter", "Name"} else "fields"
        yield kind, FieldTable(heading, tuple(rows), object_name(heading), offsets[number])


def _heading_like(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 6
        and line[:1].isupper()
        and not line.endswith((".", ":", ";", ",", "!", "?", ")"))
        and ": " not in line
        and "HTTP/" not in line
        and not _GLUED_HEADER.match(line)
    )


def _plain_heading(previous_lines: list[str]) -> str:
    """The heading of a glued table: the short line above it, or the heading its intro line starts with."""
    lines = [line.strip() for line in previous_lines if line.strip()]
    if not lines:
        return ""
    if _heading_like(lines[-1]):
        return lines[-1]
    run = _OBJECT_RUN.match(lines[-1])
    if run:
        return run["run"].strip()
    return next((line for line in reversed(lines[-6:]) if _heading_like(line)), "")


# --------------------------------------------------------------------------- typed bullet lists


def _bullet_tables(body: str, headings: _Headings) -> Iterator[FieldTable]:
    """``* `code` (string) - explanation`` lists, one table per heading."""
    groups: dict[tuple[int, str], list[FieldRow]] = {}
    for match in _BULLET.finditer(body):
        parts = [clean_cell(part) for part in match["type"].split(",")]
        if not parts or not _TYPE_WORD.match(parts[0]):
            continue
        flags = {part.lower() for part in parts[1:]}
        required = True if flags & {"mandatory", "required"} else False if "optional" in flags else None
        heading_index = bisect.bisect_left(headings.starts, match.start()) - 1
        key = (heading_index, headings.before(match.start()))
        groups.setdefault(key, []).append(FieldRow(match["name"], parts[0], clean_cell(match["desc"]), required))
    for (index, heading), rows in groups.items():
        position = headings.starts[index] if index >= 0 else 0
        yield FieldTable(heading, tuple(rows), object_name(heading), position)


# --------------------------------------------------------------------------- requests and responses


def _request_lines(body: str) -> Iterator[RequestLine]:
    for match in _REQUEST.finditer(body):
        path, _, query = match["target"].partition("?")
        pairs = tuple((unquote(name), value) for name, value in parse_qsl(query, keep_blank_values=True))
        yield RequestLine(method=match["method"].lower(), path=path, query=pairs, position=match.start())


def _response_examples(body: str, requests: list[RequestLine]) -> Iterator[ResponseExample]:
    statuses = list(_STATUS.finditer(body))
    request_starts = [request.position for request in requests]
    for index, match in enumerate(statuses):
        limit = statuses[index + 1].start() if index + 1 < len(statuses) else len(body)
        fence = _FENCE.search(body, match.end(), limit)
        limit = fence.start() if fence else limit
        following = bisect.bisect_right(request_starts, match.end())
        if following < len(request_starts):
            limit = min(limit, request_starts[following])
        preceding = bisect.bisect_left(request_starts, match.start()) - 1
        request = requests[preceding] if preceding >= 0 else None
        yield _example(body, match, limit, request)


def _example(body: str, match: re.Match[str], limit: int, request: RequestLine | None) -> ResponseExample:
    segment = body[match.end() : limit]
    brace = re.search(r"[{\[]", segment)
    head = segment[: brace.start()] if brace else segment
    headers = tuple((m["name"], m["value"]) for m in _HEADER_FIELD.finditer(head))
    first_header = _HEADER_FIELD.search(head)
    reason = (head[: first_header.start()] if first_header else head).strip().split("\n")[0].strip()
    example = ResponseExample(
        status=int(match["status"]), request=request, headers=headers, reason=reason[:60], position=match.start()
    )
    if brace is None or len(head) > 400 or (brace.start() > 0 and not _only_headers(head, first_header)):
        return replace(example, has_body=False)
    start = match.end() + brace.start()
    text = body[start : _balanced_end(body, start, limit)]
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return replace(
            example, error=f"the example body is not valid JSON ({exc.msg})", raw=text, body=repair_json(text)
        )
    return replace(example, body=value)


def _only_headers(head: str, first_header: re.Match[str] | None) -> bool:
    """Between the status line and the body there are only the reason phrase and ``Name: value`` headers."""
    reason = head[: first_header.start()] if first_header else head
    rest = _HEADER_FIELD.sub("", head[first_header.start() :]) if first_header else ""
    return len(reason.split()) <= 5 and not rest.strip()


def _balanced_end(text: str, start: int, limit: int) -> int:
    """The end of the JSON value that starts at ``start`` (brackets counted outside strings)."""
    depth = 0
    in_string = False
    escaped = False
    for index in range(start, limit):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return limit
