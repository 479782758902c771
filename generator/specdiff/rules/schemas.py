"""Schema rules: request and response bodies compared recursively through ``$ref``s.

The comparator works on *facts* distilled from a schema (types without null,
nullability from any of the 3.0/3.1 spellings, format, enum values, object
properties, required names, array items, deprecation), so that
``nullable: true``, ``type: [string, "null"]`` and ``anyOf: [X, {type: null}]``
compare equal.  Reference pairs already being compared are skipped (cycles),
and the result for a pair of referenced schemas is computed once per direction
and reused by every operation that uses it (unless it met a cycle: then it depends
on where the comparison entered the cycle and is reused only within that one).
"""

from __future__ import annotations

import dataclasses
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..engine import Differ, Side
from ..loader import Node
from ..registry import Direction, Level, rule

F = __name__

# ----------------------------------------------------------------------------------------------------------------------
# The rules.  Request and response versions of one change are declared together so that they mirror each other.

OPEN_ENUMS = "the generated client's enums are open: an unknown value parses and round-trips, so nothing breaks"


def _pair(
    kind: str,
    request: tuple[str, Level] | None,
    response: tuple[str, Level] | None,
    message: str,
    *,
    oasdiff: tuple[Level | None, Level | None] = (None, None),
    why: tuple[str | None, str | None] = (None, None),
    unmirrored: str | None = None,
) -> None:
    if request:
        rule(
            request[0],
            request[1],
            "request",
            message,
            family=F,
            mirror=response[0] if response else None,
            unmirrored=unmirrored if not response else None,
            oasdiff_level=oasdiff[0],
            why=why[0],
        )
        _RULE_IDS[("request", kind)] = request[0]
    if response:
        rule(
            response[0],
            response[1],
            "response",
            message,
            family=F,
            mirror=request[0] if request else None,
            unmirrored=unmirrored if not request else None,
            oasdiff_level=oasdiff[1],
            why=why[1],
        )
        _RULE_IDS[("response", kind)] = response[0]


_RULE_IDS: dict[tuple[str, str], str] = {}

for _where in ("body", "property"):
    _pair(
        f"{_where}-type-changed",
        (f"request-{_where}-type-changed", "ERR"),
        (f"response-{_where}-type-changed", "ERR"),
        "{where}: type changed from {old} to {new}",
    )
    _pair(
        f"{_where}-type-generalized",
        (f"request-{_where}-type-generalized", "INFO"),
        (f"response-{_where}-type-generalized", "ERR"),
        "{where}: type widened from {old} to {new}",
    )
    _pair(
        f"{_where}-type-specialized",
        (f"request-{_where}-type-specialized", "ERR"),
        (f"response-{_where}-type-specialized", "INFO"),
        "{where}: type narrowed from {old} to {new}",
    )
    _pair(
        f"{_where}-format-changed",
        (f"request-{_where}-format-changed", "ERR"),
        (f"response-{_where}-format-changed", "WARN"),
        "{where}: format changed from {old} to {new}",
        why=(
            None,
            "the generated client keeps a value that does not parse in the new format as given, so reading it "
            "does not fail, but the Python type of the field may change",
        ),
    )
    _pair(
        f"{_where}-became-nullable",
        (f"request-{_where}-became-nullable", "INFO"),
        (f"response-{_where}-became-nullable", "ERR"),
        "{where}: now accepts null",
    )
    _pair(
        f"{_where}-became-not-nullable",
        (f"request-{_where}-became-not-nullable", "ERR"),
        (f"response-{_where}-became-not-nullable", "INFO"),
        "{where}: no longer accepts null",
    )
    _pair(
        f"{_where}-enum-value-added",
        (f"request-{_where}-enum-value-added", "INFO"),
        (f"response-{_where}-enum-value-added", "INFO"),
        "{where}: enum value {value!r} added",
        oasdiff=(None, "WARN"),
        why=(None, OPEN_ENUMS),
    )
    _pair(
        f"{_where}-enum-value-removed",
        (f"request-{_where}-enum-value-removed", "ERR"),
        (f"response-{_where}-enum-value-removed", "INFO"),
        "{where}: enum value {value!r} removed",
    )
    _pair(
        f"{_where}-became-enum",
        (f"request-{_where}-became-enum", "ERR"),
        (f"response-{_where}-became-enum", "INFO"),
        "{where}: now restricted to the values {values}",
    )
    _pair(
        f"{_where}-enum-removed",
        (f"request-{_where}-enum-removed", "INFO"),
        (f"response-{_where}-enum-removed", "WARN"),
        "{where}: no longer restricted to a list of values",
        why=(
            None,
            "the field's generated enum class gives way to a plain string: values still compare equal to the same "
            "strings, but code that uses the enum's members or is_known breaks",
        ),
    )

