"""The simulator as a server: bodies of the wrong shape, concurrency, methods it does not route,
clients that go away, request ids, the stats endpoint and random faults."""

from __future__ import annotations

import http.client
import json
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from amplemarket import Amplemarket, errors
from amplemarket.testing import Simulator
from amplemarket.testing._data import FIRST, LAST, PLACES, TITLES, Population
from apicore.simulation import FAULT_KINDS
from apollo.testing import Simulator as ApolloSimulator
from tests.simulator.test_simulator import _first_line, error_schema_problems, leads, raw

STATS = "/_simulator/stats"


def auth(sim: Simulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.api_key}"}


def object_body_operations(sim: Simulator) -> list[tuple[str, str, str]]:
    """(method, concrete path, operationId) of every operation whose documented body is a JSON object."""
    found = []
    for operation in sim.contract.operations:
        spec = sim.contract.resolve(operation.spec.get("requestBody")) or {}
        schema = sim.contract.resolve(((spec.get("content") or {}).get("application/json") or {}).get("schema"))
        if schema and (schema.get("type") == "object" or "properties" in schema):
            path = re.sub(r"\{[^}]+\}", "1", operation.template)
            found.append((operation.method, path, operation.operation_id))
    return found


@contextmanager
def command_line(*options: str) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """``python -m amplemarket.testing serve --port 0 ...`` in a subprocess: (process, url, key)."""
    command = [sys.executable, "-m", "amplemarket.testing", "serve", "--port", "0", *options]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            line = _first_line(process, timeout=20)
            found = re.search(r"(http://127\.0\.0\.1:\d+) \(api key: (\S+)\)", line)
            assert found is not None, f"no URL in {line!r}"
            yield process, found.group(1), found.group(2)
        finally:
            process.kill()
            process.wait(timeout=10)


# --------------------------------------------------------------------------- 1. bodies that are not objects
NOT_OBJECTS = [b"null", b"[]", b'[{"email": "a@example.com"}]', b'"text"', b"5", b"true"]


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "unvalidated"])
def test_a_json_body_that_is_not_an_object_gets_400_on_every_operation_that_takes_one(validate: bool) -> None:
    sim = Simulator(seed=21, validate=validate, rate_limits=False)
    operations = object_body_operations(sim)
    assert ("POST", "/phone_numbers/1/review", "review_phone_number") in operations
    assert len(operations) >= 10
    seen = []
    with raw(sim) as http:
        for method, path, operation_id in operations:
            for body in NOT_OBJECTS:
                response = http.request(method, path, content=body, headers={"Content-Type": "application/json"})
                seen.append((operation_id, body, response.status_code))
                assert response.status_code == 400, (operation_id, body, response.text)
                answer = response.json()
                assert error_schema_problems(sim, answer) == []
                assert answer["_errors"][0]["source"] == {"pointer": ""}
                if not validate or (operation_id == "review_phone_number" and body == b"null"):  # else the spec's words
                    assert "must be a JSON object" in answer["_errors"][0]["detail"]
    assert {status for _, _, status in seen} == {400}
    assert sim.stats()["jobs_created"]["total"] == 0


def test_a_null_review_gets_400_from_the_served_simulator_not_500() -> None:
    sim = Simulator(seed=21)
    with sim.serve(port=0) as url, httpx.Client(base_url=url, headers=auth(sim)) as http:
        response = http.post("/phone_numbers/p-1/review", content=b"null", headers={"Content-Type": "application/json"})
        fine = http.post("/phone_numbers/p-1/review", json={"reason": "wrong_number"})
    assert response.status_code == 400
    assert response.json()["_errors"][0]["detail"] == "the body must be a JSON object, not null"
    assert error_schema_problems(sim, response.json()) == []
    assert fine.status_code == 200
    assert fine.json()["status"] == "reviewed"


