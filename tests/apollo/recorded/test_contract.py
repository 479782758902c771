"""Every recorded Apollo exchange holds against the curated spec, and no cassette leaks the key or a person.

When cassettes are recorded against the live API (``APOLLO_RECORD=live``), a drift from the
spec fails here and names the cassette, the status and the JSON pointer: the place to write
a fix in ``spec/apollo/fixes.yaml``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from apicore.cassettes import QUERY_NAME_KEYS, RECORDED_AGAINST
from apicore.contract import Contract
from apicore.simulation import packaged_spec
from apollo.testing import DEFAULT_API_KEY
from tests._cassettes import Exchange, exchanges, pairs
from tests.apollo.recorded.conftest import CASSETTES as FOLDER
from tests.apollo.recorded.conftest import REDACTED_KEY, REPLAY_KEY, SEED
from tests.apollo.recorded.test_operations import WRONG_KEY

CASSETTES = sorted(FOLDER.rglob("*.yaml"))
IDS = [f"{c.parent.parent.name}/{c.stem}" for c in CASSETTES]
CONTRACT = Contract(packaged_spec("apollo.testing", "apollo"))
#: Cassettes whose request breaks the spec on purpose (to record the server's refusal).
BREAKS_THE_SPEC = {"test_bulk_match_422_more_than_10_details"}
STATUSES = {200, 401, 422, 429}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
SCRUBBED_EMAIL = re.compile(r"^user-[0-9a-f]{10}@example\.com$")
RECORDED = {"simulator": f"apollo simulator seed={SEED}", "live": "live api.apollo.io"}


def _all() -> list[Exchange]:
    return [exchange for cassette in CASSETTES for exchange in exchanges(cassette)]


def test_the_apollo_cassettes_are_there_and_apart_from_amplemarkets() -> None:
    assert len(CASSETTES) >= 10
    assert all(FOLDER in cassette.parents for cassette in CASSETTES)
    from tests.recorded.test_contract import CASSETTES as AMPLEMARKET

    assert not set(AMPLEMARKET) & set(CASSETTES)
    assert not any("apollo" in cassette.parts for cassette in AMPLEMARKET)


def test_every_operation_has_a_cassette_for_each_documented_status() -> None:
    documented = {operation.operation_id for operation in CONTRACT.operations}
    assert documented == {"people_match", "people_bulk_match"}
    seen = set()
    for exchange in _all():
        found = CONTRACT.match(exchange.method, exchange.path)
        assert found is not None, f"{exchange}: not a documented operation"
        seen.add((found[0].operation_id, exchange.status))
    wanted = {(operation, status) for operation in documented for status in STATUSES}
    assert wanted - seen == set(), f"missing cassettes for {sorted(wanted - seen)}"


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_every_exchange_conforms_to_the_curated_spec(cassette: Path) -> None:
    problems = []
    broken_on_purpose = cassette.stem in BREAKS_THE_SPEC
    for exchange in exchanges(cassette):
        request_problems = CONTRACT.check_request(
            exchange.method, exchange.path, exchange.query, exchange.request_body or None,
            _first(exchange.request_headers.get("content-type")),
        )  # fmt: skip
        if broken_on_purpose:
            assert exchange.status == 422, f"{exchange}: a request that breaks the spec must be refused"
            assert request_problems, f"{exchange}: listed in BREAKS_THE_SPEC but conforms"
        else:
            problems += [f"{exchange} request: {problem}" for problem in request_problems]
        headers = {name: values[0] for name, values in exchange.response_headers.items()}
        for problem in CONTRACT.check_response(
            exchange.method, exchange.path, exchange.status, exchange.response_body, headers
        ):
            problems.append(f"{exchange}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_successful_requests_honour_the_specs_x_requires(cassette: Path) -> None:
    """``webhook_url`` is sent exactly when ``reveal_phone_number`` is true (a rule OpenAPI cannot say)."""
    for exchange in exchanges(cassette):
        found = CONTRACT.match(exchange.method, exchange.path)
        assert found is not None
        if not 200 <= exchange.status < 300:
            continue
        for rule in found[0].spec.get("x-requires", []):
            applies = all(
                (exchange.query.get(name) or [""])[-1] == str(value).lower() for name, value in rule["when"].items()
            )
            given = bool((exchange.query.get(rule["parameter"]) or [""])[-1])
            if applies:
                assert given, f"{exchange}: {rule['parameter']} is required when {rule['when']}"
            elif rule.get("otherwise") == "omit":
                assert not given, f"{exchange}: {rule['parameter']} is sent although {rule['when']} does not hold"


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_no_cassette_holds_the_key(cassette: Path) -> None:
    text = cassette.read_text(encoding="utf-8")
    for key in (DEFAULT_API_KEY, REPLAY_KEY, WRONG_KEY):
        assert key not in text, f"{cassette.stem} holds an API key"
    for exchange in exchanges(cassette):
        headers = {name.lower(): values for name, values in exchange.request_headers.items()}
        assert headers.get("x-api-key") == [REDACTED_KEY], f"{exchange}: the x-api-key header is not redacted"
        assert "authorization" not in headers, f"{exchange}: the key must travel in X-Api-Key only"
        assert "x-api-key" not in {name.lower() for name in exchange.response_headers}
    for value in re.findall(r"(?im)^\s*x-api-key:\s*\n\s*-\s*(.+)$", text):
        assert value.strip("'\"") == REDACTED_KEY, f"{cassette.stem}: an x-api-key value other than the redacted one"


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_every_response_says_where_it_was_recorded(cassette: Path) -> None:
    expected = RECORDED[cassette.parent.parent.name]
    for exchange in exchanges(cassette):
        assert exchange.response_headers.get(RECORDED_AGAINST) == [expected], str(exchange)


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_no_cassette_holds_personal_data(cassette: Path) -> None:
    text = cassette.read_text(encoding="utf-8")
    for email in set(EMAIL.findall(text)):
        assert SCRUBBED_EMAIL.match(email), f"{cassette.stem}: unscrubbed email {email}"
    assert not re.search(r"linkedin\.com/in/(?!person-[0-9a-f]{10}\b)", text), "an unscrubbed LinkedIn profile"
    for exchange in exchanges(cassette):
        for key, values in exchange.query.items():
            if key in QUERY_NAME_KEYS:
                assert all(v.startswith("Name ") for v in values), f"{exchange}: unscrubbed {key} {values}"
        for raw in (exchange.request_body, exchange.response_body):
            document = json.loads(raw) if raw.startswith((b"{", b"[")) else None
            for key, value in pairs(document):
                if key in {"name", "first_name", "last_name"}:
                    assert value is None or str(value).startswith("Name "), f"{exchange}: unscrubbed {key} {value!r}"


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None
