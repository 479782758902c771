"""A local, stateful, spec-validated stand-in for Apollo's people enrichment.

    from apollo.testing import Simulator

    sim = Simulator(seed=7)
    apollo = sim.client()                              # an Apollo wired to the simulator in-process
    apollo.people.match(email=sim.people.email_of(3))
    sim.faults.rate_limit_burst(2)                     # the next two requests get 429 + Retry-After

    with sim.serve(port=0) as url:                     # or on loopback, for any HTTP client
        ...

People are matched deterministically: ``sim.people`` gives each person's email, LinkedIn URL
and id; a name matches only together with the employer (``organization_name`` or ``domain``).
Phone reveals are recorded in ``sim.phone_webhooks`` (the real API posts them later).
"""

from __future__ import annotations

from typing import Any

import httpx

from apicore.simulation import LoggedRequest, make_server

from .._async_client import AsyncApollo
from .._client import Apollo
from ._data import People
from ._sim import DEFAULT_API_KEY, ApolloSimulatorCore

__all__ = ["DEFAULT_API_KEY", "LoggedRequest", "People", "Simulator", "make_server"]

BASE_URL = "https://api.apollo.io"


class Simulator(ApolloSimulatorCore):
    """The Apollo simulator with ready clients; transports come from the core."""

    def client(self, **options: Any) -> Apollo:
        """A ready ``Apollo`` talking to this simulator in-process."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("base_url", BASE_URL)
        return Apollo(http_client=httpx.Client(transport=self.transport()), **options)

    def async_client(self, **options: Any) -> AsyncApollo:
        """A ready ``AsyncApollo`` talking to this simulator in-process."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("base_url", BASE_URL)
        return AsyncApollo(http_client=httpx.AsyncClient(transport=self.async_transport()), **options)
