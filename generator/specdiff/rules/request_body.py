"""Request body rules: whether an operation takes a body, its media types, and its schema."""

from __future__ import annotations

from typing import Any

from ..engine import Differ, Operation
from ..registry import rule
from .schemas import compare_content

F = __name__
BODY_ONLY_IN_REQUESTS = "only a request body can be required or optional; a response either documents content or not"

ADDED_REQUIRED = rule(
    "request-body-added-required",
    "ERR",
    "request",
    "required request body added",
    family=F,
    unmirrored=BODY_ONLY_IN_REQUESTS,
)
ADDED_OPTIONAL = rule(
    "request-body-added-optional",
    "INFO",
    "request",
    "optional request body added",
    family=F,
    unmirrored=BODY_ONLY_IN_REQUESTS,
)
REMOVED = rule(
    "request-body-removed", "ERR", "request", "request body removed", family=F, unmirrored=BODY_ONLY_IN_REQUESTS
)
BECAME_REQUIRED = rule(
    "request-body-became-required",
    "ERR",
    "request",
    "request body became required",
    family=F,
    unmirrored=BODY_ONLY_IN_REQUESTS,
)
BECAME_OPTIONAL = rule(
    "request-body-became-optional",
    "INFO",
    "request",
    "request body became optional",
    family=F,
    unmirrored=BODY_ONLY_IN_REQUESTS,
)
MEDIA_TYPE_ADDED = rule(
    "request-body-media-type-added",
    "INFO",
    "request",
    "request body media type {media_type} added",
    family=F,
    mirror="response-media-type-added",
)
MEDIA_TYPE_REMOVED = rule(
    "request-body-media-type-removed",
    "ERR",
    "request",
    "request body media type {media_type} removed",
    family=F,
    mirror="response-media-type-removed",
)


def body(differ: Differ, operation: Operation, side: str) -> tuple[dict[str, Any] | None, str]:
    """The operation's request body (a webhook's: its payload), resolved, and the base its references resolve in."""
    raw = operation.node.get("requestBody")
    if raw is None:
        return None, ""
    resolved, base, _ = differ.deref("old" if side == "old" else "new", raw, operation.base)
    return (resolved if isinstance(resolved, dict) else None), base


def check(differ: Differ, old: Operation, new: Operation) -> None:
    op = new.key
    pointer = (*new.pointer, "requestBody")
    was, old_base = body(differ, old, "old")
    now, new_base = body(differ, new, "new")
    if was is None and now is None:
        return
    if was is None:
        assert now is not None
        differ.emit(ADDED_REQUIRED if now.get("required") is True else ADDED_OPTIONAL, operation=op, pointer=pointer)
        return
    if now is None:
        differ.emit(REMOVED, operation=op, pointer=(*old.pointer, "requestBody"), side="old")
        return
    if now.get("required") is True and was.get("required") is not True:
        differ.emit(BECAME_REQUIRED, operation=op, pointer=pointer)
    elif was.get("required") is True and now.get("required") is not True:
        differ.emit(BECAME_OPTIONAL, operation=op, pointer=pointer)
    compare_content(
        differ,
        (was.get("content") or {}, old_base),
        (now.get("content") or {}, new_base),
        direction="request",
        subject="request body",
        operation=op,
        pointer=pointer,
        media_rules=(MEDIA_TYPE_ADDED, MEDIA_TYPE_REMOVED),
    )
