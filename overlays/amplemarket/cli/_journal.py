"""The journal of a job command: what was sent and written, so that a rerun never spends credits twice.

It is an SQLite file next to OUTPUT (``OUTPUT.journal.sqlite``; WAL, ``synchronous=FULL``, one commit
per step), created when the first run is about to send, and kept after the run: rerunning the same
command (same INPUT, same OUTPUT) resumes from it, and once everything is written a rerun sends nothing.
While a run holds it, it is locked (``flock``): a second run on the same OUTPUT stops with a usage error.

Schema (``PRAGMA user_version`` = 1):

``meta(key, value)``
    ``command`` (enrich, validate-emails), ``input_sha256`` (sha256 of INPUT's bytes), ``input`` (its
    path, for messages), ``options`` (JSON: what changes what is sent or charged: the reveal flags, the
    part size), ``output_format``, ``header_size`` (OUTPUT's size once its header was written).
    A journal whose command, input hash or options differ from the run's is refused (``UsageError``).

``parts(idx, first_line, last_line, rows, leads, state, job_id, output_size, counts, failed_lines, note)``
    One row per part of the input (parts are deterministic from INPUT).  ``state`` goes:

    - ``sending``: the intent, committed BEFORE the job-starting request (lines and rows it covers);
    - ``started``: the server's answer arrived; ``job_id`` (JSON) is committed at once;
    - ``uncertain``: the request may have reached the server without an answer (a timeout, a lost
      connection, a 5xx, or a run killed while it was in flight: a ``sending`` part found by a rerun
      is uncertain too).  Never resent unless the run is told to (``--resubmit-uncertain``);
    - ``written``: its rows are in OUTPUT, fsynced; ``output_size`` is OUTPUT's size after them,
      ``counts`` (JSON) the rows per status, ``failed_lines`` (JSON) the input lines of failed rows.

    A part with no valid lead is never sent: it goes straight to ``written``.  A part whose request was
    refused by the server (a 4xx: nothing was created) has its intent removed.

``repeats(line, status, reason, fields)``
    The outcome (status, reason, output fields as JSON) of each input row that a row of a LATER part
    repeats, written with its part, so the repeat gets the same fields whatever run writes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._contract import UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["SCHEMA_VERSION", "Journal", "PartRecord", "journal_path"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    idx INTEGER PRIMARY KEY,
    first_line INTEGER NOT NULL,
    last_line INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    leads INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'started', 'uncertain', 'written')),
    job_id TEXT,
    output_size INTEGER,
    counts TEXT,
    failed_lines TEXT,
    note TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS repeats (
    line INTEGER PRIMARY KEY, status TEXT NOT NULL, reason TEXT NOT NULL, fields TEXT NOT NULL
);
"""


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".journal.sqlite")


@dataclass(frozen=True)
class PartRecord:
    idx: int
    first_line: int
    last_line: int
    rows: int
    leads: int
    state: str
    job_id: Any
    output_size: int | None
    counts: dict[str, int]
    failed_lines: list[int]
    note: str | None


