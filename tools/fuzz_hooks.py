"""Schemathesis hooks for ``tools/fuzz.py`` (loaded through ``SCHEMATHESIS_HOOKS``).

The rules here are narrow on purpose: a failure is dropped only when the spec itself says the API
rejects that request, with that status. Every dropped failure is counted in schemathesis' summary
("dropped by `filter_failure`") and in the line ``tools/fuzz.py`` prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import schemathesis
from schemathesis import Case, HookContext, Response
from schemathesis.core.failures import Failure

__all__ = ["STATEFUL_REJECTIONS", "blames_the_request", "breaks_documented_requirement", "filter_failure"]

# The status the curated specs document for a request that breaks a rule JSON Schema cannot state.
UNPROCESSABLE = 422

#: Operations whose spec says a status answers a *valid* request, because of the server's state rather
#: than the request: operationId -> (status, what the spec says).
STATEFUL_REJECTIONS: dict[str, tuple[int, str]] = {
    # spec/amplemarket/openapi.yaml, POST /sequences/{id}/leads: "422 means the request was valid but
    # the sequence cannot take the leads" (a draft or archived sequence, the per-sequence lead limit,
    # a template field the leads lack). The fuzzer picks sequence ids from GET /sequences, drafts too.
    "add_leads": (UNPROCESSABLE, "the sequence cannot take the leads"),
    # spec/amplemarket/openapi.yaml, POST /tasks/{id}/complete: "Only manual tasks in the scheduled
    # status qualify; ... other ineligible tasks give an error" (400). The fuzzer picks task ids from
    # GET /tasks (automatic ones too) and completes or skips them as it goes.
    "complete_task": (400, "the task is not a scheduled manual task"),
}


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _same(sent: Any, expected: Any) -> bool:
    """A query value as sent (``True`` or ``"true"``) against a value from the spec."""
    if isinstance(sent, list):
        sent = sent[-1] if sent else None
    return str(sent).lower() == str(expected).lower()


def breaks_documented_requirement(operation: Mapping[str, Any], query: Mapping[str, Any] | None) -> bool:
    """Whether ``query`` breaks one of the operation's ``x-requires`` rules.

    The curated Apollo spec records a cross-parameter rule the vendor states in prose
    (``webhook_url`` is mandatory when ``reveal_phone_number`` is true) as::

        x-requires:
          - parameter: webhook_url
            when: {reveal_phone_number: true}

    and documents the 422 that answers a request breaking it. JSON Schema cannot express the rule,
    so schemathesis' positive data can break it.
    """
    query = query or {}
    for rule in operation.get("x-requires") or []:
        conditions: Mapping[str, Any] = rule.get("when") or {}
        if all(_same(query.get(name), value) for name, value in conditions.items()) and not _present(
            query.get(rule["parameter"])
        ):
            return True
    return False


def blames_the_request(body: Any) -> bool:
    """Whether an error body points at something in the request.

    Amplemarket's error objects name the part of the request at fault in ``source`` (a JSON pointer,
    a parameter or a header: the "Errors" page). Such a rejection is about the request, not about the
    server's state, and stays reported.
    """
    errors = body.get("_errors") if isinstance(body, Mapping) else None
    return isinstance(errors, list) and any(isinstance(error, Mapping) and error.get("source") for error in errors)


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@schemathesis.hook
def filter_failure(context: HookContext, failure: Failure, case: Case[Any], response: Response) -> bool:
    """Keep every failure but a documented rejection of schema-valid data.

    ``positive_data_acceptance`` assumes that whatever the schema allows, the API accepts. Two kinds of
    rejection are documented instead, and only their exact status is let through:

    - a 422 to a request that breaks the operation's ``x-requires`` rule (see above);
    - the status ``STATEFUL_REJECTIONS`` lists for the operation, unless the error points at a part of
      the request (then it is about the request, not the state).

    Anything else (another status, another check, another operation) is kept. The response is still
    checked against the documented schema by ``response_schema_conformance``.
    """
    if "positive_data_acceptance" not in failure.checks:
        return True
    raw = case.operation.definition.raw
    if not isinstance(raw, Mapping):
        return True
    stateful = STATEFUL_REJECTIONS.get(str(raw.get("operationId")))
    if stateful is not None and response.status_code == stateful[0] and not blames_the_request(_json(response)):
        return False
    return not (response.status_code == UNPROCESSABLE and breaks_documented_requirement(raw, case.query))
