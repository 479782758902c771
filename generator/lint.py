"""Run the pinned npm linters (Spectral ``spectral:oas`` and Redocly ``recommended``)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .vendors import PROJECT_ROOT

__all__ = ["LintResult", "LinterMissing", "run_linters", "run_redocly", "run_spectral"]

_BIN = PROJECT_ROOT / "node_modules" / ".bin"


class LinterMissing(RuntimeError):
    """The npm linters are not installed (run ``make node_modules``)."""


@dataclass
class LintResult:
    """Counts and messages from one linter run."""

    linter: str
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.errors == 0 and self.warnings == 0

    def summary(self) -> str:
        return f"{self.linter}: {self.errors} errors, {self.warnings} warnings, {self.infos} infos/hints"


def _tool(name: str) -> Path:
    path = _BIN / name
    if not path.exists():
        raise LinterMissing(f"{name} is not installed under node_modules; run `make node_modules` (npm ci)")
    return path


def _run(command: list[str]) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    out = completed.stdout.strip()
    if not out.startswith(("[", "{")):
        raise RuntimeError(f"{command[0]} failed (exit {completed.returncode}): {completed.stderr.strip() or out}")
    return out


def run_spectral(spec: Path) -> LintResult:
    """Spectral with the ruleset in ``.spectral.yaml`` (``spectral:oas``)."""
    out = _run(
        [
            str(_tool("spectral")),
            "lint",
            "--format",
            "json",
            "--quiet",
            "--ruleset",
            str(PROJECT_ROOT / ".spectral.yaml"),
            str(spec),
        ]
    )
    result = LintResult("spectral")
    for item in json.loads(out):
        severity = item.get("severity", 0)
        path = ".".join(str(p) for p in item.get("path", []))
        message = f"[{item.get('code')}] {path}: {item.get('message')}"
        if severity == 0:
            result.errors += 1
        elif severity == 1:
            result.warnings += 1
        else:
            result.infos += 1
        result.messages.append(("error " if severity == 0 else "warning " if severity == 1 else "info ") + message)
    return result


def run_redocly(spec: Path) -> LintResult:
    """Redocly with the config in ``redocly.yaml`` (``recommended``)."""
    out = _run(
        [str(_tool("redocly")), "lint", "--format", "json", "--config", str(PROJECT_ROOT / "redocly.yaml"), str(spec)]
    )
    data = json.loads(out)
    result = LintResult("redocly")
    for problem in data.get("problems", []):
        severity = problem.get("severity")
        pointer = (problem.get("location") or [{}])[0].get("pointer", "")
        message = f"[{problem.get('ruleId')}] {pointer}: {problem.get('message')}"
        if severity == "error":
            result.errors += 1
        elif severity == "warn":
            result.warnings += 1
        else:
            result.infos += 1
        result.messages.append(f"{severity} {message}")
    return result


def run_linters(spec: Path) -> list[LintResult]:
    return [run_spectral(spec), run_redocly(spec)]
