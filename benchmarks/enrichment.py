"""How long bulk enrichment takes next to what the server makes it take, and how often it is polled.

``people.enrich`` of 10,000 leads (one server-side job: the documented batch limit) and of
25,000 leads (the client splits them into 3 jobs of at most 10,000), then ``job.wait()`` and
iterating ``job.results()``, against the simulator.  A simulated job completes
``job_seconds`` after it was created and, until then, answers every poll with
``Retry-After: min(retry_after, time left)`` in whole real seconds.  The run is time-scaled
(scale 60: a job of 4 simulated minutes polled every simulated minute takes 4 real seconds,
polled every real second); both settings are whole multiples of the scale so that the
Retry-After values are exact and the minimum is reachable.  The client gets the documented
rate limits scaled the same way (``benchmarks.ratelimit.scaled_limiter``).

Figures, per case:

* **wall / ideal** (target <= 1.1).  Wall: from ``enrich()`` to the last result.  Ideal:
  the submit (measured: the client's input checks, the 10,000-lead bodies, the server
  validating them), plus the server's processing time from the settings
  (``job_seconds / time_scale``; the jobs of a split input run side by side), plus
  delivering the results (measured: each job's completing poll, which carries the first
  page and during which the simulator builds the job's results, and the page requests,
  counted in ``sim.log``).  What the ratio shows is therefore what *waiting* adds: polls
  made late, sleeps longer than the Retry-After, time between the jobs being done and the
  client noticing.
* **polls per job** (target <= the minimum + 2): GETs of the job without page parameters in
  ``sim.log`` (the simulator counts polls the same way), the completing one included; the
  minimum is what following the simulator's Retry-After rule exactly from the settings takes.
* **results** (every lead comes back) and **page requests** (how long delivering the results
  takes, for information).

Run with ``python -m benchmarks.enrichment`` (``--quick``: 1,000 leads and 10,500 leads in
2 jobs, 2-minute jobs, a smoke run; ``--json PATH`` also writes the rows).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from amplemarket import Amplemarket
from amplemarket.testing import Simulator
from apicore.simulation import LoggedRequest

from ._common import Row, at_most, cli, info, row
from .ratelimit import scaled_limiter

__all__ = ["main", "measure", "minimum_polls"]

SEED = 11
BASE_URL = "https://api.amplemarket.com"
TIME_SCALE = 60.0
JOB_SECONDS = 240.0  # simulated: 4 minutes
QUICK_JOB_SECONDS = 120.0
RETRY_AFTER = 60.0  # simulated: poll once a minute
SIZES = (10_000, 25_000)
QUICK_SIZES = (1_000, 10_500)
TARGET_RATIO = 1.1
EXTRA_POLLS = 2
JOBS = "/people/enrichment-requests"

#: One request as the client's transport saw it: method, path, whether it asked for a page, real seconds.
Span = tuple[str, str, bool, float]


def _paged(keys: Sequence[str]) -> bool:
    return any(key.startswith("page[") for key in keys)


class _Timed(httpx.BaseTransport):
    """Forwards to the simulator's transport and remembers how long each request took."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.spans: list[Span] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        paged = _paged(list(request.url.params.keys()))
        self.spans.append((request.method, request.url.path, paged, time.perf_counter() - started))
        return response


def minimum_polls(job_seconds: float, retry_after: float, time_scale: float) -> int:
    """Polls needed by a client that waits exactly what each Retry-After says (the simulator's rule)."""
    elapsed, polls = 0.0, 0  # simulated seconds since the job was created
    while elapsed < job_seconds or not polls:
        left = job_seconds - elapsed
        hint = math.ceil(min(retry_after, left) / time_scale - 1e-9) * time_scale
        elapsed += hint if hint > 0 else left
        polls += 1
    return polls


