"""The async client mirrors the sync one: every resource, iterator and job flow, awaited."""

from __future__ import annotations

import traceback
from typing import Any

import httpx
import pytest

from amplemarket import AsyncAmplemarket, AsyncJob, AsyncPaginator, errors
from amplemarket_api.models import (
    AccountInfo,
    AddLeads,
    Call,
    CallDispositions,
    Company,
    Contact,
    EmailValidationResult,
    LeadList,
    LeadListEntry,
    Person,
    PersonEnrichmentResult,
    PersonSearch,
    TaskStatuses,
    TaskTypes,
)
from tests.overlays import conftest
from tests.overlays.conftest import FakeClock
from tests.overlays.fakeapi import API_KEY, BASE, FakeAPI, error_body

pytestmark = pytest.mark.anyio

ENRICH = ("POST", "/people/enrichment-requests")
# the documented account-wide limit, 500 requests a minute, less the limiter's 3 % headroom
LIMITER_SLOT = 60 / 500 / (1 - 0.03)
TASK_ID = "0198f652-76db-7505-8923-201bf75736eb"
USER_ID = "0198f652-76db-7505-8923-201bf75736ec"


def emails(count: int, prefix: str = "lead") -> list[dict[str, Any]]:
    return [{"email": f"{prefix}{i}@example.com"} for i in range(count)]