_pair(
    "property-added-required",
    ("new-required-request-property", "ERR"),
    ("response-required-property-added", "INFO"),
    "{where}: required property added",
)
_pair(
    "property-added-optional",
    ("new-optional-request-property", "INFO"),
    ("response-optional-property-added", "INFO"),
    "{where}: optional property added",
)
_pair(
    "property-removed",
    ("request-property-removed", "ERR"),
    ("response-optional-property-removed", "WARN"),
    "{where}: property removed",
    oasdiff=("WARN", None),
    why=("the generated request model loses the field, so code that sets it no longer runs", None),
)
rule(
    "response-required-property-removed",
    "ERR",
    "response",
    "{where}: required property removed",
    family=F,
    mirror="request-property-removed",
)
_RULE_IDS[("response", "property-removed-required")] = "response-required-property-removed"
_pair(
    "property-removed-with-deprecation",
    ("request-property-removed-with-deprecation", "INFO"),
    ("response-property-removed-with-deprecation", "INFO"),
    "{where}: property removed after it was deprecated",
)
_pair(
    "property-became-required",
    ("request-property-became-required", "ERR"),
    ("response-property-became-required", "INFO"),
    "{where}: became required",
)
_pair(
    "property-became-optional",
    ("request-property-became-optional", "INFO"),
    ("response-property-became-optional", "ERR"),
    "{where}: became optional",
)
_pair(
    "property-deprecated",
    ("request-property-deprecated", "INFO"),
    ("response-property-deprecated", "INFO"),
    "{where}: deprecated",
)
_pair(
    "property-reactivated",
    ("request-property-reactivated", "INFO"),
    ("response-property-reactivated", "INFO"),
    "{where}: no longer deprecated",
)


def rule_id(direction: Direction, kind: str) -> str:
    return _RULE_IDS[(direction, kind)]


# ----------------------------------------------------------------------------------------------------------------------
# Facts about one schema.


@dataclass
class Facts:
    types: frozenset[str] = frozenset()
    nullable: bool = False
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    properties: dict[str, tuple[Node, str]] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: tuple[Node, str] | None = None
    deprecated: bool = False
    key: str | None = None


