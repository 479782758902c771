"""Component rules: named schemas, whose names become the generated model classes."""

from __future__ import annotations

import json
from typing import Any

from ..engine import Differ
from ..registry import rule

F = __name__

SCHEMA_ADDED = rule("api-schema-added", "INFO", "none", "schema {name} added", family=F)
SCHEMA_REMOVED = rule(
    "api-schema-removed",
    "WARN",
    "none",
    "schema {name} removed",
    family=F,
    oasdiff_level="INFO",
    why="its generated model class disappears; code that imports it breaks even if no operation used it",
)
SCHEMA_RENAMED = rule(
    "api-schema-renamed",
    "ERR",
    "none",
    "schema {old} renamed to {new}",
    family=F,
    why="the generated model class is named after the schema, so every import and annotation of it breaks",
)


def _canonical(node: Any, renames: dict[str, str]) -> str:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: (renames.get(str(item), item) if key == "$ref" else strip(item))
                for key, item in value.items()
                if key not in ("description", "title", "example", "examples")
            }
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return json.dumps(strip(node), sort_keys=True)


def check(differ: Differ) -> None:
    was = (differ.old.document.get("components") or {}).get("schemas") or {}
    now = (differ.new.document.get("components") or {}).get("schemas") or {}
    removed = [name for name in was if name not in now]
    added = [name for name in now if name not in was]
    prefix = "#/components/schemas/"
    # A reference to any schema that left or arrived reads the same on both sides, so that a schema
    # pointing at a renamed one (or at itself) still matches its renamed twin.
    old_refs = {f"{prefix}{name}": "<moved>" for name in removed}
    new_refs = {f"{prefix}{name}": "<moved>" for name in added}
    by_shape: dict[str, str] = {}
    for name in added:
        by_shape.setdefault(_canonical(now[name], new_refs), name)
    renamed: set[str] = set()
    pointer = ("components", "schemas")
    for name in removed:
        match = by_shape.get(_canonical(was[name], old_refs))
        if match is not None and match not in renamed:
            renamed.add(match)
            differ.emit(SCHEMA_RENAMED, pointer=(*pointer, match), old=name, new=match)
        else:
            differ.emit(SCHEMA_REMOVED, pointer=(*pointer, name), side="old", name=name)
    for name in added:
        if name not in renamed:
            differ.emit(SCHEMA_ADDED, pointer=(*pointer, name), name=name)