@dataclass
class Case:
    """One enrichment run: its timings, the jobs' ids and what the simulator logged."""

    leads: int
    job_seconds: float
    submit: float = 0.0
    wait: float = 0.0
    iterate: float = 0.0
    results: int = 0
    ids: list[object] = field(default_factory=list)
    log: list[LoggedRequest] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    @property
    def name(self) -> str:
        jobs = len(self.ids)
        return f"enrich {self.leads:,} leads ({jobs} job{'s' if jobs > 1 else ''})"

    @property
    def wall(self) -> float:
        return self.submit + self.wait + self.iterate

    @property
    def processing(self) -> float:
        """Real seconds the server takes to run the jobs (side by side), from the settings."""
        return self.job_seconds / TIME_SCALE

    @property
    def completing(self) -> float:
        """Real seconds of each job's last poll (the one that found it completed), together."""
        total = 0.0
        for job_id in self.ids:
            polls = [s for s in self.spans if s[0] == "GET" and s[1] == f"{JOBS}/{job_id}" and not s[2]]
            total += polls[-1][3] if polls else 0.0
        return total

    @property
    def pages(self) -> int:
        return sum(entry.method == "GET" and _paged(list(entry.query)) for entry in self.log)

    @property
    def ideal(self) -> float:
        return self.submit + self.processing + self.completing + self.iterate

    def polls(self) -> list[int]:
        """Per job: GETs of the job without page parameters (status polls), from the simulator's log."""
        return [
            sum(e.method == "GET" and e.path == f"{JOBS}/{job_id}" and not _paged(list(e.query)) for e in self.log)
            for job_id in self.ids
        ]


def run(leads: int, job_seconds: float) -> Case:
    sim = Simulator(seed=SEED, time_scale=TIME_SCALE, job_seconds=job_seconds, retry_after=RETRY_AFTER)
    batch = [{"email": sim.people.email_of(index)} for index in range(leads)]
    timed = _Timed(sim.transport())
    limiter = scaled_limiter(TIME_SCALE)
    case = Case(leads, job_seconds)
    with (
        httpx.Client(transport=timed) as http,
        Amplemarket(api_key=sim.api_key, base_url=BASE_URL, http_client=http, rate_limit=limiter) as client,
    ):
        started = time.perf_counter()
        job = client.people.enrich(batch)
        submitted = time.perf_counter()
        job.wait()
        done = time.perf_counter()
        case.results = sum(1 for _ in job.results())
        case.iterate = time.perf_counter() - done
    case.submit, case.wait = submitted - started, done - submitted
    case.ids, case.log, case.spans = list(job.ids), list(sim.log), timed.spans
    return case


def rows_for(case: Case) -> list[Row]:
    ratio = round(case.wall / case.ideal, 3)
    wall_detail = (
        f"wall {case.wall:.2f} s = submit {case.submit:.2f} + wait {case.wait:.2f} + results {case.iterate:.2f}; "
        f"ideal {case.ideal:.2f} s = submit + processing {case.processing:.2f} + completing poll(s) "
        f"{case.completing:.2f} + {case.pages} page requests {case.iterate:.2f}"
    )
    least = minimum_polls(case.job_seconds, RETRY_AFTER, TIME_SCALE)
    polls = case.polls()
    polls_detail = (
        f"per job {polls}; the minimum is {least} (jobs of {case.job_seconds:g} simulated s, Retry-After "
        f"{RETRY_AFTER:g} simulated s = {RETRY_AFTER / TIME_SCALE:g} real s)"
    )
    per_page = case.iterate / case.pages * 1000.0 if case.pages else 0.0
    rate = case.results / case.iterate if case.iterate else 0.0
    pages_detail = f"{per_page:.1f} ms per page of 100 (request, simulator, parsing); {rate:,.0f} results/s"
    most = max(polls)
    polls_met = most <= least + EXTRA_POLLS
    every = case.results == case.leads
    return [
        at_most(case.name, "wall / ideal (x)", ratio, TARGET_RATIO, wall_detail),
        row(case.name, "polls per job (most)", most, f"<= {least + EXTRA_POLLS}", polls_met, polls_detail),
        row(case.name, "results", case.results, f"= {case.leads}", every, "every result of every job, iterated"),
        info(case.name, "page requests", case.pages, pages_detail),
    ]


def measure(quick: bool = False) -> list[Row]:
    job_seconds = QUICK_JOB_SECONDS if quick else JOB_SECONDS
    rows: list[Row] = []
    for leads in QUICK_SIZES if quick else SIZES:
        rows.extend(rows_for(run(leads, job_seconds)))
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    cli(measure, __doc__, argv)


if __name__ == "__main__":
    main()
