"""Large inputs sent in parts: one pass over any iterable, bad rows set aside or reported, duplicates sent once.

``plan_batch`` reads the caller's items once (a list, a generator, a file reader...), checks each
one with the vendor's rule, and lays out the parts to send: the input positions of the items each
part carries, in input order.  Nothing is sent while planning, so with ``on_invalid="raise"`` a bad
row stops everything before the first request.  With ``on_invalid="skip"`` bad rows are set aside
(``Plan.skipped``: index, problems, the row itself) and the rest go on.

Exact duplicates (the same cleaned item, compared as canonical JSON) are sent once; ``Plan.duplicates``
maps the position that is sent to the later positions that repeat it, so a job can give the one
result back for each of them.

Memory stays flat in the number of items: the plan keeps the positions (8 bytes each) and, while
reading, a set of 64-bit digests (8 to 24 bytes per distinct item), never the items.  A part's
cleaned items are built again from the caller's sequence just before the part is sent; a one-shot
iterator's cleaned items are spooled to a temporary file (in memory up to 1 MB, then on disk) and
read back part by part.  A row whose digest was seen before is matched to the row it repeats in a
second pass over what is sent, comparing the rows themselves: two different rows are never merged,
even if their digests collide.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from .errors import InputProblem, InvalidInput
from .inputs import Problems

__all__ = ["ON_INVALID", "OnInvalid", "Plan", "Skipped", "check_on_invalid", "plan_batch"]

OnInvalid = Literal["raise", "skip"]
ON_INVALID: tuple[str, ...] = ("raise", "skip")
#: ``check(problems, where, item)``: the cleaned item to send, or None; broken rules go to ``problems``.
Check = Callable[[Problems, str, Any], "dict[str, Any] | None"]

_SPOOL_IN_MEMORY = 1 << 20
_SKIP_HINT = "Pass on_invalid='skip' to set the bad rows aside (job.skipped) and send the rest"


@dataclass(frozen=True)
class Skipped:
    """An input row set aside by ``on_invalid="skip"``: its position, what is wrong with it, and the row."""

    index: int
    problems: tuple[InputProblem, ...]
    item: Any = field(repr=False, compare=False)

    @property
    def reason(self) -> str:
        return "; ".join(str(problem) for problem in self.problems)


class _Digests:
    """A set of 64-bit digests in one flat array (open addressing; 0 marks an empty slot)."""

    def __init__(self) -> None:
        self._keys = array("q", [0]) * 1024
        self._count = 0

    def _slot(self, key: int) -> int:
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while keys[slot] != 0 and keys[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def __contains__(self, key: int) -> bool:
        return self._keys[self._slot(key)] == key

    def add(self, key: int) -> None:
        slot = self._slot(key)
        if self._keys[slot] == 0:
            self._keys[slot] = key
            self._count += 1
            if self._count * 3 > len(self._keys) * 2:
                self._grow()

    def _grow(self) -> None:
        old = self._keys
        self._keys = array("q", [0]) * (2 * len(old))
        self._count = 0
        for key in old:
            if key:
                self.add(key)


def _canonical(item: Mapping[str, Any]) -> bytes:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _digest(canonical: bytes) -> int:
    key = int.from_bytes(hashlib.blake2b(canonical, digest_size=8).digest(), "little", signed=True)
    return key or 1  # 0 marks an empty slot


@dataclass
class Plan:
    """What will be sent, part by part, and what was set aside or merged (see the module docstring)."""

    name: str
    parts: list[array[int]]
    duplicates: dict[int, list[int]]
    skipped: list[Skipped]
    read: int
    _check: Check = field(repr=False)
    _sequence: Sequence[Any] | None = field(default=None, repr=False)
    _spool: IO[bytes] | None = field(default=None, repr=False)
    _offsets: list[int] = field(default_factory=list, repr=False)

    @property
    def sent(self) -> int:
        """Items sent to the server (distinct, valid)."""
        return sum(len(part) for part in self.parts)

    @property
    def expected(self) -> int:
        """Results a job gives back: one per valid input position (duplicates included)."""
        return self.sent + sum(len(dups) for dups in self.duplicates.values())

    def canonicals(self, part: int) -> Iterator[bytes]:
        """The canonical JSON of each cleaned item of part ``part``, in order, built as it is read (call it
        just before sending the part)."""
        if self._sequence is not None:
            for position in self.parts[part]:
                yield _canonical(self._cleaned(position))
            return
        assert self._spool is not None
        spool = self._spool
        offset = self._offsets[part]
        for _ in range(len(self.parts[part])):
            spool.seek(offset)
            line = spool.readline()
            offset += len(line)
            yield line[:-1]

    def _cleaned(self, position: int) -> dict[str, Any]:
        assert self._sequence is not None
        cleaned = self._check(Problems(), f"{self.name}[{position}]", self._sequence[position])
        if cleaned is None:  # the caller changed the item after it was checked
            raise InvalidInput([InputProblem(f"{self.name}[{position}]", "changed while being sent")])
        return cleaned

    def head(self, count: int) -> Plan:
        """The plan of the first ``count`` parts only: what a submission that failed part-way did send."""
        kept = self.parts[:count]
        sent = {position for part in kept for position in part}
        duplicates = {k: v for k, v in self.duplicates.items() if k in sent}
        return Plan(self.name, kept, duplicates, self.skipped, self.read, self._check)

    def release(self) -> None:
        """Drop the reference to the caller's items and the spool (after every part was sent)."""
        self._sequence = None
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def check_on_invalid(value: Any) -> None:
    if value not in ON_INVALID:
        raise InvalidInput([InputProblem("on_invalid", f"must be 'raise' or 'skip', got {value!r}")])


