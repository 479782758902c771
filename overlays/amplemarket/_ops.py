"""What each Amplemarket operation sends and expects, and the input checks that run first.

Shared by the sync and async clients: every function here validates its arguments
(raising ``InvalidInput`` before anything is sent) and returns a ``Request``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import httpx

from amplemarket_api import Client as _ParserClient
from amplemarket_api.api.account import account_info
from amplemarket_api.api.calls import create_calls, get_call_dispositions
from amplemarket_api.api.companies_enrichment import single_company_enrichment
from amplemarket_api.api.contacts import get_contact, get_contact_by_email, get_contacts
from amplemarket_api.api.email_validation import (
    cancel_batch_of_email_validations,
    retrieve_email_validation_results,
    start_batch_of_email_validations,
)
from amplemarket_api.api.exclusion_lists import (
    create_excluded_domains,
    create_excluded_emails,
    delete_excluded_domains,
    delete_excluded_emails,
    get_excluded_domains,
    get_excluded_emails,
)
from amplemarket_api.api.lead_list import create_lead_list, get_lead_lists, retrieve_lead_list
from amplemarket_api.api.people_enrichment import (
    cancel_batch_of_person_enrichments,
    retrieve_person_enrichment_results,
    single_person_enrichment,
    start_batch_of_person_enrichments,
)
from amplemarket_api.api.phone_numbers import review_phone_number
from amplemarket_api.api.searcher import search_people
from amplemarket_api.api.sequences import add_leads, get_sequences
from amplemarket_api.api.tasks import complete_task, get_tasks, get_tasks_statuses, get_tasks_types, skip_task
from amplemarket_api.api.users import get_users
from amplemarket_api.limits import RATE_LIMITS, USAGE_LIMITS
from amplemarket_api.models import (
    AccountInfo,
    AddLeads,
    AddLeadsRequest,
    Call,
    CallDispositions,
    CancelRequest,
    Company,
    CompleteTaskRequest,
    Contact,
    Contacts,
    EmailValidation,
    EmailValidationsRequest,
    ExcludedDomains,
    ExcludedDomainsRequest,
    ExcludedEmails,
    ExcludedEmailsRequest,
    ExclusionStatus,
    LeadList,
    LeadListRequest,
    LeadLists,
    LogCallRequest,
    PeopleSearchRequest,
    Person,
    PersonEnrichment,
    PersonSearch,
    PhoneNumberReview,
    PhoneNumberReviewRequest,
    Sequences,
    SingleContact,
    StartBatchOfPersonEnrichmentsRequest,
    TaskAction,
    Tasks,
    TaskStatuses,
    TaskTypes,
    Users,
)
from amplemarket_api.types import UNSET
from apicore import JobReader, Limit, cursor_next_href, search_next_page
from apicore.batching import OnInvalid, Plan, Skipped, plan_batch
from apicore.errors import (
    APIError,
    AuthenticationError,
    BadRequest,
    InputProblem,
    InsufficientCredits,
    InvalidResponse,
    NotFound,
    RequestTimeout,
    ServerError,
    UnavailableForLegalReasons,
)
from apicore.inputs import Problems, as_mapping, mapping_of, require
from apicore.inputs import build_model as _body
from apicore.requests import Request, endpoint_request, link_request

M = TypeVar("M")

# --------------------------------------------------------------------------- documented limits
#: Requests per period as documented (amplemarket_api.limits, generated from the curated spec's info.x-rate-limit):
#: ``default`` for every request, then one per route template.
_RATES = {route: Limit(rate.requests, float(rate.period_seconds)) for route, rate in RATE_LIMITS.items()}
DEFAULT_LIMIT: Limit | None = _RATES.pop("default", None)
ROUTE_LIMITS: dict[str, Limit] = _RATES
#: Items per request (the documented usage limit in amplemarket_api.limits, fix enrichment-batch-limit, the
#: add-leads guide).
MAX_ENRICHMENT_LEADS = 10_000
MAX_EMAIL_VALIDATIONS = USAGE_LIMITS["Max Email Validations"].limit
MAX_LEAD_LIST_LEADS = 10_000
MAX_SEQUENCE_LEADS = 250
MAX_DATA_FIELDS = 50
MAX_DATA_NAME = 255
MAX_DATA_VALUE = 512
MAX_SEARCH_PAGE_SIZE = 100
DATA_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$")

#: Error codes documented on the errors page, mapped to the most specific error class.
ERROR_CODES: dict[str, type[APIError]] = {
    "person_not_found": NotFound,
    "insufficient_credits": InsufficientCredits,
    "unavailable_for_legal_reasons": UnavailableForLegalReasons,
    "unauthorized": AuthenticationError,
    "request_timeout": RequestTimeout,
    "missing_field": BadRequest,
    "unsupported_value": BadRequest,
    "internal_server_error": ServerError,
}

PARSER = _ParserClient(base_url="https://api.amplemarket.com")


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------- input checks
_ENRICH_FIELDS = ("email", "linkedin_url", "company_domain", "company_name", "name", "title")


def _identifies_person(lead: Mapping[str, Any]) -> bool:
    """email, or linkedin_url, or a name/title together with a company name or domain."""
    has = {k for k in _ENRICH_FIELDS if isinstance(lead.get(k), str) and lead[k].strip()}
    return bool(
        {"email", "linkedin_url"} & has or ({"name", "title"} & has and {"company_name", "company_domain"} & has)
    )


def _check_person_fields(problems: Problems, where: str, lead: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for key, value in lead.items():
        if key not in allowed:
            hint = " (use linkedin_url)" if key == "linkedin_id" else ""
            problems.add(f"{where}.{key}", f"is not a documented field{hint}; allowed: {', '.join(sorted(allowed))}")
        elif value is not None and not isinstance(value, str):
            problems.add(f"{where}.{key}", "must be a string")
    if isinstance(lead.get("email"), str):
        problems.email(f"{where}.email", lead["email"])
    if not _identifies_person(lead):
        problems.add(
            where,
            "does not identify a person: give email, linkedin_url, or name/title with company_name or company_domain",
        )


def check_person_query(query: Mapping[str, Any]) -> None:
    problems = Problems()
    _check_person_fields(problems, "people.find", {k: v for k, v in query.items() if v is not None}, _ENRICH_FIELDS)
    problems.raise_if_any()


def enrichment_lead(problems: Problems, where: str, item: Any) -> dict[str, Any] | None:
    """One lead of an enrichment request, cleaned; every broken rule goes to ``problems``."""
    cleaned = mapping_of(problems, where, item, "must be a mapping such as {'email': ...}")
    if cleaned is not None:
        _check_person_fields(problems, where, cleaned, _ENRICH_FIELDS)
    return cleaned


def email_item(problems: Problems, where: str, item: Any) -> dict[str, Any] | None:
    """One email to validate (a string, or a mapping with ``email``), as ``{"email": ...}``."""
    data = as_mapping(item)
    value = data.get("email") if data is not None else item
    problems.email(where, value)
    return {"email": value}


def email_list(emails: Sequence[Any], where: str = "emails") -> list[str]:
    problems = Problems()
    found: list[str] = []
    if problems.non_empty(where, emails):
        for index, item in enumerate(emails):
            found.append(str(email_item(problems, f"{where}[{index}]", item)["email"]))  # type: ignore[index]
    problems.raise_if_any()
    return found


def domain_list(domains: Sequence[str]) -> list[str]:
    problems = Problems()
    if problems.non_empty("domains", domains):
        for index, domain in enumerate(domains):
            if not isinstance(domain, str) or not DOMAIN.match(domain):
                problems.add(f"domains[{index}]", f"is not a bare domain name such as example.com: {domain!r}")
    problems.raise_if_any()
    return list(domains)


_SEQUENCE_LEAD_FIELDS = {"email", "linkedin_url", "data", "overrides"}
_OVERRIDES = {
    "ignore_recently_contacted",
    "ignore_exclusion_list",
    "ignore_duplicate_leads_in_other_draft_sequences",
    "ignore_duplicate_leads_in_other_active_sequences",
}


def _check_data_fields(problems: Problems, where: str, data: Any) -> None:
    if not isinstance(data, Mapping):
        problems.add(where, "must be a mapping of field name to string value")
        return
    if len(data) > MAX_DATA_FIELDS:
        problems.add(where, f"has {len(data)} fields; at most {MAX_DATA_FIELDS} are allowed")
    for name, value in data.items():
        if not isinstance(name, str) or not DATA_FIELD_NAME.match(name):
            problems.add(f"{where}.{name}", "field names use lowercase letters, digits and _ and start with a letter")
        elif len(name) > MAX_DATA_NAME:
            problems.add(f"{where}.{name[:20]}...", f"field names are at most {MAX_DATA_NAME} characters")
        if value is not None and not isinstance(value, str):
            problems.add(f"{where}.{name}", "values must be strings")
        elif isinstance(value, str) and len(value) > MAX_DATA_VALUE:
            problems.add(f"{where}.{name}", f"values are at most {MAX_DATA_VALUE} characters (got {len(value)})")


def sequence_lead(problems: Problems, where: str, item: Any) -> dict[str, Any] | None:
    """One lead for add-leads, cleaned; every broken rule goes to ``problems``."""
    cleaned = mapping_of(problems, where, item, "must be a mapping with email and/or linkedin_url")
    if cleaned is None:
        return None
    for key in sorted(cleaned.keys() - _SEQUENCE_LEAD_FIELDS):
        problems.add(f"{where}.{key}", "is not a lead field (put extra fields under data)")
    if not (cleaned.get("email") or cleaned.get("linkedin_url")):
        problems.add(where, "needs an email or a linkedin_url")
    if "email" in cleaned:
        problems.email(f"{where}.email", cleaned["email"])
    if "data" in cleaned:
        _check_data_fields(problems, f"{where}.data", cleaned["data"])
    overrides = cleaned.get("overrides")
    if overrides is not None:
        if not isinstance(overrides, Mapping):
            problems.add(f"{where}.overrides", "must be a mapping of override name to bool")
        else:
            for key in sorted(overrides.keys() - _OVERRIDES):
                problems.add(f"{where}.overrides.{key}", f"is not an override; known: {sorted(_OVERRIDES)}")
    return cleaned


def sequence_id_problems(sequence_id: Any) -> list[InputProblem]:
    problems = Problems()
    problems.required("sequence_id", sequence_id)
    return problems.items


LEAD_LIST_TYPES = ("linkedin", "email", "titles_and_company")
_LEAD_LIST_NEEDS = {
    "linkedin": "linkedin_url",
    "email": "email",
}


def lead_list_lead(kind: str) -> Callable[[Problems, str, Any], dict[str, Any] | None]:
    """The check of one lead of a ``kind`` lead list."""

    def check(problems: Problems, where: str, item: Any) -> dict[str, Any] | None:
        cleaned = mapping_of(problems, where, item, "must be a mapping")
        if cleaned is None:
            return None
        needed = _LEAD_LIST_NEEDS.get(kind)
        if needed and not cleaned.get(needed):
            problems.add(where, f"a {kind} lead list needs {needed} on every lead")
        if kind == "titles_and_company" and not (
            cleaned.get("title") and (cleaned.get("company_name") or cleaned.get("company_domain"))
        ):
            problems.add(where, "a titles_and_company lead list needs title and company_name or company_domain")
        if "email" in cleaned:
            problems.email(f"{where}.email", cleaned["email"])
        return cleaned

    return check


def lead_list_problems(owner: Any, kind: Any) -> list[InputProblem]:
    """The problems of the lead list's own arguments (its leads are checked one by one by ``lead_list_lead``)."""
    problems = Problems()
    problems.email("owner", owner)
    if kind not in LEAD_LIST_TYPES:
        problems.add("type", f"must be linkedin, email or titles_and_company, got {kind!r}")
    return problems.items


