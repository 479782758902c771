"""The ``amplemarket`` console script: parses the command line, builds the client and runs a subcommand.

Exit statuses: 0 every row done; 1 some rows failed (or an API error); 2 bad usage or unreadable input
(one line, no traceback); 130 interrupted (the job commands' journal lets a rerun resume).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from . import _commands
from ._contract import EXIT_USAGE, Confirm, JobOptions, Summary, UsageError
from ._output import Output

# ``--help`` and usage errors need argparse only: the client (httpx), rich and the simulator are imported
# when a command runs (tests/cli/test_startup.py checks what ``amplemarket --help`` imports).
if TYPE_CHECKING:
    from .._client import Amplemarket
    from ._progress import Display

__all__ = ["EXIT_INTERRUPTED", "build_parser", "main", "make_confirm"]

EXIT_INTERRUPTED = 130
EXIT_API_ERROR = 1
#: ``--simulate``: the simulator's seed (each run starts a fresh simulator: ids are the same every time).
SIMULATOR_SEED = 42
KEY_ENV = "AMPLEMARKET_API_KEY"

Handler = Callable[["Amplemarket", argparse.Namespace, Output], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and the way to get help), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


_COMMON_DEFAULTS: dict[str, Any] = {
    "api_key": None,
    "base_url": None,
    "simulate": False,
    "dry_run": False,
    "yes": False,
    "quiet": False,
    "json": False,
}


def _add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes; on a subcommand they only override what was given before it."""
    group = parser.add_argument_group("common options (also accepted before the command)")
    default: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    group.add_argument(
        "--api-key", metavar="KEY", help=f"the API key (default: ${KEY_ENV}; prefer the variable: "
        "arguments are visible to other users of the machine)", **default,
    )  # fmt: skip
    group.add_argument(
        "--base-url", metavar="URL", help="the API's base URL (default: $AMPLEMARKET_BASE_URL or the real API)",
        **default,
    )  # fmt: skip
    group.add_argument(
        "--simulate", action="store_true", help="run against the built-in simulator, in-process: no key needed, "
        "nothing real is spent (the same seed every run, so ids are stable)", **default,
    )  # fmt: skip
    group.add_argument(
        "--dry-run", action="store_true", help="read and check the input, say what would be sent, send nothing",
        **default,
    )  # fmt: skip
    group.add_argument(
        "--yes", "-y", action="store_true", help="do not ask before spending more than the credit threshold",
        **default,
    )  # fmt: skip
    group.add_argument(
        "--quiet", "-q", action="store_true", help="no progress: only errors and the final summary", **default
    )
    group.add_argument(
        "--json", action="store_true", help="messages (stderr) and the summary (stdout) as JSON lines", **default
    )
    if top:
        parser.set_defaults(**_COMMON_DEFAULTS)