class Journal:
    """One job command's journal (see the module docstring); ``open`` it, use it, ``close`` it."""

    def __init__(self, path: Path, connection: sqlite3.Connection, lock_fd: int | None) -> None:
        self.path = path
        self._db = connection
        self._lock_fd = lock_fd

    # -- opening -------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, meta: Mapping[str, str], *, create: bool) -> Journal | None:
        """The journal at ``path``, checked against ``meta``; None when there is none and ``create`` is False.

        A new journal records ``meta``.  An existing one must agree with ``meta`` on the command, the
        input hash and the options (otherwise ``UsageError``).  The journal stays locked until ``close``.
        """
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            return None
        lock_fd = _lock(path)
        try:
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            _unlock(lock_fd)
            raise UsageError(f"{path}: cannot open the journal: {exc}") from None
        journal = cls(path, connection, lock_fd)
        try:
            journal._setup(meta, exists)
        except BaseException:
            journal.close()
            raise
        return journal

    def _setup(self, meta: Mapping[str, str], exists: bool) -> None:
        db = self._db
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            if exists:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA_VERSION:
                    raise UsageError(f"{self.path}: not a journal of this version (schema {version}); remove it")
                self._check(meta)
                return
            with self._transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", sorted(meta.items()))
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise UsageError(
                f"{self.path}: not a readable journal ({exc}); remove it or choose another OUTPUT"
            ) from None

    def _check(self, meta: Mapping[str, str]) -> None:
        found = self.meta()
        if found.get("command") != meta.get("command"):
            raise UsageError(
                f"{self.path}: this journal belongs to the {found.get('command')} command, not {meta.get('command')}; "
                "choose another OUTPUT"
            )
        if found.get("input_sha256") != meta.get("input_sha256"):
            raise UsageError(
                f"{self.path}: this journal was written for a different INPUT ({found.get('input')}, sha256 "
                f"{str(found.get('input_sha256'))[:12]}...); rerun with that file, or choose another OUTPUT"
            )
        if found.get("options") != meta.get("options"):
            raise UsageError(
                f"{self.path}: this journal was written with other options ({found.get('options')}); rerun with "
                f"the same options, or choose another OUTPUT"
            )

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        _unlock(self._lock_fd)  # after the connection: closing a descriptor of the file ends SQLite's locks
        self._lock_fd = None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reading -------------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {str(key): str(value) for key, value in self._db.execute("SELECT key, value FROM meta")}

    def header_size(self) -> int | None:
        value = self.meta().get("header_size")
        return None if value is None else int(value)

    def parts(self) -> dict[int, PartRecord]:
        rows = self._db.execute(
            "SELECT idx, first_line, last_line, rows, leads, state, job_id, output_size, counts, failed_lines, note "
            "FROM parts ORDER BY idx"
        )
        return {
            row[0]: PartRecord(
                idx=row[0],
                first_line=row[1],
                last_line=row[2],
                rows=row[3],
                leads=row[4],
                state=row[5],
                job_id=None if row[6] is None else json.loads(row[6]),
                output_size=row[7],
                counts=json.loads(row[8]) if row[8] else {},
                failed_lines=json.loads(row[9]) if row[9] else [],
                note=row[10],
            )
            for row in rows
        }

    def output_size(self) -> int | None:
        """OUTPUT's size after the last part written in order (or after its header); None: not started."""
        size = self.header_size()
        for record in self.parts().values():
            if record.state != "written" or record.output_size is None:
                break
            size = record.output_size
        return size

    def repeat(self, line: int) -> tuple[str, str, dict[str, Any]] | None:
        found = self._db.execute("SELECT status, reason, fields FROM repeats WHERE line = ?", (line,)).fetchone()
        return None if found is None else (found[0], found[1], json.loads(found[2]))

    # -- recording (each a commit) -------------------------------------------------------------------
    def set_header_size(self, size: int) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('header_size', ?)", (str(size),))

    def record_intent(self, idx: int, first_line: int, last_line: int, rows: int, leads: int) -> None:
        """Before the job-starting request of part ``idx``: it is being sent."""
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO parts (idx, first_line, last_line, rows, leads, state) "
                "VALUES (?, ?, ?, ?, ?, 'sending')",
                (idx, first_line, last_line, rows, leads),
            )

    def record_job(self, idx: int, job_id: Any) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE parts SET state = 'started', job_id = ?, note = NULL, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE idx = ?",
                (json.dumps(job_id), idx),
            )

    def record_uncertain(self, idx: int, note: str) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE parts SET state = 'uncertain', note = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE idx = ?",
                (note, idx),
            )

    def forget_intent(self, idx: int) -> None:
        """The server refused part ``idx`` (nothing was created): it may be sent again."""
        with self._transaction():
            self._db.execute("DELETE FROM parts WHERE idx = ? AND state IN ('sending', 'uncertain')", (idx,))

    def record_written(
        self,
        idx: int,
        span: tuple[int, int, int, int],
        output_size: int,
        counts: Mapping[str, int],
        failed_lines: list[int],
        repeats: Mapping[int, tuple[str, str, Mapping[str, Any]]],
    ) -> None:
        """Part ``idx``'s rows are in OUTPUT (fsynced) up to ``output_size``; ``span``: lines and counts."""
        first_line, last_line, rows, leads = span
        with self._transaction():
            self._db.execute(
                "INSERT INTO parts (idx, first_line, last_line, rows, leads, state) VALUES (?, ?, ?, ?, ?, 'written') "
                "ON CONFLICT (idx) DO NOTHING",
                (idx, first_line, last_line, rows, leads),
            )
            self._db.execute(
                "UPDATE parts SET state = 'written', output_size = ?, counts = ?, failed_lines = ?, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE idx = ?",
                (output_size, json.dumps(dict(counts), sort_keys=True), json.dumps(failed_lines), idx),
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO repeats (line, status, reason, fields) VALUES (?, ?, ?, ?)",
                [
                    (line, status, reason, json.dumps(dict(fields), ensure_ascii=False, default=str))
                    for line, (status, reason, fields) in repeats.items()
                ],
            )

    def forget_written(self) -> None:
        """OUTPUT lost rows it had: every part is written again (parts with a job are fetched, not resent)."""
        with self._transaction():
            self._db.execute("DELETE FROM meta WHERE key = 'header_size'")
            self._db.execute("DELETE FROM parts WHERE state = 'written' AND job_id IS NULL")
            self._db.execute("UPDATE parts SET state = 'started', output_size = NULL WHERE state = 'written'")
            self._db.execute("DELETE FROM repeats")


def _lock(path: Path) -> int | None:
    """An exclusive, non-blocking lock on the journal file (created if need be), or ``UsageError``."""
    if fcntl is None:  # pragma: no cover
        return None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UsageError(f"{path}: cannot open the journal: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise UsageError(f"{path}: another run is using this journal (and its OUTPUT); wait for it to end") from None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
