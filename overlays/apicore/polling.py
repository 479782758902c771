"""Background jobs: refresh, wait (honouring Retry-After), iterate results, cancel.

A job may consist of several parts: an input larger than the per-request limit is sent
as several server-side jobs, and the client shows them as one.  ``results()`` streams:
it yields each part's results as soon as that part completes (in input order within the
part), polling the others meanwhile, and a part's results are released once yielded.  If
fetching a page fails, the next ``results()`` call resumes from that page.  A job that
sent a ``Plan`` (``apicore.batching``) also knows the input position of every result
(``indexed_results()``), what was set aside (``skipped``) and gives a duplicate's result
for each position that repeated it.

What differs per vendor and job type (how to fetch, cancel, read the status, the
results and the next page) comes in a ``JobSource``; what differs between sync and
async is only the loop: every decision is in ``_JobCore``.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import httpx

from . import _aio
from .batching import Plan, Skipped
from .errors import APIConnectionError, ClientError, JobFailed, JobTimeout, RateLimited, RequestTimeout, ServerError
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
    "Progress",
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
    yielded: bool = False  # every result of this part was given out in the current round of results()
    results: int = 0  # results of this part taken from its pages in the current round
    released: bool = False  # the model no longer holds the first page of results


@dataclass(frozen=True)
class Progress:
    """Where a job stands: parts finished on the server, results given out, rows set aside."""

    status: str | None
    parts_done: int
    parts_total: int
    results_fetched: int
    results_expected: int | None  # one per valid input position; None for a job resumed by id
    skipped: int

    def __str__(self) -> str:
        expected = "" if self.results_expected is None else f"/{self.results_expected:,}"
        skipped = f", {self.skipped:,} row{'' if self.skipped == 1 else 's'} skipped" if self.skipped else ""
        return (
            f"{self.status}: {self.parts_done}/{self.parts_total} parts done, "
            f"{self.results_fetched:,}{expected} results fetched{skipped}"
        )


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


#: One created (or resumed) server-side job: its id, its model, and the response that carried it (or just
#: that response's headers: a job-creating response refers to its request, whose body may be megabytes).
Created = tuple[Any, M, httpx.Response | httpx.Headers | None]


@dataclass
class JobReader(Generic[M, R]):
    """Reads a job model: its id, status, errors, results and the link to the next page."""

    status: Callable[[M], str | None]
    errors: Callable[[M], list[dict[str, Any]]]
    results: Callable[[M], Sequence[R | None]]
    next_href: Callable[[M], str | None]
    #: The model without its page of results (kept once they were given out); None keeps it as is.
    release: Callable[[M], M] | None = None


@dataclass(frozen=True)
class _Step(Generic[M, R]):
    """One thing ``results()`` must do next (see ``_JobCore.step``)."""

    kind: str  # give | poll | first | page | done
    given: tuple[int | None, R] | None = None
    part: JobPart[M] | None = None
    index: int = -1
    href: str = ""


@dataclass
class _Cursor(Generic[M, R]):
    """Where ``results()`` stands: the part and page being given out, and what is still to give."""

    part: int | None = None
    page: Any = None
    offset: int = 0  # items of ``page`` already taken
    pending: deque[tuple[int | None, R]] = field(default_factory=deque)


@dataclass
class _JobCore(Generic[M, R]):
    parts: list[JobPart[M]]
    reader: JobReader[M, R]
    policy: PollPolicy = field(default_factory=PollPolicy)
    clock: Callable[[], float] = time.monotonic
    plan: Plan | None = None
    logger: logging.Logger = _logger
    cursor: _Cursor[M, R] = field(default_factory=_Cursor)
    given: int = 0  # results given out by results() in the current round (duplicates included)

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
        before = self.part_status(part)
        part.model = model
        after = self.part_status(part)
        if after != before:
            self.logger.info("job %s is %s (part %d of %d)", part.id, after, self.index(part) + 1, len(self.parts))
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
        self.logger.info("polling job %s failed (%s); next poll in %.1fs", part.id, type(error).__name__, wait)

    def next_part(self) -> JobPart[M] | None:
        pending = [p for p in self.parts if self.part_status(p) not in TERMINAL]
        return min(pending, key=lambda p: p.next_poll_at) if pending else None

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

    def new_part(self, job_id: Any, model: M, response: httpx.Response | httpx.Headers | None) -> JobPart[M]:
        headers = response.headers if isinstance(response, httpx.Response) else response
        hint = parse_retry_after(headers.get("retry-after")) if headers is not None else None
        return JobPart(job_id, model, retry_after=hint, next_poll_at=self.clock() + (hint or 0.0))

    def deadline_for(self, timeout: float | None) -> tuple[float | None, float]:
        started = self.clock()
        return (None if timeout is None else started + timeout), started

    def index(self, part: JobPart[M]) -> int:
        return next(i for i, p in enumerate(self.parts) if p is part)

    # -- streaming results -------------------------------------------------------------------
    def ready(self) -> int | None:
        """The first part that finished on the server and whose results were not given out yet."""
        for index, part in enumerate(self.parts):
            if not part.yielded and self.part_status(part) in TERMINAL:
                if self.part_status(part) == "error":
                    raise JobFailed(part.id, self.reader.errors(part.model))
                return index
        return None

    def all_yielded(self) -> bool:
        return all(p.yielded for p in self.parts)

    def start(self, index: int, page: M) -> None:
        self.cursor = _Cursor(part=index, page=page)

    def take(self) -> bool:
        """Move the next result of the current page to ``cursor.pending``; False at the end of the page."""
        cursor = self.cursor
        items = self.reader.results(cursor.page)
        if cursor.offset >= len(items):
            return False
        assert cursor.part is not None
        part = self.parts[cursor.part]
        item = items[cursor.offset]
        cursor.offset += 1
        number = part.results
        part.results += 1
        if item is None:
            return True
        position = self.position(cursor.part, number)
        cursor.pending.append((position, item))
        if position is not None and self.plan is not None:
            cursor.pending.extend((repeat, item) for repeat in self.plan.duplicates.get(position, ()))
        return True

    def position(self, part: int, number: int) -> int | None:
        """The input position of result ``number`` of ``part``, when the job knows its plan."""
        if self.plan is None or part >= len(self.plan.parts) or number >= len(self.plan.parts[part]):
            return None
        return self.plan.parts[part][number]

    def step(self) -> _Step[M, R]:
        """What ``results()`` does next: give a result, poll a part, fetch a page, or stop (no I/O here)."""
        while True:
            cursor = self.cursor
            if cursor.pending:
                self.given += 1
                return _Step("give", given=cursor.pending.popleft())
            if cursor.part is None:
                index = self.ready()
                if index is None:
                    part = None if self.all_yielded() else self.next_part()
                    return _Step("done") if part is None else _Step("poll", part=part)
                if self.parts[index].released:  # given out in an earlier round: its first page is fetched again
                    return _Step("first", part=self.parts[index], index=index)
                self.start(index, self.parts[index].model)
            elif not self.take():
                href = self.reader.next_href(cursor.page)
                if href:
                    return _Step("page", href=href)
                self.finish_part()

    def turn_page(self, page: M) -> None:
        self.cursor.page, self.cursor.offset = page, 0

    def finish_part(self) -> None:
        """Every result of the current part was given out: release its page and move on."""
        assert self.cursor.part is not None
        part = self.parts[self.cursor.part]
        part.yielded = True
        if self.reader.release is not None:
            part.model = self.reader.release(part.model)
            part.released = True
        self.cursor = _Cursor()

    def new_round(self) -> None:
        """Start giving results from the first part again (the previous round ended)."""
        for part in self.parts:
            part.yielded = False
            part.results = 0
        self.given = 0
        self.cursor = _Cursor()

    def progress(self) -> Progress:
        return Progress(
            status=self.status,
            parts_done=sum(1 for p in self.parts if self.part_status(p) in TERMINAL),
            parts_total=len(self.parts),
            results_fetched=self.given,
            results_expected=None if self.plan is None else self.plan.expected,
            skipped=0 if self.plan is None else len(self.plan.skipped),
        )


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
        plan: Plan | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self._source = source
        self._core = _JobCore([], reader, policy or PollPolicy(), clock, plan, logger or _logger)
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

    @property
    def progress(self) -> Progress:
        """Parts finished on the server out of all parts, results given out so far, rows set aside."""
        return self._core.progress()

    @property
    def skipped(self) -> list[Skipped]:
        """The input rows set aside by ``on_invalid="skip"`` (index, problems, the row), in input order."""
        return [] if self._core.plan is None else list(self._core.plan.skipped)

    @property
    def duplicates(self) -> dict[int, list[int]]:
        """Input position sent -> the later positions that repeated it exactly (sent once, same result)."""
        return {} if self._core.plan is None else {k: list(v) for k, v in self._core.plan.duplicates.items()}

    def _check_indexed(self) -> None:
        if self._core.plan is None:
            raise ClientError(
                "input positions are known only to the job object that sent the input; "
                "a job resumed by id gives results() without positions"
            )


class Job(_JobView[M, R]):
    """A background job (sync).  ``wait()``, or iterate ``results()`` straight away."""

    _source: SyncJobSource[M]
    _sleep: Callable[[float], None]
    _default_sleep = staticmethod(time.sleep)

    def refresh(self) -> Job[M, R]:
        for part in self._core.parts:
            model, response = self._source.fetch(part.id)
            self._core.record(part, model, response)
        return self

    def _poll(self, part: JobPart[M], deadline: float | None, started: float) -> bool:
        """Sleep until ``part`` may be polled, poll it; False when the poll failed (and will be retried)."""
        wait = self._core.sleep_needed(part, deadline, started)
        if wait:
            self._sleep(wait)
        try:
            model, response = self._source.fetch(part.id)
        except _TRANSIENT as error:
            self._core.record_failure(part, error)
            return False
        self._core.record(part, model, response)
        return True

    def wait(self, timeout: float | None = None, on_progress: Callable[[Job[M, R]], None] | None = None) -> Job[M, R]:
        """Poll until every part is completed or canceled; raise JobFailed on error, JobTimeout on timeout."""
        deadline, started = self._core.deadline_for(timeout)
        while (part := self._core.next_part()) is not None:
            if not self._poll(part, deadline, started):
                continue
            self._core.check_failed()
            if on_progress is not None:
                on_progress(self)
        self._core.check_failed()
        return self

    def results(self) -> Iterator[R]:
        """Every result, each part's as soon as it completes (input order within a part); see the module doc."""
        for _, item in self._stream():
            yield item

    def indexed_results(self) -> Iterator[tuple[int, R]]:
        """``(input position, result)`` for every valid input row, duplicates included (see ``results``)."""
        self._check_indexed()
        for position, item in self._stream():
            assert position is not None
            yield position, item

    def _stream(self) -> Iterator[tuple[int | None, R]]:
        core = self._core
        if core.all_yielded():
            core.new_round()
        started = core.clock()
        while (step := core.step()).kind != "done":
            if step.given is not None:
                yield step.given
            elif step.kind == "poll" and step.part is not None:
                self._poll(step.part, None, started)
            elif step.kind == "first" and step.part is not None:
                core.start(step.index, self._source.fetch(step.part.id)[0])
            else:
                core.turn_page(self._source.fetch_href(step.href))

    def cancel(self) -> Job[M, R]:
        for part in self._core.parts:
            if self._core.part_status(part) not in TERMINAL:
                self._core.record(part, self._source.cancel(part.id), None)
        return self


