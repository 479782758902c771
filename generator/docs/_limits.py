"""Limits and credit costs: the numbers the vendor states in prose, read as data and compared with a spec.

The documentation states three kinds of numbers that the client and the simulator live by:

* rate limits: a default (``By default, each consumer is allowed **500 requests per minute**``)
  and an ``Endpoint | Limit`` table (``/people/search | 300/minute``);
* usage limits: an ``Operation | Limit`` table (``Max Email Validations | 100k/request``);
* credit costs, per operation: a ``Credit consumption:`` bullet list on the operation's page
  (``* 0.5 email credits when a person is found, charged at most once per 24 hours``) or a
  sentence (``For each email that ... will consume 1 email credit``).

:func:`read_limits` finds them in a :class:`~generator.docs.model.DocSet` (Markdown with newlines
or collapsed onto one line); :func:`compare_limits` lists every difference from a spec as a
:class:`~generator.docs.findings.Finding` carrying the JSON Patch edits that make the spec say
what the docs say.  Everything is derived from the docs' words and numbers; the form a spec
holds them in is::

    info:
      x-rate-limit:                   # "default", then one entry per endpoint of the table
        default: {requests: 500, period_seconds: 60}
        /people/search: {requests: 300, period_seconds: 60}
      x-usage-limits:                 # keyed by the table's operation names
        Max Email Validations: {limit: 100000, per: request}
        Email Validations: {limit: 15000, period_seconds: 3600}
    paths:
      /people/search:
        post:
          x-rate-limit: {requests: 300, period_seconds: 60}   # every operation of a listed endpoint
      /people/find:
        get:
          x-credit-cost:
            - {credits: 0.5, credit_type: email, event: person_found, once_per_seconds: 86400}
            - {credits: 1, credit_type: email, event: email_revealed, once: true}

``event`` is the clause after "when" (up to the comma) without articles and "is"/"are", in
snake case; "for each email ... consume 1 email credit" gives ``each_email``.  ``once: true``
stands for "only charged once", ``once_per_seconds`` for "charged at most once per 24 hours".

What is reported as no longer documented, and when:

* rate and usage limits only when the docs hold a Limits section (or any limit) at all; a folder
  without the limits page says nothing about them;
* credit costs only when the docs hold some credit list, and only for operations whose page is
  among the docs: an operation missing from a folder of a few pages says nothing about its cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ._facts import operations_of
from ._markdown import METHODS, clean_cell, pipe_tables
from ._schemas import as_dict, path_key, pointer
from ._specview import SpecOperation, SpecView
from .edits import Edit
from .findings import Finding
from .model import DocSet, Page

__all__ = [
    "LIMIT_FINDING_KINDS",
    "CreditCost",
    "DocLimits",
    "RateLimit",
    "UsageLimit",
    "compare_limits",
    "read_limits",
]

OperationKey = tuple[str, str]  # (method, path as documented)
_Setting = Literal["add", "replace"]

LIMIT_FINDING_KINDS: dict[str, str] = {
    "rate-limit-missing-from-spec": "a documented rate limit (the default or an endpoint's) is not in the spec",
    "rate-limit-mismatch": "a documented rate limit gives other numbers than the spec",
    "rate-limit-no-longer-documented": "the spec has a rate limit that the documentation's Limits section no "
    "longer lists (docs with a Limits section only)",
    "usage-limit-missing-from-spec": "a documented usage limit is not in the spec",
    "usage-limit-mismatch": "a documented usage limit gives other numbers than the spec",
    "usage-limit-no-longer-documented": "the spec has a usage limit that the documentation's Limits section no "
    "longer lists (docs with a Limits section only)",
    "credit-cost-missing-from-spec": "a documented credit cost of an operation is not in the spec",
    "credit-cost-mismatch": "a documented credit cost gives other numbers than the spec",
    "credit-cost-no-longer-documented": "the spec has a credit cost that the operation's page no longer lists "
    "(docs with credit costs, operations whose page is among them)",
}

RATE_LIMIT = "x-rate-limit"
USAGE_LIMITS = "x-usage-limits"
CREDIT_COST = "x-credit-cost"
DEFAULT = "default"

_UNITS = {
    "second": 1,
    "sec": 1,
    "s": 1,
    "minute": 60,
    "min": 60,
    "hour": 3_600,
    "hr": 3_600,
    "h": 3_600,
    "day": 86_400,
    "week": 604_800,
}
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}
_FILLER = {"a", "an", "the", "is", "are"}

_CODE = re.compile(r"(`{3,}|~{3,}).*?\1", re.S)
_LIMITS_HEADING = re.compile(r"(?:^|(?<=\s))#{1,6}[ \t]+(?:rate[ \t]+|usage[ \t]+)?limits\b", re.I)
_DEFAULT = re.compile(
    r"\bby default\b[^.]*?(?P<count>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>[km])?\s+requests?\s+"
    r"(?:per|an?|every)\s+(?:(?P<every>\d+)\s+)?(?P<unit>[a-z]+)",
    re.I,
)
_LIMIT_CELL = re.compile(
    r"^(?P<count>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>[km])?\s*(?:requests?\s*)?(?:/|\bper\b|\ban?\b|\bevery\b)\s*"
    r"(?:(?P<every>\d+)\s*)?(?P<unit>[a-z]+)\.?$",
    re.I,
)
_FENCE_INFO = re.compile(
    rf"(?<!`)(?:`{{3,}}|~{{3,}})[ \t]*(?:yaml|yml|json)[ \t]+(?P<method>{'|'.join(METHODS)})[ \t]+"
    r"(?P<path>/[^\s`]*)",
    re.I,
)
_PATH = re.compile(r"/\S*")

_CREDIT_LIST = re.compile(r"\bcredit\s+consumption\s*:", re.I)
_ITEM = re.compile(r"\s*[*-][ \t]+(?P<item>[^\n*#<|]+)")
_COST = re.compile(r"^(?P<credits>\d+(?:\.\d+)?)\s+(?P<type>[a-z]+)\s+credits?\b\s*(?P<rest>.*)$", re.I)
_WHEN = re.compile(r"^(?:when|whenever|if)\s+(?P<event>[^,;]+?)\s*(?:[,;]\s*(?P<qualifier>.*))?$", re.I)
_EACH = re.compile(
    r"^(?:for\s+each|for\s+every|per)\s+(?P<thing>[a-z][\w-]*)[^,;]*(?:[,;]\s*(?P<qualifier>.*))?$", re.I
)
_SENTENCE = re.compile(
    r"\bfor\s+(?:each|every)\s+(?P<thing>[a-z][\w-]*)\b[^.#*|<]*?\bconsum(?:e|es|ing)\s+"
    r"(?P<credits>\d+(?:\.\d+)?)\s+(?P<type>[a-z]+)\s+credits?\b",
    re.I,
)
_ONCE_PER = re.compile(r"\bonce\s+(?:per|every|an?)\s+(?:(?P<every>\d+)\s+)?(?P<unit>[a-z]+)", re.I)
_ONCE = re.compile(r"\bonce\b", re.I)


# --------------------------------------------------------------------------- the facts


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``period_seconds``."""

    requests: int
    period_seconds: int

    def as_spec(self) -> dict[str, Any]:
        return {"requests": self.requests, "period_seconds": self.period_seconds}

    def __str__(self) -> str:
        return f"{self.requests} requests per {_seconds(self.period_seconds)}"


