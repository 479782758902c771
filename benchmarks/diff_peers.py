"""Our spec differ and Optic side by side on the labelled pairs in ``benchmarks/diff_pairs/``.

``benchmarks/diff_pairs/pairs.yaml`` lists small spec pairs (``<id>/old.yaml`` -> ``<id>/new.yaml``), each
labelled ``breaking`` or ``non-breaking`` for a caller of the generated Python client, with a one-line
reason.  Both tools run the way a user runs them in CI, one process per pair:

- ours: ``python -m generator diff OLD NEW --format json``; a pair is flagged when the report has at least
  one ``ERR`` change; exit status 2 (or output that is not the JSON report) means it could not read the pair.
- Optic (``@useoptic/optic``, pinned in package.json): ``optic diff OLD NEW --check --json --standard
  benchmarks/diff_pairs/optic-standard.yml`` (its ``breaking-changes`` ruleset); a pair is flagged when
  the checks fail (exit status 1 with the JSON diff on stdout); no JSON diff on stdout means it could not
  read the pair.  Telemetry and the update check are switched off; nothing needs the network or an account.

Printed per tool: breaking pairs caught, false alarms on non-breaking pairs, unreadable pairs, wall seconds
for the whole corpus, and the pairs it got wrong.  Figures, never assertions.  Run with ``make bench-diff``
(after the timing figures of ``benchmarks.diff``) or ``python -m benchmarks.diff_peers [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from ._common import ROOT, machine

__all__ = [
    "CORPUS",
    "LABELS",
    "Outcome",
    "Pair",
    "ToolResult",
    "load_pairs",
    "main",
    "optic_command",
    "optic_unavailable",
    "optic_verdict",
    "ours_verdict",
    "run_tool",
    "score",
]

CORPUS = Path(__file__).resolve().parent / "diff_pairs"
MANIFEST = CORPUS / "pairs.yaml"
OPTIC_STANDARD = CORPUS / "optic-standard.yml"
OPTIC_BIN = ROOT / "node_modules" / ".bin" / "optic"
LABELS = ("breaking", "non-breaking")
PAIR_TIMEOUT_S = 120

Outcome = Literal["flagged", "passed", "unreadable"]


@dataclass(frozen=True)
class Pair:
    id: str
    family: str
    label: str
    reason: str
    old: Path
    new: Path


@dataclass
class ToolResult:
    tool: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # why a pair was unreadable
    seconds: float = 0.0
    unavailable: str | None = None


def load_pairs(manifest: Path = MANIFEST) -> list[Pair]:
    """The pairs the manifest lists, in its order; raises ``ValueError`` on a malformed entry."""
    document = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("pairs"), list):
        raise ValueError(f"{manifest}: expected a mapping with a 'pairs' list")
    pairs: list[Pair] = []
    for index, entry in enumerate(document["pairs"]):
        if not isinstance(entry, dict):
            raise ValueError(f"{manifest}: pairs[{index}] is not a mapping")
        missing = [key for key in ("id", "family", "label", "reason") if not isinstance(entry.get(key), str)]
        if missing:
            raise ValueError(f"{manifest}: pairs[{index}] lacks {', '.join(missing)}")
        folder = manifest.parent / entry["id"]
        pairs.append(
            Pair(
                entry["id"], entry["family"], entry["label"], entry["reason"], folder / "old.yaml", folder / "new.yaml"
            )
        )
    return pairs


def ours_verdict(returncode: int, stdout: str, stderr: str) -> tuple[Outcome, str]:
    """What one ``python -m generator diff --format json`` run said about a pair."""
    try:
        report = json.loads(stdout)
        changes = report["changes"]
    except (ValueError, KeyError, TypeError):
        why = (stderr.strip() or stdout.strip() or f"exit status {returncode}").splitlines()[0]
        return "unreadable", why
    if returncode == 2:
        return "unreadable", (stderr.strip() or "exit status 2").splitlines()[0]
    errors = [change for change in changes if change.get("level") == "ERR"]
    return ("flagged" if errors else "passed"), ", ".join(sorted({str(change.get("id")) for change in errors}))


def optic_verdict(returncode: int, stdout: str, stderr: str) -> tuple[Outcome, str]:
    """What one ``optic diff OLD NEW --check --json`` run said: exit status 1 with the JSON diff = checks failed."""
    try:
        report = json.loads(stdout)
        readable = isinstance(report, dict) and "operations" in report
    except ValueError:
        readable = False
    if not readable:
        why = (stderr.strip() or stdout.strip() or f"exit status {returncode}").splitlines()[0]
        return "unreadable", why[:200]
    if returncode == 0:
        return "passed", ""
    if returncode == 1:
        return "flagged", ""
    return "unreadable", f"exit status {returncode}"


def ours_command(pair: Pair) -> list[str]:
    return [sys.executable, "-m", "generator", "diff", str(pair.old), str(pair.new), "--format", "json"]


def optic_command(pair: Pair) -> list[str]:
    return [
        str(OPTIC_BIN),
        "diff",
        str(pair.old),
        str(pair.new),
        "--check",
        "--json",
        "--standard",
        str(OPTIC_STANDARD),
    ]


def _optic_env() -> dict[str, str]:
    env = dict(os.environ)
    env["OPTIC_TELEMETRY_LEVEL"] = "off"  # Segment and Sentry (documented by Optic)
    env["NO_UPDATE_NOTIFIER"] = "1"  # the npm update check
    env.pop("OPTIC_TOKEN", None)
    return env


def optic_unavailable() -> str | None:
    """Why Optic cannot run here, or None when ``optic --version`` answers."""
    if not OPTIC_BIN.exists():
        return f"{OPTIC_BIN.relative_to(ROOT)} missing; run `make install`"
    try:
        done = subprocess.run(
            [str(OPTIC_BIN), "--version"], capture_output=True, text=True, timeout=60, env=_optic_env(), check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"optic --version failed: {error}"
    if done.returncode != 0:
        first = (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()[0]
        return f"optic --version failed: {first[:200]}"
    return None


def optic_version() -> str:
    done = subprocess.run(
        [str(OPTIC_BIN), "--version"], capture_output=True, text=True, timeout=60, env=_optic_env(), check=False
    )
    return done.stdout.strip()


Verdict = Callable[[int, str, str], tuple[Outcome, str]]


def run_tool(
    tool: str,
    pairs: Sequence[Pair],
    command: Callable[[Pair], list[str]],
    verdict: Verdict,
    env: dict[str, str] | None = None,
) -> ToolResult:
    """Run ``command(pair)`` for every pair, one process at a time, from the project root; time the lot."""
    result = ToolResult(tool)
    started = time.perf_counter()
    for pair in pairs:
        try:
            done = subprocess.run(
                command(pair),
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
                timeout=PAIR_TIMEOUT_S,
                check=False,
            )
            outcome, note = verdict(done.returncode, done.stdout, done.stderr)
        except subprocess.TimeoutExpired:
            outcome, note = "unreadable", f"timed out after {PAIR_TIMEOUT_S} s"
        result.outcomes[pair.id] = outcome
        if note:
            result.notes[pair.id] = note
    result.seconds = time.perf_counter() - started
    return result


def score(result: ToolResult, pairs: Sequence[Pair]) -> dict[str, Any]:
    """Caught / false alarms / unreadable, and the pairs the tool got wrong (missed, false alarm, unreadable)."""
    breaking = [pair for pair in pairs if pair.label == "breaking"]
    safe = [pair for pair in pairs if pair.label == "non-breaking"]
    outcome = result.outcomes
    wrong = [
        {
            "id": pair.id,
            "label": pair.label,
            "outcome": outcome[pair.id],
            "why": (
                "unreadable"
                if outcome[pair.id] == "unreadable"
                else "missed"
                if pair.label == "breaking"
                else "false alarm"
            ),
            "note": result.notes.get(pair.id, ""),
            "reason": pair.reason,
        }
        for pair in pairs
        if outcome[pair.id] == "unreadable"
        or (pair.label == "breaking" and outcome[pair.id] != "flagged")
        or (pair.label == "non-breaking" and outcome[pair.id] == "flagged")
    ]
    return {
        "tool": result.tool,
        "caught": sum(1 for pair in breaking if outcome[pair.id] == "flagged"),
        "breaking": len(breaking),
        "false_alarms": sum(1 for pair in safe if outcome[pair.id] == "flagged"),
        "non_breaking": len(safe),
        "unreadable": sum(1 for pair in pairs if outcome[pair.id] == "unreadable"),
        "seconds": round(result.seconds, 2),
        "wrong": wrong,
    }


def compare(pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    """One score per tool; Optic's is ``{"tool": "optic", "unavailable": why}`` when it cannot run."""
    scores = [score(run_tool("ours", pairs, ours_command, ours_verdict), pairs)]
    why = optic_unavailable()
    if why:
        scores.append({"tool": "optic", "unavailable": why})
    else:
        optic = run_tool("optic", pairs, optic_command, optic_verdict, env=_optic_env())
        scores.append({**score(optic, pairs), "version": optic_version()})
    return scores


