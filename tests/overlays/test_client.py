"""The sync client: every resource, iterator and job flow against the scripted fake API."""

from __future__ import annotations

import httpx
import pytest

from amplemarket import Amplemarket, errors
from amplemarket_api.models import AddLeads, Company, Person, PersonEnrichmentResult
from tests.overlays import conftest
from tests.overlays.conftest import FakeClock
from tests.overlays.fakeapi import API_KEY, BASE, FakeAPI


def test_people_find_returns_the_generated_person_and_sends_the_query(am: Amplemarket, api: FakeAPI) -> None:
    found = am.people.find(email="jane@example.com", reveal_email=True)
    assert isinstance(found, Person)
    assert found.email == "jane@example.com"
    sent = api.sent[-1]
    assert (sent.method, sent.path) == ("GET", "/people/find")
    assert sent.query == {"email": ["jane@example.com"], "reveal_email": ["true"], "reveal_phone_numbers": ["false"]}
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["user-agent"].startswith("amplemarket-python/")


def test_people_find_not_found_is_a_typed_error(am: Amplemarket) -> None:
    with pytest.raises(errors.NotFound) as info:
        am.people.find(email="nobody@example.com")
    assert info.value.status == 404
    assert info.value.code == "person_not_found"
    assert "person_not_found" in str(info.value)


def test_companies_find_keeps_free_text_size(am: Amplemarket, api: FakeAPI) -> None:
    company = am.companies.find(domain="example.com")
    assert isinstance(company, Company)
    assert company.size == "501-1,000"
    assert api.sent[-1].query == {"domain": ["example.com"]}


def test_search_iterates_every_page_lazily_and_stops_at_the_last(am: Amplemarket, api: FakeAPI) -> None:
    api.__dict__["search_total"] = 7
    people = am.people.search(person_titles=["CEO"], page_size=3)
    assert api.count("POST", "/people/search") == 0, "nothing is fetched before iteration"
    iterator = iter(people)
    first = next(iterator)
    assert isinstance(first, Person)
    assert api.count("POST", "/people/search") == 1, "one page at a time"
    rest = list(iterator)
    assert [p.id for p in [first, *rest]] == [f"p-{i}" for i in range(7)]
    assert api.count("POST", "/people/search") == 3  # pages of 3, 3, 1: no request past the last page
    bodies = [s.body for s in api.sent if s.path == "/people/search"]
    assert [b["page"] for b in bodies] == [1, 2, 3]
    assert all(b["person_titles"] == ["CEO"] and b["page_size"] == 3 for b in bodies)


def test_search_pages_gives_page_level_access(am: Amplemarket, api: FakeAPI) -> None:
    api.__dict__["search_total"] = 4
    pages = list(am.people.search(page_size=2).pages())
    assert [p.pagination.page for p in pages] == [1, 2]  # type: ignore[union-attr]
    assert [len(p.results) for p in pages] == [2, 2]  # type: ignore[arg-type]


def test_cursor_lists_follow_next_links_exactly_and_stop(am: Amplemarket, api: FakeAPI) -> None:
    api.__dict__["list_total"] = 5
    lists = list(am.lead_lists.list(status="completed"))
    assert [x.id for x in lists] == ["l-0", "l-1", "l-2", "l-3", "l-4"]
    sent = [s for s in api.sent if s.path == "/lead-lists"]
    assert len(sent) == 3
    assert sent[0].query == {"status": ["completed"]}
    # later pages are the server's links as written, not rebuilt from our filters
    assert sent[1].query == {"page[size]": ["2"], "page[after]": ["l-1"]}
    assert sent[2].query == {"page[size]": ["2"], "page[after]": ["l-3"]}


@pytest.mark.parametrize(
    ("listing", "path", "prefix"),
    [
        (lambda am: am.sequences.list(), "/sequences", "s-"),
        (lambda am: am.users.list(), "/users", "u-"),
        (lambda am: am.tasks.list("u-1", status="scheduled"), "/tasks", "t-"),
    ],
)
def test_every_cursor_listing_pages_to_the_end(
    am: Amplemarket, api: FakeAPI, listing: object, path: str, prefix: str
) -> None:
    api.__dict__["list_total"] = 3
    items = list(listing(am))  # type: ignore[operator]
    assert [i.id for i in items] == [f"{prefix}{n}" for n in range(3)]
    assert api.count("GET", path) == 2