@dataclass(frozen=True)
class UsageLimit:
    """At most ``limit`` per ``period_seconds`` (a rate) or per ``per`` (a unit such as ``request``)."""

    limit: int
    period_seconds: int | None = None
    per: str | None = None

    def as_spec(self) -> dict[str, Any]:
        value: dict[str, Any] = {"limit": self.limit}
        if self.period_seconds is not None:
            value["period_seconds"] = self.period_seconds
        if self.per is not None:
            value["per"] = self.per
        return value

    def __str__(self) -> str:
        if self.period_seconds is not None:
            return f"{self.limit} per {_seconds(self.period_seconds)}"
        return f"{self.limit} per {self.per}"


@dataclass(frozen=True)
class CreditCost:
    """``credits`` of ``credit_type`` charged on ``event``; ``once`` (ever) or at most once per ``once_per_seconds``."""

    credits: int | float
    credit_type: str
    event: str
    once: bool = False
    once_per_seconds: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.credit_type, self.event)

    def as_spec(self) -> dict[str, Any]:
        value: dict[str, Any] = {"credits": self.credits, "credit_type": self.credit_type, "event": self.event}
        if self.once_per_seconds is not None:
            value["once_per_seconds"] = self.once_per_seconds
        if self.once:
            value["once"] = True
        return value

    def __str__(self) -> str:
        text = f"{self.credits} {self.credit_type} credit{'' if self.credits == 1 else 's'} on {self.event}"
        if self.once_per_seconds is not None:
            text += f", at most once per {_seconds(self.once_per_seconds)}"
        if self.once:
            text += ", only once"
        return text


