"""Parameter rules: query, path, header and cookie parameters of an operation (requests only)."""

from __future__ import annotations

from typing import Any

from ..engine import Differ, Operation
from ..registry import RULES, Level, rule
from .schemas import BOUNDS, COMBINERS, compare, report_schema, rule_id, tightened

F = __name__
REQUEST_ONLY = "parameters are part of requests only; what a response carries in headers is the response-header family"


def _rule(rule_id: str, level: Level, message: str, **extra: Any) -> str:
    return rule(rule_id, level, "request", message, family=F, unmirrored=REQUEST_ONLY, **extra)


NEW_REQUIRED = _rule("new-required-request-parameter", "ERR", "{location} parameter {name}: added as required")
NEW_OPTIONAL = _rule("new-optional-request-parameter", "INFO", "{location} parameter {name}: added as optional")
REMOVED = _rule(
    "request-parameter-removed",
    "ERR",
    "{location} parameter {name}: removed",
    oasdiff_level="WARN",
    why="the generated functions lose the keyword argument, so calls that pass it no longer run",
)
REMOVED_DEPRECATED = _rule(
    "request-parameter-removed-with-deprecation", "INFO", "{location} parameter {name}: removed after it was deprecated"
)
DEPRECATED = _rule("request-parameter-deprecated", "INFO", "{location} parameter {name}: deprecated")
REACTIVATED = _rule("request-parameter-reactivated", "INFO", "{location} parameter {name}: no longer deprecated")
BECAME_REQUIRED = _rule("request-parameter-became-required", "ERR", "{location} parameter {name}: became required")
BECAME_OPTIONAL = _rule("request-parameter-became-optional", "INFO", "{location} parameter {name}: became optional")
LOCATION_CHANGED = _rule(
    "request-parameter-location-changed", "ERR", "parameter {name}: moved from the {old} to the {new}"
)
_SCHEMA_RULES = {
    "type-changed": _rule(
        "request-parameter-type-changed", "ERR", "{location} parameter {name}: type changed from {old} to {new}"
    ),
    "type-generalized": _rule(
        "request-parameter-type-generalized", "INFO", "{location} parameter {name}: type widened from {old} to {new}"
    ),
    "type-specialized": _rule(
        "request-parameter-type-specialized", "ERR", "{location} parameter {name}: type narrowed from {old} to {new}"
    ),
    "format-changed": _rule(
        "request-parameter-format-changed", "ERR", "{location} parameter {name}: format changed from {old} to {new}"
    ),
    "became-nullable": _rule(
        "request-parameter-became-nullable", "INFO", "{location} parameter {name}: now accepts null"
    ),
    "became-not-nullable": _rule(
        "request-parameter-became-not-nullable", "ERR", "{location} parameter {name}: no longer accepts null"
    ),
    "enum-value-added": _rule(
        "request-parameter-enum-value-added", "INFO", "{location} parameter {name}: enum value {value!r} added"
    ),
    "enum-value-removed": _rule(
        "request-parameter-enum-value-removed", "ERR", "{location} parameter {name}: enum value {value!r} removed"
    ),
    "became-enum": _rule(
        "request-parameter-became-enum", "ERR", "{location} parameter {name}: now restricted to the values {values}"
    ),
    "enum-removed": _rule(
        "request-parameter-enum-removed",
        "INFO",
        "{location} parameter {name}: no longer restricted to a list of values",
    ),
}
for _bound, _keyword in BOUNDS.items():
    for _change in ("increased", "decreased"):
        _SCHEMA_RULES[f"{_bound}-{_change}"] = _rule(
            f"request-parameter-{_bound}-{_change}",
            "ERR" if tightened(_bound, _change) else "INFO",
            f"{{location}} parameter {{name}}: {_keyword} {_change} from {{old}} to {{new}}",
        )
