"""Input checks run before anything is sent: collect every problem, then raise once."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from .errors import InputProblem, InvalidInput

__all__ = ["EMAIL", "Problems", "as_mapping", "chunks"]

T = TypeVar("T")

#: Pragmatic email shape: something@domain.tld, no spaces, one @.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class Problems:
    """Collects every broken rule; ``raise_if_any`` raises one ``InvalidInput`` naming them all."""

    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def add(self, where: str, rule: str) -> None:
        self.items.append(InputProblem(where, rule))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)

    def non_empty(self, where: str, values: Sequence[Any]) -> bool:
        if len(values) == 0:
            self.add(where, "must not be empty (at least one item)")
            return False
        return True

    def email(self, where: str, value: Any) -> None:
        if not isinstance(value, str) or not EMAIL.match(value):
            self.add(where, f"is not a valid email address: {value!r}")


def as_mapping(item: Any) -> Mapping[str, Any] | None:
    """A plain mapping for a dict or a generated model (``to_dict``); None for anything else."""
    if isinstance(item, Mapping):
        return item
    to_dict = getattr(item, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        return data if isinstance(data, Mapping) else None
    return None


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
