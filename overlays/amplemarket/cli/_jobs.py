"""The job commands: ``enrich`` and ``validate-emails`` from INPUT to OUTPUT, resumable, never spending twice.

``run_enrich`` / ``run_validate_emails`` (called by ``_main`` with the options of the command line):

1. **Check and plan** (nothing sent): INPUT is hashed, then read through (``_io``; it is streamed again
   to send and to write, never held in memory); every row is classified:
   ``invalid`` (it names no person, or a field breaks the client's rule: the ``reason`` says which),
   ``duplicate`` (the same cleaned lead as an earlier row: sent once), or a distinct valid lead.  The
   rows are cut into parts of consecutive rows holding at most 10,000 distinct leads (100,000 emails),
   deterministically, so a rerun finds the same parts.  ``--dry-run`` stops here and reports the parts
   and the credits they may cost (an upper bound, from ``amplemarket_api.limits.CREDIT_COSTS``: per
   distinct lead, 0.5 for the person found, +1 per revealed email, +1 per revealed phone; one per email
   validated).  Before anything is sent, ``confirm(credits, what)`` is asked when the credits of the
   parts still to send exceed ``options.confirm_above``; False stops with a note, exit status 0.
2. **Send**: the journal (``_journal``, ``OUTPUT.journal.sqlite``) records each part's intent, then the
   part is sent (``people.enrich(leads, ..., on_invalid="skip")``: one server job) and its job id is
   recorded at once.  Every part is sent before any result is awaited, so the server works on all of
   them together.
3. **Collect and write**: part after part, in input order, the job's results are awaited
   (``job.indexed_results()``; a job from an earlier run: ``people.enrichment(id)``, polled, never
   resent), and the part's rows are written to OUTPUT in input order, fsynced, and recorded in the
   journal with OUTPUT's size.  At most one part's rows and results are in memory.

OUTPUT holds every input row once, in input order: its input columns unchanged, ``line`` (its line in
INPUT: a CSV record's first line, as in ``Summary.failed_rows``), ``status``
(enrich: ``enriched``, ``not_found``, ``gdpr_removed``, ``invalid``, ``duplicate``, ``failed``;
validate-emails: ``validated`` and the same last three), ``reason`` where there is one, then the
result's fields (enrich: ``person_<field>`` and ``company_<field>`` of the generated ``Person`` and
``Company`` models, by their JSON names; validate-emails: the ``EmailValidationResult`` fields).  In a
CSV, None is an empty cell, booleans are true/false and lists and objects are JSON in one cell; a
JSONL line keeps JSON values.  A column of ours whose name an input column already has (often
``company_name``) is written as ``amplemarket_<name>``.  A duplicate gets the fields of the row it
repeats and the reason ``repeats line N (status)``; a duplicate of a failed row is failed too.

**Rerun** (same INPUT, same OUTPUT, same options): parts already written are not written again (OUTPUT
is truncated to the size recorded after the last one, dropping any half-written part); parts with a
job id are polled, not resent; the rest is sent.  A journal of another INPUT, command or options is a
``UsageError``.  If OUTPUT is shorter than the journal says, it is rewritten from the start (the jobs
are fetched again, not resent).

**Uncertain parts.**  When a job-starting request times out or loses its connection (or gets a 5xx,
or the run is killed while it is in flight), the job may exist and be charged while its id never
arrived: the client never resends such a request and neither does this command.  The part is marked
``uncertain``; no later part is sent; the parts before it are collected and written; then the run
stops with ``UncertainPart``, a ``UsageError``: exit status 2 (EXIT_USAGE), one line naming the part
and its input lines.  Not 1: exit 1 means "finished, some rows failed", and this run did not finish;
it needs a decision.  A rerun stops the same way, sending nothing, until it is given
``--resubmit-uncertain`` (``options.resubmit_uncertain``): then the part is sent again.

**Failures.**  Rows of a part whose job ended in error (``errors.JobFailed``), or that got no result
(a canceled job), are ``failed`` with the reason; ``Summary.failed_rows`` lists their input lines and
the exit status is 1.  A job-starting request that the server refused (4xx: nothing was created, e.g.
402 insufficient credits) forgets that part's intent and raises the client's error (``_main`` prints it);
so does a job that cannot be polled; rerunning resumes from the journal.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import attrs

from amplemarket_api.limits import CREDIT_COSTS
from amplemarket_api.models import Company, EmailValidationResult, Person
from apicore.inputs import Problems

from .. import _ops, errors
from .._client import Amplemarket
from ._contract import Confirm, JobOptions, Progress, Summary, UsageError
from ._io import LEAD_COLUMNS, InputFile, OutputWriter, Row, check_output_path, open_input, scan
from ._journal import Journal, PartRecord, journal_path

__all__ = ["ENRICH_PART_SIZE", "VALIDATE_PART_SIZE", "UncertainPart", "run_enrich", "run_validate_emails"]

ENRICH_PART_SIZE = _ops.MAX_ENRICHMENT_LEADS
VALIDATE_PART_SIZE = _ops.MAX_EMAIL_VALIDATIONS
_PROGRESS_EVERY = 1000  # rows between progress updates while reading


class UncertainPart(UsageError):
    """A part's job-starting request may have reached the server unanswered; it was not resent (exit 2)."""


