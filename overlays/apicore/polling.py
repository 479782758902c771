"""Background jobs: refresh, wait (honouring Retry-After), iterate results, cancel.

A job may consist of several parts: an input larger than the per-request limit is sent
as several server-side jobs, and the client shows them as one.  ``results()`` yields
every result of every part, part after part, so results come back in input order.

What differs per vendor and job type (how to fetch, cancel, read the status, the
results and the next page) comes in a ``JobSource``; what differs between sync and
async is only the loop: every decision is in ``_JobCore``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import httpx

from .errors import APIConnectionError, JobFailed, JobTimeout, RateLimited, RequestTimeout, ServerError
from .retries import parse_retry_after

__all__ = [
    "TERMINAL",
    "AsyncJob",
    "AsyncJobSource",
    "Created",
    "Job",
    "JobPart",
    "JobReader",
    "PollPolicy",
    "SyncJobSource",
]

M = TypeVar("M")
R = TypeVar("R")
M_co = TypeVar("M_co", covariant=True)

TERMINAL = frozenset({"completed", "canceled", "error"})
_TRANSIENT = (RateLimited, RequestTimeout, ServerError, APIConnectionError)
_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollPolicy:
    """How to pace polls when the server gives no ``Retry-After``, and the bounds on it.

    Without a hint the interval starts at ``initial_interval`` and doubles up to
    ``max_interval``.  A server hint is followed exactly (never polled sooner), capped
    at ``max_interval``.  ``max_consecutive_failures`` transient errors in a row end the wait.
    """

    initial_interval: float = 1.0
    max_interval: float = 300.0
    max_consecutive_failures: int = 8


@dataclass
class JobPart(Generic[M]):
    """One server-side job: its latest state and when it may be polled again."""

    id: Any
    model: M
    retry_after: float | None = None
    polls: int = 0
    next_poll_at: float = 0.0
    failures: int = 0


class SyncJobSource(Protocol[M_co]):
    """How to reach one kind of job (sync)."""

    def fetch(self, job_id: Any) -> tuple[M_co, httpx.Response]: ...
    def fetch_href(self, href: str) -> M_co: ...
    def cancel(self, job_id: Any) -> M_co: ...


class AsyncJobSource(Protocol[M_co]):
    """How to reach one kind of job (async)."""

    async def fetch(self, job_id: Any) -> tuple[M_co, httpx.Response]: ...
    async def fetch_href(self, href: str) -> M_co: ...
    async def cancel(self, job_id: Any) -> M_co: ...


#: One created (or resumed) server-side job: its id, its model, and the response that carried it.
Created = tuple[Any, M, httpx.Response | None]


@dataclass
class JobReader(Generic[M, R]):
    """Reads a job model: its id, status, errors, results and the link to the next page."""

    status: Callable[[M], str | None]
    errors: Callable[[M], list[dict[str, Any]]]
    results: Callable[[M], Sequence[R | None]]
    next_href: Callable[[M], str | None]


@dataclass
class _JobCore(Generic[M, R]):
    parts: list[JobPart[M]]
    reader: JobReader[M, R]
    policy: PollPolicy = field(default_factory=PollPolicy)
    clock: Callable[[], float] = time.monotonic

    @property
    def id(self) -> Any:
        return self.parts[0].id if len(self.parts) == 1 else tuple(p.id for p in self.parts)

    def part_status(self, part: JobPart[M]) -> str | None:
        return self.reader.status(part.model)

    @property
    def status(self) -> str | None:
        """One status for all parts: error > processing/queued > canceled > completed."""
        statuses = [self.part_status(p) for p in self.parts]
        if "error" in statuses:
            return "error"
        pending = [s for s in statuses if s not in TERMINAL]
        if pending:
            return "processing" if "processing" in pending or len(set(pending)) > 1 else pending[0]
        if "canceled" in statuses:
            return "canceled"
        return "completed"

    @property
    def done(self) -> bool:
        return all(self.part_status(p) in TERMINAL for p in self.parts)

    def record(self, part: JobPart[M], model: M, response: httpx.Response | None) -> None:
        part.model = model
        part.polls += 1
        part.failures = 0
        hint = parse_retry_after(response.headers.get("retry-after")) if response is not None else None
        part.retry_after = hint
        part.next_poll_at = self.clock() + self.delay(part)

    def delay(self, part: JobPart[M]) -> float:
        if part.retry_after is not None:
            return min(part.retry_after, self.policy.max_interval)
        growing: float = self.policy.initial_interval * 2.0 ** max(0, part.polls - 1)
        return min(self.policy.max_interval, growing)

    def record_failure(self, part: JobPart[M], error: Exception) -> None:
        part.failures += 1
        if part.failures >= self.policy.max_consecutive_failures:
            raise error
        hint = getattr(error, "retry_after", None)
        wait = hint if isinstance(hint, (int, float)) else self.delay(part) * 2**part.failures
        part.next_poll_at = self.clock() + min(float(wait), self.policy.max_interval)
        _logger.info("polling job %s failed (%s); next poll in %.1fs", part.id, type(error).__name__, wait)

    def next_part(self) -> JobPart[M] | None:
        pending = [p for p in self.parts if self.part_status(p) not in TERMINAL]
        return min(pending, key=lambda p: p.next_poll_at) if pending else None

    def polled(self, part: JobPart[M], model: M, response: httpx.Response) -> None:
        """Record a successful poll of ``part``; raise JobFailed when a part ended in error."""
        self.record(part, model, response)
        self.check_failed()

    def check_failed(self) -> None:
        for part in self.parts:
            if self.part_status(part) == "error":
                raise JobFailed(part.id, self.reader.errors(part.model))

    def sleep_needed(self, part: JobPart[M], deadline: float | None, started: float) -> float:
        """Seconds to sleep before polling ``part``; raises JobTimeout when the deadline comes first."""
        now = self.clock()
        wait = max(0.0, part.next_poll_at - now)
        if deadline is not None and now + wait > deadline:
            raise JobTimeout(self.id, self.status, now - started)
        return wait

    def new_part(self, job_id: Any, model: M, response: httpx.Response | None) -> JobPart[M]:
        hint = parse_retry_after(response.headers.get("retry-after")) if response is not None else None
        return JobPart(job_id, model, retry_after=hint, next_poll_at=self.clock() + (hint or 0.0))

    def deadline_for(self, timeout: float | None) -> tuple[float | None, float]:
        started = self.clock()
        return (None if timeout is None else started + timeout), started


class _JobView(Generic[M, R]):
    """What a job shows, sync or async."""

    _core: _JobCore[M, R]
    _default_sleep: Callable[[float], Any]

    def __init__(
        self,
        source: Any,
        created: Sequence[Created[M]],
        reader: JobReader[M, R],
        *,
        policy: PollPolicy | None = None,
        sleep: Callable[[float], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._core = _JobCore([], reader, policy or PollPolicy(), clock)
        self._core.parts = [self._core.new_part(job_id, model, response) for job_id, model, response in created]
        if not self._core.parts:
            raise ValueError("a job needs at least one part")
        self._sleep = sleep or self._default_sleep

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r} status={self.status!r}>"

    @property
    def id(self) -> Any:
        """The job id; a tuple of ids when the input was split into several jobs."""
        return self._core.id

    @property
    def ids(self) -> list[Any]:
        """The id of every server-side job, in input order."""
        return [p.id for p in self._core.parts]

    @property
    def status(self) -> str | None:
        """queued, processing, completed, canceled or error (one status for all parts)."""
        return self._core.status

    @property
    def done(self) -> bool:
        return self._core.done

    @property
    def models(self) -> list[M]:
        """The latest job model of every part (the generated attrs models)."""
        return [p.model for p in self._core.parts]

    @property
    def polls(self) -> int:
        """How many times the job was polled so far."""
        return sum(p.polls for p in self._core.parts)


class Job(_JobView[M, R]):
    """A background job (sync).  ``wait()``, then iterate ``results()``."""

    _source: SyncJobSource[M]
    _sleep: Callable[[float], None]
    _default_sleep = staticmethod(time.sleep)

    def refresh(self) -> Job[M, R]:
        for part in self._core.parts:
            model, response = self._source.fetch(part.id)
            self._core.record(part, model, response)
        return self

    def wait(self, timeout: float | None = None, on_progress: Callable[[Job[M, R]], None] | None = None) -> Job[M, R]:
        """Poll until every part is completed or canceled; raise JobFailed on error, JobTimeout on timeout."""
        deadline, started = self._core.deadline_for(timeout)
        while (part := self._core.next_part()) is not None:
            wait = self._core.sleep_needed(part, deadline, started)
            if wait:
                self._sleep(wait)
            try:
                model, response = self._source.fetch(part.id)
            except _TRANSIENT as error:
                self._core.record_failure(part, error)
                continue
            self._core.polled(part, model, response)
            if on_progress is not None:
                on_progress(self)
        self._core.check_failed()
        return self

    def results(self) -> Iterator[R]:
        """Every result of every part, in input order (waits for the job first)."""
        if not self.done:
            self.wait()
        reader = self._core.reader
        for part in self._core.parts:
            page: M | None = part.model
            while page is not None:
                yield from (item for item in reader.results(page) if item is not None)
                href = reader.next_href(page)
                page = self._source.fetch_href(href) if href else None

    def cancel(self) -> Job[M, R]:
        for part in self._core.parts:
            if self._core.part_status(part) not in TERMINAL:
                self._core.record(part, self._source.cancel(part.id), None)
        return self


class AsyncJob(_JobView[M, R]):
    """A background job (async).  ``await job.wait()``, then ``async for`` over ``results()``."""

    _source: AsyncJobSource[M]
    _sleep: Callable[[float], Awaitable[Any]]
    _default_sleep = staticmethod(asyncio.sleep)

    async def refresh(self) -> AsyncJob[M, R]:
        for part in self._core.parts:
            model, response = await self._source.fetch(part.id)
            self._core.record(part, model, response)
        return self

    async def wait(
        self, timeout: float | None = None, on_progress: Callable[[AsyncJob[M, R]], Any] | None = None
    ) -> AsyncJob[M, R]:
        """Poll until every part is completed or canceled; raise JobFailed on error, JobTimeout on timeout."""
        deadline, started = self._core.deadline_for(timeout)
        while (part := self._core.next_part()) is not None:
            wait = self._core.sleep_needed(part, deadline, started)
            if wait:
                await self._sleep(wait)
            try:
                model, response = await self._source.fetch(part.id)
            except _TRANSIENT as error:
                self._core.record_failure(part, error)
                continue
            self._core.polled(part, model, response)
            if on_progress is not None:
                outcome = on_progress(self)
                if asyncio.iscoroutine(outcome):
                    await outcome
        self._core.check_failed()
        return self

    async def results(self) -> AsyncIterator[R]:
        """Every result of every part, in input order (waits for the job first)."""
        if not self.done:
            await self.wait()
        reader = self._core.reader
        for part in self._core.parts:
            page: M | None = part.model
            while page is not None:
                for item in reader.results(page):
                    if item is not None:
                        yield item
                href = reader.next_href(page)
                page = await self._source.fetch_href(href) if href else None

    async def cancel(self) -> AsyncJob[M, R]:
        for part in self._core.parts:
            if self._core.part_status(part) not in TERMINAL:
                self._core.record(part, await self._source.cancel(part.id), None)
        return self