def _uuid(problems: Problems, where: str, value: Any) -> None:
    if value is None:
        return
    try:
        uuid.UUID(str(value))
    except ValueError:
        problems.add(where, f"must be a UUID, got {value!r}")


# --------------------------------------------------------------------------- requests
def find_person(**query: Any) -> Request[Person]:
    check_person_query({k: v for k, v in query.items() if not k.startswith("reveal_")})
    args = {k: _unset(v) for k, v in query.items()}
    return endpoint_request(single_person_enrichment, Person, PARSER, **args)


def find_company(domain: str | None, linkedin_url: str | None) -> Request[Company]:
    if bool(domain) == bool(linkedin_url):
        problems = Problems()
        problems.add("companies.find", "give exactly one of domain or linkedin_url")
        problems.raise_if_any()
    return endpoint_request(
        single_company_enrichment, Company, PARSER, domain=_unset(domain), linkedin_url=_unset(linkedin_url)
    )


def search_page(filters: Mapping[str, Any], page: int, page_size: int | None) -> Request[PersonSearch]:
    body: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
    body["page"] = page
    if page_size is not None:
        body["page_size"] = page_size
    return endpoint_request(search_people, PersonSearch, PARSER, body=_body(PeopleSearchRequest, body))


class SearchPages:
    """The requests of a people search, page after page; the next page number is counted by the client."""

    def __init__(self, filters: Mapping[str, Any], start_page: int, page_size: int | None) -> None:
        self._filters = dict(filters)
        self._start = start_page
        self._size = page_size
        self._asked = start_page

    def first(self) -> Request[PersonSearch]:
        self._asked = self._start
        return search_page(self._filters, self._start, self._size)

    def after(self, page: PersonSearch) -> Request[PersonSearch] | None:
        number = search_next_page(page, requested=self._asked, items=len(search_items(page)))
        if number is None:
            return None
        self._asked = number
        return search_page(self._filters, number, self._size)


