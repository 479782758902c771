"""The documentation as flat facts: which page says what about which operation, parameter and object.

Harvest merges these facts into one OpenAPI document (first by precedence wins, the rest are
recorded as conflicts); drift compares them, all of them, with a spec.  Both need the same
answer to "which operation does this guide request line or example belong to", so that is
decided here once.

Precedence, best first (``RANK``): a whole OpenAPI document, an embedded fragment, a guide's
table or request line, a response example, an index line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ._markdown import METHODS
from ._schemas import (
    as_dict,
    as_list,
    guess_template,
    match_template,
    path_key,
    resolve,
    schema_name,
    snake,
    table_type_schema,
)
from .model import DocSet, FieldRow, FieldTable, Page, RequestLine

__all__ = [
    "KIND_LABELS",
    "LENIENT_RESPONSE",
    "RANK",
    "DocExample",
    "DocField",
    "DocObject",
    "DocOperation",
    "DocParameter",
    "Facts",
    "OperationKey",
    "collect",
    "json_media",
    "operation_id",
    "operations_of",
]

OperationKey = tuple[str, str]  # (method, path_key(path))

RANK = {"spec": 0, "fragment": 1, "table": 2, "guide": 2, "example": 3, "index": 4}
KIND_LABELS = {
    "spec": "OpenAPI document",
    "fragment": "embedded OpenAPI",
    "table": "table",
    "guide": "guide request",
    "example": "response example",
    "index": "operation index",
}
_QUERY_METHODS = {"get", "delete", "head", "options"}


@dataclass(frozen=True)
class DocOperation:
    """An operation as one source shows it (``operation`` is the OpenAPI object for spec/fragment)."""

    method: str
    path: str
    page: Page
    kind: str
    operation: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    summary: str = ""

    @property
    def key(self) -> OperationKey:
        return (self.method, path_key(self.path))


@dataclass(frozen=True)
class DocParameter:
    """A request parameter (``location`` is ``query``, ``path``, ``header``, ``cookie`` or ``body``).

    ``exhaustive`` is true when the source lists every parameter of its operation (an OpenAPI
    operation, a parameter table); a request line only shows the ones it happens to use.
    ``schema`` is None when the source gives no type.
    """

    key: OperationKey
    name: str
    location: str
    schema: dict[str, Any] | None
    page_url: str
    kind: str
    exhaustive: bool
    required: bool | None = None
    description: str = ""
    raw_type: str = ""
    document: dict[str, Any] | None = None


@dataclass(frozen=True)
class DocField:
    name: str
    schema: dict[str, Any] | None
    raw_type: str = ""
    description: str = ""


@dataclass(frozen=True)
class DocObject:
    """An object's fields as one source lists them.

    ``schema_name`` is the component it becomes (None for a table whose heading names no object);
    ``object_name`` is the documented name (``Person``) or a schema's ``x-doc-object``.
    """

    schema_name: str | None
    object_name: str | None
    heading: str
    page_url: str
    kind: str
    fields: dict[str, DocField]
    document: dict[str, Any] | None = None
    schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class DocExample:
    key: OperationKey
    method: str
    path: str
    status: str
    body: Any
    page_url: str
    kind: str
    reason: str = ""
    #: The text as documented when it is not valid JSON (``body`` is then the repaired value).
    raw: str = ""


@dataclass
class Facts:
    operations: list[DocOperation] = field(default_factory=list)
    parameters: list[DocParameter] = field(default_factory=list)
    objects: list[DocObject] = field(default_factory=list)
    examples: list[DocExample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


LENIENT_RESPONSE = {
    "description": "Not described in the documentation; any response is accepted.",
    "content": {"application/json": {"schema": {}}},
}


def operation_id(op: DocOperation, given: Any = None) -> str:
    """The operationId for a documented operation: its page's slug, else the id the docs give, else a name."""
    slug = op.page.slug
    if op.kind in {"fragment", "index"} and re.fullmatch(r"[a-z][a-z0-9_-]*", slug):
        return slug.replace("-", "_")
    if isinstance(given, str) and given:
        return given
    if op.kind in {"fragment", "index"}:
        return snake(op.page.title) or snake(f"{op.method} {op.path}")
    return snake(f"{op.method} {op.path}")


