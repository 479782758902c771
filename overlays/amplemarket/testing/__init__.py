"""A local, stateful, spec-validated stand-in for the Amplemarket API.

    from amplemarket.testing import Simulator

    sim = Simulator(seed=7, time_scale=60)          # a simulated minute passes in a real second
    am = sim.client()                               # an Amplemarket wired to the simulator in-process
    am.people.find(email=sim.people.email_of(3))
    sim.faults.rate_limit_burst(3)                  # the next three requests get 429 + Retry-After
    print(sim.log[-1])                              # every request, with its status

    with sim.serve(port=0) as url:                  # or on loopback, for any HTTP client
        ...                                         # GET {url}/_simulator/stats: what happened so far

    flaky = Simulator(seed=7, fault_rate=0.3)        # 30% of requests get a 500, a 429, a slow answer or
    print(flaky.stats()["faults_injected"])          # a dropped connection, reproducibly for the seed

``python -m amplemarket.testing serve --port 8000`` serves it from the command line
(``--fault-rate R --seed S`` for random faults; ``--help`` for the rest).
Needs the ``testing`` extra (``pip install 'amplemarket-client[testing]'``).
"""

from __future__ import annotations

from typing import Any

import httpx

from apicore.simulation import make_server

from .._async_client import AsyncAmplemarket
from .._client import Amplemarket
from ._sim import DEFAULT_API_KEY, Faults, LoggedRequest, SimulatorCore

__all__ = ["DEFAULT_API_KEY", "Faults", "LoggedRequest", "Simulator", "make_server"]

BASE_URL = "https://api.amplemarket.com"


class Simulator(SimulatorCore):
    """The simulator with ready clients; its transports (in-process, loopback) come from the core."""

    def client(self, **options: Any) -> Amplemarket:
        """A ready ``Amplemarket`` talking to this simulator in-process."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("base_url", BASE_URL)
        return Amplemarket(http_client=httpx.Client(transport=self.transport()), **options)

    def async_client(self, **options: Any) -> AsyncAmplemarket:
        """A ready ``AsyncAmplemarket`` talking to this simulator in-process."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("base_url", BASE_URL)
        return AsyncAmplemarket(http_client=httpx.AsyncClient(transport=self.async_transport()), **options)