def _with_items(request: Request[M], key: str, rows: Iterable[bytes]) -> Request[M]:
    """``request`` with ``rows`` (each one row's JSON, as the batch plan keeps it) as its body's ``key`` list.

    The rows were cleaned by the checks of this module, so the body is written straight from their JSON:
    no object is made for each of a part's 10,000 rows just to be encoded again.
    """
    rest = {k: v for k, v in request.call.json.items() if k != key}
    tail = json.dumps(rest, separators=(",", ":"), ensure_ascii=False).encode()[1:-1]
    content = b"".join((b'{"', key.encode(), b'":[', b",".join(rows), b"]", b"," if tail else b"", tail, b"}"))
    return Request(dataclasses.replace(request.call, json=None, content=content), request.parse)


def start_enrichment(leads: Iterable[bytes], reveal_email: bool, reveal_phone: bool) -> Request[PersonEnrichment]:
    body = _body(
        StartBatchOfPersonEnrichmentsRequest,
        {"leads": [], "reveal_email": reveal_email, "reveal_phone_numbers": reveal_phone},
    )
    request = endpoint_request(start_batch_of_person_enrichments, PersonEnrichment, PARSER, creates=True, body=body)
    return _with_items(request, "leads", leads)


def get_enrichment(job_id: Any) -> Request[PersonEnrichment]:
    return endpoint_request(retrieve_person_enrichment_results, PersonEnrichment, PARSER, id=job_id)


