"""What a command shows while it runs: rich bars on a terminal, plain throttled lines otherwise, or nothing.

Every display implements ``_contract.Progress`` (``update`` with absolute counters, ``note``) and is a
context manager: leaving it shows the last state (plain, JSON) or stops the live bars (rich).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import IO, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["Counters", "Display", "JsonProgress", "PlainProgress", "QuietProgress", "RichProgress", "make_progress"]


@dataclass
class Counters:
    rows_read: int = 0
    rows_total: int | None = None
    invalid: int = 0
    duplicates: int = 0
    parts_submitted: int = 0
    parts_total: int | None = None
    jobs_completed: int = 0
    results_written: int = 0

    def set(self, **values: int | None) -> bool:
        """Set the counters given (``None``: unchanged); whether anything changed."""
        changed = False
        for name, value in values.items():
            if value is not None and getattr(self, name) != value:
                setattr(self, name, value)
                changed = True
        return changed


def _eta(counters: Counters, elapsed: float) -> float | None:
    """Seconds left, from the share of the work done so far (results written, or jobs completed); None: unknown."""
    shares = []
    if counters.rows_total:
        shares.append(counters.results_written / counters.rows_total)
    if counters.parts_total:
        shares.append(counters.jobs_completed / counters.parts_total)
    done = max(shares, default=0.0)
    if done >= 1:
        return 0.0
    if done <= 0 or elapsed <= 0:
        return None
    return elapsed * (1 - done) / done


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def describe(counters: Counters, elapsed: float) -> str:
    """One plain line: ``rows 120/500 read (3 invalid, 2 duplicates), parts 1/1 submitted, ...``."""
    of_rows = f"/{counters.rows_total}" if counters.rows_total is not None else ""
    of_parts = f"/{counters.parts_total}" if counters.parts_total is not None else ""
    duplicates = f"{counters.duplicates} duplicate{'' if counters.duplicates == 1 else 's'}"
    return (
        f"rows {counters.rows_read}{of_rows} read ({counters.invalid} invalid, {duplicates}), "
        f"parts {counters.parts_submitted}{of_parts} submitted, jobs {counters.jobs_completed}{of_parts} completed, "
        f"results {counters.results_written}{of_rows} written, "
        f"elapsed {_duration(elapsed)}, ETA {_duration(_eta(counters, elapsed))}"
    )


class Display:
    """The common part: counters, elapsed time, context manager."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.counters = Counters()
        self._clock = clock
        self._started = clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def update(
        self,
        *,
        rows_read: int | None = None,
        invalid: int | None = None,
        duplicates: int | None = None,
        parts_submitted: int | None = None,
        parts_total: int | None = None,
        jobs_completed: int | None = None,
        results_written: int | None = None,
        rows_total: int | None = None,
    ) -> None:
        changed = self.counters.set(
            rows_read=rows_read, invalid=invalid, duplicates=duplicates, parts_submitted=parts_submitted,
            parts_total=parts_total, jobs_completed=jobs_completed, results_written=results_written,
            rows_total=rows_total,
        )  # fmt: skip
        if changed:
            self._changed()

    def note(self, message: str) -> None:
        pass

    def _changed(self) -> None:
        pass

    def close(self) -> None:
        pass

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        """Hold the display while something else uses the terminal (a question)."""
        yield

    def __enter__(self) -> Display:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class QuietProgress(Display):
    """``--quiet``: shows nothing."""


class PlainProgress(Display):
    """Not a terminal: one line per change, at most one a second (``interval``), and the last state at the end."""

    def __init__(self, stream: IO[str], *, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)
        self._stream = stream
        self._interval = interval
        self._last_line_at: float | None = None
        self._pending = False

    def _changed(self) -> None:
        self._pending = True
        now = self._clock()
        if self._last_line_at is None or now - self._last_line_at >= self._interval:
            self._emit(now)

    def _emit(self, now: float) -> None:
        self._last_line_at = now
        self._pending = False
        self._write(self._line())

    def _line(self) -> str:
        return describe(self.counters, self.elapsed)

    def _write(self, line: str) -> None:
        print(line, file=self._stream, flush=True)

    def note(self, message: str) -> None:
        self._write(message)

    def close(self) -> None:
        if self._pending:
            self._emit(self._clock())


class JsonProgress(PlainProgress):
    """``--json``: the same throttled updates and the notes, as JSON lines."""

    def _line(self) -> str:
        eta = _eta(self.counters, self.elapsed)
        return json.dumps(
            {"event": "progress", **asdict(self.counters), "elapsed": round(self.elapsed, 1),
             "eta": None if eta is None else round(eta, 1)}
        )  # fmt: skip

    def note(self, message: str) -> None:
        self._write(json.dumps({"event": "note", "message": message}))


class RichProgress(Display):
    """A terminal: live bars for rows read, parts submitted, jobs completed and results written."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self._console = console or Console(stderr=True)
        self._bars = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[extra]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {
            name: self._bars.add_task(label, total=None, extra="")
            for name, label in (
                ("read", "rows read"),
                ("submitted", "parts submitted"),
                ("completed", "jobs completed"),
                ("written", "results written"),
            )
        }
        self._bars.start()

    def _changed(self) -> None:
        c = self.counters
        self._bars.update(
            self._tasks["read"], completed=c.rows_read, total=c.rows_total,
            extra=f"{c.invalid} invalid, {c.duplicates} duplicates",
        )  # fmt: skip
        self._bars.update(self._tasks["submitted"], completed=c.parts_submitted, total=c.parts_total)
        self._bars.update(self._tasks["completed"], completed=c.jobs_completed, total=c.parts_total)
        self._bars.update(self._tasks["written"], completed=c.results_written, total=c.rows_total)

    def note(self, message: str) -> None:
        self._bars.console.print(message, markup=False, highlight=False)

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        self._bars.stop()
        try:
            yield
        finally:
            self._bars.start()

    def close(self) -> None:
        self._bars.stop()


def make_progress(*, quiet: bool = False, as_json: bool = False, stream: IO[str] | None = None) -> Display:
    """The display for these options: nothing (--quiet), JSON lines (--json), rich bars (a TTY) or plain lines."""
    stream = stream if stream is not None else sys.stderr
    if quiet:
        return QuietProgress()
    if as_json:
        return JsonProgress(stream)
    if _is_tty(stream):
        return RichProgress(Console(file=stream))
    return PlainProgress(stream)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
