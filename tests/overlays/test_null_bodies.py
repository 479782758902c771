"""A success body of JSON ``null``: the curated spec and the client agree that it is not a valid answer.

Schemathesis found eight response wrappers declared ``nullable: true`` while the client raised
``InvalidResponse`` on a null body.  The fix ``response-wrappers-not-nullable`` makes the spec say
they are objects; these tests hold both sides to it, for every operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from amplemarket import Amplemarket, errors
from tests._specdata import curated

USER = "6a1b3f52-0f5c-4d8f-9a6e-0c4f2f3c9b10"

CALLS: dict[str, Callable[[Amplemarket], Any]] = {
    "account_info": lambda am: am.account.info(),
    "complete_task": lambda am: am.tasks.complete("t1"),
    "skip_task": lambda am: am.tasks.skip("t1"),
    "get_tasks_statuses": lambda am: am.tasks.statuses(),
    "get_tasks_types": lambda am: am.tasks.types(),
    "get_call_dispositions": lambda am: am.calls.dispositions(),
    "get_contact": lambda am: am.contacts.get("c1"),
    "get_contact_by_email": lambda am: am.contacts.get_by_email("jane@example.com"),
    "get_contacts": lambda am: am.contacts.list(["c1"]),
    "review_phone_number": lambda am: am.phone_numbers.review("p1", user_id=USER, reason="wrong_number"),
}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _success_schemas() -> dict[str, dict[str, Any]]:
    """operationId -> the resolved schema of its JSON success body."""
    document = curated()
    found: dict[str, dict[str, Any]] = {}
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if str(status).startswith("2") and schema is not None:
                    found[operation["operationId"]] = _resolve(document, schema)
    return found


def test_no_success_body_in_the_curated_spec_is_nullable() -> None:
    schemas = _success_schemas()
    assert set(CALLS) <= set(schemas), "every operation tested below answers a JSON body"
    nullable = sorted(op for op, schema in schemas.items() if schema.get("nullable") is True)
    assert nullable == []


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_the_client_refuses_a_null_success_body(operation: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"null", headers={"Content-Type": "application/json"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with (
        Amplemarket(api_key="k", http_client=http, rate_limit=False, max_retries=0) as am,
        pytest.raises(errors.InvalidResponse, match="200 response"),
    ):
        CALLS[operation](am)
