"""What a vendor package tells the core about its API, and the client state built from it.

A vendor package (``amplemarket``, ``apollo``) describes its API once in ``VendorSettings``:
where it lives, which environment variables configure it, how the key is sent, the
documented rate limits and error codes.  ``build_config`` turns that plus the user's
arguments into the ``ClientConfig`` the senders use, and ``ClientBase`` holds the state
both the sync and the async client of every vendor share.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

import httpx

from ._http import AsyncSender, ClientConfig, Secret, Sender, check_base_url, configure_logging
from .errors import APIError, ClientError
from .polling import PollPolicy
from .ratelimit import Limit, RateLimiter
from .requests import Request
from .retries import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncClientBase",
    "ClientBase",
    "SyncClientBase",
    "VendorSettings",
    "bearer",
    "build_config",
    "header_key",
]

T = TypeVar("T")

#: Seconds: connect quickly, but let slow answers (a reveal, a large page) finish.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def bearer(key: str) -> dict[str, str]:
    """Send the key as ``Authorization: Bearer <key>``."""
    return {"Authorization": f"Bearer {key}"}


def header_key(name: str) -> Callable[[str], dict[str, str]]:
    """Send the key in its own header (``X-Api-Key: <key>``)."""

    def headers(key: str) -> dict[str, str]:
        return {name: key}

    return headers


@dataclass(frozen=True)
class VendorSettings:
    """The facts about one API that the core needs."""

    name: str
    default_base_url: str
    env_prefix: str  # AMPLEMARKET -> AMPLEMARKET_API_KEY, AMPLEMARKET_BASE_URL, AMPLEMARKET_LOG
    auth_headers: Callable[[str], dict[str, str]]
    user_agent: str
    default_limit: Limit | None = None
    route_limits: Mapping[str, Limit] = field(default_factory=dict)
    error_codes: Mapping[str, type[APIError]] = field(default_factory=dict)

    @property
    def env_api_key(self) -> str:
        return f"{self.env_prefix}_API_KEY"

    @property
    def env_base_url(self) -> str:
        return f"{self.env_prefix}_BASE_URL"

    @property
    def env_log(self) -> str:
        return f"{self.env_prefix}_LOG"

    def limiter(self) -> RateLimiter | None:
        if self.default_limit is None and not self.route_limits:
            return None
        return RateLimiter(self.default_limit, dict(self.route_limits))


def build_config(
    settings: VendorSettings,
    api_key: str | None,
    base_url: str | None,
    max_retries: int,
    rate_limit: bool | RateLimiter,
) -> ClientConfig:
    """The sender configuration: arguments first, then the environment, then the defaults."""
    key = api_key if api_key is not None else os.environ.get(settings.env_api_key)
    if not key:
        raise ClientError(f"no API key: pass api_key=... or set {settings.env_api_key}")
    url = check_base_url(base_url or os.environ.get(settings.env_base_url) or settings.default_base_url)
    if rate_limit is True:
        limiter = settings.limiter()
    elif rate_limit is False:
        limiter = None
    else:
        limiter = rate_limit
    return ClientConfig(
        base_url=url,
        api_key=Secret(key),
        auth_headers=settings.auth_headers,
        logger=configure_logging(settings.name, settings.env_log),
        retry=RetryPolicy(max_retries=max_retries),
        limiter=limiter,
        error_codes=settings.error_codes,
        user_agent=settings.user_agent,
    )


class ClientBase:
    """State shared by the sync and async clients of every vendor (no I/O here)."""

    _config: ClientConfig
    poll_policy: PollPolicy

    def _setup(self, config: ClientConfig, poll_policy: PollPolicy | None = None) -> None:
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


class SyncClientBase(ClientBase):
    """A synchronous client's plumbing: its httpx client, the sender, running requests, closing."""

    _http: httpx.Client
    _sender: Sender

    def _connect(
        self,
        config: ClientConfig,
        http_client: httpx.Client | None,
        timeout: float | httpx.Timeout | None,
        poll_policy: PollPolicy | None = None,
    ) -> None:
        self._setup(config, poll_policy)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._sender = Sender(config, self._http, sleep=lambda seconds: self._sleep(seconds))

    def _run(self, request: Request[T]) -> T:
        return request.parse(self._sender.send(request.call))

    def _run_with_response(self, request: Request[T]) -> tuple[T, httpx.Response]:
        response = self._sender.send(request.call)
        return request.parse(response), response

    def close(self) -> None:
        """Close the HTTP client this client made (one passed in as ``http_client`` stays open)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClientBase(ClientBase):
    """An asynchronous client's plumbing: the same as ``SyncClientBase``, awaited."""

    _http: httpx.AsyncClient
    _sender: AsyncSender

    def _connect(
        self,
        config: ClientConfig,
        http_client: httpx.AsyncClient | None,
        timeout: float | httpx.Timeout | None,
        poll_policy: PollPolicy | None = None,
    ) -> None:
        self._setup(config, poll_policy)
        self._sleep = asyncio.sleep
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._sender = AsyncSender(config, self._http, sleep=lambda seconds: self._sleep(seconds))

    async def _run(self, request: Request[T]) -> T:
        return request.parse(await self._sender.send(request.call))

    async def _run_with_response(self, request: Request[T]) -> tuple[T, httpx.Response]:
        response = await self._sender.send(request.call)
        return request.parse(response), response

    async def close(self) -> None:
        """Close the HTTP client this client made (one passed in as ``http_client`` stays open)."""
        if self._owns_http:
            await self._http.aclose()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
