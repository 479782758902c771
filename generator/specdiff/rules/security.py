"""Security rules: requirements on the whole API and on operations, and the schemes they name."""

from __future__ import annotations

from typing import Any

from ..engine import Differ, Operation
from ..registry import rule

F = __name__

GLOBAL_ADDED = rule(
    "api-global-security-added", "INFO", "none", "API-wide security requirement {scheme} added", family=F
)
GLOBAL_REMOVED = rule(
    "api-global-security-removed", "INFO", "none", "API-wide security requirement {scheme} removed", family=F
)
ADDED = rule("api-security-added", "INFO", "none", "security requirement {scheme} added", family=F)
REMOVED = rule("api-security-removed", "INFO", "none", "security requirement {scheme} removed", family=F)
SCOPE_ADDED = rule("api-security-scope-added", "INFO", "none", "scope {scope} of {scheme} added", family=F)
SCOPE_REMOVED = rule("api-security-scope-removed", "INFO", "none", "scope {scope} of {scheme} removed", family=F)
COMPONENT_ADDED = rule("api-security-component-added", "INFO", "none", "security scheme {scheme} added", family=F)
COMPONENT_REMOVED = rule("api-security-component-removed", "INFO", "none", "security scheme {scheme} removed", family=F)
COMPONENT_TYPE_CHANGED = rule(
    "api-security-component-type-changed",
    "ERR",
    "none",
    "security scheme {scheme} changed from {old} to {new}",
    family=F,
    oasdiff_level="INFO",
    why="the generated client sends the credential the way the scheme says (header, prefix), so a client built "
    "for the old scheme authenticates wrongly",
)


def _requirements(raw: Any) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for requirement in raw or []:
        for scheme, scopes in (requirement or {}).items():
            found.setdefault(str(scheme), set()).update(str(s) for s in scopes or [])
    return found


def _compare(differ: Differ, was: Any, now: Any, *, operation: str | None, pointer: tuple[str, ...], top: bool) -> None:
    old, new = _requirements(was), _requirements(now)
    added, removed = (GLOBAL_ADDED, GLOBAL_REMOVED) if top else (ADDED, REMOVED)
    for scheme in sorted(old.keys() - new.keys()):
        differ.emit(removed, operation=operation, pointer=pointer, side="old", scheme=scheme)
    for scheme in sorted(new.keys() - old.keys()):
        differ.emit(added, operation=operation, pointer=pointer, scheme=scheme)
    for scheme in sorted(old.keys() & new.keys()):
        for scope in sorted(new[scheme] - old[scheme]):
            differ.emit(SCOPE_ADDED, operation=operation, pointer=pointer, scheme=scheme, scope=scope)
        for scope in sorted(old[scheme] - new[scheme]):
            differ.emit(SCOPE_REMOVED, operation=operation, pointer=pointer, side="old", scheme=scheme, scope=scope)


def _kind(scheme: Any) -> str:
    if not isinstance(scheme, dict):
        return "unknown"
    kind = str(scheme.get("type", "unknown"))
    if kind == "http":
        return f"http {str(scheme.get('scheme', '')).lower()}"
    if kind == "apiKey":
        return f"apiKey in {scheme.get('in')} {scheme.get('name')}"
    return kind


def check_api(differ: Differ) -> None:
    old, new = differ.old.document, differ.new.document
    _compare(differ, old.get("security"), new.get("security"), operation=None, pointer=("security",), top=True)
    was = (old.get("components") or {}).get("securitySchemes") or {}
    now = (new.get("components") or {}).get("securitySchemes") or {}
    pointer = ("components", "securitySchemes")
    for name in was:
        if name not in now:
            differ.emit(COMPONENT_REMOVED, pointer=(*pointer, name), side="old", scheme=name)
    for name in now:
        if name not in was:
            differ.emit(COMPONENT_ADDED, pointer=(*pointer, name), scheme=name)
            continue
        old_kind = _kind(differ.deref("old", was[name])[0])
        new_kind = _kind(differ.deref("new", now[name])[0])
        if old_kind != new_kind:
            differ.emit(COMPONENT_TYPE_CHANGED, pointer=(*pointer, name), scheme=name, old=old_kind, new=new_kind)


def check(differ: Differ, old: Operation, new: Operation) -> None:
    """Operation-level requirements (an operation without ``security`` inherits the API's)."""
    if "security" not in old.node and "security" not in new.node:
        return
    was = old.node.get("security", differ.old.document.get("security"))
    now = new.node.get("security", differ.new.document.get("security"))
    _compare(differ, was, now, operation=new.key, pointer=(*new.pointer, "security"), top=False)
