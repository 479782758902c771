"""Amplemarket API client: the hand-written layer over the generated ``amplemarket_api``.

    from amplemarket import Amplemarket, errors

    with Amplemarket() as am:                      # AMPLEMARKET_API_KEY from the environment
        person = am.people.find(email="jane@example.com")
        job = am.people.enrich([{"email": "jane@example.com"}]).wait()
        for result in job.results():
            ...
        am.with_options(timeout=5, max_retries=0).account.info()   # other options for one call or block

``AsyncAmplemarket`` offers the same with ``await`` and ``async for``.  Errors are ``amplemarket.errors``
classes; an ``errors.APIError`` carries the server's ``request_id`` (quote it to support).
"""

from __future__ import annotations

from apicore import AsyncJob, AsyncPaginator, Job, Limit, Paginator, PollPolicy, RateLimiter

from . import errors
from ._async_client import AsyncAmplemarket
from ._client import Amplemarket
from ._version import __version__

__all__ = [
    "Amplemarket",
    "AsyncAmplemarket",
    "AsyncJob",
    "AsyncPaginator",
    "Job",
    "Limit",
    "Paginator",
    "PollPolicy",
    "RateLimiter",
    "__version__",
    "errors",
]
