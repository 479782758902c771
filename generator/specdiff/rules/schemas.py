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
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..engine import Differ, Side
from ..loader import Node
from ..registry import RULES, Direction, Level, rule

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

# Bounds: a tightened request bound rejects calls that were valid; a loosened response bound lets through values
# the client did not expect, which the generated models (they never check bounds) still parse.
BOUNDS: dict[str, str] = {
    "max": "maximum",
    "exclusive-max": "exclusiveMaximum",
    "min": "minimum",
    "exclusive-min": "exclusiveMinimum",
    "max-length": "maxLength",
    "min-length": "minLength",
    "max-items": "maxItems",
    "min-items": "minItems",
}
LOOSER_RESPONSE = (
    "the generated models do not check bounds, so a value outside the old bound still parses; "
    "but callers may rely on the documented range"
)


UNCHECKED_PATTERN = (
    "the generated models do not check patterns: a value outside the old pattern parses as the same Python type"
)


def tightened(bound: str, change: str) -> bool:
    """Whether ``<bound>-<change>`` (change: increased or decreased) narrows the accepted values."""
    return bound.startswith(("max", "exclusive-max")) == (change == "decreased")


def bound_message(bound: str, change: str) -> str:
    return f"{{where}}: {BOUNDS[bound]} {change} from {{old}} to {{new}}"


for _where in ("body", "property"):
    for _bound in BOUNDS:
        for _change in ("increased", "decreased"):
            _tight = tightened(_bound, _change)
            _pair(
                f"{_where}-{_bound}-{_change}",
                (f"request-{_where}-{_bound}-{_change}", "ERR" if _tight else "INFO"),
                (f"response-{_where}-{_bound}-{_change}", "INFO" if _tight else "WARN"),
                bound_message(_bound, _change),
                oasdiff=(None, None if _tight else "ERR"),
                why=(None, None if _tight else LOOSER_RESPONSE),
            )
    _pair(
        f"{_where}-pattern-added",
        (f"request-{_where}-pattern-added", "ERR"),
        (f"response-{_where}-pattern-added", "INFO"),
        "{where}: pattern {new!r} added",
        why=(None, UNCHECKED_PATTERN),
    )
    _pair(
        f"{_where}-pattern-changed",
        (f"request-{_where}-pattern-changed", "ERR"),
        (f"response-{_where}-pattern-changed", "INFO"),
        "{where}: pattern changed from {old!r} to {new!r}",
        oasdiff=("WARN", None),
        why=(
            "whether one regular expression accepts all that another did is not decided here, so a changed "
            "pattern is taken to reject values callers send today",
            UNCHECKED_PATTERN,
        ),
    )
    _pair(
        f"{_where}-pattern-removed",
        (f"request-{_where}-pattern-removed", "INFO"),
        (f"response-{_where}-pattern-removed", "INFO"),
        "{where}: pattern {old!r} removed",
        why=(None, UNCHECKED_PATTERN),
    )
    _pair(
        f"{_where}-default-value-changed",
        (f"request-{_where}-default-value-changed", "INFO"),
        (f"response-{_where}-default-value-changed", "INFO"),
        "{where}: default changed from {old!r} to {new!r}",
    )
    _pair(
        f"{_where}-const-changed",
        (f"request-{_where}-const-changed", "ERR"),
        (f"response-{_where}-const-changed", "ERR"),
        "{where}: constant value changed from {old!r} to {new!r}",
    )
    _pair(
        f"{_where}-not-compared",
        (f"request-{_where}-not-compared", "INFO"),
        (f"response-{_where}-not-compared", "INFO"),
        "{where}: not compared: {reason}",
    )

