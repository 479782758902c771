"""What each Amplemarket operation sends and expects, and the input checks that run first.

Shared by the sync and async clients: every function here validates its arguments
(raising ``InvalidInput`` before anything is sent) and returns a ``Request``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from amplemarket_api import models
from amplemarket_api.limits import RATE_LIMITS, USAGE_LIMITS
from apicore import JobReader, Limit, cursor_next_href, search_next_page
from apicore.batching import OnInvalid, Plan, plan_batch
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

if TYPE_CHECKING:
    from ._summary import AddLeadsSummary

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


@functools.cache
def _parser() -> Any:
    """The generated client that the endpoint modules' ``parse_response`` takes (made on first use: it needs
    attrs, which ``import amplemarket`` does not import)."""
    from amplemarket_api import Client

    return Client(base_url="https://api.amplemarket.com")


_ENDPOINTS: dict[str, Any] = {}


def _api(name: str) -> Any:
    """The generated endpoint module ``amplemarket_api.api.<name>``, imported on first use (not by ``import
    amplemarket``: a program pays for the operations it calls)."""
    module = _ENDPOINTS.get(name)
    if module is None:
        module = _ENDPOINTS[name] = importlib.import_module(f"amplemarket_api.api.{name}")
    return module


# amplemarket_api.types.UNSET, imported (with attrs) when first needed, not by `import amplemarket`
_UNSET: list[Any] = []


def _unset(value: Any) -> Any:
    if value is not None:
        return value
    if not _UNSET:
        from amplemarket_api.types import UNSET

        _UNSET.append(UNSET)
    return _UNSET[0]


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
def find_person(**query: Any) -> Request[models.Person]:
    given = {k: v for k, v in query.items() if v is not None}  # what is left out is sent as nothing (UNSET)
    check_person_query({k: v for k, v in given.items() if not k.startswith("reveal_")})
    return endpoint_request(_api("people_enrichment.single_person_enrichment"), models.Person, _parser(), **given)


def find_company(domain: str | None, linkedin_url: str | None) -> Request[models.Company]:
    if bool(domain) == bool(linkedin_url):
        problems = Problems()
        problems.add("companies.find", "give exactly one of domain or linkedin_url")
        problems.raise_if_any()
    return endpoint_request(
        _api("companies_enrichment.single_company_enrichment"),
        models.Company,
        _parser(),
        domain=_unset(domain),
        linkedin_url=_unset(linkedin_url),
    )


def search_page(filters: Mapping[str, Any], page: int, page_size: int | None) -> Request[models.PersonSearch]:
    body: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
    body["page"] = page
    if page_size is not None:
        body["page_size"] = page_size
    return endpoint_request(
        _api("searcher.search_people"), models.PersonSearch, _parser(), body=_body(models.PeopleSearchRequest, body)
    )


class SearchPages:
    """The requests of a people search, page after page; the next page number is counted by the client."""

    def __init__(self, filters: Mapping[str, Any], start_page: int, page_size: int | None) -> None:
        self._filters = dict(filters)
        self._start = start_page
        self._size = page_size
        self._asked = start_page

    def first(self) -> Request[models.PersonSearch]:
        self._asked = self._start
        return search_page(self._filters, self._start, self._size)

    def after(self, page: models.PersonSearch) -> Request[models.PersonSearch] | None:
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


def start_enrichment(
    leads: Iterable[bytes], reveal_email: bool, reveal_phone: bool
) -> Request[models.PersonEnrichment]:
    body = _body(
        models.StartBatchOfPersonEnrichmentsRequest,
        {"leads": [], "reveal_email": reveal_email, "reveal_phone_numbers": reveal_phone},
    )
    request = endpoint_request(
        _api("people_enrichment.start_batch_of_person_enrichments"),
        models.PersonEnrichment,
        _parser(),
        creates=True,
        body=body,
    )
    return _with_items(request, "leads", leads)


def get_enrichment(job_id: Any) -> Request[models.PersonEnrichment]:
    return endpoint_request(
        _api("people_enrichment.retrieve_person_enrichment_results"), models.PersonEnrichment, _parser(), id=job_id
    )


def cancel_enrichment(job_id: Any) -> Request[models.PersonEnrichment]:
    body = _body(models.CancelRequest, {"status": "canceled"})
    return endpoint_request(
        _api("people_enrichment.cancel_batch_of_person_enrichments"),
        models.PersonEnrichment,
        _parser(),
        id=job_id,
        body=body,
    )


def start_email_validation(emails: Iterable[bytes]) -> Request[models.EmailValidation]:
    body = _body(models.EmailValidationsRequest, {"emails": []})
    request = endpoint_request(
        _api("email_validation.start_batch_of_email_validations"),
        models.EmailValidation,
        _parser(),
        creates=True,
        body=body,
    )
    return _with_items(request, "emails", emails)


def get_email_validation(job_id: Any) -> Request[models.EmailValidation]:
    return endpoint_request(
        _api("email_validation.retrieve_email_validation_results"), models.EmailValidation, _parser(), id=str(job_id)
    )


def cancel_email_validation(job_id: Any) -> Request[models.EmailValidation]:
    body = _body(models.CancelRequest, {"status": "canceled"})
    return endpoint_request(
        _api("email_validation.cancel_batch_of_email_validations"),
        models.EmailValidation,
        _parser(),
        id=str(job_id),
        body=body,
    )


def create_list(body: dict[str, Any], leads: Iterable[bytes]) -> Request[models.LeadList]:
    model = _body(models.LeadListRequest, {**body, "leads": []})
    return _with_items(
        endpoint_request(_api("lead_list.create_lead_list"), models.LeadList, _parser(), creates=True, body=model),
        "leads",
        leads,
    )


def get_list(list_id: Any) -> Request[models.LeadList]:
    return endpoint_request(_api("lead_list.retrieve_lead_list"), models.LeadList, _parser(), id=str(list_id))


def list_lists(filters: Mapping[str, Any]) -> Request[models.LeadLists]:
    return endpoint_request(
        _api("lead_list.get_lead_lists"), models.LeadLists, _parser(), **{k: _unset(v) for k, v in filters.items()}
    )


def list_sequences(filters: Mapping[str, Any]) -> Request[models.Sequences]:
    return endpoint_request(
        _api("sequences.get_sequences"), models.Sequences, _parser(), **{k: _unset(v) for k, v in filters.items()}
    )


def add_sequence_leads(
    sequence_id: str, leads: Iterable[bytes], settings: Mapping[str, Any] | None
) -> Request[models.AddLeads]:
    body: dict[str, Any] = {"leads": []}
    if settings:
        body["settings"] = dict(settings)
    request = endpoint_request(
        _api("sequences.add_leads"),
        models.AddLeads,
        _parser(),
        creates=True,
        id=sequence_id,
        body=_body(models.AddLeadsRequest, body),
    )
    return _with_items(request, "leads", leads)


def merge_add_leads(parts: Sequence[models.AddLeads], plan: Plan | None = None) -> AddLeadsSummary:
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
    from ._summary import AddLeadsSummary  # attrs and the model, on first use

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
        (_api("exclusion_lists.get_excluded_domains"), models.ExcludedDomains)
        if kind == "domains"
        else (_api("exclusion_lists.get_excluded_emails"), models.ExcludedEmails)
    )
    return endpoint_request(module, model, _parser(), **{k: _unset(v) for k, v in filters.items()})


def change_exclusions(kind: str, values: Sequence[str], *, add: bool) -> Request[models.ExclusionStatus]:
    if kind == "domains":
        body: Any = _body(
            models.ExcludedDomainsRequest, {"excluded_domains": [{"domain": v} for v in domain_list(values)]}
        )
        module = (
            _api("exclusion_lists.create_excluded_domains") if add else _api("exclusion_lists.delete_excluded_domains")
        )
    else:
        body = _body(models.ExcludedEmailsRequest, {"excluded_emails": [{"email": v} for v in email_list(values)]})
        module = (
            _api("exclusion_lists.create_excluded_emails") if add else _api("exclusion_lists.delete_excluded_emails")
        )
    return endpoint_request(module, models.ExclusionStatus, _parser(), creates=add, body=body)


def list_tasks(user_id: str, filters: Mapping[str, Any]) -> Request[models.Tasks]:
    require("user_id", user_id, "is required: tasks are listed per user (see users.list())")
    args = {("type_" if k == "type" else k): _unset(v) for k, v in filters.items()}
    return endpoint_request(_api("tasks.get_tasks"), models.Tasks, _parser(), user_id=user_id, **args)


def finish_task(task_id: str, *, skip: bool, set_lead_to_completed: bool | None = None) -> Request[models.TaskAction]:
    require("task_id", task_id)
    if skip:
        return endpoint_request(_api("tasks.skip_task"), models.TaskAction, _parser(), id=task_id)
    body = _body(
        models.CompleteTaskRequest,
        {} if set_lead_to_completed is None else {"set_lead_to_completed": set_lead_to_completed},
    )
    return endpoint_request(_api("tasks.complete_task"), models.TaskAction, _parser(), id=task_id, body=body)


def task_statuses() -> Request[models.TaskStatuses]:
    return endpoint_request(_api("tasks.get_tasks_statuses"), models.TaskStatuses, _parser())


def task_types() -> Request[models.TaskTypes]:
    return endpoint_request(_api("tasks.get_tasks_types"), models.TaskTypes, _parser())


def list_users(filters: Mapping[str, Any]) -> Request[models.Users]:
    return endpoint_request(
        _api("users.get_users"), models.Users, _parser(), **{k: _unset(v) for k, v in filters.items()}
    )


def account() -> Request[models.AccountInfo]:
    return endpoint_request(_api("account.account_info"), models.AccountInfo, _parser())


def log_call(fields: Mapping[str, Any]) -> Request[models.Call]:
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
    body = _body(models.LogCallRequest, {k: v for k, v in fields.items() if v is not None})
    return endpoint_request(_api("calls.create_calls"), models.Call, _parser(), creates=True, body=body)


def dispositions() -> Request[models.CallDispositions]:
    return endpoint_request(_api("calls.get_call_dispositions"), models.CallDispositions, _parser())


def _unwrap_contact(request: Request[models.SingleContact]) -> Request[models.Contact]:
    def parse(response: httpx.Response) -> models.Contact:
        wrapper = request.parse(response)
        if isinstance(wrapper.contact, models.Contact):
            return wrapper.contact
        raise InvalidResponse(f"{response.status_code} response holds no contact", response=response)

    return Request(request.call, parse)


def contact(contact_id: str) -> Request[models.Contact]:
    require("contact_id", contact_id)
    return _unwrap_contact(
        endpoint_request(_api("contacts.get_contact"), models.SingleContact, _parser(), id=contact_id)
    )


def contact_by_email(email: str) -> Request[models.Contact]:
    problems = Problems()
    problems.email("email", email)
    problems.raise_if_any()
    return _unwrap_contact(
        endpoint_request(_api("contacts.get_contact_by_email"), models.SingleContact, _parser(), email=email)
    )


def contacts(ids: Sequence[str]) -> Request[models.Contacts]:
    problems = Problems()
    if problems.non_empty("ids", ids):
        for index, value in enumerate(ids):
            if not isinstance(value, str) or not value.strip():
                problems.add(f"ids[{index}]", "must be a non-empty string")
    problems.raise_if_any()
    return endpoint_request(_api("contacts.get_contacts"), models.Contacts, _parser(), ids=list(ids))


def review_number(phone_number_id: str, fields: Mapping[str, Any]) -> Request[models.PhoneNumberReview]:
    require("phone_number_id", phone_number_id)
    problems = Problems()
    _uuid(problems, "user_id", fields.get("user_id"))
    problems.raise_if_any()
    body = _body(models.PhoneNumberReviewRequest, {k: v for k, v in fields.items() if v is not None})
    return endpoint_request(
        _api("phone_numbers.review_phone_number"),
        models.PhoneNumberReview,
        _parser(),
        creates=True,
        id=phone_number_id,
        body=body,
    )


def follow(href: str, model: type[Any]) -> Request[Any]:
    return link_request(href, model)


def check_search(filters: Mapping[str, Any], page_size: int | None, start_page: int) -> None:
    problems = Problems()
    # The constructor's keywords (attrs aliases: optional fields are stored under a private name).
    import attrs  # on first use

    keywords = {f.alias or f.name for f in attrs.fields(models.PeopleSearchRequest)}
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


def exclusion_page_model(kind: str) -> type[Any]:
    return models.ExcludedDomains if kind == "domains" else models.ExcludedEmails


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