def _is_null_schema(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    kind = node.get("type")
    return kind == "null" or kind == ["null"] or node.get("enum") == [None] or node.get("const", 0) is None


def facts(differ: Differ, side: Side, node: Node, base: str) -> Facts:
    """Distil ``node`` (after following references) into ``Facts``; computed once per node and side."""
    cache_key = (side, id(node), base)
    entry = differ.facts_cache.get(cache_key)
    if entry is None:
        # The node is kept with its facts so that its id() cannot be reused by another object meanwhile.
        entry = differ.facts_cache[cache_key] = (node, _facts(differ, side, node, base))
    result: Facts = entry[1]
    return result


def _facts(differ: Differ, side: Side, node: Node, base: str) -> Facts:
    schema, base, key = differ.deref(side, node, base)
    result = Facts(key=key)
    if not isinstance(schema, dict):
        return result
    result.deprecated = schema.get("deprecated") is True
    result.nullable = schema.get("nullable") is True
    raw_type = schema.get("type")
    type_names = [raw_type] if isinstance(raw_type, str) else list(raw_type or [])
    result.nullable = result.nullable or "null" in type_names
    types = {t for t in type_names if t != "null"}
    enum = schema.get("enum")
    if "const" in schema:
        enum = [schema["const"]]
    if isinstance(enum, list):
        result.nullable = result.nullable or None in enum
        values = tuple(v for v in enum if v is not None)
        result.enum = values or None
    result.format = schema.get("format")
    properties = {name: (sub, base) for name, sub in (schema.get("properties") or {}).items()}
    required = set(schema.get("required") or [])
    parts = schema.get("allOf") or []
    if len(parts) == 1 and not types and not properties and not schema.get("anyOf") and not schema.get("oneOf"):
        return _wrapped(facts(differ, side, parts[0], base), result, key)  # 3.0's nullable $ref: allOf: [X]
    for part in parts:
        inner = facts(differ, side, part, base)
        types |= inner.types
        properties.update(inner.properties)
        required |= inner.required
    if parts and key is None:
        # A merged inline schema has no reference key of its own: name it by identity, so that a cycle through
        # it (``parent: {allOf: [{$ref: Node}, ...]}`` inside ``Node``) is cut like a cycle through a reference.
        result.key = f"{base}#@{id(schema)}"
    for combiner in ("anyOf", "oneOf"):
        branches = schema.get(combiner) or []
        non_null = [b for b in branches if not _is_null_schema(b)]
        if len(non_null) < len(branches):
            result.nullable = True
        if len(non_null) == 1 and not types and not properties:
            return _wrapped(facts(differ, side, non_null[0], base), result, key)
        for branch in non_null:
            types |= facts(differ, side, branch, base).types
    if not types and properties:
        types = {"object"}
    if "items" in schema and isinstance(schema["items"], dict):
        result.items = (schema["items"], base)
        types = types or {"array"}
    result.types = frozenset(types)
    result.properties = properties
    result.required = frozenset(required)
    return result


def _wrapped(inner: Facts, wrapper: Facts, key: str | None) -> Facts:
    """Facts of a schema that only wraps ``inner`` (``allOf: [X]``, ``anyOf: [X, null]``), adding null or deprecation.

    The result keeps ``inner``'s reference key: nullability is compared outside the per-reference cache.
    """
    return dataclasses.replace(
        inner,
        nullable=inner.nullable or wrapper.nullable,
        deprecated=inner.deprecated or wrapper.deprecated,
        key=inner.key or key,
    )


# ----------------------------------------------------------------------------------------------------------------------
# Comparison: produces path-relative deltas, turned into changes by ``report_schema``.


@dataclass(frozen=True)
class Delta:
    kind: str  # without the body/property prefix
    path: str  # "" for the body itself
    params: tuple[tuple[str, Any], ...] = ()


def _describe(types: frozenset[str], fmt: str | None = None) -> str:
    text = "/".join(sorted(types)) if types else "any"
    return f"{text} ({fmt})" if fmt else text


def _type_kind(old: frozenset[str], new: frozenset[str]) -> str | None:
    """Classify a type change; ``number`` accepts every ``integer`` and no type at all accepts anything."""
    if old == new:
        return None
    if not new:
        return "type-generalized"
    if not old:
        return "type-specialized"

    def accepted(types: frozenset[str]) -> frozenset[str]:
        return types | {"integer"} if "number" in types else types

    if accepted(old) < accepted(new):
        return "type-generalized"
    if accepted(new) < accepted(old):
        return "type-specialized"
    return "type-changed"


def compare(
    differ: Differ, old: tuple[Node, str], new: tuple[Node, str], direction: str, path: str = ""
) -> list[Delta]:
    """Every difference between two schemas, with property paths relative to ``path``.

    The walk is breadth-first and expands each pair of referenced schemas once, so a change inside a
    component is reported once per body, at the shortest property path that reaches it, and a cycle ends
    where it closes.  (Reporting it at every path would grow exponentially with shared references.)
    A body whose schema is a reference is walked once per direction and reused by every operation.
    """
    o = facts(differ, "old", *old)
    n = facts(differ, "new", *new)
    if o.key is None or n.key is None:
        return [_rebase(delta, path) for delta in _walk(differ, o, n, direction, nullability=True)]
    # Nullability may come from a wrapper around the reference (anyOf: [X, null]), so it is not cached with X.
    outer = _nullability(o, n, path)
    cache_key = (o.key, n.key, direction)
    relative = differ.schema_cache.get(cache_key)
    if relative is None:
        relative = differ.schema_cache[cache_key] = _walk(differ, o, n, direction, nullability=False)
    return outer + [_rebase(delta, path) for delta in relative]


Pair = tuple[str, str]
_Step = tuple[Facts, Facts, str, bool]


def _nullability(o: Facts, n: Facts, path: str) -> list[Delta]:
    if n.nullable and not o.nullable:
        return [Delta("became-nullable", path)]
    if o.nullable and not n.nullable:
        return [Delta("became-not-nullable", path)]
    return []


def _walk(differ: Differ, o: Facts, n: Facts, direction: str, *, nullability: bool) -> list[Delta]:
    seen: set[Pair] = set()
    if o.key is not None and n.key is not None:
        seen.add((o.key, n.key))
    queue: deque[_Step] = deque([(o, n, "", nullability)])
    deltas: list[Delta] = []
    while queue:
        step_o, step_n, path, with_null = queue.popleft()
        local, children = _local(differ, step_o, step_n, direction)
        if with_null:
            deltas += _nullability(step_o, step_n, path)
        deltas += [_rebase(delta, path) for delta in local]
        for child_o, child_n, name in children:
            child_path = _child(path, name)
            if child_o.key is None or child_n.key is None:
                queue.append((child_o, child_n, child_path, True))
                continue
            deltas += _nullability(child_o, child_n, child_path)
            pair = (child_o.key, child_n.key)
            if pair not in seen:
                seen.add(pair)
                queue.append((child_o, child_n, child_path, False))
    return deltas


def _local(differ: Differ, o: Facts, n: Facts, direction: str) -> tuple[list[Delta], list[tuple[Facts, Facts, str]]]:
    """The pair's own changes (paths relative to it) and its sub-schema pairs, computed once per differ.

    Facts objects live in the differ's facts cache for the whole diff, so their ids are stable keys.
    """
    key = (id(o), id(n), direction)
    found = differ.local_cache.get(key)
    if found is None:
        found = differ.local_cache[key] = (_compare_facts(differ, o, n, direction, "", False), _children(differ, o, n))
    return found


def _children(differ: Differ, o: Facts, n: Facts) -> list[tuple[Facts, Facts, str]]:
    """Sub-schemas present on both sides: common properties, then array items."""
    found = [
        (facts(differ, "old", *o.properties[name]), facts(differ, "new", *n.properties[name]), name)
        for name in o.properties
        if name in n.properties
    ]
    if o.items is not None and n.items is not None:
        found.append((facts(differ, "old", *o.items), facts(differ, "new", *n.items), "[]"))
    return found


def _rebase(delta: Delta, prefix: str) -> Delta:
    if not prefix:
        return delta
    if not delta.path:
        joined = prefix
    elif delta.path.startswith("["):
        joined = f"{prefix}{delta.path}"
    else:
        joined = f"{prefix}.{delta.path}"
    return Delta(delta.kind, joined, delta.params)


def _child(path: str, name: str) -> str:
    if name == "[]":
        return f"{path}[]"
    return f"{path}.{name}" if path else name


def _compare_facts(differ: Differ, o: Facts, n: Facts, direction: str, path: str, nullability: bool) -> list[Delta]:
    """The changes of one schema itself and of its property list (sub-schemas are walked by the caller)."""
    deltas: list[Delta] = []
    type_kind = _type_kind(o.types, n.types)
    if type_kind:
        deltas.append(
            Delta(type_kind, path, (("old", _describe(o.types, o.format)), ("new", _describe(n.types, n.format))))
        )
    elif o.format != n.format:
        deltas.append(Delta("format-changed", path, (("old", o.format or "none"), ("new", n.format or "none"))))
    if nullability:
        deltas += _nullability(o, n, path)
    if o.enum is None and n.enum is not None and not type_kind:
        deltas.append(Delta("became-enum", path, (("values", tuple(_enum_text(v) for v in n.enum)),)))
    elif o.enum is not None and n.enum is None and not type_kind:
        deltas.append(Delta("enum-removed", path))
    elif o.enum is not None and n.enum is not None:
        old_values = {_enum_key(v): v for v in o.enum}
        new_values = {_enum_key(v): v for v in n.enum}
        deltas += [
            Delta("enum-value-added", path, (("value", v),)) for k, v in new_values.items() if k not in old_values
        ]
        deltas += [
            Delta("enum-value-removed", path, (("value", v),)) for k, v in old_values.items() if k not in new_values
        ]
    for name, (node, base) in o.properties.items():
        child = _child(path, name)
        if name not in n.properties:
            if facts(differ, "old", node, base).deprecated:
                deltas.append(Delta("property-removed-with-deprecation", child))
            elif direction == "response" and name in o.required:
                deltas.append(Delta("property-removed-required", child))
            else:
                deltas.append(Delta("property-removed", child))
            continue
        if name in n.required and name not in o.required:
            deltas.append(Delta("property-became-required", child))
        elif name in o.required and name not in n.required:
            deltas.append(Delta("property-became-optional", child))
        was, now = facts(differ, "old", node, base).deprecated, facts(differ, "new", *n.properties[name]).deprecated
        if now and not was:
            deltas.append(Delta("property-deprecated", child))
        elif was and not now:
            deltas.append(Delta("property-reactivated", child))
    for name in n.properties:
        if name not in o.properties:
            kind = "property-added-required" if name in n.required else "property-added-optional"
            deltas.append(Delta(kind, _child(path, name)))
    return deltas


def _enum_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _enum_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def report_schema(
    differ: Differ,
    deltas: list[Delta],
    *,
    direction: Direction,
    subject: str,
    operation: str,
    pointer: tuple[str, ...],
) -> None:
    """Emit the deltas of one body (``subject`` is e.g. ``request body`` or ``response 200 body``)."""
    for delta in deltas:
        where_kind = "property" if delta.path else "body"
        kind = delta.kind if delta.kind.startswith("property-") else f"{where_kind}-{delta.kind}"
        where = f"{subject} property {delta.path}" if delta.path else subject
        side: Side = "old" if "removed" in kind else "new"
        differ.emit(
            rule_id(direction, kind), operation=operation, pointer=pointer, side=side, where=where, **dict(delta.params)
        )


def compare_content(
    differ: Differ,
    old: tuple[dict[str, Any], str],
    new: tuple[dict[str, Any], str],
    *,
    direction: Direction,
    subject: str,
    operation: str,
    pointer: tuple[str, ...],
    media_rules: tuple[str, str],
    **params: Any,
) -> None:
    """Compare two ``content`` maps (request body or one response): media types added or removed
    (``media_rules`` = the added and removed rule ids), and the schema of every media type on both sides."""
    (old_content, old_base), (new_content, new_base) = old, new
    added, removed = media_rules
    for media_type in old_content:
        if media_type not in new_content:
            differ.emit(removed, operation=operation, pointer=pointer, side="old", media_type=media_type, **params)
    for media_type in new_content:
        if media_type not in old_content:
            differ.emit(added, operation=operation, pointer=pointer, media_type=media_type, **params)
            continue
        old_schema = (old_content[media_type] or {}).get("schema") or {}
        new_schema = (new_content[media_type] or {}).get("schema") or {}
        deltas = compare(differ, (old_schema, old_base), (new_schema, new_base), direction)
        report_schema(
            differ,
            deltas,
            direction=direction,
            subject=subject if len(new_content) == 1 else f"{subject} ({media_type})",
            operation=operation,
            pointer=(*pointer, "content", media_type, "schema"),
        )
