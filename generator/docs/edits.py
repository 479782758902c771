"""Edits to a spec document: what makes a spec say again what the documentation says.

A drift :class:`~generator.docs.drift.Finding` carries the :class:`Edit` that resolves it, so
"bring the upstream spec up to date with the docs" is "apply the edits of every finding", and
unchanged docs (no findings) change nothing.  Edits are JSON Patch operations (RFC 6902:
``add``, ``remove``, ``replace``) addressed by JSON pointer (RFC 6901).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Edit", "EditError", "apply_edits", "split_pointer"]

Op = Literal["add", "remove", "replace"]


class EditError(ValueError):
    """An edit does not fit the document (its parent is missing, or it removes nothing)."""


@dataclass(frozen=True)
class Edit:
    """One JSON Patch operation, and the plain-words summary printed for it."""

    op: Op
    pointer: str
    value: Any = None
    summary: str = ""

    def __hash__(self) -> int:
        return hash((self.op, self.pointer, repr(self.value)))

    def apply(self, document: Any) -> None:
        """Change ``document`` in place."""
        parts = split_pointer(self.pointer)
        if not parts:
            raise EditError(f"{self.pointer!r}: cannot {self.op} the whole document")
        parent = document
        for part in parts[:-1]:
            parent = _child(parent, part, self.pointer)
        last = parts[-1]
        if isinstance(parent, dict):
            if self.op == "add":
                parent[last] = copy.deepcopy(self.value)
            elif last not in parent:
                raise EditError(f"{self.pointer}: nothing to {self.op}")
            elif self.op == "remove":
                del parent[last]
            else:
                parent[last] = copy.deepcopy(self.value)
        elif isinstance(parent, list):
            if self.op == "add" and last == "-":
                parent.append(copy.deepcopy(self.value))
                return
            index = _index(last, parent, self.pointer, allow_end=self.op == "add")
            if self.op == "add":
                parent.insert(index, copy.deepcopy(self.value))
            elif self.op == "remove":
                del parent[index]
            else:
                parent[index] = copy.deepcopy(self.value)
        else:
            raise EditError(f"{self.pointer}: the parent is not an object or an array")

    def __str__(self) -> str:
        return self.summary or f"{self.op} {self.pointer}"


def split_pointer(pointer: str) -> list[str]:
    """``/paths/~1a~1b/get`` -> ``["paths", "/a/b", "get"]``."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise EditError(f"{pointer!r} is not a JSON pointer")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def apply_edits(document: Any, edits: Iterable[Edit]) -> Any:
    """A copy of ``document`` with ``edits`` applied in order (removals of list items last, highest index first)."""
    result = copy.deepcopy(document)
    ordered = list(dict.fromkeys(edits))
    items = [e for e in ordered if e.op == "remove" and split_pointer(e.pointer)[-1].isdigit()]
    others = [e for e in ordered if e not in items]
    items.sort(key=lambda e: (split_pointer(e.pointer)[:-1], -int(split_pointer(e.pointer)[-1])))
    for edit in [*others, *items]:
        edit.apply(result)
    return result


def _child(node: Any, part: str, pointer: str) -> Any:
    if isinstance(node, dict):
        if part not in node:
            raise EditError(f"{pointer}: {part!r} does not exist")
        return node[part]
    if isinstance(node, list):
        return node[_index(part, node, pointer, allow_end=False)]
    raise EditError(f"{pointer}: {part!r} is below a value that is not an object or an array")


def _index(part: str, node: list[Any], pointer: str, *, allow_end: bool) -> int:
    if not part.isdigit():
        raise EditError(f"{pointer}: {part!r} is not an array index")
    index = int(part)
    if index > len(node) or (index == len(node) and not allow_end):
        raise EditError(f"{pointer}: index {index} is out of range")
    return index
