"""``python -m benchmarks [--quick] [--json PATH]``: every benchmark, one table, one JSON report.

Runs the benchmark modules present in this package in a fixed order (a module that is missing is
skipped with a note), prints their rows as one table (name, figure, value, target, met) and the
machine they ran on, and writes the machine and every row to ``benchmarks/report.json`` (or
``--json PATH``).  Each module also runs alone: ``python -m benchmarks.<name> [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._common import Row, machine, print_table, write_report

ORDER = ("diff", "ratelimit", "enrichment", "streaming", "bigjob", "parsing", "overhead", "generation")
DEFAULT_REPORT = Path(__file__).resolve().parent / "report.json"


def _rows_of(module: Any, quick: bool) -> list[Row]:
    # benchmarks.diff keeps its own ``measure(repeat)`` for ``make bench-diff`` and offers ``rows(quick)``.
    found = module.rows(quick) if hasattr(module, "rows") else module.measure(quick=quick)
    return list(found)


def run(names: Sequence[str], quick: bool) -> tuple[list[Row], list[str], dict[str, float]]:
    """The rows of every module in ``names`` that exists, the notes about the others, seconds per module."""
    rows: list[Row] = []
    notes: list[str] = []
    seconds: dict[str, float] = {}
    for name in names:
        try:
            module = importlib.import_module(f"{__package__ or 'benchmarks'}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"benchmarks.{name}":
                raise
            notes.append(f"{name}: skipped (no benchmarks/{name}.py)")
            continue
        print(f"running {name} ...", flush=True)
        gc.collect()  # what the previous module left behind is not this one's to collect
        started = time.perf_counter()
        rows.extend(_rows_of(module, quick))
        seconds[name] = round(time.perf_counter() - started, 1)
    return rows, notes, seconds


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller inputs (rougher figures)")
    parser.add_argument("--json", type=Path, default=DEFAULT_REPORT, help=f"report path (default {DEFAULT_REPORT})")
    parser.add_argument("--only", nargs="+", choices=ORDER, help="run only these benchmarks (in the fixed order)")
    args = parser.parse_args(argv)
    names = [name for name in ORDER if not args.only or name in args.only]
    rows, notes, seconds = run(names, args.quick)
    print()
    print_table(rows, details=False)
    for note in notes:
        print(f"note: {note}")
    about = machine()
    print(
        f"\nmachine: {about['platform']}, {about['cpu']}, {about['cores']} cores, {about['python']}"
        f"{' (quick)' if args.quick else ''}"
    )
    print("seconds per benchmark: " + ", ".join(f"{name} {s:g}" for name, s in seconds.items()))
    write_report(args.json, rows, quick=args.quick, notes=notes, seconds=seconds)
    print(f"report: {args.json}")


if __name__ == "__main__":
    main()