# ----------------------------------------------------------------------------------------- the two commands
def _model_fields(model: type[Any], drop: Iterable[str] = ()) -> list[str]:
    """The JSON names of a generated model's fields, in the model's order."""
    empty = model(**{f.alias: None for f in attrs.fields(model) if f.init})
    return [name for name in empty.to_dict() if name not in set(drop)]


PERSON_FIELDS = _model_fields(Person, drop=("object", "company"))
COMPANY_FIELDS = _model_fields(Company, drop=("object",))
VALIDATION_FIELDS = _model_fields(EmailValidationResult, drop=("object", "email"))

_REASONS = {"not_found": "no matching person", "gdpr_removed": "removed for privacy reasons"}

Outcome = tuple[str, str, dict[str, Any]]  # status, reason, output fields


@dataclass(frozen=True)
class _Command:
    """What differs between enrich and validate-emails."""

    name: str
    wanted: tuple[str, ...]
    fields: list[str]
    credits_per_lead: float
    check: Callable[[Row], tuple[dict[str, Any] | None, str]]
    start: Callable[[Amplemarket, list[dict[str, Any]]], Any]
    resume: Callable[[Amplemarket, Any], Any]
    outcome: Callable[[Any], Outcome]
    echo: Callable[[Any], dict[str, Any]]
    options: dict[str, Any]
    noun: str


def _reason(problems: Problems) -> str:
    """The problems of one row as one reason: ``email: is not a valid email address: 'x'``."""
    return "; ".join(
        f"{p.where.removeprefix('row.')}: {p.rule}" if p.where != "row" else p.rule for p in problems.items
    )


def _clean(lead: Mapping[str, Any]) -> dict[str, Any]:
    """A row's lead fields as sent: strings trimmed, empty cells and nulls left out."""
    cleaned: dict[str, Any] = {}
    for key, value in lead.items():
        if isinstance(value, str):
            value = value.strip()
        if value is not None and value != "":
            cleaned[key] = value
    return cleaned


def _check_lead(row: Row) -> tuple[dict[str, Any] | None, str]:
    problems = Problems()
    cleaned = _ops.enrichment_lead(problems, "row", _clean(row.lead))
    if problems.items or cleaned is None:
        return None, _reason(problems) or "not a lead"
    return cleaned, ""


def _check_email(row: Row) -> tuple[dict[str, Any] | None, str]:
    problems = Problems()
    value = _clean(row.lead).get("email")
    if value is None:
        return None, "email: is empty"
    _ops.email_item(problems, "row.email", value)
    if problems.items:
        return None, _reason(problems)
    return {"email": value}, ""


def _enrichment_outcome(result: Any) -> Outcome:
    data = result.to_dict()
    person = data.get("result") if isinstance(data.get("result"), dict) else None
    status = str(data.get("status") or ("enriched" if person else "not_found"))
    person = dict(person or {})
    company = person.pop("company", None)
    company = company if isinstance(company, dict) else {}
    fields = {f"person_{name}": person.get(name) for name in PERSON_FIELDS}
    fields.update({f"company_{name}": company.get(name) for name in COMPANY_FIELDS})
    return status, _REASONS.get(status, ""), fields


def _validation_outcome(result: Any) -> Outcome:
    data = result.to_dict()
    return "validated", "", {name: data.get(name) for name in VALIDATION_FIELDS}