def test_tasks_list_sends_user_id(am: Amplemarket, api: FakeAPI) -> None:
    list(am.tasks.list("u-9", type="email"))
    assert api.sent[0].query == {"user_id": ["u-9"], "type": ["email"]}


def test_exclusions_list_add_remove(am: Amplemarket, api: FakeAPI) -> None:
    assert [d.domain for d in am.exclusions.domains.list()] == [f"d{i}.com" for i in range(5)]
    added = am.exclusions.domains.add(["new.com", "other.org"])
    assert added.additional_properties == {"new.com": "success", "other.org": "success"}
    assert api.sent[-1].body == {"excluded_domains": [{"domain": "new.com"}, {"domain": "other.org"}]}
    removed = am.exclusions.emails.remove(["gone@example.com"])
    assert removed["gone@example.com"] == "not_found"
    assert (api.sent[-1].method, api.sent[-1].path) == ("DELETE", "/excluded-emails")


def test_enrichment_job_waits_then_yields_every_result_in_order(
    am: Amplemarket, api: FakeAPI, sleeps: list[float]
) -> None:
    api.__dict__["retry_after"] = 7
    leads = [{"email": f"lead{i}@example.com"} for i in range(5)]
    job = am.people.enrich(leads, reveal_email=True)
    assert job.status == "queued"
    assert api.sent[-1].body == {"leads": leads, "reveal_email": True, "reveal_phone_numbers": False}
    progress: list[str | None] = []
    job.wait(on_progress=lambda j: progress.append(j.status))
    assert job.status == "completed"
    assert progress == ["processing", "completed"]
    assert job.polls == 2
    assert sleeps.count(7.0) >= 1, "polls wait exactly the server's Retry-After"
    results = list(job.results())
    assert all(isinstance(r, PersonEnrichmentResult) for r in results)
    assert [r.email for r in results] == [lead["email"] for lead in leads]
    # 5 results in pages of 2: the completed poll holds page 1, two more pages follow
    assert api.count("GET", "/people/enrichment-requests/1") == 4


def test_enrichment_splits_large_input_and_keeps_input_order(
    am: Amplemarket, api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest, "RESULTS_PAGE", 4_000)  # fewer, larger result pages: same logic, faster
    leads = [{"email": f"lead{i}@example.com"} for i in range(25_000)]
    job = am.people.enrich(leads)
    posts = [s for s in api.sent if s.method == "POST"]
    assert [len(p.body["leads"]) for p in posts] == [10_000, 10_000, 5_000]
    assert [p.body["leads"][0]["email"] for p in posts] == ["lead0@example.com", "lead10000@example.com",
                                                           "lead20000@example.com"]  # fmt: skip
    assert job.ids == [1, 2, 3]
    assert job.id == (1, 2, 3)
    emails = [r.email for r in job.wait().results()]
    assert job.status == "completed"
    assert emails == [lead["email"] for lead in leads], "every result, in input order"
    assert api.count("POST", "/people/enrichment-requests") == 3


def test_split_failure_keeps_the_created_jobs_and_sends_nothing_twice(am: Amplemarket, api: FakeAPI) -> None:
    leads = [{"email": f"lead{i}@example.com"} for i in range(20_001)]
    original = api.routes[("POST", "/people/enrichment-requests")]
    calls = {"n": 0}

    def second_fails(request: httpx.Request, fake: FakeAPI) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 2:
            return httpx.Response(402, json={"_errors": [{"code": "insufficient_credits", "detail": "no credits"}]})
        return original(request, fake)

    api.routes[("POST", "/people/enrichment-requests")] = second_fails
    with pytest.raises(errors.PartialBatchError) as info:
        am.people.enrich(leads)
    assert isinstance(info.value.__cause__, errors.InsufficientCredits)
    assert info.value.completed_parts == 1
    assert info.value.parts == 3
    assert info.value.result.ids == [1]  # the job that was created is handed back, ready to wait on
    assert api.count("POST", "/people/enrichment-requests") == 2, "the failed part is not resent, the third not sent"