class AsyncJob(_JobView[M, R]):
    """A background job (async).  ``await job.wait()``, or ``async for`` over ``results()`` straight away."""

    _source: AsyncJobSource[M]
    _sleep: Callable[[float], Awaitable[Any]]
    _default_sleep = staticmethod(_aio.sleep)

    async def refresh(self) -> AsyncJob[M, R]:
        for part in self._core.parts:
            model, response = await self._source.fetch(part.id)
            self._core.record(part, model, response)
        return self

    async def _poll(self, part: JobPart[M], deadline: float | None, started: float) -> bool:
        wait = self._core.sleep_needed(part, deadline, started)
        if wait:
            await self._sleep(wait)
        try:
            model, response = await self._source.fetch(part.id)
        except _TRANSIENT as error:
            self._core.record_failure(part, error)
            return False
        self._core.record(part, model, response)
        return True

    async def wait(
        self, timeout: float | None = None, on_progress: Callable[[AsyncJob[M, R]], Any] | None = None
    ) -> AsyncJob[M, R]:
        """Poll until every part is completed or canceled; raise JobFailed on error, JobTimeout on timeout."""
        deadline, started = self._core.deadline_for(timeout)
        while (part := self._core.next_part()) is not None:
            if not await self._poll(part, deadline, started):
                continue
            self._core.check_failed()
            if on_progress is not None:
                outcome = on_progress(self)
                if isinstance(outcome, Coroutine):
                    await outcome
        self._core.check_failed()
        return self

    async def results(self) -> AsyncIterator[R]:
        """Every result, each part's as soon as it completes (input order within a part); see the module doc."""
        async for _, item in self._stream():
            yield item

    async def indexed_results(self) -> AsyncIterator[tuple[int, R]]:
        """``(input position, result)`` for every valid input row, duplicates included (see ``results``)."""
        self._check_indexed()
        async for position, item in self._stream():
            assert position is not None
            yield position, item

    async def _stream(self) -> AsyncIterator[tuple[int | None, R]]:
        core = self._core
        if core.all_yielded():
            core.new_round()
        started = core.clock()
        while (step := core.step()).kind != "done":
            if step.given is not None:
                yield step.given
            elif step.kind == "poll" and step.part is not None:
                await self._poll(step.part, None, started)
            elif step.kind == "first" and step.part is not None:
                core.start(step.index, (await self._source.fetch(step.part.id))[0])
            else:
                core.turn_page(await self._source.fetch_href(step.href))

    async def cancel(self) -> AsyncJob[M, R]:
        for part in self._core.parts:
            if self._core.part_status(part) not in TERMINAL:
                self._core.record(part, await self._source.cancel(part.id), None)
        return self
