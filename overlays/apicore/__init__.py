"""Vendor-neutral machinery for the hand-written clients: sending (auth, retries, rate
limits, logging), typed errors, pagination, job polling and input checks.

Each vendor package (``amplemarket``, ...) is a thin layer of resources over this core.
"""

from __future__ import annotations

from ._http import AsyncSender, Call, ClientConfig, Secret, Sender, check_base_url, configure_logging
from .pagination import AsyncPaginator, Paginator, cursor_next_href, search_next_page
from .polling import TERMINAL, AsyncJob, Created, Job, JobReader, PollPolicy
from .ratelimit import Limit, RateLimiter
from .retries import DEFAULT_MAX_RETRIES, RetryPolicy, parse_retry_after

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "TERMINAL",
    "AsyncJob",
    "AsyncPaginator",
    "AsyncSender",
    "Call",
    "ClientConfig",
    "Created",
    "Job",
    "JobReader",
    "Limit",
    "Paginator",
    "PollPolicy",
    "RateLimiter",
    "RetryPolicy",
    "Secret",
    "Sender",
    "check_base_url",
    "configure_logging",
    "cursor_next_href",
    "parse_retry_after",
    "search_next_page",
]