def test_resume_by_id_and_by_ids(am: Amplemarket, api: FakeAPI) -> None:
    first = am.people.enrich([{"email": "a@example.com"}])
    second = am.people.enrich([{"email": "b@example.com"}])
    resumed = am.people.enrichment(first.id)
    assert resumed.ids == [first.id]
    both = am.people.enrichment([first.id, second.id]).wait()
    assert [r.email for r in both.results()] == ["a@example.com", "b@example.com"]


def test_cancel_returns_the_partial_results(am: Amplemarket, api: FakeAPI) -> None:
    job = am.people.enrich([{"email": f"l{i}@example.com"} for i in range(3)])
    job.cancel()
    assert job.status == "canceled"
    assert api.sent[-1].method == "PATCH"
    assert api.sent[-1].body == {"status": "canceled"}
    assert [r.email for r in job.results()] == ["l0@example.com"]
    job.cancel()  # a finished job is not canceled again
    assert api.count("PATCH", f"/people/enrichment-requests/{job.id}") == 1


def test_job_error_raises_job_failed_with_the_server_errors(am: Amplemarket, api: FakeAPI) -> None:
    api.__dict__["final_status"] = "error"
    job = am.people.enrich([{"email": "a@example.com"}])
    with pytest.raises(errors.JobFailed) as info:
        job.wait()
    assert info.value.job_id == job.id
    assert info.value.errors == [
        {"code": "internal_server_error", "title": "Internal Server Error", "detail": "job broke"}
    ]


def test_job_timeout(am: Amplemarket, api: FakeAPI, clock: FakeClock) -> None:
    api.__dict__["polls_before_done"] = 1000
    api.__dict__["retry_after"] = 5
    job = am.people.enrich([{"email": "a@example.com"}])
    started = clock.now
    with pytest.raises(errors.JobTimeout) as info:
        job.wait(timeout=12)
    assert info.value.status == "processing"
    assert clock.now - started <= 12, "the wait never overshoots its timeout"
    assert job.polls == 3  # at t=0, 5 and 10; the next poll (t=15) would be past the deadline


def test_polling_survives_429_and_5xx(am: Amplemarket, api: FakeAPI, sleeps: list[float]) -> None:
    job = am.people.enrich([{"email": "a@example.com"}])
    api.fail_next(
        httpx.Response(429, headers={"Retry-After": "3"}, json={"_errors": [{"code": "rate_limited"}]}),
        httpx.Response(503, text="unavailable"),
    )
    job.wait()
    assert job.status == "completed"
    assert 3.0 in sleeps


def test_email_validation_job(am: Amplemarket, api: FakeAPI) -> None:
    job = am.email_validations.validate(["a@example.com", {"email": "b@example.com"}, "c@example.com"])
    assert api.sent[-1].body == {
        "emails": [{"email": "a@example.com"}, {"email": "b@example.com"}, {"email": "c@example.com"}]
    }
    results = list(job.wait().results())
    assert [r.email for r in results] == ["a@example.com", "b@example.com", "c@example.com"]
    again = am.email_validations.get(job.id)
    assert again.status == "completed"
    # email validation pages use the email as cursor, followed as the server wrote it
    assert any(s.query.get("page[after]") == ["b@example.com"] for s in api.sent)


def test_lead_list_job(am: Amplemarket, api: FakeAPI) -> None:
    job = am.lead_lists.create(
        owner="owner@example.com", type="linkedin", name="Q3",
        leads=[{"linkedin_url": f"https://www.linkedin.com/in/l{i}"} for i in range(3)],
    )  # fmt: skip
    body = api.sent[-1].body
    assert body["type"] == "linkedin"
    assert body["owner"] == "owner@example.com"
    assert body["shared"] is False
    with pytest.raises(errors.ClientError, match="cannot be canceled"):
        am.lead_lists.get(job.id).cancel()  # the API documents no way to cancel a lead list
    entries = list(job.wait().results())
    assert [e.linkedin_url for e in entries] == [f"https://www.linkedin.com/in/l{i}" for i in range(3)]


