"""Cases shared by the sync and async client tests: identifiers that match, inputs that break a rule."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from apollo.testing import People, Simulator

BULK_PATH = "/api/v1/people/bulk_match"
MATCH_PATH = "/api/v1/people/match"
NOBODY = "nobody.{}@nowhere.example"  # well-formed emails that match nobody
WEBHOOK = "https://hooks.example/apollo-phones"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - one of the two hashes the API takes


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


#: The person the identifiers below point at: Alma Horvat at Northwind Analytics (whatever the seed).
IDENTIFIED = 84
#: Ways to identify person ``IDENTIFIED``, as ``match`` keywords.
IDENTIFIERS: list[Any] = [
    pytest.param(lambda p: {"id": p.id_of(IDENTIFIED)}, id="id"),
    pytest.param(lambda p: {"email": p.email_of(IDENTIFIED)}, id="email"),
    pytest.param(lambda p: {"hashed_email": md5(p.email_of(IDENTIFIED))}, id="hashed_email-md5"),
    pytest.param(lambda p: {"hashed_email": sha256(p.email_of(IDENTIFIED))}, id="hashed_email-sha256"),
    pytest.param(lambda p: {"linkedin_url": p.linkedin_of(IDENTIFIED)}, id="linkedin_url"),
    pytest.param(lambda p: {"name": "Alma Horvat", "domain": "northwind.example"}, id="name+domain"),
    pytest.param(
        lambda p: {"first_name": "Alma", "last_name": "Horvat", "organization_name": "Northwind Analytics"},
        id="first+last+organization_name",
    ),
]
Identify = Callable[[People], dict[str, str]]


def details(sim: Simulator, count: int, missing: Iterable[int] = ()) -> list[dict[str, str]]:
    """``count`` people identified by email; those at ``missing`` match nobody."""
    absent = set(missing)
    return [{"email": NOBODY.format(i) if i in absent else sim.people.email_of(i)} for i in range(count)]


def bulk_sizes(sim: Simulator) -> list[int]:
    """How many people each bulk call the simulator received carried."""
    return [len(entry.body["details"]) for entry in sim.log if entry.path == BULK_PATH]


def statuses(sim: Simulator) -> list[int]:
    return [entry.status for entry in sim.log]


def _good(index: int) -> dict[str, str]:
    return {"email": People(0).email_of(index)}


#: (details, problem location, words of the rule) for ``bulk_match``: each is refused before sending.
BAD_DETAILS: list[Any] = [
    pytest.param([], "details", "must not be empty", id="empty"),
    pytest.param("alma@northwind.example", "details", "must be a list", id="a-string"),
    pytest.param([{"title": "CTO"}], "details[0]", "does not identify a person", id="only-title"),
    pytest.param(
        [_good(0), _good(1), _good(2), {"name": "Alma Horvat"}],
        "details[3]",
        "does not identify a person",
        id="name-without-employer",
    ),
    pytest.param(
        [{"first_name": "Alma", "domain": "northwind.example"}],
        "details[0]",
        "does not identify a person",
        id="first-name-only",
    ),
    pytest.param([_good(0), "alma@northwind.example"], "details[1]", "must be a mapping", id="not-a-mapping"),
    pytest.param([_good(0), None], "details[1]", "must be a mapping", id="none-item"),
    pytest.param([_good(0), {"email": "alma at northwind"}], "details[1].email", "not a valid email", id="bad-email"),
    pytest.param([{"email": 42}], "details[0].email", "must be a string", id="email-not-a-string"),
    pytest.param(
        [{"email": _good(0)["email"], "phone": "1"}], "details[0].phone", "not a documented field", id="unknown"
    ),
    pytest.param(
        [_good(i) for i in range(17)] + [{"title": "CTO"}] + [_good(i) for i in range(18, 25)],
        "details[17]",
        "does not identify a person",
        id="25-people-item-17-bad",
    ),
]

#: (``match`` keywords, problem location, words of the rule): each is refused before sending.
BAD_MATCHES: list[Any] = [
    pytest.param({}, "people.match", "does not identify a person", id="nothing"),
    pytest.param({"title": "CTO"}, "people.match", "does not identify a person", id="only-title"),
    pytest.param({"name": "Alma Horvat"}, "people.match", "does not identify a person", id="name-without-employer"),
    pytest.param({"organization_name": "Northwind Analytics"}, "people.match", "does not identify", id="employer-only"),
    pytest.param({"email": "alma at northwind"}, "people.match.email", "not a valid email", id="bad-email"),
    pytest.param(
        {"email": "alma.horvat84@northwind.example", "reveal_phone_number": True},
        "people.match.webhook_url",
        "required when reveal_phone_number=True",
        id="phone-without-webhook",
    ),
    pytest.param(
        {"email": "alma.horvat84@northwind.example", "reveal_phone_number": True, "webhook_url": "  "},
        "people.match.webhook_url",
        "required when reveal_phone_number=True",
        id="phone-with-blank-webhook",
    ),
]
