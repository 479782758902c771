"""What the command line's parts promise each other: the job commands, their progress and their summary.

``_main`` parses the command line, builds the client (``--simulate``: the built-in simulator) and the
progress display, and calls a job command (``_jobs.run_enrich`` / ``_jobs.run_validate_emails``);
the job command reads the input, keeps the journal, sends, and writes the output, reporting through
``Progress`` and asking ``confirm`` before spending more than the threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

__all__ = ["EXIT_FAILED_ROWS", "EXIT_OK", "EXIT_USAGE", "Confirm", "JobOptions", "Progress", "Summary", "UsageError"]

EXIT_OK = 0  # every row done
EXIT_FAILED_ROWS = 1  # some rows have status "failed" (listed in the summary)
EXIT_USAGE = 2  # bad usage or unreadable input: one line naming the file, line and column


class UsageError(Exception):
    """Bad usage or unreadable input; its message is the one line printed (file, line, column)."""


class Progress(Protocol):
    """Counters shown while a command runs (rich bars on a TTY, plain lines otherwise, nothing with --quiet)."""

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
        """Set the counters given (absolute values, not increments); the others keep their values."""

    def note(self, message: str) -> None:
        """A line worth showing once (resuming from a journal, a part marked uncertain, ...)."""


#: ``confirm(credits, what)``: whether to go on spending up to ``credits`` (False stops before sending).
Confirm = Callable[[float, str], bool]


@dataclass(frozen=True)
class JobOptions:
    input: Path
    output: Path
    reveal_email: bool = False
    reveal_phone_numbers: bool = False
    dry_run: bool = False
    resubmit_uncertain: bool = False
    #: Credits above which ``confirm`` is asked before anything is sent (``--yes`` answers it).
    confirm_above: float = 100.0


@dataclass
class Summary:
    """What a job command did, for the closing lines and the exit status."""

    rows: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    failed_rows: list[int] = field(default_factory=list)  # input line numbers of the rows with status failed
    jobs_created: int = 0
    jobs_resumed: int = 0
    credits_estimate: float = 0.0
    output: Path | None = None
    journal: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        return EXIT_FAILED_ROWS if self.failed_rows else EXIT_OK