def _enrichment_echo(result: Any) -> dict[str, Any]:
    data = result.to_dict()
    return {key: data[key] for key in LEAD_COLUMNS if data.get(key) is not None}


def _validation_echo(result: Any) -> dict[str, Any]:
    email = result.to_dict().get("email")
    return {} if email is None else {"email": email}


def _credits(operation: tuple[str, str], events: Iterable[str]) -> float:
    wanted = set(events)
    return float(sum(cost.credits for cost in CREDIT_COSTS.get(operation, ()) if cost.event in wanted))


def _enrich_command(options: JobOptions, part_size: int) -> _Command:
    events = ["person_found"]
    events += ["email_revealed"] if options.reveal_email else []
    events += ["phone_number_revealed"] if options.reveal_phone_numbers else []
    reveal_email, reveal_phone = options.reveal_email, options.reveal_phone_numbers
    return _Command(
        name="enrich",
        wanted=LEAD_COLUMNS,
        fields=[f"person_{n}" for n in PERSON_FIELDS] + [f"company_{n}" for n in COMPANY_FIELDS],
        credits_per_lead=_credits(("POST", "/people/enrichment-requests"), events),
        check=_check_lead,
        start=lambda client, leads: client.people.enrich(
            leads, reveal_email=reveal_email, reveal_phone_numbers=reveal_phone, on_invalid="skip"
        ),
        resume=lambda client, job_id: client.people.enrichment(job_id),
        outcome=_enrichment_outcome,
        echo=_enrichment_echo,
        options={"reveal_email": reveal_email, "reveal_phone_numbers": reveal_phone, "part_size": part_size},
        noun="lead",
    )


def _validate_command(options: JobOptions, part_size: int) -> _Command:
    return _Command(
        name="validate-emails",
        wanted=("email",),
        fields=list(VALIDATION_FIELDS),
        credits_per_lead=_credits(("POST", "/email-validations"), ["each_email"]),
        check=_check_email,
        start=lambda client, leads: client.email_validations.validate(
            [lead["email"] for lead in leads], on_invalid="skip"
        ),
        resume=lambda client, job_id: client.email_validations.get(job_id),
        outcome=_validation_outcome,
        echo=_validation_echo,
        options={"part_size": part_size},
        noun="email",
    )


def run_enrich(
    client: Amplemarket,
    options: JobOptions,
    progress: Progress,
    confirm: Confirm,
    *,
    part_size: int = ENRICH_PART_SIZE,
) -> Summary:
    """``amplemarket enrich INPUT OUTPUT``: see the module docstring (``part_size`` is for tests)."""
    return _Run(client, options, progress, confirm, _enrich_command(options, part_size), part_size).run()


def run_validate_emails(
    client: Amplemarket,
    options: JobOptions,
    progress: Progress,
    confirm: Confirm,
    *,
    part_size: int = VALIDATE_PART_SIZE,
) -> Summary:
    """``amplemarket validate-emails INPUT OUTPUT``: see the module docstring (``part_size`` is for tests)."""
    return _Run(client, options, progress, confirm, _validate_command(options, part_size), part_size).run()