UNION_PARSE = (
    "the generated client parses a union by trying its known branches in turn; a value of the new branch that "
    "fits none of them fails to parse"
)
MERGED_ALL_OF = (
    "the generated client merges allOf parts into one model: what a part adds or takes away (properties, required "
    "names, types) is reported by the property and type rules, at their own levels"
)
COMBINERS = {"one-of": "oneOf", "any-of": "anyOf", "all-of": "allOf"}
for _where in ("body", "property"):
    for _name, _keyword in COMBINERS.items():
        _all_of = _name == "all-of"
        _pair(
            f"{_where}-{_name}-added",
            (f"request-{_where}-{_name}-added", "INFO"),
            (f"response-{_where}-{_name}-added", "INFO" if _all_of else "ERR"),
            f"{{where}}: {_keyword} branch {{branch}} added",
            oasdiff=("ERR" if _all_of else None, "INFO" if _name == "any-of" else None),
            why=(MERGED_ALL_OF if _all_of else None, MERGED_ALL_OF if _all_of else UNION_PARSE),
        )
        _pair(
            f"{_where}-{_name}-removed",
            (f"request-{_where}-{_name}-removed", "INFO" if _all_of else "ERR"),
            (f"response-{_where}-{_name}-removed", "INFO"),
            f"{{where}}: {_keyword} branch {{branch}} removed",
            oasdiff=("WARN" if _all_of else None, None),
            why=(MERGED_ALL_OF if _all_of else None, None),
        )
    _pair(
        f"{_where}-additional-properties-disallowed",
        (f"request-{_where}-additional-properties-disallowed", "ERR"),
        (f"response-{_where}-additional-properties-disallowed", "WARN"),
        "{where}: additional properties no longer allowed",
        why=(
            "calls that send extra keys are now rejected, and the generated model loses its additional_properties",
            "parsing still works (extra keys were never required), but the generated model loses its "
            "additional_properties mapping, so code that reads it breaks",
        ),
    )
    _pair(
        f"{_where}-additional-properties-allowed",
        (f"request-{_where}-additional-properties-allowed", "INFO"),
        (f"response-{_where}-additional-properties-allowed", "INFO"),
        "{where}: additional properties now allowed",
    )

IGNORES_ACCESS = "openapi-python-client ignores readOnly and writeOnly: the generated model keeps the field as it was"
REQUIRED_NOT_SENT = (
    "a required property that the server no longer sends is still required by the generated model (it ignores "
    "writeOnly), so parsing the response fails"
)
SENT_READ_ONLY = (
    "the generated client ignores readOnly and still sends the field when it is set: the server now ignores "
    "what callers send there, or rejects it"
)
_ACCESS_CHANGES = {
    "became-read-only": "became read-only",
    "became-not-read-only": "no longer read-only",
    "became-write-only": "became write-only",
    "became-not-write-only": "no longer write-only",
}
for _required in ("required", "optional"):
    for _change, _text in _ACCESS_CHANGES.items():
        _breaks = _required == "required" and _change == "became-write-only"
        _oasdiff_warns = _required == "required" and _change == "became-not-write-only"
        _ignored = _change == "became-read-only"
        _pair(
            f"property-{_change}-{_required}",
            (f"request-{_required}-property-{_change}", "WARN" if _ignored else "INFO"),
            (f"response-{_required}-property-{_change}", "ERR" if _breaks else "INFO"),
            f"{{where}}: {_text}",
            oasdiff=("INFO" if _ignored else None, "INFO" if _breaks else "WARN" if _oasdiff_warns else None),
            why=(SENT_READ_ONLY if _ignored else IGNORES_ACCESS, REQUIRED_NOT_SENT if _breaks else IGNORES_ACCESS),
        )