# --------------------------------------------------------------------------- 2. concurrency
def test_a_slow_request_in_flight_does_not_hold_up_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    sim = Simulator(seed=22)
    entered, release = threading.Event(), threading.Event()
    search = sim.people.search

    def held_search(filters: Any) -> Any:  # the slow part of a cold search, held until released
        entered.set()
        release.wait(20)
        return search(filters)

    monkeypatch.setattr(sim.people, "search", held_search)
    answers: list[httpx.Response] = []
    with sim.serve(port=0) as url:

        def slow() -> None:
            answers.append(httpx.post(f"{url}/people/search", json={"person_titles": ["CEO"]}, headers=auth(sim)))

        thread = threading.Thread(target=slow)
        thread.start()
        try:
            assert entered.wait(20), "the search never started"
            info = httpx.get(f"{url}/account-info", headers=auth(sim), timeout=10)
            stats = httpx.get(f"{url}{STATS}", timeout=10)
            assert thread.is_alive(), "the search is still being answered"
            assert not answers
        finally:
            release.set()
            thread.join(20)
    assert info.status_code == 200
    assert stats.json()["requests"] == {"account_info": 1}, "the search was not finished when account-info was"
    assert [r.status_code for r in answers] == [200]
    assert [(entry.path, entry.status) for entry in sim.log] == [("/account-info", 200), ("/people/search", 200)]


def test_concurrent_job_creation_gives_unique_ids_and_charges_once() -> None:
    sim = Simulator(seed=23, rate_limits=False, email_credits=1000)
    barrier = threading.Barrier(8)
    created: list[Any] = []

    def create(number: int) -> None:
        with raw(sim) as http:
            barrier.wait(10)
            for _ in range(5):
                created.append(
                    http.post("/people/enrichment-requests", json={"leads": leads(sim, number)}).json()["id"]
                )

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(created) == list(range(1, 41))
    stats = sim.stats()
    assert stats["jobs_created"] == {"enrichment": 40, "total": 40}
    assert stats["credits_used"] == {"email": 40 * 0.5, "phone": 0.0}, "each enrichment charged once, none lost"
    assert sim.credits["email"] == 1000 - 20.0


def test_concurrent_requests_fill_the_rate_limit_window_exactly() -> None:
    sim = Simulator(seed=23, limits={"*": 50}, time_scale=0.001)  # the minute does not pass during the test
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def send() -> None:
        with raw(sim) as http:
            barrier.wait(10)
            statuses.extend(http.get("/tasks/statuses").status_code for _ in range(10))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200] * 50 + [429] * 30
    assert sim.stats()["statuses"] == {"200": 50, "429": 30}


def test_the_search_answers_as_matches_decides_for_every_filter() -> None:
    sim = Simulator(seed=24, population=3000)
    cases: list[dict[str, Any]] = [
        {"person_titles": ["ceo", "Manager"]},
        {"person_locations": ["united"], "person_titles": ["VP"]},
        {"company_industries": ["retail"], "company_sizes": ["employees"]},
        {"company_names": ["Blue", "Iron"], "person_name": "a"},
        {"person_name": "ana silva"},
        {"person_titles": ["astronaut"]},
        {"company_domains": [sim.people.company_domain(5)], "person_titles": ["a"]},
    ]
    with raw(sim) as http:
        for filters in cases:
            answer = http.post("/people/search", json={**filters, "page_size": 100}).json()
            expected = [i for i in range(3000) if sim.people.matches(i, filters)]
            assert answer["_pagination"]["total"] == len(expected), filters
            assert [p["id"] for p in answer["results"]] == [sim.people.person(i)["id"] for i in expected[:100]]


def test_the_search_columns_agree_with_each_person() -> None:
    people = Population(seed=32)
    sample = random.Random(0).sample(range(people.size), 300)
    columns = people._columns
    columns.fill(sample)
    codes = columns.profiles()
    for index in sample:
        person = people.person(index)
        assert (FIRST[columns.first[index]], LAST[columns.last[index]]) == (person["first_name"], person["last_name"])
        assert people.company(columns.company[index]) == person["company"]
        assert TITLES[codes[index] % len(TITLES)] == person["title"]
        assert ", ".join(PLACES[codes[index] // len(TITLES)]) == person["location"]


def test_a_first_search_with_filters_on_a_fresh_simulator_is_quick() -> None:
    sim = Simulator(seed=25)  # a seed no other test searches: nothing is cached for it yet
    with raw(sim) as http:
        started = time.monotonic()
        plain = http.post("/people/search", json={"page": 1})
        titles = http.post("/people/search", json={"person_titles": ["CEO"], "person_locations": ["Lisbon"]})
        took = time.monotonic() - started
    assert plain.json()["_pagination"]["total"] == 100_000
    assert 0 < titles.json()["_pagination"]["total"] < 100_000
    assert took < 3.0, f"the first searches took {took:.2f}s (they took 4-7 s when every person was built)"


# --------------------------------------------------------------------------- 3. methods it does not route
@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "CONNECT", "PROPFIND"])
def test_a_method_the_api_does_not_use_gets_405_json_with_allow(method: str) -> None:
    sim = Simulator(seed=26)
    with sim.serve(port=0) as url:
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
        try:
            answers = []
            for path in ("/account-info", "/excluded-domains", "/v2/nothing"):
                connection.request(method, path, headers=auth(sim))
                response = connection.getresponse()
                answers.append((response.status, dict(response.getheaders()), response.read()))
        finally:
            connection.close()
    (status, headers, body), (status2, headers2, _), (status3, headers3, body3) = answers
    assert (status, headers["Allow"], headers["Content-Type"]) == (405, "GET", "application/json")
    assert json.loads(body)["_errors"][0]["code"] == "method_not_allowed"
    assert error_schema_problems(sim, json.loads(body)) == []
    assert (status2, headers2["Allow"]) == (405, "GET, POST, DELETE")
    assert (status3, headers3["Content-Type"]) == (404, "application/json")
    assert "Allow" not in headers3
    assert json.loads(body3)["_errors"][0]["code"] == "not_found"
    assert [(e.method, e.status) for e in sim.log] == [(method, 405), (method, 405), (method, 404)]


