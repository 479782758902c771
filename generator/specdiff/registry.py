"""The rule registry: every kind of change the differ can report, with its level and direction.

Rule ids are stable kebab-case strings; where oasdiff has a rule for the same
change its id is reused, so that users who know oasdiff read ours without a key.
A rule's level is chosen for *this* project's generated client: where that
differs from oasdiff's level, ``oasdiff_level`` keeps oasdiff's and ``why``
says why ours differs.

Each family module in ``rules/`` declares its rules with ``rule(...)`` and
implements the checks that emit them.  Request and response rules mirror each
other (``mirror``) unless ``unmirrored`` gives the written reason.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal

__all__ = ["LEVELS", "RULES", "Direction", "Level", "Rule", "rule"]

Level = Literal["ERR", "WARN", "INFO"]
Direction = Literal["request", "response", "none"]

#: Severity order, most severe first.
LEVELS: tuple[Level, ...] = ("ERR", "WARN", "INFO")


@dataclass(frozen=True)
class Rule:
    """One kind of change."""

    id: str
    level: Level
    direction: Direction
    family: str
    message: str
    mirror: str | None = None
    unmirrored: str | None = None
    oasdiff_level: Level | None = None
    why: str | None = None
    case: str | None = None

    @property
    def fixture_case(self) -> str:
        """Name of the fixture pair that triggers this rule (``<case>_base.yaml``, ``<case>_revision.yaml``)."""
        return self.case or self.id

    @property
    def fields(self) -> list[str]:
        """Placeholders the message needs."""
        return sorted({name for _, name, _, _ in string.Formatter().parse(self.message) if name})

    def render(self, params: dict[str, object]) -> str:
        return self.message.format(**{key: _shown(value) for key, value in params.items()})


def _shown(value: object) -> object:
    """Collections and None become text; other values stay themselves, so ``{value!r}`` tells 1 from '1'."""
    return _show(value) if value is None or isinstance(value, list | tuple | set | frozenset) else value


def _show(value: object) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_show(v) for v in sorted(value, key=str)) or "(none)"
    if value is None:
        return "(none)"
    return str(value)


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    level: Level,
    direction: Direction,
    message: str,
    *,
    family: str,
    mirror: str | None = None,
    unmirrored: str | None = None,
    oasdiff_level: Level | None = None,
    why: str | None = None,
    case: str | None = None,
) -> str:
    """Register a rule and return its id (family modules keep the ids as constants)."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id!r} is registered twice")
    RULES[rule_id] = Rule(
        id=rule_id,
        level=level,
        direction=direction,
        family=family.rsplit(".", 1)[-1],
        message=message,
        mirror=mirror,
        unmirrored=unmirrored,
        oasdiff_level=oasdiff_level,
        why=why,
        case=case,
    )
    return rule_id