def cancel_enrichment(job_id: Any) -> Request[PersonEnrichment]:
    body = _body(CancelRequest, {"status": "canceled"})
    return endpoint_request(cancel_batch_of_person_enrichments, PersonEnrichment, PARSER, id=job_id, body=body)


def start_email_validation(emails: Iterable[bytes]) -> Request[EmailValidation]:
    body = _body(EmailValidationsRequest, {"emails": []})
    request = endpoint_request(start_batch_of_email_validations, EmailValidation, PARSER, creates=True, body=body)
    return _with_items(request, "emails", emails)


def get_email_validation(job_id: Any) -> Request[EmailValidation]:
    return endpoint_request(retrieve_email_validation_results, EmailValidation, PARSER, id=str(job_id))


def cancel_email_validation(job_id: Any) -> Request[EmailValidation]:
    body = _body(CancelRequest, {"status": "canceled"})
    return endpoint_request(cancel_batch_of_email_validations, EmailValidation, PARSER, id=str(job_id), body=body)


def create_list(body: dict[str, Any], leads: Iterable[bytes]) -> Request[LeadList]:
    model = _body(LeadListRequest, {**body, "leads": []})
    return _with_items(endpoint_request(create_lead_list, LeadList, PARSER, creates=True, body=model), "leads", leads)