def print_scores(scores: Sequence[dict[str, Any]], pairs: Sequence[Pair]) -> None:
    about = machine()
    print(
        f"\npeer comparison on {len(pairs)} labelled spec pairs (benchmarks/diff_pairs/), one process per pair; "
        f"{about['cores']} cores, {about['cpu']}, {about['python']}"
    )
    print(f"{'tool':<16} {'caught/breaking':>16} {'false alarms/non-breaking':>26} {'unreadable':>11} {'seconds':>8}")
    for entry in scores:
        name = entry["tool"] + (f" {entry['version']}" if entry.get("version") else "")
        if entry.get("unavailable"):
            print(f"{entry['tool']}: unavailable ({entry['unavailable']})")
            continue
        print(
            f"{name:<16} {entry['caught']:>7}/{entry['breaking']:<8} "
            f"{entry['false_alarms']:>13}/{entry['non_breaking']:<12} "
            f"{entry['unreadable']:>11} {entry['seconds']:>8.1f}"
        )
    for entry in scores:
        if entry.get("unavailable"):
            continue
        print(f"\n{entry['tool']} got {len(entry['wrong'])} pair(s) wrong:")
        for item in entry["wrong"]:
            note = f" [{item['note']}]" if item["note"] else ""
            print(f"  {item['why']:<12} {item['id']}: {item['reason']}{note}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.diff_peers", description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the scores to this file")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these pairs")
    args = parser.parse_args(argv)
    pairs = load_pairs()
    if args.only:
        pairs = [pair for pair in pairs if pair.id in args.only]
    scores = compare(pairs)
    print_scores(scores, pairs)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "scores": scores}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