@dataclass
class DocLimits:
    """Every limit and credit cost found in a :class:`DocSet`, and where.

    ``limits_page`` is the page of the Limits section (None when the docs have none: they then
    say nothing about limits); ``operations`` maps every operation the docs show (method,
    ``path_key``) to its first page, so that silence about an operation's cost can be told from
    the absence of its page.
    """

    rate_limits: dict[str, RateLimit] = field(default_factory=dict)
    usage_limits: dict[str, UsageLimit] = field(default_factory=dict)
    credit_costs: dict[OperationKey, tuple[CreditCost, ...]] = field(default_factory=dict)
    limits_page: str | None = None
    credit_pages: dict[OperationKey, str] = field(default_factory=dict)
    operations: dict[OperationKey, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def documents_limits(self) -> bool:
        return self.limits_page is not None

    @property
    def documents_credit_costs(self) -> bool:
        return bool(self.credit_costs)

    def info_extensions(self) -> dict[str, Any]:
        """``info`` members in the structured form (only those the docs give)."""
        found: dict[str, Any] = {}
        if self.rate_limits:
            found[RATE_LIMIT] = {key: limit.as_spec() for key, limit in self.rate_limits.items()}
        if self.usage_limits:
            found[USAGE_LIMITS] = {key: limit.as_spec() for key, limit in self.usage_limits.items()}
        return found

    def operation_extensions(self, method: str, path: str) -> dict[str, Any]:
        """The ``x-rate-limit`` and ``x-credit-cost`` of one operation in the structured form."""
        found: dict[str, Any] = {}
        route = self.route_limit(path)
        if route is not None:
            found[RATE_LIMIT] = route.as_spec()
        costs = self.costs_of(method, path)
        if costs:
            found[CREDIT_COST] = [cost.as_spec() for cost in costs]
        return found

    def route_limit(self, path: str) -> RateLimit | None:
        key = path_key(path)
        return next((v for k, v in self.rate_limits.items() if k != DEFAULT and path_key(k) == key), None)

    def costs_of(self, method: str, path: str) -> tuple[CreditCost, ...]:
        key = (method.lower(), path_key(path))
        return next((v for (m, p), v in self.credit_costs.items() if (m, path_key(p)) == key), ())

    def credit_page(self, method: str, path: str) -> str:
        key = (method.lower(), path_key(path))
        return next((v for (m, p), v in self.credit_pages.items() if (m, path_key(p)) == key), "")


def read_limits(docs: DocSet) -> DocLimits:
    """Every rate limit, usage limit and credit cost in ``docs`` (the first page that states one wins)."""
    found = DocLimits()
    for page in docs.pages:
        for key in _page_operations(page):
            found.operations.setdefault(key, page.url)
    for page in docs.pages:
        text = _CODE.sub(lambda m: " " * len(m[0]), page.text)
        _read_rate_and_usage(found, page, text)
        _read_credit_costs(found, page, text)
    return found


def _page_operations(page: Page) -> list[OperationKey]:
    keys = [(line.method, path_key(line.path)) for line in page.index_lines]
    keys += [(fragment.method, path_key(fragment.path)) for fragment in page.fragments]
    keys += [(method, path_key(path)) for spec in page.specs for method, path, _, _ in operations_of(spec)]
    return list(dict.fromkeys(keys))


# --------------------------------------------------------------------------- rate and usage limits


def _read_rate_and_usage(found: DocLimits, page: Page, text: str) -> None:
    rates: dict[str, RateLimit] = {}
    usage: dict[str, UsageLimit] = {}
    default = _DEFAULT.search(text)
    if default:
        period = _period(default["unit"], default["every"])
        if period is not None:
            rates[DEFAULT] = RateLimit(int(_number(default["count"], default["mult"])), period)
    for _, header, raw_rows in pipe_tables(text):
        rows = [[clean_cell(cell) for cell in row] for row in raw_rows]
        if len(header) < 2 or "limit" not in header:
            continue
        at = header.index("limit")
        for cells in rows:
            name, cell = cells[0], cells[at]
            parsed = _LIMIT_CELL.match(cell)
            if not name or not parsed:
                continue
            amount = int(_number(parsed["count"], parsed["mult"]))
            period = _period(parsed["unit"], parsed["every"])
            if header[0] in {"endpoint", "endpoints", "route", "path"}:
                path = _PATH.search(name)
                if path and period is not None:
                    rates.setdefault(path[0], RateLimit(amount, period))
                else:
                    found.notes.append(f"{page.url}: the rate limit {name!r}: {cell!r} names no path or no period")
            elif period is not None:
                usage.setdefault(name, UsageLimit(amount, period_seconds=period))
            else:
                usage.setdefault(name, UsageLimit(amount, per=_singular(parsed["unit"].lower())))
    if not (rates or usage or _LIMITS_HEADING.search(text)):
        return
    if found.limits_page is None:
        found.limits_page = page.url
    _merge(found.rate_limits, rates, page, "rate limit", found.notes)
    _merge(found.usage_limits, usage, page, "usage limit", found.notes)


def _merge(into: dict[str, Any], new: dict[str, Any], page: Page, what: str, notes: list[str]) -> None:
    for key, value in new.items():
        if key not in into:
            into[key] = value
        elif into[key] != value:
            notes.append(f"{page.url}: {what} {key} is {value}, but an earlier page says {into[key]} (kept)")


def _number(count: str, multiplier: str | None = None) -> int | float:
    value = float(count.replace(",", "")) * _MULTIPLIERS[(multiplier or "").lower()]
    return int(value) if value.is_integer() else value


def _singular(unit: str) -> str:
    return unit[:-1] if unit.endswith("s") and len(unit) > 1 else unit


def _period(unit: str, every: str | None) -> int | None:
    """Seconds in ``every`` ``unit`` (``minute`` -> 60, ``24 hours`` -> 86400); None for a unit that is not time."""
    unit = unit.lower()
    seconds = _UNITS.get(unit) or _UNITS.get(_singular(unit))
    if seconds is None:
        return None
    return seconds * (int(every) if every else 1)


def _seconds(period: int) -> str:
    for name, seconds in (("week", 604_800), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if period == seconds:
            return name
    return f"{period} seconds"


# --------------------------------------------------------------------------- credit costs


def _read_credit_costs(found: DocLimits, page: Page, text: str) -> None:
    sources: list[tuple[list[OperationKey], list[CreditCost]]] = []
    costs = _costs_in(text)
    if costs:
        sources.append((_page_operation_paths(page), costs))
    for document in [*page.specs, *(fragment.document for fragment in page.fragments)]:
        for method, path, operation, _ in operations_of(document):
            described = _costs_in(str(operation.get("description") or ""))
            if described:
                sources.append(([(method, path)], described))
    for operations, listed in sources:
        if len(operations) != 1:
            named = ", ".join(f"{m.upper()} {p}" for m, p in operations) or "no operation"
            found.notes.append(f"{page.url}: credit costs on a page with {named}; not attributed")
            continue
        key = operations[0]
        known = next((k for k in found.credit_costs if (k[0], path_key(k[1])) == (key[0], path_key(key[1]))), None)
        if known is None:
            found.credit_costs[key] = tuple(listed)
            found.credit_pages[key] = page.url
        elif set(found.credit_costs[known]) != set(listed):
            found.notes.append(
                f"{page.url}: other credit costs for {key[0].upper()} {key[1]} than an earlier page gives (kept)"
            )


def _page_operation_paths(page: Page) -> list[OperationKey]:
    keys = [(line.method, line.path) for line in page.index_lines]
    keys += [(fragment.method, fragment.path) for fragment in page.fragments]
    keys += [(method, path) for spec in page.specs for method, path, _, _ in operations_of(spec)]
    if not keys:  # an embedded OpenAPI fence that did not parse (collapsed onto one line) still names its operation
        keys = [(m["method"].lower(), m["path"]) for m in _FENCE_INFO.finditer(page.text)]
    unique: dict[OperationKey, OperationKey] = {}
    for method, path in keys:
        unique.setdefault((method, path_key(path)), (method, path))
    return list(unique.values())


def _costs_in(text: str) -> list[CreditCost]:
    """The costs of a ``Credit consumption:`` list and of ``for each X ... consume N T credit`` sentences."""
    costs: dict[tuple[str, str], CreditCost] = {}
    for marker in _CREDIT_LIST.finditer(text):
        position = marker.end()
        while item := _ITEM.match(text, position):
            position = item.end()
            cost = _cost(item["item"].strip())
            if cost is not None:
                costs.setdefault(cost.key, cost)
    for sentence in _SENTENCE.finditer(text):
        cost = CreditCost(_number(sentence["credits"]), sentence["type"].lower(), _event(f"each {sentence['thing']}"))
        costs.setdefault(cost.key, cost)
    return list(costs.values())


def _cost(item: str) -> CreditCost | None:
    """``0.5 email credits when a person is found, charged at most once per 24 hours`` as a :class:`CreditCost`."""
    head = _COST.match(item)
    if head is None:
        return None
    rest = head["rest"].strip().rstrip(".")
    when = _WHEN.match(rest)
    each = None if when else _EACH.match(rest)
    if when:
        event, qualifier = _event(when["event"]), when["qualifier"] or ""
    elif each:
        event, qualifier = _event(f"each {each['thing']}"), each["qualifier"] or ""
    else:
        return None
    once_per = _ONCE_PER.search(qualifier)
    period = _period(once_per["unit"], once_per["every"]) if once_per else None
    return CreditCost(
        credits=_number(head["credits"]),
        credit_type=head["type"].lower(),
        event=event,
        once=period is None and bool(_ONCE.search(qualifier)),
        once_per_seconds=period,
    )


def _event(words: str) -> str:
    """``a phone number is revealed`` -> ``phone_number_revealed``."""
    return "_".join(word for word in re.findall(r"[a-z0-9]+", words.lower()) if word not in _FILLER)


# --------------------------------------------------------------------------- the comparison


def compare_limits(docs: DocSet, spec: dict[str, Any], spec_name: str) -> list[Finding]:
    """Every limit and credit cost where ``spec`` does not say what ``docs`` say (see the module docstring)."""
    return _Compare(read_limits(docs), spec, spec_name).run()


class _Compare:
    def __init__(self, limits: DocLimits, spec: dict[str, Any], spec_name: str) -> None:
        self.limits = limits
        self.spec = spec
        self.spec_name = spec_name
        self.info = as_dict(spec.get("info"))
        self.operations = list(SpecView(spec).operations.values())
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        if self.limits.documents_limits:
            self._rate_limits()
            self._usage_limits()
        if self.limits.documents_credit_costs:
            self._credit_costs()
        kinds = list(LIMIT_FINDING_KINDS)
        return sorted(
            dict.fromkeys(self.findings),
            key=lambda f: (f.operation is None, f.operation or "", f.subject, kinds.index(f.kind)),
        )

    def _add(self, kind: str, message: str, page: str, subject: str, edits: list[Edit], operation: str | None) -> None:
        finding = Finding(kind, message, page, operation, None, subject, tuple(dict.fromkeys(edits)))
        self.findings.append(finding)

    # ---------------------------------------------------------------- info tables

    def _table_edit(self, name: str, key: str, value: Any, everything: dict[str, Any], summary: str) -> Edit:
        """The edit that sets ``info[name][key]``: on the entry when the table is a mapping, else the whole table."""
        table = self.info.get(name)
        if isinstance(table, dict):
            op: _Setting = "replace" if key in table else "add"
            return Edit(op, pointer("info", name, key), value, summary)
        whole: _Setting = "replace" if name in self.info else "add"
        return Edit(whole, pointer("info", name), everything, summary)

    def _on_path(self, path: str) -> list[SpecOperation]:
        return [op for op in self.operations if path_key(op.path) == path_key(path)]

    def _rate_limits(self) -> None:
        page = self.limits.limits_page or ""
        table = self.info.get(RATE_LIMIT)
        documented = self.limits.rate_limits
        everything = {key: limit.as_spec() for key, limit in documented.items()}
        for key, limit in documented.items():
            said = table.get(key) if isinstance(table, dict) else None
            edits: list[Edit] = []
            if not _same(said, limit.as_spec()):
                summary = f"set info.{RATE_LIMIT}.{key} to {limit}"
                edits.append(self._table_edit(RATE_LIMIT, key, limit.as_spec(), everything, summary))
            operations = self._on_path(key) if key != DEFAULT else []
            missing_on_operation = False
            for op in operations:
                current = op.operation.get(RATE_LIMIT)
                if not _same(current, limit.as_spec()):
                    missing_on_operation = missing_on_operation or current is None
                    verb: _Setting = "replace" if RATE_LIMIT in op.operation else "add"
                    summary = f"set {RATE_LIMIT} of {op.label} to {limit}"
                    edits.append(Edit(verb, op.pointer + pointer(RATE_LIMIT), limit.as_spec(), summary))
            if not edits:
                continue
            where = "by default" if key == DEFAULT else f"for {key}"
            absent = table is None or (isinstance(table, dict) and key not in table)
            if absent:
                kind = "rate-limit-missing-from-spec"
                message = f"the docs allow {limit} {where}; {self.spec_name} records no such limit"
            elif not _same(said, limit.as_spec()):
                kind = "rate-limit-mismatch"
                shown = _show_rate(said) if isinstance(table, dict) else repr(table)
                message = f"the docs allow {limit} {where}; {self.spec_name} says {shown}"
            elif missing_on_operation:
                kind = "rate-limit-missing-from-spec"
                message = f"the docs allow {limit} {where}; {self.spec_name} does not record it on the operation"
            else:
                kind = "rate-limit-mismatch"
                message = f"the docs allow {limit} {where}; {self.spec_name} says {_show_rate_ops(operations)}"
            label = operations[0].label if len(operations) == 1 else None
            self._add(kind, message, page, f"rate limit {key}", edits, label)
        self._rate_limits_gone(table, page)

    def _rate_limits_gone(self, table: Any, page: str) -> None:
        documented = self.limits.rate_limits
        handled: set[str] = set()
        if isinstance(table, dict):
            for key in table:
                if key in documented:
                    continue
                operations = self._on_path(key) if key != DEFAULT else []
                edits = [Edit("remove", pointer("info", RATE_LIMIT, key), summary=f"drop info.{RATE_LIMIT}.{key}")]
                for op in operations:
                    if RATE_LIMIT in op.operation:
                        handled.add(op.pointer)
                        edits.append(
                            Edit("remove", op.pointer + pointer(RATE_LIMIT), summary=f"drop {RATE_LIMIT} of {op.label}")
                        )
                where = "a default" if key == DEFAULT else f"one for {key}"
                self._add(
                    "rate-limit-no-longer-documented",
                    f"{self.spec_name} records {where} ({_show_rate(table[key])}); the docs' Limits section lists none",
                    page,
                    f"rate limit {key}",
                    edits,
                    operations[0].label if len(operations) == 1 else None,
                )
        for op in self.operations:
            if RATE_LIMIT in op.operation and op.pointer not in handled and self.limits.route_limit(op.path) is None:
                self._add(
                    "rate-limit-no-longer-documented",
                    f"{self.spec_name} gives {op.label} a rate limit ({_show_rate(op.operation[RATE_LIMIT])}); "
                    f"the docs' Limits section lists none for {op.path}",
                    page,
                    f"rate limit {op.path}",
                    [Edit("remove", op.pointer + pointer(RATE_LIMIT), summary=f"drop {RATE_LIMIT} of {op.label}")],
                    op.label,
                )

    def _usage_limits(self) -> None:
        page = self.limits.limits_page or ""
        table = self.info.get(USAGE_LIMITS)
        documented = self.limits.usage_limits
        everything = {key: limit.as_spec() for key, limit in documented.items()}
        for key, limit in documented.items():
            said = table.get(key) if isinstance(table, dict) else None
            if _same(said, limit.as_spec()):
                continue
            edit = self._table_edit(USAGE_LIMITS, key, limit.as_spec(), everything, f"set {key} to {limit}")
            if said is None:
                kind, message = "usage-limit-missing-from-spec", f"{self.spec_name} records no such limit"
            else:
                kind, message = "usage-limit-mismatch", f"{self.spec_name} says {_show_usage(said)}"
            self._add(kind, f"the docs limit {key} to {limit}; {message}", page, f"usage limit {key}", [edit], None)
        if isinstance(table, dict):
            for key in table:
                if key not in documented:
                    self._add(
                        "usage-limit-no-longer-documented",
                        f"{self.spec_name} limits {key} to {_show_usage(table[key])}; the docs' Limits section "
                        "lists no such limit",
                        page,
                        f"usage limit {key}",
                        [Edit("remove", pointer("info", USAGE_LIMITS, key), summary=f"drop {key}")],
                        None,
                    )

    # ---------------------------------------------------------------- credit costs

    def _credit_costs(self) -> None:
        for op in self.operations:
            costs = self.limits.costs_of(op.method, op.path)
            current = op.operation.get(CREDIT_COST)
            at = op.pointer + pointer(CREDIT_COST)
            if costs:
                self._documented_costs(op, costs, current, at)
            elif current is not None:
                page = self.limits.operations.get((op.method, path_key(op.path)))
                if page is not None:
                    self._undocumented_costs(op, current, at, page)

    def _documented_costs(self, op: SpecOperation, costs: tuple[CreditCost, ...], current: Any, at: str) -> None:
        page = self.limits.credit_page(op.method, op.path)
        whole = [cost.as_spec() for cost in costs]
        structured = isinstance(current, list) and all(_cost_key(entry) for entry in current)
        if not structured:
            verb: _Setting = "add" if current is None else "replace"
            edit = Edit(verb, at, whole, f"set {CREDIT_COST} of {op.label} to the documented costs")
            for cost in costs:
                kind = "credit-cost-missing-from-spec" if current is None else "credit-cost-mismatch"
                said = "records no credit cost" if current is None else f"says {current!r}"
                message = f"the docs charge {cost}; {self.spec_name} {said}"
                self._add(kind, message, page, _cost_subject(cost), [edit], op.label)
            return
        entries: list[Any] = current
        index: dict[tuple[str, str] | None, int] = {}
        for position, entry in enumerate(entries):
            index.setdefault(_cost_key(entry), position)
        for cost in costs:
            found = index.get(cost.key)
            if found is None:
                edit = Edit("add", f"{at}/-", cost.as_spec(), f"add {cost} to {op.label}")
                message = f"the docs charge {cost}; {self.spec_name} does not record it"
                self._add("credit-cost-missing-from-spec", message, page, _cost_subject(cost), [edit], op.label)
            elif not _same(entries[found], cost.as_spec()):
                edit = Edit("replace", f"{at}/{found}", cost.as_spec(), f"set {cost} on {op.label}")
                message = f"the docs charge {cost}; {self.spec_name} says {_show_cost(entries[found])}"
                self._add("credit-cost-mismatch", message, page, _cost_subject(cost), [edit], op.label)
        documented = {cost.key for cost in costs}
        for position, entry in enumerate(entries):
            key = _cost_key(entry)
            if key not in documented or index.get(key) != position:
                edit = Edit("remove", f"{at}/{position}", summary=f"drop {_show_cost(entry)} from {op.label}")
                message = f"{self.spec_name} charges {_show_cost(entry)}; the docs list no such cost"
                subject = f"credit cost {key[0]} {key[1]}" if key else f"credit cost {position}"
                self._add("credit-cost-no-longer-documented", message, page, subject, [edit], op.label)

    def _undocumented_costs(self, op: SpecOperation, current: Any, at: str, page: str) -> None:
        edit = Edit("remove", at, summary=f"drop {CREDIT_COST} of {op.label}")
        entries = current if isinstance(current, list) and current else [current]
        for position, entry in enumerate(entries):
            key = _cost_key(entry)
            subject = f"credit cost {key[0]} {key[1]}" if key else f"credit cost {position}"
            message = f"{self.spec_name} charges {_show_cost(entry)}; the operation's page lists no credit cost"
            self._add("credit-cost-no-longer-documented", message, page, subject, [edit], op.label)


def _same(said: Any, documented: dict[str, Any]) -> bool:
    """Whether a spec's entry gives the documented numbers (its ``x-`` annotations aside)."""
    if not isinstance(said, dict):
        return False
    return {k: v for k, v in said.items() if not str(k).startswith("x-")} == documented


def _cost_key(entry: Any) -> tuple[str, str] | None:
    if isinstance(entry, dict) and isinstance(entry.get("credit_type"), str) and isinstance(entry.get("event"), str):
        return (entry["credit_type"], entry["event"])
    return None


def _cost_subject(cost: CreditCost) -> str:
    return f"credit cost {cost.credit_type} {cost.event}"


def _show_rate(value: Any) -> str:
    if (
        isinstance(value, dict)
        and isinstance(value.get("requests"), int)
        and isinstance(value.get("period_seconds"), int)
    ):
        return str(RateLimit(value["requests"], value["period_seconds"]))
    return "nothing" if value is None else repr(value)


def _show_rate_ops(operations: list[SpecOperation]) -> str:
    return "; ".join(f"{_show_rate(op.operation.get(RATE_LIMIT))} on {op.label}" for op in operations)


def _show_usage(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("limit"), int):
        period, per = value.get("period_seconds"), value.get("per")
        if isinstance(period, int) or isinstance(per, str):
            return str(UsageLimit(value["limit"], period if isinstance(period, int) else None, per))
    return repr(value)


def _show_cost(value: Any) -> str:
    if _cost_key(value) and isinstance(value.get("credits"), int | float):
        period = value.get("once_per_seconds")
        return str(
            CreditCost(
                value["credits"],
                value["credit_type"],
                value["event"],
                bool(value.get("once")),
                period if isinstance(period, int) else None,
            )
        )
    return repr(value)
