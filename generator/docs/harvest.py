"""Harvest: turn a :class:`DocSet` into one OpenAPI 3.0.1 document, as the vendor documents it.

What goes in, best source first (``PRECEDENCE``):

1. whole OpenAPI documents and the fragments embedded in API-reference pages: their
   operations (one per page for fragments) and components, copied as they are;
2. operation index lines (``get /account-info``) add operations nothing else describes, with a
   lenient response and ``x-confidence: unverified``;
3. guide pages: field tables become component schemas (``Person Object`` ->
   ``response_person_object``, marked with ``x-doc-object``), request lines add query
   parameters, parameter tables add parameters or request-body properties;
4. guide response examples become ``examples`` of the matching operation and status.

When two sources disagree, nothing is silently picked: the better source by precedence (then
the earlier page) is kept, and a :class:`Conflict` is returned and written into
``x-doc-conflicts`` at the place it concerns.  The output is deterministic: paths and
components sorted, keys in a fixed order.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._yamlio import write_yaml
from ._facts import (
    KIND_LABELS,
    LENIENT_RESPONSE,
    RANK,
    DocExample,
    DocField,
    DocObject,
    DocOperation,
    DocParameter,
    OperationKey,
    collect,
    json_media,
    operation_id,
)
from ._markdown import METHODS
from ._schemas import (
    as_dict,
    as_list,
    coarse_type,
    compatible,
    example_problem,
    path_key,
    pointer,
    resolve,
    snake,
    title_words,
)
from .model import DocSet, Page

__all__ = ["PRECEDENCE", "Claim", "Conflict", "HarvestResult", "harvest", "write_upstream"]

PRECEDENCE = ("whole OpenAPI document", "embedded OpenAPI fragment", "field or parameter table", "response example")

_COMPONENT_KINDS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
)
_OPERATION_KEYS = (
    "tags",
    "summary",
    "description",
    "operationId",
    "x-doc-page",
    "x-confidence",
    "x-doc-conflicts",
    "parameters",
    "requestBody",
    "responses",
)
_SCHEMA_KEYS = ("type", "description", "x-doc-object", "x-doc-page", "x-doc-conflicts")


@dataclass(frozen=True)
class Claim:
    """What one page says about the disputed thing."""

    page: str
    says: str


@dataclass(frozen=True)
class Conflict:
    """Two or more pages disagree; ``claims[0]`` is the one kept."""

    location: str
    subject: str
    claims: tuple[Claim, ...]

    @property
    def pages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(claim.page for claim in self.claims))

    @property
    def text(self) -> str:
        """The sentence written into ``x-doc-conflicts``."""
        parts = [
            f"{claim.page} {claim.says}" + (" (kept)" if index == 0 else "") for index, claim in enumerate(self.claims)
        ]
        return f"{self.subject}: " + "; ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.text}"


@dataclass
class HarvestResult:
    """The harvested document, the disagreements found, and notes on what had to be skipped."""

    document: dict[str, Any]
    conflicts: list[Conflict]
    notes: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def operations(self) -> int:
        return sum(1 for item in self.document.get("paths", {}).values() for key in item if key in METHODS)

    @property
    def schemas(self) -> int:
        return len(self.document.get("components", {}).get("schemas", {}))


def harvest(docs: DocSet) -> HarvestResult:
    """Merge every page of ``docs`` into one OpenAPI 3.0.1 document (see the module docstring)."""
    return _Harvester(docs).run()


def write_upstream(result: HarvestResult, path: Path) -> None:
    """Write the harvested document as YAML with a header naming its source."""
    header = (
        f"# Harvested from {result.source or 'the vendor documentation'} by `python -m generator harvest`.\n"
        "# What the vendor documents, as documented: do not edit by hand; curate in fixes.yaml.\n"
        "# x-doc-conflicts mark where pages disagree; the source kept is the first by precedence:\n"
        f"# {' > '.join(PRECEDENCE)}.\n"
    )
    write_yaml(path, result.document, header=header)


# --------------------------------------------------------------------------- the merge


@dataclass
class _Op:
    method: str
    path: str
    operation: dict[str, Any]
    page_url: str
    kind: str
    declared: list[DocParameter] | None = None  # the exhaustive parameter list the operation was built from
    declared_by: tuple[str, str] = ("", "")  # (page url, kind) of that list


@dataclass
class _Schema:
    schema: dict[str, Any]
    page_url: str
    kind: str
    fields: dict[str, DocField]
    document: dict[str, Any] | None


def _label(url: str, kind: str) -> str:
    return f"{url} ({KIND_LABELS[kind]})"


class _Harvester:
    def __init__(self, docs: DocSet) -> None:
        self.docs = docs
        self.facts = collect(docs)
        self.ops: dict[OperationKey, _Op] = {}
        self.schemas: dict[str, _Schema] = {}
        self.components: dict[str, dict[str, tuple[Any, str, str]]] = defaultdict(dict)
        self.conflicts: list[Conflict] = []
        self.notes: list[str] = list(self.facts.notes)
        self.from_tables: list[Any] = []  # schema nodes built from tables: dangling $refs are replaced

    def run(self) -> HarvestResult:
        order = {"spec": 0, "fragment": 1, "index": 2, "guide": 3}
        for op in sorted(self.facts.operations, key=lambda op: order[op.kind]):
            self._operation(op)
        self._components()
        self._objects()
        self._parameters()
        self._drop_dangling_references()
        for example in self.facts.examples:
            if example.kind == "example":
                self._example(example)
        document = self._document()
        return HarvestResult(document, self._sorted_conflicts(), list(dict.fromkeys(self.notes)), self.docs.source)

    # ---------------------------------------------------------------- conflicts

    def _conflict(self, location: str, subject: str, *claims: tuple[str, str, str]) -> None:
        self.conflicts.append(Conflict(location, subject, tuple(Claim(_label(u, k), s) for u, k, s in claims)))

    def _sorted_conflicts(self) -> list[Conflict]:
        """One conflict per place, subject and kept claim, with every page that disagrees with it."""
        merged: dict[tuple[str, str, Claim], list[Claim]] = {}
        for conflict in self.conflicts:
            others = merged.setdefault((conflict.location, conflict.subject, conflict.claims[0]), [])
            others.extend(claim for claim in conflict.claims[1:] if claim not in others)
        found = [Conflict(where, subject, (kept, *others)) for (where, subject, kept), others in merged.items()]
        return sorted(found, key=lambda c: (c.location, c.subject, c.text))

    # ---------------------------------------------------------------- operations

    def _operation(self, op: DocOperation) -> None:
        existing = self.ops.get(op.key)
        if existing is not None:
            self._same_operation(existing, op)
            return
        if op.operation is not None:  # a whole spec's or a fragment's operation, copied as documented
            operation = copy.deepcopy(op.operation)
            operation["parameters"] = self._with_shared_parameters(op, operation.get("parameters"))
            confidence = "documented"
        else:
            operation = {"summary": op.summary} if op.summary else {}
            confidence = "unverified" if op.kind == "index" else "partial"
        tags = operation.get("tags")
        operation["tags"] = [tags[0]] if isinstance(tags, list) and tags else [_tag(op.page, op.path, op.kind)]
        operation["operationId"] = operation_id(op, operation.get("operationId"))
        operation["x-doc-page"] = op.page.url
        operation["x-confidence"] = confidence
        operation.setdefault("responses", {})
        if not operation.get("parameters"):
            operation.pop("parameters", None)
        self.ops[op.key] = _Op(op.method, op.path, operation, op.page.url, op.kind)

    def _with_shared_parameters(self, op: DocOperation, own: Any) -> list[Any]:
        parameters = list(own) if isinstance(own, list) else []
        item = as_dict(as_dict(as_dict(op.document).get("paths")).get(op.path))
        names = {
            (p.get("name"), p.get("in")) for p in (resolve(op.document, x) for x in parameters) if isinstance(p, dict)
        }
        for shared in as_list(item.get("parameters")):
            target = resolve(op.document, shared)
            if isinstance(target, dict) and (target.get("name"), target.get("in")) not in names:
                parameters.append(copy.deepcopy(shared))
        return parameters

    def _same_operation(self, existing: _Op, op: DocOperation) -> None:
        if op.kind == "guide" and existing.operation.get("x-confidence") == "unverified":
            existing.operation["x-confidence"] = "partial"
        kept = str(existing.operation.get("summary") or "")
        if op.summary and kept and _plain(op.summary) != _plain(kept):
            self._conflict(
                pointer("paths", existing.path, existing.method, "summary"),
                "summary",
                (existing.page_url, existing.kind, f"says {kept!r}"),
                (op.page.url, op.kind, f"says {op.summary!r}"),
            )

    # ---------------------------------------------------------------- components

    def _components(self) -> None:
        documents = [("spec", page, doc) for page in self.docs.pages for doc in page.specs]
        documents += [("fragment", page, f.document) for page in self.docs.pages for f in page.fragments]
        for kind, page, document in documents:
            components = as_dict(document.get("components"))
            for component_kind in _COMPONENT_KINDS[1:]:
                for name, value in as_dict(components.get(component_kind)).items():
                    kept = self.components[component_kind].get(name)
                    if kept is None:
                        self.components[component_kind][name] = (copy.deepcopy(value), page.url, kind)
                    elif kept[0] != value:
                        self._conflict(
                            pointer("components", component_kind, name),
                            f"{component_kind} {name}",
                            (kept[1], kept[2], "defines it one way"),
                            (page.url, kind, "defines it differently"),
                        )

    def _objects(self) -> None:
        for obj in sorted(self.facts.objects, key=lambda o: RANK[o.kind]):
            if obj.schema_name is None:
                continue
            kept = self.schemas.get(obj.schema_name)
            if kept is None:
                self.schemas[obj.schema_name] = _Schema(
                    self._new_schema(obj), obj.page_url, obj.kind, obj.fields, obj.document
                )
            else:
                self._compare_fields(obj.schema_name, kept, obj)

    def _new_schema(self, obj: DocObject) -> dict[str, Any]:
        if obj.schema is not None:
            return copy.deepcopy(obj.schema)
        properties: dict[str, Any] = {}
        for name, doc_field in obj.fields.items():
            schema = copy.deepcopy(doc_field.schema) if doc_field.schema is not None else {}
            if doc_field.description and "$ref" not in schema:
                schema["description"] = doc_field.description
            properties[name] = schema
        schema = {
            "type": "object",
            "x-doc-object": obj.object_name,
            "x-doc-page": obj.page_url,
            "properties": properties,
        }
        self.from_tables.append(schema)
        return schema

    def _compare_fields(self, name: str, kept: _Schema, new: DocObject) -> None:
        where = pointer("components", "schemas", name)
        only_kept = [f for f in kept.fields if f not in new.fields]
        only_new = [f for f in new.fields if f not in kept.fields]
        for old_name, new_name in _renames(only_kept, only_new):
            only_kept.remove(old_name)
            only_new.remove(new_name)
            self._conflict(
                where + pointer("properties", old_name),
                f"field {old_name} or {new_name}",
                (kept.page_url, kept.kind, f"names it {old_name}"),
                (new.page_url, new.kind, f"names it {new_name}"),
            )
        if only_new:
            self._conflict(
                where,
                _names("field", only_new),
                (kept.page_url, kept.kind, f"does not list {_them(only_new)}"),
                (new.page_url, new.kind, f"lists {_them(only_new)}"),
            )
        if only_kept:
            self._conflict(
                where,
                _names("field", only_kept),
                (kept.page_url, kept.kind, f"lists {_them(only_kept)}"),
                (new.page_url, new.kind, f"does not list {_them(only_kept)}"),
            )
        for field_name in kept.fields:
            if field_name not in new.fields:
                continue
            before = coarse_type(kept.fields[field_name].schema, kept.document)
            after = coarse_type(new.fields[field_name].schema, new.document)
            if not compatible(before, after):
                self._conflict(
                    where + pointer("properties", field_name),
                    f"type of {field_name}",
                    (kept.page_url, kept.kind, f"says {before}"),
                    (new.page_url, new.kind, f"says {new.fields[field_name].raw_type.strip() or after}"),
                )

    # ---------------------------------------------------------------- parameters

    def _parameters(self) -> None:
        groups: dict[tuple[OperationKey, str, str], list[DocParameter]] = defaultdict(list)
        for parameter in self.facts.parameters:
            groups[(parameter.key, parameter.page_url, parameter.kind)].append(parameter)
        # sorted() is stable: within a rank, the lists stay in page order
        exhaustive = sorted((k for k, v in groups.items() if v[0].exhaustive), key=lambda k: RANK[k[2]])
        for group_key in exhaustive:
            self._parameter_list(group_key[0], groups[group_key])
        for group_key, parameters in groups.items():
            if not parameters[0].exhaustive:
                self._request_line_parameters(group_key[0], parameters)

    def _parameter_list(self, key: OperationKey, parameters: list[DocParameter]) -> None:
        """Apply the first exhaustive parameter list of an operation; compare every later one with it."""
        op = self.ops.get(key)
        if op is None:
            return
        source = (parameters[0].page_url, parameters[0].kind)
        if op.declared is None:
            if op.kind in {"spec", "fragment"}:  # the operation's own OpenAPI lists its parameters
                op.declared = self._own_parameters(op)
                op.declared_by = (op.page_url, op.kind)
                if source == op.declared_by:
                    return
            else:  # an index or guide operation: the first parameter table defines its parameters
                op.declared = parameters
                op.declared_by = source
                self._apply_table(op, parameters)
                return
        self._compare_parameters(op, op.declared, parameters)

    def _own_parameters(self, op: _Op) -> list[DocParameter]:
        key = (op.method, path_key(op.path))
        return [p for p in self.facts.parameters if (p.key, p.page_url, p.kind) == (key, op.page_url, op.kind)]

    def _compare_parameters(self, op: _Op, declared: list[DocParameter], parameters: list[DocParameter]) -> None:
        kept = {p.name: p for p in declared}
        new = {p.name: p for p in parameters}
        where = pointer("paths", op.path, op.method, "parameters")
        kept_url, kept_kind = op.declared_by
        new_url, new_kind = parameters[0].page_url, parameters[0].kind
        missing = [name for name in new if name not in kept]
        extra = [name for name in kept if name not in new and kept[name].location != "path"]
        if missing:
            self._conflict(
                where,
                _names("parameter", missing),
                (kept_url, kept_kind, f"does not list {_them(missing)}"),
                (new_url, new_kind, f"lists {_them(missing)}"),
            )
        if extra:
            self._conflict(
                where,
                _names("parameter", extra),
                (kept_url, kept_kind, f"lists {_them(extra)}"),
                (new_url, new_kind, f"does not list {_them(extra)}"),
            )
        for name, parameter in new.items():
            if name not in kept:
                continue
            before = coarse_type(kept[name].schema, kept[name].document)
            after = coarse_type(parameter.schema, parameter.document)
            if not compatible(before, after):
                self._conflict(
                    where + pointer(name),
                    f"type of parameter {name}",
                    (kept_url, kept_kind, f"says {before}"),
                    (new_url, new_kind, f"says {parameter.raw_type or after}"),
                )

    def _apply_table(self, op: _Op, parameters: list[DocParameter]) -> None:
        body = [p for p in parameters if p.location == "body"]
        for parameter in parameters:
            if parameter.location != "body":
                self._add_parameter(op, parameter)
        if body and "requestBody" not in op.operation:
            properties: dict[str, Any] = {}
            for parameter in body:
                schema = copy.deepcopy(parameter.schema) if parameter.schema is not None else {}
                if parameter.description and "$ref" not in schema:
                    schema["description"] = parameter.description
                properties[parameter.name] = schema
            schema = {"type": "object", "properties": properties}
            required = [p.name for p in body if p.required]
            if required:
                schema["required"] = required
            self.from_tables.append(schema)
            op.operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        self._seen_in_guide(op)

    def _add_parameter(self, op: _Op, parameter: DocParameter) -> None:
        parameters = op.operation.setdefault("parameters", [])
        if any(isinstance(p, dict) and p.get("name") == parameter.name for p in parameters):
            return
        entry: dict[str, Any] = {"name": parameter.name, "in": parameter.location}
        if parameter.description:
            entry["description"] = parameter.description
        entry["required"] = True if parameter.location == "path" else bool(parameter.required)
        entry["schema"] = copy.deepcopy(parameter.schema) if parameter.schema else {"type": "string"}
        if parameter.kind == "table":
            self.from_tables.append(entry["schema"])
        parameters.append(entry)

    def _request_line_parameters(self, key: OperationKey, parameters: list[DocParameter]) -> None:
        op = self.ops.get(key)
        if op is None:
            return
        for parameter in parameters:
            declared = {p.name for p in op.declared or []}
            present = {p.get("name") for p in op.operation.get("parameters", []) if isinstance(p, dict)}
            if parameter.name in declared or parameter.name in present:
                continue
            if op.declared is not None:
                self._conflict(
                    pointer("paths", op.path, op.method, "parameters", parameter.name),
                    f"query parameter {parameter.name}",
                    (*op.declared_by, "does not list it"),
                    (parameter.page_url, parameter.kind, "uses it in a request"),
                )
                continue
            self._add_parameter(op, parameter)
        self._seen_in_guide(op)

    def _seen_in_guide(self, op: _Op) -> None:
        if op.operation.get("x-confidence") == "unverified":
            op.operation["x-confidence"] = "partial"

    # ---------------------------------------------------------------- examples

    def _example(self, example: DocExample) -> None:
        op = self.ops.get(example.key)
        if op is None:
            return
        responses = op.operation.setdefault("responses", {})
        response = responses.get(example.status)
        if response is None:
            response = responses[example.status] = {"description": example.reason or "Documented example."}
        if "$ref" in response:
            self.notes.append(
                f"{example.page_url}: the {example.status} example for {op.method.upper()} {op.path} was not added "
                "(the response is a shared component)"
            )
            return
        media = json_media(response.get("content"))
        if media is None:
            media = response.setdefault("content", {}).setdefault("application/json", {})
        whole = self._whole()
        values = [resolve(whole, e).get("value") for e in as_dict(media.get("examples")).values()]
        if "example" in media:
            values.append(media["example"])
        documented = example.raw or example.body  # text that is not JSON is kept as written
        if example.body in values or documented in values:
            return
        examples = media.setdefault("examples", {})
        name = snake(example.page_url.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "example"
        unique, number = name, 2
        while unique in examples:
            unique, number = f"{name}_{number}", number + 1
        examples[unique] = {"x-doc-page": example.page_url, "value": copy.deepcopy(documented)}
        self._seen_in_guide(op)
        problem = self._invalid(media.get("schema"), example.body)
        if problem:
            location = pointer("paths", op.path, op.method, "responses", example.status)
            self._conflict(
                location,
                f"{example.status} response",
                (op.page_url, op.kind, "gives the schema"),
                (example.page_url, "example", f"shows an example that does not match it ({problem})"),
            )

    def _invalid(self, schema: Any, value: Any) -> str | None:
        if not isinstance(schema, dict):
            return None
        return example_problem(schema, self._whole()["components"], value)

    # ---------------------------------------------------------------- output

    def _drop_dangling_references(self) -> None:
        """A table that says ``Foo object`` where no page describes Foo gets a plain object."""

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    if ref.rsplit("/", 1)[-1] not in self.schemas:
                        node.clear()
                        node["type"] = "object"
                    return
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        for node in self.from_tables:
            walk(node)

    def _document(self) -> dict[str, Any]:
        first = [doc for page in self.docs.pages for doc in page.specs]
        first += [f.document for page in self.docs.pages for f in page.fragments]
        info = next((copy.deepcopy(d["info"]) for d in first if isinstance(d.get("info"), dict)), None)
        document: dict[str, Any] = {
            "openapi": "3.0.1",
            "info": info or {"title": "API (harvested from documentation)", "version": "unknown"},
        }
        servers = next((d["servers"] for d in first if d.get("servers")), None)
        security = next((d["security"] for d in first if d.get("security")), None)
        if servers:
            document["servers"] = copy.deepcopy(servers)
        if security:
            document["security"] = copy.deepcopy(security)
        self._finish_operations()
        document["tags"] = [{"name": tag} for tag in sorted({op.operation["tags"][0] for op in self.ops.values()})]
        paths: dict[str, dict[str, Any]] = {}
        for op in sorted(self.ops.values(), key=lambda o: (o.path, METHODS.index(o.method))):
            paths.setdefault(op.path, {})[op.method] = op.operation
        document["paths"] = paths
        components: dict[str, Any] = {}
        if self.schemas:
            components["schemas"] = {name: self.schemas[name].schema for name in sorted(self.schemas)}
        for kind in _COMPONENT_KINDS[1:]:
            if self.components.get(kind):
                components[kind] = {name: self.components[kind][name][0] for name in sorted(self.components[kind])}
        if components:
            document["components"] = components
        self._write_conflicts(document)
        for op in self.ops.values():
            _order(op.operation, _OPERATION_KEYS)
        for schema in components.get("schemas", {}).values():
            if isinstance(schema, dict):
                _order(schema, _SCHEMA_KEYS)
        return document

    def _finish_operations(self) -> None:
        used: set[str] = set()
        for op in sorted(self.ops.values(), key=lambda o: (o.path, METHODS.index(o.method))):
            operation = op.operation
            if not operation.get("responses"):
                operation["responses"] = {"default": copy.deepcopy(LENIENT_RESPONSE)}
            declared = {
                p.get("name")
                for p in (resolve(self._whole(), x) for x in operation.get("parameters", []))
                if isinstance(p, dict) and p.get("in") == "path"
            }
            for variable in re.findall(r"\{([^{}]+)\}", op.path):
                if variable not in declared:
                    operation.setdefault("parameters", []).append(
                        {"name": variable, "in": "path", "required": True, "schema": {"type": "string"}}
                    )
            base = str(operation["operationId"])
            unique, number = base, 2
            while unique in used:
                unique, number = f"{base}_{number}", number + 1
            used.add(unique)
            operation["operationId"] = unique

    def _whole(self) -> dict[str, Any]:
        """The components gathered so far, as a document to resolve ``$ref`` against."""
        components: dict[str, Any] = {
            kind: {n: v[0] for n, v in items.items()} for kind, items in self.components.items()
        }
        components["schemas"] = {name: kept.schema for name, kept in self.schemas.items()}
        return {"components": components}

    def _write_conflicts(self, document: dict[str, Any]) -> None:
        for conflict in self._sorted_conflicts():
            node = _deepest_node(document, conflict.location)
            notes = node.setdefault("x-doc-conflicts", [])
            if conflict.text not in notes:
                notes.append(conflict.text)


# --------------------------------------------------------------------------- helpers


def _names(noun: str, names: list[str]) -> str:
    return f"{noun} {names[0]}" if len(names) == 1 else f"{noun}s {', '.join(names)}"


def _them(names: list[str]) -> str:
    return "it" if len(names) == 1 else "them"


def _plain(text: str) -> str:
    return re.sub(r"[\s.]+", " ", text).strip().lower()


def _renames(only_kept: list[str], only_new: list[str]) -> list[tuple[str, str]]:
    """Pairs that look like one field under two names (``linkedin_url`` / ``linkedin_id``)."""
    pairs: list[tuple[str, str]] = []
    for old in only_kept:
        stem = old.rsplit("_", 1)[0]
        candidates = [new for new in only_new if "_" in old and new.rsplit("_", 1)[0] == stem]
        if len(candidates) == 1 and candidates[0] not in {pair[1] for pair in pairs}:
            pairs.append((old, candidates[0]))
    return pairs


def _tag(page: Page, path: str, kind: str) -> str:
    grouped = re.search(r"/api-reference/([^/]+)/[^/]+/?$", page.url)
    if grouped:
        return title_words(grouped[1])
    if kind == "guide":
        return page.title
    first = next((segment for segment in path.split("/") if segment and not segment.startswith("{")), "default")
    return title_words(first)


def _order(node: dict[str, Any], first: tuple[str, ...]) -> None:
    """Reorder ``node`` in place: the ``first`` keys in that order, then the rest as they were."""
    items = list(node.items())
    node.clear()
    for key in first:
        for existing, value in items:
            if existing == key:
                node[key] = value
    for key, value in items:
        if key not in node:
            node[key] = value


def _deepest_node(document: dict[str, Any], location: str) -> dict[str, Any]:
    """The innermost mapping along a JSON pointer that is not a ``$ref`` (conflicts are written there)."""
    node: Any = document
    best: dict[str, Any] = document
    for part in location.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
        if isinstance(node, dict) and "$ref" not in node:
            best = node
    return best