def test_head_gets_405_with_allow_and_no_body_and_the_connection_stays_usable() -> None:
    sim = Simulator(seed=26)
    with sim.serve(port=0) as url:
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
        try:
            connection.request("HEAD", "/account-info", headers=auth(sim))
            head = connection.getresponse()
            head_body = head.read()
            connection.request("GET", "/account-info", headers=auth(sim))
            after = connection.getresponse()
            after_body = json.loads(after.read())
        finally:
            connection.close()
    assert (head.status, head.getheader("Allow"), head_body) == (405, "GET", b"")
    assert after.status == 200
    assert after_body["account"]["name"] == "Simulated account"
    with raw(sim) as client:  # in-process the same
        response = client.request("TRACE", "/account-info")
    assert (response.status_code, response.headers["Allow"]) == (405, "GET")
    assert sim.credits["email"] == 1_000_000.0


# --------------------------------------------------------------------------- 4. clients that go away
def test_the_served_simulator_is_quiet_about_a_client_that_disconnects() -> None:
    options = ("--fault-rate", "1", "--fault-kinds", "slow", "--fault-delay", "1", "--seed", "27")
    with command_line(*options) as (process, url, key):
        with pytest.raises(httpx.TimeoutException):
            httpx.get(f"{url}/account-info", headers={"Authorization": f"Bearer {key}"}, timeout=0.2)
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{url}/people/search", json={}, headers={"Authorization": f"Bearer {key}"}, timeout=0.2)
        later = httpx.get(f"{url}/account-info", headers={"Authorization": f"Bearer {key}"}, timeout=20)
        time.sleep(0.5)  # the abandoned answers were written (or not) by now
        stats = httpx.get(f"{url}{STATS}", timeout=10).json()
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert later.status_code == 200
    assert stats["faults_injected"] == {"slow": 3}
    assert stats["requests"] == {"account_info": 2, "search_people": 1}
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr
    assert "ConnectionResetError" not in stderr


# --------------------------------------------------------------------------- 5. request ids
def test_every_answer_carries_a_unique_request_id_in_process_and_served() -> None:
    sim = Simulator(seed=28, job_polls=1, retry_after=0)
    sim.faults.server_errors(1)
    sim.faults.rate_limit_burst(1)
    with raw(sim) as http:
        answers = [
            http.get("/account-info"),  # 500 (fault)
            http.get("/account-info"),  # 429 (fault)
            http.get("/account-info"),
            http.get("/v2/nothing"),
            http.post("/people/enrichment-requests", json={"leads": "nope"}),
            http.request("TRACE", "/account-info"),
            http.get(STATS),
        ]
    with sim.serve(port=0) as url, httpx.Client(base_url=url) as served:
        answers += [served.get("/account-info"), served.get("/account-info", headers=auth(sim))]
    assert [a.status_code for a in answers] == [500, 429, 200, 404, 400, 405, 200, 401, 200]
    ids = [a.headers["X-Request-Id"] for a in answers]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"req_[0-9a-f]{16}", i) for i in ids)
    logged = [entry.request_id for entry in sim.log]
    assert logged == [i for i in ids if i != ids[6]], "the log has each API request's id (stats are not logged)"

    again = Simulator(seed=28)
    other = Simulator(seed=29)
    with raw(again) as http_again, raw(other) as http_other:
        assert http_again.get("/account-info").headers["X-Request-Id"] == ids[0], "the same seed, the same ids"
        assert http_other.get("/account-info").headers["X-Request-Id"] != ids[0]


