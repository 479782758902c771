"""The simulator: a stateful, spec-validated stand-in for the Amplemarket API."""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from amplemarket_api.limits import CREDIT_COSTS, RATE_LIMITS, CreditCost
from apicore.simulation import MINUTE, LoggedRequest, Reply, SimulatorBase
from apicore.simulation import Faults as _BaseFaults

from .._base import SETTINGS
from ._data import Population
from ._spec import load_spec

__all__ = ["DEFAULT_API_KEY", "Faults", "LoggedRequest", "Reply", "SimulatorCore"]

DEFAULT_API_KEY = "sk-simulator-0000000000000000"

#: The operations that charge credits, as keyed in ``amplemarket_api.limits.CREDIT_COSTS``.
FIND = ("GET", "/people/find")
ENRICH = ("POST", "/people/enrichment-requests")
VALIDATE = ("POST", "/email-validations")
#: The charging events (``CreditCost.event``) the simulator knows how to tell apart, per operation.
PERSON_EVENTS = ("person_found", "email_revealed", "phone_number_revealed")
VALIDATION_EVENTS = ("each_email",)


def _per_minute(requests: int, period_seconds: int) -> int:
    """A documented limit as requests per simulated minute, the core's window (rounded up: never stricter)."""
    return math.ceil(requests * MINUTE / period_seconds)


def _documented_limits() -> dict[str, int]:
    """The core's limit table ("*" for every request, then per route) from the documented rate limits."""
    return {
        "*" if route == "default" else route: _per_minute(rate.requests, rate.period_seconds)
        for route, rate in RATE_LIMITS.items()
    }


@dataclass
class Faults(_BaseFaults):
    """The core's faults plus two of this API's own: jobs that fail, reveals that time out."""

    failing_jobs: int = 0
    slow_reveals: int = 0

    def fail_next_jobs(self, count: int = 1) -> None:
        self.failing_jobs += count

    def slow_next_reveals(self, count: int = 1) -> None:
        self.slow_reveals += count


def _error(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    source: Mapping[str, str] | None = None,
) -> Reply:
    entry: dict[str, Any] = {"code": code, "title": code.replace("_", " ").capitalize(), "detail": detail}
    if source:
        entry["source"] = source
    return Reply(status, {"_errors": [entry], "object": "error"}, headers or {})


@dataclass
class _Job:
    kind: str
    id: Any
    created: float
    items: list[dict[str, Any]]
    options: dict[str, Any]
    final: str = "completed"
    forced: str | None = None
    polls: int = 0


#: The operations that read a job's results, and the kind of job they read.
_POLLS = {
    "retrieve_person_enrichment_results": "enrichment",
    "retrieve_email_validation_results": "email",
    "retrieve_lead_list": "lead_list",
}


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


