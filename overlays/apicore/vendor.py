"""What a vendor package tells the core about its API, and the client state built from it.

A vendor package (``amplemarket``, ``apollo``) describes its API once in ``VendorSettings``:
where it lives, which environment variables configure it, how the key is sent, the
documented rate limits and error codes.  ``build_config`` turns that plus the user's
arguments into the ``ClientConfig`` the senders use, and ``ClientBase`` holds the state
both the sync and the async client of every vendor share.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Self, TypeVar

import httpx

from . import _aio
from ._http import AsyncSender, ClientConfig, Secret, Sender, as_timeout, check_base_url, configure_logging
from .errors import APIError, ClientError, VendorErrors, hand_out, vendor_errors
from .pagination import AsyncPaginator, Paginator
from .polling import AsyncJob, Job, PollPolicy
from .ratelimit import Limit, RateLimiter
from .requests import Request
from .retries import RetryPolicy, check_max_retries

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "AsyncClientBase",
    "ClientBase",
    "NotGiven",
    "SyncClientBase",
    "VendorSettings",
    "bearer",
    "build_config",
    "header_key",
]

T = TypeVar("T")

#: Seconds: connect quickly, but let slow answers (a reveal, a large page) finish.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

# What resources return and raise errors later: they become guarded too (see ``ClientBase._attach_resources``).
hand_out(Job, AsyncJob, Paginator, AsyncPaginator)


def bearer(key: str) -> dict[str, str]:
    """Send the key as ``Authorization: Bearer <key>``."""
    return {"Authorization": f"Bearer {key}"}


def header_key(name: str) -> Callable[[str], dict[str, str]]:
    """Send the key in its own header (``X-Api-Key: <key>``)."""

    def headers(key: str) -> dict[str, str]:
        return {name: key}

    return headers


class NotGiven:
    """The default of an option that was not given (``None`` may be a value of its own)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Final = NotGiven()


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
    errors_module: str = ""  # where the vendor's error classes live; default "<name>.errors"

    @property
    def errors(self) -> VendorErrors:
        """The vendor's error classes (``amplemarket.errors.NotFound``, ...), which its clients raise."""
        return vendor_errors(self.errors_module or f"{self.name}.errors")

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
    errors = settings.errors
    key = api_key if api_key is not None else os.environ.get(settings.env_api_key)
    with errors.boundary():
        if not key:
            raise ClientError(f"no API key: pass api_key=... or set {settings.env_api_key}")
        retries = check_max_retries(max_retries)
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
        retry=RetryPolicy(max_retries=retries),
        limiter=limiter,
        error_codes=settings.error_codes,
        user_agent=settings.user_agent,
        errors=errors,
    )


