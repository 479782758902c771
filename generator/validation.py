"""Structural validation of OpenAPI documents and validation of their examples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# openapi-spec-validator switches to jsonschema-rs whenever it is installed (schemathesis brings it), and
# that backend words its messages differently; the build quotes them, so pin the one they are written for.
os.environ.setdefault("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")

from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from referencing.exceptions import Unresolvable

from .overlay import pointer_to_jsonpath

__all__ = ["ExampleProblem", "check_examples", "iter_examples", "structural_errors"]


def structural_errors(document: Any) -> list[str]:
    """Problems that make ``document`` an invalid OpenAPI 3.0/3.1 document (empty if valid)."""
    if not isinstance(document, dict):
        return ["$: the document is not a mapping"]
    version = str(document.get("openapi", ""))
    if version.startswith("3.0"):
        validator_cls: Any = OpenAPIV30SpecValidator
    elif version.startswith("3.1"):
        validator_cls = OpenAPIV31SpecValidator
    else:
        return [f"$.openapi: unsupported OpenAPI version {version!r} (3.0.x or 3.1.x expected)"]
    problems = []
    try:
        for error in validator_cls(document).iter_errors():
            location = pointer_to_jsonpath(list(getattr(error, "path", ()) or ()))
            problems.append(f"{location}: {error.message}")
    except Exception as exc:
        problems.append(f"$: the document is too malformed to validate ({type(exc).__name__}: {exc})")
    return problems


@dataclass(frozen=True)
class ExampleProblem:
    """An example that does not validate against the schema it illustrates."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True)
class _Example:
    location: tuple[Any, ...]
    value: Any
    schema: Any
    direction: str  # "request" or "response"


def _resolve(document: dict[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return node
        target: Any = document
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or key not in target:
                return node  # a dangling reference: structural validation reports it, examples are not checked
            target = target[key]
        node = target
        seen += 1
    return node


def _media_examples(
    document: dict[str, Any], holder: Any, location: tuple[Any, ...], direction: str
) -> Iterator[_Example]:
    """Examples of a media type, parameter or header object (they all carry ``schema``)."""
    holder = _resolve(document, holder)
    if not isinstance(holder, dict) or "schema" not in holder:
        return
    schema = holder["schema"]
    if "example" in holder:
        yield _Example((*location, "example"), holder["example"], schema, direction)
    for name, example in (holder.get("examples") or {}).items():
        example = _resolve(document, example)
        if isinstance(example, dict) and "value" in example:
            yield _Example((*location, "examples", name, "value"), example["value"], schema, direction)


def _schema_examples(node: Any, location: tuple[Any, ...], direction: str) -> Iterator[_Example]:
    """``example`` keywords inside a schema, each checked against its own subschema."""
    if isinstance(node, dict):
        if "example" in node and "$ref" not in node:
            yield _Example((*location, "example"), node["example"], node, direction)
        for key, value in node.items():
            if key in {"example", "examples", "enum", "default", "x-known-values"}:
                continue
            yield from _schema_examples(value, (*location, key), direction)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schema_examples(value, (*location, index), direction)


def _operation_examples(document: dict[str, Any], path: str, method: str, operation: Any) -> Iterator[_Example]:
    base = ("paths", path, method)
    for index, parameter in enumerate(operation.get("parameters") or []):
        yield from _media_examples(document, parameter, (*base, "parameters", index), "request")
    body = _resolve(document, operation.get("requestBody"))
    if isinstance(body, dict):
        for media, content in (body.get("content") or {}).items():
            yield from _media_examples(document, content, (*base, "requestBody", "content", media), "request")
    for status, response in (operation.get("responses") or {}).items():
        if isinstance(response, dict) and "$ref" in response:
            continue  # checked once under components.responses
        yield from _response_examples(document, response, (*base, "responses", str(status)))


def _response_examples(document: dict[str, Any], response: Any, location: tuple[Any, ...]) -> Iterator[_Example]:
    if not isinstance(response, dict):
        return
    for media, content in (response.get("content") or {}).items():
        yield from _media_examples(document, content, (*location, "content", media), "response")
    for name, header in (response.get("headers") or {}).items():
        yield from _media_examples(document, header, (*location, "headers", name), "response")


def iter_examples(document: dict[str, Any]) -> Iterator[_Example]:
    """Every example in the document, with the schema it must satisfy."""
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    for path, item in (document.get("paths") or {}).items():
        for index, parameter in enumerate(item.get("parameters") or []):
            yield from _media_examples(document, parameter, ("paths", path, "parameters", index), "request")
        for method, operation in item.items():
            if method in methods and isinstance(operation, dict):
                yield from _operation_examples(document, path, method, operation)
    components = document.get("components") or {}
    for name, response in (components.get("responses") or {}).items():
        yield from _response_examples(document, response, ("components", "responses", name))
    for name, parameter in (components.get("parameters") or {}).items():
        yield from _media_examples(document, parameter, ("components", "parameters", name), "request")
    for name, body in (components.get("requestBodies") or {}).items():
        for media, content in ((body or {}).get("content") or {}).items():
            yield from _media_examples(
                document, content, ("components", "requestBodies", name, "content", media), "request"
            )
    for name, schema in (components.get("schemas") or {}).items():
        yield from _schema_examples(schema, ("components", "schemas", name), "response")


def check_examples(document: dict[str, Any]) -> list[ExampleProblem]:
    """Validate every example against its schema (OpenAPI 3.0 semantics, formats checked)."""
    problems: list[ExampleProblem] = []
    components = document.get("components") or {}
    for example in iter_examples(document):
        root = dict(example.schema) if isinstance(example.schema, dict) else {}
        root["components"] = components
        validator_cls: Any = OAS30WriteValidator if example.direction == "request" else OAS30ReadValidator
        validator = validator_cls(root, format_checker=oas30_format_checker)
        try:
            errors = sorted(validator.iter_errors(example.value), key=lambda e: list(e.absolute_path))
        except Unresolvable as exc:
            location = pointer_to_jsonpath(list(example.location))
            problems.append(ExampleProblem(location, f"its schema has an unresolvable reference: {exc}"))
            continue
        for error in errors[:3]:
            where = pointer_to_jsonpath(list(error.absolute_path)).replace("$", "value", 1)
            problems.append(ExampleProblem(pointer_to_jsonpath(list(example.location)), f"{where}: {error.message}"))
    return problems