def get_list(list_id: Any) -> Request[LeadList]:
    return endpoint_request(retrieve_lead_list, LeadList, PARSER, id=str(list_id))


def list_lists(filters: Mapping[str, Any]) -> Request[LeadLists]:
    return endpoint_request(get_lead_lists, LeadLists, PARSER, **{k: _unset(v) for k, v in filters.items()})


def list_sequences(filters: Mapping[str, Any]) -> Request[Sequences]:
    return endpoint_request(get_sequences, Sequences, PARSER, **{k: _unset(v) for k, v in filters.items()})


def add_sequence_leads(
    sequence_id: str, leads: Iterable[bytes], settings: Mapping[str, Any] | None
) -> Request[AddLeads]:
    body: dict[str, Any] = {"leads": []}
    if settings:
        body["settings"] = dict(settings)
    request = endpoint_request(
        add_leads, AddLeads, PARSER, creates=True, id=sequence_id, body=_body(AddLeadsRequest, body)
    )
    return _with_items(request, "leads", leads)


@attrs.define
class AddLeadsSummary(AddLeads):
    """The server's add-leads summary for every part sent, plus the rows the client did not send.

    ``skipped``: rows set aside by ``on_invalid="skip"``; ``duplicates``: position sent -> the later
    positions that repeated it exactly (sent once).  Neither is part of ``to_dict()``.
    """

    skipped: list[Skipped] = attrs.field(factory=list, kw_only=True)
    duplicates: dict[int, list[int]] = attrs.field(factory=dict, kw_only=True)


