"""Render a diff as text, markdown (a pull-request changelog), json or GitHub Actions annotations."""

from __future__ import annotations

import hashlib
import json
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
    """Everything one diff found."""

    old: Spec
    new: Spec
    changes: list[Change]
    api: Sequence[ApiChangeLike] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter(dict.fromkeys(LEVELS, 0))
        counts.update(change.level for change in self.changes)
        counts.update(change.level for change in self.api)
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


def _api_fingerprint(change: ApiChangeLike) -> str:
    return hashlib.sha256(f"python-api\0{change.kind}\0{change.what}\0{change.symbol}".encode()).hexdigest()[:16]


def _summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(f"{counts[level]} {level}" for level in LEVELS)


def render_text(report: Report) -> str:
    lines = [f"{report.old.label} -> {report.new.label}", _summary(report.counts())]
    for change in report.changes:
        op = f"{change.operation}  " if change.operation else ""
        lines.append(f"{change.level:<4} {change.id:<44} {op}{change.message}")
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
        chosen = [c for c in report.changes if c.level == level]
        if not chosen:
            continue
        table = ["| Operation | Change | Rule |", "|---|---|---|"]
        table += [
            f"| {'`' + c.operation + '`' if c.operation else '(API)'} | {_cell(c.message)} | `{c.id}` |" for c in chosen
        ]
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
    data: dict[str, Any] = {
        "old": report.old.label,
        "new": report.new.label,
        "summary": {level: counts[level] for level in LEVELS},
        "changes": [
            {
                "id": c.id,
                "level": c.level,
                "direction": c.rule.direction,
                "operation": c.operation,
                "location": c.location,
                "side": c.side,
                "message": c.message,
                "params": {key: _jsonable(value) for key, value in c.params.items()},
                "fingerprint": c.fingerprint,
            }
            for c in report.changes
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
    for change in report.changes:
        spec = report.old if change.side == "old" else report.new
        line = finders[change.side].line(change.pointer)
        where = f"file={_escape(spec.root_name, prop=True)}" + (f",line={line}" if line else "")
        title = _escape(f"{change.id}" + (f" ({change.operation})" if change.operation else ""), prop=True)
        lines.append(f"::{_ANNOTATION[change.level]} {where},title={title}::{_escape(change.message)}")
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
