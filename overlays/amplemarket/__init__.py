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

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from apicore import AsyncJob, AsyncPaginator, Job, Limit, Paginator, PollPolicy, RateLimiter

    from . import errors
    from ._async_client import AsyncAmplemarket
    from ._client import Amplemarket

#: Where each public name lives: imported on first use (PEP 562), so ``import amplemarket`` and the command
#: line's ``--help`` do not pay for httpx, the clients and the generated package until a name is used.
_LAZY = {
    "Amplemarket": "amplemarket._client",
    "AsyncAmplemarket": "amplemarket._async_client",
    "AsyncJob": "apicore",
    "AsyncPaginator": "apicore",
    "Job": "apicore",
    "Limit": "apicore",
    "Paginator": "apicore",
    "PollPolicy": "apicore",
    "RateLimiter": "apicore",
}

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


def __getattr__(name: str) -> Any:
    if name == "errors":
        value: Any = importlib.import_module("amplemarket.errors")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
