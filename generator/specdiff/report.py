"""Render a diff as text, markdown (a pull-request changelog), json or GitHub Actions annotations."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from .engine import Change
from .loader import Spec
from .registry import LEVELS, RULES, Level

__all__ = ["FORMATS", "ApiChangeLike", "Report", "render"]

FORMATS = ("text", "markdown", "json", "github")


class ApiChangeLike(Protocol):
    """What the report needs of a generated-Python-API change (``generator.pyapi.ApiChange``)."""

    @property
    def kind(self) -> str: ...
    @property
    def symbol(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def old(self) -> str | None: ...
    @property
    def new(self) -> str | None: ...
    @property
    def level(self) -> str: ...
    @property
    def note(self) -> str | None: ...


@dataclass
class Report:
    """Everything one diff found.

    With the generated Python API (``api``), each wire change is linked to the Python API changes it
    causes (``impact``), and its level is the worse of its rule's (the wire level) and theirs
    (``level``): renaming a response property is WARN on the wire but removes a generated attribute,
    which is ERR.  The counts, ``--fail-on`` and every format use that level and show both.  Python
    API changes no wire change accounts for are counted on their own.
    """

    old: Spec
    new: Spec
    changes: list[Change]
    api: Sequence[ApiChangeLike] = field(default_factory=list)
    impacts: list[tuple[ApiChangeLike, ...]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.impacts = [tuple(_linked(self, change)) for change in self.changes] if self.api else []
        if self.impacts:
            order = sorted(range(len(self.changes)), key=lambda i: LEVELS.index(self.level(i)))
            self.changes = [self.changes[i] for i in order]
            self.impacts = [self.impacts[i] for i in order]

    def impact(self, index: int) -> tuple[ApiChangeLike, ...]:
        """The Python API changes that wire change ``index`` causes."""
        return self.impacts[index] if self.impacts else ()

    def level(self, index: int) -> Level:
        """Change ``index``'s level: its rule's, raised to the worst of its Python API impact."""
        wire = self.changes[index].level
        levels = [wire, *(c.level for c in self.impact(index) if c.level in LEVELS)]
        return min(levels, key=LEVELS.index)

    def escalated(self, index: int) -> bool:
        return self.level(index) != self.changes[index].level

    def unlinked_api(self) -> list[ApiChangeLike]:
        """Python API changes that no wire change accounts for."""
        linked = {id(c) for impact in self.impacts for c in impact}
        return [c for c in self.api if id(c) not in linked]

    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter(dict.fromkeys(LEVELS, 0))
        counts.update(self.level(index) for index in range(len(self.changes)))
        counts.update(change.level for change in self.unlinked_api())
        return counts

    def fails(self, threshold: Level | None) -> bool:
        if threshold is None:
            return False
        worst = LEVELS[: LEVELS.index(threshold) + 1]
        return any(self.counts()[level] for level in worst)


def _api_line(change: ApiChangeLike) -> str:
    detail = change.new if change.kind != "removed" else change.old
    text = f"{change.kind} {change.what} {change.symbol}"
    if change.kind == "changed":
        text += f": {change.old} -> {change.new}"
    elif detail:
        text += f" {detail}" if detail.startswith("(") else f": {detail}"
    return text + (f" ({change.note})" if change.note else "")


# ----------------------------------------------------------------------------------------------------------------------
# Linking wire changes to the Python API changes they cause.  The generated names follow the spec's names:
# a property ``fooBar`` is the field ``foo_bar``, an operation ``listItems`` the module ``.../list_items.py``,
# a parameter ``q`` the keyword ``q``, a schema ``Item`` the module ``models/item.py``.

_PROPERTY = re.compile(r" property (?P<path>\S+)$")


def _snake(name: str) -> str:
    """openapi-python-client's Python name for a spec name (``fooBar``, ``foo-bar`` -> ``foo_bar``)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    return re.sub(r"[^a-zA-Z0-9]+", "_", text).strip("_").lower()


def _operation_ids(report: Report, change: Change) -> list[str]:
    """operationIds of the operation(s) a change is about, in either spec (an operationId may be what changed)."""
    items: list[Any] = []
    for spec in (report.old, report.new):
        paths = spec.document.get("paths") or {}
        if change.operation and not change.operation.startswith("WEBHOOK "):
            method, _, path = change.operation.partition(" ")
            items.append((paths.get(path) or {}).get(method.lower()))
        elif change.operation is None and "path" in change.params:
            items += list((paths.get(change.params["path"]) or {}).values())
    found = [str(item["operationId"]) for item in items if isinstance(item, dict) and item.get("operationId")]
    return list(dict.fromkeys(found))


def _kind(change: Change) -> str:
    words = set(change.id.split("-"))
    return "removed" if "removed" in words else "added" if "added" in words or "new" in words else "changed"


