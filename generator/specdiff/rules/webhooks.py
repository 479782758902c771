"""Webhook rules (OpenAPI 3.1 ``webhooks``): webhooks added or removed, and the payloads they deliver.

A webhook's request body is what the API sends to the user's receiver, so for the
user the directions flip: the payload is parsed like a response.  Payload schemas
are therefore compared by the schema walk in the ``response`` direction, and fire
the ``response-*`` schema rules (their operation reads ``WEBHOOK <METHOD> <name>``
and their message ``webhook <name> payload ...``): a property removed from a
payload breaks a receiver as a property removed from a response breaks a caller.
"""

from __future__ import annotations

from ..engine import Differ, Operation
from ..registry import rule
from .request_body import body
from .schemas import compare_content

F = __name__
RECEIVED_ONLY = (
    "a webhook payload is only received: the API sends it and the user's receiver parses it, so it has no "
    "request-side counterpart in this family (the HTTP operations' request rules cover what the user sends)"
)

ADDED = rule("webhook-added", "INFO", "none", "webhook {name} added", family=F)
REMOVED = rule("webhook-removed", "ERR", "none", "webhook {name} removed", family=F)
BODY_ADDED = rule(
    "webhook-response-body-added",
    "INFO",
    "response",
    "webhook {name} now documents a payload",
    family=F,
    unmirrored=RECEIVED_ONLY,
)
BODY_REMOVED = rule(
    "webhook-response-body-removed",
    "ERR",
    "response",
    "webhook {name} no longer documents a payload",
    family=F,
    unmirrored=RECEIVED_ONLY,
)
MEDIA_TYPE_ADDED = rule(
    "webhook-response-media-type-added",
    "INFO",
    "response",
    "webhook {name} payload media type {media_type} added",
    family=F,
    unmirrored=RECEIVED_ONLY,
)
MEDIA_TYPE_REMOVED = rule(
    "webhook-response-media-type-removed",
    "ERR",
    "response",
    "webhook {name} payload media type {media_type} removed",
    family=F,
    unmirrored=RECEIVED_ONLY,
)


def check(differ: Differ) -> None:
    """Every webhook operation of both specs: added, removed, or its payload compared."""
    old, new = differ.operations("old", "webhooks"), differ.operations("new", "webhooks")
    for key, operation in old.items():
        if key not in new:
            differ.emit(REMOVED, operation=key, pointer=operation.pointer, side="old", name=operation.path)
    for key, operation in new.items():
        if key not in old:
            differ.emit(ADDED, operation=key, pointer=operation.pointer, name=operation.path)
            continue
        _check_payload(differ, old[key], operation)


def _check_payload(differ: Differ, old: Operation, new: Operation) -> None:
    op, name = new.key, new.path
    pointer = (*new.pointer, "requestBody")
    was, old_base = body(differ, old, "old")
    now, new_base = body(differ, new, "new")
    if was is None or now is None:
        if was is not None:
            differ.emit(BODY_REMOVED, operation=op, pointer=(*old.pointer, "requestBody"), side="old", name=name)
        elif now is not None:
            differ.emit(BODY_ADDED, operation=op, pointer=pointer, name=name)
        return
    compare_content(
        differ,
        (was.get("content") or {}, old_base),
        (now.get("content") or {}, new_base),
        direction="response",
        subject=f"webhook {name} payload",
        operation=op,
        pointer=pointer,
        media_rules=(MEDIA_TYPE_ADDED, MEDIA_TYPE_REMOVED),
        name=name,
    )
