"""The fast path gives what the tolerant path gives.

The client decodes bodies with ``apicore.requests.decode`` (msgspec, falling back to ``json.loads``), and the
generated ``from_dict`` parses straight-line with fast paths (a dict lookup for enum members, ``parse_uuid``
for canonical UUIDs, slots set directly).  Here: the decoded builtins equal ``json.loads``'s (values and
types) on every cassette body and on odd JSON; the models built from them equal (``to_dict``) those the
generated endpoint's own ``_parse_response`` (``response.json()``) builds, on every documented response of
the tolerance corpus and its variants; ``parse_uuid`` agrees with ``UUID`` on every form.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import yaml

from apicore.requests import decode
from tests._specdata import delete_at, set_at, synthesize
from tests.generated.test_tolerance import CASES, MALFORMED_DATE, UNKNOWN, Case, _client, endpoint_modules, resolve

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = sorted(ROOT.rglob("cassettes/**/*.yaml"))


def _typed(value: Any) -> Any:
    """``value`` with every scalar tagged by its type: 1 and 1.0 (and True) must not compare equal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


def _bodies(path: Path) -> list[bytes]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for interaction in document.get("interactions") or []:
        body = (interaction.get("response") or {}).get("body") or {}
        text = body.get("string") if isinstance(body, dict) else None
        if isinstance(text, bytes):
            found.append(text)
        elif isinstance(text, str) and text.strip():
            found.append(text.encode())
    return found


def test_there_are_cassettes() -> None:
    assert len(CASSETTES) > 20


@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_decode_equals_json_loads_on_every_cassette_body(path: Path) -> None:
    for raw in _bodies(path):
        try:
            expected = json.loads(raw)
        except ValueError:
            with pytest.raises(ValueError, match=r"."):
                decode(raw)
            continue
        assert _typed(decode(raw)) == _typed(expected)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": "\\ud800"}',  # a lone surrogate: msgspec refuses it, json.loads keeps it
        b"NaN",
        b'{"a": 1e400}',
        b"\xef\xbb\xbf{}",
        b'{"a": 123456789012345678901234567890, "b": -0.0, "c": 1.0, "d": [true, null]}',
        b'{"a": 1, "a": 2}',
        b'  {"x": "\\u00e9\\n"}  ',
    ],
)
def test_decode_falls_back_to_json_loads_where_msgspec_differs(raw: bytes) -> None:
    expected = json.loads(raw)
    got = decode(raw)
    assert repr(_typed(got)) == repr(_typed(expected))


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b'{"a": }'])
def test_decode_refuses_invalid_json_with_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError, match=r"."):
        decode(raw)


def _tolerant(case: Case, raw: bytes) -> Any:
    module = endpoint_modules(case.package)[case.response.operation_id]
    response = httpx.Response(int(case.response.status), content=raw, headers={"content-type": "application/json"})
    return module._parse_response(client=_client(case.package), response=response)


def _variants(case: Case) -> list[Any]:
    document = case.document
    full, locations = synthesize(document, case.schema)
    bodies = [full]
    if not isinstance(full, dict):
        return bodies
    bodies.append({})
    extra = copy.deepcopy(full)
    extra["zz_unexpected_top"] = {"nested": [1, None]}
    bodies.append(extra)
    for location in locations:
        schema = resolve(document, location.schema)
        nulled = copy.deepcopy(full)
        set_at(nulled, location.path, None)
        bodies.append(nulled)
        if isinstance(location.path[-1], str):
            missing = copy.deepcopy(full)
            delete_at(missing, location.path)
            bodies.append(missing)
        if "enum" in schema:
            odd = copy.deepcopy(full)
            set_at(odd, location.path, UNKNOWN)
            bodies.append(odd)
        if schema.get("format") in {"date", "date-time"}:
            odd = copy.deepcopy(full)
            set_at(odd, location.path, MALFORMED_DATE)
            bodies.append(odd)
        if schema.get("format") == "uuid":
            odd = copy.deepcopy(full)
            set_at(odd, location.path, "{12345678-1234-5678-1234-567812345678}")
            bodies.append(odd)
    return bodies


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_decode_and_from_dict_equal_the_endpoint_parser_on_the_tolerance_corpus(case: Case) -> None:
    for body in _variants(case):
        raw = json.dumps(body).encode()
        tolerant = _tolerant(case, raw)
        assert tolerant is not None, case.id
        fast = type(tolerant).from_dict(decode(raw))
        assert fast.to_dict() == tolerant.to_dict(), case.id
        assert repr(fast) == repr(tolerant)


@pytest.mark.parametrize("package", ["amplemarket_api", "apollo_api"])
@pytest.mark.parametrize(
    "text",
    [
        "5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e11",
        "5B3B8B0E-7F54-4F35-9D4E-2D0F5A0C9E11",
        "{5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e11}",
        "urn:uuid:5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e11",
        "5b3b8b0e7f544f359d4e2d0f5a0c9e11",
        "5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e1g",
        "5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e1-",
        "5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9_11",
        " 5b3b8b0e-7f54-4f35-9d4e-2d0f5a0c9e1",
        "--5b3b8b0e7f544f359d4e2d0f5a0c9e11--",
        "",
        "x" * 36,
    ],
)
def test_parse_uuid_agrees_with_uuid(package: str, text: str) -> None:
    parse_uuid = __import__(f"{package}.types", fromlist=["parse_uuid"]).parse_uuid

    def outcome(parse: Any) -> Any:
        try:
            value = parse(text)
        except ValueError as error:
            return type(error)
        return (type(value), value, value.is_safe, hash(value), str(value))

    assert outcome(parse_uuid) == outcome(UUID)
