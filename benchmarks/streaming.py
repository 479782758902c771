"""How much memory iterating a large enrichment job's results takes, and whether it grows with the job.

``job.results()`` promises to stream: one page of results in memory at a time, whatever the size of
the job.  This runs the whole flow the README shows, ``people.enrich(leads)`` (split by the client
into requests of 10,000 leads), ``job.wait()`` and ``for result in job.results()`` (each result
discarded), for two job sizes, and measures with ``tracemalloc`` the peak of the memory traced while
iterating minus the memory traced just before (the peak growth).  Targets: under 50 MB for each size,
and the larger job's growth under 1.2x the smaller one's (flat, not proportional to the job).

Honest accounting: the simulator keeps every job's leads and results, and would dominate anything
traced in the same process, so it runs in a subprocess (``python -m amplemarket.testing serve --port
0``, jobs 1,000x faster than real time) and the client talks to it over loopback HTTP.  Everything
traced is the client's: httpx, the sender, the generated models, the job.  Each size gets a fresh
server and client, and a small job end to end first, so one-time costs (imports, caches, the
connection) are paid before tracing starts.  Also reported, without targets: what the finished job
holds before iterating (the latest model of each part, a page of results each), the peak while
submitting (proportional to the leads sent, which the caller holds anyway) and the server's own
memory.

Tracing every allocation slows the client about 3x (about 1,000 results a second here instead of
3,000): 100,000 results take about 95 s (78 s of it iterating), over this suite's one-minute budget,
so the default sizes are 10,000 and 25,000 (three requests: 10,000 + 10,000 + 5,000, so the split is
exercised); ``--sizes 10000 100000`` runs the full-size case.  ``--quick`` runs 5,000 and 10,000.

What the peak holds besides the page being parsed: httpx's ``Response`` and its ``BoundSyncStream``
refer to each other, so each page's body (about 150 KB) is freed by the cyclic garbage collector, not
when the page is dropped; a few of them are usually waiting, which is why the growth is a few MB
rather than one page, and why a run shorter than a few dozen pages shows less of it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from amplemarket import Amplemarket
from amplemarket.testing import DEFAULT_API_KEY
from amplemarket.testing._data import Population

from ._common import ROOT, Row, info, print_table, row, write_report

__all__ = ["main", "measure", "run_size"]

SEED = 7
SIZES = (10_000, 25_000)
QUICK_SIZES = (5_000, 10_000)
LIMIT_MB = 50.0
RATIO = 1.2
TIME_SCALE = 1000.0  # simulated seconds per real second
WARM_UP = 200
MB = 1e6


@contextlib.contextmanager
def serve(seed: int = SEED) -> Iterator[tuple[str, int]]:
    """The simulator in a subprocess on loopback; yields its base URL and process id."""
    command = [
        sys.executable,
        "-m",
        "amplemarket.testing",
        "serve",
        "--port",
        "0",
        "--seed",
        str(seed),
        "--time-scale",
        str(TIME_SCALE),
        "--job-seconds",
        "1",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        if found is None:
            process.kill()
            _, errors = process.communicate(timeout=10)
            raise RuntimeError(f"the simulator did not start (exit {process.returncode}): {errors[-2000:]}")
        yield found.group(0), process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _server_memory(pid: int) -> float | None:
    """The server's peak resident memory (VmHWM) in MB, where /proc says so."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 / MB if found else None