_pair(
    "unread-media-type-changed",
    ("request-body-unread-media-type-changed", "INFO"),
    ("response-body-unread-media-type-changed", "INFO"),
    "{where} ({media_type}): {change} (at most INFO: the generated client does not read {media_type})",
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
    bounds: dict[str, Any] = field(default_factory=dict)
    pattern: str | None = None
    default: tuple[Any] | None = None  # a 1-tuple when the schema has a default, so that a null default counts
    const: tuple[Any] | None = None
    additional: tuple[Node, str] | None = None  # the schema under additionalProperties, when it is one
    closed: bool = False  # additionalProperties: false
    read_only: bool = False
    write_only: bool = False
    branches: dict[str, tuple[str, ...]] = field(default_factory=dict)  # oneOf/anyOf/allOf branch labels


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
    result.bounds = _bounds(schema)
    result.pattern = schema.get("pattern")
    result.default = (schema["default"],) if "default" in schema else None
    result.const = (schema["const"],) if "const" in schema else None
    if isinstance(schema.get("additionalProperties"), dict):
        result.additional = (schema["additionalProperties"], base)
    result.closed = schema.get("additionalProperties") is False
    result.read_only = schema.get("readOnly") is True
    result.write_only = schema.get("writeOnly") is True
    result.branches = _branches(differ, side, schema, base)
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
    if not types and result.enum:
        types = _value_types(result.enum)  # ``const: sync`` with no type is a string
    if not types and properties:
        types = {"object"}
    if "items" in schema and isinstance(schema["items"], dict):
        result.items = (schema["items"], base)
        types = types or {"array"}
    result.types = frozenset(types)
    result.properties = properties
    result.required = frozenset(required)
    return result


def _branches(differ: Differ, side: Side, schema: dict[str, Any], base: str) -> dict[str, tuple[str, ...]]:
    """The non-null branches of each combiner, labelled by their reference name or else by their type.

    A combiner with one non-null branch is no union (``anyOf: [X, null]`` is a nullable X) and is left out.
    """
    found: dict[str, tuple[str, ...]] = {}
    for name, keyword in COMBINERS.items():
        branches = [b for b in schema.get(keyword) or [] if not _is_null_schema(b)]
        if len(branches) > 1:
            found[name] = tuple(sorted(_label(differ, side, b, base) for b in branches))
    return found


def _label(differ: Differ, side: Side, node: Any, base: str) -> str:
    return _own_label(facts(differ, side, node, base))


def _own_label(found: Facts) -> str:
    """A schema's name as a union branch: its reference name, or else its type."""
    if found.key is not None and "#@" not in found.key:
        return found.key.rsplit("/", 1)[-1]
    return _describe(found.types, found.format)


def _value_types(values: tuple[Any, ...]) -> set[str]:
    """The JSON types of enum or const values (integers count as numbers when the values mix them)."""
    names = {"boolean" if isinstance(v, bool) else _JSON_TYPES.get(type(v), "") for v in values}
    if "integer" in names and "number" in names:
        names.discard("integer")
    return set() if "" in names else names


_JSON_TYPES = {str: "string", int: "integer", float: "number", dict: "object", list: "array"}


def _bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema's bounds by rule name; OpenAPI 3.0's ``exclusiveMaximum: true`` turns ``maximum`` exclusive."""
    found = {name: schema[keyword] for name, keyword in BOUNDS.items() if keyword in schema}
    for name, plain in (("exclusive-max", "max"), ("exclusive-min", "min")):
        flag = found.get(name)
        if isinstance(flag, bool):
            del found[name]
            if flag and plain in found:
                found[name] = found.pop(plain)
    return found


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
    if o.additional is not None and n.additional is not None:
        found.append((facts(differ, "old", *o.additional), facts(differ, "new", *n.additional), "*"))
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
    if o.const is not None and n.const is not None:
        if _enum_key(o.const[0]) != _enum_key(n.const[0]):
            deltas.append(Delta("const-changed", path, (("old", o.const[0]), ("new", n.const[0]))))
    else:
        deltas += _enum_deltas(o, n, path, type_kind)
    deltas += _bound_deltas(o.bounds, n.bounds, path)
    deltas += _value_deltas(o, n, path)
    deltas += _branch_deltas(o, n, path)
    if o.closed != n.closed:
        deltas.append(Delta("additional-properties-disallowed" if n.closed else "additional-properties-allowed", path))
    deltas += _property_deltas(differ, o, n, direction, path)
    return deltas


def _enum_deltas(o: Facts, n: Facts, path: str, type_kind: str | None) -> list[Delta]:
    if o.enum is None and n.enum is not None and not type_kind:
        return [Delta("became-enum", path, (("values", tuple(_enum_text(v) for v in n.enum)),))]
    if o.enum is not None and n.enum is None and not type_kind:
        return [Delta("enum-removed", path)]
    if o.enum is None or n.enum is None:
        return []
    old_values = {_enum_key(v): v for v in o.enum}
    new_values = {_enum_key(v): v for v in n.enum}
    return [Delta("enum-value-added", path, (("value", v),)) for k, v in new_values.items() if k not in old_values] + [
        Delta("enum-value-removed", path, (("value", v),)) for k, v in old_values.items() if k not in new_values
    ]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bound_deltas(old: dict[str, Any], new: dict[str, Any], path: str) -> list[Delta]:
    """A bound that is absent counts as no limit at all (+inf for an upper bound, -inf for a lower one)."""
    deltas: list[Delta] = []
    for name, keyword in BOUNDS.items():
        was, now = old.get(name), new.get(name)
        if was == now and isinstance(was, bool) == isinstance(now, bool):  # 10 == 10.0, but True is no bound
            continue
        if any(value is not None and not _is_number(value) for value in (was, now)):
            reason = f"{keyword} is not a number ({was!r} -> {now!r})"
            deltas.append(Delta("not-compared", path, (("reason", reason),)))
            continue
        limit = math.inf if name.startswith(("max", "exclusive-max")) else -math.inf
        change = "increased" if (limit if now is None else now) > (limit if was is None else was) else "decreased"
        deltas.append(Delta(f"{name}-{change}", path, (("old", was), ("new", now))))
    return deltas


def _branch_deltas(o: Facts, n: Facts, path: str) -> list[Delta]:
    """Branches added to or removed from oneOf, anyOf and allOf, paired by label."""
    deltas: list[Delta] = []
    for name, keyword in COMBINERS.items():
        if name not in o.branches and name not in n.branches:
            continue
        # A schema that is no union on one side counts as a union of itself alone ($ref X -> oneOf: [X, Y]).
        was, now = o.branches.get(name, (_own_label(o),)), n.branches.get(name, (_own_label(n),))
        if was == now:
            continue
        if len(set(was)) < len(was) or len(set(now)) < len(now):
            reason = f"the {keyword} branches cannot be paired (two branches of one side look alike: {was} -> {now})"
            deltas.append(Delta("not-compared", path, (("reason", reason),)))
            continue
        deltas += [Delta(f"{name}-added", path, (("branch", b),)) for b in now if b not in was]
        deltas += [Delta(f"{name}-removed", path, (("branch", b),)) for b in was if b not in now]
    return deltas


def _value_deltas(o: Facts, n: Facts, path: str) -> list[Delta]:
    """Pattern and default changes."""
    deltas: list[Delta] = []
    if o.pattern != n.pattern:
        kind = "pattern-added" if o.pattern is None else "pattern-removed" if n.pattern is None else "pattern-changed"
        deltas.append(Delta(kind, path, (("old", o.pattern), ("new", n.pattern))))
    if o.default is not None and n.default is not None and _enum_key(o.default[0]) != _enum_key(n.default[0]):
        deltas.append(Delta("default-value-changed", path, (("old", o.default[0]), ("new", n.default[0]))))
    return deltas


def _property_deltas(differ: Differ, o: Facts, n: Facts, direction: str, path: str) -> list[Delta]:
    deltas: list[Delta] = []
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
        new_property = facts(differ, "new", *n.properties[name])
        deltas += _access_deltas(facts(differ, "old", node, base), new_property, name in n.required, child)
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


def _access_deltas(was: Facts, now: Facts, is_required: bool, child: str) -> list[Delta]:
    """readOnly and writeOnly changes of one property (required or not in the new schema)."""
    required = "required" if is_required else "optional"
    deltas: list[Delta] = []
    for flag, old, new in (("read-only", was.read_only, now.read_only), ("write-only", was.write_only, now.write_only)):
        if old != new:
            change = f"became-{flag}" if new else f"became-not-{flag}"
            deltas.append(Delta(f"property-{change}-{required}", child))
    return deltas


def _enum_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


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
    unread: str | None = None,
) -> None:
    """Emit the deltas of one body (``subject`` is e.g. ``request body`` or ``response 200 body``).

    Under a media type the generated client does not read (``unread``), each change is still reported, but as
    the INFO rule that says so, whatever its level would be under JSON.
    """
    for delta in deltas:
        where_kind = "property" if delta.path else "body"
        kind = delta.kind if delta.kind.startswith("property-") else f"{where_kind}-{delta.kind}"
        where = f"{subject} property {delta.path}" if delta.path else subject
        side: Side = "old" if "removed" in kind else "new"
        found, params = rule_id(direction, kind), {"where": where, **dict(delta.params)}
        if unread is not None:
            change = RULES[found].render(params).removeprefix(f"{where}: ")
            found, params = rule_id(direction, "unread-media-type-changed"), {"where": where, "media_type": unread}
            params["change"] = change
        differ.emit(found, operation=operation, pointer=pointer, side=side, **params)


def reads_media_type(media_type: str) -> bool:
    """Whether the generated client parses bodies of this media type (JSON and ``*/*+json`` only)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


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
            unread=None if reads_media_type(media_type) else media_type,
        )
