"""The async ``AsyncApollo`` client mirrors the sync one: the same results, calls, errors and rules, awaited.

Runs on anyio's pytest plugin (``pytest.mark.anyio`` with the ``anyio_backend`` fixture), as
the Amplemarket async tests do.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import httpx
import pytest

from apollo import AsyncApollo, Organization, Person, errors
from apollo.testing import Simulator
from tests.apollo.cases import (
    BAD_DETAILS,
    BAD_MATCHES,
    BULK_PATH,
    IDENTIFIED,
    IDENTIFIERS,
    MATCH_PATH,
    NOBODY,
    WEBHOOK,
    Identify,
    bulk_sizes,
    details,
    statuses,
)
from tests.apollo.conftest import BASE, Spy

pytestmark = pytest.mark.anyio

FLAGS = {"reveal_personal_emails": ["false"], "reveal_phone_number": ["false"]}


def scripted(handler: Any, **options: Any) -> AsyncApollo:
    """An ``AsyncApollo`` whose every request ``handler`` answers (httpx.MockTransport)."""
    options.setdefault("api_key", "apollo-test-key-1234")
    return AsyncApollo(base_url=BASE, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), **options)


def recorder(sleeps: list[float]) -> Any:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return sleep


# ----------------------------------------------------------------------------- people.match
async def test_match_returns_the_person_with_the_organization(aapollo: AsyncApollo, sim: Simulator) -> None:
    person = await aapollo.people.match(email=sim.people.email_of(3))
    assert isinstance(person, Person)
    assert person.id == sim.people.id_of(3)
    assert person.name == sim.people.person(3)["name"]
    assert person.email == sim.people.email_of(3)
    assert isinstance(person.organization, Organization)
    assert (person.organization.name, person.organization.primary_domain) == sim.people.employer(3)
    assert [(e.method, e.path, e.query, e.status) for e in sim.log] == [
        ("POST", MATCH_PATH, {"email": [sim.people.email_of(3)], **FLAGS}, 200)
    ]


async def test_match_returns_none_for_a_200_without_a_match(aapollo: AsyncApollo, sim: Simulator) -> None:
    assert await aapollo.people.match(email=NOBODY.format(1)) is None
    assert statuses(sim) == [200]


async def test_match_reads_person_null_from_the_wire_as_none() -> None:
    async with scripted(lambda request: httpx.Response(200, json={"person": None})) as client:
        assert await client.people.match(email="someone@example.com") is None


@pytest.mark.parametrize("identify", IDENTIFIERS)
async def test_match_finds_the_person_by_each_identifier(
    aapollo: AsyncApollo, sim: Simulator, identify: Identify
) -> None:
    given = identify(sim.people)
    person = await aapollo.people.match(**given)
    assert isinstance(person, Person)
    assert person.id == sim.people.id_of(IDENTIFIED)
    assert sim.log[-1].query == {key: [value] for key, value in given.items()} | FLAGS


async def test_match_reveals_personal_emails_and_phones(aapollo: AsyncApollo, sim: Simulator) -> None:
    person = await aapollo.people.match(
        email=sim.people.email_of(9), reveal_personal_emails=True, reveal_phone_number=True, webhook_url=WEBHOOK
    )
    assert person is not None
    assert person.additional_properties["personal_emails"] == [f"{person.first_name.lower()}.9@mail.example"]
    assert sim.phone_webhooks == [(WEBHOOK, sim.people.id_of(9))]


# ----------------------------------------------------------------------------- people.bulk_match
@pytest.mark.parametrize(
    ("count", "calls"), [(1, [1]), (10, [10]), (11, [10, 1]), (25, [10, 10, 5])], ids=["1", "10", "11", "25"]
)
async def test_bulk_match_sends_at_most_10_people_per_call(
    aapollo: AsyncApollo, sim: Simulator, count: int, calls: list[int]
) -> None:
    people = details(sim, count)
    found = await aapollo.people.bulk_match(people)
    assert bulk_sizes(sim) == calls
    assert [e.body["details"] for e in sim.log] == [people[i : i + 10] for i in range(0, count, 10)]
    assert [p.id if p else None for p in found] == [sim.people.id_of(i) for i in range(count)]


async def test_bulk_match_keeps_the_input_order_with_none_where_nobody_matched(
    aapollo: AsyncApollo, sim: Simulator
) -> None:
    missing = {0, 9, 10, 13, 24}
    found = await aapollo.people.bulk_match(details(sim, 25, missing=missing))
    assert [p.id if p else None for p in found] == [None if i in missing else sim.people.id_of(i) for i in range(25)]
    assert bulk_sizes(sim) == [10, 10, 5]


# ----------------------------------------------------------------------------- retries and errors
@pytest.mark.parametrize("operation", ["match", "bulk_match"])
async def test_429_waits_the_retry_after_and_retries(
    aapollo: AsyncApollo, sim: Simulator, sleeps: list[float], operation: str
) -> None:
    sim.faults.rate_limit_burst(2, retry_after=7)
    if operation == "match":
        found: Any = await aapollo.people.match(email=sim.people.email_of(4))
        assert found is not None
        assert found.id == sim.people.id_of(4)
    else:
        found = await aapollo.people.bulk_match(details(sim, 3))
        assert [p.id if p else None for p in found] == [sim.people.id_of(i) for i in range(3)]
    assert sleeps == [7.0, 7.0]
    assert statuses(sim) == [429, 429, 200]


async def test_429_past_max_retries_raises_rate_limited(sim: Simulator, sleeps: list[float]) -> None:
    sim.faults.rate_limit_burst(3, retry_after=2)
    async with sim.async_client(max_retries=1) as client:
        client._sleep = recorder(sleeps)
        with pytest.raises(errors.RateLimited) as info:
            await client.people.match(email=sim.people.email_of(4))
    assert info.value.retry_after == 2.0
    assert sleeps == [2.0]
    assert statuses(sim) == [429, 429]


@pytest.mark.parametrize("operation", ["match", "bulk_match"])
async def test_a_wrong_key_is_an_authentication_error(sim: Simulator, operation: str) -> None:
    async with sim.async_client(api_key="apollo-wrong-key-9999") as client:
        people = client.people
        call = partial(people.match, email=sim.people.email_of(1))
        if operation == "bulk_match":
            call = partial(people.bulk_match, details(sim, 1))
        with pytest.raises(errors.AuthenticationError) as info:
            await call()
    assert info.value.status == 401
    assert statuses(sim) == [401]


@pytest.mark.parametrize("operation", ["match", "bulk_match"])
async def test_the_simulator_refusing_is_unprocessable(operation: str) -> None:
    sim = Simulator(credits=0)
    async with sim.async_client() as client:
        people = client.people
        call = partial(people.match, email=sim.people.email_of(1))
        if operation == "bulk_match":
            call = partial(people.bulk_match, details(sim, 2))
        with pytest.raises(errors.UnprocessableEntity) as info:
            await call()
    assert info.value.status == 422
    assert statuses(sim) == [422]


async def test_a_server_error_is_not_resent(aapollo: AsyncApollo, sim: Simulator, sleeps: list[float]) -> None:
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError):
        await aapollo.people.match(email=sim.people.email_of(1))
    assert statuses(sim) == [500]
    assert sleeps == []


async def test_a_failure_in_the_third_call_keeps_the_first_20_results() -> None:
    sim = Simulator(credits=20)
    async with sim.async_client() as client:
        with pytest.raises(errors.PartialBatchError) as info:
            await client.people.bulk_match(details(sim, 25))
    assert info.value.completed_parts == 2
    assert [p.id if p else None for p in info.value.result] == [sim.people.id_of(i) for i in range(20)]
    assert isinstance(info.value.__cause__, errors.UnprocessableEntity)
    assert bulk_sizes(sim) == [10, 10, 5], "nothing resent"


async def test_a_server_error_in_the_third_call_is_a_partial_batch_and_not_resent(
    sim: Simulator, spy: Spy, aspied: AsyncApollo, sleeps: list[float]
) -> None:
    spy.answers[3] = httpx.Response(503, json={"error": "down for maintenance"})
    with pytest.raises(errors.PartialBatchError) as info:
        await aspied.people.bulk_match(details(sim, 25))
    assert info.value.completed_parts == 2
    assert len(info.value.result) == 20
    assert isinstance(info.value.__cause__, errors.ServerError)
    assert len(spy.requests) == 3
    assert sleeps == []


# ----------------------------------------------------------------------------- the key and the environment
async def test_the_key_travels_in_x_api_key_and_never_in_authorization(
    aspied: AsyncApollo, spy: Spy, sim: Simulator
) -> None:
    await aspied.people.match(email=sim.people.email_of(1))
    await aspied.people.bulk_match(details(sim, 2))
    assert len(spy.requests) == 2
    for request in spy.requests:
        assert request.headers["x-api-key"] == sim.api_key
        assert "authorization" not in request.headers
        assert request.headers["user-agent"].startswith("apollo-python/")


async def test_the_key_is_not_in_reprs_logs_or_errors(
    sim: Simulator, caplog: pytest.LogCaptureFixture, sleeps: list[float]
) -> None:
    caplog.set_level(logging.DEBUG, logger="apollo")
    sim.faults.rate_limit_burst(1)
    async with sim.async_client() as client:
        client._sleep = recorder(sleeps)
        assert sim.api_key not in repr(client)
        assert await client.people.match(email=sim.people.email_of(1)) is not None
        sim.faults.server_errors(1)
        with pytest.raises(errors.ServerError) as info:
            await client.people.bulk_match(details(sim, 2))
    assert sim.api_key not in str(info.value)
    assert statuses(sim) == [429, 200, 500]
    assert any(BULK_PATH in record.getMessage() for record in caplog.records)
    assert sim.api_key not in caplog.text


async def test_the_key_is_redacted_when_the_server_echoes_it() -> None:
    key = "apollo-secret-key-5678"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": f"key {request.headers['x-api-key']} refused"})

    async with scripted(handler, api_key=key) as client:
        with pytest.raises(errors.AuthenticationError) as info:
            await client.people.match(email="someone@example.com")
    assert key not in str(info.value)
    assert "[redacted]" in str(info.value)


async def test_the_environment_gives_the_key_and_the_base_url(
    sim: Simulator, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APOLLO_API_KEY", sim.api_key)
    monkeypatch.setenv("APOLLO_BASE_URL", "http://127.0.0.1:8099")
    async with AsyncApollo(http_client=httpx.AsyncClient(transport=spy)) as client:
        assert client.base_url == "http://127.0.0.1:8099"
        assert await client.people.match(email=sim.people.email_of(1)) is not None
    assert str(spy.requests[0].url).startswith("http://127.0.0.1:8099/api/v1/people/match?")


async def test_a_missing_key_names_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APOLLO_API_KEY", raising=False)
    with pytest.raises(errors.ClientError, match="APOLLO_API_KEY"):
        AsyncApollo()


# ----------------------------------------------------------------------------- bad input: nothing is sent
@pytest.mark.parametrize(("people", "where", "rule"), BAD_DETAILS)
async def test_bulk_match_refuses_bad_details_before_sending(
    aapollo: AsyncApollo, sim: Simulator, people: Any, where: str, rule: str
) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        await aapollo.people.bulk_match(people)
    assert any(p.where == where and rule in p.rule for p in info.value.problems), info.value.problems
    assert f"{where}: " in str(info.value)
    assert sim.log == []


async def test_bulk_match_refuses_a_phone_reveal_without_a_webhook(aapollo: AsyncApollo, sim: Simulator) -> None:
    with pytest.raises(errors.InvalidInput, match=r"people\.bulk_match\.webhook_url: is required"):
        await aapollo.people.bulk_match(details(sim, 25), reveal_phone_number=True)
    assert sim.log == []


@pytest.mark.parametrize(("given", "where", "rule"), BAD_MATCHES)
async def test_match_refuses_bad_input_before_sending(
    aapollo: AsyncApollo, sim: Simulator, given: dict[str, Any], where: str, rule: str
) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        await aapollo.people.match(**given)
    assert any(p.where == where and rule in p.rule for p in info.value.problems), info.value.problems
    assert sim.log == []