def test_sequences_add_leads_splits_at_250_and_sums_the_summary(am: Amplemarket, api: FakeAPI) -> None:
    leads = [{"email": f"l{i}@example.com", "data": {"first_name": "A"}} for i in range(600)]
    summary = am.sequences.add_leads("seq-1", leads, settings={"leads_distribution": "sequence_senders"})
    assert isinstance(summary, AddLeads)
    posts = [s for s in api.sent if s.method == "POST"]
    assert [len(p.body["leads"]) for p in posts] == [250, 250, 100]
    assert all(p.path == "/sequences/seq-1/leads" for p in posts)
    assert posts[0].body["settings"] == {"leads_distribution": "sequence_senders"}
    assert summary.total == 600
    assert summary.total_added_to_sequence == 600


def test_add_leads_422_carries_validation_errors(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(
        httpx.Response(
            422,
            json={"validation_errors": [{"error_code": "invalid_sequence_status", "message": "Sequence is a draft"}]},
        )
    )
    with pytest.raises(errors.UnprocessableEntity) as info:
        am.sequences.add_leads("seq-1", [{"email": "a@example.com"}])
    assert info.value.validation_errors == [{"error_code": "invalid_sequence_status", "message": "Sequence is a draft"}]
    assert info.value.code == "invalid_sequence_status"


def test_small_resources(am: Amplemarket, api: FakeAPI) -> None:
    assert am.account.info().account.name == "Example"  # type: ignore[union-attr]
    assert am.tasks.statuses().statuses == ["scheduled", "completed", "skipped"]
    assert am.tasks.types().types == ["email", "phone_call"]
    assert am.tasks.complete("t-1", set_lead_to_completed=True).additional_properties["status"] == "completed"
    assert api.sent[-1].body == {"set_lead_to_completed": True}
    am.tasks.skip("t-1")
    assert (api.sent[-1].method, api.sent[-1].path) == ("POST", "/tasks/t-1/skip")
    assert am.calls.dispositions().dispositions[0].name == "Interested"  # type: ignore[index]
    task, user = "0198f652-76db-7505-8923-201bf75736eb", "0198f652-76db-7505-8923-201bf75736ec"
    call = am.calls.log(from_="+1", to="+2", duration=30, answered=True, human=True, task_id=task, user_id=user)
    assert api.sent[-1].body == {"from": "+1", "to": "+2", "duration": 30, "answered": True, "human": True,
                                 "task_id": task, "user_id": user}  # fmt: skip
    assert call.id == "call-1"
    assert am.contacts.get("c-1").name == "Jane"
    assert am.contacts.get_by_email("jane@example.com").id == "c-1"
    assert api.sent[-1].path == "/contacts/email/jane%40example.com" or api.sent[-1].path.endswith("jane@example.com")
    assert [c.id for c in am.contacts.list(["c-1", "c-2"])] == ["c-1", "c-2"]
    assert api.sent[-1].query == {"ids[]": ["c-1", "c-2"]}
    review = am.phone_numbers.review("ph-1", reason="wrong_number")
    assert review["status"] == "reviewed"
    assert api.sent[-1].body == {"reason": "wrong_number"}


def test_a_success_body_that_is_not_the_model_is_an_invalid_response(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(200, content=b"<html>maintenance</html>"))
    with pytest.raises(errors.InvalidResponse, match="maintenance"):
        am.people.find(email="jane@example.com")


def test_context_manager_closes_its_own_client() -> None:
    with Amplemarket(api_key=API_KEY, base_url=BASE) as client:
        http = client._http
    assert http.is_closed


def test_a_callers_http_client_is_left_open(api: FakeAPI) -> None:
    http = httpx.Client(transport=api.transport())
    with Amplemarket(api_key=API_KEY, http_client=http):
        pass
    assert not http.is_closed
    http.close()