def merge_add_leads(parts: Sequence[AddLeads], plan: Plan | None = None) -> AddLeadsSummary:
    """One summary for a request that was split into several, with what the plan set aside."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.to_dict().items():
            if isinstance(value, int) and not isinstance(value, bool):
                merged[key] = merged.get(key, 0) + value
            elif isinstance(value, list):
                merged[key] = [*merged.get(key, []), *value]
            else:
                merged.setdefault(key, value)
    summary = AddLeadsSummary.from_dict(merged)
    if plan is not None:
        summary.skipped = list(plan.skipped)
        summary.duplicates = {k: list(v) for k, v in plan.duplicates.items()}
    return summary


# --------------------------------------------------------------------------- batch plans
def enrichment_plan(leads: Iterable[Any], on_invalid: OnInvalid) -> Plan:
    return plan_batch(
        leads, name="leads", what="leads such as {'email': ...}", check=enrichment_lead,
        part_size=MAX_ENRICHMENT_LEADS, on_invalid=on_invalid,
    )  # fmt: skip


def email_plan(emails: Iterable[Any], on_invalid: OnInvalid) -> Plan:
    return plan_batch(
        emails, name="emails", what="email addresses", check=email_item,
        part_size=MAX_EMAIL_VALIDATIONS, on_invalid=on_invalid,
    )  # fmt: skip


def sequence_plan(sequence_id: Any, leads: Iterable[Any], on_invalid: OnInvalid) -> Plan:
    return plan_batch(
        leads, name="leads", what="leads with an email or a linkedin_url", check=sequence_lead,
        part_size=MAX_SEQUENCE_LEADS, on_invalid=on_invalid, also=sequence_id_problems(sequence_id),
    )  # fmt: skip


def lead_list_plan(owner: Any, kind: str, leads: Iterable[Any], on_invalid: OnInvalid) -> Plan:
    """A lead list is one request: at most MAX_LEAD_LIST_LEADS distinct valid leads (split it yourself)."""
    return plan_batch(
        leads, name="leads", what="leads", check=lead_list_lead(kind), part_size=MAX_LEAD_LIST_LEADS,
        on_invalid=on_invalid, max_items=MAX_LEAD_LIST_LEADS, too_many=" (split the list yourself)",
        also=lead_list_problems(owner, kind),
    )  # fmt: skip


def release_results(model: Any) -> Any:
    """A job model without its page of results (kept by a job once they were given out)."""
    for name in ("results", "leads"):
        if isinstance(getattr(model, name, None), list):
            setattr(model, name, [])
    return model


def exclusions_page(kind: str, filters: Mapping[str, Any]) -> Request[Any]:
    module, model = (
        (get_excluded_domains, ExcludedDomains) if kind == "domains" else (get_excluded_emails, ExcludedEmails)
    )
    return endpoint_request(module, model, PARSER, **{k: _unset(v) for k, v in filters.items()})


def change_exclusions(kind: str, values: Sequence[str], *, add: bool) -> Request[ExclusionStatus]:
    if kind == "domains":
        body: Any = _body(ExcludedDomainsRequest, {"excluded_domains": [{"domain": v} for v in domain_list(values)]})
        module = create_excluded_domains if add else delete_excluded_domains
    else:
        body = _body(ExcludedEmailsRequest, {"excluded_emails": [{"email": v} for v in email_list(values)]})
        module = create_excluded_emails if add else delete_excluded_emails
    return endpoint_request(module, ExclusionStatus, PARSER, creates=add, body=body)


def list_tasks(user_id: str, filters: Mapping[str, Any]) -> Request[Tasks]:
    require("user_id", user_id, "is required: tasks are listed per user (see users.list())")
    args = {("type_" if k == "type" else k): _unset(v) for k, v in filters.items()}
    return endpoint_request(get_tasks, Tasks, PARSER, user_id=user_id, **args)


def finish_task(task_id: str, *, skip: bool, set_lead_to_completed: bool | None = None) -> Request[TaskAction]:
    require("task_id", task_id)
    if skip:
        return endpoint_request(skip_task, TaskAction, PARSER, id=task_id)
    body = _body(
        CompleteTaskRequest, {} if set_lead_to_completed is None else {"set_lead_to_completed": set_lead_to_completed}
    )
    return endpoint_request(complete_task, TaskAction, PARSER, id=task_id, body=body)


def task_statuses() -> Request[TaskStatuses]:
    return endpoint_request(get_tasks_statuses, TaskStatuses, PARSER)


def task_types() -> Request[TaskTypes]:
    return endpoint_request(get_tasks_types, TaskTypes, PARSER)


def list_users(filters: Mapping[str, Any]) -> Request[Users]:
    return endpoint_request(get_users, Users, PARSER, **{k: _unset(v) for k, v in filters.items()})


def account() -> Request[AccountInfo]:
    return endpoint_request(account_info, AccountInfo, PARSER)


def log_call(fields: Mapping[str, Any]) -> Request[Call]:
    problems = Problems()
    for name in ("from", "to", "task_id", "user_id"):
        if not fields.get(name):
            problems.add(name, "is required")
    duration = fields.get("duration")
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        problems.add("duration", f"must be a whole number of seconds >= 0, got {duration!r}")
    for name in ("answered", "human"):
        if not isinstance(fields.get(name), bool):
            problems.add(name, "must be True or False")
    for name in ("task_id", "user_id", "disposition_id"):
        _uuid(problems, name, fields.get(name))
    problems.raise_if_any()
    body = _body(LogCallRequest, {k: v for k, v in fields.items() if v is not None})
    return endpoint_request(create_calls, Call, PARSER, creates=True, body=body)


def dispositions() -> Request[CallDispositions]:
    return endpoint_request(get_call_dispositions, CallDispositions, PARSER)


def _unwrap_contact(request: Request[SingleContact]) -> Request[Contact]:
    def parse(response: httpx.Response) -> Contact:
        wrapper = request.parse(response)
        if isinstance(wrapper.contact, Contact):
            return wrapper.contact
        raise InvalidResponse(f"{response.status_code} response holds no contact", response=response)

    return Request(request.call, parse)


def contact(contact_id: str) -> Request[Contact]:
    require("contact_id", contact_id)
    return _unwrap_contact(endpoint_request(get_contact, SingleContact, PARSER, id=contact_id))


def contact_by_email(email: str) -> Request[Contact]:
    problems = Problems()
    problems.email("email", email)
    problems.raise_if_any()
    return _unwrap_contact(endpoint_request(get_contact_by_email, SingleContact, PARSER, email=email))


def contacts(ids: Sequence[str]) -> Request[Contacts]:
    problems = Problems()
    if problems.non_empty("ids", ids):
        for index, value in enumerate(ids):
            if not isinstance(value, str) or not value.strip():
                problems.add(f"ids[{index}]", "must be a non-empty string")
    problems.raise_if_any()
    return endpoint_request(get_contacts, Contacts, PARSER, ids=list(ids))


def review_number(phone_number_id: str, fields: Mapping[str, Any]) -> Request[PhoneNumberReview]:
    require("phone_number_id", phone_number_id)
    problems = Problems()
    _uuid(problems, "user_id", fields.get("user_id"))
    problems.raise_if_any()
    body = _body(PhoneNumberReviewRequest, {k: v for k, v in fields.items() if v is not None})
    return endpoint_request(review_phone_number, PhoneNumberReview, PARSER, creates=True, id=phone_number_id, body=body)


def follow(href: str, model: type[Any]) -> Request[Any]:
    return link_request(href, model)


def check_search(filters: Mapping[str, Any], page_size: int | None, start_page: int) -> None:
    problems = Problems()
    # The constructor's keywords (attrs aliases: optional fields are stored under a private name).
    keywords = {f.alias or f.name for f in attrs.fields(PeopleSearchRequest)}
    known = keywords - {"page", "page_size", "additional_properties"}
    for name in sorted(set(filters) - known):
        problems.add(name, f"is not a documented search filter; known: {', '.join(sorted(known))}")
    if page_size is not None and not (isinstance(page_size, int) and 1 <= page_size <= MAX_SEARCH_PAGE_SIZE):
        problems.add("page_size", f"must be an integer from 1 to {MAX_SEARCH_PAGE_SIZE}, got {page_size!r}")
    if not isinstance(start_page, int) or start_page < 1:
        problems.add("start_page", f"must be an integer >= 1, got {start_page!r}")
    problems.raise_if_any()


def lead_list_body(
    *,
    owner: str,
    kind: str,
    shared: bool,
    name: str | None,
    visible: bool | None,
    options: Mapping[str, bool] | None,
) -> dict[str, Any]:
    """The lead list request without its leads (``lead_list_plan`` checks them with the other arguments)."""
    body: dict[str, Any] = {"owner": owner, "type": kind, "shared": shared}
    for key, value in (("name", name), ("visible", visible), ("options", dict(options) if options else None)):
        if value is not None:
            body[key] = value
    return body


# --------------------------------------------------------------------------- page and job readers
def _status(model: Any) -> str | None:
    return _text(getattr(model, "status", None))


def _errors(model: Any) -> list[dict[str, Any]]:
    errors = getattr(model, "errors", None)
    if not isinstance(errors, list):
        return []
    return [e.to_dict() if hasattr(e, "to_dict") else {"detail": str(e)} for e in errors if e is not None]


def _list_of(attribute: str) -> Callable[[Any], list[Any]]:
    def read(model: Any) -> list[Any]:
        value = getattr(model, attribute, None)
        return value if isinstance(value, list) else []

    return read


search_items = _list_of("results")
lead_lists_items = _list_of("lead_lists")
sequences_items = _list_of("sequences")
tasks_items = _list_of("tasks")
users_items = _list_of("users")
contacts_items = _list_of("contacts")
LeadListsPage = LeadLists
SequencesPage = Sequences
TasksPage = Tasks
UsersPage = Users


def exclusion_page_model(kind: str) -> type[Any]:
    return ExcludedDomains if kind == "domains" else ExcludedEmails


def exclusion_items(page: Any) -> list[Any]:
    found: list[Any] = _list_of("excluded_domains")(page) or _list_of("excluded_emails")(page)
    return found


ENRICHMENT_READER: JobReader[Any, Any] = JobReader(
    _status, _errors, _list_of("results"), cursor_next_href, release_results
)
EMAIL_VALIDATION_READER: JobReader[Any, Any] = JobReader(
    _status, _errors, _list_of("results"), cursor_next_href, release_results
)
LEAD_LIST_READER: JobReader[Any, Any] = JobReader(
    _status, _errors, _list_of("leads"), cursor_next_href, release_results
)


def job_id_of(model: Any) -> Any:
    return getattr(model, "id", None)  # an absent field reads as None on the generated models
