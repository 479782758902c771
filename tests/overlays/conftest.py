"""Fixtures: a scripted fake API with default routes, and clients wired to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from amplemarket import Amplemarket, AsyncAmplemarket, RateLimiter, _ops
from tests.overlays.fakeapi import API_KEY, BASE, FakeAPI, error_body, person

RESULTS_PAGE = 2  # small pages so that every job and list test crosses page boundaries


def _page(
    items: list[Any], request: httpx.Request, base_path: str, key: str = "id"
) -> tuple[list[Any], dict[str, Any]]:
    """Cursor paging over ``items`` (exclusive page[after] on ``key``), with HAL links."""
    params = request.url.params
    size = int(params.get("page[size]", RESULTS_PAGE))
    after = params.get("page[after]")
    start = 0
    if after is not None:
        start = next(i for i, item in enumerate(items) if str(item[key]) == after) + 1
    chunk = items[start : start + size]
    links: dict[str, Any] = {"self": {"href": base_path}}
    if start + size < len(items):
        links["next"] = {"href": f"{base_path}?page[size]={size}&page[after]={chunk[-1][key]}"}
    return chunk, links


def _job_response(api: FakeAPI, job_id: str, *, poll: bool) -> httpx.Response:
    job = api.jobs[job_id]
    if poll and job["status"] not in {"completed", "canceled", "error"}:
        job["polls_left"] -= 1
        job["status"] = "processing" if job["polls_left"] > 0 else job["final"]
    body: dict[str, Any] = {"id": job["id"], "object": job["object"], "status": job["status"]}
    headers = {"Retry-After": str(job["retry_after"])} if job["status"] in {"queued", "processing"} else {}
    path = f"{job['path']}/{job['id']}"
    if job["status"] in {"completed", "canceled"}:
        items, links = _page(job["results"], job["request"], path, job["cursor"])
        body[job["field"]] = items
        body["_links"] = links
    else:
        body[job["field"]] = []
        body["_links"] = {"self": {"href": path}}
    if job["status"] == "error":
        body["_errors"] = [{"code": "internal_server_error", "title": "Internal Server Error", "detail": "job broke"}]
    return httpx.Response(200, json=body, headers=headers)


def _create_job(api: FakeAPI, request: httpx.Request, kind: str, results: list[Any]) -> httpx.Response:
    meta = {
        "enrichment": ("/people/enrichment-requests", "person_enrichment", "results", "id"),
        "email": ("/email-validations", "email_validation", "results", "email"),
        "lead_list": ("/lead-lists", "lead_list", "leads", "id"),
    }[kind]
    job_id: Any = api.next_id if kind == "enrichment" else f"job-{api.next_id}"
    api.next_id += 1
    api.jobs[str(job_id)] = {
        "id": job_id, "path": meta[0], "object": meta[1], "field": meta[2], "cursor": meta[3], "status": "queued",
        "polls_left": api.__dict__.get("polls_before_done", 2), "final": api.__dict__.get("final_status", "completed"),
        "retry_after": api.__dict__.get("retry_after", 0), "results": results, "request": request,
    }  # fmt: skip
    response = _job_response(api, str(job_id), poll=False)
    return httpx.Response(202, json=response.json(), headers={"Location": f"{meta[0]}/{job_id}"})


def install_default_routes(api: FakeAPI) -> None:
    @api.route("GET", "/people/find")
    def find(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        email = request.url.params.get("email", "")
        if email.startswith("nobody"):
            return httpx.Response(404, json=error_body("person_not_found", "A matching person was not found"))
        extra = {"email": email} if request.url.params.get("reveal_email") == "true" else {}
        return httpx.Response(200, json=person(1, **extra))

    @api.route("GET", "/companies/find")
    def company(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        return httpx.Response(200, json={"id": "c-1", "object": "company", "name": "A Company", "size": "501-1,000"})

    @api.route("POST", "/people/search")
    def search(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        body = json.loads(request.content)
        total = api.__dict__.get("search_total", 5)
        size = body.get("page_size", 2)
        page = body.get("page", 1)
        start = (page - 1) * size
        results = [person(i) for i in range(start, min(start + size, total))]
        pages = (total + size - 1) // size
        return httpx.Response(
            200,
            json={
                "object": "person_search_result",
                "results": results,
                "_pagination": {"page": page, "page_size": size, "total_pages": pages, "total": total},
            },
        )

    @api.route("POST", "/people/enrichment-requests")
    def enrich(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        leads = json.loads(request.content)["leads"]
        results = [
            {"id": i + 1, "status": "enriched", "email": lead.get("email"), "result": person(i)}
            for i, lead in enumerate(leads)
        ]
        return _create_job(api, request, "enrichment", results)

    @api.route("GET", "/people/enrichment-requests/{id}")
    def poll_enrichment(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        job_id = request.url.path.rsplit("/", 1)[1]
        if job_id not in api.jobs:
            return httpx.Response(404, json=error_body("not_found"))
        api.jobs[job_id]["request"] = request
        return _job_response(api, job_id, poll="page[after]" not in str(request.url))

    @api.route("PATCH", "/people/enrichment-requests/{id}")
    def cancel_enrichment(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        job_id = request.url.path.rsplit("/", 1)[1]
        api.jobs[job_id]["status"] = "canceled"
        api.jobs[job_id]["results"] = api.jobs[job_id]["results"][:1]
        api.jobs[job_id]["request"] = request
        return _job_response(api, job_id, poll=False)

    @api.route("POST", "/email-validations")
    def validate(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        emails = json.loads(request.content)["emails"]
        results = [{"object": "email_validation_result", "email": e["email"], "result": "deliverable",
                    "catch_all": False} for e in emails]  # fmt: skip
        return _create_job(api, request, "email", results)

    @api.route("GET", "/email-validations/{id}")
    def poll_validation(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        job_id = request.url.path.rsplit("/", 1)[1]
        api.jobs[job_id]["request"] = request
        return _job_response(api, job_id, poll="page[after]" not in str(request.url))

    @api.route("PATCH", "/email-validations/{id}")
    def cancel_validation(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        job_id = request.url.path.rsplit("/", 1)[1]
        api.jobs[job_id]["status"] = "canceled"
        api.jobs[job_id]["request"] = request
        return _job_response(api, job_id, poll=False)

    @api.route("POST", "/lead-lists")
    def create_list(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        leads = json.loads(request.content)["leads"]
        entries = [{"id": f"e-{i}", "object": "lead_list_entry", **lead} for i, lead in enumerate(leads)]
        response = _create_job(api, request, "lead_list", entries)
        return response

    @api.route("GET", "/lead-lists/{id}")
    def get_list(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        job_id = request.url.path.rsplit("/", 1)[1]
        api.jobs[job_id]["request"] = request
        return _job_response(api, job_id, poll="page[after]" not in str(request.url))

    def listing(path: str, key: str, make: Any) -> None:
        @api.route("GET", path)
        def handler(request: httpx.Request, api: FakeAPI) -> httpx.Response:
            items = [make(i) for i in range(api.__dict__.get("list_total", 5))]
            chunk, links = _page(items, request, path)
            return httpx.Response(200, json={key: chunk, "_links": links})

    listing("/lead-lists", "lead_lists", lambda i: {"id": f"l-{i}", "name": f"List {i}", "status": "completed"})
    listing("/sequences", "sequences", lambda i: {"id": f"s-{i}", "name": f"Seq {i}", "status": "active"})
    listing("/users", "users", lambda i: {"id": f"u-{i}", "email": f"user{i}@example.com", "status": "active"})
    listing("/tasks", "tasks", lambda i: {"id": f"t-{i}", "status": "scheduled", "automatic": False})
    listing("/excluded-domains", "excluded_domains", lambda i: {"id": i, "domain": f"d{i}.com", "source": "api"})
    listing("/excluded-emails", "excluded_emails", lambda i: {"id": i, "email": f"x{i}@d.com", "source": "api"})

    @api.route("POST", "/sequences/{id}/leads")
    def add_leads(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        leads = json.loads(request.content)["leads"]
        return httpx.Response(
            200,
            json={"total": len(leads), "total_added_to_sequence": len(leads), "duplicate_emails": [],
                  "duplicate_linkedin_urls": [], "in_exclusion_list_and_skipped": []},
        )  # fmt: skip

    for kind in ("domains", "emails"):
        field = "domain" if kind == "domains" else "email"

        @api.route("POST", f"/excluded-{kind}")
        def add_exclusions(
            request: httpx.Request, api: FakeAPI, kind: str = kind, field: str = field
        ) -> httpx.Response:
            entries = json.loads(request.content)[f"excluded_{kind}"]
            return httpx.Response(200, json={e[field]: "success" for e in entries})

        @api.route("DELETE", f"/excluded-{kind}")
        def remove_exclusions(
            request: httpx.Request, api: FakeAPI, kind: str = kind, field: str = field
        ) -> httpx.Response:
            entries = json.loads(request.content)[f"excluded_{kind}"]
            return httpx.Response(200, json={e[field]: "not_found" for e in entries})

    simple = {
        ("GET", "/account-info"): {"account": {"id": "acc-1", "name": "Example"}},
        ("GET", "/tasks/statuses"): {"statuses": ["scheduled", "completed", "skipped"]},
        ("GET", "/tasks/types"): {"types": ["email", "phone_call"]},
        ("GET", "/calls/dispositions"): {"dispositions": [{"id": "d1", "name": "Interested", "action": "complete"}]},
        ("POST", "/tasks/{id}/complete"): {"id": "t-1", "status": "completed"},
        ("POST", "/tasks/{id}/skip"): {"id": "t-1", "status": "skipped"},
        ("GET", "/contacts/{id}"): {"contact": {"id": "c-1", "name": "Jane", "email": "jane@example.com"}},
        ("GET", "/contacts/email/{email}"): {"contact": {"id": "c-1", "name": "Jane", "email": "jane@example.com"}},
        ("GET", "/contacts"): {"contacts": [{"id": "c-1"}, {"id": "c-2"}]},
        ("POST", "/phone_numbers/{id}/review"): {"status": "reviewed"},
    }
    for (method, path), payload in simple.items():
        api.route(method, path)(lambda request, api, payload=payload: httpx.Response(200, json=payload))

    @api.route("POST", "/calls")
    def log_call(request: httpx.Request, api: FakeAPI) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(201, json={"id": "call-1", **body})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def api() -> FakeAPI:
    fake = FakeAPI()
    install_default_routes(fake)
    return fake


class FakeClock:
    """Time that moves only when the client sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleeps(clock: FakeClock) -> list[float]:
    return clock.sleeps


def _limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(_ops.DEFAULT_LIMIT, dict(_ops.ROUTE_LIMITS), clock=clock)


@pytest.fixture
def am(api: FakeAPI, clock: FakeClock) -> Iterator[Amplemarket]:
    client = Amplemarket(
        api_key=API_KEY, base_url=BASE, http_client=httpx.Client(transport=api.transport()), rate_limit=_limiter(clock)
    )
    client._sleep = clock.sleep  # the client never really sleeps in tests
    client._clock = clock
    yield client
    client.close()


@pytest.fixture
async def aam(api: FakeAPI, clock: FakeClock) -> AsyncIterator[AsyncAmplemarket]:
    client = AsyncAmplemarket(
        api_key=API_KEY,
        base_url=BASE,
        http_client=httpx.AsyncClient(transport=api.async_transport()),
        rate_limit=_limiter(clock),
    )
    client._sleep = clock.async_sleep
    client._clock = clock
    yield client
    await client.close()