def json_media(content: Any) -> dict[str, Any] | None:
    """The JSON media type object of a ``content`` map (``application/json`` or any ``+json``)."""
    if not isinstance(content, dict):
        return None
    for media in sorted(content, key=lambda m: (m != "application/json", m)):
        if media == "application/json" or media.endswith("+json") or media == "*/*":
            value = content[media]
            return value if isinstance(value, dict) else None
    return None


def collect(docs: DocSet, *, templates: Iterable[str] = ()) -> Facts:
    """Every fact in ``docs``; ``templates`` are extra known paths to match example request paths against."""
    facts = Facts(notes=list(docs.notes))
    for page in docs.pages:
        for spec in page.specs:
            _openapi_facts(facts, page, spec, "spec", only=None)
    for page in docs.pages:
        for fragment in page.fragments:
            _openapi_facts(facts, page, fragment.document, "fragment", only=(fragment.method, fragment.path))
    for page in docs.pages:
        for line in page.index_lines:
            facts.operations.append(DocOperation(line.method, line.path, page, "index", summary=line.summary))
    known = [op.path for op in facts.operations] + list(templates)
    for page in docs.pages:
        _guide_facts(facts, page, known)
    return facts


# --------------------------------------------------------------------------- OpenAPI documents


def operations_of(document: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any], list[Any]]]:
    """Every operation of an OpenAPI document: method, path, the operation and its path item's parameters."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        shared = as_list(item.get("parameters"))
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield method, str(path), operation, shared


def _openapi_facts(
    facts: Facts, page: Page, document: dict[str, Any], kind: str, *, only: tuple[str, str] | None
) -> None:
    for method, path, operation, shared in operations_of(document):
        if only is not None and (method, path_key(path)) != (only[0], path_key(only[1])):
            continue
        doc_op = DocOperation(method, path, page, kind, operation, document, str(operation.get("summary") or ""))
        facts.operations.append(doc_op)
        _operation_parameters(facts, doc_op, operation, document, shared)
        _operation_examples(facts, doc_op, operation, document)
    if only is not None and not any(op.page is page and op.kind == kind for op in facts.operations):
        facts.notes.append(f"{page.url}: the embedded OpenAPI has no {only[0].upper()} {only[1]} operation")
    for name, schema in as_dict(as_dict(document.get("components")).get("schemas")).items():
        if isinstance(schema, dict):
            facts.objects.append(_schema_object(str(name), schema, page.url, kind, document))


def _properties(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for member in as_list(schema.get("allOf")):
        target = resolve(document, member)
        if isinstance(target, dict):
            found.update(_properties(target, document))
    if isinstance(schema.get("properties"), dict):
        found.update(schema["properties"])
    return found


def _schema_object(name: str, schema: dict[str, Any], url: str, kind: str, document: dict[str, Any]) -> DocObject:
    fields = {
        str(field_name): DocField(str(field_name), value if isinstance(value, dict) else None)
        for field_name, value in _properties(schema, document).items()
    }
    label = schema.get("x-doc-object")
    return DocObject(
        schema_name=name,
        object_name=label if isinstance(label, str) else None,
        heading=name,
        page_url=url,
        kind=kind,
        fields=fields,
        document=document,
        schema=schema,
    )


def _operation_parameters(
    facts: Facts, op: DocOperation, operation: dict[str, Any], document: dict[str, Any], shared: list[Any]
) -> None:
    own = as_list(operation.get("parameters"))
    seen: set[tuple[str, str]] = set()
    for raw in [*own, *shared]:
        parameter = resolve(document, raw)
        if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str):
            continue
        where = (str(parameter["name"]), str(parameter.get("in", "query")))
        if where in seen:
            continue
        seen.add(where)
        schema = parameter.get("schema") if isinstance(parameter.get("schema"), dict) else None
        facts.parameters.append(
            DocParameter(
                key=op.key,
                name=where[0],
                location=where[1],
                schema=schema,
                page_url=op.page.url,
                kind=op.kind,
                exhaustive=True,
                required=parameter.get("required"),
                description=str(parameter.get("description") or ""),
                document=document,
            )
        )
    body = resolve(document, operation.get("requestBody"))
    media = json_media(body.get("content")) if isinstance(body, dict) else None
    schema = resolve(document, media.get("schema")) if media else None
    if isinstance(schema, dict):
        required = {name for name in as_list(schema.get("required")) if isinstance(name, str)}
        for name, value in _properties(schema, document).items():
            facts.parameters.append(
                DocParameter(
                    key=op.key,
                    name=str(name),
                    location="body",
                    schema=value if isinstance(value, dict) else None,
                    page_url=op.page.url,
                    kind=op.kind,
                    exhaustive=True,
                    required=name in required,
                    document=document,
                )
            )


def _operation_examples(facts: Facts, op: DocOperation, operation: dict[str, Any], document: dict[str, Any]) -> None:
    for status, response in as_dict(operation.get("responses")).items():
        media = json_media(as_dict(resolve(document, response)).get("content"))
        if not media:
            continue
        values = [media["example"]] if "example" in media else []
        for example in as_dict(media.get("examples")).values():
            example = resolve(document, example)
            if isinstance(example, dict) and "value" in example:
                values.append(example["value"])
        for value in values:
            facts.examples.append(DocExample(op.key, op.method, op.path, str(status), value, op.page.url, op.kind))


# --------------------------------------------------------------------------- guides


def _template(line: RequestLine, known: list[str]) -> str:
    return match_template(line.path, known) or guess_template(line.path)


def _infer(values: list[str]) -> dict[str, Any]:
    if values and all(value.lower() in {"true", "false"} for value in values):
        return {"type": "boolean"}
    return {"type": "string"}


def _guide_facts(facts: Facts, page: Page, known: list[str]) -> None:
    lines = sorted(page.request_lines, key=lambda line: line.position)
    for line in lines:
        path = _template(line, known)
        op = DocOperation(line.method, path, page, "guide")
        facts.operations.append(op)
        for name in line.query_names:
            values = [value for key, value in line.query if key == name]
            facts.parameters.append(
                DocParameter(
                    key=op.key,
                    name=name,
                    location="query",
                    schema=_infer(values),
                    page_url=page.url,
                    kind="guide",
                    exhaustive=False,
                )
            )
    for table in page.parameter_tables:
        bound = _bind(table, page, lines, known)
        if bound is None:
            facts.notes.append(f"{page.url}: the parameter table {table.heading!r} follows no request; skipped")
            continue
        method, path = bound
        key = (method, path_key(path))
        variables = {part.strip("{}") for part in path.split("/") if part.startswith("{")}
        for row in table.rows:
            location = "path" if row.name in variables else "query" if method in _QUERY_METHODS else "body"
            facts.parameters.append(
                DocParameter(
                    key=key,
                    name=row.name,
                    location=location,
                    schema=_row_schema(row),
                    page_url=page.url,
                    kind="table",
                    exhaustive=True,
                    required=row.required,
                    description=row.description,
                    raw_type=row.type,
                )
            )
    for table in page.field_tables:
        facts.objects.append(_table_object(table, page))
    for example in page.examples:
        if example.request is None:
            continue
        path = _template(example.request, known)
        key = (example.request.method, path_key(path))
        where = f"{example.request.method.upper()} {path} {example.status}"
        if example.error and example.body is None:
            facts.notes.append(f"{page.url}: the response example for {where} was skipped: {example.error}")
        elif example.has_body:
            facts.examples.append(
                DocExample(
                    key=key,
                    method=example.request.method,
                    path=path,
                    status=str(example.status),
                    body=example.body,
                    page_url=page.url,
                    kind="example",
                    reason=example.reason,
                    raw=example.raw,
                )
            )


def _bind(table: FieldTable, page: Page, lines: list[RequestLine], known: list[str]) -> tuple[str, str] | None:
    """The operation a parameter table documents: the request line above it, else the page's own operation."""
    before = [line for line in lines if line.position < table.position]
    if before:
        return before[-1].method, _template(before[-1], known)
    if page.fragments:
        return page.fragments[0].method, page.fragments[0].path
    if page.index_lines:
        return page.index_lines[0].method, page.index_lines[0].path
    return None


def _row_schema(row: FieldRow) -> dict[str, Any] | None:
    """A table row's type as a schema; the values listed under a string row are its enumeration."""
    schema = table_type_schema(row.type)
    if schema is not None and row.values and schema.get("type") == "string":
        schema["enum"] = list(row.values)
    return schema


def _table_object(table: FieldTable, page: Page) -> DocObject:
    fields = {row.name: DocField(row.name, _row_schema(row), row.type, row.description) for row in table.rows}
    return DocObject(
        schema_name=schema_name(table.object_name) if table.object_name else None,
        object_name=table.object_name,
        heading=table.heading,
        page_url=page.url,
        kind="table",
        fields=fields,
    )
