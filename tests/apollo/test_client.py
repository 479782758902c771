"""The sync ``Apollo`` client against the in-process simulator (and scripted answers where the wire matters).

Covers: what ``people.match`` and ``people.bulk_match`` return and send, batching by 10 in
input order, retries on 429, typed errors, partial batches, the key's hygiene, the
environment, and the input rules that refuse before anything is sent.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import httpx
import pytest

from apollo import Apollo, Organization, Person, errors
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

FLAGS = {"reveal_personal_emails": ["false"], "reveal_phone_number": ["false"]}


def scripted(handler: Any, **options: Any) -> Apollo:
    """An ``Apollo`` whose every request ``handler`` answers (httpx.MockTransport)."""
    options.setdefault("api_key", "apollo-test-key-1234")
    return Apollo(base_url=BASE, http_client=httpx.Client(transport=httpx.MockTransport(handler)), **options)


# ----------------------------------------------------------------------------- people.match
def test_match_returns_the_person_with_the_organization(apollo: Apollo, sim: Simulator) -> None:
    person = apollo.people.match(email=sim.people.email_of(3))
    assert isinstance(person, Person)
    expected = sim.people.person(3)
    assert person.id == sim.people.id_of(3)
    assert (person.first_name, person.last_name, person.name) == (
        expected["first_name"], expected["last_name"], expected["name"],
    )  # fmt: skip
    assert person.email == sim.people.email_of(3)
    assert person.title == expected["title"]
    assert person.linkedin_url == sim.people.linkedin_of(3)
    assert isinstance(person.organization, Organization)
    company, domain = sim.people.employer(3)
    assert (person.organization.name, person.organization.primary_domain) == (company, domain)
    assert person.organization_id == person.organization.id
    assert isinstance(person.employment_history, list)
    assert person.employment_history[0] is not None
    assert person.employment_history[0].organization_name == company
    assert [(e.method, e.path, e.query, e.status) for e in sim.log] == [
        ("POST", MATCH_PATH, {"email": [sim.people.email_of(3)], **FLAGS}, 200)
    ]


def test_match_returns_none_for_a_200_without_a_match(apollo: Apollo, sim: Simulator) -> None:
    credits = sim.credits
    assert apollo.people.match(email=NOBODY.format(1)) is None
    assert statuses(sim) == [200]
    assert sim.credits == credits, "no match, no credit spent"


@pytest.mark.parametrize("body", [{"person": None}, {}, {"person": None, "extra": 1}], ids=["null", "absent", "extra"])
def test_match_reads_a_200_without_a_person_as_none(body: dict[str, Any]) -> None:
    with scripted(lambda request: httpx.Response(200, json=body)) as client:
        assert client.people.match(email="someone@example.com") is None


def test_match_with_a_200_that_is_not_json_is_an_invalid_response() -> None:
    with (
        scripted(lambda request: httpx.Response(200, content=b"<html>busy</html>")) as client,
        pytest.raises(errors.InvalidResponse),
    ):
        client.people.match(email="someone@example.com")


@pytest.mark.parametrize("identify", IDENTIFIERS)
def test_match_finds_the_person_by_each_identifier(apollo: Apollo, sim: Simulator, identify: Identify) -> None:
    given = identify(sim.people)
    person = apollo.people.match(**given)
    assert isinstance(person, Person)
    assert person.id == sim.people.id_of(IDENTIFIED)
    assert person.name == "Alma Horvat"
    assert sim.log[-1].query == {key: [value] for key, value in {**given}.items()} | FLAGS


def test_match_reveals_personal_emails_on_request(apollo: Apollo, sim: Simulator) -> None:
    plain = apollo.people.match(email=sim.people.email_of(5))
    revealed = apollo.people.match(email=sim.people.email_of(5), reveal_personal_emails=True)
    assert plain is not None
    assert revealed is not None
    assert "personal_emails" not in plain.additional_properties
    assert revealed.additional_properties["personal_emails"] == [f"{revealed.first_name.lower()}.5@mail.example"]
    assert sim.log[-1].query["reveal_personal_emails"] == ["true"]


def test_match_sends_the_webhook_with_a_phone_reveal(apollo: Apollo, sim: Simulator) -> None:
    person = apollo.people.match(email=sim.people.email_of(9), reveal_phone_number=True, webhook_url=WEBHOOK)
    assert person is not None
    assert sim.log[-1].query["webhook_url"] == [WEBHOOK]
    assert sim.log[-1].query["reveal_phone_number"] == ["true"]
    assert sim.phone_webhooks == [(WEBHOOK, sim.people.id_of(9))]


def test_match_leaves_out_details_given_as_none(apollo: Apollo, sim: Simulator) -> None:
    assert apollo.people.match(email=sim.people.email_of(2), name=None, domain=None) is not None
    assert sim.log[-1].query == {"email": [sim.people.email_of(2)], **FLAGS}


# ----------------------------------------------------------------------------- people.bulk_match
@pytest.mark.parametrize(
    ("count", "calls"), [(1, [1]), (10, [10]), (11, [10, 1]), (25, [10, 10, 5])], ids=["1", "10", "11", "25"]
)
def test_bulk_match_sends_at_most_10_people_per_call(
    apollo: Apollo, sim: Simulator, count: int, calls: list[int]
) -> None:
    people = details(sim, count)
    found = apollo.people.bulk_match(people)
    assert bulk_sizes(sim) == calls
    assert [e.body["details"] for e in sim.log] == [people[i : i + 10] for i in range(0, count, 10)]
    assert all(e.query == FLAGS for e in sim.log)
    assert len(found) == count
    assert [p.id if p else None for p in found] == [sim.people.id_of(i) for i in range(count)]


def test_bulk_match_keeps_the_input_order_with_none_where_nobody_matched(apollo: Apollo, sim: Simulator) -> None:
    missing = {0, 9, 10, 13, 24}
    people: list[dict[str, str]] = []
    for i in range(25):  # every kind of identifier, across three calls
        kind = i % 4
        if i in missing:
            people.append({"email": NOBODY.format(i)})
        elif kind == 0:
            people.append({"email": sim.people.email_of(100 + i)})
        elif kind == 1:
            people.append({"linkedin_url": sim.people.linkedin_of(100 + i)})
        elif kind == 2:
            people.append({"id": sim.people.id_of(100 + i)})
        else:
            person = sim.people.person(100 + i)
            people.append({"first_name": person["first_name"], "last_name": person["last_name"],
                           "domain": person["organization"]["primary_domain"]})  # fmt: skip
    found = apollo.people.bulk_match(people)
    expected = [None if i in missing else sim.people.id_of(100 + i) for i in range(25)]
    assert [p.id if p else None for p in found] == expected
    assert all(p is None or isinstance(p, Person) for p in found)
    assert bulk_sizes(sim) == [10, 10, 5]


def test_bulk_match_pads_a_short_matches_list_with_none() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "success", "matches": [{"id": "a"}, None]})

    with scripted(handler) as client:
        found = client.people.bulk_match([{"email": f"p{i}@example.com"} for i in range(4)])
    assert [p.id if p else None for p in found] == ["a", None, None, None]


def test_bulk_match_passes_the_reveal_options_on_every_call(apollo: Apollo, sim: Simulator) -> None:
    found = apollo.people.bulk_match(
        details(sim, 12, missing=[11]), reveal_personal_emails=True, reveal_phone_number=True, webhook_url=WEBHOOK
    )
    assert all(
        e.query == {"reveal_personal_emails": ["true"], "reveal_phone_number": ["true"], "webhook_url": [WEBHOOK]}
        for e in sim.log
    )
    assert len(sim.log) == 2
    assert all("personal_emails" in p.additional_properties for p in found[:11] if p)
    assert sim.phone_webhooks == [(WEBHOOK, sim.people.id_of(i)) for i in range(11)]


# ----------------------------------------------------------------------------- retries and errors
@pytest.mark.parametrize("operation", ["match", "bulk_match"])
def test_429_waits_the_retry_after_and_retries(
    apollo: Apollo, sim: Simulator, sleeps: list[float], operation: str
) -> None:
    sim.faults.rate_limit_burst(2, retry_after=7)
    if operation == "match":
        found: Any = apollo.people.match(email=sim.people.email_of(4))
        assert found is not None
        assert found.id == sim.people.id_of(4)
    else:
        found = apollo.people.bulk_match(details(sim, 3))
        assert [p.id if p else None for p in found] == [sim.people.id_of(i) for i in range(3)]
    assert sleeps == [7.0, 7.0], "exactly the server's Retry-After, twice"
    assert statuses(sim) == [429, 429, 200]


def test_429_past_max_retries_raises_rate_limited(sim: Simulator, sleeps: list[float]) -> None:
    sim.faults.rate_limit_burst(3, retry_after=2)
    with sim.client(max_retries=1) as client:
        client._sleep = sleeps.append
        with pytest.raises(errors.RateLimited) as info:
            client.people.match(email=sim.people.email_of(4))
    assert info.value.status == 429
    assert info.value.retry_after == 2.0
    assert sleeps == [2.0]
    assert statuses(sim) == [429, 429]


def test_429_with_a_retry_after_too_long_to_wait_is_raised_at_once(
    apollo: Apollo, sim: Simulator, sleeps: list[float]
) -> None:
    sim.faults.rate_limit_burst(1, retry_after=600)
    with pytest.raises(errors.RateLimited) as info:
        apollo.people.bulk_match(details(sim, 2))
    assert info.value.retry_after == 600.0
    assert sleeps == []
    assert statuses(sim) == [429]


@pytest.mark.parametrize("operation", ["match", "bulk_match"])
def test_a_wrong_key_is_an_authentication_error(sim: Simulator, operation: str) -> None:
    with sim.client(api_key="apollo-wrong-key-9999") as client:
        people = client.people
        call = partial(people.match, email=sim.people.email_of(1))
        if operation == "bulk_match":
            call = partial(people.bulk_match, details(sim, 1))
        with pytest.raises(errors.AuthenticationError) as info:
            call()
    assert info.value.status == 401
    assert "API key" in str(info.value)
    assert statuses(sim) == [401], "a 401 is final"


def test_the_simulator_refusing_a_hashed_email_is_unprocessable(apollo: Apollo, sim: Simulator) -> None:
    with pytest.raises(errors.UnprocessableEntity) as info:
        apollo.people.match(hashed_email="not-a-hash")
    assert info.value.status == 422
    assert "hashed_email" in str(info.value)
    assert statuses(sim) == [422]


@pytest.mark.parametrize("operation", ["match", "bulk_match"])
def test_exhausted_credits_are_unprocessable(operation: str) -> None:
    sim = Simulator(credits=0)
    with sim.client() as client:
        people = client.people
        call = partial(people.match, email=sim.people.email_of(1))
        if operation == "bulk_match":
            call = partial(people.bulk_match, details(sim, 2))
        with pytest.raises(errors.UnprocessableEntity) as info:
            call()
    assert "credits" in str(info.value)
    assert statuses(sim) == [422]


def test_a_server_error_is_not_resent_since_matching_spends_credits(
    apollo: Apollo, sim: Simulator, sleeps: list[float]
) -> None:
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError):
        apollo.people.match(email=sim.people.email_of(1))
    assert statuses(sim) == [500]
    assert sleeps == []


def test_a_failure_in_the_third_call_keeps_the_first_20_results() -> None:
    sim = Simulator(credits=20)  # enough for two calls of 10: the third is refused
    with sim.client() as client, pytest.raises(errors.PartialBatchError) as info:
        client.people.bulk_match(details(sim, 25))
    error = info.value
    assert error.completed_parts == 2
    assert error.parts == 3
    assert [p.id if p else None for p in error.result] == [sim.people.id_of(i) for i in range(20)]
    assert isinstance(error.__cause__, errors.UnprocessableEntity)
    assert "part 3 of 3" in str(error)
    assert bulk_sizes(sim) == [10, 10, 5], "nothing resent"
    assert statuses(sim) == [200, 200, 422]


def test_a_server_error_in_the_third_call_is_a_partial_batch_and_not_resent(
    sim: Simulator, spy: Spy, spied: Apollo, sleeps: list[float]
) -> None:
    spy.answers[3] = httpx.Response(503, json={"error": "down for maintenance"})
    people = details(sim, 25, missing=[4])
    with pytest.raises(errors.PartialBatchError) as info:
        spied.people.bulk_match(people)
    assert info.value.completed_parts == 2
    assert len(info.value.result) == 20
    assert info.value.result[4] is None
    assert isinstance(info.value.__cause__, errors.ServerError)
    assert len(spy.requests) == 3
    assert sleeps == []
    assert bulk_sizes(sim) == [10, 10]


def test_a_failure_in_the_first_call_raises_the_error_itself(apollo: Apollo, sim: Simulator) -> None:
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError):
        apollo.people.bulk_match(details(sim, 25))
    assert statuses(sim) == [500]


# ----------------------------------------------------------------------------- the key
def test_the_key_travels_in_x_api_key_and_never_in_authorization(spied: Apollo, spy: Spy, sim: Simulator) -> None:
    spied.people.match(email=sim.people.email_of(1))
    spied.people.bulk_match(details(sim, 2))
    assert len(spy.requests) == 2
    for request in spy.requests:
        assert request.headers["x-api-key"] == sim.api_key
        assert "authorization" not in request.headers
        assert sim.api_key not in str(request.url)
        assert request.headers["user-agent"].startswith("apollo-python/")
        assert request.headers["accept"] == "application/json"
    assert spy.requests[1].headers["content-type"] == "application/json"


def test_the_key_is_not_in_any_repr(apollo: Apollo, sim: Simulator) -> None:
    shown = [repr(apollo), str(apollo), repr(apollo.people), repr(apollo._config), repr(apollo._sender)]
    assert all(sim.api_key not in text for text in shown), shown
    assert repr(apollo) == f"Apollo(base_url='{BASE}', api_key=****)"


def test_the_key_is_not_logged(sim: Simulator, caplog: pytest.LogCaptureFixture, sleeps: list[float]) -> None:
    caplog.set_level(logging.DEBUG, logger="apollo")
    wrong = "apollo-wrong-key-9999"
    sim.faults.rate_limit_burst(1)
    with sim.client() as client, sim.client(api_key=wrong) as other:
        client._sleep = sleeps.append
        assert client.people.match(email=sim.people.email_of(1)) is not None  # 429, then 200
        sim.faults.server_errors(1)
        with pytest.raises(errors.ServerError):
            client.people.bulk_match(details(sim, 2))
        with pytest.raises(errors.AuthenticationError):
            other.people.match(email=sim.people.email_of(1))
    assert statuses(sim) == [429, 200, 500, 401]
    logged = [record.getMessage() for record in caplog.records if record.name.startswith("apollo")]
    assert sum(MATCH_PATH in line for line in logged) >= 3, logged
    assert any(BULK_PATH in line for line in logged), logged
    assert sim.api_key not in caplog.text
    assert wrong not in caplog.text


@pytest.mark.parametrize("status", [400, 401, 422, 429, 500])
def test_the_key_is_not_in_an_error_even_when_the_server_echoes_it(status: int) -> None:
    key = "apollo-secret-key-5678"

    def handler(request: httpx.Request) -> httpx.Response:
        echoed = request.headers["x-api-key"]
        return httpx.Response(status, json={"error": f"key {echoed} refused", "message": echoed})

    with scripted(handler, api_key=key, max_retries=0) as client, pytest.raises(errors.APIError) as info:
        client.people.match(email="someone@example.com")
    assert info.value.status == status
    assert key not in str(info.value)
    assert key not in repr(info.value)
    assert key not in str(info.value.body)
    assert "[redacted]" in str(info.value)


# ----------------------------------------------------------------------------- the environment
def test_the_environment_gives_the_key_and_the_base_url(
    sim: Simulator, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APOLLO_API_KEY", sim.api_key)
    monkeypatch.setenv("APOLLO_BASE_URL", "http://127.0.0.1:8099/")
    with Apollo(http_client=httpx.Client(transport=spy)) as client:
        assert client.base_url == "http://127.0.0.1:8099"
        assert client.people.match(email=sim.people.email_of(1)) is not None  # the simulator accepted the key
    assert str(spy.requests[0].url).startswith("http://127.0.0.1:8099/api/v1/people/match?")
    assert spy.requests[0].headers["x-api-key"] == sim.api_key


def test_arguments_win_over_the_environment(sim: Simulator, spy: Spy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APOLLO_API_KEY", "apollo-env-key-0001")
    monkeypatch.setenv("APOLLO_BASE_URL", "http://127.0.0.1:8099")
    with Apollo(api_key=sim.api_key, base_url=BASE, http_client=httpx.Client(transport=spy)) as client:
        assert client.people.match(email=sim.people.email_of(1)) is not None
    assert spy.requests[0].url.host == "api.apollo.io"
    assert spy.requests[0].headers["x-api-key"] == sim.api_key


def test_the_default_base_url_is_apollos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APOLLO_BASE_URL", raising=False)
    with Apollo(api_key="apollo-test-key-1234") as client:
        assert client.base_url == "https://api.apollo.io"


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_a_missing_key_names_the_environment_variable(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("APOLLO_API_KEY", raising=False)
    else:
        monkeypatch.setenv("APOLLO_API_KEY", value)
    with pytest.raises(errors.ClientError, match="APOLLO_API_KEY"):
        Apollo()


# ----------------------------------------------------------------------------- bad input: nothing is sent
@pytest.mark.parametrize(("people", "where", "rule"), BAD_DETAILS)
def test_bulk_match_refuses_bad_details_before_sending(
    apollo: Apollo, sim: Simulator, people: Any, where: str, rule: str
) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        apollo.people.bulk_match(people)
    assert any(p.where == where and rule in p.rule for p in info.value.problems), info.value.problems
    assert f"{where}: " in str(info.value)
    assert "nothing was sent" in str(info.value)
    assert sim.log == []


def test_bulk_match_refuses_a_phone_reveal_without_a_webhook(apollo: Apollo, sim: Simulator) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        apollo.people.bulk_match(details(sim, 25), reveal_phone_number=True)
    assert [str(p) for p in info.value.problems] == [
        "people.bulk_match.webhook_url: is required when reveal_phone_number=True (phones arrive at the webhook)"
    ]
    assert sim.log == []


def test_bulk_match_reports_every_bad_item_at_once(apollo: Apollo, sim: Simulator) -> None:
    people: list[Any] = details(sim, 25)
    people[3], people[17], people[20] = {"title": "CTO"}, "x", {"email": "nope"}
    with pytest.raises(errors.InvalidInput) as info:
        apollo.people.bulk_match(people)
    assert [p.where for p in info.value.problems if not p.where.endswith(".title")] == [
        "details[3]", "details[17]", "details[20].email",
    ]  # fmt: skip
    assert sim.log == []


@pytest.mark.parametrize(("given", "where", "rule"), BAD_MATCHES)
def test_match_refuses_bad_input_before_sending(
    apollo: Apollo, sim: Simulator, given: dict[str, Any], where: str, rule: str
) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        apollo.people.match(**given)
    assert any(p.where == where and rule in p.rule for p in info.value.problems), info.value.problems
    assert f"{where}: " in str(info.value)
    assert sim.log == []