# ----------------------------------------------------------------------------- people and companies
async def test_people_find_returns_the_person_model_and_sends_the_query(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    found = await aam.people.find(email="jane@example.com", reveal_email=True)
    assert isinstance(found, Person)
    assert found.name == "Person 1"
    assert found.email == "jane@example.com"
    assert found.linkedin_url == "https://www.linkedin.com/in/person-1"
    assert len(api.sent) == 1
    sent = api.sent[0]
    assert (sent.method, sent.path) == ("GET", "/people/find")
    assert sent.query == {"email": ["jane@example.com"], "reveal_email": ["true"], "reveal_phone_numbers": ["false"]}
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["user-agent"].startswith("amplemarket-python/")


async def test_people_find_not_found_is_a_typed_error(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    with pytest.raises(errors.NotFound) as info:
        await aam.people.find(email="nobody@example.com")
    assert type(info.value) is errors.NotFound
    assert info.value.status == 404
    assert info.value.code == "person_not_found"
    assert info.value.detail == "A matching person was not found"
    assert api.count("GET", "/people/find") == 1, "a 404 is final: not retried"


async def test_search_iterates_every_page_and_stops_at_the_last(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["search_total"] = 7
    people = aam.people.search(person_titles=["CEO"], page_size=3)
    assert isinstance(people, AsyncPaginator)
    assert api.sent == [], "nothing is fetched before iteration"
    found = [p async for p in people]
    assert all(isinstance(p, Person) for p in found)
    assert [p.name for p in found] == [f"Person {i}" for i in range(7)]
    bodies = [s.body for s in api.sent if s.path == "/people/search"]
    assert len(bodies) == 3 == len(api.sent), "pages of 3, 3 and 1: exactly total_pages POSTs"
    assert [b["page"] for b in bodies] == [1, 2, 3]
    assert all(b["person_titles"] == ["CEO"] and b["page_size"] == 3 for b in bodies)


async def test_search_pages_gives_every_page_once(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["search_total"] = 9
    pages = [page async for page in aam.people.search(page_size=4).pages()]
    assert all(isinstance(p, PersonSearch) for p in pages)
    assert [p.pagination.page for p in pages] == [1, 2, 3]  # type: ignore[union-attr]
    assert [len(p.results) for p in pages] == [4, 4, 1]  # type: ignore[arg-type]
    assert api.count("POST", "/people/search") == 3


async def test_search_starting_at_a_later_page(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["search_total"] = 6
    found = [p.name async for p in aam.people.search(page_size=2, start_page=2)]
    assert found == ["Person 2", "Person 3", "Person 4", "Person 5"]
    assert [s.body["page"] for s in api.sent] == [2, 3]


async def test_companies_find(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    company = await aam.companies.find(linkedin_url="https://www.linkedin.com/company/acme")
    assert isinstance(company, Company)
    assert company.name == "A Company"
    assert company.size == "501-1,000"
    assert len(api.sent) == 1
    assert (api.sent[0].method, api.sent[0].path) == ("GET", "/companies/find")
    assert api.sent[0].query == {"linkedin_url": ["https://www.linkedin.com/company/acme"]}


# ----------------------------------------------------------------------------- enrichment jobs
async def test_enrichment_job_waits_then_yields_every_result_in_order(
    aam: AsyncAmplemarket, api: FakeAPI, sleeps: list[float]
) -> None:
    api.__dict__["retry_after"] = 7
    leads = emails(5)
    job = await aam.people.enrich(leads, reveal_email=True)
    assert isinstance(job, AsyncJob)
    assert job.status == "queued"
    assert job.ids == [1]
    assert api.count(*ENRICH) == 1
    assert api.sent[0].body == {"leads": leads, "reveal_email": True, "reveal_phone_numbers": False}
    progress: list[str | None] = []
    assert await job.wait(on_progress=lambda j: progress.append(j.status)) is job
    assert job.status == "completed"
    assert progress == ["processing", "completed"]
    assert job.polls == 2
    # the 202 carries no Retry-After, so the first poll waits only for the rate limiter's slot;
    # the poll after it waits exactly the Retry-After the processing answer gave
    assert sleeps == [pytest.approx(LIMITER_SLOT), 7.0]
    results = [r async for r in job.results()]
    assert all(isinstance(r, PersonEnrichmentResult) for r in results)
    assert [r.email for r in results] == [lead["email"] for lead in leads]
    # 5 results in pages of 2: the completed poll holds page 1, two more pages follow
    gets = [s for s in api.sent if s.method == "GET"]
    assert len(gets) == 4
    assert [s.query.get("page[after]") for s in gets] == [None, None, ["2"], ["4"]]


async def test_results_waits_for_an_unfinished_job(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    job = await aam.people.enrich(emails(3))
    results = [r.email async for r in job.results()]
    assert results == [f"lead{i}@example.com" for i in range(3)]
    assert job.status == "completed"
    assert job.polls == 2


async def test_refresh_polls_every_part_once(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["polls_before_done"] = 3
    job = await aam.people.enrich(emails(1))
    assert await job.refresh() is job
    assert job.status == "processing"
    assert job.polls == 1
    assert api.count("GET", "/people/enrichment-requests/1") == 1
    await job.refresh()
    await job.refresh()
    assert job.status == "completed"
    assert job.done


async def test_enrichment_splits_10001_leads_into_two_jobs_in_input_order(
    aam: AsyncAmplemarket, api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest, "RESULTS_PAGE", 3_000)  # fewer, larger result pages: same logic, faster
    leads = emails(10_001)
    job = await aam.people.enrich(leads)
    posts = [s for s in api.sent if s.method == "POST"]
    assert [len(p.body["leads"]) for p in posts] == [10_000, 1]
    assert posts[0].body["leads"] == leads[:10_000]
    assert posts[1].body["leads"] == [{"email": "lead10000@example.com"}]
    assert job.ids == [1, 2]
    assert job.id == (1, 2)
    await job.wait()
    assert job.status == "completed"
    found = [r.email async for r in job.results()]
    assert len(found) == 10_001
    assert found == [lead["email"] for lead in leads], "every result, in input order"
    assert api.count(*ENRICH) == 2, "no job created twice"


async def test_enrichment_resumes_by_id_and_by_ids(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    first = await aam.people.enrich([{"email": "a@example.com"}])
    second = await aam.people.enrich([{"email": "b@example.com"}])
    resumed = await aam.people.enrichment(first.id)
    assert isinstance(resumed, AsyncJob)
    assert resumed.ids == [1]
    assert api.count("GET", "/people/enrichment-requests/1") == 1, "resuming fetches the job once"
    both = await aam.people.enrichment([first.id, second.id])
    assert both.ids == [1, 2]
    await both.wait()
    assert [r.email async for r in both.results()] == ["a@example.com", "b@example.com"]


async def test_cancel_keeps_the_partial_results_and_is_not_repeated(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    job = await aam.people.enrich(emails(3, "l"))
    assert await job.cancel() is job
    assert job.status == "canceled"
    patch = api.sent[-1]
    assert (patch.method, patch.path) == ("PATCH", "/people/enrichment-requests/1")
    assert patch.body == {"status": "canceled"}
    assert [r.email async for r in job.results()] == ["l0@example.com"]
    await job.cancel()  # a finished job is not canceled again
    assert api.count("PATCH", "/people/enrichment-requests/1") == 1


async def test_a_failed_job_raises_job_failed_with_the_server_errors(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["final_status"] = "error"
    job = await aam.people.enrich(emails(1))
    with pytest.raises(errors.JobFailed) as info:
        await job.wait()
    assert info.value.job_id == 1
    assert info.value.errors == [
        {"code": "internal_server_error", "title": "Internal Server Error", "detail": "job broke"}
    ]
    assert "job broke" in str(info.value)
    assert job.status == "error"


async def test_a_job_that_never_finishes_times_out_after_honouring_retry_after(
    aam: AsyncAmplemarket, api: FakeAPI, sleeps: list[float], clock: FakeClock
) -> None:
    api.__dict__["polls_before_done"] = 1_000
    api.__dict__["retry_after"] = 5
    job = await aam.people.enrich(emails(1))
    assert sleeps == []
    started = clock.now
    with pytest.raises(errors.JobTimeout) as info:
        await job.wait(timeout=12)
    assert info.value.job_id == 1
    assert info.value.status == "processing"
    # polls at +0.12 (rate limiter slot), then +5 and +10 later (Retry-After); the next would be past 12
    assert sleeps == [pytest.approx(LIMITER_SLOT), 5.0, 5.0]
    assert clock.now - started <= 12, "the wait never overshoots its timeout"
    assert api.count("GET", "/people/enrichment-requests/1") == 3
    assert job.polls == 3


# ----------------------------------------------------------------------------- email validations and lead lists
async def test_email_validation_validate_and_get(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    job = await aam.email_validations.validate(["a@example.com", {"email": "b@example.com"}, "c@example.com"])
    assert api.count("POST", "/email-validations") == 1
    assert api.sent[0].body == {
        "emails": [{"email": "a@example.com"}, {"email": "b@example.com"}, {"email": "c@example.com"}]
    }
    assert job.ids == ["job-1"]
    await job.wait()
    results = [r async for r in job.results()]
    assert all(isinstance(r, EmailValidationResult) for r in results)
    assert [r.email for r in results] == ["a@example.com", "b@example.com", "c@example.com"]
    assert any(s.query.get("page[after]") == ["b@example.com"] for s in api.sent), "the server's cursor is followed"
    again = await aam.email_validations.get("job-1")
    assert again.ids == ["job-1"]
    assert again.status == "completed"
    assert api.sent[-1].path == "/email-validations/job-1"


async def test_email_validation_cancel(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    job = await aam.email_validations.validate(["a@example.com"])
    await job.cancel()
    assert job.status == "canceled"
    assert (api.sent[-1].method, api.sent[-1].path, api.sent[-1].body) == (
        "PATCH",
        "/email-validations/job-1",
        {"status": "canceled"},
    )


async def test_lead_lists_create_get_and_list(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    urls = [f"https://www.linkedin.com/in/l{i}" for i in range(3)]
    job = await aam.lead_lists.create(
        owner="owner@example.com", type="linkedin", name="Q3", leads=[{"linkedin_url": u} for u in urls]
    )
    assert api.count("POST", "/lead-lists") == 1
    body = api.sent[0].body
    assert body == {
        "owner": "owner@example.com",
        "type": "linkedin",
        "shared": False,
        "name": "Q3",
        "leads": [{"linkedin_url": u} for u in urls],
    }
    await job.wait()
    entries = [e async for e in job.results()]
    assert all(isinstance(e, LeadListEntry) for e in entries)
    assert [e.linkedin_url for e in entries] == urls
    fetched = await aam.lead_lists.get(job.id)
    assert fetched.ids == ["job-1"]
    assert fetched.status == "completed"
    assert [e.linkedin_url async for e in fetched.results()] == urls
    pending = await aam.lead_lists.create(owner="owner@example.com", type="email", leads=[{"email": "a@example.com"}])
    assert pending.status == "queued"
    with pytest.raises(errors.ClientError, match="cannot be canceled"):
        await pending.cancel()  # the API documents no way to cancel a lead list
    assert all(s.method in {"GET", "POST"} for s in api.sent), "no cancel request was sent"
    api.__dict__["list_total"] = 5
    before = len(api.sent)
    lists = [x async for x in aam.lead_lists.list(status="completed")]
    assert all(isinstance(x, LeadList) for x in lists)
    assert [x.id for x in lists] == ["l-0", "l-1", "l-2", "l-3", "l-4"]
    sent = api.sent[before:]
    assert len(sent) == 3
    assert sent[0].query == {"status": ["completed"]}
    assert sent[1].query == {"page[size]": ["2"], "page[after]": ["l-1"]}
    assert sent[2].query == {"page[size]": ["2"], "page[after]": ["l-3"]}


# ----------------------------------------------------------------------------- sequences, exclusions, tasks, users
async def test_sequences_list(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["list_total"] = 3
    found = [s.id async for s in aam.sequences.list(status="active")]
    assert found == ["s-0", "s-1", "s-2"]
    assert api.count("GET", "/sequences") == 2
    assert api.sent[0].query == {"status": ["active"]}


async def test_sequences_add_leads_splits_at_250_and_sums_the_summary(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    leads = [{"email": f"l{i}@example.com", "data": {"first_name": "A"}} for i in range(300)]
    summary = await aam.sequences.add_leads("seq-1", leads, settings={"leads_distribution": "sequence_senders"})
    assert isinstance(summary, AddLeads)
    posts = [s for s in api.sent if s.method == "POST"]
    assert len(posts) == len(api.sent) == 2
    assert [len(p.body["leads"]) for p in posts] == [250, 50]
    assert posts[0].body["leads"] == leads[:250]
    assert posts[1].body["leads"] == leads[250:]
    assert all(p.path == "/sequences/seq-1/leads" for p in posts)
    assert all(p.body["settings"] == {"leads_distribution": "sequence_senders"} for p in posts)
    assert summary.total == 300
    assert summary.total_added_to_sequence == 300
    assert summary.duplicate_emails == []


async def test_add_leads_422_carries_validation_errors(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    problem = {"error_code": "invalid_sequence_status", "message": "Sequence is a draft"}
    api.fail_next(httpx.Response(422, json={"validation_errors": [problem]}))
    with pytest.raises(errors.UnprocessableEntity) as info:
        await aam.sequences.add_leads("seq-1", [{"email": "a@example.com"}])
    assert type(info.value) is errors.UnprocessableEntity
    assert info.value.status == 422
    assert info.value.validation_errors == [problem]
    assert info.value.code == "invalid_sequence_status"
    assert api.count("POST", "/sequences/seq-1/leads") == 1


async def test_a_split_add_leads_failing_part_way_reports_what_went_through(
    aam: AsyncAmplemarket, api: FakeAPI
) -> None:
    original = api.routes[("POST", "/sequences/{id}/leads")]
    calls = {"n": 0}

    def second_fails(request: httpx.Request, fake: FakeAPI) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 2:
            return httpx.Response(402, json=error_body("insufficient_credits"))
        return original(request, fake)

    api.routes[("POST", "/sequences/{id}/leads")] = second_fails
    with pytest.raises(errors.PartialBatchError) as info:
        await aam.sequences.add_leads("seq-1", emails(600))
    assert isinstance(info.value.__cause__, errors.InsufficientCredits)
    assert (info.value.completed_parts, info.value.parts) == (1, 3)
    assert info.value.result.total == 250
    assert api.count("POST", "/sequences/seq-1/leads") == 2, "the failed part is not resent, the third not sent"


async def test_exclusion_domains_list_add_remove(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    assert [d.domain async for d in aam.exclusions.domains.list()] == [f"d{i}.com" for i in range(5)]
    assert api.count("GET", "/excluded-domains") == 3
    added = await aam.exclusions.domains.add(["new.com", "other.org"])
    assert added.additional_properties == {"new.com": "success", "other.org": "success"}
    assert (api.sent[-1].method, api.sent[-1].path) == ("POST", "/excluded-domains")
    assert api.sent[-1].body == {"excluded_domains": [{"domain": "new.com"}, {"domain": "other.org"}]}
    removed = await aam.exclusions.domains.remove(["gone.com"])
    assert removed.additional_properties == {"gone.com": "not_found"}
    assert (api.sent[-1].method, api.sent[-1].path) == ("DELETE", "/excluded-domains")
    assert api.sent[-1].body == {"excluded_domains": [{"domain": "gone.com"}]}


async def test_exclusion_emails_list_add_remove(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["list_total"] = 3
    assert [e.email async for e in aam.exclusions.emails.list()] == ["x0@d.com", "x1@d.com", "x2@d.com"]
    assert api.count("GET", "/excluded-emails") == 2
    added = await aam.exclusions.emails.add(["a@example.com"])
    assert added["a@example.com"] == "success"
    assert (api.sent[-1].method, api.sent[-1].path) == ("POST", "/excluded-emails")
    assert api.sent[-1].body == {"excluded_emails": [{"email": "a@example.com"}]}
    removed = await aam.exclusions.emails.remove(["gone@example.com"])
    assert removed["gone@example.com"] == "not_found"
    assert (api.sent[-1].method, api.sent[-1].path) == ("DELETE", "/excluded-emails")


async def test_tasks_list_complete_skip_statuses_types(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.__dict__["list_total"] = 3
    assert [t.id async for t in aam.tasks.list("u-9", type="email")] == ["t-0", "t-1", "t-2"]
    assert api.sent[0].query == {"user_id": ["u-9"], "type": ["email"]}
    assert api.count("GET", "/tasks") == 2
    done = await aam.tasks.complete("t-1", set_lead_to_completed=True)
    assert done.additional_properties["status"] == "completed"
    assert (api.sent[-1].method, api.sent[-1].path) == ("POST", "/tasks/t-1/complete")
    assert api.sent[-1].body == {"set_lead_to_completed": True}
    skipped = await aam.tasks.skip("t-1")
    assert skipped.additional_properties["status"] == "skipped"
    assert (api.sent[-1].method, api.sent[-1].path) == ("POST", "/tasks/t-1/skip")
    statuses = await aam.tasks.statuses()
    assert isinstance(statuses, TaskStatuses)
    assert statuses.statuses == ["scheduled", "completed", "skipped"]
    types = await aam.tasks.types()
    assert isinstance(types, TaskTypes)
    assert types.types == ["email", "phone_call"]


async def test_users_list(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    users = [u async for u in aam.users.list(status="active")]
    assert [u.email for u in users] == [f"user{i}@example.com" for i in range(5)]
    assert api.count("GET", "/users") == 3
    assert api.sent[0].query == {"status": ["active"]}


async def test_account_info(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    info = await aam.account.info()
    assert isinstance(info, AccountInfo)
    assert info.account.name == "Example"  # type: ignore[union-attr]
    assert [(s.method, s.path) for s in api.sent] == [("GET", "/account-info")]


async def test_calls_log_and_dispositions(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    call = await aam.calls.log(
        from_="+1", to="+2", duration=30, answered=True, human=False, task_id=TASK_ID, user_id=USER_ID
    )
    assert isinstance(call, Call)
    assert call.id == "call-1"
    assert (api.sent[-1].method, api.sent[-1].path) == ("POST", "/calls")
    assert api.sent[-1].body == {"from": "+1", "to": "+2", "duration": 30, "answered": True, "human": False,
                                 "task_id": TASK_ID, "user_id": USER_ID}  # fmt: skip
    dispositions = await aam.calls.dispositions()
    assert isinstance(dispositions, CallDispositions)
    assert [d.name for d in dispositions.dispositions] == ["Interested"]  # type: ignore[union-attr]


async def test_contacts_get_get_by_email_and_list(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    contact = await aam.contacts.get("c-1")
    assert isinstance(contact, Contact)
    assert (contact.id, contact.name, contact.email) == ("c-1", "Jane", "jane@example.com")
    assert api.sent[-1].path == "/contacts/c-1"
    by_email = await aam.contacts.get_by_email("jane@example.com")
    assert isinstance(by_email, Contact)
    assert by_email.id == "c-1"
    assert api.sent[-1].path.startswith("/contacts/email/")
    listed = await aam.contacts.list(["c-1", "c-2"])
    assert all(isinstance(c, Contact) for c in listed)
    assert [c.id for c in listed] == ["c-1", "c-2"]
    assert api.sent[-1].query == {"ids[]": ["c-1", "c-2"]}
    assert len(api.sent) == 3


async def test_phone_numbers_review(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    review = await aam.phone_numbers.review("ph-1", reason="wrong_number", user_id=USER_ID)
    assert review["status"] == "reviewed"
    assert [(s.method, s.path) for s in api.sent] == [("POST", "/phone_numbers/ph-1/review")]
    assert api.sent[0].body == {"reason": "wrong_number", "user_id": USER_ID}


# ----------------------------------------------------------------------------- retries and errors
async def test_a_503_on_a_read_is_retried(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(503, text="unavailable"))
    info = await aam.account.info()
    assert info.account.name == "Example"  # type: ignore[union-attr]
    assert api.count("GET", "/account-info") == 2


async def test_a_500_on_an_enrichment_create_is_not_resent(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(500, json=error_body("internal_server_error")))
    with pytest.raises(errors.ServerError) as info:
        await aam.people.enrich(emails(1))
    assert info.value.status == 500
    assert api.count(*ENRICH) == 1, "no duplicate job, no credit spent twice"
    assert api.jobs == {}


async def test_a_429_is_retried_after_exactly_retry_after(
    aam: AsyncAmplemarket, api: FakeAPI, sleeps: list[float]
) -> None:
    api.fail_next(httpx.Response(429, headers={"Retry-After": "17"}, json=error_body("rate_limited")))
    await aam.account.info()
    assert sleeps == [17.0]
    assert api.count("GET", "/account-info") == 2


async def test_a_429_on_a_create_is_resent_once_it_may(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(429, headers={"Retry-After": "2"}, json=error_body("rate_limited")))
    job = await aam.people.enrich(emails(1))
    assert api.count(*ENRICH) == 2, "429 means the server did not act: safe to resend"
    assert len(api.jobs) == 1
    assert job.ids == [1]


async def test_401_is_an_authentication_error(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(401, json=error_body("unauthorized", "bad key")))
    with pytest.raises(errors.AuthenticationError) as info:
        [u async for u in aam.users.list()]
    assert info.value.status == 401
    assert info.value.code == "unauthorized"
    assert api.count("GET", "/users") == 1


async def test_402_is_insufficient_credits(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(402, json=error_body("insufficient_credits", "No credits left")))
    with pytest.raises(errors.InsufficientCredits) as info:
        await aam.people.enrich(emails(2))
    assert info.value.status == 402
    assert info.value.detail == "No credits left"
    assert api.count(*ENRICH) == 1


async def test_the_key_never_leaks(aam: AsyncAmplemarket, api: FakeAPI) -> None:
    echoed = f"invalid key {API_KEY}"  # even a server that echoes the key back
    api.fail_next(httpx.Response(401, json=error_body("unauthorized", echoed)))
    with pytest.raises(errors.AuthenticationError) as auth:
        await aam.account.info()
    api.fail_next(httpx.Response(404, json=error_body("person_not_found", f"{API_KEY} not found")))
    with pytest.raises(errors.NotFound) as missing:
        await aam.people.find(email="jane@example.com")
    api.fail_next(
        httpx.ConnectError(f"cannot connect with {API_KEY}"), httpx.ConnectError, httpx.ConnectError, httpx.ConnectError
    )
    with pytest.raises(errors.APIConnectionError) as connection:
        await aam.account.info()
    api.fail_next(httpx.Response(500, text=f"crash dumping key={API_KEY}"))
    with pytest.raises(errors.ServerError) as server:
        await aam.people.enrich(emails(1))
    raised: list[BaseException] = [auth.value, missing.value, connection.value, server.value]
    texts = [repr(aam), str(aam), repr(aam.people), repr(aam._config.api_key)]
    for error in raised:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    for text in texts:
        assert API_KEY not in text
    assert "[redacted]" in str(auth.value), "the echoed key is replaced, the rest of the message kept"
    assert repr(aam) == f"AsyncAmplemarket(base_url={BASE!r}, api_key=****)"


# ----------------------------------------------------------------------------- lifecycle
async def test_async_with_closes_its_own_http_client() -> None:
    async with AsyncAmplemarket(api_key=API_KEY, base_url=BASE) as client:
        assert isinstance(client, AsyncAmplemarket)
        http = client._http
        assert not http.is_closed
    assert http.is_closed


async def test_a_callers_http_client_is_left_open(api: FakeAPI) -> None:
    http = httpx.AsyncClient(transport=api.async_transport())
    async with AsyncAmplemarket(api_key=API_KEY, http_client=http, rate_limit=False) as client:
        assert (await client.account.info()).account.name == "Example"  # type: ignore[union-attr]
    assert not http.is_closed
    await http.aclose()