_SCHEMA_RULES["pattern-added"] = _rule(
    "request-parameter-pattern-added", "ERR", "{location} parameter {name}: pattern {new!r} added"
)
_SCHEMA_RULES["pattern-changed"] = _rule(
    "request-parameter-pattern-changed",
    "ERR",
    "{location} parameter {name}: pattern changed from {old!r} to {new!r}",
    oasdiff_level="WARN",
    why="whether one regular expression accepts all that another did is not decided here, so a changed "
    "pattern is taken to reject values callers send today",
)
_SCHEMA_RULES["pattern-removed"] = _rule(
    "request-parameter-pattern-removed", "INFO", "{location} parameter {name}: pattern {old!r} removed"
)
_SCHEMA_RULES["not-compared"] = _rule(
    "request-parameter-not-compared", "INFO", "{location} parameter {name}: not compared: {reason}"
)
# Changes graded as for a request body, with the parameter named in place of the body.
_LIKE_A_BODY = [
    "const-changed",
    "additional-properties-allowed",
    "additional-properties-disallowed",
    *(f"{name}-{change}" for name in COMBINERS for change in ("added", "removed")),
]
for _kind in _LIKE_A_BODY:
    _body_rule = RULES[rule_id("request", f"body-{_kind}")]
    _SCHEMA_RULES[_kind] = _rule(
        f"request-parameter-{_kind}",
        _body_rule.level,
        _body_rule.message.replace("{where}", "{location} parameter {name}"),
        why=_body_rule.why,
    )
DEFAULT_CHANGED = _rule(
    "request-parameter-default-value-changed",
    "INFO",
    "{location} parameter {name}: default changed from {old} to {new}",
    oasdiff_level="ERR",
    why="no call and no parse breaks: the generated function sends what the caller passes, and a caller that "
    "omits the parameter gets the server's new default, a change of behaviour to read about, as for request "
    "properties",
)


def _required(parameter: dict[str, Any]) -> bool:
    return parameter.get("required") is True or parameter.get("in") == "path"


def check(differ: Differ, old: Operation, new: Operation) -> None:
    op = new.key
    pointer = (*new.pointer, "parameters")
    moved: set[str] = set()
    new_by_name = {name: where for (where, name) in new.parameters}
    for (where, name), (parameter, _) in old.parameters.items():
        if (where, name) in new.parameters:
            continue
        if name in new_by_name and (new_by_name[name], name) not in old.parameters:
            moved.add(name)
            differ.emit(LOCATION_CHANGED, operation=op, pointer=pointer, name=name, old=where, new=new_by_name[name])
            continue
        rule_id = REMOVED_DEPRECATED if parameter.get("deprecated") is True else REMOVED
        differ.emit(rule_id, operation=op, pointer=(*old.pointer, "parameters"), side="old", location=where, name=name)
    for (where, name), (parameter, _) in new.parameters.items():
        if (where, name) in old.parameters or name in moved:
            continue
        differ.emit(
            NEW_REQUIRED if _required(parameter) else NEW_OPTIONAL,
            operation=op,
            pointer=pointer,
            location=where,
            name=name,
        )
    for key in old.parameters.keys() & new.parameters.keys():
        where, name = key
        (was, old_base), (now, new_base) = old.parameters[key], new.parameters[key]
        facts: dict[str, Any] = {"operation": op, "pointer": pointer, "location": where, "name": name}
        if _required(now) and not _required(was):
            differ.emit(BECAME_REQUIRED, **facts)
        elif _required(was) and not _required(now):
            differ.emit(BECAME_OPTIONAL, **facts)
        if now.get("deprecated") is True and was.get("deprecated") is not True:
            differ.emit(DEPRECATED, **facts)
        elif was.get("deprecated") is True and now.get("deprecated") is not True:
            differ.emit(REACTIVATED, **facts)
        old_schema, new_schema = was.get("schema") or {}, now.get("schema") or {}
        old_default = differ.deref("old", old_schema, old_base)[0].get("default") if old_schema else None
        new_default = differ.deref("new", new_schema, new_base)[0].get("default") if new_schema else None
        if old_default != new_default and old_default is not None and new_default is not None:
            differ.emit(DEFAULT_CHANGED, old=old_default, new=new_default, **facts)
        deltas = compare(differ, (old_schema, old_base), (new_schema, new_base), "request")
        for delta in deltas:
            if not delta.path and delta.kind in _SCHEMA_RULES:
                differ.emit(_SCHEMA_RULES[delta.kind], **facts, **dict(delta.params))
        # An object-valued parameter (style deepObject): changes inside it are request property changes.
        inside = [delta for delta in deltas if delta.path]
        report_schema(
            differ, inside, direction="request", subject=f"{where} parameter {name}", operation=op, pointer=pointer
        )
