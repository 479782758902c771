"""A typed Python client for Apollo.io people enrichment, on the same core as ``amplemarket``.

    from apollo import Apollo

    with Apollo() as apollo:                          # APOLLO_API_KEY from the environment
        person = apollo.people.match(email="tim@apollo.io")
        people = apollo.people.bulk_match([{"email": "a@x.com"}, {"linkedin_url": "..."}])

``AsyncApollo`` is the same, awaited.  ``apollo.testing.Simulator`` stands in for the API.
"""

from __future__ import annotations

from apollo_api.models import Organization, Person

from . import errors
from ._async_client import AsyncApollo
from ._client import Apollo
from ._version import __version__

__all__ = ["Apollo", "AsyncApollo", "Organization", "Person", "__version__", "errors"]
