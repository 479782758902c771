"""The job commands (``amplemarket.cli._jobs``) against the simulator: output, journal, resume, bad input."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from amplemarket import Amplemarket, errors
from amplemarket.cli._contract import EXIT_FAILED_ROWS, EXIT_OK, JobOptions, Summary, UsageError
from amplemarket.cli._jobs import UncertainPart, run_enrich, run_validate_emails
from amplemarket.cli._journal import Journal, journal_path
from amplemarket.testing import Simulator
from apicore import PollPolicy

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """A ``Progress`` that keeps what it was told."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.notes: list[str] = []

    def update(self, **counters: int | None) -> None:
        self.counters.update({k: v for k, v in counters.items() if v is not None})

    def note(self, message: str) -> None:
        self.notes.append(message)


def yes(credits: float, what: str) -> bool:
    return True


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=3, job_polls=1, retry_after=0)


@pytest.fixture
def client(sim: Simulator) -> Iterator[Amplemarket]:
    with sim.client(rate_limit=False, max_retries=0) as am:
        yield am


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as source:
        return list(csv.DictReader(source))


def enrich(client: Amplemarket, inp: Path, out: Path, **options: Any) -> tuple[Summary, Recorder]:
    part_size = options.pop("part_size", 10_000)
    progress = Recorder()
    summary = run_enrich(client, JobOptions(inp, out, **options), progress, yes, part_size=part_size)
    return summary, progress


def mixed_rows(sim: Simulator) -> list[list[str]]:
    """30 rows: emails, a LinkedIn URL, a name with a company, a name only, duplicates, unknown people."""
    rows = [[sim.people.email_of(i), "", "", "", f"r{i}"] for i in range(20)]
    person = sim.people.person(40)
    rows += [
        ["", sim.people.linkedin_of(30), "", "", "linkedin"],  # line 22
        ["", "", person["name"], person["company"]["name"], "name+company"],  # 23
        ["", "", "Only A. Name", "", "name only"],  # 24: invalid
        ["not-an-email", "", "", "", "bad email"],  # 25: invalid
        [sim.people.email_of(3), "", "", "", "dup of line 5"],  # 26: duplicate, earlier part
        ["nobody@nowhere.example", "", "", "", "unknown"],  # 27: not_found
        [f"  {sim.people.email_of(19)} ", "", "", "", "dup of line 21, spaces"],  # 28: duplicate (trimmed)
        ["nobody@nowhere.example", "", "", "", "dup of unknown"],  # 29
        [sim.people.email_of(228), "", "", "", "gdpr"],  # 30: person 228 was removed for privacy reasons
        ["", "", "", "", "empty"],  # 31: invalid
    ]
    return rows


HEADER = ["Email", "LinkedIn URL", "name", "company_name", "note"]


