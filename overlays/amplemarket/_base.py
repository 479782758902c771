"""Configuration shared by ``Amplemarket`` and ``AsyncAmplemarket``."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from apicore import ClientConfig, PollPolicy, RateLimiter, RetryPolicy, Secret, check_base_url, configure_logging
from apicore.errors import ClientError
from apicore.inputs import chunks
from apicore.requests import Request

from . import _ops
from ._version import __version__

DEFAULT_BASE_URL = "https://api.amplemarket.com"
#: Seconds: connect quickly, but let slow reveals (which may end in 408 + Retry-After) finish.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
ENV_API_KEY = "AMPLEMARKET_API_KEY"
ENV_BASE_URL = "AMPLEMARKET_BASE_URL"
ENV_LOG = "AMPLEMARKET_LOG"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def build_config(
    api_key: str | None,
    base_url: str | None,
    max_retries: int,
    rate_limit: bool | RateLimiter,
) -> ClientConfig:
    key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
    if not key:
        raise ClientError(f"no API key: pass api_key=... or set {ENV_API_KEY}")
    url = check_base_url(base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL)
    if rate_limit is True:
        limiter: RateLimiter | None = RateLimiter(_ops.DEFAULT_LIMIT, dict(_ops.ROUTE_LIMITS))
    elif rate_limit is False:
        limiter = None
    else:
        limiter = rate_limit
    return ClientConfig(
        base_url=url,
        api_key=Secret(key),
        auth_headers=_bearer,
        logger=configure_logging("amplemarket", ENV_LOG),
        retry=RetryPolicy(max_retries=max_retries),
        limiter=limiter,
        error_codes=_ops.ERROR_CODES,
        user_agent=f"amplemarket-python/{__version__}",
    )


class ClientBase:
    """State shared by the sync and async clients (no I/O here)."""

    _config: ClientConfig
    poll_policy: PollPolicy

    def _setup(self, config: ClientConfig, poll_policy: PollPolicy | None) -> None:
        self._config = config
        self.poll_policy = poll_policy or PollPolicy()
        self._sleep: Callable[[float], Any] = time.sleep
        self._clock: Callable[[], float] = time.monotonic

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        return self._config.retry.max_retries

    @property
    def rate_limiter(self) -> RateLimiter | None:
        return self._config.limiter

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._config.base_url!r}, api_key=****)"


def split(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return list(chunks(items, size))


__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "ClientBase", "Request", "build_config", "split"]
