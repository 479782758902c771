"""What a call through the hand-written client costs on top of the same call with bare httpx.

``Amplemarket.people.find(email=..., reveal_email=True, reveal_phone_numbers=True)`` checks its
input, builds the request through the generated endpoint module, sends it through the core's sender
(headers, retry bookkeeping, logging calls, error mapping) and parses the body into
``amplemarket_api.models.Person``.  The baseline is what a user without the client would write: the
same GET with the same query and headers on an ``httpx.Client`` and ``response.json()``.

Both talk to the in-process simulator transport (``Simulator.transport()``; the simulator's own
rate limits off, the client's limiter off with ``rate_limit=False``), so the server's cost (routing,
validating the request against the curated spec, building the person) is the same on both sides and
part of both figures, as a real server's latency would be.  The requests are checked to be
identical before anything is timed.  A second pair of figures uses a canned transport that answers
at once with that person completed (``parsing.complete_person``): it removes the server and shows the
client's cost relative to httpx alone.  The async client (``AsyncAmplemarket``) is measured the
same way against ``httpx.AsyncClient``.

Batches of calls timed by the thread's CPU time (``time.thread_time_ns``: everything here runs in the
calling thread, and time a shared machine gives to its neighbours is not counted), interleaved round
after round; each ratio is the median over the rounds of the two times of a round.  Targets: the
client call at most 1.5x the bare call against the simulator, and (issue 16) at most 1.2x on the
in-memory transport answering with a rich person (every documented field filled, 4.6 kB), where
nothing but the two clients' own work is measured.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import statistics
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from amplemarket import Amplemarket, AsyncAmplemarket
from amplemarket._base import SETTINGS
from amplemarket.testing import Simulator
from amplemarket_api.models import Person
from amplemarket_api.types import parse_model

from ._common import CPU_TIME, Row, Timings, at_most, calibrate, cli
from .parsing import complete_person

__all__ = ["main", "measure"]

SEED = 7
PERSON = 3
TARGET = 1.5
CALL_TARGET = 1.2
BASE_URL = "https://api.amplemarket.com"


class _Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Remembers what was sent (method, URL, headers) and forwards it."""

    def __init__(self, sync: httpx.BaseTransport | None = None, other: httpx.AsyncBaseTransport | None = None) -> None:
        self.sync, self.other = sync, other
        self.seen: list[tuple[str, str, list[tuple[str, str]]]] = []

    def _note(self, request: httpx.Request) -> None:
        self.seen.append((request.method, str(request.url), sorted(request.headers.items())))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._note(request)
        assert self.sync is not None
        return self.sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._note(request)
        assert self.other is not None
        return await self.other.handle_async_request(request)


def _same_requests(recorder: _Recorder) -> None:
    first, second = recorder.seen[-2], recorder.seen[-1]
    if first != second:
        raise RuntimeError(f"the client and the bare call sent different requests:\n{first}\n{second}")


def _headers(simulator: Simulator, user_agent: str) -> dict[str, str]:
    return {"User-Agent": user_agent, "Accept": "application/json", "Authorization": f"Bearer {simulator.api_key}"}


def _query(email: str) -> dict[str, str]:
    return {"email": email, "reveal_email": "true", "reveal_phone_numbers": "true"}


def _canned(simulator: Simulator, email: str) -> tuple[httpx.MockTransport, bytes]:
    """A transport answering every request at once with the simulator's person, every documented field filled."""
    with httpx.Client(transport=simulator.transport(), base_url=BASE_URL) as http:
        answer = http.get("/people/find", params=_query(email), headers=_headers(simulator, "bench"))
        answer.raise_for_status()
    rich = complete_person(answer.json(), random.Random(f"{SEED}:{PERSON}"))  # noqa: S311 - test data
    body = json.dumps(rich).encode()
    headers = {"content-type": "application/json", "content-length": str(len(body))}
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers)), body


def _sync(simulator: Simulator, email: str, user_agent: str, rounds: int, batch: float) -> dict[str, Any]:
    canned, body = _canned(simulator, email)
    rows: dict[str, Any] = {"bytes": len(body)}
    for label, transport in (("simulator", simulator.transport()), ("canned", canned)):
        recorder = _Recorder(transport)
        client = Amplemarket(
            api_key=simulator.api_key, base_url=BASE_URL, http_client=httpx.Client(transport=recorder), rate_limit=False
        )
        bare = httpx.Client(transport=recorder, base_url=BASE_URL, headers=_headers(simulator, user_agent))
        query = _query(email)

        def via_client(client: Amplemarket = client) -> Person:
            return client.people.find(email=email, reveal_email=True, reveal_phone_numbers=True)

        def via_httpx(bare: httpx.Client = bare, query: dict[str, str] = query) -> Any:
            response = bare.get("/people/find", params=query)
            response.raise_for_status()
            return response.json()

        via_client()
        via_httpx()
        _same_requests(recorder)
        recorder.seen.clear()
        cases: dict[str, tuple[Callable[[], Any], int]] = {
            "client": (via_client, calibrate(via_client, batch, clock=CPU_TIME)),
            "httpx": (via_httpx, calibrate(via_httpx, batch, clock=CPU_TIME)),
        }
        if label == "canned":

            def parse_only() -> Person:
                return parse_model(body, Person)

            cases["from_dict"] = (parse_only, calibrate(parse_only, batch, clock=CPU_TIME))
        timings = Timings(cases, clock=CPU_TIME).run(rounds)
        rows[label] = {name: timings.median(name) / 1000 for name in cases}
        rows[label]["ratio"] = timings.ratio("client", "httpx")
        rows[label]["spread"] = max(timings.spread(name) for name in cases)
        client.close()
        bare.close()
    return rows


