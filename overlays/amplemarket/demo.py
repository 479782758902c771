"""An end-to-end session with the client: ``python -m amplemarket.demo`` (``make demo``).

Without ``--live`` it runs against the built-in simulator (in-process, simulated time
sped up), so it needs no key and spends nothing.  ``--live`` runs the same session
against the real API with ``AMPLEMARKET_API_KEY``, and spends credits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from . import Amplemarket, errors


class _Counter(logging.Handler):
    """Counts what the client logs: requests, retries and rate-limit waits."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if " -> " in message and "retry" not in message:
            self.counts["requests"] += 1
        if "retry" in message:
            self.counts["retries"] += 1
        if "waits" in message:
            self.counts["rate-limit waits"] += 1


def run(client: Amplemarket, emails: list[str], out: Callable[[str], Any] = print) -> dict[str, Any]:
    """The session itself; returns the figures it prints."""
    summary: dict[str, Any] = {}
    person = client.people.find(email=emails[0])
    out(f"1. found {person.name} ({person.title}) at {getattr(person.company, 'name', '?')}")

    pages = client.people.search(person_titles=["CEO"], page_size=100).pages()
    seen = 0
    for number, page in zip(range(3), pages, strict=False):
        seen += len(page.results or [])
        total = page.pagination.total if page.pagination else "?"
        out(f"2. search page {number + 1}: {seen} of {total} CEOs so far")
    summary["people searched"] = seen

    job = client.people.enrich([{"email": e} for e in emails[:1000]], reveal_email=True)
    job.wait(on_progress=lambda j: out(_progress(j)))
    results = list(job.results())
    statuses = Counter(str(r.status) for r in results)
    out(f"\n3. enriched {len(results)} leads: {dict(statuses)} in {job.polls} polls")
    summary.update({"leads enriched": len(results), "enrichment polls": job.polls})

    validation = client.email_validations.validate(emails[:200]).wait()
    verdicts = Counter(str(r.result) for r in validation.results())
    out(f"4. validated 200 emails: {dict(verdicts)}")
    summary["emails validated"] = sum(verdicts.values())

    users = list(client.users.list())
    owner = str(users[0].email) if users else "owner@example.com"
    lead_list = client.lead_lists.create(
        owner=owner, type="email", name="Demo list", leads=[{"email": e} for e in emails[:50]]
    ).wait()
    entries = list(lead_list.results())
    out(f"5. lead list {lead_list.id}: {len(entries)} entries, {sum(1 for e in entries if e.person_id)} matched")
    summary["lead list entries"] = len(entries)

    sequence = next((s for s in client.sequences.list() if s.status == "active"), None)
    if sequence is not None:
        added = client.sequences.add_leads(str(sequence.id), [{"email": e} for e in emails[:300]])
        out(f"6. added {added.total_added_to_sequence} of {added.total} leads to {sequence.name} (sent 250 at a time)")
        summary["leads added to a sequence"] = added.total_added_to_sequence
    return summary


_started_progress: dict[str, float] = {}


def _progress(job: Any) -> str:
    started = _started_progress.setdefault(str(job.id), time.monotonic())
    filled = 20 if job.status == "completed" else min(19, job.polls * 3)
    return (f"\r3. enrichment job {job.id} [{'#' * filled}{'.' * (20 - filled)}] {job.status:<10} "
            f"polls={job.polls:<3} {time.monotonic() - started:5.1f}s")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m amplemarket.demo", description=__doc__)
    parser.add_argument("--live", action="store_true", help="use the real API (AMPLEMARKET_API_KEY; spends credits)")
    parser.add_argument("--seed", type=int, default=42, help="the simulator's seed")
    args = parser.parse_args(argv)
    counter = _Counter()
    logger = logging.getLogger("amplemarket")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    started = time.monotonic()

    def out(text: str) -> None:
        print(text, end="" if text.startswith("\r") else "\n", flush=True)

    try:
        if args.live:
            if not os.environ.get("AMPLEMARKET_API_KEY"):
                print("--live needs AMPLEMARKET_API_KEY; nothing was sent.", file=sys.stderr)
                return 2
            print("LIVE: this session calls the real Amplemarket API and spends email and phone credits.\n")
            with Amplemarket() as client:
                emails = [str(u.email) for u in client.users.list() if u.email][:1] or ["someone@example.com"]
                figures = run(client, emails, out)
            where = "the real API"
        else:
            from .testing import Simulator

            if os.environ.get("AMPLEMARKET_API_KEY"):
                print("AMPLEMARKET_API_KEY is set, but without --live the demo uses the simulator.\n")
            sim = Simulator(seed=args.seed, time_scale=120.0, job_seconds=300.0, retry_after=60.0)
            print(f"Simulator (seed {args.seed}): 100,000 people; a simulated minute passes in half a second.\n")
            sim.faults.rate_limit_burst(2, retry_after=1)  # show that the client rides out 429s
            emails = [sim.people.email_of(i) for i in range(1000)]
            with sim.client() as client:
                figures = run(client, emails, out)
            figures["credits used"] = round(1_000_000 - sim.credits["email"], 1)
            where = "the simulator"
    except errors.ClientError as exc:
        print(f"\nthe session stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        logger.removeHandler(counter)
    figures.update(
        {
            "requests": counter.counts["requests"],
            "retries": counter.counts["retries"],
            "rate-limit waits": counter.counts["rate-limit waits"],
            "seconds": round(time.monotonic() - started, 1),
        }
    )
    print(f"\nSummary ({where}):")
    for key, value in figures.items():
        print(f"  {key:<26} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
