"""Endpoint rules: paths and operations added, removed or deprecated, and the names the client is generated from.

Deprecation follows oasdiff: an operation is deprecated with ``deprecated: true``
and may announce its removal date in ``x-sunset`` (an RFC 3339 date, or a
date-time whose date is taken).  A sunset must leave callers at least
``MIN_SUNSET_DAYS`` to migrate, counted from the day the diff runs, and an
operation may only be removed once its sunset has passed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from ..engine import Differ, Operation
from ..registry import rule

F = __name__
NO_DIRECTION = "about the endpoint as a whole, not one direction of it"

ENDPOINT_ADDED = rule("endpoint-added", "INFO", "none", "operation added", family=F)
PATH_REMOVED = rule(
    "api-path-removed-without-deprecation",
    "ERR",
    "none",
    "path {path} removed without being deprecated first",
    family=F,
)
PATH_REMOVED_DEPRECATED = rule(
    "api-path-removed-with-deprecation", "INFO", "none", "path {path} removed after it was deprecated", family=F
)
OPERATION_REMOVED = rule(
    "api-removed-without-deprecation", "ERR", "none", "operation removed without being deprecated first", family=F
)
OPERATION_REMOVED_DEPRECATED = rule(
    "api-removed-with-deprecation", "INFO", "none", "operation removed after it was deprecated", family=F
)
DEPRECATED = rule("endpoint-deprecated", "INFO", "none", "operation deprecated", family=F)
DEPRECATED_WITH_SUNSET = rule(
    "endpoint-deprecated-with-sunset", "INFO", "none", "operation deprecated, to be removed on {sunset}", family=F
)
SUNSET_PARSE = rule(
    "api-deprecated-sunset-parse",
    "ERR",
    "none",
    "operation deprecated with an x-sunset that is not a date: {sunset!r}",
    family=F,
)
SUNSET_TOO_SMALL = rule(
    "api-sunset-date-too-small",
    "ERR",
    "none",
    "operation deprecated with sunset {sunset}, less than {days} days away",
    family=F,
)
SUNSET_DELETED = rule(
    "sunset-deleted",
    "WARN",
    "none",
    "deprecated operation no longer says when it will be removed (x-sunset {sunset} deleted)",
    family=F,
    oasdiff_level="ERR",
    why="the operation and the generated code that calls it still work; only the announced removal date is gone",
)
SUNSET_CHANGED_TOO_SMALL = rule(
    "api-sunset-date-changed-too-small",
    "ERR",
    "none",
    "sunset brought forward from {old} to {new}, less than {days} days away",
    family=F,
)
PATH_SUNSET_PARSE = rule(
    "api-path-sunset-parse",
    "ERR",
    "none",
    "{what} removed; its x-sunset is not a date, so it cannot be told whether it was due: {sunset!r}",
    family=F,
)
PATH_REMOVED_BEFORE_SUNSET = rule(
    "api-path-removed-before-sunset",
    "ERR",
    "none",
    "path {path} removed before its sunset {sunset}",
    family=F,
)
OPERATION_REMOVED_BEFORE_SUNSET = rule(
    "api-removed-before-sunset", "ERR", "none", "operation removed before its sunset {sunset}", family=F
)
REACTIVATED = rule("endpoint-reactivated", "INFO", "none", "operation no longer deprecated", family=F)
OPERATION_ID_CHANGED = rule(
    "api-operation-id-changed",
    "ERR",
    "none",
    "operationId changed from {old} to {new}",
    family=F,
    oasdiff_level="INFO",
    why="the generated module and its functions are named after the operationId, so every import of them breaks",
)
TAG_CHANGED = rule(
    "api-operation-tag-changed",
    "ERR",
    "none",
    "first tag changed from {old} to {new}",
    family=F,
    oasdiff_level="INFO",
    why="the generated package files an operation under api/<first tag>/, so its import path changes",
)


#: The least notice (in days from the diff) a sunset must give callers; oasdiff's default for stable APIs.
MIN_SUNSET_DAYS = 180
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ].*)?$")


def _deprecated(operation: Operation) -> bool:
    return operation.node.get("deprecated") is True


def _sunset_text(operation: Operation) -> str | None:
    raw = operation.node.get("x-sunset")
    if raw is None:
        return None
    return raw.isoformat() if isinstance(raw, date) else str(raw)


def parse_sunset(raw: Any) -> date | None:
    """The date of an ``x-sunset`` value (YAML may already have made it a date); ``None`` if it is not one."""
    if isinstance(raw, date):
        return raw
    match = _DATE.match(str(raw).strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _removal(differ: Differ, operations: list[Operation]) -> tuple[str, str | None]:
    """How removing these operations stands against their deprecation: ``without``, ``with``, ``parse`` or ``early``.

    Returns the verdict and the sunset it rests on.
    """
    if not all(_deprecated(op) for op in operations):
        return "without", None
    for operation in operations:
        text = _sunset_text(operation)
        if text is not None and parse_sunset(operation.node["x-sunset"]) is None:
            return "parse", text
    for operation in operations:
        sunset = parse_sunset(operation.node.get("x-sunset")) if _sunset_text(operation) is not None else None
        if sunset is not None and differ.today < sunset:
            return "early", sunset.isoformat()
    return "with", None


def check_presence(differ: Differ, old: dict[str, Operation], new: dict[str, Operation]) -> None:
    """Operations and paths that appear or disappear."""
    old_paths = {op.path for op in old.values()}
    new_paths = {op.path for op in new.values()}
    for path in sorted(old_paths - new_paths):
        verdict, sunset = _removal(differ, [op for op in old.values() if op.path == path])
        pointer = ("paths", path)
        if verdict == "parse":
            differ.emit(PATH_SUNSET_PARSE, pointer=pointer, side="old", what=f"path {path}", sunset=sunset)
        elif verdict == "early":
            differ.emit(PATH_REMOVED_BEFORE_SUNSET, pointer=pointer, side="old", path=path, sunset=sunset)
        else:
            rule_id = PATH_REMOVED_DEPRECATED if verdict == "with" else PATH_REMOVED
            differ.emit(rule_id, operation=None, pointer=pointer, side="old", path=path)
    for key, operation in old.items():
        if key not in new and operation.path in new_paths:
            verdict, sunset = _removal(differ, [operation])
            params: dict[str, Any] = {"sunset": sunset} if sunset is not None else {}
            if verdict == "parse":
                rule_id, params["what"] = PATH_SUNSET_PARSE, "operation"
            elif verdict == "early":
                rule_id = OPERATION_REMOVED_BEFORE_SUNSET
            else:
                rule_id = OPERATION_REMOVED_DEPRECATED if verdict == "with" else OPERATION_REMOVED
            differ.emit(rule_id, operation=key, pointer=operation.pointer, side="old", **params)
    for key, operation in new.items():
        if key not in old:
            differ.emit(ENDPOINT_ADDED, operation=key, pointer=operation.pointer)


def _check_deprecation(differ: Differ, old: Operation, new: Operation) -> None:
    op, pointer = new.key, new.pointer
    if _deprecated(old) and not _deprecated(new):
        differ.emit(REACTIVATED, operation=op, pointer=pointer)
        return
    if not _deprecated(new):
        return
    text = _sunset_text(new)
    sunset = parse_sunset(new.node["x-sunset"]) if text is not None else None
    deadline = differ.today + timedelta(days=MIN_SUNSET_DAYS)
    if not _deprecated(old):
        if text is None:
            differ.emit(DEPRECATED, operation=op, pointer=pointer)
        elif sunset is None:
            differ.emit(SUNSET_PARSE, operation=op, pointer=(*pointer, "x-sunset"), sunset=text)
        elif sunset < deadline:
            differ.emit(
                SUNSET_TOO_SMALL, operation=op, pointer=(*pointer, "x-sunset"), sunset=text, days=MIN_SUNSET_DAYS
            )
        else:
            differ.emit(DEPRECATED_WITH_SUNSET, operation=op, pointer=pointer, sunset=sunset.isoformat())
        return
    old_text = _sunset_text(old)
    if old_text is None:
        return
    if text is None:
        differ.emit(SUNSET_DELETED, operation=op, pointer=pointer, sunset=old_text)
        return
    old_sunset = parse_sunset(old.node["x-sunset"])
    if sunset is None:
        if text != old_text:
            differ.emit(SUNSET_PARSE, operation=op, pointer=(*pointer, "x-sunset"), sunset=text)
    elif old_sunset is not None and sunset < old_sunset and sunset < deadline:
        differ.emit(
            SUNSET_CHANGED_TOO_SMALL,
            operation=op,
            pointer=(*pointer, "x-sunset"),
            old=old_sunset.isoformat(),
            new=sunset.isoformat(),
            days=MIN_SUNSET_DAYS,
        )


def check_operation(differ: Differ, old: Operation, new: Operation) -> None:
    """Deprecation and generated names of an operation present in both specs."""
    _check_deprecation(differ, old, new)
    old_id, new_id = old.node.get("operationId"), new.node.get("operationId")
    if old_id != new_id:
        differ.emit(
            OPERATION_ID_CHANGED, operation=new.key, pointer=(*new.pointer, "operationId"), old=old_id, new=new_id
        )
    old_tags, new_tags = old.node.get("tags") or [None], new.node.get("tags") or [None]
    if old_tags[0] != new_tags[0]:
        differ.emit(TAG_CHANGED, operation=new.key, pointer=(*new.pointer, "tags"), old=old_tags[0], new=new_tags[0])
