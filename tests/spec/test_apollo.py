"""The curated Apollo.io spec: both enrichment operations, the key header, the bulk limit, lenient responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator._yamlio import load_document
from generator.genview import reachable_schemas
from tests._specdata import curated, operations, resolve, vendor

MATCH = "/api/v1/people/match"
BULK = "/api/v1/people/bulk_match"
NULL = {"enum": [None]}


def _spec() -> dict[str, Any]:
    return curated("apollo")


def _schemas() -> dict[str, Any]:
    return _spec()["components"]["schemas"]  # type: ignore[no-any-return]


def test_both_enrichment_operations_and_nothing_else() -> None:
    found = {(method, path, op["operationId"], op["x-confidence"]) for path, method, op in operations(_spec())}
    assert found == {
        ("post", MATCH, "people_match", "documented"),
        ("post", BULK, "people_bulk_match", "partial"),
    }
    for _path, _method, operation in operations(_spec()):
        assert operation["tags"] == ["People Enrichment"]
        assert operation["x-doc-page"].startswith("https://docs.apollo.io/reference/")
    assert [tag["name"] for tag in _spec()["tags"]] == ["People Enrichment"]


def test_the_key_travels_in_the_x_api_key_header() -> None:
    document = _spec()
    assert document["security"] == [{"apiKeyAuth": []}]
    scheme = document["components"]["securitySchemes"]["apiKeyAuth"]
    assert {k: scheme[k] for k in ("type", "in", "name")} == {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    for _path, _method, operation in operations(document):
        assert "security" not in operation


def test_bulk_details_hold_one_to_ten_people() -> None:
    body = _spec()["paths"][BULK]["post"]["requestBody"]
    assert body["required"] is True
    request = resolve(_spec(), body["content"]["application/json"]["schema"])
    details = request["properties"]["details"]
    assert request["required"] == ["details"]
    assert (details["minItems"], details["maxItems"]) == (1, 10)
    entry = resolve(_spec(), details["items"])
    assert set(entry["properties"]) == {
        "first_name", "last_name", "name", "email", "hashed_email", "organization_name", "domain", "id", "linkedin_url",
    }  # fmt: skip


def test_matches_and_the_matched_person_may_be_null() -> None:
    person = {"$ref": "#/components/schemas/person"}
    matches = _schemas()["bulk_match_response"]["properties"]["matches"]
    assert matches["type"] == "array"
    assert matches["items"]["anyOf"] == [person, NULL]
    assert _schemas()["match_response"]["properties"]["person"]["anyOf"] == [person, NULL]
    examples = _spec()["paths"][MATCH]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
    assert examples["no_match"]["value"] == {"person": None}


def test_match_takes_the_documented_query_parameters() -> None:
    parameters = [resolve(_spec(), p) for p in _spec()["paths"][MATCH]["post"]["parameters"]]
    assert all(p["in"] == "query" and not p.get("required") for p in parameters)
    assert [p["name"] for p in parameters] == [
        "first_name", "last_name", "name", "email", "hashed_email", "organization_name", "domain", "id",
        "linkedin_url", "reveal_personal_emails", "reveal_phone_number", "webhook_url",
    ]  # fmt: skip
    defaults = {p["name"]: p["schema"].get("default") for p in parameters if p["schema"]["type"] == "boolean"}
    assert defaults == {"reveal_personal_emails": False, "reveal_phone_number": False}
    assert "requestBody" not in _spec()["paths"][MATCH]["post"]


def test_webhook_url_is_required_with_reveal_phone_number_on_both_operations() -> None:
    rule = {"parameter": "webhook_url", "when": {"reveal_phone_number": True}, "otherwise": "omit"}
    for path in (MATCH, BULK):
        operation = _spec()["paths"][path]["post"]
        assert operation["x-requires"] == [rule], path
        assert "422" in operation["responses"], path


def test_every_response_schema_is_lenient() -> None:
    """Nothing required, no closed enum, every object open: the curated shapes come from one example."""
    document = _spec()
    responses, _requests = reachable_schemas(document)
    assert {"match_response", "bulk_match_response", "person", "organization", "employment_history"} <= responses

    def check(node: Any, where: str) -> None:
        if isinstance(node, dict):
            assert "required" not in node, where
            if "enum" in node:
                assert node == NULL, f"{where}: closed enum"
            if node.get("type") == "object" and "additionalProperties" in node:
                assert node["additionalProperties"] is not False, where
            for key, value in node.items():
                check(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                check(value, f"{where}[{index}]")

    for name in sorted(responses):
        schema = document["components"]["schemas"][name]
        check(schema, name)
        assert schema.get("additionalProperties") is not None, f"{name} does not say it is open"
    email_status = _schemas()["person"]["properties"]["email_status"]
    assert email_status["type"] == "string"
    assert email_status["x-known-values"] == ["verified"]


def test_fields_the_example_shows_as_null_accept_null() -> None:
    person = _schemas()["person"]["properties"]
    assert person["twitter_url"] == {"description": "Twitter/X profile URL.", "type": "string", "nullable": True}
    history = _schemas()["employment_history"]["properties"]
    assert history["organization_id"]["nullable"] is True
    assert (history["end_date"]["format"], history["end_date"]["nullable"]) == ("date", True)
    assert _schemas()["organization"]["properties"]["industry_tag_hash"]["additionalProperties"] == {"type": "string"}
    flags = _schemas()["phone_number"]["properties"]["dialer_flags"]["anyOf"]
    assert flags == [{"$ref": "#/components/schemas/dialer_flags"}, NULL]


def test_the_fixes_for_the_known_defects_are_all_there() -> None:
    ids = {action["x-id"] for action in load_document(vendor("apollo").fixes)["actions"]}
    expected = {
        "api-key-security", "bulk-details-limit", "bulk-matches-nullable-add", "match-person-nullable-add",
        "webhook-url-conditional", "email-status-open", "response-objects-open", "employment-history-nullable",
        "industry-tag-hash-map", "rate-limit-body-and-retry-after", "example-text-encoding", "info-contact-and-license",
    }  # fmt: skip
    assert expected <= ids, sorted(expected - ids)


def test_upstream_keeps_the_documentation_defects() -> None:
    upstream = load_document(vendor("apollo").upstream)
    assert "security" not in upstream
    assert "securitySchemes" not in upstream["components"]
    schemas = upstream["components"]["schemas"]
    assert "maxItems" not in schemas["bulk_match_request"]["properties"]["details"]
    assert schemas["bulk_match_response"]["properties"]["matches"]["items"] == {"$ref": "#/components/schemas/person"}
    assert schemas["match_response"]["properties"]["person"] == {"$ref": "#/components/schemas/person"}
    assert schemas["person"]["properties"]["twitter_url"] == {"description": "Twitter/X profile URL."}
    assert schemas["employment_history"]["properties"]["organization_id"]["type"] == "string"
    assert (
        "information technology & services" in schemas["organization"]["properties"]["industry_tag_hash"]["properties"]
    )
    example = upstream["paths"][MATCH]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
    person = example["person_found"]["value"]["person"]
    assert person["employment_history"][1]["organization_id"] is None
    assert "üí™" in person["contact"]["title"]
    hashed = next(p for p in upstream["paths"][MATCH]["post"]["parameters"] if p.get("name") == "hashed_email")
    assert " or " in hashed["example"]


def test_the_curated_example_text_is_repaired() -> None:
    example = _spec()["paths"][MATCH]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
    person = example["person_found"]["value"]["person"]
    assert (
        person["contact"]["title"]
        == "Reaching Peak Potential \U0001f4aa\u26f0\ufe0f\U0001f4c8\U0001f9ea\ufe0f | President"
    )
    assert person["organization"]["short_description"].endswith("Series D Funding Round \U0001f984")


def test_the_readme_counts_the_fixes() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    actions = load_document(vendor("apollo").fixes)["actions"]
    assert f"{len(actions)} fixes add the `X-Api-Key`" in readme
