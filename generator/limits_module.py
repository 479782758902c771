"""Write ``<package>/limits.py``: the documented limits and credit costs of a curated spec as typed constants.

Every generated API package gets one (empty tables when the spec documents none), so the
hand-written layer reads its rate limits, batch sizes and credit costs from the spec instead of
pinning them: when the documentation lowers a limit, the regenerated client sends less.  The
spec holds them in the form :mod:`generator.docs._limits` harvests:

* ``info.x-rate-limit``: ``default`` and one entry per route, each ``{requests, period_seconds}``
  (an operation's own ``x-rate-limit`` adds its path when ``info`` does not list it);
* ``info.x-usage-limits``: name -> ``{limit, period_seconds}`` or ``{limit, per}``;
* each operation's ``x-credit-cost``: a list of ``{credits, credit_type, event, once?, once_per_seconds?}``.

A value in any other shape (prose, a missing number) stops generation with the place named.
"""

from __future__ import annotations

from typing import Any

from .packaging import GenerationError

__all__ = ["limits_source"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_PREAMBLE = '''"""The limits and credit costs the vendor documents, as the curated spec records them.

Read from ``info.x-rate-limit``, ``info.x-usage-limits`` and every operation's ``x-credit-cost`` of
{spec}; the client's rate limiter, its input checks and the simulator use these numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["CREDIT_COSTS", "RATE_LIMITS", "USAGE_LIMITS", "CreditCost", "RateLimit", "UsageLimit"]


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` per ``period_seconds``."""

    requests: int
    period_seconds: int


@dataclass(frozen=True)
class UsageLimit:
    """At most ``limit`` per ``period_seconds`` (a rate), or per ``per`` (a unit such as ``"request"``)."""

    limit: int
    period_seconds: int | None = None
    per: str | None = None


@dataclass(frozen=True)
class CreditCost:
    """``credits`` of ``credit_type`` charged on ``event``: each time, only ``once``, or at most once per
    ``once_per_seconds``."""

    credits: float
    credit_type: str
    event: str
    once: bool = False
    once_per_seconds: int | None = None


'''


def limits_source(document: dict[str, Any], spec_name: str) -> str:
    """The Python source of ``limits.py`` for ``document`` (without the generated-file header)."""
    info: dict[str, Any] = document["info"] if isinstance(document.get("info"), dict) else {}
    rates = _rate_limits(info, document)
    usage = _usage_limits(info)
    costs = _credit_costs(document)
    blocks = [
        '#: ``"default"`` (every request) and one entry per route template.\n'
        + _mapping("RATE_LIMITS", "Mapping[str, RateLimit]", rates),
        "#: Named limits on what one request or one period may hold.\n"
        + _mapping("USAGE_LIMITS", "Mapping[str, UsageLimit]", usage),
        "#: ``(METHOD, path template)`` -> the credits the operation charges.\n"
        + _mapping("CREDIT_COSTS", "Mapping[tuple[str, str], tuple[CreditCost, ...]]", costs),
    ]
    return _PREAMBLE.format(spec=spec_name) + "\n".join(blocks)


def _mapping(name: str, annotation: str, entries: list[tuple[str, str]]) -> str:
    body = "".join(f"        {key}: {value},\n" for key, value in entries)
    opening = "{\n" + body + "    }" if entries else "{}"
    return f"{name}: Final[{annotation}] = MappingProxyType(\n    {opening}\n)\n"


def _fail(where: str, expected: str, value: Any) -> GenerationError:
    return GenerationError(f"{where} must be {expected}, not {value!r}")


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _fail(where, "a positive integer", value)
    return value


def _rate(value: Any, where: str) -> str:
    if not isinstance(value, dict):
        raise _fail(where, "{requests, period_seconds}", value)
    requests = _integer(value.get("requests"), f"{where}.requests")
    period = _integer(value.get("period_seconds"), f"{where}.period_seconds")
    return f"RateLimit(requests={requests}, period_seconds={period})"


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    paths: dict[str, Any] = document["paths"] if isinstance(document.get("paths"), dict) else {}
    found = []
    for path, item in paths.items():
        if isinstance(item, dict):
            found += [(m, str(path), item[m]) for m in _METHODS if isinstance(item.get(m), dict)]
    return found


def _rate_limits(info: dict[str, Any], document: dict[str, Any]) -> list[tuple[str, str]]:
    table = info.get("x-rate-limit", {})
    if not isinstance(table, dict):
        raise _fail("info.x-rate-limit", "a mapping", table)
    entries = {str(key): _rate(value, f"info.x-rate-limit.{key}") for key, value in table.items()}
    for method, path, operation in _operations(document):
        if "x-rate-limit" not in operation:
            continue
        where = f"paths.{path}.{method}.x-rate-limit"
        value = _rate(operation["x-rate-limit"], where)
        if entries.setdefault(path, value) != value:
            raise GenerationError(f"{where} ({value}) disagrees with info.x-rate-limit.{path} ({entries[path]})")
    return [(repr(key), value) for key, value in entries.items()]


def _usage_limits(info: dict[str, Any]) -> list[tuple[str, str]]:
    table = info.get("x-usage-limits", {})
    if not isinstance(table, dict):
        raise _fail("info.x-usage-limits", "a mapping", table)
    entries = []
    for key, value in table.items():
        where = f"info.x-usage-limits.{key}"
        if not isinstance(value, dict):
            raise _fail(where, "{limit, period_seconds} or {limit, per}", value)
        arguments = [f"limit={_integer(value.get('limit'), f'{where}.limit')}"]
        if "period_seconds" in value:
            arguments.append(f"period_seconds={_integer(value['period_seconds'], f'{where}.period_seconds')}")
        if "per" in value:
            if not isinstance(value["per"], str):
                raise _fail(f"{where}.per", "a string", value["per"])
            arguments.append(f"per={value['per']!r}")
        if len(arguments) != 2:
            raise _fail(where, "{limit, period_seconds} or {limit, per}", value)
        entries.append((repr(str(key)), f"UsageLimit({', '.join(arguments)})"))
    return entries


def _credit_costs(document: dict[str, Any]) -> list[tuple[str, str]]:
    entries = []
    for method, path, operation in _operations(document):
        if "x-credit-cost" not in operation:
            continue
        where = f"paths.{path}.{method}.x-credit-cost"
        costs = operation["x-credit-cost"]
        if not isinstance(costs, list):
            raise _fail(where, "a list of {credits, credit_type, event}", costs)
        rendered = [_cost(cost, f"{where}[{index}]") for index, cost in enumerate(costs)]
        entries.append((repr((method.upper(), path)), "(" + "".join(f"{cost}, " for cost in rendered).rstrip() + ")"))
    return entries


def _cost(cost: Any, where: str) -> str:
    if not isinstance(cost, dict):
        raise _fail(where, "{credits, credit_type, event}", cost)
    credits = cost.get("credits")
    if isinstance(credits, bool) or not isinstance(credits, int | float) or credits < 0:
        raise _fail(f"{where}.credits", "a number", credits)
    arguments = [f"credits={credits!r}"]
    for name in ("credit_type", "event"):
        if not isinstance(cost.get(name), str):
            raise _fail(f"{where}.{name}", "a string", cost.get(name))
        arguments.append(f"{name}={cost[name]!r}")
    if "once" in cost:
        if not isinstance(cost["once"], bool):
            raise _fail(f"{where}.once", "true or false", cost["once"])
        arguments.append(f"once={cost['once']!r}")
    if "once_per_seconds" in cost:
        arguments.append(f"once_per_seconds={_integer(cost['once_per_seconds'], f'{where}.once_per_seconds')}")
    return f"CreditCost({', '.join(arguments)})"