def _command(
    subparsers: Any, name: str, handler: Handler | None, help: str, description: str | None = None
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description or help, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if handler is not None:
        _add_common(parser, top=False)
        parser.set_defaults(handler=handler)
    return parser


_JOB_EPILOG = """\
Every input row gets an output row, with its input line number and a status. A journal (a SQLite file
next to OUTPUT) records what was sent: after an interruption, run the same command again and it
resumes without spending twice. Exit status: 0 every row done, 1 some rows failed (listed), 2 bad
usage or unreadable input, 130 interrupted."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="amplemarket",
        description="The Amplemarket API from the command line: bulk enrichment and email validation that resume "
        "where they stopped, people search, lead lists, sequences, exclusions and the account.",
        epilog=f"Give the key with ${KEY_ENV} (or --api-key); --simulate tries any command on the built-in "
        "simulator. `amplemarket COMMAND --help` describes a command.",
    )
    _add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    enrich = _command(
        commands, "enrich", _job_command("enrich"), "enrich the leads of a CSV/JSONL file (a bulk job, resumable)",
        "Enrich every lead of INPUT (columns email, linkedin_url, or name/title with company_name/company_domain) "
        "and write one row per input row to OUTPUT.\n\n" + _JOB_EPILOG,
    )  # fmt: skip
    _job_arguments(enrich)
    enrich.add_argument("--reveal-email", action="store_true", help="reveal email addresses (spends email credits)")
    enrich.add_argument(
        "--reveal-phone-numbers", action="store_true", help="reveal phone numbers (spends phone credits)"
    )
    enrich.add_argument(
        "--resubmit-uncertain", action="store_true",
        help="resend the parts whose sending was interrupted before their job id came back (they may be charged twice)",
    )  # fmt: skip

    validate = _command(
        commands, "validate-emails", _job_command("validate-emails"),
        "validate the email addresses of a CSV/JSONL file (a bulk job, resumable)",
        "Validate every email of INPUT (an email column) and write one row per input row to OUTPUT.\n\n" + _JOB_EPILOG,
    )  # fmt: skip
    _job_arguments(validate)

    search = _command(
        commands, "search", _commands.search, "search people and write them to a CSV/JSONL file",
        "Search people (filters of the same option are alternatives; different options all apply) and write "
        "up to --limit of them, one row each (person_* and company_* columns), to OUTPUT (.csv or .jsonl).",
    )  # fmt: skip
    for option, field in _commands.SEARCH_FILTERS.items():
        search.add_argument(
            "--" + option.replace("_", "-"), action="append", metavar="VALUE", dest=option, help=f"({field})"
        )
    search.add_argument("--limit", type=int, required=True, metavar="N", help="stop after N people")
    search.add_argument("-o", "--output", type=Path, required=True, help="the file to write (.csv or .jsonl)")

    lead_lists = _command(commands, "lead-lists", None, "lead lists").add_subparsers(
        dest="lead_lists_command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    create = _command(
        lead_lists, "create", _commands.lead_lists_create, "create a lead list from a CSV/JSONL file",
        "Upload the leads of INPUT (columns email, linkedin_url, title, company_name, company_domain; at most "
        "10,000) as a lead list, wait until it is processed, and print its id, its entries and the rows skipped.",
    )  # fmt: skip
    create.add_argument("name", metavar="NAME", help="the list's name")
    create.add_argument("input", metavar="INPUT", type=Path, help="a CSV or JSONL file of leads")
    create.add_argument("--owner", metavar="EMAIL", help="the owner's email (default: the account's first user)")
    create.add_argument(
        "--type", choices=("email", "linkedin", "titles_and_company"), default="email", help="default: email"
    )

    sequences = _command(commands, "sequences", None, "sequences").add_subparsers(
        dest="sequences_command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    add_leads = _command(
        sequences, "add-leads", _commands.sequences_add_leads, "add the leads of a CSV/JSONL file to a sequence",
        "Add the leads of INPUT (email and/or linkedin_url; every other column goes to the lead's data) to the "
        "sequence, 250 per request; print the counts and the rows skipped.",
    )  # fmt: skip
    add_leads.add_argument("sequence_id", metavar="SEQUENCE_ID")
    add_leads.add_argument("input", metavar="INPUT", type=Path, help="a CSV or JSONL file of leads")

    exclusions = _command(
        commands, "exclusions", _commands.exclusions, "add, remove or list excluded domains or emails",
        "amplemarket exclusions add domains example.com other.example\n"
        "amplemarket exclusions remove emails --file emails.txt   (one per line, or a CSV with an email column)\n"
        "amplemarket exclusions list domains",
    )  # fmt: skip
    exclusions.add_argument("action", choices=("add", "remove", "list"))
    exclusions.add_argument("kind", choices=("domains", "emails"))
    exclusions.add_argument("values", nargs="*", metavar="VALUE")
    exclusions.add_argument("--file", type=Path, help="read the values from a file")

    _command(commands, "account", _commands.account, "show the account: its name and credits left")
    return parser


def _job_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", type=Path, help="a CSV or JSONL file")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write (.csv or .jsonl)")
    parser.add_argument(
        "--confirm-above", type=float, default=JobOptions.confirm_above, metavar="CREDITS",
        help="ask before spending more than this many credits (default: %(default)s; --yes answers)",
    )  # fmt: skip


# -- the job commands (the other half: _jobs) ----------------------------------------------------------------
def make_confirm(yes: bool, out: Output, stdin: IO[str] | None = None, display: Display | None = None) -> Confirm:
    """``confirm(credits, what)``: yes with --yes; on a terminal, ask; otherwise refuse, saying how to go on."""

    def confirm(credits: float, what: str) -> bool:
        if yes:
            return True
        source = stdin if stdin is not None else sys.stdin
        spend = f"This may spend up to {credits:,.0f} credits ({what})"
        if not _is_tty(source):
            out.error(f"{spend}; stdin is not a terminal, so not asking: rerun with --yes to go ahead")
            return False
        with display.suspended() if display is not None else contextlib.nullcontext():
            print(f"{spend}. Continue? [y/N] ", end="", file=out.stderr, flush=True)
            answer = source.readline()
        return answer.strip().lower() in ("y", "yes")

    return confirm


def _job_command(name: str) -> Handler:
    def handler(client: Amplemarket, args: argparse.Namespace, out: Output) -> int:
        # The other half of the command line, imported when a job command runs.
        from . import _jobs
        from ._progress import make_progress

        runner = _jobs.run_enrich if name == "enrich" else _jobs.run_validate_emails
        options = JobOptions(
            input=args.input, output=args.output, dry_run=args.dry_run, confirm_above=args.confirm_above,
            reveal_email=getattr(args, "reveal_email", False),
            reveal_phone_numbers=getattr(args, "reveal_phone_numbers", False),
            resubmit_uncertain=getattr(args, "resubmit_uncertain", False),
        )  # fmt: skip
        with make_progress(quiet=args.quiet, as_json=args.json, stream=out.stderr) as display:
            summary: Summary = runner(client, options, display, make_confirm(args.yes, out, display=display))
        _print_summary(name, summary, out, simulated=args.simulate)
        return summary.exit_status

    handler.journaled = True  # type: ignore[attr-defined]
    return handler


_MAX_LINES_SHOWN = 20


def _print_summary(command: str, summary: Summary, out: Output, *, simulated: bool) -> None:
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(summary.by_status.items()))
    failed = summary.failed_rows
    shown = ", ".join(map(str, failed[:_MAX_LINES_SHOWN])) + (
        f" and {len(failed) - _MAX_LINES_SHOWN} more" if len(failed) > _MAX_LINES_SHOWN else ""
    )
    parts = [
        f"{'[simulated] ' if simulated else ''}{command}: {summary.rows} rows" + (f" ({statuses})" if statuses else ""),
        f"{summary.jobs_created} job{'' if summary.jobs_created == 1 else 's'} created, {summary.jobs_resumed} resumed",
        f"up to {summary.credits_estimate:,.0f} credits",
    ]
    if summary.output is not None:
        parts.append(f"output {summary.output}")
    if summary.journal is not None:
        parts.append(f"journal {summary.journal}")
    if failed:
        parts.append(f"failed rows (input lines): {shown}")
    lines = [] if out.quiet else list(summary.notes)
    out.result(
        [*lines, "; ".join(parts)],
        {"event": "summary", "command": command, "simulated": simulated, "rows": summary.rows,
         "by_status": summary.by_status, "failed_rows": failed, "jobs_created": summary.jobs_created,
         "jobs_resumed": summary.jobs_resumed, "credits_estimate": summary.credits_estimate,
         "output": summary.output, "journal": summary.journal, "notes": summary.notes,
         "exit_status": summary.exit_status},
    )  # fmt: skip


# -- the client --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _client(args: argparse.Namespace, out: Output) -> Iterator[Amplemarket]:
    if args.simulate:
        try:
            from ..testing import Simulator
        except ImportError as exc:  # the simulator validates against the spec: it needs the `testing` extra
            raise UsageError(
                f"--simulate needs the simulator's dependencies ({exc.name} is missing): "
                "pip install 'amplemarket-client[testing]'"
            ) from None

        out.info(
            f"--simulate: running against the built-in simulator (seed {SIMULATOR_SEED}, in-process); "
            "no key needed, nothing real is spent"
        )
        sim = Simulator(seed=SIMULATOR_SEED, job_polls=2, retry_after=0.05)
        with sim.client() as client:
            yield client
        return
    from .._client import Amplemarket

    key = args.api_key or os.environ.get(KEY_ENV)
    if not key:
        raise UsageError(f"no API key: set {KEY_ENV} (or pass --api-key KEY); --simulate tries the command without one")
    with Amplemarket(api_key=key, base_url=args.base_url) as client:
        yield client


class _JsonLogs(logging.Handler):
    def __init__(self, stream: IO[str]) -> None:
        super().__init__(logging.WARNING)
        self._stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        line = {
            "event": "log",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        print(json.dumps(line), file=self._stream, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (``argv``: the arguments, default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # values after an option (`exclusions add domains --simulate a.com b.com`) belong to `values`
        if args.handler is not _commands.exclusions or any(value.startswith("-") for value in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.values = [*args.values, *extra]
    from .. import errors  # a command runs: now the client's machinery is needed

    out = Output(as_json=args.json, quiet=args.quiet)
    handler: Handler = args.handler
    logs = _JsonLogs(out.stderr) if args.json else None
    logger = logging.getLogger("amplemarket")
    if logs is not None:
        logger.addHandler(logs)
    try:
        with _client(args, out) as client:
            return handler(client, args, out)
    except UsageError as exc:
        out.error(str(exc))
        return EXIT_USAGE
    except errors.InvalidInput as exc:
        out.error(str(exc))
        return EXIT_USAGE
    except errors.ClientError as exc:
        out.error(str(exc))
        return EXIT_API_ERROR
    except BrokenPipeError:  # the reader of stdout went away (`| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        if getattr(handler, "journaled", False):
            out.error("interrupted; the journal keeps what was sent: run the same command again to resume")
        else:
            out.error("interrupted")
        return EXIT_INTERRUPTED
    finally:
        if logs is not None:
            logger.removeHandler(logs)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
