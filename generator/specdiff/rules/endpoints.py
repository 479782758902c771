"""Endpoint rules: paths and operations added, removed or deprecated, and the names the client is generated from."""

from __future__ import annotations

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


def _deprecated(operation: Operation) -> bool:
    return operation.node.get("deprecated") is True


def check_presence(differ: Differ, old: dict[str, Operation], new: dict[str, Operation]) -> None:
    """Operations and paths that appear or disappear."""
    old_paths = {op.path for op in old.values()}
    new_paths = {op.path for op in new.values()}
    for path in sorted(old_paths - new_paths):
        ops = [op for op in old.values() if op.path == path]
        deprecated = all(_deprecated(op) for op in ops)
        differ.emit(
            PATH_REMOVED_DEPRECATED if deprecated else PATH_REMOVED,
            operation=None,
            pointer=("paths", path),
            side="old",
            path=path,
        )
    for key, operation in old.items():
        if key not in new and operation.path in new_paths:
            differ.emit(
                OPERATION_REMOVED_DEPRECATED if _deprecated(operation) else OPERATION_REMOVED,
                operation=key,
                pointer=operation.pointer,
                side="old",
            )
    for key, operation in new.items():
        if key not in old:
            differ.emit(ENDPOINT_ADDED, operation=key, pointer=operation.pointer)


def check_operation(differ: Differ, old: Operation, new: Operation) -> None:
    """Deprecation and generated names of an operation present in both specs."""
    if _deprecated(new) and not _deprecated(old):
        differ.emit(DEPRECATED, operation=new.key, pointer=new.pointer)
    elif _deprecated(old) and not _deprecated(new):
        differ.emit(REACTIVATED, operation=new.key, pointer=new.pointer)
    old_id, new_id = old.node.get("operationId"), new.node.get("operationId")
    if old_id != new_id:
        differ.emit(
            OPERATION_ID_CHANGED, operation=new.key, pointer=(*new.pointer, "operationId"), old=old_id, new=new_id
        )
    old_tags, new_tags = old.node.get("tags") or [None], new.node.get("tags") or [None]
    if old_tags[0] != new_tags[0]:
        differ.emit(TAG_CHANGED, operation=new.key, pointer=(*new.pointer, "tags"), old=old_tags[0], new=new_tags[0])
