"""Sending requests: authentication, rate limiting, retries, logging and error mapping.

``Sender`` (sync) and ``AsyncSender`` share every decision in ``_SenderBase``; only the
loop that sleeps and sends differs between them.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import _aio
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InputProblem,
    InvalidInput,
    RateLimited,
    RequestTimeout,
    VendorErrors,
    error_from_response,
)
from .ratelimit import RateLimiter
from .retries import RetryPolicy, parse_retry_after

__all__ = [
    "AsyncSender",
    "Call",
    "ClientConfig",
    "Secret",
    "Sender",
    "as_timeout",
    "check_base_url",
    "configure_logging",
]


class Secret:
    """A string that never shows itself in a repr, str or log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def check_base_url(url: str) -> str:
    """The base URL without a trailing slash; plain http is refused unless the host is loopback."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL, got {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"base_url {url!r} uses plain http to a non-loopback host; the API key would travel "
            "unencrypted. Use https (plain http is allowed only for localhost/127.0.0.1/::1)."
        )
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not carry a query or fragment, got {url!r}")
    return url.rstrip("/")


def as_timeout(value: object) -> httpx.Timeout:
    """``value`` (seconds, an ``httpx.Timeout``, or None for no timeout) as an ``httpx.Timeout``.

    Anything else (a string, a bool, a negative, zero or NaN number of seconds) raises ``InvalidInput``.
    """
    if value is None:
        return httpx.Timeout(None)
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        rule = f"must be a number of seconds, an httpx.Timeout or None; got {type(value).__name__} {value!r}"
        raise InvalidInput([InputProblem("timeout", rule)])
    if not (math.isfinite(value) and value > 0):
        raise InvalidInput([InputProblem("timeout", f"must be more than 0 seconds; got {value!r}")])
    return httpx.Timeout(float(value))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_CONFIGURED: set[str] = set()


def configure_logging(logger_name: str, env_var: str) -> logging.Logger:
    """The client's logger; ``<VENDOR>_LOG=debug|info|warning`` adds a stderr handler at that level."""
    logger = logging.getLogger(logger_name)
    level = os.environ.get(env_var, "").strip().upper()
    if level and logger_name not in _CONFIGURED and hasattr(logging, level):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(getattr(logging, level))
        _CONFIGURED.add(logger_name)
    return logger


@dataclass(frozen=True)
class Call:
    """One logical request.  ``route`` selects the rate limit; ``creates`` forbids unsafe resends."""

    method: str
    path: str  # relative to the base URL; may carry a query string (a followed link)
    params: Mapping[str, Any] | None = None
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    creates: bool = False
    #: The JSON body already encoded (a large batch written straight from its rows); replaces ``json``.
    content: bytes | None = field(default=None, repr=False)

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @classmethod
    def from_kwargs(cls, kwargs: Mapping[str, Any], *, creates: bool = False) -> Call:
        """A call from a generated endpoint's ``request_kwargs(...)``."""
        return cls(
            method=str(kwargs["method"]).upper(),
            path=str(kwargs["url"]),
            params=kwargs.get("params") or None,
            json=kwargs.get("json"),
            headers=dict(kwargs.get("headers") or {}),
            creates=creates,
        )


@dataclass(frozen=True)
class ClientConfig:
    """Everything a sender needs; built once per client (``with_options`` copies it with changes).

    ``timeout`` is set on every request this config sends; None leaves the HTTP client's own
    timeout in force (``httpx.Timeout(None)`` means no timeout at all).  ``errors`` names the
    vendor whose error classes the client raises (None: the core's).
    """

    base_url: str
    api_key: Secret
    auth_headers: Callable[[str], dict[str, str]]
    logger: logging.Logger
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | None = None
    error_codes: Mapping[str, type[APIError]] = field(default_factory=dict)
    user_agent: str = "python-client"
    rng: random.Random = field(default_factory=random.Random)
    timeout: httpx.Timeout | None = None
    errors: VendorErrors | None = None

    def redact(self, text: str) -> str:
        key = self.api_key.reveal()
        return text.replace(key, "[redacted]") if key else text


