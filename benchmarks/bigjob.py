"""How much memory a big enrichment takes end to end, from the first lead read to the last result streamed.

The flow a sales-ops script runs: leads come from a generator (as rows read from a CSV would),
``people.enrich(rows(), on_invalid="skip")`` reads them once, checks them and sends them in parts of
10,000 (each body built just before it is sent), and ``for result in job.results()`` streams every
part's results as the part completes.  Nothing of the input is kept by the client but positions and
a table of digests (for sending exact duplicates once).

Measured: the client process's peak resident memory (VmHWM, reset through ``/proc/self/clear_refs``
just before ``enrich()``) minus its resident memory at that moment: every byte the flow needed, the
allocator's own overhead included, without tracing (which would triple the run time).  The simulator
runs in a subprocess (its population as large as the job, jobs 1,000x faster than real time, no rate
limits) so none of its memory is counted.  Every 1,000th lead is broken and every 500th repeats the
lead before it, so setting rows aside and merging duplicates are part of what is measured.

Target: peak growth under 20 MB for 200,000 leads (``--quick``: 20,000 leads, same target).
Run alone with ``python -m benchmarks.bigjob [--quick] [--leads N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from amplemarket import Amplemarket
from amplemarket.testing import DEFAULT_API_KEY
from amplemarket.testing._data import Population

from ._common import ROOT, Row, info, print_table, row, write_report

__all__ = ["main", "measure", "run"]

SEED = 11
LEADS = 200_000
QUICK_LEADS = 20_000
LIMIT_MB = 20.0
MB = 1 << 20

_SERVER = """
import sys
from amplemarket.testing import Simulator, make_server
population = int(sys.argv[1])
simulator = Simulator(seed=int(sys.argv[2]), population=population, time_scale=1000.0, job_seconds=1.0,
                      rate_limits=False, email_credits=10.0 * population)
server = make_server(simulator, "127.0.0.1", 0)
print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
"""


@contextlib.contextmanager
def serve(population: int, seed: int = SEED) -> Iterator[str]:
    """The simulator in a subprocess on loopback, with ``population`` people; yields its base URL."""
    command = [sys.executable, "-c", _SERVER, str(population), str(seed)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        if found is None:
            process.kill()
            _, errors = process.communicate(timeout=10)
            raise RuntimeError(f"the simulator did not start (exit {process.returncode}): {errors[-2000:]}")
        yield found.group(0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _status(field: str) -> int:
    """A field of /proc/self/status in bytes (VmRSS, VmHWM)."""
    text = Path("/proc/self/status").read_text(encoding="utf-8")
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"/proc/self/status has no {field}")
    return int(found.group(1)) * 1024


def _reset_peak() -> None:
    """Make VmHWM start again from the current resident size (Linux: write 5 to clear_refs).

    Garbage is collected and the C heap trimmed first, so that memory the warm-up freed but the
    process still holds cannot absorb what the measured run needs: the growth counts it again.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)  # glibc: give free heap pages back to the system
    Path("/proc/self/clear_refs").write_text("5", encoding="utf-8")


def rows_of(emails: Sequence[str]) -> Iterator[dict[str, Any]]:
    """One lead per email, as a CSV reader would give them: a few broken, a few repeating the one before."""
    for index, email in enumerate(emails):
        if index % 1000 == 999:
            yield {"email": f"broken-row-{index}"}
        elif index % 500 == 499:
            yield {"email": emails[index - 1]}
        else:
            yield {"email": email}


def run(count: int, seed: int = SEED) -> dict[str, Any]:
    # The input's own strings are made before measuring: they stand for the file being read, not the client.
    people = Population(seed, size=count)
    emails = [people.email_of(index) for index in range(count)]
    del people
    with serve(count, seed) as url, Amplemarket(api_key=DEFAULT_API_KEY, base_url=url, rate_limit=False) as client:
        warm = client.people.enrich(rows_of(emails[:300]), on_invalid="skip")
        for _ in warm.results():
            pass
        del warm
        _reset_peak()
        baseline = _status("VmRSS")
        started = time.perf_counter()
        job = client.people.enrich(rows_of(emails), reveal_email=True, on_invalid="skip")
        submitted = time.perf_counter()
        submit_peak = _status("VmHWM")
        results = sum(1 for _ in job.results())
        finished = time.perf_counter()
        peak = max(submit_peak, _status("VmHWM"))
        progress = job.progress
    if results != progress.results_expected or progress.parts_done != progress.parts_total:
        raise RuntimeError(f"the job did not give every result back: {progress}")
    return {
        "leads": count,
        "growth_mb": (peak - baseline) / MB,
        "submit_growth_mb": (submit_peak - baseline) / MB,
        "results": results,
        "skipped": progress.skipped,
        "parts": progress.parts_total,
        "submit_s": submitted - started,
        "stream_s": finished - submitted,
    }


def measure(quick: bool = False, leads: int | None = None) -> list[Row]:
    count = leads or (QUICK_LEADS if quick else LEADS)
    found = run(count)
    name = f"big job: {count:,} leads"
    return [
        row(
            name,
            "peak memory growth, enrich() through the last result (MB)",
            found["growth_mb"],
            f"< {LIMIT_MB:g} MB",
            found["growth_mb"] < LIMIT_MB,
            f"client RSS (VmHWM - VmRSS before enrich); leads from a generator, on_invalid='skip'; "
            f"{found['parts']} parts, {found['skipped']:,} rows skipped, {found['results']:,} results "
            "(duplicates included); simulator in a subprocess",
        ),
        info(
            name,
            "seconds to submit / to stream every result",
            round(found["submit_s"] + found["stream_s"], 1),
            f"{found['submit_s']:.1f} s reading, checking and sending; {found['stream_s']:.1f} s polling and "
            f"streaming ({found['results'] / found['stream_s']:,.0f} results/s)",
        ),
        info(
            name,
            "peak memory growth while reading, checking and sending (MB)",
            found["submit_growth_mb"],
            "until enrich() returned: the plan (8 bytes per row sent, the digest set while reading) and one "
            "part's body at a time",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LEADS:,} leads instead of {LEADS:,}")
    parser.add_argument("--leads", type=int, help="number of leads")
    parser.add_argument("--json", type=Path, help="also write the machine and the rows to this file")
    args = parser.parse_args(argv)
    rows = measure(quick=args.quick, leads=args.leads)
    print_table(rows)
    if args.json:
        write_report(args.json, rows, quick=args.quick)


if __name__ == "__main__":
    main()
