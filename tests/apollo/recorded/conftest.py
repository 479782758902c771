"""Apollo cassette tests: replayed offline by default; recorded against the simulator or, by hand, the real API.

Modes (environment variable ``APOLLO_RECORD``):

* unset: replay the cassettes under ``cassettes/simulator/`` (pytest-recording's default ``--record-mode=none``);
* ``simulator``: each test gets a fresh simulator served on loopback and its exchanges are recorded
  (``APOLLO_RECORD=simulator pytest tests/apollo/recorded/test_operations.py --record-mode=rewrite``);
* ``live``: exchanges with the real API (``APOLLO_API_KEY``; spends credits, never in CI) are recorded under
  ``cassettes/live/``.  Tests that need the simulator's settings or faults are skipped.

``@pytest.mark.apollo_simulator(**options)`` configures the simulator a test records against:
``Simulator`` keyword arguments, plus ``faults={"rate_limit_burst": {"count": 1, "retry_after": 30}}``
(each entry calls ``simulator.faults.<name>(**arguments)`` before the test runs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from apicore.cassettes import vcr_config as _vcr_config
from apollo import Apollo
from apollo.testing import People, Simulator

MODE = os.environ.get("APOLLO_RECORD", "")
SEED = 42
REPLAY_KEY = "apollo-replay-not-a-real-key"
REDACTED_KEY = "<redacted>"
HERE = Path(__file__).resolve().parent
CASSETTES = HERE / "cassettes"

Api = tuple[Apollo, str]

if MODE not in {"", "simulator", "live"}:
    raise pytest.UsageError(f"APOLLO_RECORD must be unset, 'simulator' or 'live', not {MODE!r}")


def recorded_against() -> str:
    return "live api.apollo.io" if MODE == "live" else f"apollo simulator seed={SEED}"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return _vcr_config(recorded_against=recorded_against(), secret_headers={"x-api-key": REDACTED_KEY})


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = request.module.__name__.rsplit(".", 1)[-1]
    return str(CASSETTES / ("live" if MODE == "live" else "simulator") / module)


@pytest.fixture
def people() -> People:
    """The simulator's population: the same emails, URLs and ids when recording and replaying."""
    return People(SEED)


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """A client (no retries, no client-side rate limit) and its key, pointed at wherever this mode talks to."""
    marker = request.node.get_closest_marker("apollo_simulator")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    if MODE == "live":
        if marker:
            pytest.skip("needs the simulator's settings or faults; not recorded live")
        if os.environ.get("CI"):
            pytest.fail("APOLLO_RECORD=live spends credits and never runs in CI; nothing was sent")
        key = os.environ.get("APOLLO_API_KEY", "")
        if not key:
            pytest.fail("APOLLO_RECORD=live needs APOLLO_API_KEY; nothing was sent")
        with Apollo(api_key=key, rate_limit=False, max_retries=0) as client:
            yield client, key
        return
    if MODE == "simulator":
        faults = options.pop("faults", {})
        simulator = Simulator(seed=SEED, **options)
        for name, arguments in faults.items():
            getattr(simulator.faults, name)(**arguments)
        with (
            simulator.serve(port=0) as url,
            Apollo(api_key=simulator.api_key, base_url=url, rate_limit=False, max_retries=0) as client,
        ):
            yield client, simulator.api_key
        return
    with Apollo(api_key=REPLAY_KEY, base_url="http://127.0.0.1:9", rate_limit=False, max_retries=0) as client:
        client._sleep = lambda _seconds: None  # replayed time does not need to pass
        yield client, REPLAY_KEY


@pytest.fixture
def raw(api: Api) -> Iterator[httpx.Client]:
    """A bare httpx client with the same base URL and key, for requests the client refuses to send."""
    client, key = api
    with httpx.Client(base_url=client.base_url, headers={"X-Api-Key": key}) as http:
        yield http


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "apollo_simulator(**options): the Apollo simulator a cassette is recorded against"
    )
