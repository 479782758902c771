"""Every recorded exchange holds against the curated spec, and no cassette leaks a secret.

When cassettes are recorded against the live API, a drift from the spec fails here and
names the operation, the status and the JSON pointer: the place to write a fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from amplemarket.testing._data import FIRST, LAST
from amplemarket.testing._spec import load_spec
from amplemarket.testing.cassettes import RECORDED_AGAINST, REDACTED_AUTHORIZATION
from apicore.contract import Contract
from tests._cassettes import body as _body
from tests._cassettes import interactions as _interactions
from tests._cassettes import pairs as _pairs
from tests._cassettes import query as _query

CASSETTES = sorted((Path(__file__).resolve().parent / "cassettes").rglob("*.yaml"))
CONTRACT = Contract(load_spec())
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
SCRUBBED_EMAIL = re.compile(r"^user-[0-9a-f]{10}@example\.com$")
#: Addresses that are not about a person: the simulator's own users and fixed test fixtures.
ALLOWED_EMAILS = re.compile(r"^(user\d+@sim\.example|ceo@competitor\.example|blocked@new-domain\.example)$")


def test_there_is_a_cassette_for_every_operation() -> None:
    seen = set()
    for cassette in CASSETTES:
        for interaction in _interactions(cassette):
            request = interaction["request"]
            found = CONTRACT.match(request["method"], urlsplit(request["uri"]).path)
            if found:
                seen.add(found[0].operation_id)
    documented = {operation.operation_id for operation in CONTRACT.operations}
    assert len(documented) == 33
    assert documented - seen == set(), f"operations without a cassette: {sorted(documented - seen)}"


def test_the_documented_error_statuses_have_cassettes() -> None:
    statuses = {i["response"]["status"]["code"] for c in CASSETTES for i in _interactions(c)}
    assert {400, 401, 402, 404, 408, 422, 429, 451, 500} <= statuses


@pytest.mark.parametrize("cassette", CASSETTES, ids=[c.stem for c in CASSETTES])
def test_every_exchange_conforms_to_the_curated_spec(cassette: Path) -> None:
    problems = []
    for number, interaction in enumerate(_interactions(cassette)):
        request, response = interaction["request"], interaction["response"]
        method, uri = request["method"], request["uri"]
        path = urlsplit(uri).path
        headers = {k: v[0] for k, v in response.get("headers", {}).items()}
        status = response["status"]["code"]
        if status != 400:  # a 400 answers a request that breaks the spec on purpose
            for problem in CONTRACT.check_request(method, path, _query(uri), _body(request.get("body")) or None):
                problems.append(f"#{number} {method} {path} request: {problem}")
        for problem in CONTRACT.check_response(method, path, status, _body(response.get("body")), headers):
            problems.append(f"#{number} {method} {path} -> {status}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("cassette", CASSETTES, ids=[c.stem for c in CASSETTES])
def test_no_cassette_holds_a_secret_or_personal_data(cassette: Path) -> None:
    text = cassette.read_text(encoding="utf-8")
    for interaction in _interactions(cassette):
        request, response = interaction["request"], interaction["response"]
        assert request["headers"].get("authorization", [REDACTED_AUTHORIZATION]) == [REDACTED_AUTHORIZATION]
        assert RECORDED_AGAINST in response["headers"], "every cassette says where it was recorded"
    assert not re.search(r"Bearer (?!<redacted>)\S+", text), "a bearer token was recorded"
    assert "sk-" not in text.replace("sk-wrong-key", ""), "an API key was recorded"
    for email in set(EMAIL.findall(text)):
        assert SCRUBBED_EMAIL.match(email) or ALLOWED_EMAILS.match(email), f"unscrubbed email {email}"
    for interaction in _interactions(cassette):
        body = _body(interaction["response"].get("body"))
        data = json.loads(body) if body.startswith((b"{", b"[")) else None
        for key, value in _pairs(data):
            if key in {"first_name", "last_name"}:
                assert value is None or str(value).startswith("Name "), f"unscrubbed {key} {value!r}"
            if key == "number":
                assert str(value).startswith("+1 555 01"), f"unscrubbed phone number {value!r}"
    names = "|".join(FIRST + LAST)
    assert not re.search(rf'"(first_name|last_name|name)": "({names})\b', text), "a real-looking name was recorded"
