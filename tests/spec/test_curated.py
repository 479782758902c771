"""The curated specs: complete, consistent, current, and every fix still needed.

Tests that hold for any curated spec run for every vendor in ``generator.vendors.VENDORS``;
the rest state what the Amplemarket documentation says (Apollo's facts: test_apollo.py).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from generator._yamlio import load_document
from generator.build import build_curated, curated_text
from generator.lint import run_linters
from generator.overlay import apply_overlay
from generator.vendors import VENDORS
from tests._specdata import curated, operations, resolve, vendor

ALL_VENDORS = pytest.mark.parametrize("name", sorted(VENDORS))

DOCUMENTED = {
    ("get", "/account-info"), ("post", "/calls"), ("get", "/calls/dispositions"), ("get", "/companies/find"),
    ("get", "/contacts/{id}"), ("get", "/contacts/email/{email}"), ("get", "/contacts"),
    ("post", "/email-validations"), ("get", "/email-validations/{id}"), ("patch", "/email-validations/{id}"),
    ("get", "/excluded-domains"), ("post", "/excluded-domains"), ("delete", "/excluded-domains"),
    ("get", "/excluded-emails"), ("post", "/excluded-emails"), ("delete", "/excluded-emails"),
    ("post", "/lead-lists"), ("get", "/lead-lists"), ("get", "/lead-lists/{id}"), ("get", "/people/find"),
    ("post", "/people/search"), ("post", "/people/enrichment-requests"), ("get", "/people/enrichment-requests/{id}"),
    ("patch", "/people/enrichment-requests/{id}"), ("post", "/phone_numbers/{id}/review"), ("get", "/sequences"),
    ("post", "/sequences/{id}/leads"), ("get", "/tasks"), ("get", "/tasks/statuses"), ("get", "/tasks/types"),
    ("post", "/tasks/{id}/complete"), ("post", "/tasks/{id}/skip"), ("get", "/users"),
}  # fmt: skip
ERROR_SHAPE = "#/components/schemas/response_errors_object"
JOBS = ["/people/enrichment-requests", "/email-validations", "/lead-lists"]


def test_every_documented_operation_and_nothing_else() -> None:
    found = {(method, path) for path, method, _ in operations(curated())}
    assert len(DOCUMENTED) == 33
    assert found == DOCUMENTED


@ALL_VENDORS
def test_operation_ids_are_unique_readable_and_tagged(name: str) -> None:
    document = curated(name)
    docs_site = "/".join(document["info"]["x-doc-page"].split("/")[:3]) + "/"
    tags = {tag["name"] for tag in document["tags"]}
    ids = []
    for path, method, operation in operations(document):
        ids.append(operation["operationId"])
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", operation["operationId"]), operation["operationId"]
        assert len(operation.get("tags", [])) == 1, f"{method} {path} needs exactly one tag"
        assert operation["tags"][0] in tags
        assert operation.get("x-confidence") in {"documented", "partial", "unverified"}, f"{method} {path}"
        assert operation.get("x-doc-page", "").startswith(docs_site), f"{method} {path}"
    assert len(ids) == len(set(ids))


# Amplemarket's fragment names response schemas response_<name>_object; Apollo's are named as its JSON is.
RESPONSE_SCHEMA_PREFIX = {"amplemarket": "response_"}


@ALL_VENDORS
def test_every_response_body_is_a_named_component(name: str) -> None:
    document = curated(name)
    prefix = "#/components/schemas/" + RESPONSE_SCHEMA_PREFIX.get(name, "")
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            content = resolve(document, response).get("content", {})
            for media in content.values():
                assert set(media["schema"]) == {"$ref"}, f"{method} {path} {status}: inline response schema"
                assert media["schema"]["$ref"].startswith(prefix)


@pytest.mark.parametrize("status", ["400", "401", "402", "404", "408", "429", "451", "500"])
def test_error_responses_use_the_documented_error_shape(status: str) -> None:
    document = curated()
    seen = 0
    for _path, _method, operation in operations(document):
        if status in operation["responses"]:
            seen += 1
            schema = resolve(document, operation["responses"][status])["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_SHAPE}
    assert seen, f"no operation documents {status}"


def test_add_leads_422_has_its_own_validation_errors_shape() -> None:
    response = curated()["paths"]["/sequences/{id}/leads"]["post"]["responses"]["422"]
    schema = response["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/response_validation_errors_object"}


def test_every_operation_can_fail_with_401_429_and_500() -> None:
    for path, method, operation in operations(curated()):
        assert {"401", "429", "500"} <= set(operation["responses"]), f"{method} {path}"


def _headers(document: dict[str, Any], response: Any) -> set[str]:
    return set(resolve(document, response).get("headers") or {})


@ALL_VENDORS
def test_every_operation_documents_401_and_429_with_retry_after(name: str) -> None:
    document = curated(name)
    for path, method, operation in operations(document):
        assert {"401", "429"} <= set(operation["responses"]), f"{method} {path}"
        assert "Retry-After" in _headers(document, operation["responses"]["429"]), f"{method} {path}"


@ALL_VENDORS
def test_every_operation_is_secured_by_a_declared_scheme(name: str) -> None:
    document = curated(name)
    schemes = document["components"]["securitySchemes"]
    for path, method, operation in operations(document):
        requirements = operation.get("security", document.get("security"))
        assert requirements, f"{method} {path}: no security"
        for requirement in requirements:
            assert set(requirement) <= set(schemes), f"{method} {path}: undeclared scheme"


def test_location_and_retry_after_are_declared_where_documented() -> None:
    document = curated()
    for path in JOBS:
        created = document["paths"][path]["post"]["responses"]["202"]
        assert "Location" in _headers(document, created), path
        polled = document["paths"][f"{path}/{{id}}"]["get"]["responses"]["200"]
        assert "Retry-After" in _headers(document, polled), path
    assert "Retry-After" in _headers(document, document["paths"]["/people/find"]["get"]["responses"]["408"])
    for path, method, operation in operations(document):
        assert "Retry-After" in _headers(document, operation["responses"]["429"]), f"{method} {path}"


def test_bearer_auth_everywhere() -> None:
    document = curated()
    assert document["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        **{k: v for k, v in document["components"]["securitySchemes"]["bearerAuth"].items() if k == "description"},
    }
    for _path, _method, operation in operations(document):
        assert "security" not in operation


@ALL_VENDORS
def test_committed_openapi_yaml_is_the_build_of_upstream_and_fixes(name: str) -> None:
    result = build_curated(vendor(name))
    committed = vendor(name).curated.read_text(encoding="utf-8")
    assert curated_text(result.document) == committed, "openapi.yaml is stale: run `make spec`"


@ALL_VENDORS
def test_every_fix_is_still_needed_and_documented(name: str) -> None:
    """Each action changes the document; a fix that no longer changes anything must go."""
    upstream = load_document(vendor(name).upstream)
    fixes = load_document(vendor(name).fixes)
    document = upstream
    ids = [action["x-id"] for action in fixes["actions"]]
    assert len(ids) == len(set(ids)), "duplicate x-id"
    for action in fixes["actions"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", action["x-id"]), action["x-id"]
        text = action["description"]
        lines = text.splitlines()
        for part in ("Docs:", "Evidence:", "Decision:"):
            assert part in text, f"{action['x-id']}: description must say {part}"
            said = next((line for line in lines if line.startswith(part)), "")
            assert said[len(part) :].strip(), f"{action['x-id']}: {part} must start a line and say something"
        single = {**fixes, "actions": [action]}
        changed, _ = apply_overlay(document, single)
        assert changed != document, f"{action['x-id']} changes nothing"
        document = changed
    assert document == curated(name)


def test_the_issues_named_defects_are_each_resolved_by_a_fix() -> None:
    ids = {action["x-id"] for action in load_document(vendor().fixes)["actions"]}
    expected = {
        "enrichment-lead-linkedin-url", "enrichment-result-linkedin-id",  # linkedin_url vs linkedin_id
        "company-size-free-text",  # closed enum vs free text
        "enrichment-result-nullable-ref-add", "person-company-nullable-ref-add",  # nullable beside $ref
        "enrichment-result-status-null", "person-gender-null", "company-funding-stage-null",  # nullable enums
        "company-industry", "enrichment-batch-limit", "links-are-an-object-remove", "lead-list-type-spellings",
        "email-validation-id-opaque", "enrichment-id-integer", "error-members-optional",
        "timeout-example-valid-json", "lead-list-polled-examples-valid-json",
    }  # fmt: skip
    assert expected <= ids, sorted(expected - ids)


def test_upstream_keeps_the_documentation_defects() -> None:
    upstream = load_document(vendor().upstream)
    company = upstream["components"]["schemas"]["response_company_object"]
    assert company["properties"]["industry"] == {"type": "string", "description": "Industry the company belongs to."}
    assert len(company["properties"]["size"]["enum"]) == 5
    result = upstream["components"]["schemas"]["response_person_enrichment_result_object"]["properties"]["result"]
    assert result.get("nullable") is True
    assert "$ref" in result


def test_the_curated_schemas_say_what_real_data_looks_like() -> None:
    document = curated()
    schemas = document["components"]["schemas"]
    person = schemas["response_person_object"]["properties"]
    assert {"$ref": "#/components/schemas/response_company_object"} in person["company"]["anyOf"]
    assert None in person["gender"]["enum"]
    company = schemas["response_company_object"]["properties"]
    assert "enum" not in company["size"]
    assert "industry" in company
    leads = document["paths"]["/people/enrichment-requests"]["post"]["requestBody"]["content"]["application/json"]
    assert leads["schema"]["properties"]["leads"]["maxItems"] == 10000
    assert "linkedin_url" in leads["schema"]["properties"]["leads"]["items"]["properties"]
    assert schemas["response_error_object"].get("required") is None


@ALL_VENDORS
def test_linters_report_zero_errors_and_zero_warnings(name: str) -> None:
    results = run_linters(vendor(name).curated)
    assert [r.linter for r in results] == ["spectral", "redocly"]
    for result in results:
        assert result.clean, result.summary() + "\n" + "\n".join(result.messages)


@ALL_VENDORS
def test_upstream_fails_the_linters_the_fixes_satisfy(name: str) -> None:
    # proves the lint gate can fail: the pristine upstream has the defects the fixes remove
    results = run_linters(vendor(name).upstream)
    assert any(not r.clean for r in results)


@ALL_VENDORS
def test_a_fresh_build_is_deterministic(name: str) -> None:
    first = curated_text(build_curated(vendor(name)).document)
    second = curated_text(build_curated(vendor(name)).document)
    assert first == second
    assert copy.deepcopy(curated(name)) == load_document(vendor(name).curated)
