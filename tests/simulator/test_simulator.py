"""The simulator (``amplemarket.testing``): conformance, determinism, jobs, limits, credits, faults, transports."""

from __future__ import annotations

import itertools
import json
import math
import re
import selectors
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from amplemarket import Amplemarket, errors
from amplemarket.testing import LoggedRequest, Simulator
from tests._simcheck import ReplyChecker

BASE = "https://api.amplemarket.com"
ENRICH = "/people/enrichment-requests"
NOBODY = "nobody.here.5@nowhere.example"  # a well-formed email that matches nobody


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --------------------------------------------------------------------------- helpers
def leads(sim: Simulator, *indexes: int) -> list[dict[str, str]]:
    return [{"email": sim.people.email_of(i)} for i in indexes]


def raw(sim: Simulator, api_key: str | None = None) -> httpx.Client:
    """Plain httpx, in-process, with the simulator's key (no client-side checks at all)."""
    key = sim.api_key if api_key is None else api_key
    return httpx.Client(transport=sim.transport(), base_url=BASE, headers={"Authorization": f"Bearer {key}"})


def statuses(sim: Simulator) -> list[tuple[str, str, int]]:
    return [(entry.method, entry.path, entry.status) for entry in sim.log]


def error_schema_problems(sim: Simulator, body: Any) -> list[str]:
    """Problems of ``body`` against the documented error envelope (components/schemas/response_errors_object)."""
    schema = sim.contract.document["components"]["schemas"]["response_errors_object"]
    return [str(p) for p in sim.contract.check_value(schema, body, "response")]


# --------------------------------------------------------------------------- 1. conformance
DOCUMENTED_OPERATIONS = {
    "account_info", "add_leads", "cancel_batch_of_email_validations", "cancel_batch_of_person_enrichments",
    "complete_task", "create_calls", "create_excluded_domains", "create_excluded_emails", "create_lead_list",
    "delete_excluded_domains", "delete_excluded_emails", "get_call_dispositions", "get_contact",
    "get_contact_by_email", "get_contacts", "get_excluded_domains", "get_excluded_emails", "get_lead_lists",
    "get_sequences", "get_tasks", "get_tasks_statuses", "get_tasks_types", "get_users",
    "retrieve_email_validation_results", "retrieve_lead_list", "retrieve_person_enrichment_results",
    "review_phone_number", "search_people", "single_company_enrichment", "single_person_enrichment", "skip_task",
    "start_batch_of_email_validations", "start_batch_of_person_enrichments",
}  # fmt: skip