def run_size(size: int, seed: int = SEED) -> dict[str, Any]:
    """Enrich ``size`` leads, wait, iterate every result; the memory and time figures of that run."""
    people = Population(seed)
    if not 0 < size <= people.size:
        raise ValueError(f"size must be from 1 to {people.size:,} (the simulator's population)")
    leads = [{"linkedin_url": people.linkedin_of(index)} for index in range(size)]
    with serve(seed) as (url, pid), Amplemarket(api_key=DEFAULT_API_KEY, base_url=url, rate_limit=False) as client:
        # No phone reveals here: the simulator's 100,000 phone credits must cover a 100,000-lead run.
        warm = client.people.enrich(leads[:WARM_UP], reveal_email=True)
        for _ in warm.results():
            pass
        del warm
        gc.collect()

        tracemalloc.start()
        started = time.perf_counter()
        job = client.people.enrich(leads, reveal_email=True, reveal_phone_numbers=True)
        job.wait(timeout=600)
        waited = time.perf_counter()
        _, submit_peak = tracemalloc.get_traced_memory()
        parts, polls = len(job.ids), job.polls
        gc.collect()  # the baseline is what is alive, not garbage left by submitting
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        count = 0
        for _ in job.results():
            count += 1
        iterated = time.perf_counter()
        after, peak = tracemalloc.get_traced_memory()
        gc.collect()
        live, _ = tracemalloc.get_traced_memory()
        del job
        gc.collect()
        left, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        server = _server_memory(pid)
    if count != size:
        raise RuntimeError(f"expected {size:,} results, got {count:,}")
    return {
        "size": size,
        "parts": parts,
        "polls": polls,
        "growth_mb": (peak - held) / MB,
        "held_mb": held / MB,
        "submit_peak_mb": submit_peak / MB,
        "after_mb": after / MB,
        "garbage_mb": (after - live) / MB,
        "left_mb": left / MB,
        "submit_s": waited - started,
        "iterate_s": iterated - waited,
        "server_mb": server,
    }


def rows_for(runs: Sequence[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for run in runs:
        size = run["size"]
        name = f"streaming: {size:,} results"
        rows.append(
            row(
                name,
                "peak memory growth while iterating (MB)",
                run["growth_mb"],
                f"< {LIMIT_MB:g} MB",
                run["growth_mb"] < LIMIT_MB,
                f"tracemalloc in the client; simulator in a subprocess over loopback; {run['parts']} request(s) of "
                f"<= 10,000 leads; {run['iterate_s']:.1f} s to iterate ({size / run['iterate_s']:,.0f} results/s "
                "under tracemalloc)",
            )
        )
        rows.append(
            info(
                name,
                "held by the finished job before iterating (MB)",
                run["held_mb"],
                f"{run['held_mb'] / run['parts']:.2f} MB per part (its latest model: a page of 100 results); "
                f"{run['after_mb']:.2f} MB after iterating, {run['garbage_mb']:.2f} MB of which was garbage in "
                f"reference cycles (freed by gc.collect()); {run['left_mb']:.2f} MB once the job is dropped",
            )
        )
        server = "" if run["server_mb"] is None else f"; the simulator process peaked at {run['server_mb']:.0f} MB RSS"
        rows.append(
            info(
                name,
                "peak while submitting and waiting (MB)",
                run["submit_peak_mb"],
                f"{run['submit_peak_mb'] * MB / size:,.0f} bytes per lead sent; enrich() + wait() took "
                f"{run['submit_s']:.1f} s, {run['polls']} poll(s){server}",
            )
        )
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        ratio = large["growth_mb"] / small["growth_mb"]
        rows.append(
            row(
                f"streaming: {large['size']:,} vs {small['size']:,} results",
                "peak growth ratio (x)",
                ratio,
                f"< {RATIO:g}x",
                ratio < RATIO,
                f"{large['growth_mb']:.2f} MB vs {small['growth_mb']:.2f} MB for {large['size'] / small['size']:g}x "
                "the results",
            )
        )
    return rows


def measure(quick: bool = False, sizes: Sequence[int] | None = None) -> list[Row]:
    chosen = sorted(sizes or (QUICK_SIZES if quick else SIZES))
    return rows_for([run_size(size) for size in chosen])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} instead of {SIZES}")
    parser.add_argument("--sizes", type=int, nargs="+", help="job sizes (results), e.g. 10000 100000")
    parser.add_argument("--json", type=Path, help="also write the machine and the rows to this file")
    args = parser.parse_args(argv)
    rows = measure(quick=args.quick, sizes=args.sizes)
    print_table(rows)
    if args.json:
        write_report(args.json, rows, quick=args.quick)


if __name__ == "__main__":
    main()
