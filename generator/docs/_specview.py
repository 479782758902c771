"""The spec side of a drift comparison: operations, parameters and properties with their JSON pointers.

Drift needs to know not only what a spec declares but where, so that each finding can carry the
edit that resolves it.  Everything here follows local ``$ref`` chains and remembers the pointer
of the node it ends on (``#/components/schemas/X`` is ``/components/schemas/X``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ._facts import json_media, operations_of
from ._schemas import as_dict, as_list, path_key, pointer

__all__ = ["SpecOperation", "SpecParameter", "SpecView", "own_words"]

OperationKey = tuple[str, str]


@dataclass(frozen=True)
class SpecParameter:
    """A declared parameter (``location`` query, path, header, cookie) or request-body property (``body``).

    ``pointer`` is where the parameter object (or the body property's schema) is; ``holder`` is the
    schema that lists a body property (its ``required`` list lives there).
    """

    name: str
    location: str
    schema: Any
    pointer: str
    holder: str = ""


@dataclass(frozen=True)
class SpecOperation:
    method: str
    path: str
    operation: dict[str, Any]
    pointer: str
    parameters: dict[str, SpecParameter] = field(default_factory=dict)
    #: The request body's JSON schema (resolved) and its pointer, when the operation has a JSON body.
    body: tuple[dict[str, Any], str] | None = None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


class SpecView:
    """Read-only view of one spec document with pointer bookkeeping."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.operations = self._operations()

    @property
    def schemas(self) -> dict[str, Any]:
        return as_dict(as_dict(self.spec.get("components")).get("schemas"))

    def locate(self, node: Any, where: str, *, limit: int = 32) -> tuple[Any, str]:
        """Follow ``node``'s local ``$ref`` chain; the node it ends on and that node's pointer."""
        for _ in range(limit):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                break
            target: Any = self.spec
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    return node, where
                target = target[part]
            node, where = target, ref[1:]
        return node, where

    def properties(self, schema: Any, where: str) -> dict[str, tuple[Any, str, str]]:
        """``name -> (schema, pointer, holder pointer)`` for every property, ``allOf`` members included."""
        schema, where = self.locate(schema, where)
        found: dict[str, tuple[Any, str, str]] = {}
        if not isinstance(schema, dict):
            return found
        for index, member in enumerate(as_list(schema.get("allOf"))):
            found.update(self.properties(member, f"{where}/allOf/{index}"))
        for name, value in as_dict(schema.get("properties")).items():
            found[str(name)] = (value, where + pointer("properties", str(name)), where)
        return found

    def media(self, holder: Any, where: str) -> tuple[dict[str, Any], str] | None:
        """The JSON media object (and its pointer) of a request body or response."""
        holder, where = self.locate(holder, where)
        content = holder.get("content") if isinstance(holder, dict) else None
        chosen = json_media(content)
        if chosen is None or not isinstance(content, dict):
            return None
        name = next(key for key, value in content.items() if value is chosen)
        return chosen, where + pointer("content", name)

    def walk_example(self, value: Any, schema: Any, where: str, seen: dict[str, set[str]]) -> None:
        """Record, per component schema, the member names an example value shows under it."""
        node, located = self.locate(schema, where)
        if not isinstance(node, dict):
            return
        component = located.split("/")[3] if located.startswith("/components/schemas/") else None
        for key in ("allOf", "anyOf", "oneOf"):
            for index, member in enumerate(as_list(node.get(key))):
                self.walk_example(value, member, f"{located}/{key}/{index}", seen)
        if isinstance(value, dict):
            if component is not None and located.count("/") == 3:
                seen.setdefault(component.replace("~1", "/").replace("~0", "~"), set()).update(map(str, value))
            props = as_dict(node.get("properties"))
            for name, member in value.items():
                if name in props:
                    self.walk_example(member, props[name], located + pointer("properties", str(name)), seen)
                elif isinstance(node.get("additionalProperties"), dict):
                    self.walk_example(member, node["additionalProperties"], f"{located}/additionalProperties", seen)
        elif isinstance(value, list) and isinstance(node.get("items"), dict):
            for member in value:
                self.walk_example(member, node["items"], f"{located}/items", seen)

    def _operations(self) -> dict[OperationKey, SpecOperation]:
        found: dict[OperationKey, SpecOperation] = {}
        for method, path, operation, shared in operations_of(self.spec):
            found[(method, path_key(path))] = self._operation(method, path, operation, shared)
        return found

    def _operation(self, method: str, path: str, operation: dict[str, Any], shared: list[Any]) -> SpecOperation:
        where = pointer("paths", path, method)
        parameters: dict[str, SpecParameter] = {}
        common = [(raw, pointer("paths", path, "parameters", str(i))) for i, raw in enumerate(shared)]
        own = [(raw, f"{where}/parameters/{i}") for i, raw in enumerate(as_list(operation.get("parameters")))]
        for raw, at in [*own, *common]:
            parameter, _ = self.locate(raw, at)
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                location = str(parameter.get("in", "query"))
                parameters.setdefault(
                    parameter["name"], SpecParameter(parameter["name"], location, parameter.get("schema"), at)
                )
        body: tuple[dict[str, Any], str] | None = None
        media = self.media(operation.get("requestBody"), f"{where}/requestBody")
        if media is not None and isinstance(media[0].get("schema"), dict):
            schema, schema_at = self.locate(media[0]["schema"], media[1] + "/schema")
            if isinstance(schema, dict):
                body = (schema, schema_at)
                for name, (value, at, holder) in self.properties(schema, schema_at).items():
                    parameters.setdefault(name, SpecParameter(name, "body", value, at, holder))
        return SpecOperation(method, path, operation, where, parameters, body)

    def iter_examples(self, media: dict[str, Any]) -> Iterator[Any]:
        """The example values a media object holds (``example`` and every ``examples`` entry)."""
        if "example" in media:
            yield media["example"]
        for example in as_dict(media.get("examples")).values():
            example, _ = self.locate(example, "")
            if isinstance(example, dict) and "value" in example:
                yield example["value"]


def own_words(schema: Any, known: set[str]) -> Any:
    """A documented schema as the spec may keep it: no vendor sentences, no references to unknown components.

    ``description`` and ``title`` are the vendor's words and are dropped (at every level of the
    schema, not from property names); a ``$ref`` to a schema the spec does not have becomes
    ``{"type": "object"}``.
    """
    if not isinstance(schema, dict):
        return copy.deepcopy(schema)
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return {"$ref": ref} if ref.startswith("#/components/schemas/") and name in known else {"type": "object"}
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in {"description", "title"}:
            continue
        if key == "properties" and isinstance(value, dict):
            result[key] = {name: own_words(member, known) for name, member in value.items()}
        elif key in {"items", "additionalProperties", "not"}:
            result[key] = own_words(value, known)
        elif key in {"allOf", "anyOf", "oneOf"} and isinstance(value, list):
            result[key] = [own_words(member, known) for member in value]
        else:
            result[key] = copy.deepcopy(value)
    return result