class ClientBase:
    """State shared by the sync and async clients of every vendor (no I/O here).

    A vendor client creates its resources (``self.people``, ...) in ``_bind_resources``; its
    ``__init__`` calls ``_attach_resources()`` after ``_connect``, and so does ``with_options``
    on the copy it makes.
    """

    _config: ClientConfig
    _http: httpx.Client | httpx.AsyncClient
    _owns_http: bool
    poll_policy: PollPolicy

    def _setup(self, config: ClientConfig, poll_policy: PollPolicy | None = None) -> None:
        self._config = config
        self.poll_policy = poll_policy or PollPolicy()
        self._sleep: Callable[[float], Any] = time.sleep
        self._clock: Callable[[], float] = time.monotonic

    def _bind_resources(self) -> None:
        """Create this client's resources, bound to ``self``; every vendor client defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define _bind_resources()")

    def _attach_resources(self) -> None:
        """Create the resources, then make them raise the vendor's errors.

        Every public method of each resource class (an object of the vendor's package held by the
        client, or by one of its resources: ``client.exclusions.domains``) is guarded once per
        class: a core error leaving it (``InvalidInput`` from an input check, a ``PartialBatchError``)
        becomes the vendor's class of that name, and a job or paginator it returns raises the
        vendor's errors too (``JobFailed`` from ``wait()``).
        """
        self._bind_resources()
        errors = self._config.errors
        if errors is None:
            return
        package = type(self).__module__.partition(".")[0]
        seen = {id(self)}
        pending = list(vars(self).values())
        while pending:
            value = pending.pop()
            if id(value) in seen or isinstance(value, type):
                continue
            seen.add(id(value))
            if type(value).__module__.partition(".")[0] != package or not hasattr(value, "__dict__"):
                continue
            errors.guard_class(type(value))
            pending += vars(value).values()

    def _make_sender(self, config: ClientConfig) -> None:
        raise NotImplementedError

    def _rebrand(self, error: ClientError) -> None:
        """Give ``error`` (a core error leaving the client) the vendor's class of the same name."""
        if self._config.errors is not None:
            self._config.errors.rebrand(error)

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        return self._config.retry.max_retries

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout of each request: the one ``with_options`` set, else the HTTP client's."""
        return self._config.timeout or self._http.timeout

    @property
    def rate_limiter(self) -> RateLimiter | None:
        return self._config.limiter

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Self:
        """This client with another ``timeout`` (seconds or ``httpx.Timeout``; None: no timeout) or ``max_retries``.

        The copy shares everything else with this client: the HTTP connection pool, the rate
        limiter, the key, the poll policy.  Use it for one call or for a block::

            client.with_options(max_retries=0).account.info()
            with client.with_options(timeout=2) as quick:
                quick.people.find(email=...)

        Leaving the block (or ``close()`` on the copy) does not close the shared pool: closing this
        client does.  Options not given keep this client's values; this client is unchanged.  A
        bad value raises ``InvalidInput`` at once.
        """
        changes: dict[str, Any] = {}
        try:
            if not isinstance(max_retries, NotGiven):
                changes["retry"] = replace(self._config.retry, max_retries=check_max_retries(max_retries))
            if not isinstance(timeout, NotGiven):
                changes["timeout"] = as_timeout(timeout)
        except ClientError as error:
            self._rebrand(error)
            raise
        clone = copy.copy(self)
        clone._config = replace(self._config, **changes)
        clone._owns_http = False  # the pool stays the original's to close
        clone._make_sender(clone._config)
        clone._attach_resources()
        return clone

    def _checked_timeout(self, timeout: object) -> httpx.Timeout:
        try:
            return as_timeout(timeout)
        except ClientError as error:
            self._rebrand(error)
            raise

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
        checked = self._checked_timeout(timeout)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=checked, follow_redirects=False)
        self._make_sender(config)

    def _make_sender(self, config: ClientConfig) -> None:
        self._sender = Sender(config, self._http, sleep=lambda seconds: self._sleep(seconds))

    def _run(self, request: Request[T]) -> T:
        try:
            return request.parse(self._sender.send(request.call))
        except ClientError as error:
            self._rebrand(error)
            raise

    def _run_with_response(self, request: Request[T]) -> tuple[T, httpx.Response]:
        try:
            response = self._sender.send(request.call)
            return request.parse(response), response
        except ClientError as error:
            self._rebrand(error)
            raise

    def close(self) -> None:
        """Close the HTTP client this client made (one passed in as ``http_client`` stays open).

        A copy made by ``with_options`` never closes the pool it shares with its original.
        """
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
        self._sleep = _aio.sleep
        checked = self._checked_timeout(timeout)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=checked, follow_redirects=False)
        self._make_sender(config)

    def _make_sender(self, config: ClientConfig) -> None:
        self._sender = AsyncSender(config, self._http, sleep=lambda seconds: self._sleep(seconds))

    async def _run(self, request: Request[T]) -> T:
        try:
            return request.parse(await self._sender.send(request.call))
        except ClientError as error:
            self._rebrand(error)
            raise

    async def _run_with_response(self, request: Request[T]) -> tuple[T, httpx.Response]:
        try:
            response = await self._sender.send(request.call)
            return request.parse(response), response
        except ClientError as error:
            self._rebrand(error)
            raise

    async def close(self) -> None:
        """Close the HTTP client this client made (one passed in as ``http_client`` stays open).

        A copy made by ``with_options`` never closes the pool it shares with its original.
        """
        if self._owns_http:
            await self._http.aclose()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
