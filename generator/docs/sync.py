"""Bring a spec up to date with the documentation: apply the edit of every drift finding.

The upstream spec stays the project's transcription of the vendor docs (our descriptions, the
docs' facts), so re-harvesting never rewrites it: :func:`sync` compares it with the docs and
changes exactly what drift finds different, and nothing when the docs have not moved.  Edits
can enable further findings (an operation added in one round gets its parameters in the next),
so rounds repeat until nothing is left to edit; an edit that would not stick stops the loop.
Components that only a removed operation used are removed with it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from .drift import drift_report
from .edits import Edit, apply_edits
from .findings import Finding
from .model import DocSet

__all__ = ["SyncResult", "sync"]

MAX_ROUNDS = 5
_REF = re.compile(r"^#/components/(?P<kind>[^/]+)/(?P<name>[^/]+)$")


@dataclass
class SyncResult:
    """The edited document, the findings whose edits were applied, and what is left."""

    document: dict[str, Any]
    applied: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied or self.pruned)

    @property
    def edits(self) -> list[Edit]:
        return [edit for finding in self.applied for edit in finding.edits]


def sync(docs: DocSet, spec: dict[str, Any], *, spec_name: str) -> SyncResult:
    """``spec`` edited until drift from ``docs`` finds nothing it knows how to edit (``spec`` is not changed)."""
    document = copy.deepcopy(spec)
    result = SyncResult(document)
    seen: set[tuple[str, str, str]] = set()
    for _ in range(MAX_ROUNDS):
        report = drift_report(docs, document, spec_name=spec_name)
        result.notes = report.notes
        actionable = [finding for finding in report.findings if finding.edits and finding.key not in seen]
        result.remaining = [finding for finding in report.findings if finding not in actionable]
        if not actionable:
            break
        before = document
        document = apply_edits(document, [edit for finding in actionable for edit in finding.edits])
        result.pruned += _prune(before, document)
        result.applied += actionable
        seen.update(finding.key for finding in actionable)
    result.document = document
    return result


def _prune(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Remove (in place) the components ``before`` used and ``after`` no longer does; their names."""
    gone = sorted(_used(before) - _used(after))
    components = after.get("components")
    removed = []
    for kind, name in gone:
        group = components.get(kind) if isinstance(components, dict) else None
        if isinstance(group, dict) and name in group:
            del group[name]
            removed.append(f"#/components/{kind}/{name}")
    return removed


def _used(document: dict[str, Any]) -> set[tuple[str, str]]:
    """Components reachable from everything outside ``components`` (paths, webhooks, security...)."""
    components = document.get("components") if isinstance(document.get("components"), dict) else {}
    roots = {key: value for key, value in document.items() if key != "components"}
    found: set[tuple[str, str]] = set()
    pending = list(_refs(roots))
    for kind, names in (components or {}).items():
        if kind == "securitySchemes" and isinstance(names, dict):
            found.update((kind, str(name)) for name in names)
    while pending:
        target = pending.pop()
        if target in found:
            continue
        found.add(target)
        group = (components or {}).get(target[0])
        if isinstance(group, dict) and target[1] in group:
            pending.extend(_refs(group[target[1]]))
    return found


def _refs(node: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            match = _REF.match(ref) if isinstance(ref, str) else None
            if match:
                found.append((match["kind"], match["name"].replace("~1", "/").replace("~0", "~")))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found
