"""The fast paths give what the plain paths give.

Generated endpoints (and the client's link pages) read bodies with the package's ``types.parse_model``,
with the garbage collector paused: msgspec's strict decode into the Structs of ``_fast.py``, or for a body
it refuses ``decode_json`` (msgspec, falling back to ``json.loads``) and the generated ``from_dict``, which
reads every declared key with one ``itemgetter`` call, fills absent ones with UNSET, copies lists of plain
items in one call and builds lists of models with a comprehension.
Here: the decoded builtins equal ``json.loads``'s (values and types) on every cassette body and on odd JSON;
on every documented response of the tolerance corpus and its variants (every field null, absent, odd;
unknown keys; both at once), the endpoint's parser gives a model that round-trips to the very body and
equals ``from_dict(json.loads(...))``; the collector's state always comes back; ``parse_uuid`` agrees with
``UUID`` on every form.
"""

from __future__ import annotations

import copy
import gc
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import yaml

from amplemarket_api.types import decode_json as decode
from amplemarket_api.types import paused_gc
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
    """The corpus body, then every variant; a UUID in a non-canonical form comes last and back canonical."""
    document = case.document
    full, locations = synthesize(document, case.schema)
    bodies, braced = [full], []
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
            braced.append(odd)
    return bodies + braced


def _odd_keys(body: Any) -> Any:
    """``body`` with an unknown key added and a declared one removed at every object: the slowest path."""
    if isinstance(body, list):
        return [_odd_keys(item) for item in body]
    if not isinstance(body, dict):
        return body
    odd = {key: _odd_keys(value) for key, value in body.items()}
    if odd:
        odd.pop(next(iter(odd)))
    odd["zz_unexpected"] = [1, {"k": None}]
    return odd


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_endpoint_parser_round_trips_the_tolerance_corpus(case: Case) -> None:
    variants = _variants(case)
    variants.append(_odd_keys(variants[0]))
    for body in variants:
        raw = json.dumps(body).encode()
        parsed = _tolerant(case, raw)
        assert parsed is not None, case.id
        if "{12345678-" not in raw.decode():
            assert parsed.to_dict() == body, case.id
        reference = type(parsed).from_dict(json.loads(raw))
        assert reference.to_dict() == parsed.to_dict()
        assert repr(parsed) == repr(reference)


def _fail_inside_two_pauses() -> None:
    with paused_gc:
        with paused_gc:
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
        raise RuntimeError("inside")


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_state_comes_back_after_a_parse(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        case = next(c for c in CASES if c.package == "amplemarket_api")
        raw = json.dumps(_variants(case)[0]).encode()
        assert _tolerant(case, raw) is not None
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError, match="inside"):
            _fail_inside_two_pauses()
        assert gc.isenabled() is enabled
        assert _tolerant(case, b"not json") is None  # a body that fails to parse restores it too
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_concurrent_pauses_enable_the_collector_only_when_the_last_ends() -> None:
    inside, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with paused_gc:
            inside.wait()
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_a_missing_required_field_still_fails_and_an_absent_optional_one_reads_none() -> None:
    from amplemarket_api.models import CancelRequest, Location

    with pytest.raises(KeyError, match="status"):
        CancelRequest.from_dict({"other": 1})
    assert CancelRequest.from_dict({"status": "canceled", "why": 1}).additional_properties == {"why": 1}
    location = Location.from_dict({"city": "Lisbon", "zz": 1})  # absent and unknown keys at once
    assert (location.city, location.country, location.additional_properties) == ("Lisbon", None, {"zz": 1})
    assert location.to_dict() == {"city": "Lisbon", "zz": 1}


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


