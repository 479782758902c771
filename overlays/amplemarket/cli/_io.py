"""Reading a job command's INPUT and writing its OUTPUT, one row at a time, without torn rows.

INPUT is CSV (``.csv``) or JSON Lines (``.jsonl`` / ``.ndjson``), chosen by extension, UTF-8 (a BOM is
allowed).  It is read as a stream, never all in memory, and more than once (``scan``: its sha256 and
its encoding; then ``InputFile.rows()`` as often as needed).  Each ``Row`` keeps its input line number
(a CSV record's first line), its input columns as read, and its lead fields: the columns whose names
match ``email``, ``linkedin_url``, ``name``, ``title``, ``company_name`` or ``company_domain``
case-insensitively (spaces and hyphens count as ``_``: ``Company Name`` is ``company_name``).  The
other columns are carried through unchanged.

What cannot be read raises ``UsageError`` with one line naming the file, the line and the column where
it applies, before anything is sent: a missing or empty file, an unknown extension, bytes that are not
UTF-8 (the first one), a CSV header with none of the wanted columns or a wanted column named twice, a
CSV row with more cells than the header, a JSONL line that is not a JSON object.  (A row that names
no person is not an error here: the job command writes it as an ``invalid`` row.)

``OutputWriter`` writes OUTPUT (CSV or JSONL by extension) part by part: ``write`` buffers rows,
``commit`` writes them, flushes and fsyncs, and returns the file's size, which the journal records.
Resuming opens the file truncated to the size last recorded, so rows written after it (a part whose
commit was not recorded) are dropped and written again: a crash never leaves a torn or doubled row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ._contract import UsageError

__all__ = [
    "LEAD_COLUMNS",
    "InputFile",
    "OutputWriter",
    "Row",
    "cell",
    "check_output_path",
    "file_format",
    "normalize_column",
    "open_input",
    "scan",
]

#: The lead fields a column can name (the fields of ``people.enrich``'s leads).
LEAD_COLUMNS = ("email", "linkedin_url", "name", "title", "company_name", "company_domain")
_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BOM = b"\xef\xbb\xbf"
_FLUSH_AT = 1 << 20  # bytes of buffered output written to the file (not yet fsynced) at a time


def file_format(path: Path, role: str) -> str:
    """``csv`` or ``jsonl`` from ``path``'s extension; ``role`` (INPUT, OUTPUT) names it in the error."""
    found = _FORMATS.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            f"{path}: unknown {role} format {path.suffix or '(no extension)'!r}: use .csv, .jsonl or .ndjson"
        )
    return found


def normalize_column(name: str) -> str:
    """A column name as matched against ``LEAD_COLUMNS``: trimmed, lowercase, spaces and hyphens as ``_``."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def scan(path: Path) -> str:
    """The sha256 of INPUT, checking on the way that it exists, is not empty and is UTF-8 throughout."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    digest = hashlib.sha256()
    content = False
    try:
        with path.open("rb") as source:
            for number, line in enumerate(source, start=1):
                digest.update(line)
                text = line[len(_BOM) :] if number == 1 and line.startswith(_BOM) else line
                try:
                    decoded = text.decode("utf-8")
                except UnicodeDecodeError as exc:
                    column = len(text[: exc.start].decode("utf-8", errors="replace")) + 1
                    raise UsageError(
                        f"{path}: line {number}, column {column}: not UTF-8 (byte 0x{text[exc.start]:02x}); "
                        "save the file as UTF-8"
                    ) from None
                content = content or bool(decoded.strip())
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not content:
        raise UsageError(f"{path}: the file is empty")
    return digest.hexdigest()


def check_output_path(output: Path, input_path: Path) -> str:
    """OUTPUT's format; raises ``UsageError`` when it cannot be written where asked."""
    fmt = file_format(output, "OUTPUT")
    parent = output.parent
    if not parent.is_dir():
        raise UsageError(f"{output}: the directory {parent} does not exist")
    if output.exists() and output.is_dir():
        raise UsageError(f"{output}: is a directory")
    if output.exists() and input_path.exists() and output.resolve() == input_path.resolve():
        raise UsageError(f"{output}: OUTPUT is the INPUT file; choose another OUTPUT")
    return fmt


@dataclass(frozen=True)
class Row:
    """One input row: its line number, its columns as read, and the lead fields found in them."""

    line: int
    values: Mapping[str, Any]
    lead: Mapping[str, Any]


