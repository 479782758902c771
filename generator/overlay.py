"""Apply an OpenAPI Overlay 1.0 document to an OpenAPI document.

Semantics (Overlay 1.0, with the merge rules that 1.1 made explicit):

* ``target`` is an RFC 9535 JSONPath; every action must select at least one node,
  otherwise the overlay no longer fits the document and applying it is an error.
* ``remove: true`` deletes every selected node from its parent (``update`` is then
  ignored).  ``remove: false`` does nothing.
* ``update`` on an object merges recursively: objects merge key by key; any other
  value (an array included) replaces what was there, so a fix states the complete
  new list (``required``, ``enum``, ``tags``).  ``update`` on an array appends the
  value as one new entry.  Merging cannot delete a key: a fix that must drop one
  removes it in a preceding ``remove`` action.
* Actions apply in order; each sees the result of the ones before it.

Besides the standard fields, this project gives each action an ``x-id`` (stable,
kebab-case) so that errors, reports and tests can name it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonpath

__all__ = ["ActionReport", "OverlayError", "apply_overlay", "pointer_to_jsonpath"]

_ENV = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(ValueError):
    """An overlay could not be applied; the message names the action and the reason."""

    def __init__(self, action_index: int, action_id: str, target: str, reason: str) -> None:
        self.action_index = action_index
        self.action_id = action_id
        self.target = target
        self.reason = reason
        super().__init__(f"overlay action #{action_index} ({action_id}) target {target}: {reason}")


@dataclass
class ActionReport:
    """What one action did: its id and the locations (JSONPath) of the nodes it changed."""

    index: int
    action_id: str
    target: str
    kind: str
    locations: list[str] = field(default_factory=list)
    #: False when the action changed nothing: what it sets is already there (the fix became unnecessary).
    changed: bool = True
    #: The locations (JSONPath) of the values the action actually changed, inside ``locations``.
    changes: list[str] = field(default_factory=list)


def pointer_to_jsonpath(parts: tuple[Any, ...] | list[Any]) -> str:
    """Render a location (a sequence of keys and indices) as a normalized JSONPath."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            escaped = str(part).replace("\\", "\\\\").replace("'", "\\'")
            out += f"['{escaped}']"
    return out


def _changed_places(old: Any, new: Any, at: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The innermost locations where ``new`` differs from ``old`` (keys added, removed or changed)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(dict.fromkeys([*old, *new]))
        return [
            place
            for key in keys
            for place in _changed_places(old.get(key, _MISSING), new.get(key, _MISSING), (*at, key))
        ]
    return [at]


_MISSING = object()


def _merge(target: Any, update: Any) -> Any:
    """Recursive merge used by ``update``; returns the merged value."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    return copy.deepcopy(update)


def _matches(document: Any, target: str) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    for match in _ENV.finditer(target, document):
        yield match.obj, tuple(match.parts)


def _resolve_parent(document: Any, parts: tuple[Any, ...]) -> Any:
    node = document
    for part in parts[:-1]:
        node = node[part]
    return node


def _removal_order(parts: tuple[Any, ...]) -> tuple[int, int]:
    last = parts[-1]
    return len(parts), last if isinstance(last, int) else -1


def _action_id(action: dict[str, Any], index: int) -> str:
    value = action.get("x-id")
    return str(value) if value else f"action-{index}"


def apply_overlay(
    document: Any, overlay: dict[str, Any], *, skip_stale: bool = False
) -> tuple[Any, list[ActionReport]]:
    """Apply ``overlay`` to a deep copy of ``document``.

    Returns the new document and one report per action.  Raises ``OverlayError``
    for a malformed action or an action whose target selects nothing; with
    ``skip_stale`` such an action is skipped and reported with kind ``stale``
    instead (the update pipeline lists the fixes a new upstream made obsolete).
    """
    version = str(overlay.get("overlay", ""))
    if not version.startswith("1."):
        raise OverlayError(0, "document", "$", f"unsupported overlay version {version!r}")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise OverlayError(0, "document", "$", "an overlay needs a non-empty 'actions' list")

    result = copy.deepcopy(document)
    reports: list[ActionReport] = []
    for index, action in enumerate(actions, start=1):
        if not isinstance(action, dict):
            raise OverlayError(index, f"action-{index}", "?", "an action must be an object")
        action_id = _action_id(action, index)
        target = action.get("target")
        if not isinstance(target, str) or not target.startswith("$"):
            raise OverlayError(index, action_id, str(target), "target must be a JSONPath starting with '$'")
        remove = action.get("remove", False)
        has_update = "update" in action
        if remove is not True and not has_update:
            raise OverlayError(index, action_id, target, "an action needs 'update' or 'remove: true'")
        try:
            found = list(_matches(result, target))
        except jsonpath.JSONPathError as exc:
            raise OverlayError(index, action_id, target, f"invalid JSONPath: {exc}") from exc
        if not found and skip_stale:
            reports.append(ActionReport(index, action_id, target, "stale"))
            continue
        if not found:
            raise OverlayError(
                index, action_id, target, "the target matches nothing in the document (the fix no longer applies)"
            )
        kind = "remove" if remove is True else "update"
        report = ActionReport(index, action_id, target, kind)
        if remove is True:
            # Delete deepest-first, and array entries from the highest index down, so that
            # earlier deletions never shift the location of later ones.
            if any(not parts for _, parts in found):
                raise OverlayError(index, action_id, target, "the document root cannot be removed")
            unique = {parts: None for _, parts in found}
            for parts in sorted(unique, key=_removal_order, reverse=True):
                parent = _resolve_parent(result, parts)
                del parent[parts[-1]]
                report.locations.append(pointer_to_jsonpath(parts))
                report.changes.append(pointer_to_jsonpath(parts))
        else:
            update = action["update"]
            before = [copy.deepcopy(node) for node, _ in found]
            for node, parts in found:
                if isinstance(node, dict):
                    if not isinstance(update, dict):
                        raise OverlayError(
                            index,
                            action_id,
                            target,
                            f"update must be an object to merge into the object at {pointer_to_jsonpath(parts)}",
                        )
                    _merge(node, update)
                elif isinstance(node, list):
                    node.append(copy.deepcopy(update))
                else:
                    raise OverlayError(
                        index,
                        action_id,
                        target,
                        f"selected a {type(node).__name__} at {pointer_to_jsonpath(parts)}; "
                        "update needs an object or an array",
                    )
                report.locations.append(pointer_to_jsonpath(parts))
            for (node, parts), old in zip(found, before, strict=True):
                report.changes += [pointer_to_jsonpath(place) for place in _changed_places(old, node, tuple(parts))]
            report.changed = bool(report.changes)
        reports.append(report)
    return result, reports
