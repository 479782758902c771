"""A client-side rate limiter, shared by every thread or task that uses one client.

Each limit (requests per period) is a GCRA schedule: requests are spaced
``period / requests`` apart, with a small burst allowance.  A request that falls under
several limits (the account-wide one and an endpoint's own) takes the latest slot of
all of them.  ``reserve`` never blocks: it books a slot and says how long to wait for
it, so the same limiter serves ``time.sleep`` and ``asyncio.sleep`` callers.  When the
server answers 429 with ``Retry-After``, ``pause`` holds every request back until then
(the senders check again after waiting for their slot, so a request booked before the 429
waits too).

The server counts a sliding window, and a request that reaches it late lets the request one
window later land in the same window: the limiter therefore keeps ``headroom`` (3 % by
default) of every limit unused, which absorbs that lateness at a small cost in throughput.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Limit", "RateLimiter"]


@dataclass(frozen=True)
class Limit:
    """``requests`` per ``period`` seconds, allowing ``burst`` requests back to back."""

    requests: int
    period: float = 60.0
    burst: int = 1

    def __post_init__(self) -> None:
        if self.requests <= 0 or self.period <= 0 or self.burst < 1:
            raise ValueError("a limit needs requests > 0, period > 0 and burst >= 1")

    @property
    def interval(self) -> float:
        return self.period / self.requests


@dataclass
class _Schedule:
    limit: Limit
    headroom: float = 0.0
    tat: float = 0.0  # theoretical arrival time of the next request

    @property
    def interval(self) -> float:
        return self.limit.interval / (1.0 - self.headroom)

    def earliest(self) -> float:
        return self.tat - (self.limit.burst - 1) * self.interval

    def book(self, start: float) -> None:
        self.tat = max(self.tat, start) + self.interval


@dataclass
class RateLimiter:
    """Limits by route: ``default`` applies to every request, ``routes`` to matching paths."""

    default: Limit | None = None
    routes: Mapping[str, Limit] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    headroom: float = 0.03

    def __post_init__(self) -> None:
        if not 0.0 <= self.headroom < 1.0:
            raise ValueError("headroom is the fraction of each limit left unused: 0 <= headroom < 1")
        self._lock = threading.Lock()
        self._default = _Schedule(self.default, self.headroom) if self.default else None
        self._routes = {route: _Schedule(limit, self.headroom) for route, limit in self.routes.items()}
        self._paused_until = 0.0

    def reserve(self, route: str) -> float:
        """Book the next slot for a request to ``route``; return the seconds to wait for it."""
        with self._lock:
            now = self.clock()
            schedules = [s for s in (self._default, self._routes.get(route)) if s is not None]
            start = max([now, self._paused_until, *(s.earliest() for s in schedules)])
            for schedule in schedules:
                schedule.book(start)
            return start - now

    def pause(self, seconds: float) -> None:
        """Hold every request back for ``seconds`` (the server said 429 + Retry-After)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self.clock() + seconds)

    @property
    def paused_for(self) -> float:
        with self._lock:
            return max(0.0, self._paused_until - self.clock())
