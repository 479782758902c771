"""Input checks run before anything is sent: collect every problem, then raise once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from .errors import InputProblem, InvalidInput

__all__ = ["EMAIL", "Problems", "as_mapping", "build_model", "chunks", "mapping_of", "mappings", "plain", "require"]

T = TypeVar("T")
M = TypeVar("M")

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

    def required(self, where: str, value: Any, rule: str = "is required") -> None:
        """Report ``value`` when it is missing or blank."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(where, rule)

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


def mappings(problems: Problems, items: Sequence[Any], name: str, rule: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, item without None values)`` for each item that is a mapping (or a model); reports the others.

    ``where`` is ``name[index]``, so every problem names the item it is about.
    """
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        cleaned = mapping_of(problems, where, item, rule)
        if cleaned is not None:
            yield where, cleaned


def mapping_of(problems: Problems, where: str, item: Any, rule: str) -> dict[str, Any] | None:
    """``item`` as a plain dict without None values, or None (reported at ``where``) when it is not a mapping."""
    data = as_mapping(item)
    if data is None:
        problems.add(where, rule)
        return None
    return {k: v for k, v in data.items() if v is not None}


def require(where: str, value: Any, rule: str = "is required") -> None:
    """Raise ``InvalidInput`` at once when ``value`` is missing or blank."""
    problems = Problems()
    problems.required(where, value, rule)
    problems.raise_if_any()


def plain(value: Any) -> Any:
    """JSON-ready input: ids handed out as ``uuid.UUID`` (or tuples) become plain values."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def build_model(model: type[M], data: Mapping[str, Any]) -> M:
    """The generated request model for ``data``; a value it cannot hold is bad input, not a crash."""
    try:
        built: M = getattr(model, "from_dict")(plain(data))  # noqa: B009
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        problems = Problems()
        problems.add(model.__name__, f"cannot be built from the arguments: {exc}")
        problems.raise_if_any()
        raise  # unreachable: raise_if_any raised
    return built