def _container_problem(items: Any, name: str, what: str) -> str | None:
    if isinstance(items, Mapping) or hasattr(items, "to_dict"):
        return f"must be a list (or other iterable) of {what}, got a single {type(items).__name__}: wrap it in a list"
    if isinstance(items, (str, bytes, bytearray)) or not isinstance(items, Iterable):
        return f"must be a list (or other iterable) of {what}, got {type(items).__name__}"
    return None


def plan_batch(
    items: Iterable[Any],
    *,
    name: str,
    what: str,
    check: Check,
    part_size: int,
    on_invalid: OnInvalid = "raise",
    max_items: int | None = None,
    too_many: str = "",
    also: Sequence[InputProblem] = (),
) -> Plan:
    """Read ``items`` once and lay out the parts; raise ``InvalidInput`` before anything could be sent.

    ``what`` names the items in messages ("leads such as {'email': ...}").  ``max_items`` caps the
    distinct valid items (a request that cannot be split; ``too_many`` is added to that message).
    ``also``: problems of the request's other arguments, reported together with the items'.
    """
    check_on_invalid(on_invalid)
    wrong = _container_problem(items, name, what)
    if wrong is not None:
        raise InvalidInput([*also, InputProblem(name, wrong)])
    sequence = items if isinstance(items, Sequence) else None
    # The spool lives as long as the plan: Plan.release() closes it once every part was sent.
    spool: IO[bytes] | None = None if sequence is not None else tempfile.SpooledTemporaryFile(_SPOOL_IN_MEMORY)  # noqa: SIM115
    plan = Plan(name, [], {}, [], 0, check, sequence, spool)
    try:
        _read(plan, items, what, check, part_size, on_invalid, max_items, too_many, list(also))
    except BaseException:
        plan.release()
        raise
    return plan


def _read(
    plan: Plan,
    items: Iterable[Any],
    what: str,
    check: Check,
    part_size: int,
    on_invalid: OnInvalid,
    max_items: int | None,
    too_many: str,
    reported: list[InputProblem],
) -> None:
    name = plan.name
    digests = _Digests()
    repeats: list[tuple[int, int, bytes]] = []  # (index, digest, canonical) of rows whose digest was seen
    for index, item in enumerate(items):
        plan.read = index + 1
        where = f"{name}[{index}]"
        problems = Problems()
        cleaned = check(problems, where, item)
        if problems.items or cleaned is None:
            found = problems.items or [InputProblem(where, f"is not one of the {what}")]
            if on_invalid == "raise":
                reported.extend(found)
            else:
                plan.skipped.append(Skipped(index, tuple(found), item))
            continue
        canonical = _canonical(cleaned)
        key = _digest(canonical)
        if key in digests:
            repeats.append((index, key, canonical))
            continue
        digests.add(key)
        if not reported:  # once something is wrong nothing will be sent: only keep finding problems
            _append(plan, index, canonical, part_size)
    del digests
    if plan.read == 0:
        reported.append(InputProblem(name, "must not be empty (at least one item)"))
    if reported:
        skip = on_invalid == "raise" and any(problem.index is not None for problem in reported)
        raise InvalidInput(reported, _SKIP_HINT if skip else "")
    if repeats:
        _match_repeats(plan, repeats, part_size)
    if not plan.parts:
        found = [problem for skipped in plan.skipped for problem in skipped.problems]
        raise InvalidInput([InputProblem(name, f"all {plan.read:,} items are invalid: nothing to send"), *found])
    if max_items is not None and plan.sent > max_items:
        rule = f"{plan.sent:,} {what}; at most {max_items:,} fit in one request{too_many}"
        raise InvalidInput([InputProblem(name, rule)])


def _append(plan: Plan, index: int, canonical: bytes, part_size: int, *, seek: bool = False) -> None:
    """Add the row at ``index`` to the last part (or a new one when it is full); ``seek`` after reading the spool."""
    spool = plan._spool
    if spool is not None and seek:
        spool.seek(0, 2)
    if not plan.parts or len(plan.parts[-1]) >= part_size:
        plan.parts.append(array("q"))
        if spool is not None:
            plan._offsets.append(spool.tell())
    plan.parts[-1].append(index)
    if spool is not None:
        spool.write(canonical + b"\n")


def _match_repeats(plan: Plan, repeats: list[tuple[int, int, bytes]], part_size: int) -> None:
    """Find the row each repeat repeats (a second pass over what is sent), comparing the rows themselves.

    A repeat whose row differs from the one that had its digest first (a 64-bit collision) is sent
    after all, in a part of its own at the end.
    """
    wanted: dict[int, list[tuple[int, bytes]]] = {}
    for index, key, canonical in repeats:
        wanted.setdefault(key, []).append((index, canonical))
    for part in range(len(plan.parts)):
        for position, canonical in zip(plan.parts[part], plan.canonicals(part), strict=True):
            found = wanted.pop(_digest(canonical), None)
            for index, repeat in found or ():
                if repeat == canonical:
                    plan.duplicates.setdefault(position, []).append(index)
                else:
                    _append(plan, index, repeat, part_size, seek=True)
            if not wanted:
                return
