"""Reading API-reference pages published with readme.io, as text copied from the rendered page.

Such a page opens with its title, the method and the full URL on lines of their own::

    People Enrichment
    post
    https://api.apollo.io/api/v1/people/match

then prose, one ``Query Params`` (``Path``, ``Header``, ``Body``, ``Cookie``) section per location
holding a block per parameter (name, type, an optional ``required``, an optional ``Defaults to X``,
description lines, an optional ``Example: X``), a ``Responses`` list of status codes, and code
samples with ``Response:`` panels, one of which holds the JSON example body.

readme.io renders these pages from the vendor's OpenAPI definition, so the page is read back into
one operation: a :class:`Fragment` whose path is the URL's path and whose server is the URL's
origin.  Only facts are kept (locations, types, required flags, defaults, examples, statuses, the
example body); the page's prose is not copied, so parameters and responses carry no description.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ._markdown import METHODS
from .model import Fragment, Page

__all__ = ["parse_readme_page"]

_HEAD_LINES = 4  # the method line is among the first lines: an optional title, then method and URL
_URL = re.compile(r"https?://[^\s/?#]+\S*")
_SECTION = re.compile(r"(?P<location>Path|Query|Header|Body|Cookie) Params")
_NAME = re.compile(r"[A-Za-z_$@][\w.\[\]$@-]*")
_TYPE = re.compile(
    r"(?P<array>array of )?(?P<base>string|boolean|integer|int32|int64|number|float|double|object|date-time|date)s?"
    r"|(?P<bare>array)"
)
_STATUS = re.compile(r"[1-5](?:\d\d|XX)|default")
# Where the reference part ends: "Updated 7 days ago", or a code panel's caption ("Fetch Request:", "Response:").
_END = re.compile(r"Updated (?:about |over |almost |less than )?(?:\d+|a|an) \w+ ago|(?:\w+ )?(?:Request|Response):")
_RESPONSE_PANEL = re.compile(r"^[ \t]*Response:[ \t]*$\s*", re.M)
_PRIMITIVES: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "number": {"type": "number"},
    "float": {"type": "number", "format": "float"},
    "double": {"type": "number", "format": "double"},
    "object": {"type": "object"},
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
}


@dataclass(frozen=True)
class _Parameter:
    """One parameter block: what the page states about the parameter, its prose left out."""

    name: str
    location: str
    schema: dict[str, Any]
    required: bool
    default: str | None = None
    example: str | None = None


def parse_readme_page(text: str, *, default_title: str, url: str) -> Page | None:
    """The page's operation as an OpenAPI fragment, or None when ``text`` is not a readme.io reference page."""
    lines = [line.strip() for line in text.split("\n")]  # a final newline leaves an empty last line
    head = _head(lines)
    if head is None:
        return None
    title_at, method, address = head
    title = lines[title_at] if title_at is not None else default_title
    parts = urlsplit(address)
    path = parts.path or "/"
    page = Page(title=title, url=url, text=text)
    operation: dict[str, Any] = {"summary": title} if title_at is not None else {}
    _add_parameters(operation, list(_parameters(lines)))
    operation["responses"] = _responses(_statuses(lines), _example_bodies(text, page.notes), page.notes)
    document = {
        "openapi": "3.0.3",
        "servers": [{"url": f"{parts.scheme}://{parts.netloc}"}],
        "paths": {path: {method: operation}},
    }
    page.fragments.append(Fragment(method=method, path=path, document=document))
    return page


# --------------------------------------------------------------------------- the operation line


def _head(lines: list[str]) -> tuple[int | None, str, str] | None:
    """``(title line index or None, method, URL)`` when a method line and a URL line open the page.

    The URL line must be a whole line: a copy that ends on it may have lost the rest of the path.
    """
    filled = [index for index, line in enumerate(lines) if line][:_HEAD_LINES]
    for position, index in enumerate(filled[:-1]):
        method, url_at = lines[index].lower(), filled[position + 1]
        if method in METHODS and _URL.fullmatch(lines[url_at]) and url_at + 1 < len(lines):
            return (filled[position - 1] if position else None), method, lines[url_at]
    return None


# --------------------------------------------------------------------------- parameters