def _linked(report: Report, change: Change) -> list[ApiChangeLike]:
    """The Python API changes ``change`` probably causes, matched by the generated names."""
    where = change.params.get("where")
    match = _PROPERTY.search(where) if isinstance(where, str) else None
    if match:  # a property of a body: the field of that name
        name = _snake(match["path"].split(".")[-1].replace("[]", ""))
        kind = _kind(change)
        return [
            c
            for c in report.api
            if c.what == "field" and c.kind == kind and c.symbol.rsplit(".", 1)[-1] == name and name
        ]
    modules = [f".{_snake(op_id)}." for op_id in _operation_ids(report, change)]
    if change.rule.family == "parameters" and "name" in change.params:  # a keyword of the operation's functions
        keyword = re.compile(rf"\bparameter {re.escape(_snake(change.params['name']))}\b")
        return [
            c
            for c in report.api
            if c.what in ("function", "method")
            and any(m in c.symbol for m in modules)
            and _about_keyword(c.note or "", keyword)
        ]
    if change.rule.family == "endpoints" and _kind(change) != "added":
        return [c for c in report.api if c.kind == "removed" and any(m in c.symbol for m in modules)]
    if change.id == "api-schema-removed" and "name" in change.params:
        module = f".models.{_snake(change.params['name'])}."
        return [c for c in report.api if c.kind == "removed" and c.what == "class" and module in c.symbol]
    return []


def _about_keyword(note: str, keyword: re.Pattern[str]) -> bool:
    """Whether a function's change note says something about the keyword that can break a caller.

    A new optional keyword breaks nobody, and the function's level may come from another of its keywords.
    """
    reasons = [reason for reason in note.split("; ") if keyword.search(reason)]
    return any(not reason.startswith("new optional") for reason in reasons)


def _impact_line(change: ApiChangeLike) -> str:
    """One Python API change in a few words: its level, what happened to which name, and why."""
    return f"{change.level} {change.kind} {change.what} {change.symbol}" + (f" ({change.note})" if change.note else "")


def _impact_text(impact: Sequence[ApiChangeLike]) -> str:
    return "; ".join(_impact_line(c) for c in impact)


def _api_fingerprint(change: ApiChangeLike) -> str:
    return hashlib.sha256(f"python-api\0{change.kind}\0{change.what}\0{change.symbol}".encode()).hexdigest()[:16]


def _summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(f"{counts[level]} {level}" for level in LEVELS)


def render_text(report: Report) -> str:
    lines = [f"{report.old.label} -> {report.new.label}", _summary(report.counts())]
    for index, change in enumerate(report.changes):
        op = f"{change.operation}  " if change.operation else ""
        lines.append(f"{report.level(index):<4} {change.id:<44} {op}{change.message}")
        if report.escalated(index):
            lines.append(f"     {'':<44} wire level {change.level}; {report.level(index)} in the generated Python API:")
        lines += [f"     {'':<44}   {_impact_line(c)}" for c in report.impact(index)]
    if report.api:
        lines.append("generated Python API:")
        lines += [f"{change.level:<4} {_api_line(change)}" for change in report.api]
    return "\n".join(lines) + "\n"


