"""Build the curated spec: upstream + fixes (an Overlay), validated, example-checked, linted."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._yamlio import dump_yaml, load_document
from .lint import LintResult, run_linters
from .overlay import ActionReport, OverlayError, apply_overlay
from .validation import check_examples, structural_errors
from .vendors import Vendor

__all__ = ["BuildResult", "SpecBuildError", "build_curated", "build_spec", "curated_text", "validate_fixes"]

CURATED_HEADER = (
    "# Curated spec: built by `make spec` from upstream.yaml with the fixes in fixes.yaml applied.\n"
    "# Do not edit by hand; change fixes.yaml (or re-harvest upstream.yaml) and rebuild.\n"
)

_FIX_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DESCRIPTION_PARTS = ("Docs:", "Evidence:", "Decision:")


class SpecBuildError(RuntimeError):
    """The spec could not be built; the message says which file, action, JSON path and why."""


@dataclass
class BuildResult:
    """The curated document and what went into it."""

    document: dict[str, Any]
    reports: list[ActionReport]
    lint: list[LintResult] = field(default_factory=list)
    example_problems: list[str] = field(default_factory=list)

    @property
    def operations(self) -> int:
        methods = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
        return sum(1 for item in self.document.get("paths", {}).values() for key in item if key in methods)

    @property
    def schemas(self) -> int:
        return len(self.document.get("components", {}).get("schemas", {}))


def validate_fixes(overlay: Any, *, name: str = "fixes.yaml") -> None:
    """House rules for a fixes document, on top of the Overlay format itself."""
    if not isinstance(overlay, dict) or not isinstance(overlay.get("actions"), list):
        raise SpecBuildError(f"{name}: not an Overlay document (an 'actions' list is required)")
    seen: set[str] = set()
    for index, action in enumerate(overlay["actions"], start=1):
        action_id = action.get("x-id") if isinstance(action, dict) else None
        where = f"{name}: action #{index} ({action_id or 'no x-id'})"
        if not isinstance(action_id, str) or not _FIX_ID.match(action_id):
            raise SpecBuildError(f"{where}: every action needs a kebab-case 'x-id'")
        if action_id in seen:
            raise SpecBuildError(f"{where}: duplicate x-id")
        seen.add(action_id)
        description = action.get("description")
        if not isinstance(description, str):
            raise SpecBuildError(f"{where}: every action needs a description")
        missing = [part for part in _DESCRIPTION_PARTS if part not in description]
        if missing:
            raise SpecBuildError(f"{where}: the description must say {', '.join(missing)}")


def _rel(vendor: Vendor, path: Path) -> str:
    return path.relative_to(vendor.root).as_posix()


def touching(reports: list[ActionReport], location: str) -> list[str]:
    """The actions (``#N (x-id)``) that changed ``location`` or something inside or around it."""
    names = []
    for report in reports:
        if any(location.startswith(loc) or loc.startswith(location) for loc in report.locations):
            names.append(f"#{report.index} ({report.action_id})")
    return names


def curate(
    upstream: Any,
    fixes: Any,
    *,
    errors_of: Callable[[Any], list[str]],
    kind: str,
    upstream_name: str,
    fixes_name: str,
    curated_name: str,
    skip_stale: bool = False,
) -> tuple[Any, list[ActionReport]]:
    """Validate ``upstream`` (``errors_of``), check and apply ``fixes``, validate the result.

    Shared by every curated document (an API spec, the webhook schemas); each error names the
    file, and a problem in the result names the actions that touched its location.
    """
    problems = errors_of(upstream)
    if problems:
        raise SpecBuildError(f"{upstream_name} is not a valid {kind}:\n  " + "\n  ".join(problems[:20]))
    validate_fixes(fixes, name=fixes_name)
    try:
        curated, reports = apply_overlay(upstream, fixes, skip_stale=skip_stale)
    except OverlayError as exc:
        raise SpecBuildError(f"{fixes_name}: {exc}") from exc
    problems = errors_of(curated)
    if problems:
        lines = []
        for text in problems[:20]:
            culprits = touching(reports, text.split(":", 1)[0])
            lines.append(text + (f" (changed by action {', '.join(culprits)})" if culprits else ""))
        raise SpecBuildError(f"{curated_name} is not a valid {kind}:\n  " + "\n  ".join(lines))
    return curated, reports


def build_curated(vendor: Vendor, *, skip_stale: bool = False, examples_fatal: bool = True) -> BuildResult:
    """Apply the fixes and validate; no linting, nothing written.

    The update pipeline, after a re-harvest, relaxes two checks so that it can show
    everything that changed: ``skip_stale`` skips (and reports, as ``kind == "stale"``)
    fixes whose target no longer exists, and ``examples_fatal=False`` lists examples
    that contradict their schema in ``example_problems`` instead of failing.
    """
    curated, reports = curate(
        load_document(vendor.upstream),
        load_document(vendor.fixes),
        errors_of=structural_errors,
        kind="OpenAPI document",
        upstream_name=_rel(vendor, vendor.upstream),
        fixes_name=_rel(vendor, vendor.fixes),
        curated_name="the curated spec",
        skip_stale=skip_stale,
    )
    example_problems = check_examples(curated)
    if example_problems and not examples_fatal:
        return BuildResult(
            curated,
            reports,
            example_problems=[f"{p.location}: example does not match its schema: {p.reason}" for p in example_problems],
        )
    if example_problems:
        lines = []
        for problem in example_problems:
            culprits = touching(reports, problem.location)
            origin = (
                f"changed by action {', '.join(culprits)}" if culprits else "as in upstream.yaml; no fix touches it"
            )
            lines.append(f"{problem.location}: example does not match its schema: {problem.reason} ({origin})")
        raise SpecBuildError(
            f"{len(lines)} example(s) in the curated spec contradict their schema:\n  " + "\n  ".join(lines)
        )
    return BuildResult(curated, reports)


def curated_text(document: dict[str, Any]) -> str:
    return CURATED_HEADER + dump_yaml(document)


def build_spec(vendor: Vendor, *, lint: bool = True, write: bool = True) -> BuildResult:
    """Build, lint and (optionally) write ``openapi.yaml``.  Raises ``SpecBuildError``."""
    result = build_curated(vendor)
    text = curated_text(result.document)
    if lint:
        with tempfile.TemporaryDirectory() as tmp:
            candidate = Path(tmp) / "openapi.yaml"
            candidate.write_text(text, encoding="utf-8")
            result.lint = run_linters(candidate)
        dirty = [r for r in result.lint if not r.clean]
        if dirty:
            details = "\n  ".join(m for r in dirty for m in r.messages[:40])
            raise SpecBuildError(
                "linters report problems in the curated spec ("
                + "; ".join(r.summary() for r in result.lint)
                + "):\n  "
                + details
            )
    if write:
        vendor.curated.write_text(text, encoding="utf-8")
    return result
