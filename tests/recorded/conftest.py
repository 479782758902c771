"""Cassette tests: replayed offline by default; `make record` records them against the simulator.

Modes (environment variable ``AMPLEMARKET_RECORD``):

* unset: replay the cassettes under ``cassettes/`` (pytest-recording's default ``--record-mode=none``);
* ``simulator``: each test gets a fresh simulator served on loopback and its exchanges are recorded;
* ``live``: exchanges with the real API (``AMPLEMARKET_API_KEY``) are recorded under ``cassettes/live/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from amplemarket import Amplemarket
from amplemarket.testing import Simulator
from amplemarket.testing._data import Population
from amplemarket.testing.cassettes import vcr_config as _vcr_config

MODE = os.environ.get("AMPLEMARKET_RECORD", "")
SEED = 42
REPLAY_KEY = "sk-replay-not-a-real-key"
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    where = "live api.amplemarket.com" if MODE == "live" else f"simulator seed={SEED}"
    return _vcr_config(recorded_against=where)


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    folder = (
        HERE / "cassettes" / ("live" if MODE == "live" else "simulator") / request.module.__name__.rsplit(".", 1)[-1]
    )
    return str(folder)


@pytest.fixture
def people() -> Population:
    """The simulator's population: the same emails and URLs when recording and replaying."""
    return Population(SEED)


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[tuple[Amplemarket, str]]:
    """A client and its API key, pointed at wherever this mode talks to.

    ``@pytest.mark.simulator(**options)`` configures the simulator a test records against.
    """
    marker = request.node.get_closest_marker("simulator")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    if MODE == "live":
        key = os.environ.get("AMPLEMARKET_API_KEY", "")
        if not key:
            pytest.fail("AMPLEMARKET_RECORD=live needs AMPLEMARKET_API_KEY; nothing was sent")
        with Amplemarket(api_key=key, rate_limit=True) as client:
            yield client, key
        return
    if MODE == "simulator":
        options.setdefault("time_scale", 1000.0)
        options.setdefault("job_seconds", 3.0)
        options.setdefault("retry_after", 1000.0)
        simulator = Simulator(seed=SEED, **options)
        with (
            simulator.serve(port=0) as url,
            Amplemarket(
                api_key=options.get("api_key", simulator.api_key), base_url=url, rate_limit=False, max_retries=0
            ) as client,
        ):
            yield client, simulator.api_key
        return
    with Amplemarket(api_key=REPLAY_KEY, base_url="http://127.0.0.1:9", rate_limit=False, max_retries=0) as client:
        client._sleep = lambda _seconds: None  # replayed time does not need to pass
        yield client, REPLAY_KEY


@pytest.fixture
def raw(api: tuple[Amplemarket, str]) -> Iterator[httpx.Client]:
    """A bare httpx client with the same base URL and key, for requests the client would refuse to send."""
    client, key = api
    with httpx.Client(base_url=client.base_url, headers={"Authorization": f"Bearer {key}"}) as http:
        yield http


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "simulator(**options): options of the simulator a cassette is recorded against")