def _every_operation(sim: Simulator, am: Amplemarket) -> None:
    """A scenario that calls each of the 33 operations at least once (and meets documented errors)."""
    person = am.people.find(email=sim.people.email_of(3), reveal_email=True, reveal_phone_numbers=True)
    assert person.email == sim.people.email_of(3)
    with pytest.raises(errors.NotFound):
        am.people.find(email=NOBODY)
    with pytest.raises(errors.UnavailableForLegalReasons):
        am.people.find(email=sim.people.email_of(17))
    sim.faults.slow_next_reveals()
    with pytest.raises(errors.RequestTimeout):
        am.people.find(email=sim.people.email_of(4), reveal_email=True)
    first = next(am.people.search(page_size=5).pages())
    assert first.pagination.total == 100_000  # type: ignore[union-attr]
    company = am.companies.find(domain=sim.people.company_domain(1))
    assert company.name == sim.people.company(1)["name"]

    job = am.people.enrich([*leads(sim, 1, 2, 17), {"email": NOBODY}])
    assert job.wait(timeout=10).status == "completed"
    assert len(list(job.results())) == 4
    assert am.people.enrichment(job.id).status == "completed"
    assert am.people.enrich(leads(sim, 5, 6, 7)).cancel().status == "canceled"
    with raw(sim) as http:
        assert http.get(f"{ENRICH}/{job.id}", params={"page[size]": "2"}).status_code == 200
        bad = http.post(ENRICH, json={"leads": "nope"})
        assert bad.status_code == 400
        assert http.get("/tasks").status_code == 400

    validation = am.email_validations.validate(["a@example.com", "b@example.com"])
    assert validation.wait(timeout=10).status == "completed"
    assert am.email_validations.get(validation.id).status == "completed"
    assert am.email_validations.validate(["c@example.com"]).cancel().status == "canceled"

    users = list(am.users.list())
    lead_list = am.lead_lists.create(owner=str(users[0].email), type="email", leads=leads(sim, 8), name="Conformance")
    assert lead_list.wait(timeout=10).status == "completed"
    assert [entry.email for entry in lead_list.results()] == [sim.people.email_of(8)]
    assert [item.name for item in am.lead_lists.list()] == ["Conformance"]
    assert am.lead_lists.get(lead_list.id).status == "completed"

    sequences = list(am.sequences.list())
    assert [str(s.status) for s in sequences] == ["active", "active", "paused", "draft", "archived", "active"]
    assert am.sequences.add_leads(str(sequences[0].id), leads(sim, 9)).total_added_to_sequence == 1
    with pytest.raises(errors.UnprocessableEntity) as draft:
        am.sequences.add_leads(str(sequences[3].id), leads(sim, 9))
    assert draft.value.validation_errors[0]["error_code"] == "invalid_sequence_status"

    assert [d.domain for d in am.exclusions.domains.list()] == ["competitor.example", "crm-only.example"]
    assert am.exclusions.domains.add(["new-domain.example"]).to_dict() == {"new-domain.example": "success"}
    assert am.exclusions.domains.remove(["crm-only.example"]).to_dict() == {"crm-only.example": "unsupported"}
    assert [e.email for e in am.exclusions.emails.list()] == ["ceo@competitor.example"]
    assert am.exclusions.emails.add(["ceo@competitor.example"]).to_dict() == {"ceo@competitor.example": "duplicated"}
    assert am.exclusions.emails.remove(["gone@example.com"]).to_dict() == {"gone@example.com": "not_found"}

    tasks = list(am.tasks.list(str(users[0].id)))
    assert len(tasks) == 25
    manual = [t for t in tasks if not t.automatic]
    assert am.tasks.complete(str(manual[0].id)).to_dict() == {"id": str(manual[0].id), "status": "completed"}
    assert am.tasks.skip(str(manual[1].id)).to_dict() == {"id": str(manual[1].id), "status": "skipped"}
    assert am.tasks.statuses().to_dict() == {"statuses": ["scheduled", "completed", "skipped"]}
    assert am.tasks.types().to_dict() == {"types": ["email", "phone_call", "linkedin_visit", "custom_task"]}

    assert am.account.info().to_dict()["account"]["name"] == "Simulated account"
    dispositions = am.calls.dispositions().dispositions
    assert isinstance(dispositions, list)
    disposition = dispositions[0]
    assert disposition is not None
    call = am.calls.log(
        from_="+15550001111", to="+15550002222", duration=42, answered=True, human=True,
        task_id=str(manual[2].id), user_id=str(users[0].id), disposition_id=str(disposition.id),
    )  # fmt: skip
    assert call.duration == 42

    contact_id = sim.people.person(2)["id"]
    assert am.contacts.get(contact_id).email == sim.people.email_of(2)
    assert am.contacts.get_by_email(sim.people.email_of(2)).id == contact_id
    assert [c.id for c in am.contacts.list([contact_id])] == [contact_id]
    assert am.phone_numbers.review("phone-1", reason="wrong_number").to_dict()["status"] == "reviewed"

    sim.faults.rate_limit_burst(1, retry_after=3)
    sim.faults.server_errors(1, status=500)
    with pytest.raises(errors.RateLimited):
        next(iter(am.users.list()))
    with pytest.raises(errors.ServerError):
        am.account.info()


def test_every_reply_of_a_scenario_over_all_33_operations_conforms_to_the_spec() -> None:
    sim = Simulator(seed=11, job_polls=2, retry_after=0)
    checker = ReplyChecker(sim)
    documented = {operation.operation_id for operation in sim.contract.operations}
    assert documented == DOCUMENTED_OPERATIONS
    assert len(documented) == 33

    _every_operation(sim, sim.client(rate_limit=False, max_retries=0))
    with pytest.raises(errors.AuthenticationError):
        sim.client(api_key="sk-wrong", max_retries=0).account.info()
    broke = Simulator(seed=11, email_credits=0)
    broke_checker = ReplyChecker(broke)
    with pytest.raises(errors.InsufficientCredits):
        broke.client(max_retries=0).people.find(email=broke.people.email_of(1))

    assert checker.checked == len(sim.log) >= 33
    assert broke_checker.checked == len(broke.log) == 1
    assert checker.problems == []
    assert broke_checker.problems == []
    exercised: set[str] = set()
    for entry in sim.log:
        found = sim.contract.match(entry.method, entry.path)
        assert found is not None, f"{entry.method} {entry.path} is not a documented operation"
        exercised.add(found[0].operation_id)
    assert sorted(DOCUMENTED_OPERATIONS - exercised) == []
    assert exercised == DOCUMENTED_OPERATIONS
    seen_statuses = {entry.status for entry in sim.log}
    assert {200, 201, 202, 400, 401, 404, 408, 422, 429, 451, 500} <= seen_statuses