# ----------------------------------------------------------------------------------------------- the plan
def _canonical(lead: Mapping[str, Any]) -> bytes:
    """A cleaned lead as the client compares them (``apicore.batching``: canonical JSON)."""
    return json.dumps(lead, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _digest(lead: Mapping[str, Any]) -> bytes:
    return hashlib.blake2b(_canonical(lead), digest_size=16).digest()


@dataclass
class _Part:
    idx: int
    first_row: int  # ordinal of its first row among the input's rows
    first_line: int
    last_line: int = 0
    rows: int = 0
    leads: int = 0

    @property
    def span(self) -> tuple[int, int, int, int]:
        return self.first_line, self.last_line, self.rows, self.leads

    def describe(self, total: int) -> str:
        return f"part {self.idx + 1} of {total} (input lines {self.first_line:,}-{self.last_line:,})"


@dataclass
class _Plan:
    parts: list[_Part] = field(default_factory=list)
    rows: int = 0
    invalid: int = 0
    duplicates: int = 0
    leads: int = 0
    #: digest of each distinct lead -> the line of its first row
    firsts: dict[bytes, int] = field(default_factory=dict)
    #: lines of rows that a row of a later part repeats
    carry: set[int] = field(default_factory=set)

    def part_of_line(self, line: int) -> int:
        return bisect_right([p.first_line for p in self.parts], line) - 1


def _classify(command: _Command, plan: _Plan, row: Row) -> tuple[str, dict[str, Any] | None, str, int]:
    """(kind, cleaned lead, reason, line of the first row) of a row once planned: original/duplicate/invalid."""
    cleaned, reason = command.check(row)
    if cleaned is None:
        return "invalid", None, reason, 0
    first = plan.firsts[_digest(cleaned)]
    return ("original" if first == row.line else "duplicate"), cleaned, "", first


# ------------------------------------------------------------------------------------------------ a run
class _Run:
    def __init__(
        self,
        client: Amplemarket,
        options: JobOptions,
        progress: Progress,
        confirm: Confirm,
        command: _Command,
        part_size: int,
    ) -> None:
        if part_size < 1:
            raise ValueError("part_size must be at least 1")
        self.client = client
        self.options = options
        self.progress = progress
        self.confirm = confirm
        self.command = command
        self.part_size = part_size
        self.summary = Summary(output=options.output)
        self.journal: Journal | None = None
        self.jobs: dict[int, Any] = {}  # part index -> the job started by this run
        self.written_rows = 0
        self.completed = 0

    # -- the steps -------------------------------------------------------------------------------------
    def run(self) -> Summary:
        options = self.options
        output_format = check_output_path(options.output, options.input)
        digest = scan(options.input)
        source = open_input(options.input, self.command.wanted)
        plan = self._plan(source)
        meta = {
            "command": self.command.name,
            "input_sha256": digest,
            "input": str(options.input),
            "options": json.dumps(self.command.options, sort_keys=True),
            "output_format": output_format,
        }
        path = journal_path(options.output)
        self.summary.rows = plan.rows
        try:
            self.journal = Journal.open(path, meta, create=False)
            records = self._check_records(plan, self.journal.parts() if self.journal else {})
            if options.dry_run:
                return self._dry_run(plan, records)
            return self._send_and_write(plan, records, source, meta, output_format)
        finally:
            if self.journal is not None:
                self.journal.close()

    def _plan(self, source: InputFile) -> _Plan:
        plan = _Plan()
        part: _Part | None = None
        for ordinal, row in enumerate(source.rows()):
            if part is None:
                part = _Part(0, ordinal, row.line)
                plan.parts.append(part)
            cleaned, _ = self.command.check(row)
            if cleaned is None:
                plan.invalid += 1
            else:
                key = _digest(cleaned)
                first = plan.firsts.get(key)
                if first is None:
                    if part.leads >= self.part_size:
                        part = _Part(len(plan.parts), ordinal, row.line)
                        plan.parts.append(part)
                    plan.firsts[key] = row.line
                    part.leads += 1
                    plan.leads += 1
                else:
                    plan.duplicates += 1
                    if plan.part_of_line(first) != part.idx:
                        plan.carry.add(first)
            part.rows += 1
            part.last_line = row.line
            plan.rows += 1
            if plan.rows % _PROGRESS_EVERY == 0:
                self.progress.update(rows_read=plan.rows, invalid=plan.invalid, duplicates=plan.duplicates)
        if not source.recognised:
            raise UsageError(f"{source.path}: no line has any of the keys {', '.join(source.wanted)}")
        if plan.rows == 0:
            raise UsageError(f"{source.path}: no rows after the header")
        self.progress.update(
            rows_read=plan.rows, rows_total=plan.rows, invalid=plan.invalid, duplicates=plan.duplicates,
            parts_total=len(plan.parts),
        )  # fmt: skip
        return plan

    def _check_records(self, plan: _Plan, records: dict[int, PartRecord]) -> dict[int, PartRecord]:
        for idx, record in records.items():
            part = plan.parts[idx] if idx < len(plan.parts) else None
            if part is None or (record.first_line, record.last_line, record.rows, record.leads) != part.span:
                assert self.journal is not None
                raise UsageError(
                    f"{self.journal.path}: its parts do not match INPUT's; remove it or choose another OUTPUT"
                )
        return records

    def _blocking(self, plan: _Plan, records: dict[int, PartRecord]) -> _Part | None:
        """The first part that may have been started without an answer (when it is not to be resent)."""
        if self.options.resubmit_uncertain:
            return None
        for part in plan.parts:
            record = records.get(part.idx)
            if record is not None and record.state in ("sending", "uncertain"):
                return part
        return None

    def _to_send(self, plan: _Plan, records: dict[int, PartRecord], limit: int) -> list[_Part]:
        sending = []
        for part in plan.parts[:limit]:
            record = records.get(part.idx)
            if part.leads and (record is None or record.state in ("sending", "uncertain")):
                sending.append(part)
        return sending

    def _describe(self, leads: int, parts: int, *, command: bool = True) -> str:
        reveal = [name for name in ("reveal_email", "reveal_phone_numbers") if self.command.options.get(name)]
        return (
            (f"{self.command.name}: " if command else "")
            + f"{leads:,} {self.command.noun}{'s' if leads != 1 else ''} in {parts} "
            f"part{'s' if parts != 1 else ''}" + (f" ({', '.join(reveal)})" if reveal else "")
        )

    def _dry_run(self, plan: _Plan, records: dict[int, PartRecord]) -> Summary:
        summary = self.summary
        summary.output = None
        blocking = self._blocking(plan, records)
        limit = len(plan.parts) if blocking is None else blocking.idx
        sending = self._to_send(plan, records, limit)
        leads = sum(part.leads for part in sending)
        summary.credits_estimate = leads * self.command.credits_per_lead
        summary.by_status = {k: v for k, v in (("invalid", plan.invalid), ("duplicate", plan.duplicates)) if v}
        summary.notes.append(
            f"dry run: nothing sent; {plan.rows:,} rows, {plan.invalid:,} invalid, {plan.duplicates:,} duplicates; "
            f"would send {self._describe(leads, len(sending), command=False)}, "
            f"up to {summary.credits_estimate:,.1f} credits"
        )
        for part in plan.parts:
            record = records.get(part.idx)
            state = "no lead to send" if not part.leads else "would be sent"
            if record is not None:
                state = {"written": "already written", "started": "already started: would be polled"}.get(
                    record.state, "uncertain: would not be sent again without --resubmit-uncertain"
                )
            elif blocking is not None and part.idx > blocking.idx:
                state = "not sent: an earlier part is uncertain"
            summary.notes.append(
                f"{part.describe(len(plan.parts))}: {part.rows:,} rows, {part.leads:,} {self.command.noun}s; {state}"
            )
        if self.journal is not None:
            summary.journal = self.journal.path
        return summary

    def _send_and_write(
        self,
        plan: _Plan,
        records: dict[int, PartRecord],
        source: InputFile,
        meta: Mapping[str, str],
        output_format: str,
    ) -> Summary:
        summary, options = self.summary, self.options
        blocking = self._blocking(plan, records)
        limit = len(plan.parts) if blocking is None else blocking.idx
        sending = self._to_send(plan, records, limit)
        leads = sum(part.leads for part in sending)
        summary.credits_estimate = leads * self.command.credits_per_lead
        asked = sending and summary.credits_estimate > options.confirm_above
        if asked and not self.confirm(summary.credits_estimate, self._describe(leads, len(sending))):
            summary.output = None
            summary.journal = None if self.journal is None else self.journal.path
            summary.notes.append("not confirmed: nothing was sent")
            return summary
        if self.journal is None:
            self.journal = Journal.open(journal_path(options.output), meta, create=True)
            assert self.journal is not None
        else:
            self.progress.note(f"resuming from the journal {self.journal.path}")
        summary.journal = self.journal.path
        columns, names = self._columns(source)
        writer = self._open_output(output_format, columns)
        try:
            started = sum(1 for r in self.journal.parts().values() if r.job_id is not None)
            self.progress.update(
                parts_submitted=started, jobs_completed=self.completed, results_written=self.written_rows
            )
            uncertain = self._submit(plan, source, sending, started) or blocking
            self._collect(plan, source, writer, names, len(plan.parts) if uncertain is None else uncertain.idx)
        finally:
            writer.close()
        if uncertain is not None:
            record = self.journal.parts().get(uncertain.idx)
            why = " (the run was interrupted while it was being sent)"
            if record is not None and record.note:
                why = f" ({record.note})"
            message = (
                f"{options.output}: {uncertain.describe(len(plan.parts))} may have been started on the server "
                f"without an answer{why}; it was not sent again: check with Amplemarket whether that job exists, "
                "then rerun with --resubmit-uncertain to send it again"
            )
            self.progress.note(message)
            raise UncertainPart(message)
        for record in self.journal.parts().values():
            for status, count in record.counts.items():
                summary.by_status[status] = summary.by_status.get(status, 0) + count
            summary.failed_rows.extend(record.failed_lines)
        return summary

    # -- output --------------------------------------------------------------------------------------
    def _columns(self, source: InputFile) -> tuple[list[str], dict[str, str]]:
        """OUTPUT's columns, and each of our columns' name in it (``amplemarket_<name>`` when INPUT has it)."""
        taken = set(source.columns)
        names = {}
        for name in ["line", "status", "reason", *self.command.fields]:
            names[name] = f"amplemarket_{name}" if name in taken else name
        return [*source.columns, *names.values()], names

    def _open_output(self, output_format: str, columns: list[str]) -> OutputWriter:
        assert self.journal is not None
        output = self.options.output
        size = self.journal.output_size()
        actual = output.stat().st_size if output.exists() else -1
        if size is not None and actual >= size:
            if actual > size:
                self.progress.note(f"{output}: dropping the {actual - size:,} bytes of a part whose writing was cut")
            writer = OutputWriter(output, output_format, columns, resume_at=size)
            self.written_rows = sum(r.rows for r in self.journal.parts().values() if r.state == "written")
            self.completed = sum(1 for r in self.journal.parts().values() if r.state == "written")
            return writer
        if size is not None:
            self.progress.note(
                f"{output} is shorter than the journal records: writing it again from the start "
                "(jobs already started are fetched again, not resent)"
            )
            self.journal.forget_written()
        writer = OutputWriter(output, output_format, columns)
        self.journal.set_header_size(writer.commit())
        return writer

    # -- sending -------------------------------------------------------------------------------------
    def _submit(self, plan: _Plan, source: InputFile, sending: list[_Part], started: int) -> _Part | None:
        """Send the parts in ``sending``; the part whose request went unanswered (then stop), or None."""
        assert self.journal is not None
        wanted = {part.idx for part in sending}
        if not wanted:
            return None
        for part, rows in _by_part(plan, source.rows(), wanted):
            classified = (_classify(self.command, plan, row) for row in rows)
            leads = [lead for kind, lead, _, _ in classified if kind == "original" and lead is not None]
            del rows
            self.journal.record_intent(part.idx, *part.span)
            try:
                job = self.command.start(self.client, leads)
            except (errors.APITimeoutError, errors.APIConnectionError) as exc:
                self.journal.record_uncertain(part.idx, f"{type(exc).__name__}: {exc}")
                return part
            except errors.APIError as exc:
                if exc.status is None or exc.status >= 500 or exc.status == 408:
                    self.journal.record_uncertain(part.idx, f"{type(exc).__name__}: {exc}")
                    return part
                self.journal.forget_intent(part.idx)
                raise
            except errors.InvalidInput:
                self.journal.forget_intent(part.idx)  # checked before sending: nothing went out
                raise
            self.journal.record_job(part.idx, job.ids[0])
            self.jobs[part.idx] = job
            self.summary.jobs_created += 1
            started += 1
            self.progress.update(parts_submitted=started)
            wanted.discard(part.idx)
            if not wanted:
                break
        return None

    # -- collecting and writing ----------------------------------------------------------------------
    def _collect(self, plan: _Plan, source: InputFile, writer: OutputWriter, names: dict[str, str], limit: int) -> None:
        assert self.journal is not None
        records = self.journal.parts()
        wanted = {p.idx for p in plan.parts[:limit] if records.get(p.idx) is None or records[p.idx].state != "written"}
        if not wanted:
            return
        for part, rows in _by_part(plan, source.rows(), wanted):
            record = records.get(part.idx)
            classified = [(row, *_classify(self.command, plan, row)) for row in rows]
            del rows
            leads = [lead for _, kind, lead, _, _ in classified if kind == "original" and lead is not None]
            results: dict[int, Any] = {}
            failure = ""
            if leads:
                results, failure = self._results(part, record, leads)
            self.completed += 1
            self.progress.update(jobs_completed=self.completed)
            self._write_part(plan, part, classified, results, failure, writer, names)
            wanted.discard(part.idx)
            if not wanted:
                break

    def _results(
        self, part: _Part, record: PartRecord | None, leads: list[dict[str, Any]]
    ) -> tuple[dict[int, Any], str]:
        """Part ``part``'s results by position in ``leads``, and why there are none (a failed job), if so."""
        job = self.jobs.get(part.idx)
        results: dict[int, Any] = {}
        try:
            if job is not None:
                for position, result in job.indexed_results():
                    results[position] = result
            else:
                if record is None or record.job_id is None:
                    return {}, "no job was started for this part"
                job = self.command.resume(self.client, record.job_id)
                self.summary.jobs_resumed += 1
                self._match(job.results(), leads, results)
        except errors.JobFailed as exc:
            return {}, str(exc)
        if len(results) < len(leads):
            status = getattr(job, "status", None)
            return results, f"no result for this row (the job is {status})"
        return results, ""

    def _match(self, found: Iterator[Any], leads: list[dict[str, Any]], results: dict[int, Any]) -> None:
        """Results of a job resumed by id (no positions): in order, checked against what each echoes."""
        positions: dict[bytes, int] = {}
        for position, lead in enumerate(leads):
            positions.setdefault(_canonical(lead), position)
        expected = 0
        for result in found:
            echo = _canonical(self.command.echo(result))
            position = expected
            if expected >= len(leads) or _canonical(leads[expected]) != echo:
                position = positions.get(echo, expected)
            if position < len(leads):
                results.setdefault(position, result)
            expected = position + 1

    def _write_part(
        self,
        plan: _Plan,
        part: _Part,
        classified: list[tuple[Row, str, dict[str, Any] | None, str, int]],
        results: Mapping[int, Any],
        failure: str,
        writer: OutputWriter,
        names: dict[str, str],
    ) -> None:
        assert self.journal is not None
        journal = self.journal
        empty = dict.fromkeys(self.command.fields)
        outcomes: dict[int, Outcome] = {}
        carried: dict[int, Outcome] = {}
        counts: dict[str, int] = {}
        failed: list[int] = []
        position = 0
        for row, kind, _, reason, first in classified:
            if kind == "invalid":
                outcome: Outcome = ("invalid", reason, empty)
            elif kind == "original":
                result = results.get(position)
                position += 1
                if result is not None:
                    outcome = self.command.outcome(result)
                else:
                    outcome = ("failed", failure or "no result for this row", empty)
                outcomes[row.line] = outcome
                if row.line in plan.carry:
                    carried[row.line] = outcome
            else:
                original = outcomes.get(first) or journal.repeat(first)
                if original is None:
                    outcome = ("failed", f"repeats line {first}, whose result is not known", empty)
                elif original[0] == "failed":
                    outcome = ("failed", f"repeats line {first}: {original[1]}", original[2])
                else:
                    outcome = ("duplicate", f"repeats line {first} ({original[0]})", original[2])
            status, why, fields = outcome
            counts[status] = counts.get(status, 0) + 1
            if status == "failed":
                failed.append(row.line)
            record = dict(row.values)
            record[names["line"]] = row.line
            record[names["status"]] = status
            record[names["reason"]] = why or None
            for name in self.command.fields:
                record[names[name]] = fields.get(name)
            writer.write(record)
        size = writer.commit()
        journal.record_written(part.idx, part.span, size, counts, failed, carried)
        self.written_rows += part.rows
        self.progress.update(results_written=self.written_rows)


def _by_part(plan: _Plan, rows: Iterator[Row], wanted: set[int]) -> Iterator[tuple[_Part, list[Row]]]:
    """Each part in ``wanted`` with its rows (the others are read past), in input order."""
    parts: Sequence[_Part] = plan.parts
    index = 0
    buffered: list[Row] = []
    for ordinal, row in enumerate(rows):
        while ordinal >= parts[index].first_row + parts[index].rows:
            index += 1
        part = parts[index]
        if part.idx not in wanted:
            continue
        buffered.append(row)
        if ordinal == part.first_row + part.rows - 1:
            yield part, buffered
            buffered = []