def _sections(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """``(location, lines)`` for each ``<Location> Params`` section, up to the next heading or end marker."""
    starts = [
        (index, match["location"].lower()) for index, line in enumerate(lines) if (match := _SECTION.fullmatch(line))
    ]
    for number, (start, location) in enumerate(starts):
        stop = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        section = lines[start + 1 : stop]
        end = next((at for at, line in enumerate(section) if line == "Responses" or _END.fullmatch(line)), len(section))
        yield location, section[:end]


def _parameters(lines: list[str]) -> Iterator[_Parameter]:
    """Every parameter block: a name line directly followed by a type line starts one."""
    for location, section in _sections(lines):
        starts = [
            (index, type_match)
            for index in range(len(section) - 1)
            if _NAME.fullmatch(section[index]) and (type_match := _TYPE.fullmatch(section[index + 1]))
        ]
        for number, (start, type_match) in enumerate(starts):
            stop = starts[number + 1][0] if number + 1 < len(starts) else len(section)
            yield _parameter(location, section[start], type_match, section[start + 2 : stop])


def _parameter(location: str, name: str, type_match: re.Match[str], details: list[str]) -> _Parameter:
    """One block; of its detail lines only ``required``, ``Defaults to X`` and ``Example: X`` are facts."""
    default = next(
        (line.removeprefix("Defaults to ").strip() for line in details if line.startswith("Defaults to ")), None
    )
    example = next((line.removeprefix("Example:").strip() for line in details if line.startswith("Example:")), None)
    required = location == "path" or "required" in details
    return _Parameter(name, location, _schema(type_match), required, default, example)


def _schema(type_match: re.Match[str]) -> dict[str, Any]:
    """``string`` -> ``{"type": "string"}``; ``array of int32s`` -> an array of int32 integers."""
    if type_match["bare"]:
        return {"type": "array", "items": {}}
    base: dict[str, Any] = dict(_PRIMITIVES[type_match["base"]])
    return {"type": "array", "items": base} if type_match["array"] else base


def _typed(text: str, schema: dict[str, Any]) -> Any:
    """A default or example as the value it stands for (``false`` for a boolean is False); else the text."""
    kind = schema.get("type")
    if kind == "boolean" and text in {"true", "false"}:
        return text == "true"
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    return text


def _value_schema(parameter: _Parameter) -> dict[str, Any]:
    """The parameter's schema with its default, if the page gives one."""
    schema = dict(parameter.schema)
    if parameter.default is not None:
        schema["default"] = _typed(parameter.default, schema)
    return schema


def _add_parameters(operation: dict[str, Any], parameters: list[_Parameter]) -> None:
    body = [parameter for parameter in parameters if parameter.location == "body"]
    declared = [_declared(parameter) for parameter in parameters if parameter.location != "body"]
    if declared:
        operation["parameters"] = declared
    if body:
        operation["requestBody"] = {"content": {"application/json": {"schema": _body_schema(body)}}}


def _declared(parameter: _Parameter) -> dict[str, Any]:
    declared: dict[str, Any] = {"name": parameter.name, "in": parameter.location, "required": parameter.required}
    if parameter.example is not None:
        declared["example"] = _typed(parameter.example, parameter.schema)
    declared["schema"] = _value_schema(parameter)
    return declared


def _body_schema(body: list[_Parameter]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for parameter in body:
        properties[parameter.name] = _value_schema(parameter)
        if parameter.example is not None:
            properties[parameter.name]["example"] = _typed(parameter.example, parameter.schema)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [parameter.name for parameter in body if parameter.required]
    if required:
        schema["required"] = required
    return schema


# --------------------------------------------------------------------------- responses


def _statuses(lines: list[str]) -> list[str]:
    """The status codes of the ``Responses`` list, in page order (each code's label line is skipped)."""
    if "Responses" not in lines:
        return []
    found: list[str] = []
    for line in lines[lines.index("Responses") + 1 :]:
        if _END.fullmatch(line) or line.startswith(("{", "[")):
            break
        if _STATUS.fullmatch(line) and line not in found:
            found.append(line)
    return found


def _example_bodies(text: str, notes: list[str]) -> list[Any]:
    """The distinct JSON bodies of the ``Response:`` panels (a panel repeating the request's code is skipped)."""
    decoder = json.JSONDecoder()
    bodies: list[Any] = []
    for panel in _RESPONSE_PANEL.finditer(text):
        if not text.startswith(("{", "["), panel.end()):
            continue
        try:
            body = decoder.raw_decode(text, panel.end())[0]
        except json.JSONDecodeError as exc:
            notes.append(f"the example response body is not valid JSON ({exc.msg}, line {exc.lineno}); skipped")
            continue
        if body not in bodies:
            bodies.append(body)
    return bodies


def _responses(statuses: list[str], bodies: list[Any], notes: list[str]) -> dict[str, Any]:
    """One response per listed status; the example bodies belong to the first success status listed.

    readme.io's response panel shows the example of the selected response, which is the first one.
    """
    responses: dict[str, Any] = {status: {"description": ""} for status in statuses}
    if not bodies:
        return responses
    success = next((status for status in statuses if status.startswith("2")), statuses[0] if statuses else None)
    if success is None:
        notes.append("the example response body is under no listed status; skipped")
        return responses
    media: dict[str, Any] = {"example": bodies[0]} if len(bodies) == 1 else {"examples": _named(bodies)}
    responses[success]["content"] = {"application/json": media}
    return responses


def _named(bodies: list[Any]) -> dict[str, Any]:
    return {f"example_{number}": {"value": body} for number, body in enumerate(bodies, start=1)}
