"""The generated clients never crash on a response, whatever the curated spec says.

For every vendor, for every documented JSON response of every operation, a full instance is synthesized
from the curated schema and then varied at every location: an unknown enum value,
``null``, an unknown extra field, a missing field, a malformed date.  Each variant is
parsed by the generated endpoint's own ``_parse_response`` and must come back as a
model that round-trips to the exact input through ``to_dict()``.
"""

from __future__ import annotations

import copy
import enum
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import attrs
import httpx
import pytest

from generator.vendors import VENDORS
from tests._specdata import (
    ResponseCase,
    curated,
    delete_at,
    endpoint_modules,
    resolve,
    response_cases,
    set_at,
    synthesize,
)

UNKNOWN = "zz_value_added_later"
MALFORMED_DATE = "sometime in 2020"


@dataclass(frozen=True)
class Case:
    """One documented response of one vendor's operation."""

    vendor: str
    response: ResponseCase

    @property
    def id(self) -> str:
        return f"{self.vendor}-{self.response.id}"

    @property
    def package(self) -> str:
        return VENDORS[self.vendor].package

    @property
    def document(self) -> dict[str, Any]:
        return curated(self.vendor)

    @property
    def schema(self) -> dict[str, Any]:
        return self.response.schema


CASES = [Case(name, response) for name in sorted(VENDORS) for response in response_cases(name)]


def _client(package: str) -> Any:
    return importlib.import_module(package).Client(base_url="https://api.example.invalid")


def _parse(case: Case, body: Any) -> Any:
    module = endpoint_modules(case.package)[case.response.operation_id]
    response = httpx.Response(int(case.response.status), json=body)
    return module._parse_response(client=_client(case.package), response=response)


def _walk(value: Any) -> Iterator[Any]:
    """Every value reachable from a parsed model (attrs fields, lists, additional properties)."""
    yield value
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


def _roundtrip(case: Case, body: Any, what: str) -> Any:
    parsed = _parse(case, body)
    assert parsed is not None, f"{case.id}: {what}: the body was not parsed"
    assert parsed.to_dict() == body, f"{case.id}: {what}: to_dict() does not give back the input"
    return parsed


def _is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_documented_response_survives_every_variant(case: Case) -> None:
    document = case.document
    full, locations = synthesize(document, case.schema)
    _roundtrip(case, full, "full instance")
    if not isinstance(full, dict):
        return
    _roundtrip(case, {}, "empty object (every field missing)")
    body = copy.deepcopy(full)
    body["zz_unexpected_top"] = {"nested": [1, None]}
    parsed = _roundtrip(case, body, "unknown top-level field")
    assert parsed.additional_properties["zz_unexpected_top"] == {"nested": [1, None]}

    for location in locations:
        where = "/".join(str(p) for p in location.path)
        schema = resolve(document, location.schema)

        nulled = copy.deepcopy(full)
        set_at(nulled, location.path, None)
        _roundtrip(case, nulled, f"null at {where}")

        if isinstance(location.path[-1], str):
            missing = copy.deepcopy(full)
            delete_at(missing, location.path)
            _roundtrip(case, missing, f"missing {where}")

        if "enum" in schema:
            odd = copy.deepcopy(full)
            set_at(odd, location.path, UNKNOWN)
            parsed = _roundtrip(case, odd, f"unknown enum value at {where}")
            found = [v for v in _walk(parsed) if isinstance(v, enum.Enum) and v == UNKNOWN]
            assert found, f"{case.id}: the unknown value at {where} was not kept as an enum member"
            assert all(v.is_known is False for v in found)  # type: ignore[attr-defined]

        if schema.get("format") in {"date", "date-time"}:
            odd = copy.deepcopy(full)
            set_at(odd, location.path, MALFORMED_DATE)
            parsed = _roundtrip(case, odd, f"malformed date at {where}")
            assert MALFORMED_DATE in list(_walk(parsed)), f"{case.id}: malformed date at {where} was not kept"

        if _is_object(schema) and location.path:
            extra = copy.deepcopy(full)
            target = extra
            for part in location.path:
                target = target[part]
            if isinstance(target, dict):
                target["zz_unexpected"] = "kept"
                _roundtrip(case, extra, f"unknown field inside {where}")


def _item_schema(document: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """The object schema of an array's items (the first non-null alternative of an anyOf)."""
    items = resolve(document, prop.get("items", {}))
    for alternative in items.get("anyOf", []):
        alternative = resolve(document, alternative)
        if alternative.get("enum") != [None]:
            return alternative  # type: ignore[no-any-return]
    return items  # type: ignore[no-any-return]


def _list_cases() -> list[tuple[Case, str]]:
    found = []
    for case in CASES:
        document = case.document
        schema = resolve(document, case.schema)
        for name, prop in (schema.get("properties") or {}).items():
            prop = resolve(document, prop)
            if prop.get("type") == "array" and _is_object(_item_schema(document, prop)):
                found.append((case, name))
    return found


LIST_CASES = _list_cases()


@pytest.mark.parametrize(("case", "field"), LIST_CASES, ids=[f"{c.id}-{f}" for c, f in LIST_CASES])
def test_a_page_of_100_with_one_odd_item_parses_whole(case: Case, field: str) -> None:
    document = case.document
    full, _ = synthesize(document, case.schema)
    item = full[field][0]
    page = [copy.deepcopy(item) for _ in range(100)]
    odd = page[37]
    for key in list(odd)[: len(odd) // 2]:
        odd[key] = None
    odd["zz_unexpected"] = {"x": 1}
    body = dict(full)
    body[field] = page
    parsed = _roundtrip(case, body, f"100 items in {field} with one odd item")
    items = next(v for v in _walk(parsed) if isinstance(v, list) and len(v) == 100)
    assert all(attrs.has(type(i)) for i in items), "every item, the odd one included, is a model"
    assert items[37].additional_properties["zz_unexpected"] == {"x": 1}


@pytest.mark.parametrize("package", sorted(v.package for v in VENDORS.values()))
@pytest.mark.parametrize("status", [200, 499, 520, 599, 302, 418])
def test_odd_status_codes_and_bodies_never_raise(status: int, package: str) -> None:
    client = _client(package)
    for name, module in sorted(endpoint_modules(package).items()):
        for response in (
            httpx.Response(status, json={"unexpected": True}),
            httpx.Response(status, content=b"<html>Bad gateway</html>"),
            httpx.Response(status, json=["not", "an", "object"]),
        ):
            built = module._build_response(client=client, response=response)
            assert built.status_code == status, name
            assert built.content == response.content, name