class SimulatorCore(SimulatorBase):
    """Answers requests; knows nothing about HTTP framing (the core's transports serve it)."""

    default_limits: ClassVar[Mapping[str, int]] = _documented_limits()
    credit_types: ClassVar[tuple[str, ...]] = ("email", "phone")
    faults: Faults

    def __init__(
        self,
        *,
        seed: int = 42,
        population: int = 100_000,
        time_scale: float = 1.0,
        api_key: str = DEFAULT_API_KEY,
        email_credits: float = 1_000_000.0,
        phone_credits: float = 100_000.0,
        job_seconds: float = 5.0,
        job_polls: int | None = None,
        retry_after: float = 2.0,
        rate_limits: bool = True,
        limits: Mapping[str, int] | None = None,
        validate: bool = True,
        slow_reveals: int = 0,
        server_errors: int = 0,
        fault_rate: float = 0.0,
    ) -> None:
        super().__init__(
            load_spec(),
            api_key=api_key,
            auth_headers=SETTINGS.auth_headers,
            time_scale=time_scale,
            rate_limits=rate_limits,
            limits=limits,
            validate=validate,
            server_errors=server_errors,
            seed=seed,
            fault_rate=fault_rate,
        )
        self.seed = seed
        self.people = Population(seed, population)
        self.credits = {"email": email_credits, "phone": phone_credits}
        self.job_seconds = job_seconds
        self.job_polls = job_polls
        self.retry_after = retry_after
        self.faults.slow_next_reveals(slow_reveals)
        self._jobs: dict[str, _Job] = {}
        self._next_job = 1
        self._charged: dict[tuple[int, str, str], float] = {}  # (person, credit type, event) -> when
        self._exclusions: dict[str, dict[str, dict[str, Any]]] = {"domains": {}, "emails": {}}
        self._sequence_leads: dict[str, set[str]] = {}
        self._task_state: dict[str, str] = {}
        self._calls: list[dict[str, Any]] = []
        self._seed_exclusions()

    # ------------------------------------------------------------------ this API's rules
    def make_faults(self) -> Faults:
        return Faults(self.error)

    def error_body(self, status: int, code: str, detail: str, source: Mapping[str, str] | None) -> Any:
        return _error(status, code, detail, source=source).body

    def prepare(self, operation_id: str, params: dict[str, str], query: dict[str, list[str]], body: Any) -> None:
        """Warm what is slow the first time, outside the lock: searches, name lookups, companies, job results."""
        if operation_id == "search_people":
            self.people.search(body)
        elif operation_id == "single_person_enrichment":
            self.people.find({k: v[0] for k, v in query.items()})
        elif operation_id == "single_company_enrichment":
            for index in range(self.people.companies):
                self.people.company(index)
        elif operation_id in {"start_batch_of_person_enrichments", "create_lead_list"}:
            leads = body.get("leads")
            named = (
                [lead for lead in leads if isinstance(lead, Mapping) and lead.get("name")]
                if isinstance(leads, list)
                else []
            )
            if named:
                self.people.find(named[0])  # builds the name index once
        elif operation_id in _POLLS:
            job = self._get_job(_POLLS[operation_id], params.get("id", ""))
            if job is not None:
                self._results(job)

    # ------------------------------------------------------------------ credits (amplemarket_api.limits)
    def _charge(self, due: Mapping[str, float]) -> Reply | None:
        """Take ``due`` (credit type -> amount) from the balances, or refuse with 402 and take nothing."""
        if any(self.credits.get(kind, 0.0) < amount for kind, amount in due.items() if amount):
            return _error(402, "insufficient_credits", "The account does not have enough credits.")
        for kind, amount in due.items():
            if amount:
                self.credits[kind] -= amount
        self.count_credits(due)
        return None

    def _person_costs(
        self, operation: tuple[str, str], index: int, reveal_email: bool, reveal_phone: bool
    ) -> list[CreditCost]:
        """The documented costs of ``operation`` that are due for one person now."""
        happened = {"person_found": True, "email_revealed": reveal_email, "phone_number_revealed": reveal_phone}
        due = []
        for cost in CREDIT_COSTS.get(operation, ()):
            last = self._charged.get((index, cost.credit_type, cost.event))
            if not happened.get(cost.event) or (last is not None and cost.once):
                continue
            if last is not None and cost.once_per_seconds is not None and self.now() - last < cost.once_per_seconds:
                continue
            due.append(cost)
        return due

    @staticmethod
    def _total(costs: list[CreditCost], times: float = 1.0) -> dict[str, float]:
        total: dict[str, float] = {}
        for cost in costs:
            total[cost.credit_type] = total.get(cost.credit_type, 0.0) + cost.credits * times
        return total

    def _mark_charged(self, index: int, costs: list[CreditCost]) -> None:
        for cost in costs:
            self._charged[(index, cost.credit_type, cost.event)] = self.now()

    # ------------------------------------------------------------------ paging helpers
    @staticmethod
    def _page(
        items: list[dict[str, Any]], query: dict[str, list[str]], base: str, key: str, default: int = 100
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        size = int(query.get("page[size]", [default])[0])
        size = max(1, min(size, 100 if default <= 100 else default))
        keys = [str(item[key]) for item in items]
        if "page[after]" in query:
            after = query["page[after]"][0]
            start = keys.index(after) + 1 if after in keys else len(items)
        elif "page[before]" in query:
            before = query["page[before]"][0]
            end = keys.index(before) if before in keys else 0
            start = max(0, end - size)
        else:
            start = 0
        chunk = items[start : start + size]
        links: dict[str, Any] = {"self": {"href": base}}
        separator = "&" if "?" in base else "?"
        if start + size < len(items) and chunk:
            links["next"] = {
                "href": f"{base}{separator}page[size]={size}&page[after]={quote(str(chunk[-1][key]), safe='@.')}"
            }
        if start > 0 and chunk:
            links["prev"] = {
                "href": f"{base}{separator}page[size]={size}&page[before]={quote(str(chunk[0][key]), safe='@.')}"
            }
        return chunk, links

    # ------------------------------------------------------------------ people
    def _op_single_person_enrichment(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        flat = {k: v[0] for k, v in query.items()}
        reveal_email = flat.get("reveal_email") == "true"
        reveal_phone = flat.get("reveal_phone_numbers") == "true"
        index = self.people.find(flat)
        if index is None:
            return _error(404, "person_not_found", "A matching person was not found.")
        if self.people.gdpr_removed(index):
            return _error(451, "unavailable_for_legal_reasons", "The person was removed for privacy reasons.")
        if (reveal_email or reveal_phone) and self.faults.slow_reveals > 0:
            self.faults.slow_reveals -= 1
            retry = {"Retry-After": str(max(1, self._real(self.retry_after)))}
            return _error(408, "request_timeout", "Still revealing; try again later.", retry)
        costs = self._person_costs(FIND, index, reveal_email, reveal_phone)
        refused = self._charge(self._total(costs))
        if refused is not None:
            return refused
        self._mark_charged(index, costs)
        return Reply(200, self.people.revealed(index, email=reveal_email, phones=reveal_phone))

    def _op_single_company_enrichment(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        wanted = (query.get("domain") or query.get("linkedin_url") or [""])[0].lower()
        for index in range(self.people.companies):
            company = self.people.company(index)
            if wanted in {self.people.company_domain(index), str(company["linkedin_url"]).lower()}:
                return Reply(200, company)
        return _error(404, "not_found", "No company matches.")

    def _op_search_people(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        page = int(body.get("page") or 1)
        size = int(body.get("page_size") or 10)
        if not 1 <= size <= 100:
            return _error(
                400, "unsupported_value", "page_size must be between 1 and 100.", source={"pointer": "/page_size"}
            )
        hits = self.people.search(body)
        total = len(hits)
        start = (page - 1) * size
        results = [self.people.person(i) for i in hits[start : start + size]]
        pages = math.ceil(total / size) if total else 0
        pagination = {"page": page, "page_size": size, "total_pages": pages, "total": total}
        return Reply(200, {"object": "person_search_result", "results": results, "_pagination": pagination})

    # ------------------------------------------------------------------ jobs
    def _new_job(self, kind: str, items: list[dict[str, Any]], options: dict[str, Any]) -> _Job:
        number = self._next_job
        self._next_job += 1
        job_id: Any = (
            number if kind == "enrichment" else str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.seed}:{kind}:{number}"))
        )
        job = _Job(kind, job_id, self.now(), items, options)
        if self.faults.failing_jobs > 0:
            self.faults.failing_jobs -= 1
            job.final = "error"
        self._jobs[f"{kind}:{job_id}"] = job
        self.count_job(kind)
        return job

    def _status(self, job: _Job) -> str:
        if job.forced:
            return job.forced
        if self.job_polls is not None:
            done = job.polls >= self.job_polls
        else:
            done = self.now() - job.created >= self.job_seconds
        if done:
            return job.final
        return "queued" if job.polls == 0 and self.now() - job.created < self.job_seconds * 0.1 else "processing"

    def _job_reply(self, job: _Job, query: dict[str, list[str]], *, status_code: int = 200, poll: bool = True) -> Reply:
        if poll and not any(k.startswith("page[") for k in query):
            job.polls += 1
        status = self._status(job)
        base, field_name, obj, key = {
            "enrichment": ("/people/enrichment-requests", "results", "person_enrichment", "id"),
            "email": ("/email-validations", "results", "email_validation", "email"),
            "lead_list": ("/lead-lists", "leads", "lead_list", "id"),
        }[job.kind]
        path = f"{base}/{job.id}"
        payload: dict[str, Any] = {"id": job.id, "object": obj, "status": status}
        headers: dict[str, str] = {}
        if status in {"queued", "processing"}:
            payload[field_name] = []
            payload["_links"] = {"self": {"href": path}}
            remaining = self.job_seconds - (self.now() - job.created) if self.job_polls is None else self.retry_after
            headers["Retry-After"] = str(self._real(min(self.retry_after, max(remaining, 0.0))))
        else:
            items = self._results(job)
            if status == "canceled":
                items = items[: max(0, len(items) // 3)]
            chunk, links = self._page(items, query, path, key)
            payload[field_name] = chunk
            payload["_links"] = links
            if status == "error":
                payload["_errors"] = [
                    {
                        "code": "internal_server_error",
                        "title": "Internal Server Error",
                        "detail": "The job failed while processing.",
                    }
                ]
        if job.kind == "lead_list":
            payload.update({key: value for key, value in job.options.items() if not key.startswith("_")})
        if status_code == 202:
            headers["Location"] = path
        return Reply(status_code, payload, headers)

    def _results(self, job: _Job) -> list[dict[str, Any]]:
        cached: list[dict[str, Any]] | None = job.options.get("_results")
        if cached is not None:
            return cached
        results: list[dict[str, Any]] = []
        for number, lead in enumerate(job.items, start=1):
            if job.kind == "enrichment":
                results.append(self._enrichment_result(number, lead, job.options))
            elif job.kind == "email":
                results.append(self._validation_result(lead["email"]))
            else:
                results.append(self._lead_list_entry(job, number, lead))
        with self._lock:  # computed outside the lock when ``prepare`` warms it: the first one stays
            kept: list[dict[str, Any]] = job.options.setdefault("_results", results)
            return kept

    def _enrichment_result(self, number: int, lead: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"id": number, **lead}
        index = self.people.find(lead)
        if index is None:
            result.update(status="not_found", result=None)
        elif self.people.gdpr_removed(index):
            result.update(status="gdpr_removed", result=None)
        else:
            reveal_email, reveal_phone = options["reveal_email"], options["reveal_phone_numbers"]
            result.update(
                status="enriched", result=self.people.revealed(index, email=reveal_email, phones=reveal_phone)
            )
        return result

    @staticmethod
    def _validation_result(email: str) -> dict[str, Any]:
        roll = int(hashlib.sha256(email.lower().encode()).hexdigest()[:4], 16) % 100
        result = "deliverable" if roll < 70 else "risky" if roll < 85 else "unknown" if roll < 95 else "undeliverable"
        return {"object": "email_validation_result", "email": email, "result": result, "catch_all": result == "risky"}

    def _lead_list_entry(self, job: _Job, number: int, lead: dict[str, Any]) -> dict[str, Any]:
        index = self.people.find(lead)
        entry: dict[str, Any] = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{job.id}:{number}")),
            "object": "lead_list_entry",
            "email": lead.get("email"),
            "person_id": None,
            "linkedin_url": lead.get("linkedin_url"),
            "first_name": None,
            "last_name": None,
            "company_name": lead.get("company_name"),
            "company_domain": lead.get("company_domain"),
            "industry": None,
            "title": lead.get("title"),
            "email_validation_result": None,
            "data": {},
        }
        if index is not None and not self.people.gdpr_removed(index):
            person = self.people.person(index)
            email = self.people.email_of(index)
            entry.update(
                person_id=person["id"],
                linkedin_url=person["linkedin_url"],
                first_name=person["first_name"],
                last_name=person["last_name"],
                company_name=person["company"]["name"],
                title=person["title"],
                company_domain=str(person["company"]["website"]).removeprefix("https://"),
                industry=person["company"]["industry"],
                email=email,
                email_validation_result=self._validation_result(email),
            )
        return entry

    def _get_job(self, kind: str, job_id: str) -> _Job | None:
        return self._jobs.get(f"{kind}:{job_id}")

    def _op_start_batch_of_person_enrichments(
        self, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> Reply:
        reveal_email, reveal_phone = bool(body.get("reveal_email")), bool(body.get("reveal_phone_numbers"))
        costs: list[CreditCost] = []
        for lead in body["leads"]:
            index = self.people.find(lead)
            if index is not None:
                costs += self._person_costs(ENRICH, index, reveal_email, reveal_phone)
        refused = self._charge(self._total(costs))
        if refused is not None:
            return refused
        job = self._new_job(
            "enrichment", body["leads"], {"reveal_email": reveal_email, "reveal_phone_numbers": reveal_phone}
        )
        return self._job_reply(job, {}, status_code=202, poll=False)

    def _poll(self, kind: str, params: dict[str, str], query: dict[str, list[str]]) -> Reply:
        job = self._get_job(kind, params["id"])
        if job is None:
            return _error(404, "not_found", f"No job {params['id']}.")
        return self._job_reply(job, query)

    def _cancel(self, kind: str, params: dict[str, str]) -> Reply:
        job = self._get_job(kind, params["id"])
        if job is None:
            return _error(404, "not_found", f"No job {params['id']}.")
        if self._status(job) in {"queued", "processing"}:
            job.forced = "canceled"
        return self._job_reply(job, {}, poll=False)

    def _op_retrieve_person_enrichment_results(
        self, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> Reply:
        return self._poll("enrichment", params, query)

    def _op_cancel_batch_of_person_enrichments(
        self, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> Reply:
        return self._cancel("enrichment", params)

    def _op_start_batch_of_email_validations(
        self, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> Reply:
        emails = body["emails"]
        each = [cost for cost in CREDIT_COSTS.get(VALIDATE, ()) if cost.event == "each_email"]
        refused = self._charge(self._total(each, times=len(emails)))
        if refused is not None:
            return refused
        return self._job_reply(self._new_job("email", emails, {}), {}, status_code=202, poll=False)

    def _op_retrieve_email_validation_results(
        self, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> Reply:
        return self._poll("email", params, query)

    def _op_cancel_batch_of_email_validations(
        self, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> Reply:
        return self._cancel("email", params)

    def _op_create_lead_list(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        options = {
            "name": body.get("name") or f"List {self._next_job}",
            "shared": body["shared"],
            "visible": body.get("visible", True),
            "owner": body["owner"],
            "type": body["type"],
            "options": {
                "reveal_phone_numbers": False,
                "validate_email": True,
                "enrich": True,
                **body.get("options", {}),
            },
        }
        job = self._new_job("lead_list", body["leads"], options)
        return self._job_reply(job, {}, status_code=202, poll=False)

    def _op_retrieve_lead_list(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._poll("lead_list", params, query)

    def _op_get_lead_lists(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        summaries = []
        for job in self._jobs.values():
            if job.kind != "lead_list":
                continue
            summary = {"id": job.id, **{k: v for k, v in job.options.items() if not k.startswith("_")}}
            summary["status"] = self._status(job)
            summaries.append(summary)
        wanted = query.get("status", [None])[0]
        summaries = [s for s in summaries if wanted in (None, s["status"])]
        chunk, links = self._page(summaries, query, "/lead-lists", "id", default=20)
        return Reply(200, {"lead_lists": chunk, "_links": links})

    # ------------------------------------------------------------------ sequences, exclusions, users, tasks
    def _sequences(self) -> list[dict[str, Any]]:
        statuses = ["active", "active", "paused", "draft", "archived", "active"]
        users = self._users()
        return [
            {
                "id": hashlib.sha1(f"{self.seed}:sequence:{i}".encode(), usedforsecurity=False).hexdigest(),
                "name": f"Sequence {i + 1}",
                "status": status,
                "created_at": _iso(1_735_000_000 + i * 3600),
                "updated_at": _iso(1_735_500_000),
                "created_by_user_id": users[i % len(users)]["id"],
                "created_by_user_email": users[i % len(users)]["email"],
            }
            for i, status in enumerate(statuses)
        ]

    def _op_get_sequences(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        found = self._sequences()
        for name, key in (("status", "status"), ("created_by_user_email", "created_by_user_email")):
            if name in query:
                found = [s for s in found if s[key] == query[name][0]]
        if "name" in query:
            found = [s for s in found if query["name"][0].lower() in s["name"].lower()]
        chunk, links = self._page(found, query, "/sequences", "id", default=20)
        return Reply(200, {"sequences": chunk, "_links": links})

    def _op_add_leads(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        sequence = next((s for s in self._sequences() if s["id"] == params["id"]), None)
        if sequence is None:
            return _error(404, "not_found", "No such sequence.")
        if sequence["status"] not in {"active", "paused"}:
            return Reply(
                422,
                {
                    "validation_errors": [
                        {"error_code": "invalid_sequence_status", "message": f"The sequence is {sequence['status']}."}
                    ]
                },
            )
        present = self._sequence_leads.setdefault(params["id"], set())
        summary: dict[str, Any] = {
            "total": len(body["leads"]),
            "total_added_to_sequence": 0,
            "duplicate_emails": [],
            "duplicate_linkedin_urls": [],
            "in_exclusion_list_and_skipped": [],
            "recently_contacted_and_skipped": [],
            "already_in_sequence_and_skipped": [],
            "in_other_draft_sequences_and_skipped": [],
            "in_other_active_sequences_and_skipped": [],
        }
        seen: set[str] = set()
        for lead in body["leads"]:
            key = str(lead.get("email") or lead.get("linkedin_url")).lower()
            brief = {k: lead[k] for k in ("email", "linkedin_url") if k in lead}
            overrides = lead.get("overrides", {})
            if key in seen:
                summary["duplicate_emails" if "email" in lead else "duplicate_linkedin_urls"].append(key)
            elif self._excluded(lead) and not overrides.get("ignore_exclusion_list"):
                summary["in_exclusion_list_and_skipped"].append(brief)
            elif key in present:
                summary["already_in_sequence_and_skipped"].append(brief)
            else:
                present.add(key)
                summary["total_added_to_sequence"] += 1
            seen.add(key)
        return Reply(200, summary)

    def _excluded(self, lead: Mapping[str, Any]) -> bool:
        email = str(lead.get("email") or "").lower()
        return bool(email) and (
            email in self._exclusions["emails"] or email.split("@")[-1] in self._exclusions["domains"]
        )

    def _seed_exclusions(self) -> None:
        self._exclusions["domains"]["competitor.example"] = {
            "domain": "competitor.example",
            "source": "amplemarket",
            "date_added": _iso(1_724_884_396),
            "excluded_reason": "api",
        }
        self._exclusions["domains"]["crm-only.example"] = {
            "domain": "crm-only.example",
            "source": "salesforce",
            "date_added": _iso(1_724_884_396),
            "excluded_reason": "manual",
        }
        self._exclusions["emails"]["ceo@competitor.example"] = {
            "email": "ceo@competitor.example",
            "source": "amplemarket",
            "date_added": _iso(1_724_884_396),
            "excluded_reason": "api",
        }

    def _list_exclusions(self, kind: str, query: dict[str, list[str]]) -> Reply:
        key = "domain" if kind == "domains" else "email"
        items = sorted(self._exclusions[kind].values(), key=lambda e: str(e[key]))
        chunk, links = self._page(items, query, f"/excluded-{kind}", key, default=2000)
        return Reply(200, {f"excluded_{kind}": chunk, "_links": links})

    def _change_exclusions(self, kind: str, body: Any, *, add: bool) -> Reply:
        key = "domain" if kind == "domains" else "email"
        store = self._exclusions[kind]
        outcome: dict[str, str] = {}
        for entry in body[f"excluded_{kind}"]:
            value = str(entry[key]).lower()
            if add:
                if value in store:
                    outcome[value] = "duplicated"
                else:
                    store[value] = {
                        key: value,
                        "source": "amplemarket",
                        "date_added": _iso(time.time()),
                        "excluded_reason": "api",
                    }
                    outcome[value] = "success"
            elif value not in store:
                outcome[value] = "not_found"
            elif store[value]["source"] != "amplemarket":
                outcome[value] = "unsupported"
            else:
                del store[value]
                outcome[value] = "success"
        return Reply(200, outcome)

    def _op_get_excluded_domains(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._list_exclusions("domains", query)

    def _op_get_excluded_emails(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._list_exclusions("emails", query)

    def _op_create_excluded_domains(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._change_exclusions("domains", body, add=True)

    def _op_create_excluded_emails(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._change_exclusions("emails", body, add=True)

    def _op_delete_excluded_domains(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._change_exclusions("domains", body, add=False)

    def _op_delete_excluded_emails(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._change_exclusions("emails", body, add=False)

    def _users(self) -> list[dict[str, Any]]:
        roles = ["admin", "sales_rep", "sales_rep"]
        return [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.seed}:user:{i}")),
                "name": f"User {i + 1}",
                "email": f"user{i + 1}@sim.example",
                "status": "active",
                "role": role,
                "mailboxes": [
                    {
                        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.seed}:mailbox:{i}")),
                        "email": f"user{i + 1}@sim.example",
                    }
                ],
            }
            for i, role in enumerate(roles)
        ]

    def _op_get_users(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        users = [
            u for u in self._users() if all(u.get(k) == query[k][0] for k in ("status", "role", "email") if k in query)
        ]
        chunk, links = self._page(users, query, "/users", "id", default=20)
        return Reply(200, {"users": chunk, "_links": links})

    def _tasks(self, user_id: str) -> list[dict[str, Any]]:
        users = {u["id"]: u for u in self._users()}
        if user_id not in users:
            return []
        tasks = []
        for i in range(25):
            task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{user_id}:task:{i}"))
            person = self.people.person(i)
            tasks.append(
                {
                    "id": task_id,
                    "automatic": i % 4 == 0,
                    "type": ["email", "phone_call", "linkedin_visit"][i % 3],
                    "status": self._task_state.get(task_id, "scheduled"),
                    "due_on": _iso(1_735_000_000 + i * 86_400),
                    "finished_on": None,
                    "notes": None,
                    "sequence_key": None,
                    "sequence_name": None,
                    "user_id": user_id,
                    "user_email": users[user_id]["email"],
                    "contact": {"id": person["id"], "name": person["name"], "email": self.people.email_of(i)},
                }
            )
        return tasks

    def _op_get_tasks(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        tasks = self._tasks(query["user_id"][0])
        for name in ("type", "status"):
            if name in query:
                tasks = [t for t in tasks if t[name] == query[name][0]]
        if "automatic" in query:
            tasks = [t for t in tasks if t["automatic"] == (query["automatic"][0] == "true")]
        base = f"/tasks?user_id={query['user_id'][0]}"
        chunk, links = self._page(tasks, query, base, "id", default=20)
        return Reply(200, {"tasks": chunk, "_links": links})

    def _find_task(self, task_id: str) -> dict[str, Any] | None:
        for user in self._users():
            for task in self._tasks(user["id"]):
                if task["id"] == task_id:
                    return task
        return None

    def _finish_task(self, params: dict[str, str], status: str) -> Reply:
        task = self._find_task(params["id"])
        if task is None:
            return _error(404, "not_found", "No such task.")
        if task["status"] == status:
            return Reply(200, {"id": task["id"], "status": status})
        if status == "skipped":  # the docs give skipping no eligibility rule and no error:
            if task["status"] != "scheduled":  # a task that is done keeps the status it has
                return Reply(200, {"id": task["id"], "status": task["status"]})
            self._task_state[task["id"]] = status
            return Reply(200, {"id": task["id"], "status": status})
        if task["status"] != "scheduled" or task["automatic"]:  # documented for completing only
            return _error(400, "unsupported_value", "Only scheduled, manual tasks can be completed.")
        self._task_state[task["id"]] = status
        return Reply(200, {"id": task["id"], "status": status})

    def _op_complete_task(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._finish_task(params, "completed")

    def _op_skip_task(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return self._finish_task(params, "skipped")

    def _op_get_tasks_statuses(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return Reply(200, {"statuses": ["scheduled", "completed", "skipped"]})

    def _op_get_tasks_types(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return Reply(200, {"types": ["email", "phone_call", "linkedin_visit", "custom_task"]})

    # ------------------------------------------------------------------ account, calls, contacts, phones
    def _op_account_info(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        account = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.seed}:account")),
            "name": "Simulated account",
            "email_credits": self.credits["email"],
            "phone_credits": self.credits["phone"],
        }
        return Reply(200, {"account": account})

    def _dispositions(self) -> list[dict[str, Any]]:
        names = [("Interested", "interested", "complete"), ("No answer", "no_answer", "next_stage")]
        return [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.seed}:disposition:{slug}")),
                "name": name,
                "slug": slug,
                "action": action,
            }
            for name, slug, action in names
        ]

    def _op_get_call_dispositions(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return Reply(200, {"dispositions": self._dispositions()})

    def _op_create_calls(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        call = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.seed}:call:{len(self._calls)}")),
            "external": False,
            "start_date": _iso(time.time()),
            "notes": None,
            "transcription": body.get("transcription"),
            **body,
        }
        self._calls.append(call)
        return Reply(201, call)

    def _contact(self, index: int) -> dict[str, Any]:
        person = self.people.person(index)
        return {
            "id": person["id"],
            "name": person["name"],
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "email": self.people.email_of(index),
            "linkedin_url": person["linkedin_url"],
            "title": person["title"],
            "location": person["location"],
            "company_name": person["company"]["name"],
            "company_domain": str(person["company"]["website"]).removeprefix("https://"),
        }

    def _op_get_contact(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        for index in range(50):
            if self.people.person(index)["id"] == params["id"]:
                return Reply(200, {"contact": self._contact(index)})
        return _error(404, "not_found", "No such contact.")

    def _op_get_contact_by_email(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        index = self.people.index_from_email(params["email"])
        if index is None or index >= 50:
            return _error(404, "not_found", "No such contact.")
        return Reply(200, {"contact": self._contact(index)})

    def _op_get_contacts(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        wanted = set(query.get("ids[]", []))
        return Reply(200, {"contacts": [self._contact(i) for i in range(50) if self.people.person(i)["id"] in wanted]})

    def _op_review_phone_number(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return Reply(200, {"id": params["id"], "status": "reviewed", **body})
