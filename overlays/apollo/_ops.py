"""What each Apollo operation sends and expects, and the input checks that run first.

Shared by the sync and async clients: every function validates its arguments (raising
``InvalidInput`` naming the item and the rule, before anything is sent) and returns a
``Request`` for the core's senders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apicore.errors import APIError, AuthenticationError, UnprocessableEntity
from apicore.inputs import Problems, build_model, chunks, mappings
from apicore.requests import Request, endpoint_request
from apicore.vendor import VendorSettings, header_key
from apollo_api import Client as _ParserClient
from apollo_api.api.people_enrichment import people_bulk_match, people_match
from apollo_api.models import BulkMatchRequest, BulkMatchResponse, MatchResponse, Person
from apollo_api.types import UNSET

from ._version import __version__

__all__ = [
    "MAX_BULK",
    "SETTINGS",
    "bulk_match",
    "bulk_requests",
    "check_details",
    "check_reveal",
    "match",
    "people_of",
    "person_of",
]

DEFAULT_BASE_URL = "https://api.apollo.io"
#: People per bulk_match call (spec/apollo/fixes.yaml: details maxItems).
MAX_BULK = 10
#: What identifies a person to Apollo; a name needs the employer's name or domain beside it.
STRONG = ("id", "email", "hashed_email", "linkedin_url")
NAMES = ("name", "first_name", "last_name")
EMPLOYER = ("organization_name", "domain")
FIELDS = (*STRONG, *NAMES, *EMPLOYER)

ERROR_CODES: dict[str, type[APIError]] = {
    "unauthorized": AuthenticationError,
    "webhook_url_required": UnprocessableEntity,
}

SETTINGS = VendorSettings(
    name="apollo",
    default_base_url=DEFAULT_BASE_URL,
    env_prefix="APOLLO",
    auth_headers=header_key("X-Api-Key"),
    user_agent=f"apollo-python/{__version__}",
    error_codes=ERROR_CODES,
)

PARSER = _ParserClient(base_url=DEFAULT_BASE_URL)


def _identifies(detail: Mapping[str, Any]) -> bool:
    has = {key for key in FIELDS if isinstance(detail.get(key), str) and detail[key].strip()}
    named = "name" in has or {"first_name", "last_name"} <= has
    return bool(set(STRONG) & has) or (named and bool(set(EMPLOYER) & has))


def _check_detail(problems: Problems, where: str, detail: Mapping[str, Any]) -> None:
    for key, value in detail.items():
        if key not in FIELDS:
            problems.add(f"{where}.{key}", f"is not a documented field; allowed: {', '.join(sorted(FIELDS))}")
        elif not isinstance(value, str):
            problems.add(f"{where}.{key}", "must be a string")
    if isinstance(detail.get("email"), str):
        problems.email(f"{where}.email", detail["email"])
    if not _identifies(detail):
        problems.add(
            where,
            "does not identify a person: give id, email, hashed_email or linkedin_url, "
            "or a name (name, or first_name and last_name) with organization_name or domain",
        )


def _check_reveal(problems: Problems, where: str, reveal_phone_number: bool, webhook_url: str | None) -> None:
    if reveal_phone_number and not (webhook_url and webhook_url.strip()):
        problems.add(f"{where}.webhook_url", "is required when reveal_phone_number=True (phones arrive at the webhook)")
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        problems.add(f"{where}.webhook_url", f"must be an http(s) URL, got {webhook_url!r}")


def check_details(details: Sequence[Any]) -> list[dict[str, Any]]:
    """Validated copies of the people given to ``bulk_match`` (every problem reported at once)."""
    problems = Problems()
    checked: list[dict[str, Any]] = []
    if isinstance(details, (str, bytes)) or not isinstance(details, Sequence):
        problems.add("details", "must be a list of people (mappings such as {'email': ...})")
    elif problems.non_empty("details", details):
        for where, detail in mappings(problems, details, "details", "must be a mapping such as {'email': ...}"):
            _check_detail(problems, where, detail)
            checked.append(detail)
    problems.raise_if_any()
    return checked


def _reveal_args(reveal_personal_emails: bool, reveal_phone_number: bool, webhook_url: str | None) -> dict[str, Any]:
    return {
        "reveal_personal_emails": reveal_personal_emails,
        "reveal_phone_number": reveal_phone_number,
        "webhook_url": UNSET if webhook_url is None else webhook_url,
    }


def match(
    detail: Mapping[str, Any], *, reveal_personal_emails: bool, reveal_phone_number: bool, webhook_url: str | None
) -> Request[MatchResponse]:
    problems = Problems()
    cleaned = {key: value for key, value in detail.items() if value is not None}
    _check_detail(problems, "people.match", cleaned)
    _check_reveal(problems, "people.match", reveal_phone_number, webhook_url)
    problems.raise_if_any()
    return endpoint_request(
        people_match,
        MatchResponse,
        PARSER,
        creates=True,  # charges credits: resent only when the server surely did not act (429, no connection)
        **cleaned,
        **_reveal_args(reveal_personal_emails, reveal_phone_number, webhook_url),
    )


def check_reveal(reveal_phone_number: bool, webhook_url: str | None) -> None:
    problems = Problems()
    _check_reveal(problems, "people.bulk_match", reveal_phone_number, webhook_url)
    problems.raise_if_any()


def bulk_match(
    details: Sequence[Mapping[str, Any]],
    *,
    reveal_personal_emails: bool,
    reveal_phone_number: bool,
    webhook_url: str | None,
) -> Request[BulkMatchResponse]:
    """One call for at most ``MAX_BULK`` already-checked details."""
    body = build_model(BulkMatchRequest, {"details": list(details)})
    return endpoint_request(
        people_bulk_match,
        BulkMatchResponse,
        PARSER,
        creates=True,
        body=body,
        **_reveal_args(reveal_personal_emails, reveal_phone_number, webhook_url),
    )


def bulk_requests(
    details: Sequence[Any], *, reveal_personal_emails: bool, reveal_phone_number: bool, webhook_url: str | None
) -> list[tuple[int, Request[BulkMatchResponse]]]:
    """Every check first (nothing is sent if one fails), then one request per ``MAX_BULK`` people, with its size."""
    checked = check_details(details)
    check_reveal(reveal_phone_number, webhook_url)
    return [
        (
            len(part),
            bulk_match(
                part,
                reveal_personal_emails=reveal_personal_emails,
                reveal_phone_number=reveal_phone_number,
                webhook_url=webhook_url,
            ),
        )
        for part in chunks(checked, MAX_BULK)
    ]


def person_of(response: MatchResponse) -> Person | None:
    """The matched person; None when the API answered 200 without a match."""
    return response.person if isinstance(response.person, Person) else None


def people_of(response: BulkMatchResponse, expected: int) -> list[Person | None]:
    """One entry per requested person, in order; a short or missing list counts as no match."""
    matches = response.matches if isinstance(response.matches, list) else []
    found: list[Person | None] = [m if isinstance(m, Person) else None for m in matches[:expected]]
    return found + [None] * (expected - len(found))
