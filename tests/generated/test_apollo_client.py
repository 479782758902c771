"""The generated Apollo client: requests as documented, and the documented answers parsed into models."""

from __future__ import annotations

from typing import Any

import httpx

from apollo_api import AuthenticatedClient, Client
from apollo_api.api.people_enrichment import people_bulk_match, people_match
from apollo_api.models import (
    BulkMatchDetail,
    BulkMatchRequest,
    BulkMatchResponse,
    EmploymentHistory,
    ErrorResponse,
    MatchResponse,
    Organization,
    Person,
)
from apollo_api.types import fields_set
from tests._specdata import curated

CLIENT = Client(base_url="https://api.example.invalid")


def _examples(path: str, status: str) -> dict[str, Any]:
    response = curated("apollo")["paths"][path]["post"]["responses"][status]
    return {name: example["value"] for name, example in response["content"]["application/json"]["examples"].items()}


def test_a_200_without_a_match_parses_to_a_response_whose_person_is_none() -> None:
    parsed = people_match.parse_response(client=CLIENT, response=httpx.Response(200, json={"person": None}))
    assert isinstance(parsed, MatchResponse)
    assert parsed.person is None
    assert parsed.to_dict() == {"person": None}


def test_the_documented_match_parses_into_typed_models() -> None:
    body = _examples("/api/v1/people/match", "200")["person_found"]
    parsed = people_match.parse_response(client=CLIENT, response=httpx.Response(200, json=body))
    assert isinstance(parsed, MatchResponse)
    person = parsed.person
    assert isinstance(person, Person)
    assert (person.name, person.email_status, person.twitter_url) == ("Tim Zheng", "verified", None)
    assert isinstance(person.organization, Organization)
    assert person.organization.industry_tag_hash is not None
    assert person.organization.industry_tag_hash.additional_properties == {
        "information technology & services": "5567cd4773696439b10b0000"
    }
    history = person.employment_history
    assert isinstance(history, list)
    assert all(isinstance(entry, EmploymentHistory) for entry in history)
    assert history[0].field_id == history[0].id == "66d7af8c200cad0001404c1f"  # `_id` and `id` both kept
    assert history[1].organization_id is None
    assert history[1].to_dict()["_id"] == "66d7af8c200cad0001404c20"


def test_the_documented_bulk_answer_keeps_a_null_for_the_unmatched_person() -> None:
    body = _examples("/api/v1/people/bulk_match", "200")["one_of_two_matched"]
    parsed = people_bulk_match.parse_response(client=CLIENT, response=httpx.Response(200, json=body))
    assert isinstance(parsed, BulkMatchResponse)
    assert isinstance(parsed.matches, list)
    assert [type(match) for match in parsed.matches] == [Person, type(None)]
    assert (parsed.missing_records, parsed.credits_consumed, parsed.error_code) == (1, 1, None)
    assert parsed.to_dict() == body


def test_error_bodies_parse_to_the_open_error_model() -> None:
    for status, body in ((401, {"error": "Invalid key"}), (422, {"error": "too many"}), (429, {"message": "slow"})):
        for module in (people_match, people_bulk_match):
            parsed = module.parse_response(client=CLIENT, response=httpx.Response(status, json=body))
            assert isinstance(parsed, ErrorResponse), (module.__name__, status)
            assert parsed.to_dict() == body


def test_request_hooks_build_the_documented_requests() -> None:
    match = people_match.request_kwargs(email="example@email.com", domain="apollo.io")
    assert match == {
        "method": "post",
        "url": "/api/v1/people/match",
        "params": {
            "email": "example@email.com",
            "domain": "apollo.io",
            "reveal_personal_emails": False,
            "reveal_phone_number": False,
        },
    }
    body = BulkMatchRequest(details=[BulkMatchDetail(first_name="tim", last_name="zheng"), BulkMatchDetail(id="p1")])
    bulk = people_bulk_match.request_kwargs(body=body, reveal_phone_number=True, webhook_url="https://hook.example")
    assert bulk["url"] == "/api/v1/people/bulk_match"
    assert bulk["json"] == {"details": [{"first_name": "tim", "last_name": "zheng"}, {"id": "p1"}]}
    assert bulk["params"] == {
        "reveal_personal_emails": False,
        "reveal_phone_number": True,
        "webhook_url": "https://hook.example",
    }
    assert BulkMatchDetail().email is None
    assert fields_set(BulkMatchDetail()) == frozenset()


def test_the_authenticated_client_sends_the_key_in_x_api_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"person": None})

    client = AuthenticatedClient(
        base_url="https://api.apollo.io", token="key-123", httpx_args={"transport": httpx.MockTransport(handler)}
    )
    response = people_match.sync_detailed(client=client, linkedin_url="http://www.linkedin.com/in/someone")
    assert isinstance(response.parsed, MatchResponse)
    assert response.parsed.person is None
    assert seen[0].headers["X-Api-Key"] == "key-123"
    assert "authorization" not in seen[0].headers
    assert seen[0].url.params["linkedin_url"] == "http://www.linkedin.com/in/someone"