# --------------------------------------------------------------------------- 2. determinism and population
def test_the_same_seed_gives_the_same_people_and_another_seed_does_not() -> None:
    one, same, other = Simulator(seed=7), Simulator(seed=7), Simulator(seed=8)
    a, b, c = (s.client(rate_limit=False, max_retries=0) for s in (one, same, other))
    for index in (0, 5, 99_999):
        email = one.people.email_of(index)
        assert email == same.people.email_of(index)
        found = a.people.find(email=email, reveal_email=True).to_dict()
        assert found == b.people.find(email=email, reveal_email=True).to_dict()
        assert found["id"] == one.people.person(index)["id"]
        assert found["email"] == email
        theirs = c.people.find(email=other.people.email_of(index)).to_dict()
        assert theirs["id"] != found["id"]
        assert theirs["linkedin_url"] == f"https://www.linkedin.com/in/{theirs['first_name'].lower()}-" + (
            f"{theirs['last_name'].lower()}-{index}"
        )
    assert [one.people.email_of(i) for i in range(20)] != [other.people.email_of(i) for i in range(20)]
    with pytest.raises(errors.NotFound):
        c.people.find(email=one.people.email_of(5))


def test_the_population_is_100000_people_and_search_pages_through_all_of_them() -> None:
    sim = Simulator(seed=7)
    assert sim.people.size == 100_000
    am = sim.client(rate_limit=False, max_retries=0)
    first_250 = list(itertools.islice(am.people.search(page_size=100), 250))
    assert [str(p.id) for p in first_250] == [sim.people.person(i)["id"] for i in range(250)]
    assert [(e.path, e.body["page"]) for e in sim.log] == [("/people/search", page) for page in (1, 2, 3)]

    with raw(sim) as http:
        last = http.post("/people/search", json={"page": 1000, "page_size": 100}).json()
        beyond = http.post("/people/search", json={"page": 1001, "page_size": 100}).json()
    assert last["_pagination"] == {"page": 1000, "page_size": 100, "total_pages": 1000, "total": 100_000}
    assert len(last["results"]) == 100
    assert last["results"][-1]["id"] == sim.people.person(99_999)["id"]
    assert beyond["results"] == []
    assert beyond["_pagination"]["total"] == 100_000

    pages = list(am.people.search(page_size=100, start_page=1000).pages())
    assert len(pages) == 1, "page 1000 is the last one: nothing is fetched after it"
    assert pages[0].pagination.page == 1000  # type: ignore[union-attr]
    assert pages[0].pagination.total == 100_000  # type: ignore[union-attr]
    assert list(am.people.search(page_size=100, start_page=1001)) == []


# --------------------------------------------------------------------------- 3. jobs
def test_a_job_moves_from_queued_to_processing_to_completed_with_simulated_time() -> None:
    sim = Simulator(seed=3, time_scale=10, job_seconds=100, retry_after=25)
    with raw(sim) as http:
        started = http.post(ENRICH, json={"leads": leads(sim, 1, 2, 3)})
        assert started.status_code == 202
        job = started.json()
        path = f"{ENRICH}/{job['id']}"
        assert (job["status"], job["results"]) == ("queued", [])
        assert started.headers["Location"] == path
        assert started.headers["Retry-After"] == "3"  # 25 simulated seconds at 10x: 2.5 real, rounded up

        peek = http.get(path, params={"page[size]": "10"})  # paging requests are not polls
        assert (peek.json()["status"], peek.headers["Retry-After"]) == ("queued", "3")
        sim.advance(20)
        peek = http.get(path, params={"page[size]": "10"})
        assert (peek.json()["status"], peek.headers["Retry-After"]) == ("processing", "3")
        sim.advance(65)  # 85 of 100 simulated seconds: about 15 left, 1.5 real
        polled = http.get(path)
        assert (polled.json()["status"], polled.json()["results"]) == ("processing", [])
        assert polled.headers["Retry-After"] == "2"
        sim.advance(16)
        done = http.get(path)
    assert done.json()["status"] == "completed"
    assert "Retry-After" not in done.headers
    assert [r["result"]["id"] for r in done.json()["results"]] == [sim.people.person(i)["id"] for i in (1, 2, 3)]


