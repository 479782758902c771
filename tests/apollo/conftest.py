"""Fixtures for the Apollo client tests: a simulator, clients wired to it in-process, and a spy on the wire.

The clients never really sleep: ``sleeps`` collects every wait they would have made.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from apollo import Apollo, AsyncApollo
from apollo.testing import Simulator

SEED = 7
BASE = "https://api.apollo.io"


class Spy(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Passes each request on to the simulator's transport and keeps it, headers included.

    ``answers[n]`` replaces the simulator's answer to the n-th request (counted from 1): the
    request is kept but never reaches the simulator.
    """

    def __init__(self, inner: httpx.BaseTransport, async_inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.async_inner = async_inner
        self.requests: list[httpx.Request] = []
        self.answers: dict[int, httpx.Response] = {}

    def _scripted(self, request: httpx.Request) -> httpx.Response | None:
        self.requests.append(request)
        return self.answers.get(len(self.requests))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scripted = self._scripted(request)
        return self.inner.handle_request(request) if scripted is None else scripted

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scripted = self._scripted(request)
        return await self.async_inner.handle_async_request(request) if scripted is None else scripted


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=SEED)


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait a client asked for (instead of sleeping)."""
    return []


@pytest.fixture
def apollo(sim: Simulator, sleeps: list[float]) -> Iterator[Apollo]:
    """``sim.client()``: an ``Apollo`` talking to the simulator in-process."""
    client = sim.client()
    client._sleep = sleeps.append
    yield client
    client._http.close()


@pytest.fixture
async def aapollo(sim: Simulator, sleeps: list[float]) -> AsyncIterator[AsyncApollo]:
    """``sim.async_client()``: an ``AsyncApollo`` talking to the simulator in-process."""

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client = sim.async_client()
    client._sleep = sleep
    yield client
    await client._http.aclose()


@pytest.fixture
def spy(sim: Simulator) -> Spy:
    """The simulator's transports, with every request kept (for what exactly went over the wire)."""
    return Spy(sim.transport(), sim.async_transport())


@pytest.fixture
def spied(sim: Simulator, spy: Spy, sleeps: list[float]) -> Iterator[Apollo]:
    """An ``Apollo`` on the simulator whose requests ``spy`` keeps."""
    client = Apollo(api_key=sim.api_key, base_url=BASE, http_client=httpx.Client(transport=spy))
    client._sleep = sleeps.append
    yield client
    client._http.close()


@pytest.fixture
async def aspied(sim: Simulator, spy: Spy, sleeps: list[float]) -> AsyncIterator[AsyncApollo]:
    """An ``AsyncApollo`` on the simulator whose requests ``spy`` keeps."""

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client = AsyncApollo(api_key=sim.api_key, base_url=BASE, http_client=httpx.AsyncClient(transport=spy))
    client._sleep = sleep
    yield client
    await client._http.aclose()