_HEADINGS = {"ERR": "Breaking changes", "WARN": "Warnings", "INFO": "Other changes"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    counts = report.counts()
    lines = [
        f"## API changes: `{report.old.label}` → `{report.new.label}`",
        "",
        " · ".join(f"**{counts[level]}** {level}" for level in LEVELS),
        "",
    ]
    if not report.changes and not report.api:
        return "\n".join([*lines, "No changes.", ""])
    for level in LEVELS:
        chosen = [i for i, _ in enumerate(report.changes) if report.level(i) == level]
        if not chosen:
            continue
        table = ["| Operation | Change | Rule |", "|---|---|---|"]
        if report.api:
            table = ["| Operation | Change | Rule (wire level) | Python API impact |", "|---|---|---|---|"]
        for i in chosen:
            c = report.changes[i]
            row = f"| {'`' + c.operation + '`' if c.operation else '(API)'} | {_cell(c.message)} | `{c.id}`"
            if report.api:
                escalated = f" → **{report.level(i)}** in Python" if report.escalated(i) else ""
                impact = "<br>".join(
                    f"**{a.level}** {a.kind} {a.what} `{a.symbol}`" + (f" ({_cell(a.note)})" if a.note else "")
                    for a in report.impact(i)
                )
                row += f" ({c.level}{escalated}) | {impact}"
            table.append(row + " |")
        if level == "INFO":
            lines += [
                f"<details><summary>{_HEADINGS[level]} ({len(chosen)})</summary>",
                "",
                *table,
                "",
                "</details>",
                "",
            ]
        else:
            lines += [f"### {_HEADINGS[level]} ({len(chosen)})", "", *table, ""]
    if report.api:
        lines += ["### Generated Python API", ""]
        lines += [f"- **{c.level}** {_cell(_api_line(c))}" for c in report.api]
        lines.append("")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    counts = report.counts()
    causes: dict[int, list[str]] = {}
    for index, change in enumerate(report.changes):
        for api_change in report.impact(index):
            causes.setdefault(id(api_change), []).append(change.fingerprint)
    data: dict[str, Any] = {
        "old": report.old.label,
        "new": report.new.label,
        "summary": {level: counts[level] for level in LEVELS},
        "changes": [
            {
                "id": c.id,
                "level": report.level(i),
                "wire_level": c.level,
                "python_api_impact": [_api_fingerprint(a) for a in report.impact(i)],
                "direction": c.rule.direction,
                "operation": c.operation,
                "location": c.location,
                "side": c.side,
                "message": c.message,
                "params": {key: _jsonable(value) for key, value in c.params.items()},
                "fingerprint": c.fingerprint,
            }
            for i, c in enumerate(report.changes)
        ],
        "python_api": [
            {
                "level": c.level,
                "kind": c.kind,
                "what": c.what,
                "symbol": c.symbol,
                "old": c.old,
                "new": c.new,
                "note": c.note,
                "fingerprint": _api_fingerprint(c),
                "caused_by": causes.get(id(c), []),
            }
            for c in report.api
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


_ANNOTATION = {"ERR": "error", "WARN": "warning", "INFO": "notice"}


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


class _Lines:
    """Line numbers of JSON pointers in a spec's root document (parsed once, on demand)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._root: yaml.Node | None = None
        self._parsed = False

    def line(self, pointer: tuple[str, ...]) -> int | None:
        if not self._parsed:
            self._parsed = True
            try:
                self._root = yaml.compose(self.spec.text) if self.spec.text else None
            except yaml.YAMLError:
                self._root = None
        node = self._root
        line: int | None = None
        for part in pointer:
            if isinstance(node, yaml.MappingNode):
                pair = next(((key, value) for key, value in node.value if key.value == part), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
                node = node.value[int(part)]
                line = node.start_mark.line + 1
            else:
                break
        return line


def render_github(report: Report) -> str:
    lines: list[str] = []
    finders = {"old": _Lines(report.old), "new": _Lines(report.new)}
    for index, change in enumerate(report.changes):
        spec = report.old if change.side == "old" else report.new
        line = finders[change.side].line(change.pointer)
        where = f"file={_escape(spec.root_name, prop=True)}" + (f",line={line}" if line else "")
        title = _escape(f"{change.id}" + (f" ({change.operation})" if change.operation else ""), prop=True)
        message = change.message
        if report.impact(index):
            escalated = f"; {report.level(index)} in the generated Python API" if report.escalated(index) else ""
            message += f" (wire level {change.level}{escalated}: {_impact_text(report.impact(index))})"
        lines.append(f"::{_ANNOTATION[report.level(index)]} {where},title={title}::{_escape(message)}")
    for api_change in report.api:
        title = _escape(f"python-api-{api_change.kind}", prop=True)
        lines.append(
            f"::{_ANNOTATION[api_change.level]} file={_escape(report.new.root_name, prop=True)},title={title}"
            f"::{_escape(_api_line(api_change))}"
        )
    counts = report.counts()
    lines.append(_summary(counts))
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str) -> str:
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json, "github": render_github}
    return renderers[fmt](report)


def rules_table() -> str:
    """The rule registry as a markdown table (``python -m generator diff --list-rules``)."""
    lines = [
        "# Spec diff rules",
        "",
        "Generated by `python -m generator diff --list-rules > docs/diff-rules.md`; a test keeps it current.",
        "Where our level differs from oasdiff's, the oasdiff column gives theirs and the last column says why.",
        "",
        "| Rule | Level | Direction | Family | Message | oasdiff level | Why ours differs |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in sorted(RULES.values(), key=lambda r: (r.family, r.id)):
        lines.append(
            f"| `{rule.id}` | {rule.level} | {rule.direction} | {rule.family} | {_cell(rule.message)} "
            f"| {rule.oasdiff_level or ''} | {_cell(rule.why or '')} |"
        )
    counts = Counter((rule.level, rule.direction) for rule in RULES.values())
    lines.append("")
    lines.append(
        f"{len(RULES)} rules: "
        + "; ".join(
            f"{level} {sum(n for (lv, _), n in counts.items() if lv == level)} "
            f"({', '.join(f'{d} {counts[(level, d)]}' for d in ('request', 'response', 'none') if counts[(level, d)])})"
            for level in LEVELS
        )
    )
    return "\n".join(lines) + "\n"
