"""Walk two specs side by side and collect every change as a ``Change`` of a registered rule."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .loader import Node, Spec, pointer_text
from .registry import LEVELS, RULES, Level, Rule

__all__ = ["METHODS", "Change", "Differ", "Operation", "Side"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Side = Literal["old", "new"]


@dataclass(frozen=True)
class Change:
    """One change between the two specs, classified by a rule."""

    rule: Rule
    params: dict[str, Any]
    operation: str | None = None
    pointer: tuple[str, ...] = ()
    side: Side = "new"

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def level(self) -> Level:
        return self.rule.level

    @property
    def message(self) -> str:
        return self.rule.render(self.params)

    @property
    def location(self) -> str:
        return pointer_text(self.pointer)

    @property
    def fingerprint(self) -> str:
        """Stable across runs and wording changes: the rule, the operation, where, and what."""
        what = "|".join(f"{key}={self.params[key]}" for key in sorted(self.params))
        text = "\0".join([self.rule.id, self.operation or "", self.location, what])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (LEVELS.index(self.level), self.operation or "", self.id, self.location, self.message)


@dataclass
class Operation:
    """One operation of one spec, with path-level parameters merged in."""

    method: str
    path: str
    node: dict[str, Any]
    parameters: dict[tuple[str, str], tuple[dict[str, Any], str]]
    path_item: dict[str, Any]
    base: str  # the document the operation is written in (a path item may be a $ref to another file)
    section: Literal["paths", "webhooks"] = "paths"  # for a webhook, ``path`` is the webhook's name

    @property
    def key(self) -> str:
        prefix = "WEBHOOK " if self.section == "webhooks" else ""
        return f"{prefix}{self.method.upper()} {self.path}"

    @property
    def pointer(self) -> tuple[str, ...]:
        return (self.section, self.path, self.method)


@dataclass
class Differ:
    """Holds both specs and the changes found so far; the rule families call ``emit``."""

    old: Spec
    new: Spec
    changes: list[Change] = field(default_factory=list)
    schema_cache: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    facts_cache: dict[tuple[str, int, str], tuple[Any, Any]] = field(default_factory=dict)
    local_cache: dict[tuple[int, int, str], Any] = field(default_factory=dict)
    today: date = field(default_factory=date.today)  # for the sunset rules; fixed by tests

    def emit(
        self,
        rule_id: str,
        *,
        operation: str | None = None,
        pointer: tuple[str, ...] = (),
        side: Side = "new",
        **params: Any,
    ) -> None:
        rule = RULES[rule_id]
        self.changes.append(Change(rule=rule, params=params, operation=operation, pointer=pointer, side=side))

    def spec(self, side: Side) -> Spec:
        return self.old if side == "old" else self.new

    def deref(self, side: Side, node: Node, base: str | None = None) -> tuple[Node, str, str | None]:
        spec = self.spec(side)
        return spec.deref(node, base or spec.root_name)

    def operations(self, side: Side, section: Literal["paths", "webhooks"] = "paths") -> dict[str, Operation]:
        """The operations of ``paths`` (or of an OpenAPI 3.1 document's ``webhooks``), by ``Operation.key``."""
        spec = self.spec(side)
        found: dict[str, Operation] = {}
        for path, raw_item in (spec.document.get(section) or {}).items():
            item, base, _ = spec.deref(raw_item, spec.root_name)
            if not isinstance(item, dict):
                continue
            shared = self._parameters(spec, item.get("parameters"), base)
            for method in METHODS:
                node = item.get(method)
                if not isinstance(node, dict):
                    continue
                parameters = dict(shared)
                parameters.update(self._parameters(spec, node.get("parameters"), base))
                operation = Operation(method, str(path), node, parameters, item, base, section)
                found[operation.key] = operation
        return found

    @staticmethod
    def _parameters(spec: Spec, raw: Any, base: str) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
        result: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for entry in raw or []:
            parameter, where, _ = spec.deref(entry, base)
            if isinstance(parameter, dict) and "name" in parameter:
                result[(str(parameter.get("in", "query")), str(parameter["name"]))] = (parameter, where)
        return result

    def sorted_changes(self) -> list[Change]:
        return sorted(self.changes, key=Change.sort_key)


def union(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """Keys of both mappings: old order first, then the new ones."""
    yield from old
    yield from (key for key in new if key not in old)