def test_a_job_moves_on_with_polls_when_job_polls_is_set() -> None:
    sim = Simulator(seed=3, time_scale=4, job_polls=3, retry_after=10)
    with raw(sim) as http:
        started = http.post("/email-validations", json={"emails": [{"email": "a@example.com"}]})
        path = f"/email-validations/{started.json()['id']}"
        seen = [(started.json()["status"], started.headers.get("Retry-After"))]
        for _ in range(3):
            sim.advance(3600)  # time alone does not finish a job counted in polls
            polled = http.get(path)
            seen.append((polled.json()["status"], polled.headers.get("Retry-After")))
    assert seen == [("queued", "3"), ("processing", "3"), ("processing", "3"), ("completed", None)]


def test_the_client_sees_the_states_and_reads_every_result() -> None:
    sim = Simulator(seed=3, job_polls=2, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    job = am.people.enrich([*leads(sim, 1, 17), {"email": NOBODY}], reveal_email=True)
    assert job.status == "queued"
    assert job.refresh().status == "processing"
    assert job.refresh().status == "completed"
    results = list(job.results())
    assert [(r.id, str(r.status)) for r in results] == [(1, "enriched"), (2, "gdpr_removed"), (3, "not_found")]
    assert results[0].result.email == sim.people.email_of(1)  # type: ignore[union-attr]

    many = am.people.enrich(leads(sim, *range(150)))
    everything = list(many.results())  # two pages of 100, the second through the relative next link
    assert [r.id for r in everything] == list(range(1, 151))
    assert [e.query for e in sim.log if e.query.get("page[after]")] == [{"page[size]": ["100"], "page[after]": ["100"]}]


def test_a_failing_job_ends_in_error_and_the_client_raises_job_failed() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    sim.faults.fail_next_jobs(1)
    job = am.people.enrich(leads(sim, 1, 2))
    with pytest.raises(errors.JobFailed) as info:
        job.wait(timeout=10)
    assert job.status == "error"
    assert info.value.job_id == job.id
    assert info.value.errors == [
        {
            "code": "internal_server_error",
            "title": "Internal Server Error",
            "detail": "The job failed while processing.",
        }
    ]
    with raw(sim) as http:
        body = http.get(f"{ENRICH}/{job.id}").json()
    assert body["status"] == "error"
    assert body["_errors"][0]["code"] == "internal_server_error"
    assert am.people.enrich(leads(sim, 3)).wait(timeout=10).status == "completed", "only the next job fails"


def test_cancel_keeps_the_partial_results() -> None:
    sim = Simulator(seed=3, job_polls=5, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    job = am.people.enrich(leads(sim, *range(9)))
    assert job.cancel().status == "canceled"
    kept = list(job.results())
    assert [r.id for r in kept] == [1, 2, 3]
    assert [str(r.result.id) for r in kept] == [sim.people.person(i)["id"] for i in range(3)]  # type: ignore[union-attr]
    emails = [f"person{i}@example.com" for i in range(6)]
    validation = am.email_validations.validate(emails).cancel()
    assert validation.status == "canceled"
    assert [r.email for r in validation.results()] == emails[:2]
    with raw(sim) as http:
        again = http.get(f"{ENRICH}/{job.id}").json()
    assert (again["status"], len(again["results"])) == ("canceled", 3)


def test_job_results_page_with_cursors_and_relative_links() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    with raw(sim) as http:
        job_id = http.post(ENRICH, json={"leads": leads(sim, *range(9))}).json()["id"]
        path = f"{ENRICH}/{job_id}"
        assert http.get(path).json()["status"] == "completed"
        page1 = http.get(path, params={"page[size]": "4"}).json()
        assert [r["id"] for r in page1["results"]] == [1, 2, 3, 4]
        assert page1["_links"] == {"self": {"href": path}, "next": {"href": f"{path}?page[size]=4&page[after]=4"}}
        page2 = http.get(page1["_links"]["next"]["href"]).json()
        assert [r["id"] for r in page2["results"]] == [5, 6, 7, 8]
        assert page2["_links"]["next"] == {"href": f"{path}?page[size]=4&page[after]=8"}
        assert page2["_links"]["prev"] == {"href": f"{path}?page[size]=4&page[before]=5"}
        page3 = http.get(page2["_links"]["next"]["href"]).json()
        assert [r["id"] for r in page3["results"]] == [9]
        assert "next" not in page3["_links"]
        back = http.get(page2["_links"]["prev"]["href"]).json()
        assert [r["id"] for r in back["results"]] == [1, 2, 3, 4]
        assert "prev" not in back["_links"]
        before = http.get(path, params={"page[size]": "4", "page[before]": "9"}).json()
        assert [r["id"] for r in before["results"]] == [5, 6, 7, 8]


# --------------------------------------------------------------------------- 4. rate limits
def test_the_351st_find_in_a_minute_gets_429_until_the_minute_has_passed() -> None:
    sim = Simulator(seed=7, time_scale=1)
    am = sim.client(rate_limit=False, max_retries=0)
    email = sim.people.email_of(5)
    for _ in range(350):
        am.people.find(email=email)
    assert [e.status for e in sim.log] == [200] * 350
    with pytest.raises(errors.RateLimited) as info:
        am.people.find(email=email)
    assert info.value.status == 429
    assert info.value.code == "too_many_requests"
    retry_after = int(info.value.response.headers["Retry-After"])
    elapsed = sim.log[-1].at - sim.log[0].at  # the oldest of the 350 leaves the window a minute after it was sent
    assert 60 - math.ceil(elapsed) <= retry_after <= 60
    assert info.value.retry_after == float(retry_after)
    assert sim.log[-1].status == 429
    assert len(list(am.users.list())) == 3, "other routes are still under the account-wide limit"
    sim.advance(60)
    assert str(am.people.find(email=email).id) == sim.people.person(5)["id"]
    assert sim.log[-1].status == 200


def test_the_501st_request_of_a_minute_gets_429_on_any_route() -> None:
    sim = Simulator(seed=7, time_scale=1)
    am = sim.client(rate_limit=False, max_retries=0)
    for _ in range(250):
        am.tasks.statuses()
    for _ in range(250):
        am.account.info()
    assert [e.status for e in sim.log] == [200] * 500
    with pytest.raises(errors.RateLimited) as info:
        am.calls.dispositions()
    assert "Retry-After" in info.value.response.headers
    assert sim.log[-1] == LoggedRequest("GET", "/calls/dispositions", {}, None, 429, sim.log[-1].at)
    sim.advance(60)
    assert am.calls.dispositions().dispositions[0].slug == "interested"  # type: ignore[index, union-attr]


# --------------------------------------------------------------------------- 5. credits
def test_running_out_of_credits_gives_402_insufficient_credits() -> None:
    sim = Simulator(seed=7, email_credits=1)
    am = sim.client(rate_limit=False, max_retries=0)
    am.people.find(email=sim.people.email_of(1))
    assert sim.credits["email"] == 0.5
    am.people.find(email=sim.people.email_of(1))
    assert sim.credits["email"] == 0.5, "the same person within 24 hours is not charged again"
    am.people.find(email=sim.people.email_of(2))
    assert sim.credits["email"] == 0.0
    with pytest.raises(errors.InsufficientCredits) as info:
        am.people.find(email=sim.people.email_of(3))
    assert (info.value.status, info.value.code) == (402, "insufficient_credits")
    assert sim.credits["email"] == 0.0
    am.people.find(email=sim.people.email_of(1))  # still within the 24 simulated hours: free
    sim.advance(86_400)
    with pytest.raises(errors.InsufficientCredits):
        am.people.find(email=sim.people.email_of(1))
    assert [e.status for e in sim.log] == [200, 200, 200, 402, 200, 402]


def test_revealing_an_email_costs_one_more_credit() -> None:
    sim = Simulator(seed=7, email_credits=10, phone_credits=5)
    am = sim.client(rate_limit=False, max_retries=0)
    am.people.find(email=sim.people.email_of(1))
    assert sim.credits == {"email": 9.5, "phone": 5}
    found = am.people.find(email=sim.people.email_of(1), reveal_email=True)
    assert found.email == sim.people.email_of(1)
    assert sim.credits == {"email": 8.5, "phone": 5}
    am.people.find(email=sim.people.email_of(2), reveal_email=True)
    assert sim.credits == {"email": 7.0, "phone": 5}
    am.people.find(email=sim.people.email_of(2), reveal_phone_numbers=True)
    assert sim.credits == {"email": 7.0, "phone": 4}
    assert am.account.info().to_dict()["account"]["email_credits"] == 7.0


# --------------------------------------------------------------------------- 6. error statuses
def test_a_wrong_key_gets_401() -> None:
    sim = Simulator(seed=7)
    with pytest.raises(errors.AuthenticationError) as info:
        sim.client(api_key="sk-not-the-key", max_retries=0).account.info()
    assert (info.value.status, info.value.code) == (401, "unauthorized")
    with raw(sim, api_key="") as http:
        assert http.get("/account-info").status_code == 401
    assert statuses(sim) == [("GET", "/account-info", 401), ("GET", "/account-info", 401)]


def test_not_found_and_gdpr_removed_people() -> None:
    sim = Simulator(seed=7)
    am = sim.client(rate_limit=False, max_retries=0)
    assert sim.people.gdpr_removed(17)
    with pytest.raises(errors.NotFound) as missing:
        am.people.find(email=NOBODY)
    assert (missing.value.status, missing.value.code) == (404, "person_not_found")
    with pytest.raises(errors.UnavailableForLegalReasons) as removed:
        am.people.find(email=sim.people.email_of(17))
    assert (removed.value.status, removed.value.code) == (451, "unavailable_for_legal_reasons")
    with pytest.raises(errors.UnavailableForLegalReasons):
        am.people.find(linkedin_url=sim.people.linkedin_of(17 + 211))
    assert str(am.people.find(email=sim.people.email_of(18)).id) == sim.people.person(18)["id"]


def test_a_slow_reveal_gets_408_with_retry_after() -> None:
    sim = Simulator(seed=7, time_scale=2, retry_after=3)
    am = sim.client(rate_limit=False, max_retries=0)
    sim.faults.slow_next_reveals()
    assert str(am.people.find(email=sim.people.email_of(3)).id) == sim.people.person(3)["id"], "no reveal: not slowed"
    with pytest.raises(errors.RequestTimeout) as info:
        am.people.find(email=sim.people.email_of(3), reveal_email=True)
    assert (info.value.status, info.value.code) == (408, "request_timeout")
    assert info.value.response.headers["Retry-After"] == "2"  # 3 simulated seconds at 2x, rounded up
    assert info.value.retry_after == 2.0
    assert sim.credits["email"] == 999_999.5, "a timed-out reveal is not charged"
    assert am.people.find(email=sim.people.email_of(3), reveal_email=True).email == sim.people.email_of(3)


def test_with_retries_the_client_waits_out_a_slow_reveal() -> None:
    sim = Simulator(seed=7, time_scale=1, retry_after=1)
    am = sim.client(rate_limit=False, max_retries=2)
    sim.faults.slow_next_reveals()
    started = time.monotonic()
    found = am.people.find(email=sim.people.email_of(3), reveal_email=True)
    waited = time.monotonic() - started
    assert found.email == sim.people.email_of(3)
    assert waited >= 1.0
    assert statuses(sim) == [("GET", "/people/find", 408), ("GET", "/people/find", 200)]


# --------------------------------------------------------------------------- 7. bad input
EMAIL_0 = "/excluded_emails/0/email"
BAD_REQUESTS = [
    ("POST", ENRICH, {}, {"leads": "nope"}, "unsupported_value", {"pointer": "/leads"}),
    ("GET", "/tasks", {}, None, "missing_field", {"parameter": "user_id"}),
    ("GET", "/users", {"colour": "blue"}, None, "unsupported_value", {"parameter": "colour"}),
    ("GET", f"{ENRICH}/abc", {}, None, "unsupported_value", {"parameter": "id"}),
    ("GET", "/tasks", {"user_id": "u", "page[size]": "many"}, None, "unsupported_value", {"parameter": "page[size]"}),
    ("POST", "/people/search", {}, {"page_size": 1000}, "unsupported_value", {"pointer": "/page_size"}),
    ("POST", ENRICH, {}, {"leads": [1]}, "unsupported_value", {"pointer": "/leads/0"}),
    ("POST", "/calls", {}, {}, "missing_field", {"pointer": ""}),
    ("DELETE", "/excluded-emails", {}, {"excluded_emails": [{"email": 5}]}, "unsupported_value", {"pointer": EMAIL_0}),
]


@pytest.mark.parametrize(("method", "path", "params", "body", "code", "source"), BAD_REQUESTS)
def test_a_malformed_request_gets_400_pointing_at_the_problem(
    method: str, path: str, params: dict[str, str], body: Any, code: str, source: dict[str, str]
) -> None:
    sim = Simulator(seed=7)
    with raw(sim) as http:
        response = http.request(method, path, params=params, json=body)
    assert response.status_code == 400
    assert "Traceback" not in response.text
    answer = response.json()
    assert error_schema_problems(sim, answer) == []
    assert answer["object"] == "error"
    assert answer["_errors"][0]["code"] == code
    assert answer["_errors"][0]["source"] == source
    assert statuses(sim) == [(method, path, 400)]


def test_a_body_that_is_not_json_gets_400() -> None:
    sim = Simulator(seed=7)
    with raw(sim) as http:
        response = http.post(ENRICH, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["_errors"][0]["source"] == {"pointer": ""}
    assert "not valid JSON" in response.json()["_errors"][0]["detail"]
    assert sim.log[-1].body == "{not json"


@pytest.mark.parametrize(
    ("method", "path", "body", "pointer"),
    [
        ("POST", "/excluded-domains", {"excluded_domains": [{}]}, "/excluded_domains/0"),
        ("DELETE", "/excluded-domains", {"excluded_domains": [{"name": "example.com"}]}, "/excluded_domains/0"),
        ("POST", "/excluded-emails", {"excluded_emails": [{}]}, "/excluded_emails/0"),
    ],
)
def test_an_exclusion_entry_without_its_value_gets_400_not_a_crash(
    method: str, path: str, body: Any, pointer: str
) -> None:
    sim = Simulator(seed=7)
    with raw(sim) as http:
        try:
            response = http.request(method, path, json=body)
        except Exception as exc:  # the in-process transport passes the simulator's own failure on
            pytest.fail(f"{method} {path} {json.dumps(body)} crashed the simulator: {exc!r}")
    assert response.status_code == 400
    assert "Traceback" not in response.text
    assert error_schema_problems(sim, response.json()) == []
    assert response.json()["_errors"][0]["source"]["pointer"].startswith(pointer)


def test_an_unknown_path_gets_404_and_a_method_a_path_does_not_take_405_in_the_documented_error_shape() -> None:
    sim = Simulator(seed=7)
    with raw(sim) as http:
        unknown = http.get("/v2/people")
        wrong_method = http.delete("/account-info")
    for response, code in ((unknown, "not_found"), (wrong_method, "method_not_allowed")):
        assert response.headers["Content-Type"] == "application/json"
        assert error_schema_problems(sim, response.json()) == []
        assert response.json()["object"] == "error"
        assert response.json()["_errors"][0]["code"] == code
    assert unknown.json()["_errors"][0]["detail"] == "No route for GET /v2/people."
    assert wrong_method.headers["Allow"] == "GET"
    assert statuses(sim) == [("GET", "/v2/people", 404), ("DELETE", "/account-info", 405)]


# --------------------------------------------------------------------------- 8. faults and the log
def test_faults_meet_the_next_requests_and_the_log_records_every_status() -> None:
    sim = Simulator(seed=7)
    once = sim.client(rate_limit=False, max_retries=0)
    retrying = sim.client(rate_limit=False, max_retries=3)

    sim.faults.server_errors(2, status=503)
    with pytest.raises(errors.ServerError) as failed:
        once.account.info()
    assert failed.value.status == 503
    assert retrying.account.info().to_dict()["account"]["name"] == "Simulated account"  # 503, then 200

    sim.faults.drop_connections(1)
    with pytest.raises(errors.APIConnectionError):
        once.tasks.statuses()
    sim.faults.drop_connections(2)
    assert retrying.tasks.types().to_dict()["types"][0] == "email"  # two drops, then 200

    sim.faults.rate_limit_burst(2, retry_after=7)
    with pytest.raises(errors.RateLimited) as limited:
        next(iter(once.users.list()))
    assert limited.value.retry_after == 7.0
    assert limited.value.response.headers["Retry-After"] == "7"
    with pytest.raises(errors.RateLimited):
        once.account.info()
    sim.faults.rate_limit_burst(2, retry_after=0)
    assert retrying.calls.dispositions().dispositions[1].slug == "no_answer"  # type: ignore[index, union-attr]

    sim.faults.slow_responses(1, 0.3)
    started = time.monotonic()
    assert once.account.info().to_dict()["account"]["name"] == "Simulated account"
    assert time.monotonic() - started >= 0.3
    assert sim.faults.pending == type(sim.faults.pending)()

    assert statuses(sim) == [
        ("GET", "/account-info", 503),
        ("GET", "/account-info", 503),
        ("GET", "/account-info", 200),
        ("GET", "/tasks/statuses", 0),
        ("GET", "/tasks/types", 0),
        ("GET", "/tasks/types", 0),
        ("GET", "/tasks/types", 200),
        ("GET", "/users", 429),
        ("GET", "/account-info", 429),
        ("GET", "/calls/dispositions", 429),
        ("GET", "/calls/dispositions", 429),
        ("GET", "/calls/dispositions", 200),
        ("GET", "/account-info", 200),
    ]
    times = [entry.at for entry in sim.log]
    assert times == sorted(times)


def test_the_log_keeps_query_and_body() -> None:
    sim = Simulator(seed=7, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    am.people.find(email=sim.people.email_of(2), reveal_email=True)
    am.people.enrich(leads(sim, 4), reveal_phone_numbers=True)
    find, enrich = sim.log
    assert find.query == {
        "email": [sim.people.email_of(2)], "reveal_email": ["true"], "reveal_phone_numbers": ["false"]
    }  # fmt: skip
    assert (find.body, find.status) == (None, 200)
    assert enrich.body == {"leads": leads(sim, 4), "reveal_email": False, "reveal_phone_numbers": True}
    assert (enrich.method, enrich.path, enrich.status) == ("POST", ENRICH, 202)


# --------------------------------------------------------------------------- 9. served on loopback
def test_served_on_loopback_a_client_finds_a_person_and_completes_a_job() -> None:
    sim = Simulator(seed=9, job_polls=2, retry_after=0)
    with sim.serve(port=0) as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        with Amplemarket(base_url=url, api_key=sim.api_key, max_retries=0) as am:
            assert str(am.people.find(email=sim.people.email_of(6)).id) == sim.people.person(6)["id"]
            job = am.people.enrich(leads(sim, 6, 7))
            assert job.wait(timeout=10).status == "completed"
            assert [str(r.result.id) for r in job.results()] == [  # type: ignore[union-attr]
                sim.people.person(6)["id"],
                sim.people.person(7)["id"],
            ]
        with httpx.Client(base_url=url) as http:
            assert http.get("/account-info").status_code == 401
    assert statuses(sim)[:2] == [("GET", "/people/find", 200), ("POST", ENRICH, 202)]
    assert statuses(sim)[-1] == ("GET", "/account-info", 401)


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        return process.stdout.readline() if selector.select(timeout) else ""
    finally:
        selector.close()


def test_the_command_line_serves_on_loopback() -> None:
    command = [sys.executable, "-m", "amplemarket.testing", "serve", "--port", "0", "--seed", "5"]
    expected = Simulator(seed=5).people
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            line = _first_line(process, timeout=20)
            found = re.search(r"(http://127\.0\.0\.1:\d+) \(api key: (\S+)\)", line)
            assert found is not None, f"no URL in {line!r}"
            url, key = found.groups()
            with Amplemarket(base_url=url, api_key=key, max_retries=0) as am:
                assert str(am.people.find(email=expected.email_of(4)).id) == expected.person(4)["id"]
                assert am.account.info().to_dict()["account"]["name"] == "Simulated account"
        finally:
            process.kill()
            process.wait(timeout=10)


# --------------------------------------------------------------------------- 10. async
@pytest.mark.anyio
async def test_the_async_client_finds_a_person_and_completes_a_job() -> None:
    sim = Simulator(seed=4, job_polls=2, retry_after=0)
    am = sim.async_client(rate_limit=False, max_retries=0)
    person = await am.people.find(email=sim.people.email_of(8), reveal_email=True)
    assert (str(person.id), person.email) == (sim.people.person(8)["id"], sim.people.email_of(8))
    job = await am.people.enrich(leads(sim, 8, 9, 10))
    assert job.status == "queued"
    await job.wait(timeout=10)
    assert job.status == "completed"
    assert job.polls == 2
    results = [r async for r in job.results()]
    assert [str(r.result.id) for r in results] == [sim.people.person(i)["id"] for i in (8, 9, 10)]  # type: ignore[union-attr]
    assert statuses(sim) == [
        ("GET", "/people/find", 200),
        ("POST", ENRICH, 202),
        ("GET", f"{ENRICH}/1", 200),
        ("GET", f"{ENRICH}/1", 200),
    ]
