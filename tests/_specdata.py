"""Helpers for tests that read the curated specs: resolve refs, synthesize instances."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from generator._yamlio import load_document
from generator.vendors import Vendor, get_vendor

METHODS = ("get", "put", "post", "delete", "patch")


@cache
def curated(vendor: str = "amplemarket") -> dict[str, Any]:
    return load_document(get_vendor(vendor).curated)  # type: ignore[no-any-return]


def resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


@dataclass(frozen=True)
class Location:
    """Where a value sits in a synthesized instance, and the schema that describes it."""

    path: tuple[str | int, ...]
    schema: dict[str, Any]


SAMPLE_DATE = "2020-01-02"
SAMPLE_DATETIME = "2024-08-28T22:33:16+00:00"


def _string_sample(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    return {
        "date": SAMPLE_DATE,
        "date-time": SAMPLE_DATETIME,
        "email": "person@example.com",
        "uri": "https://example.com/item",
        "uuid": "84d31ab0-bac0-46ea-9a8b-b8721126d3d6",
    }.get(fmt or "", "text")


def synthesize(
    document: dict[str, Any], schema: Any, path: tuple[str | int, ...] = (), depth: int = 0
) -> tuple[Any, list[Location]]:
    """A value with every documented property present, and the location of each value in it."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return "any", []
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            first = next(s for s in schema[key] if resolve(document, s).get("type") != "null")
            return synthesize(document, first, path, depth)
    locations = [Location(path, schema)] if path else []
    if "enum" in schema:
        value = next(v for v in schema["enum"] if v is not None)
        return value, locations
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        value: dict[str, Any] = {}
        if depth < 6:
            for name, sub in (schema.get("properties") or {}).items():
                value[name], sub_locations = synthesize(document, sub, (*path, name), depth + 1)
                locations += sub_locations
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and not schema.get("properties"):
                value["some_key"], sub_locations = synthesize(document, extra, (*path, "some_key"), depth + 1)
                locations += sub_locations
        return value, locations
    if kind == "array":
        item, sub_locations = synthesize(document, schema.get("items", {}), (*path, 0), depth + 1)
        return [item], locations + sub_locations
    if kind == "integer":
        return 7, locations
    if kind == "number":
        return 1.5, locations
    if kind == "boolean":
        return True, locations
    if kind == "string":
        return _string_sample(schema), locations
    return "any", locations


def set_at(value: Any, path: tuple[str | int, ...], new: Any) -> None:
    for part in path[:-1]:
        value = value[part]
    value[path[-1]] = new


def delete_at(value: Any, path: tuple[str | int, ...]) -> None:
    for part in path[:-1]:
        value = value[part]
    del value[path[-1]]


@dataclass(frozen=True)
class ResponseCase:
    operation_id: str
    status: str
    schema: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.status}"


def response_cases(vendor: str = "amplemarket") -> list[ResponseCase]:
    """Every (operation, status) whose response has a JSON body in the curated spec."""
    document = curated(vendor)
    cases = []
    for _path, _method, operation in operations(document):
        for status, response in operation.get("responses", {}).items():
            response = resolve(document, response)
            content = (response.get("content") or {}).get("application/json")
            if content and "schema" in content:
                cases.append(ResponseCase(operation["operationId"], str(status), content["schema"]))
    return cases


@cache
def endpoint_modules(package: str) -> dict[str, ModuleType]:
    """Generated endpoint modules by operationId (module name)."""
    api = importlib.import_module(f"{package}.api")
    found: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(api.__path__, prefix=f"{package}.api."):
        module = importlib.import_module(info.name)
        if hasattr(module, "_parse_response"):
            found[info.name.rsplit(".", 1)[1]] = module
    return found


def vendor(name: str = "amplemarket") -> Vendor:
    return get_vendor(name)
