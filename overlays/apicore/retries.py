"""When to retry a request, and how long to wait first.

Retried: 408, 429, every 5xx, and connection failures; with exponential back-off and
jitter, or exactly the server's ``Retry-After`` when it sends one (seconds or an HTTP
date) and it is not unreasonably long.

Never resent: a request that *creates* something (a job, a call, leads) once it may
have reached the server.  Such a request is retried only when the server certainly did
not act on it: the connection was never made, or the server answered 429 (rejected
before processing).  A 5xx, a 408 or a read timeout on a create is raised instead, so
that no job is created twice and no credit is spent twice.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

import httpx

from .errors import InputProblem, InvalidInput

__all__ = ["DEFAULT_MAX_RETRIES", "RetryPolicy", "check_max_retries", "parse_retry_after", "request_never_sent"]

DEFAULT_MAX_RETRIES = 3
_RETRY_STATUSES = frozenset({408, 429})

# httpx errors raised before a single byte of the request reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date); None if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def check_max_retries(value: object) -> int:
    """``value`` when it is a retry budget (a whole number, 0 or more); else ``InvalidInput`` naming the rule."""
    if isinstance(value, bool) or not isinstance(value, int):
        rule = f"must be a whole number of retries, 0 or more; got {type(value).__name__} {value!r}"
        raise InvalidInput([InputProblem("max_retries", rule)])
    if value < 0:
        raise InvalidInput([InputProblem("max_retries", f"must be 0 or more; got {value}")])
    return value


def request_never_sent(error: BaseException) -> bool:
    """True when ``error`` proves the request never reached the server."""
    return isinstance(error, _NOT_SENT)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts.

    ``max_retries`` counts retries after the first attempt.  Without ``Retry-After`` the
    wait is ``initial_backoff * 2**retry`` capped at ``max_backoff``, times a random factor
    in [0.5, 1] so that many clients do not retry in step.  A ``Retry-After`` above
    ``max_retry_after`` is not waited for: the error is raised and says how long to wait.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")

    def backoff(self, retry: int, rng: random.Random | None = None) -> float:
        base: float = min(self.max_backoff, self.initial_backoff * 2.0**retry)
        jitter: float = (rng or random).random()
        return base * (0.5 + 0.5 * jitter)

    def retryable_status(self, status: int) -> bool:
        return status in _RETRY_STATUSES or status >= 500

    def delay_for_response(
        self, response: httpx.Response, retry: int, *, creates: bool, rng: random.Random | None = None
    ) -> float | None:
        """Seconds to wait before retrying after ``response``; None when it must not be retried."""
        status = response.status_code
        if retry >= self.max_retries or not self.retryable_status(status):
            return None
        if creates and status != 429:
            return None  # the server may have acted on it: never resend a create
        after = parse_retry_after(response.headers.get("retry-after"))
        if after is not None:
            return after if after <= self.max_retry_after else None
        return self.backoff(retry, rng)

    def delay_for_error(
        self, error: BaseException, retry: int, *, creates: bool, rng: random.Random | None = None
    ) -> float | None:
        """Seconds to wait before retrying after a transport error; None when it must not be retried."""
        if retry >= self.max_retries or not isinstance(error, httpx.TransportError):
            return None
        if creates and not request_never_sent(error):
            return None
        return self.backoff(retry, rng)
