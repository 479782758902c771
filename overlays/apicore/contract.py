"""Hold HTTP exchanges against an OpenAPI 3.0 document.

Used by the simulators (every request they receive is checked before it is served) and
by the contract tests (every recorded request and response is checked).  Strict by
design: this is the "be strict in tests" half of the house rules; the generated client
itself stays tolerant.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import unquote

from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker

__all__ = ["Contract", "Operation", "Problem"]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Problem:
    """One way an exchange departs from the spec.

    ``pointer`` is a JSON pointer into the request/response body, ``parameter`` the name of
    a query or path parameter, ``header`` a header name (as the errors page of the API
    describes an error's ``source``).
    """

    message: str
    pointer: str | None = None
    parameter: str | None = None
    header: str | None = None

    def source(self) -> dict[str, str]:
        found = {"pointer": self.pointer, "parameter": self.parameter, "header": self.header}
        return {k: v for k, v in found.items() if v is not None}

    def __str__(self) -> str:
        where = self.pointer or self.parameter or self.header or ""
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    spec: Mapping[str, Any]
    path_item: Mapping[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", f"{self.method} {self.template}"))


def _pointer(path: Sequence[Any]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path) if path else ""


class Contract:
    """An OpenAPI 3.0 document, ready to match paths and validate requests and responses."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._validators: dict[tuple[int, str], Any] = {}

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern[str], Operation]]:
        routes = []
        for template, item in self.document.get("paths", {}).items():
            regex = re.compile("^" + re.sub(r"\\\{([^/]+?)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
            for method in _METHODS:
                if method in item:
                    routes.append((regex, Operation(method.upper(), template, item[method], item)))
        # literal paths before templated ones (/contacts/email/{email} before /contacts/{id})
        routes.sort(key=lambda r: (r[1].template.count("{"), -len(r[1].template)))
        return routes

    @property
    def operations(self) -> list[Operation]:
        return [operation for _, operation in self._routes]

    def resolve(self, node: Any) -> Any:
        while isinstance(node, Mapping) and "$ref" in node:
            target: Any = self.document
            for part in str(node["$ref"])[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation for ``method path`` and its path parameters; None when undocumented."""
        for regex, operation in self._routes:
            if operation.method == method.upper():
                found = regex.match(path)
                if found:
                    return operation, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def _validator(self, schema: Mapping[str, Any], direction: str) -> Any:
        key = (id(schema), direction)
        if key not in self._validators:
            root = dict(schema)
            root["components"] = self.document.get("components", {})
            cls = OAS30WriteValidator if direction == "request" else OAS30ReadValidator
            self._validators[key] = cls(root, format_checker=oas30_format_checker)
        return self._validators[key]

    def check_value(
        self, schema: Mapping[str, Any], value: Any, direction: str, base: Sequence[Any] = ()
    ) -> list[Problem]:
        errors = sorted(self._validator(schema, direction).iter_errors(value), key=lambda e: list(e.absolute_path))
        return [Problem(e.message, pointer=_pointer([*base, *e.absolute_path])) for e in errors]

    # ------------------------------------------------------------------------- requests
    def _parameters(self, operation: Operation) -> list[Mapping[str, Any]]:
        merged: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*operation.path_item.get("parameters", []), *operation.spec.get("parameters", [])]:
            parameter = self.resolve(raw)
            merged[(parameter["in"], parameter["name"])] = parameter
        return list(merged.values())

    def _coerce(self, schema: Mapping[str, Any], raw: str) -> Any:
        kind = schema.get("type")
        if kind == "integer" and re.fullmatch(r"-?\d+", raw):
            return int(raw)
        if kind == "number":
            try:
                return float(raw)
            except ValueError:
                return raw
        if kind == "boolean" and raw in {"true", "false"}:
            return raw == "true"
        return raw

    def check_request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Sequence[str]],
        body: bytes | None,
        content_type: str | None = None,
    ) -> list[Problem]:
        """Problems with a request (unknown operation, parameters, body); empty when it conforms."""
        found = self.match(method, path)
        if found is None:
            return [Problem(f"no documented operation {method.upper()} {path}")]
        operation, path_params = found
        problems: list[Problem] = []
        for parameter in self._parameters(operation):
            name, where = parameter["name"], parameter["in"]
            schema = self.resolve(parameter.get("schema", {}))
            if where == "path":
                values: list[str] = [path_params.get(name, "")]
            elif where == "query":
                values = list(query.get(name, []))
            else:
                continue
            if not values:
                if parameter.get("required"):
                    problems.append(Problem(f"the query parameter {name} is required", parameter=name))
                continue
            if schema.get("type") == "array":
                value: Any = [self._coerce(self.resolve(schema.get("items", {})), v) for v in values]
            else:
                if len(values) > 1:
                    problems.append(Problem(f"{name} is given {len(values)} times", parameter=name))
                value = self._coerce(schema, values[-1])
            for problem in self.check_value(schema, value, "request"):
                problems.append(Problem(f"{name}: {problem.message}", parameter=name))
        documented = {p["name"] for p in self._parameters(operation) if p["in"] == "query"}
        for name in query:
            if name not in documented:
                problems.append(Problem(f"{name} is not a documented query parameter", parameter=name))
        problems += self._check_body(operation, body, content_type)
        return problems

    def _check_body(self, operation: Operation, body: bytes | None, content_type: str | None) -> list[Problem]:
        spec = self.resolve(operation.spec.get("requestBody"))
        if not spec:
            return []
        if not body:
            return [Problem("the request body is required", pointer="")] if spec.get("required") else []
        media = (spec.get("content") or {}).get("application/json")
        if media is None:
            return []
        if content_type is not None and "json" not in content_type:
            return [Problem(f"the body must be application/json, not {content_type}", header="Content-Type")]
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return [Problem(f"the body is not valid JSON: {exc}", pointer="")]
        return self.check_value(media.get("schema", {}), value, "request")

    # ------------------------------------------------------------------------- responses
    def check_response(
        self, method: str, path: str, status: int, body: bytes | None, headers: Mapping[str, str] | None = None
    ) -> list[Problem]:
        """Problems with a response to ``method path``; empty when it conforms to the spec."""
        found = self.match(method, path)
        if found is None:
            return [Problem(f"no documented operation {method.upper()} {path}")]
        operation, _ = found
        responses = operation.spec.get("responses", {})
        spec = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if spec is None:
            return [Problem(f"status {status} is not documented for {operation.operation_id}")]
        spec = self.resolve(spec)
        problems: list[Problem] = []
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        for name, header in (spec.get("headers") or {}).items():
            header = self.resolve(header)
            if name.lower() in lowered:
                raw = lowered[name.lower()]
                schema = self.resolve(header.get("schema", {}))
                for problem in self.check_value(schema, self._coerce(schema, raw), "response"):
                    problems.append(Problem(f"{name}: {problem.message}", header=name))
            elif header.get("required"):
                problems.append(Problem(f"the header {name} is required", header=name))
        media = (spec.get("content") or {}).get("application/json")
        if media is None:
            return problems
        try:
            value = json.loads(body or b"")
        except (ValueError, UnicodeDecodeError) as exc:
            return [*problems, Problem(f"the body is not valid JSON: {exc}", pointer="")]
        return problems + self.check_value(media.get("schema", {}), value, "response")