def _strict_taken(case: Case, body: Any, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether the endpoint parser built ``body`` on the strict path (it never fell back to ``decode_json``)."""
    types_module = __import__(f"{case.package}.types", fromlist=["decode_json"])
    fallbacks: list[bytes] = []
    real = types_module.decode_json

    def counting(content: bytes | str) -> Any:
        fallbacks.append(content if isinstance(content, bytes) else content.encode())
        return real(content)

    monkeypatch.setattr(types_module, "decode_json", counting)
    assert _tolerant(case, json.dumps(body).encode()) is not None
    monkeypatch.undo()
    return not fallbacks


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_documented_bodies_take_the_strict_path_and_odd_ones_fall_back(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = __import__(f"{case.package}._fast", fromlist=["STRICT"])
    module = endpoint_modules(case.package)[case.response.operation_id]
    variants = _variants(case)
    parsed = _tolerant(case, json.dumps(variants[0]).encode())
    assert module is not None
    if type(parsed) not in fast.STRICT:  # a date-time, or a union of kinds: always the tolerant parser
        assert not _strict_taken(case, variants[0], monkeypatch)
        return
    assert _strict_taken(case, variants[0], monkeypatch), "a documented body fell back to the tolerant parser"
    assert _strict_taken(case, {}, monkeypatch)  # every field absent is documented too
    odd = {**variants[0], "zz_unexpected_top": {"nested": [1]}}
    open_map = fast.STRICT[type(parsed)][0] == dict[str, Any]  # any key and value is documented there
    assert _strict_taken(case, odd, monkeypatch) is open_map


@pytest.mark.parametrize("package", ["amplemarket_api", "apollo_api"])
def test_most_response_models_have_a_strict_decoder(package: str) -> None:
    fast = __import__(f"{package}._fast", fromlist=["STRICT"])
    cases = [case for case in CASES if case.package == package]
    responses = {type(_tolerant(case, json.dumps(_variants(case)[0]).encode())) for case in cases}
    strict = responses & set(fast.STRICT)
    assert len(strict) >= 0.8 * len(responses), sorted(c.__name__ for c in responses - strict)


@pytest.mark.parametrize("package", ["amplemarket_api", "apollo_api"])
def test_without_msgspec_the_package_parses_on_the_tolerant_path(package: str) -> None:
    script = (
        "import sys, json\n"
        "sys.modules['msgspec'] = None  # as if it were not installed\n"
        f"from {package} import types, models\n"
        "cls = models.Person\n"
        "body = json.dumps({'zz_unexpected': [1, None]})\n"
        "model = types.parse_model(body.encode(), cls)\n"
        "assert model.additional_properties == {'zz_unexpected': [1, None]}, model\n"
        "assert types.decode_json(b'[1, 2.5]') == [1, 2.5]\n"
        "print('tolerant', type(model).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tolerant ")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"city": "Lisbon", "city": null}',  # a repeated key: the last one wins, as in json.loads
        b'{"is_primary": 1}',  # an int where a bool is documented
        b'{"is_primary": true, "postal_code": 1100}',  # a number where a string is documented
        b'{"city": "\\ud800"}',  # a lone surrogate
        b'{"city": "Lisboa", "zz": 12345678901234567890123}',  # an integer beyond 64 bits
        b'{"address": "1 Rua Augusta", "country": "PT", "state": "", "city": "Lisbon", "postal_code": "1100-053"}',
    ],
)
def test_parse_model_equals_the_tolerant_path_on_edge_bodies(raw: bytes) -> None:
    from amplemarket_api.models import Location
    from amplemarket_api.types import parse_model

    parsed, reference = parse_model(raw, Location), Location.from_dict(json.loads(raw))
    assert parsed.to_dict() == reference.to_dict()
    assert repr(parsed) == repr(reference)
    assert parsed.additional_properties == reference.additional_properties


def _documented_examples() -> list[tuple[str, str, str, Any]]:
    """(package, operationId, status, body) for every response example of the curated specs: the vendors'
    own examples, harvested from their documentation pages."""
    found = []
    for vendor, package in (("amplemarket", "amplemarket_api"), ("apollo", "apollo_api")):
        document = yaml.safe_load((ROOT.parent / "spec" / vendor / "openapi.yaml").read_text(encoding="utf-8"))
        for item in document["paths"].values():
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, response in operation["responses"].items():
                    for media in (resolve(document, response).get("content") or {}).values():
                        bodies = [media["example"]] if "example" in media else []
                        bodies += [resolve(document, e).get("value") for e in (media.get("examples") or {}).values()]
                        found += [(package, operation["operationId"], status, b) for b in bodies if b is not None]
    return found


EXAMPLES = _documented_examples()


def test_the_vendors_documented_examples_take_the_strict_path_and_parse_as_the_tolerant_path() -> None:
    assert len(EXAMPLES) > 100
    for package, operation_id, status, body in EXAMPLES:
        raw = json.dumps(body).encode()
        response = httpx.Response(int(status), content=raw, headers={"content-type": "application/json"})
        parsed = endpoint_modules(package)[operation_id]._parse_response(client=_client(package), response=response)
        assert parsed is not None, (operation_id, status)
        reference = type(parsed).from_dict(json.loads(raw))
        assert parsed.to_dict() == reference.to_dict(), (operation_id, status)
        assert repr(parsed) == repr(reference)
        types_module = __import__(f"{package}.types", fromlist=["parse_model"])
        strict = types_module._strict_parser(type(parsed))
        assert strict is not None, type(parsed).__name__
        assert strict(raw).to_dict() == reference.to_dict()  # msgspec accepted the example: no fallback