async def _time_async(func: Callable[[], Awaitable[Any]], count: int) -> float:
    gc.collect()
    start = CPU_TIME()
    for _ in range(count):
        await func()
    return (CPU_TIME() - start) / count


async def _calibrate_async(func: Callable[[], Awaitable[Any]], batch: float) -> int:
    for _ in range(3):
        await func()
    return max(1, round(batch / max(await _time_async(func, 5) / 1e9, 1e-9)))


async def _async(simulator: Simulator, email: str, user_agent: str, rounds: int, batch: float) -> dict[str, Any]:
    canned, _ = _canned(simulator, email)
    rows: dict[str, Any] = {}
    for label, transport in (("simulator", simulator.async_transport()), ("canned", canned)):
        recorder = _Recorder(other=transport)
        client = AsyncAmplemarket(
            api_key=simulator.api_key,
            base_url=BASE_URL,
            http_client=httpx.AsyncClient(transport=recorder),
            rate_limit=False,
        )
        bare = httpx.AsyncClient(transport=recorder, base_url=BASE_URL, headers=_headers(simulator, user_agent))
        query = _query(email)

        async def via_client(client: AsyncAmplemarket = client) -> Person:
            return await client.people.find(email=email, reveal_email=True, reveal_phone_numbers=True)

        async def via_httpx(bare: httpx.AsyncClient = bare, query: dict[str, str] = query) -> Any:
            response = await bare.get("/people/find", params=query)
            response.raise_for_status()
            return response.json()

        await via_client()
        await via_httpx()
        _same_requests(recorder)
        recorder.seen.clear()
        cases: dict[str, Callable[[], Awaitable[Any]]] = {"client": via_client, "httpx": via_httpx}
        counts = {name: await _calibrate_async(func, batch) for name, func in cases.items()}
        samples: dict[str, list[float]] = {name: [] for name in cases}
        names = list(cases)
        for index in range(rounds):
            for name in names[index % 2 :] + names[: index % 2]:
                samples[name].append(await _time_async(cases[name], counts[name]))
        rows[label] = {name: statistics.median(values) / 1000 for name, values in samples.items()}
        pairs = zip(samples["client"], samples["httpx"], strict=True)
        rows[label]["ratio"] = statistics.median(mine / theirs for mine, theirs in pairs)
        rows[label]["spread"] = max((max(v) - min(v)) / statistics.median(v) for v in samples.values())
        await client.close()
        await bare.aclose()
    return rows


def measure(quick: bool = False) -> list[Row]:
    rounds, batch = (7, 0.04) if quick else (15, 0.1)
    simulator = Simulator(seed=SEED, rate_limits=False)
    email = simulator.people.email_of(PERSON)
    user_agent = SETTINGS.user_agent  # the bare call sends the very same headers as the client
    sync = _sync(simulator, email, user_agent, rounds, batch)
    asynchronous = asyncio.run(_async(simulator, email, user_agent, rounds, batch))
    how = f"median of {rounds} interleaved rounds"
    rows: list[Row] = []
    for flavour, found, bare_name in (("sync", sync, "httpx.Client"), ("async", asynchronous, "httpx.AsyncClient")):
        client_name = "Amplemarket" if flavour == "sync" else "AsyncAmplemarket"
        sim, canned = found["simulator"], found["canned"]
        rows.append(
            at_most(
                f"overhead: people.find ({flavour})",
                f"{client_name} / bare {bare_name}, simulator transport (x)",
                sim["ratio"],
                TARGET,
                f"{sim['client']:.0f} us vs {sim['httpx']:.0f} us per call (+{sim['client'] - sim['httpx']:.0f} us); "
                f"{how}, largest spread {100 * sim['spread']:.0f}%",
                unit="x",
            )
        )
        detail = (
            f"server cost removed: {canned['client']:.0f} us vs {canned['httpx']:.0f} us per call "
            f"(+{canned['client'] - canned['httpx']:.0f} us)"
        )
        if "from_dict" in canned:
            size = found["bytes"]
            detail += f"; parse_model(body, Person) alone {canned['from_dict']:.0f} us ({size:,} bytes)"
        rows.append(
            at_most(
                f"overhead: people.find ({flavour})",
                f"{client_name} / bare {bare_name}, in-memory transport, rich person (x)",
                canned["ratio"],
                CALL_TARGET,
                detail,
                unit="x",
            )
        )
    return rows


def main() -> None:
    cli(measure, __doc__)


if __name__ == "__main__":
    main()