# ------------------------------------------------------------------------------------------ enrich output
def test_enrich_writes_every_row_once_in_order_with_statuses(
    sim: Simulator, client: Amplemarket, tmp_path: Path
) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    summary, progress = enrich(client, inp, out, reveal_email=True, part_size=8)

    rows = read_csv(out)
    assert [r["note"] for r in rows] == [r[4] for r in mixed_rows(sim)]  # every row once, input order
    assert [r["line"] for r in rows] == [str(n) for n in range(2, 32)]  # each row's line in INPUT
    by_note = {r["note"]: r for r in rows}
    assert by_note["r0"]["status"] == "enriched"
    assert by_note["r0"]["person_email"] == sim.people.email_of(0)
    assert by_note["r0"]["amplemarket_company_name"]  # the company's name; INPUT's company_name column is kept
    assert by_note["name+company"]["status"] == "enriched"
    assert by_note["linkedin"]["person_linkedin_url"] == sim.people.linkedin_of(30)
    assert by_note["name only"]["status"] == "invalid"
    assert "does not identify a person" in by_note["name only"]["reason"]
    assert by_note["bad email"]["status"] == "invalid"
    assert "email" in by_note["bad email"]["reason"]
    assert by_note["empty"]["status"] == "invalid"
    assert by_note["unknown"]["status"] == "not_found"
    assert by_note["gdpr"]["status"] == "gdpr_removed"
    dup = by_note["dup of line 5"]
    assert dup["status"] == "duplicate"
    assert dup["reason"] == "repeats line 5 (enriched)"
    person_columns = [c for c in rows[0] if c.startswith(("person_", "amplemarket_company_", "company_"))]
    assert person_columns
    assert all(dup[c] == by_note["r3"][c] for c in person_columns)
    assert by_note["dup of line 21, spaces"]["reason"] == "repeats line 21 (enriched)"
    assert by_note["dup of line 21, spaces"]["person_id"] == by_note["r19"]["person_id"]
    assert by_note["dup of unknown"]["reason"] == "repeats line 27 (not_found)"
    assert isinstance(json.loads(by_note["r0"]["person_location_details"]), dict)  # nested: JSON in one cell
    assert by_note["r0"]["person_phone_numbers"] == ""  # None: an empty cell

    assert summary.rows == 30
    assert summary.by_status["invalid"] == 3
    assert summary.by_status["duplicate"] == 3
    assert summary.by_status["not_found"] == 1
    assert summary.by_status["gdpr_removed"] >= 1
    assert sum(summary.by_status.values()) == 30
    assert summary.exit_status == EXIT_OK
    distinct = 30 - 3 - 3
    assert summary.credits_estimate == distinct * 1.5
    parts = -(-distinct // 8)
    assert summary.jobs_created == parts
    assert sim.stats()["jobs_created"] == {"enrichment": parts, "total": parts}
    assert progress.counters["results_written"] == 30
    assert progress.counters["parts_total"] == parts
    assert progress.counters["jobs_completed"] == parts
    assert progress.counters["invalid"] == 3
    assert progress.counters["duplicates"] == 3


def test_rerun_of_a_finished_job_sends_and_writes_nothing(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    first, _ = enrich(client, inp, out, part_size=8)
    content = out.read_bytes()
    requests = len(sim.log)
    again, progress = enrich(client, inp, out, part_size=8)
    assert len(sim.log) == requests
    assert out.read_bytes() == content
    assert again.by_status == first.by_status
    assert again.jobs_created == 0
    assert again.jobs_resumed == 0
    assert any("resuming" in note for note in progress.notes)


def test_resume_truncates_a_torn_part_and_polls_its_job(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    enrich(client, inp, out, part_size=8)
    complete = out.read_bytes()
    # As if the run was killed while writing the last part: its job id is known, its rows half written.
    with sqlite3.connect(journal_path(out)) as db:
        db.execute("UPDATE parts SET state = 'started', output_size = NULL WHERE idx = (SELECT max(idx) FROM parts)")
    with out.open("ab") as target:
        target.write(b"half a row,with no end")
    created = sim.stats()["jobs_created"]["total"]
    summary, progress = enrich(client, inp, out, part_size=8)
    assert out.read_bytes() == complete
    assert summary.jobs_resumed == 1
    assert summary.jobs_created == 0
    assert sim.stats()["jobs_created"]["total"] == created
    assert any("dropping" in note for note in progress.notes)


def test_output_lost_is_rewritten_from_the_jobs_without_resending(
    sim: Simulator, client: Amplemarket, tmp_path: Path
) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    enrich(client, inp, out, part_size=8)
    complete = out.read_bytes()
    created = sim.stats()["jobs_created"]["total"]
    out.unlink()
    summary, _ = enrich(client, inp, out, part_size=8)
    assert out.read_bytes() == complete
    assert sim.stats()["jobs_created"]["total"] == created
    assert summary.jobs_resumed == created


def test_failed_job_marks_its_rows_failed(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    sim.faults.fail_next_jobs(1)  # the first part's job ends in error
    summary, _ = enrich(client, inp, out, part_size=8)
    rows = read_csv(out)
    failed = [r for r in rows if r["status"] == "failed"]
    assert [r["note"] for r in failed] == [f"r{i}" for i in range(8)] + ["dup of line 5"]
    assert "failed" in failed[0]["reason"]
    assert failed[-1]["reason"].startswith("repeats line 5: ")
    assert summary.failed_rows == [2, 3, 4, 5, 6, 7, 8, 9, 26]
    assert summary.exit_status == EXIT_FAILED_ROWS
    assert rows[8]["status"] == "enriched"  # the other parts are unaffected


def test_jsonl_in_csv_out_and_jsonl_out(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = tmp_path / "leads.jsonl"
    lines = [
        {"EMAIL": sim.people.email_of(1), "tags": ["a", "b"]},
        {"linkedin_url": sim.people.linkedin_of(2), "extra": 1},
        {"email": 42},
    ]
    inp.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    enrich(client, inp, tmp_path / "out.csv")
    rows = read_csv(tmp_path / "out.csv")
    assert list(rows[0])[:5] == ["EMAIL", "tags", "linkedin_url", "extra", "email"]
    assert rows[0]["tags"] == '["a","b"]'
    assert [r["status"] for r in rows] == ["enriched", "enriched", "invalid"]
    assert "must be a string" in rows[2]["reason"]

    _summary, _ = enrich(client, inp, tmp_path / "out.jsonl")
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [w["status"] for w in written] == ["enriched", "enriched", "invalid"]
    assert written[0]["tags"] == ["a", "b"]
    assert isinstance(written[0]["person_location_details"], dict)
    assert written[2]["person_id"] is None


def test_thousands_of_real_looking_rows(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    rows: list[list[str]] = []
    for i in range(3000):
        if i % 10 == 3:
            rows.append(["", sim.people.linkedin_of(i), "", "", f"{i}"])
        elif i % 97 == 5:
            rows.append(["", "", f"Someone {i}", "", f"{i}"])  # a name only: invalid
        elif i % 50 == 7:
            rows.append([sim.people.email_of(i - 7), "", "", "", f"{i}"])  # repeats an earlier row
        elif i % 333 == 1:
            rows.append([f"ghost{i}@nowhere.example", "", "", "", f"{i}"])
        else:
            rows.append([sim.people.email_of(i), "", "", "", f"{i}"])
    inp = write_csv(tmp_path / "big.csv", HEADER, rows)
    out = tmp_path / "big.csv.out.csv"
    summary, _ = enrich(client, inp, out, part_size=1000)
    written = read_csv(out)
    assert [r["note"] for r in written] == [str(i) for i in range(3000)]
    assert summary.by_status["invalid"] == sum(1 for r in rows if r[2])
    seen: set[str] = set()
    repeated = 0
    for row in rows:
        repeated += bool(row[0]) and row[0] in seen
        seen.add(row[0])
    assert summary.by_status["duplicate"] == repeated > 40
    for r in written:
        if r["status"] == "duplicate":
            original = written[int(r["reason"].split()[2]) - 2]
            assert (
                r["reason"] == f"repeats line {original['note'] and int(original['note']) + 2} ({original['status']})"
            )
            assert r["person_id"] == original["person_id"]
            assert (r["person_id"] != "") == (original["status"] == "enriched")
    assert sim.stats()["jobs_created"]["total"] == summary.jobs_created == 3


# --------------------------------------------------------------------------------------- validate-emails
def test_validate_emails(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    emails = [sim.people.email_of(i) for i in range(10)] + ["nope", sim.people.email_of(2), ""]
    inp = write_csv(tmp_path / "emails.csv", [" EMAIL ", "id"], [[e, str(n)] for n, e in enumerate(emails)])
    out = tmp_path / "out.csv"
    summary = run_validate_emails(client, JobOptions(inp, out), Recorder(), yes, part_size=4)
    rows = read_csv(out)
    assert [r["id"] for r in rows] == [str(n) for n in range(13)]
    assert [r["status"] for r in rows] == ["validated"] * 10 + ["invalid", "duplicate", "invalid"]
    assert {r["result"] for r in rows[:10]} <= {"deliverable", "risky", "unknown", "undeliverable"}
    assert rows[11]["result"] == rows[2]["result"]
    assert rows[11]["reason"] == "repeats line 4 (validated)"
    assert "catch_all" in rows[0]
    assert summary.credits_estimate == 10.0
    assert sim.stats()["jobs_created"] == {"email": 3, "total": 3}
    # a lost last part is fetched by id (email_validations.get), not resent
    with sqlite3.connect(journal_path(out)) as db:
        db.execute("UPDATE parts SET state = 'started', output_size = NULL WHERE idx = 2")
    again = run_validate_emails(client, JobOptions(inp, out), Recorder(), yes, part_size=4)
    assert again.jobs_resumed == 1
    assert sim.stats()["jobs_created"]["total"] == 3
    assert read_csv(out) == rows


# ----------------------------------------------------------------------------------- dry run and confirm
def test_dry_run_sends_nothing_and_creates_no_journal(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    summary, _ = enrich(client, inp, out, dry_run=True, reveal_email=True, reveal_phone_numbers=True, part_size=8)
    assert sim.log == []
    assert not out.exists()
    assert not journal_path(out).exists()
    assert summary.credits_estimate == 24 * 2.5
    assert summary.by_status == {"invalid": 3, "duplicate": 3}
    assert "would send 24 leads in 3 parts (reveal_email, reveal_phone_numbers)" in summary.notes[0]
    assert len(summary.notes) == 1 + 3


def test_declined_confirmation_sends_nothing(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    asked: list[tuple[float, str]] = []

    def no(credits: float, what: str) -> bool:
        asked.append((credits, what))
        return False

    options = JobOptions(inp, out, reveal_email=True, confirm_above=10)
    summary = run_enrich(client, options, Recorder(), no, part_size=8)
    assert asked == [(36.0, "enrich: 24 leads in 3 parts (reveal_email)")]
    assert sim.log == []
    assert not out.exists()
    assert not journal_path(out).exists()
    assert summary.exit_status == EXIT_OK
    assert "not confirmed" in summary.notes[0]


# ------------------------------------------------------------------------------------------ bad input
def _bad(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("blank.csv", b"\n  \n", "blank.csv: the file is empty"),
        ("header-only.csv", b"email,name\n", "header-only.csv: no rows after the header"),
        ("nocolumn.csv", b"mail,who\na@b.com,x\n", "nocolumn.csv: line 1: no column named email"),
        (
            "latin1.csv",
            b"email,name\nx@y.com,ok\nz@y.com,Jos\xe9\n",
            "latin1.csv: line 3, column 12: not UTF-8 (byte 0xe9)",
        ),
        ("list.jsonl", b'{"email": "a@b.com"}\n[1, 2]\n', "list.jsonl: line 2: a JSON object is needed"),
        ("broken.jsonl", b'{"email": "a@b.com"}\n{"email": \n', "broken.jsonl: line 2, column 11: not valid JSON"),
        ("nokeys.jsonl", b'{"mail": "a@b.com"}\n', "nokeys.jsonl: no line has any of the keys"),
        ("ragged.csv", b"email,name\na@b.com,x,surplus\n", "ragged.csv: line 2, column 3: 3 cells"),
        ("twice.csv", b"email,EMAIL\na@b.com,x\n", "twice.csv: line 1, column 2: 'EMAIL' names email"),
        ("leads.txt", b"email\na@b.com\n", "leads.txt: unknown INPUT format '.txt'"),
    ],
)
def test_bad_input_is_one_line_and_sends_nothing(
    sim: Simulator, client: Amplemarket, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    inp = _bad(tmp_path, name, content)
    out = tmp_path / "out.csv"
    with pytest.raises(UsageError) as caught:
        enrich(client, inp, out)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert sim.log == []
    assert not out.exists()
    assert not journal_path(out).exists()


def test_missing_input_and_output_directory(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    with pytest.raises(UsageError, match="does not exist"):
        enrich(client, inp, tmp_path / "nowhere" / "out.csv")
    with pytest.raises(UsageError, match="no such file"):
        enrich(client, tmp_path / "missing.csv", tmp_path / "out.csv")
    with pytest.raises(UsageError, match="OUTPUT is the INPUT"):
        enrich(client, inp, inp)
    assert sim.log == []


def test_journal_of_another_input_is_refused(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    enrich(client, inp, out, part_size=8)
    requests = len(sim.log)
    other = write_csv(tmp_path / "other.csv", HEADER, mixed_rows(sim)[:5])
    with pytest.raises(UsageError, match="journal was written for a different INPUT"):
        enrich(client, other, out, part_size=8)
    with pytest.raises(UsageError, match="other options"):
        enrich(client, inp, out, reveal_email=True, part_size=8)
    with pytest.raises(UsageError, match="belongs to the enrich command"):
        run_validate_emails(client, JobOptions(inp, out), Recorder(), yes)
    assert len(sim.log) == requests


def test_a_second_run_on_the_same_output_is_refused(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    enrich(client, inp, out, part_size=8)
    with sqlite3.connect(journal_path(out)) as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    running = Journal.open(journal_path(out), meta, create=False)  # as another run would hold it
    assert running is not None
    try:
        with pytest.raises(UsageError, match="another run is using this journal"):
            enrich(client, inp, out, part_size=8)
    finally:
        running.close()
    enrich(client, inp, out, part_size=8)  # free again


def test_a_refused_start_forgets_its_intent_and_a_rerun_sends_it(
    sim: Simulator, client: Amplemarket, tmp_path: Path
) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    sim.credits["email"] = 1.0  # the first part's start gets 402: nothing created, nothing charged
    with pytest.raises(errors.InsufficientCredits):
        enrich(client, inp, out, part_size=8)
    with sqlite3.connect(journal_path(out)) as db:
        assert db.execute("SELECT count(*) FROM parts").fetchone()[0] == 0
    sim.credits["email"] = 1000.0
    summary, _ = enrich(client, inp, out, part_size=8)
    assert summary.jobs_created == sim.stats()["jobs_created"]["total"] == 3
    assert [r["note"] for r in read_csv(out)] == [r[4] for r in mixed_rows(sim)]


# ------------------------------------------------------------------------------ an unanswered job start
def test_timed_out_start_is_uncertain_and_never_resent_unless_asked(sim: Simulator, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    policy = PollPolicy(initial_interval=0.01, max_interval=0.05)
    with sim.serve() as url:
        am = Amplemarket(api_key=sim.api_key, base_url=url, rate_limit=False, max_retries=0, poll_policy=policy)
        with am:
            before = sim.stats()["jobs_created"]["total"]

            sim.faults.slow_responses(1, 1.5)  # the next request (part 1's start) is processed, answered late
            with pytest.raises(UncertainPart) as caught:
                enrich(am.with_options(timeout=0.5), inp, out, part_size=8)
            message = str(caught.value)
            assert "part 1 of 3 (input lines 2-9)" in message
            assert "--resubmit-uncertain" in message
            assert "\n" not in message
            assert sim.stats()["jobs_created"]["total"] == before + 1  # it did reach the server
            assert read_csv(out) == []  # nothing written: the first part is the uncertain one
            time.sleep(1.2)  # let the slow answer go

            requests = sim.stats()["requests"].get("start_batch_of_person_enrichments", 0)
            with pytest.raises(UncertainPart):
                enrich(am, inp, out, part_size=8)
            assert sim.stats()["requests"].get("start_batch_of_person_enrichments", 0) == requests  # not resent
            assert sim.stats()["jobs_created"]["total"] == before + 1

            summary, _ = enrich(am, inp, out, part_size=8, resubmit_uncertain=True)
            assert sim.stats()["jobs_created"]["total"] == before + 1 + 3
            assert summary.jobs_created == 3
            assert [r["note"] for r in read_csv(out)] == [r[4] for r in mixed_rows(sim)]


def test_uncertain_later_part_writes_the_parts_before_it(sim: Simulator, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    # The second start request loses its connection: part 1 is sent and written, part 2 uncertain, part 3 not sent.
    calls = {"n": 0}
    transport = sim.transport()

    class Dropping(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "POST":
                calls["n"] += 1
                if calls["n"] == 2:
                    transport.handle_request(request)  # it reaches the server ...
                    raise httpx.ReadError("connection lost", request=request)  # ... but no answer comes back
            return transport.handle_request(request)

    http = httpx.Client(transport=Dropping())
    with Amplemarket(api_key=sim.api_key, rate_limit=False, max_retries=0, http_client=http) as am:
        with pytest.raises(UncertainPart, match="part 2 of 3"):
            enrich(am, inp, out, part_size=8)
        written = read_csv(out)
        assert [r["note"] for r in written] == [f"r{i}" for i in range(8)]
        assert sim.stats()["jobs_created"]["total"] == 2
        with sqlite3.connect(journal_path(out)) as db:
            states = dict(db.execute("SELECT idx, state FROM parts"))
        assert states == {0: "written", 1: "uncertain"}


def test_a_part_left_sending_by_a_killed_run_is_uncertain(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    enrich(client, inp, out, part_size=8)
    # As if the run was killed while part 3's start request was in flight: its intent, no answer.
    with sqlite3.connect(journal_path(out)) as db:
        db.execute("UPDATE parts SET state = 'sending', job_id = NULL, output_size = NULL WHERE idx = 2")
    requests = len(sim.log)
    with pytest.raises(UncertainPart, match=r"part 3 of 3 .*interrupted while it was being sent"):
        enrich(client, inp, out, part_size=8)
    assert len(sim.log) == requests
    enrich(client, inp, out, part_size=8, resubmit_uncertain=True)
    assert sim.stats()["jobs_created"]["total"] == 4
    assert [r["note"] for r in read_csv(out)] == [r[4] for r in mixed_rows(sim)]


def test_only_invalid_rows_send_nothing(sim: Simulator, client: Amplemarket, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, [["", "", "A Name", "", "1"], ["x@", "", "", "", "2"]])
    summary, _ = enrich(client, inp, tmp_path / "out.csv")
    assert [r["status"] for r in read_csv(tmp_path / "out.csv")] == ["invalid", "invalid"]
    assert summary.by_status == {"invalid": 2}
    assert summary.exit_status == EXIT_OK
    assert sim.log == []


# ------------------------------------------------------------------------------------ kill -9 and rerun
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from amplemarket import Amplemarket, errors
    from amplemarket.cli._contract import JobOptions
    from amplemarket.cli._jobs import run_enrich
    from apicore import PollPolicy

    class Quiet:
        def update(self, **counters): pass
        def note(self, message): print(message, flush=True)

    url, key, inp, out = sys.argv[1:5]
    policy = PollPolicy(initial_interval=0.2, max_interval=0.5)
    with Amplemarket(api_key=key, base_url=url, rate_limit=False, max_retries=0, poll_policy=policy) as am:
        summary = run_enrich(am, JobOptions(Path(inp), Path(out)), Quiet(), lambda c, w: True, part_size=8)
    print("done", summary.by_status, flush=True)
    """
)


def _started(journal: Path) -> int:
    """Parts whose job id the journal holds (0 while there is no journal yet)."""
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(journal, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM parts WHERE state = 'started'").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_killed_run_resumes_without_creating_any_job_twice(sim: Simulator, tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "leads.csv", HEADER, mixed_rows(sim))
    out = tmp_path / "out.csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "overlays"), str(ROOT / "generated")])}
    server = subprocess.Popen(
        [sys.executable, "-m", "amplemarket.testing", "serve", "--port", "0", "--seed", "3", "--job-seconds", "4"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        url = first.split(" on ")[1].split()[0]
        key = first.split("api key: ")[1].rstrip(")\n")
        args = [sys.executable, "-c", CHILD, url, key, str(inp), str(out)]
        child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        # At least one job id is journaled; waiting for all three keeps the kill out of a start request,
        # whose part a rerun would rightly refuse to resend (test_timed_out_start_... covers that).
        while _started(journal_path(out)) < 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert child.returncode == -signal.SIGKILL
        assert not read_csv(out) if out.exists() else True  # killed before any part's results came

        rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert "resuming" in rerun.stdout
        assert "done" in rerun.stdout

        rows = read_csv(out)
        assert [r["note"] for r in rows] == [r[4] for r in mixed_rows(sim)]
        stats = httpx.get(f"{url}/_simulator/stats").json()
        assert stats["jobs_created"] == {"enrichment": 3, "total": 3}  # each part's job created once
        assert stats["requests"]["start_batch_of_person_enrichments"] == 3
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()