class _SenderBase:
    """The decisions shared by the sync and async senders."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.base_url!r})"

    def url_for(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            # An absolute link must point back to the configured API, or the key would leave it.
            base = urlsplit(self.config.base_url)
            target = urlsplit(path)
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                raise APIConnectionError(f"refusing to follow a link to another host: {target.netloc}")
            return path
        return self.config.base_url + ("" if path.startswith("/") else "/") + path

    def build(self, http: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
        """The request for ``call``: URL, query, body, headers and (when the config sets one) the timeout."""
        url, headers = self.url_for(call.path), self.headers_for(call)
        body: dict[str, Any] = {"json": call.json}
        if call.content is not None:
            body = {"content": call.content}
            headers["Content-Type"] = "application/json"
        timeout = self.config.timeout
        if timeout is None:
            return http.build_request(call.method, url, params=call.params, headers=headers, **body)
        return http.build_request(call.method, url, params=call.params, headers=headers, timeout=timeout, **body)

    def headers_for(self, call: Call) -> dict[str, str]:
        headers = {"User-Agent": self.config.user_agent, "Accept": "application/json", **call.headers}
        headers.update(self.config.auth_headers(self.config.api_key.reveal()))
        return headers

    def held_back(self) -> float:
        """Seconds a 429 still holds every request back (re-checked after waiting for a booked slot)."""
        limiter = self.config.limiter
        return limiter.paused_for if limiter else 0.0

    def limiter_delay(self, call: Call) -> float:
        limiter = self.config.limiter
        delay = limiter.reserve(call.route) if limiter else 0.0
        if delay > 0.001:
            self.config.logger.debug("%s %s waits %.3fs for the rate limit", call.method, call.route, delay)
        return delay

    def after_response(self, call: Call, response: httpx.Response, retry: int, elapsed: float) -> float | None:
        """Log the answer; return the delay before a retry, or None when ``response`` is final."""
        logger = self.config.logger
        logger.debug("%s %s -> %s in %.3fs", call.method, call.route, response.status_code, elapsed)
        if response.is_success:
            return None
        delay = self.config.retry.delay_for_response(response, retry, creates=call.creates, rng=self.config.rng)
        if response.status_code == 429 and self.config.limiter is not None:
            hint = parse_retry_after(response.headers.get("retry-after"))
            self.config.limiter.pause(hint if hint is not None else (delay or 1.0))
        if delay is not None:
            logger.info(
                "%s %s -> %s; retry %d/%d in %.2fs",
                call.method, call.route, response.status_code, retry + 1, self.config.retry.max_retries, delay,
            )  # fmt: skip
        return delay

    def after_error(self, call: Call, error: Exception, retry: int) -> float | None:
        delay = self.config.retry.delay_for_error(error, retry, creates=call.creates, rng=self.config.rng)
        logger = self.config.logger
        if delay is not None:
            logger.info(
                "%s %s failed (%s); retry %d/%d in %.2fs",
                call.method, call.route, type(error).__name__, retry + 1, self.config.retry.max_retries, delay,
            )  # fmt: skip
        else:
            logger.warning("%s %s failed (%s); not retried", call.method, call.route, type(error).__name__)
        return delay

    def settle(
        self, call: Call, request: httpx.Request, outcome: httpx.Response | Exception, retry: int, elapsed: float
    ) -> httpx.Response | float:
        """The final 2xx response, or the seconds to wait before retrying; raises when the call failed for good."""
        if isinstance(outcome, Exception):
            delay = self.after_error(call, outcome, retry)
            if delay is None:
                raise self.connection_error(call, outcome, request) from outcome
            return delay
        delay = self.after_response(call, outcome, retry, elapsed)
        if delay is not None:
            return delay
        if outcome.is_success:
            return outcome
        raise self.error_for(outcome)

    def error_for(self, response: httpx.Response) -> APIError:
        error = error_from_response(response, codes=self.config.error_codes, redact=self.config.redact)
        if isinstance(error, (RateLimited, RequestTimeout)):
            error.retry_after = parse_retry_after(response.headers.get("retry-after"))
        return error

    def connection_error(self, call: Call, error: Exception, request: httpx.Request) -> APIConnectionError:
        note = "" if not call.creates else " (not resent: the request may have reached the server)"
        message = self.config.redact(f"{call.method} {call.route}: {type(error).__name__}: {error}{note}")
        cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        return cls(message, request=request)


class Sender(_SenderBase):
    """Sends calls with an ``httpx.Client``."""

    def __init__(self, config: ClientConfig, http: httpx.Client, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(config)
        self.http = http
        self.sleep = sleep

    def send(self, call: Call) -> httpx.Response:
        """Send ``call``, retrying what is safe to retry; return a 2xx response or raise ``APIError``."""
        request = self.build(self.http, call)
        retry = 0
        while True:
            wait = self.limiter_delay(call)
            if wait > 0:
                self.sleep(wait)
            held = self.held_back()
            if held > 0:  # a 429 arrived while this request waited for its slot: wait, then book again
                self.sleep(held)
                continue
            started = time.monotonic()
            outcome: httpx.Response | Exception
            try:
                outcome = self.http.send(request)
            except httpx.TransportError as error:
                outcome = error
            settled = self.settle(call, request, outcome, retry, time.monotonic() - started)
            if isinstance(settled, httpx.Response):
                return settled
            self.sleep(settled)
            retry += 1


class AsyncSender(_SenderBase):
    """Sends calls with an ``httpx.AsyncClient``."""

    def __init__(
        self, config: ClientConfig, http: httpx.AsyncClient, sleep: Callable[[float], Any] = _aio.sleep
    ) -> None:
        super().__init__(config)
        self.http = http
        self.sleep = sleep

    async def send(self, call: Call) -> httpx.Response:
        """Send ``call``, retrying what is safe to retry; return a 2xx response or raise ``APIError``."""
        request = self.build(self.http, call)
        retry = 0
        while True:
            wait = self.limiter_delay(call)
            if wait > 0:
                await self.sleep(wait)
            held = self.held_back()
            if held > 0:  # a 429 arrived while this request waited for its slot: wait, then book again
                await self.sleep(held)
                continue
            started = time.monotonic()
            outcome: httpx.Response | Exception
            try:
                outcome = await self.http.send(request)
            except httpx.TransportError as error:
                outcome = error
            settled = self.settle(call, request, outcome, retry, time.monotonic() - started)
            if isinstance(settled, httpx.Response):
                return settled
            await self.sleep(settled)
            retry += 1
