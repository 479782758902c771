"""The ``amplemarket`` console script, run as a user runs it: in a subprocess, against ``--simulate``.

The job commands' own behaviour (journal, resume, output rows) is tested in ``test_jobs.py``; here they are
run end to end through the script, and their plumbing (summary, exit status, confirmation, Ctrl-C) with a
stand-in ``_jobs`` in-process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import amplemarket.cli
from amplemarket.cli import _main, main
from amplemarket.cli._contract import JobOptions, Summary, UsageError
from amplemarket.cli._output import Output
from amplemarket.cli._progress import JsonProgress, PlainProgress, QuietProgress, make_progress
from amplemarket.testing import Simulator

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "amplemarket"
LEADS = ROOT / "examples" / "leads.csv"
HAS_JOBS = (ROOT / "overlays" / "amplemarket" / "cli" / "_jobs.py").exists()
COMMANDS = ("enrich", "validate-emails", "search", "lead-lists", "sequences", "exclusions", "account")
HELP = [
    [],
    ["enrich"],
    ["validate-emails"],
    ["search"],
    ["lead-lists"],
    ["lead-lists", "create"],
    ["sequences"],
    ["sequences", "add-leads"],
    ["exclusions"],
    ["account"],
]


def run(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMPLEMARKET_")}
    environment.update(env or {})
    return subprocess.run(
        [str(SCRIPT), *map(str, args)], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120
    )


def active_sequence() -> str:
    with Simulator(seed=_main.SIMULATOR_SEED).client() as client:
        return str(next(iter(client.sequences.list(status="active"))).id)


def assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("--simulate: ")]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0]


# -- help ------------------------------------------------------------------------------------------------
def test_help_lists_every_command() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in COMMANDS:
        assert command in done.stdout
    for option in ("--api-key", "--simulate", "--dry-run", "--yes", "--quiet", "--json"):
        assert option in done.stdout


@pytest.mark.parametrize("command", HELP, ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(command: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0


def test_python_dash_m_amplemarket_is_the_same_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "amplemarket", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "usage: amplemarket" in done.stdout
    assert "enrich" in done.stdout


# -- the simple commands ---------------------------------------------------------------------------------
def test_account_shows_the_credits_and_says_it_is_simulated() -> None:
    done = run("--simulate", "account")
    assert done.returncode == 0, done.stderr
    assert "email credits: 1000000.0" in done.stdout
    assert "simulator" in done.stderr
    assert "nothing real is spent" in done.stderr


def test_search_writes_flat_rows_and_stops_at_the_limit(tmp_path: Path) -> None:
    done = run("search", "--simulate", "--title", "CEO", "--country", "United States", "--limit", "7", "-o", "out.csv",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrote 7 people to out.csv" in done.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 7
    assert all(row["person_title"] == "CEO" and row["person_country"] == "United States" for row in rows)
    assert all(row["company_name"] for row in rows)
    assert not (tmp_path / "out.csv.part").exists()

    # (the simulator narrows by title, location, name, company name, industry and size; not by domain)
    done = run("search", "--simulate", "--company-name", rows[0]["company_name"], "--limit", "3", "-o", "out.jsonl",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    people = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert 1 <= len(people) <= 3
    assert {p["company_name"] for p in people} == {rows[0]["company_name"]}
    assert isinstance(people[0]["company_keywords"], list)


def test_lead_lists_create_prints_the_list_and_the_rows_skipped_with_their_lines() -> None:
    done = run("--simulate", "lead-lists", "create", "Demo", LEADS)
    assert done.returncode == 0, done.stderr
    summary = done.stdout.splitlines()[0]
    assert summary.startswith("lead list ")
    assert "(Demo): 22 entries, 20 matched, 12 rows skipped" in summary
    assert f"skipped {LEADS}:9: leads[7].email: is not a valid email address" in done.stdout


def test_sequences_add_leads_prints_the_counts_and_skipped_rows() -> None:
    sequence = active_sequence()
    done = run("sequences", "add-leads", sequence, LEADS, "--simulate", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["sequence_id"] == sequence
    assert summary["added"] == summary["total"] == 27  # 28 rows with an email or a linkedin_url, one a duplicate
    assert [s["line"] for s in summary["skipped"]] == [9, 31, 32, 33, 34, 35]


def test_a_dry_run_prints_what_would_be_sent() -> None:
    done = run("sequences", "add-leads", active_sequence(), LEADS, "--simulate", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "dry run: would add 34 leads" in done.stderr
    first = json.loads(done.stdout.splitlines()[0])
    assert first == {"email": "maya.urban.0@summit-systems-783.example.com"}


def test_exclusions_add_list_and_remove(tmp_path: Path) -> None:
    listed = run("--simulate", "exclusions", "list", "domains")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["competitor.example", "crm-only.example"]

    added = run("exclusions", "add", "domains", "--simulate", "new.example", "competitor.example")
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == ["new.example: success", "competitor.example: duplicated"]

    (tmp_path / "emails.txt").write_text("# to remove\nceo@competitor.example\nnobody@else.example\n")
    removed = run("--simulate", "--json", "exclusions", "remove", "emails", "--file", tmp_path / "emails.txt")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["outcomes"] == {"ceo@competitor.example": "success",
                                                      "nobody@else.example": "not_found"}  # fmt: skip


# -- exit statuses ---------------------------------------------------------------------------------------
def test_bad_usage_is_one_line_and_exit_2() -> None:
    assert_one_line_error(run("serch"), "invalid choice: 'serch'", "--help")
    assert_one_line_error(run("search", "--simulate", "--title", "CEO"), "--limit", "-o/--output")
    assert_one_line_error(run("exclusions", "add", "domains", "--simulate"), "give the domains")
    assert_one_line_error(run("exclusions", "add", "domains", "bad domain", "--simulate"),
                          "invalid input, nothing was sent", "domains[0]")  # fmt: skip


def test_unreadable_input_names_the_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"email": "a@b.example"}\n{"email": \n')
    assert_one_line_error(run("--simulate", "sequences", "add-leads", "x", bad), f"{bad}: line 2", "not valid JSON")
    assert_one_line_error(run("--simulate", "lead-lists", "create", "L", tmp_path / "missing.csv"), "missing.csv")


def test_a_missing_key_says_how_to_give_one() -> None:
    done = run("account")
    assert_one_line_error(done, "AMPLEMARKET_API_KEY", "--api-key", "--simulate")


def test_an_api_error_is_one_line_with_its_request_id_and_exit_1() -> None:
    done = run("--simulate", "sequences", "add-leads", "no-such-sequence", LEADS)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("amplemarket:")]
    assert len(errors) == 1
    assert "404" in errors[0]
    assert "request id req_" in errors[0]
    assert "Traceback" not in done.stderr


def test_the_key_is_never_printed() -> None:
    done = run("account", "--api-key", "sk-secret-key-123", "--base-url", "http://127.0.0.1:9")
    assert done.returncode == 1
    assert "sk-secret-key-123" not in done.stdout + done.stderr


# -- output modes ----------------------------------------------------------------------------------------
def test_quiet_prints_only_the_result() -> None:
    done = run("--simulate", "--quiet", "exclusions", "list", "emails")
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.splitlines() == ["ceo@competitor.example"]


def test_json_makes_every_line_json() -> None:
    done = run("--simulate", "--json", "lead-lists", "create", "Demo", LEADS)
    assert done.returncode == 0, done.stderr
    messages = [json.loads(line) for line in done.stderr.splitlines()]
    assert {m["event"] for m in messages} == {"info"}
    summary = json.loads(done.stdout)
    assert summary["event"] == "summary"
    assert summary["entries"] == 22


def test_plain_progress_is_throttled_and_ends_with_the_last_state() -> None:
    now = [0.0]
    stream = io.StringIO()
    with PlainProgress(stream, interval=1.0, clock=lambda: now[0]) as progress:
        progress.update(rows_read=10, rows_total=100)
        for read in range(20, 101, 10):
            now[0] += 0.3
            progress.update(rows_read=read)
        progress.update(rows_read=100)  # no change: no line
        progress.note("resuming from the journal")
        now[0] += 0.1
        progress.update(results_written=100, jobs_completed=1, parts_total=1, parts_submitted=1)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("rows 10/100 read (0 invalid, 0 duplicates), parts 0 submitted")
    assert len(lines) <= 6, lines  # 10 updates in 2.8 s: a line a second at most, the note, the last state
    assert "resuming from the journal" in lines
    assert lines[-1].startswith("rows 100/100 read")
    assert "results 100/100 written" in lines[-1]
    assert "ETA 0s" in lines[-1]


def test_the_display_follows_the_options() -> None:
    stream = io.StringIO()  # not a TTY
    assert isinstance(make_progress(quiet=True, stream=stream), QuietProgress)
    assert isinstance(make_progress(as_json=True, stream=stream), JsonProgress)
    assert type(make_progress(stream=stream)) is PlainProgress
    with make_progress(as_json=True, stream=stream) as progress:
        progress.update(rows_read=5, rows_total=5)
        progress.note("hello")
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert events[0]["event"] == "progress"
    assert events[0]["rows_read"] == 5
    assert events[-1] == {"event": "note", "message": "hello"}


# -- the job commands' plumbing, with a stand-in for _jobs ---------------------------------------------------
class StandIn:
    """Records what the command line passed; does what the test asks."""

    def __init__(self, behaviour: Any) -> None:
        self.behaviour = behaviour
        self.calls: list[tuple[str, JobOptions]] = []

    def module(self) -> types.ModuleType:
        module = types.ModuleType("amplemarket.cli._jobs")

        def runner(name: str) -> Any:
            def run(client: Any, options: JobOptions, progress: Any, confirm: Any) -> Summary:
                self.calls.append((name, options))
                return self.behaviour(client, options, progress, confirm)  # type: ignore[no-any-return]

            return run

        module.run_enrich = runner("enrich")  # type: ignore[attr-defined]
        module.run_validate_emails = runner("validate-emails")  # type: ignore[attr-defined]
        return module


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(behaviour: Any) -> StandIn:
        fake = StandIn(behaviour)
        module = fake.module()
        monkeypatch.setitem(sys.modules, "amplemarket.cli._jobs", module)
        monkeypatch.setattr(amplemarket.cli, "_jobs", module, raising=False)
        return fake

    return install


def test_a_job_command_gets_its_options_and_reports_failed_rows(
    stand_in: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def behaviour(client: Any, options: JobOptions, progress: Any, confirm: Any) -> Summary:
        progress.update(rows_read=3, rows_total=3)
        return Summary(rows=3, by_status={"done": 2, "failed": 1}, failed_rows=[4], jobs_created=1,
                       output=options.output, journal=tmp_path / "journal")  # fmt: skip

    fake = stand_in(behaviour)
    status = main(["enrich", str(LEADS), "-o", str(tmp_path / "out.csv"), "--simulate", "--reveal-email", "--dry-run"])
    assert status == 1
    name, options = fake.calls[0]
    assert name == "enrich"
    assert options.reveal_email
    assert options.dry_run
    assert not options.reveal_phone_numbers
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("[simulated] enrich: 3 rows (2 done, 1 failed)")
    assert "failed rows (input lines): 4" in out[-1]

    assert main(["--json", "--quiet", "validate-emails", str(LEADS), "-o", str(tmp_path / "v.csv"), "--simulate"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["command"] == "validate-emails"
    assert summary["failed_rows"] == [4]
    assert summary["exit_status"] == 1


def test_confirm_refuses_without_a_terminal_unless_yes(
    stand_in: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[bool] = []

    def behaviour(client: Any, options: JobOptions, progress: Any, confirm: Any) -> Summary:
        answers.append(confirm(5000.0, "5,000 leads"))
        return Summary(rows=1, by_status={"done": 1})

    stand_in(behaviour)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # not a TTY
    assert main(["--simulate", "enrich", str(LEADS), "-o", str(tmp_path / "o.csv")]) == 0
    assert "This may spend up to 5,000 credits (5,000 leads)" in capsys.readouterr().err
    assert main(["--simulate", "enrich", str(LEADS), "-o", str(tmp_path / "o.csv"), "--yes"]) == 0
    assert answers == [False, True]


def test_confirm_asks_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = io.StringIO()
    confirm = _main.make_confirm(False, Output(stderr=err), stdin=Terminal("y\n"))
    assert confirm(250.0, "250 leads") is True
    assert "This may spend up to 250 credits (250 leads). Continue? [y/N]" in err.getvalue()
    assert _main.make_confirm(False, Output(stderr=err), stdin=Terminal("\n"))(250.0, "x") is False


def test_usage_errors_and_ctrl_c_in_a_job_command(
    stand_in: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def unreadable(*_: Any) -> Summary:
        raise UsageError(f"{LEADS}: line 3, column 2: not UTF-8")

    stand_in(unreadable)
    assert main(["--simulate", "enrich", str(LEADS), "-o", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"amplemarket: {LEADS}: line 3, column 2: not UTF-8"

    def interrupted(*_: Any) -> Summary:
        raise KeyboardInterrupt

    stand_in(interrupted)
    assert main(["--simulate", "enrich", str(LEADS), "-o", str(tmp_path / "o.csv")]) == 130
    assert "run the same command again to resume" in capsys.readouterr().err


# -- the job commands end to end -------------------------------------------------------------------------
jobs = pytest.mark.skipif(not HAS_JOBS, reason="the job commands (_jobs.py) have not landed yet")


@jobs
def test_enrich_end_to_end_through_the_script(tmp_path: Path) -> None:
    output = tmp_path / "enriched.csv"
    done = run("enrich", LEADS, "-o", output, "--simulate", "--yes")
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert len(rows) == 34  # one output row per input row
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith("[simulated] enrich: 34 rows")
    assert "rows 34/34 read" in done.stderr  # plain progress: stderr is not a TTY

    assert done.returncode == 0
    assert [row["status"] for row in rows].count("enriched") == 29

    again = run("enrich", LEADS, "-o", output, "--simulate", "--yes", "--json")  # a rerun: from the journal
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["rows"] == 34
    assert summary["jobs_created"] == 0  # nothing sent twice
    # what `make demo` shows: the sample mixes found people, an invalid row, a duplicate and people not found
    assert summary["by_status"] == {"enriched": 29, "invalid": 1, "duplicate": 1, "not_found": 2, "gdpr_removed": 1}


@jobs
def test_validate_emails_end_to_end_through_the_script(tmp_path: Path) -> None:
    output = tmp_path / "validated.jsonl"
    done = run("--simulate", "--quiet", "validate-emails", LEADS, "-o", output, "--yes")
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert len(output.read_text().splitlines()) == 34
    assert len(done.stdout.strip().splitlines()) == 1  # --quiet: the summary line only


# -- the sample the demo enriches --------------------------------------------------------------------------
def test_the_sample_leads_mix_what_the_demo_promises() -> None:
    sim = Simulator(seed=_main.SIMULATOR_SEED)
    rows = list(csv.DictReader(io.StringIO(LEADS.read_text(encoding="utf-8"))))
    emails = [row["email"] for row in rows if row["email"]]
    assert sim.people.email_of(0) in emails
    assert any(row["linkedin_url"] == sim.people.linkedin_of(100) for row in rows)
    assert sum(1 for row in rows if row["name"] and row["company_name"]) == 5
    assert "not-an-email" in emails  # an invalid row
    assert len(emails) - len(set(emails)) == 1  # a duplicate
    assert "nobody@nowhere.example" in emails  # not found
