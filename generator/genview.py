"""The generation view: the curated spec as openapi-python-client should see it.

The curated spec says what the API is.  The generated client must also survive what
the API actually sends.  Rather than trusting every ``required``, closed enum and
non-nullable field in the spec, the generator feeds openapi-python-client a
deterministic transform of the curated spec (never written to ``spec/``):

1. Component schemas get their Python class names (``schema_names`` in the config,
   else a rule: ``response_person_object`` -> ``Person``).
2. Inline objects and enums inside components (and inline request bodies) are
   hoisted into named components, so their classes get readable names.
3. Every schema reachable from a response is loosened: no ``required``; every
   property accepts ``null``; ``additionalProperties`` is open (unknown fields are
   kept); dates and date-times also accept any string (a malformed date is kept as
   given).  Request-only schemas keep their rules.
4. The document is converted from OpenAPI 3.0 (``nullable``) to 3.1 (``null`` types),
   which openapi-python-client maps to ``X | None`` without the ``$ref``-sibling
   problem.

Enums are opened by the ``str_enum`` template, and odd status codes are handled by the
endpoint template; together these make "never crash on a response" hold whatever the
curated spec says.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["build_view", "class_name_for", "reachable_schemas"]

_SCHEMA_REF = "#/components/schemas/"
_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
_COMPOSITES = ("allOf", "anyOf", "oneOf")


def _pascal(text: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", text) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def class_name_for(schema_name: str, overrides: dict[str, str]) -> str:
    """Python class name for a component schema: the override, else the naming rule."""
    if schema_name in overrides:
        return overrides[schema_name]
    name = schema_name
    suffix = ""
    if name.startswith("response_"):
        name = name[len("response_") :]
    elif name.startswith("request_"):
        name = name[len("request_") :]
        suffix = "Request"
    if name.endswith("_object"):
        name = name[: -len("_object")]
    return _pascal(name) + suffix


def _walk_refs(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node
        for value in node.values():
            yield from _walk_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_refs(value)


def _rename_schemas(document: dict[str, Any], overrides: dict[str, str]) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    mapping = {name: class_name_for(name, overrides) for name in schemas}
    clashes = {new for new in mapping.values() if list(mapping.values()).count(new) > 1}
    if clashes:
        raise ValueError(f"schema class names clash: {sorted(clashes)}; set schema_names in the config")
    document["components"]["schemas"] = {mapping[name]: schema for name, schema in schemas.items()}
    for ref in _walk_refs(document):
        target = ref["$ref"]
        if target.startswith(_SCHEMA_REF) and target[len(_SCHEMA_REF) :] in mapping:
            ref["$ref"] = _SCHEMA_REF + mapping[target[len(_SCHEMA_REF) :]]


def _is_hoistable(schema: Any) -> bool:
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if "enum" in schema or (isinstance(schema.get("properties"), dict) and bool(schema["properties"])):
        return True
    return schema.get("type") == "object"


class _Hoister:
    """Moves inline objects and enums into named components."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document["components"]["schemas"]
        self.added: dict[str, Any] = {}

    def _unique(self, name: str) -> str:
        candidate, counter = name, 2
        while candidate in self.schemas or candidate in self.added:
            candidate, counter = f"{name}{counter}", counter + 1
        return candidate

    def hoist(self, schema: Any, name: str) -> Any:
        """Return ``schema`` with its inline children hoisted; hoist ``schema`` itself if it qualifies."""
        self.visit(schema, name)
        if not _is_hoistable(schema):
            return schema
        site = {"nullable": schema.pop("nullable")} if "nullable" in schema else {}
        new_name = self._unique(name)
        self.added[new_name] = schema
        return {"$ref": _SCHEMA_REF + new_name, **site}

    def visit(self, schema: Any, name: str) -> None:
        if not isinstance(schema, dict):
            return
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for prop, sub in properties.items():
                properties[prop] = self.hoist(sub, name + _pascal(prop))
        if isinstance(schema.get("items"), dict):
            schema["items"] = self.hoist(schema["items"], name + "Item")
        if isinstance(schema.get("additionalProperties"), dict):
            schema["additionalProperties"] = self.hoist(schema["additionalProperties"], name + "Value")
        for key in _COMPOSITES:
            if isinstance(schema.get(key), list):
                schema[key] = [
                    self.hoist(sub, f"{name}{key[:-2].capitalize()}{i}") for i, sub in enumerate(schema[key])
                ]

    def run(self, document: dict[str, Any]) -> None:
        for name in list(self.schemas):
            self.visit(self.schemas[name], name)
        for operation in _operations(document):
            body = operation.get("requestBody")
            if not isinstance(body, dict):
                continue
            for media in (body.get("content") or {}).values():
                schema = media.get("schema")
                if _is_hoistable(schema) and "operationId" in operation:
                    media["schema"] = self.hoist(schema, _pascal(operation["operationId"]) + "Request")
        self.schemas.update(self.added)


