"""What the benchmark modules share: the row shape, the table, the machine description, timing helpers.

Every benchmark module exposes ``measure(quick: bool = False) -> list[dict]`` (``benchmarks.diff``, whose
``measure`` predates the suite, offers ``rows(quick)``); each row has the keys
``name`` (what was measured), ``figure`` (what the value means, with its unit), ``value`` (a number),
``target`` (a string such as ``"<= 3.0"``, or None when the figure is for information), ``met``
(True/False against the target, None without one) and ``detail`` (how it was measured, or why a target
was missed).  Figures are printed, never asserted: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "ROOT",
    "Row",
    "Timings",
    "at_most",
    "calibrate",
    "cli",
    "info",
    "machine",
    "print_table",
    "row",
    "time_batch",
    "write_report",
]

ROOT = Path(__file__).resolve().parent.parent

Row = dict[str, Any]


def row(name: str, figure: str, value: float, target: str | None, met: bool | None, detail: str = "") -> Row:
    """One figure, in the shape every benchmark module returns."""
    return {"name": name, "figure": figure, "value": value, "target": target, "met": met, "detail": detail}


def info(name: str, figure: str, value: float, detail: str = "") -> Row:
    """A figure without a target."""
    return row(name, figure, value, None, None, detail)


def at_most(name: str, figure: str, value: float, limit: float, detail: str = "", unit: str = "") -> Row:
    """A figure whose target is ``value <= limit``."""
    return row(name, figure, value, f"<= {limit:g}{unit}", value <= limit, detail)


Clock = Callable[[], int]

# The CPU time of the calling thread: for work that never waits (parsing, in-memory transports), what the
# code costs, without the time a shared machine gave to its neighbours meanwhile (wall-clock batches on a
# busy 2-core VM were seen 30x slower than their neighbours; CPU time stays within a few percent).
CPU_TIME: Clock = time.thread_time_ns


def time_batch(func: Callable[[], Any], count: int, clock: Clock = time.perf_counter_ns) -> float:
    """Nanoseconds per call of ``func``, over ``count`` calls in a row (garbage collected first)."""
    gc.collect()
    start = clock()
    for _ in range(count):
        func()
    return (clock() - start) / count


def calibrate(
    func: Callable[[], Any], batch_seconds: float, at_least: int = 1, clock: Clock = time.perf_counter_ns
) -> int:
    """How many calls of ``func`` fill about ``batch_seconds`` (after a few warm-up calls)."""
    for _ in range(3):
        func()
    per_call = time_batch(func, 5, clock) / 1e9
    return max(at_least, round(batch_seconds / max(per_call, 1e-9)))


class Timings:
    """Per-call times of several cases measured side by side: each round runs every case once,
    starting from a different case each round, so drift (frequency, caches, noise from a neighbour)
    spreads over all cases instead of favouring one."""

    def __init__(self, cases: dict[str, tuple[Callable[[], Any], int]], clock: Clock = time.perf_counter_ns) -> None:
        self.cases = cases
        self.clock = clock
        self.samples: dict[str, list[float]] = {name: [] for name in cases}

    def run(self, rounds: int) -> Timings:
        names = list(self.cases)
        for index in range(rounds):
            start = index % len(names)
            for name in names[start:] + names[:start]:
                func, count = self.cases[name]
                self.samples[name].append(time_batch(func, count, self.clock))
        return self

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def best(self, name: str) -> float:
        return min(self.samples[name])

    def ratio(self, name: str, baseline: str, per: float = 1.0) -> float:
        """The median over the rounds of ``name``'s time over ``baseline``'s in the same round (``per``: the
        baseline's time is divided by it, for a ratio per result): a slow patch on the machine, which hits
        both of a round, cancels out instead of landing on whichever case ran during it."""
        pairs = zip(self.samples[name], self.samples[baseline], strict=True)
        return statistics.median(mine / (theirs / per) for mine, theirs in pairs)

    def spread(self, name: str) -> float:
        """(max - min) / median over the rounds: how noisy the case was."""
        values = self.samples[name]
        return (max(values) - min(values)) / statistics.median(values)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def _value(value: Any) -> str:
    if isinstance(value, float):
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def _met(met: bool | None) -> str:
    return "-" if met is None else ("yes" if met else "NO")


def print_table(rows: Sequence[Row], *, details: bool = True) -> None:
    """The rows as a table (name, figure, value, target, met), each detail indented below its row."""
    headers = ("name", "figure", "value", "target", "met")
    cells = [(r["name"], r["figure"], _value(r["value"]), r["target"] or "-", _met(r["met"])) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))))
    for r, cell in zip(rows, cells, strict=True):
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cell, widths, strict=True))))
        if details and r.get("detail"):
            print(f"    {r['detail']}")


def write_report(path: Path, rows: Sequence[Row], **extra: Any) -> None:
    """The machine and the rows as JSON."""
    report = {"machine": machine(), **extra, "rows": list(rows)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")


def cli(measure: Callable[..., Sequence[Row]], description: str | None, argv: Sequence[str] | None = None) -> None:
    """``python -m benchmarks.<name> [--quick] [--json PATH]``: measure, print the table, maybe write JSON."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller inputs (rougher figures)")
    parser.add_argument("--json", type=Path, help="also write the machine and the rows to this file")
    args = parser.parse_args(argv)
    rows = measure(quick=args.quick)
    print_table(rows)
    if args.json:
        write_report(args.json, rows, quick=args.quick)