@dataclass
class InputFile:
    """An INPUT file whose header (CSV) was read; ``rows()`` streams it again each time it is called."""

    path: Path
    format: str
    wanted: tuple[str, ...]
    #: The input columns, in order (CSV: the header; JSONL: every key seen so far, in first-seen order).
    columns: list[str] = field(default_factory=list)
    #: lead field -> the input column that holds it (CSV; JSONL matches per line).
    lead_columns: dict[str, str] = field(default_factory=dict)
    #: Rows with at least one wanted column (JSONL: counted while reading).
    recognised: bool = False

    def rows(self) -> Iterator[Row]:
        try:
            newline = "" if self.format == "csv" else "\n"  # JSON Lines: lines end at \n only, as scan() counts them
            with self.path.open("r", encoding="utf-8-sig", newline=newline) as source:
                if self.format == "csv":
                    yield from self._csv_rows(source)
                else:
                    yield from self._jsonl_rows(source)
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot read: {exc.strerror or exc}") from None

    # -- CSV ----------------------------------------------------------------------------------------
    def _csv_rows(self, source: IO[str]) -> Iterator[Row]:
        reader = csv.reader(source, strict=False)
        previous = 0
        header: list[str] | None = None
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise UsageError(f"{self.path}: line {previous + 1}: not valid CSV: {exc}") from None
            line, previous = previous + 1, reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            if header is None:
                header = self._read_header(cells, line)
                continue
            if len(cells) > len(header):
                extra = next((i for i in range(len(header), len(cells)) if cells[i].strip()), None)
                if extra is not None:
                    raise UsageError(
                        f"{self.path}: line {line}, column {extra + 1}: {len(cells)} cells, but the header "
                        f"names {len(header)} columns"
                    )
                cells = cells[: len(header)]
            values = dict(zip(header, cells, strict=False))
            for name in header[len(cells) :]:
                values[name] = ""
            lead = {wanted: values[column] for wanted, column in self.lead_columns.items()}
            yield Row(line, values, lead)

    def _read_header(self, cells: list[str], line: int) -> list[str]:
        header: list[str] = []
        self.lead_columns = {}
        for number, raw in enumerate(cells, start=1):
            name = raw if raw.strip() else f"column_{number}"
            if name in header:
                raise UsageError(f"{self.path}: line {line}, column {number}: the column {name!r} is named twice")
            header.append(name)
            key = normalize_column(raw)
            if key in self.wanted:
                if key in self.lead_columns:
                    first = header.index(self.lead_columns[key]) + 1
                    raise UsageError(
                        f"{self.path}: line {line}, column {number}: {raw!r} names {key}, as column {first} does"
                    )
                self.lead_columns[key] = name
        if not self.lead_columns:
            shown = ", ".join(repr(c) for c in cells[:8]) + (", ..." if len(cells) > 8 else "")
            raise UsageError(
                f"{self.path}: line {line}: no column named {', '.join(self.wanted)} (the first line must be a "
                f"header; found {shown})"
            )
        self.columns = header
        self.recognised = True
        return header

    # -- JSON Lines --------------------------------------------------------------------------------
    def _jsonl_rows(self, source: IO[str]) -> Iterator[Row]:
        seen = set(self.columns)
        for line, text in enumerate(source, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                raise UsageError(f"{self.path}: line {line}, column {exc.pos + 1}: not valid JSON: {exc.msg}") from None
            if not isinstance(value, dict):
                kind = "a list" if isinstance(value, list) else f"a {type(value).__name__}"
                raise UsageError(f"{self.path}: line {line}: a JSON object is needed on each line, found {kind}")
            lead: dict[str, Any] = {}
            for key in value:
                if key not in seen:
                    seen.add(key)
                    self.columns.append(key)
                wanted = normalize_column(key)
                if wanted in self.wanted:
                    if wanted in lead:
                        raise UsageError(f"{self.path}: line {line}: {key!r} names {wanted}, as another key does")
                    lead[wanted] = value[key]
            self.recognised = self.recognised or bool(lead)
            yield Row(line, value, lead)


def open_input(path: Path, wanted: Sequence[str] = LEAD_COLUMNS) -> InputFile:
    """INPUT, ready to stream (a CSV's header is read and checked now)."""
    fmt = file_format(path, "INPUT")
    found = InputFile(path, fmt, tuple(wanted))
    if fmt == "csv":
        for _ in found.rows():
            break  # reads (and checks) the header
        if not found.columns:
            raise UsageError(f"{path}: the file is empty")
    return found


def cell(value: Any) -> str:
    """A value as one CSV cell: None empty, booleans true/false, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


class OutputWriter:
    """OUTPUT, written part by part: ``write`` rows, then ``commit`` (flush + fsync) returns the file size.

    ``resume_at``: the size the journal last recorded; the file is truncated to it (rows of a part
    whose commit was not recorded are dropped).  None starts a new file (with the CSV header).
    """

    def __init__(self, path: Path, fmt: str, columns: Sequence[str], resume_at: int | None = None) -> None:
        self.path = path
        self.format = fmt
        self.columns = list(columns)
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\n")
        self._file: IO[bytes]
        try:
            if resume_at is None:
                self._file = path.open("wb")
                _fsync_dir(path.parent)
                if fmt == "csv":
                    self._csv.writerow(self.columns)
            else:
                self._file = path.open("r+b")
                self._file.truncate(resume_at)
                self._file.seek(resume_at)
        except OSError as exc:
            raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None

    def size(self) -> int:
        return self._file.tell()

    def write(self, record: Mapping[str, Any]) -> None:
        """One output row (``columns`` -> value; a CSV gets one cell per column, a JSONL line the record)."""
        if self.format == "csv":
            self._csv.writerow([cell(record.get(column)) for column in self.columns])
        else:
            self._buffer.write(json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str))
            self._buffer.write("\n")
        if self._buffer.tell() >= _FLUSH_AT:
            self._drain()

    def _drain(self) -> None:
        self._file.write(self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def commit(self) -> int:
        """Write what was buffered, flush and fsync; the file's size now (for the journal)."""
        self._drain()
        self._file.flush()
        os.fsync(self._file.fileno())
        return self._file.tell()

    def close(self) -> None:
        self._file.close()


def _fsync_dir(directory: Path) -> None:
    """Make a new file's directory entry durable (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