def test_the_client_reports_the_request_id_of_an_error() -> None:
    sim = Simulator(seed=28)
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError) as failed:
        sim.client(max_retries=0).account.info()
    assert failed.value.request_id == sim.log[-1].request_id
    assert failed.value.request_id is not None
    assert failed.value.request_id.startswith("req_")


def test_a_served_simulator_failure_still_answers_json_with_a_request_id(monkeypatch: pytest.MonkeyPatch) -> None:
    sim = Simulator(seed=28)

    def broken(**_: Any) -> Any:
        raise RuntimeError("a bug in a handler")

    monkeypatch.setattr(sim, "_op_account_info", broken)
    with sim.serve(port=0) as url:
        response = httpx.get(f"{url}/account-info", headers=auth(sim))
    assert response.status_code == 500
    assert response.json()["_errors"][0]["code"] == "internal_server_error"
    assert response.headers["X-Request-Id"].startswith("req_")


# --------------------------------------------------------------------------- 6. stats
def test_stats_count_requests_jobs_and_credits_and_never_themselves() -> None:
    sim = Simulator(seed=30, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    assert sim.stats() == {
        "requests": {},
        "requests_total": 0,
        "statuses": {},
        "jobs_created": {"total": 0},
        "credits_used": {"email": 0.0, "phone": 0.0},
        "faults_injected": {},
    }
    am.people.find(email=sim.people.email_of(1), reveal_email=True)
    job = am.people.enrich(leads(sim, 2, 3)).wait(timeout=10)
    assert len(list(job.results())) == 2
    am.email_validations.validate(["a@example.com", "b@example.com"])
    sim.faults.server_errors(1)
    with sim.serve(port=0) as url:
        for _ in range(3):  # no key needed, and not faulted or counted
            served = httpx.get(f"{url}{STATS}")
            assert served.status_code == 200
        assert httpx.post(f"{url}{STATS}").status_code == 405
        assert httpx.get(f"{url}/_simulator/other").status_code == 404
        assert httpx.get(f"{url}/account-info", headers=auth(sim)).status_code == 500  # the fault was still queued
        assert httpx.get(f"{url}/v2/nothing", headers=auth(sim)).status_code == 404
    assert served.json() == sim.stats() | {
        "requests": {k: v for k, v in sim.stats()["requests"].items() if k != "account_info"},
        "requests_total": 4,
        "statuses": {"200": 2, "202": 2},
        "faults_injected": {},
    }
    stats = sim.stats()
    assert stats["requests"] == {
        "account_info": 1,
        "retrieve_person_enrichment_results": 1,
        "single_person_enrichment": 1,
        "start_batch_of_email_validations": 1,
        "start_batch_of_person_enrichments": 1,
    }
    assert (stats["requests_total"], stats["statuses"]) == (6, {"200": 2, "202": 2, "404": 1, "500": 1})
    assert stats["jobs_created"] == {"email": 1, "enrichment": 1, "total": 2}
    assert stats["credits_used"] == {"email": 1_000_000.0 - sim.credits["email"], "phone": 0.0}
    assert stats["credits_used"]["email"] == 1.5 + 2 * 0.5 + 2 * 1.0  # a find with its email, two enriched, two checked
    assert stats["faults_injected"] == {"server_error": 1}
    assert [entry.path for entry in sim.log if "_simulator" in entry.path] == []


def test_stats_are_never_rate_limited() -> None:
    sim = Simulator(seed=30, limits={"*": 0})
    with raw(sim) as http:
        assert http.get("/account-info").status_code == 429
        assert http.get(STATS).status_code == 200
    assert sim.stats()["statuses"] == {"429": 1}


def test_the_apollo_simulator_reports_stats_too() -> None:
    sim = ApolloSimulator(seed=31)
    apollo = sim.client(max_retries=0)
    apollo.people.match(email=sim.people.email_of(3))
    stats = sim.stats()
    assert stats["requests"] == {"people_match": 1}
    assert stats["credits_used"] == {"credits": 1.0}
    assert stats["jobs_created"] == {"total": 0}


# --------------------------------------------------------------------------- 7. random faults
def _fault_run(seed: int, rate: float, requests: int = 40) -> list[int]:
    sim = Simulator(seed=seed, fault_rate=rate, rate_limits=False)
    sim.faults.at_rate(rate, seed=seed, delay=0.0)
    statuses = []
    with raw(sim) as http:
        for _ in range(requests):
            try:
                statuses.append(http.get("/tasks/statuses").status_code)
            except httpx.RemoteProtocolError:
                statuses.append(0)
    assert [entry.status for entry in sim.log] == statuses
    return statuses


def test_random_faults_are_reproducible_with_a_seed() -> None:
    first, same, other = _fault_run(5, 0.5), _fault_run(5, 0.5), _fault_run(6, 0.5)
    assert first == same
    assert first != other
    assert set(first) == {0, 200, 429, 500}, "all four kinds (a slow answer is still a 200)"
    assert 8 <= first.count(200) <= 32


def test_a_fault_rate_of_zero_injects_nothing_and_one_faults_every_request() -> None:
    assert _fault_run(7, 0.0) == [200] * 40
    sim = Simulator(seed=7, fault_rate=1.0)
    sim.faults.at_rate(1.0, seed=7, delay=0.0)
    with raw(sim) as http:
        for _ in range(30):
            with suppress(httpx.RemoteProtocolError):
                http.get("/account-info")
        assert http.get(STATS).status_code == 200, "never /_simulator/*"
    injected = sim.stats()["faults_injected"]
    assert sum(injected.values()) == 30
    assert set(injected) == set(FAULT_KINDS)
    assert sum(1 for entry in sim.log if entry.status in {200, 0, 429, 500}) == 30
    assert sim.stats()["requests"] == {"account_info": 30}


def test_a_fault_rate_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Simulator(fault_rate=1.5)
    with pytest.raises(ValueError, match="fault kinds"):
        Simulator().faults.at_rate(0.5, kinds=["fire"])


def test_the_client_completes_against_random_faults_without_losing_or_duplicating_results() -> None:
    # with seed 8 the first create is dropped (the client raises: it may have been processed) and the
    # second gets a 429 (the client retries it: it was not processed); the polls and pages meet the rest
    sim = Simulator(seed=8, job_polls=2, retry_after=0, rate_limits=False)
    sim.faults.at_rate(0.3, seed=8, delay=0.05, retry_after=0)
    wanted = [sim.people.person(i)["id"] for i in range(8)]
    with (
        sim.serve(port=0) as url,
        Amplemarket(base_url=url, api_key=sim.api_key, max_retries=6, rate_limit=False) as am,
    ):
        assert am.account.info().to_dict()["account"]["name"] == "Simulated account"
        refused = 0
        while True:  # a create is never resent by the client; the caller decides, from the stats
            before = sim.stats()["jobs_created"]["total"]
            try:
                job = am.people.enrich(leads(sim, *range(8)))
                break
            except (errors.APIConnectionError, errors.ServerError):
                refused += 1
                assert sim.stats()["jobs_created"]["total"] == before, "a faulted create was not processed"
                assert refused < 5
        job.wait(timeout=30)
        results = list(job.results())
    assert [str(r.result.id) for r in results] == wanted  # type: ignore[union-attr]
    stats = sim.stats()
    assert stats["jobs_created"] == {"enrichment": 1, "total": 1}
    assert stats["credits_used"]["email"] == 8 * 0.5, "each person charged once: by the one job"
    assert refused == 1, "with this seed the first create meets a dropped connection (the case the test is about)"
    creates = [entry.status for entry in sim.log if entry.method == "POST"]
    assert creates == [0, 429, 202]
    assert stats["faults_injected"]["drop"] >= 1
    assert sum(stats["faults_injected"].values()) >= 2


def test_the_command_line_injects_faults_at_a_rate_and_serves_stats() -> None:
    options = ("--fault-rate", "1", "--fault-kinds", "server_error,rate_limit", "--seed", "8")
    with (
        command_line(*options) as (_, url, key),
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http,
    ):
        statuses = [http.get("/account-info").status_code for _ in range(10)]
        stats = http.get(STATS).json()
    assert set(statuses) == {429, 500}
    assert stats["faults_injected"] == {"rate_limit": statuses.count(429), "server_error": statuses.count(500)}
    assert stats["requests"] == {"account_info": 10}