def _operations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in (document.get("paths") or {}).values():
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                yield item[method]


def _schema_names_in(node: Any) -> set[str]:
    return {ref["$ref"][len(_SCHEMA_REF) :] for ref in _walk_refs(node) if ref["$ref"].startswith(_SCHEMA_REF)}


def _closure(document: dict[str, Any], roots: set[str]) -> set[str]:
    schemas = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_schema_names_in(schemas[name]) - seen)
    return seen


def reachable_schemas(document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Names of component schemas reachable from responses and from requests."""
    components = document.get("components", {})
    response_roots: set[str] = set()
    request_roots: set[str] = set()
    for response in (components.get("responses") or {}).values():
        response_roots |= _schema_names_in(response)
    for operation in _operations(document):
        for response in (operation.get("responses") or {}).values():
            response_roots |= _schema_names_in(response)
        request_roots |= _schema_names_in(operation.get("requestBody"))
        request_roots |= _schema_names_in(operation.get("parameters"))
    for item in (document.get("paths") or {}).values():
        request_roots |= _schema_names_in(item.get("parameters"))
    request_roots |= _schema_names_in(components.get("parameters"))
    request_roots |= _schema_names_in(components.get("requestBodies"))
    return _closure(document, response_roots), _closure(document, request_roots)


_NULL = {"type": "null"}
_ANNOTATIONS = ("description", "title", "deprecated", "readOnly", "writeOnly", "example", "default")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """A 3.1 schema accepting what ``schema`` accepts, and ``null``."""
    schema = dict(schema)
    schema.pop("nullable", None)
    if isinstance(schema.get("enum"), list):
        schema["enum"] = [v for v in schema["enum"] if v is not None]
    kind = schema.get("type")
    if "$ref" in schema or "enum" in schema or any(k in schema for k in _COMPOSITES):
        outer = {k: schema.pop(k) for k in _ANNOTATIONS if k in schema}
        alternatives = list(schema.get("anyOf", [])) if list(schema) == ["anyOf"] else [schema]
        if _NULL not in alternatives:
            alternatives.append(dict(_NULL))
        return {"anyOf": alternatives, **outer}
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    return schema


def _tolerant_property(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "string" and schema.get("format") in {"date", "date-time"}:
        outer = {k: schema.pop(k) for k in _ANNOTATIONS if k in schema}
        schema.pop("nullable", None)
        return {"anyOf": [schema, {"type": "string"}, dict(_NULL)], **outer}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        schema["items"] = _tolerant_property(schema["items"])
    return _nullable(schema)


def _loosen(schema: dict[str, Any]) -> None:
    """Make a response schema accept anything the API may plausibly send."""
    schema.pop("required", None)
    if isinstance(schema.get("properties"), dict) or schema.get("type") == "object":
        extra = schema.get("additionalProperties")
        if not isinstance(extra, dict):
            schema["additionalProperties"] = True
        else:
            schema["additionalProperties"] = _tolerant_property(extra)
    for name, sub in list((schema.get("properties") or {}).items()):
        schema["properties"][name] = _tolerant_property(sub)
    if isinstance(schema.get("items"), dict):
        schema["items"] = _tolerant_property(schema["items"])
    if isinstance(schema.get("enum"), list):
        schema["enum"] = [v for v in schema["enum"] if v is not None]
        schema.pop("nullable", None)


def _to_31(node: Any) -> Any:
    """Convert remaining 3.0 ``nullable`` markers to 3.1 null types."""
    if isinstance(node, list):
        return [_to_31(v) for v in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _to_31(v) for k, v in node.items()}
    if converted.get("nullable") is True:
        return _nullable(converted)
    converted.pop("nullable", None)
    return converted


def _null_alternatives(node: Any) -> Any:
    """``{enum: [null]}`` (the 3.0 way to say "or null" in an anyOf) becomes ``{type: "null"}``."""
    if isinstance(node, list):
        return [_null_alternatives(v) for v in node]
    if not isinstance(node, dict):
        return node
    if node.get("enum") == [None] and not ({"type", "$ref"} & set(node)):
        return dict(_NULL)
    return {k: _null_alternatives(v) for k, v in node.items()}


def build_view(curated: dict[str, Any], schema_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The document openapi-python-client generates from (see the module docstring)."""
    document: dict[str, Any] = _null_alternatives(copy.deepcopy(curated))
    document.setdefault("components", {}).setdefault("schemas", {})
    _rename_schemas(document, schema_names or {})
    _Hoister(document).run(document)
    responses, _requests = reachable_schemas(document)
    schemas = document["components"]["schemas"]
    for schema in schemas.values():
        # A nullable component would become an anonymous "Type0" class; null is handled where
        # the component is referenced instead (every response site accepts null anyway).
        schema.pop("nullable", None)
    for name in sorted(responses):
        _loosen(schemas[name])
    view: dict[str, Any] = _to_31(document)
    view["openapi"] = "3.1.0"
    return view
