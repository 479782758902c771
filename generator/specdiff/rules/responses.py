"""Response rules: status codes, media types, headers, and the response body schemas."""

from __future__ import annotations

from typing import Any

from ..engine import Differ, Operation
from ..registry import rule
from .schemas import compare_content, facts

F = __name__
STATUS_ONLY_IN_RESPONSES = "a request has no status code"
HEADERS_IN_RESPONSES = "request headers are parameters and are compared by the parameter family"

SUCCESS_REMOVED = rule(
    "response-success-status-removed",
    "ERR",
    "response",
    "success status {status} removed",
    family=F,
    unmirrored=STATUS_ONLY_IN_RESPONSES,
)
SUCCESS_ADDED = rule(
    "response-success-status-added",
    "INFO",
    "response",
    "success status {status} added",
    family=F,
    unmirrored=STATUS_ONLY_IN_RESPONSES,
)
NON_SUCCESS_REMOVED = rule(
    "response-non-success-status-removed",
    "INFO",
    "response",
    "status {status} removed",
    family=F,
    unmirrored=STATUS_ONLY_IN_RESPONSES,
)
NON_SUCCESS_ADDED = rule(
    "response-non-success-status-added",
    "INFO",
    "response",
    "status {status} added",
    family=F,
    unmirrored=STATUS_ONLY_IN_RESPONSES,
)
MEDIA_TYPE_ADDED = rule(
    "response-media-type-added",
    "INFO",
    "response",
    "response {status} media type {media_type} added",
    family=F,
    mirror="request-body-media-type-added",
)
MEDIA_TYPE_REMOVED = rule(
    "response-media-type-removed",
    "ERR",
    "response",
    "response {status} media type {media_type} removed",
    family=F,
    mirror="request-body-media-type-removed",
)
HEADER_ADDED = rule(
    "response-header-added",
    "INFO",
    "response",
    "response {status} header {header} added",
    family=F,
    unmirrored=HEADERS_IN_RESPONSES,
)
REQUIRED_HEADER_REMOVED = rule(
    "required-response-header-removed",
    "ERR",
    "response",
    "response {status} required header {header} removed",
    family=F,
    unmirrored=HEADERS_IN_RESPONSES,
)
OPTIONAL_HEADER_REMOVED = rule(
    "optional-response-header-removed",
    "WARN",
    "response",
    "response {status} header {header} removed",
    family=F,
    unmirrored=HEADERS_IN_RESPONSES,
)
HEADER_BECAME_OPTIONAL = rule(
    "response-header-became-optional",
    "ERR",
    "response",
    "response {status} header {header} became optional",
    family=F,
    unmirrored=HEADERS_IN_RESPONSES,
)
HEADER_BECAME_REQUIRED = rule(
    "response-header-became-required",
    "INFO",
    "response",
    "response {status} header {header} became required",
    family=F,
    unmirrored=HEADERS_IN_RESPONSES,
)
HEADER_TYPE_CHANGED = rule(
    "response-header-type-changed",
    "ERR",
    "response",
    "response {status} header {header}: type changed from {old} to {new}",
    family=F,
    unmirrored=HEADERS_IN_RESPONSES,
)


def _success(status: str) -> bool:
    return status.startswith("2")


def _responses(differ: Differ, operation: Operation, side: str) -> dict[str, tuple[dict[str, Any], str]]:
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for status, raw in (operation.node.get("responses") or {}).items():
        response, base, _ = differ.deref("old" if side == "old" else "new", raw, operation.base)
        if isinstance(response, dict):
            found[str(status)] = (response, base)
    return found


def check(differ: Differ, old: Operation, new: Operation) -> None:
    op = new.key
    was, now = _responses(differ, old, "old"), _responses(differ, new, "new")
    for status in was:
        if status not in now:
            rule_id = SUCCESS_REMOVED if _success(status) else NON_SUCCESS_REMOVED
            differ.emit(rule_id, operation=op, pointer=(*old.pointer, "responses", status), side="old", status=status)
    for status in now:
        pointer = (*new.pointer, "responses", status)
        if status not in was:
            rule_id = SUCCESS_ADDED if _success(status) else NON_SUCCESS_ADDED
            differ.emit(rule_id, operation=op, pointer=pointer, status=status)
            continue
        (old_response, old_base), (new_response, new_base) = was[status], now[status]
        _check_headers(differ, op, status, pointer, old_response, old_base, new_response, new_base)
        compare_content(
            differ,
            (old_response.get("content") or {}, old_base),
            (new_response.get("content") or {}, new_base),
            direction="response",
            subject=f"response {status} body",
            operation=op,
            pointer=pointer,
            media_rules=(MEDIA_TYPE_ADDED, MEDIA_TYPE_REMOVED),
            status=status,
        )


def _check_headers(
    differ: Differ,
    op: str,
    status: str,
    pointer: tuple[str, ...],
    old_response: dict[str, Any],
    old_base: str,
    new_response: dict[str, Any],
    new_base: str,
) -> None:
    def headers(response: dict[str, Any], base: str, side: str) -> dict[str, tuple[dict[str, Any], str]]:
        result: dict[str, tuple[dict[str, Any], str]] = {}
        for name, raw in (response.get("headers") or {}).items():
            header, where, _ = differ.deref("old" if side == "old" else "new", raw, base)
            if isinstance(header, dict):
                result[str(name).lower()] = (header, where)
        return result

    was, now = headers(old_response, old_base, "old"), headers(new_response, new_base, "new")
    where = (*pointer, "headers")
    for name, (header, _) in was.items():
        if name not in now:
            rule_id = REQUIRED_HEADER_REMOVED if header.get("required") is True else OPTIONAL_HEADER_REMOVED
            differ.emit(rule_id, operation=op, pointer=where, side="old", status=status, header=name)
    for name, (header, header_base) in now.items():
        if name not in was:
            differ.emit(HEADER_ADDED, operation=op, pointer=where, status=status, header=name)
            continue
        old_header, old_header_base = was[name]
        if old_header.get("required") is True and header.get("required") is not True:
            differ.emit(HEADER_BECAME_OPTIONAL, operation=op, pointer=where, status=status, header=name)
        elif header.get("required") is True and old_header.get("required") is not True:
            differ.emit(HEADER_BECAME_REQUIRED, operation=op, pointer=where, status=status, header=name)
        old_facts = facts(differ, "old", old_header.get("schema") or {}, old_header_base)
        new_facts = facts(differ, "new", header.get("schema") or {}, header_base)
        if old_facts.types != new_facts.types:
            differ.emit(
                HEADER_TYPE_CHANGED,
                operation=op,
                pointer=where,
                status=status,
                header=name,
                old="/".join(sorted(old_facts.types)) or "any",
                new="/".join(sorted(new_facts.types)) or "any",
            )
