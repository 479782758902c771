"""The simple subcommands: search, lead-lists create, sequences add-leads, exclusions, account.

Each takes the client, the parsed arguments and the ``Output``, and returns the exit status.  Input files
(CSV or JSON lines, header matched case-insensitively) are read by ``read_rows``.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _io
from ._contract import EXIT_OK, UsageError
from ._output import Output

if TYPE_CHECKING:
    from .._client import Amplemarket

__all__ = [
    "account",
    "exclusions",
    "lead_lists_create",
    "read_rows",
    "search",
    "sequences_add_leads",
]

JSONL_SUFFIXES = (".jsonl", ".ndjson")


# -- input ------------------------------------------------------------------------------------------------
def read_rows(path: Path, wanted: Sequence[str]) -> list[InputRow]:
    """Every row of a CSV or JSON-lines file (``_io``'s reader: the job commands' input rules), in memory.

    The ``wanted`` columns (matched case-insensitively, spaces and dashes as ``_``) become the row's ``lead``
    and the others its ``extra`` (named the same way); empty values are dropped.  Raises ``UsageError`` (one
    line: file, line, column) when the file cannot be read.
    """
    _io.scan(path)  # exists, is not empty, is UTF-8 throughout
    rows: list[InputRow] = []
    for row in _io.open_input(path, wanted).rows():
        extra = {_io.normalize_column(str(k)): v for k, v in row.values.items()}
        rows.append(InputRow(row.line, _clean(row.lead), _clean({k: v for k, v in extra.items() if k not in wanted})))
    return rows


@dataclass(frozen=True)
class InputRow:
    line: int
    lead: dict[str, Any]
    extra: dict[str, Any]


def _clean(row: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in row.items():
        if not key:
            continue
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, ""):
            cleaned[key] = value
    return cleaned


def _require_rows(path: Path, rows: Sequence[InputRow]) -> None:
    if not rows:
        raise UsageError(f"{path}: no rows to send")


def _skipped_lines(skipped: Sequence[Any], lines: Sequence[int], path: Path) -> list[dict[str, Any]]:
    """The rows the client set aside, with their input line numbers."""
    found = []
    for item in skipped:
        index = int(item.index)
        line = lines[index] if 0 <= index < len(lines) else None
        reason = getattr(item, "reason", None) or "; ".join(f"{p.where}: {p.rule}" for p in item.problems)
        found.append({"line": line, "reason": str(reason), "file": str(path)})
    return found


def _skipped_text(skipped: Sequence[Mapping[str, Any]]) -> list[str]:
    return [f"  skipped {s['file']}:{s['line']}: {s['reason']}" for s in skipped]


# -- search -----------------------------------------------------------------------------------------------
#: search filter option -> PeopleSearchRequest field (each option may be repeated)
SEARCH_FILTERS = {
    "title": "person_titles",
    "country": "person_locations",
    "location": "person_locations",
    "seniority": "person_seniorities",
    "department": "person_departments",
    "keyword": "person_keywords",
    "company_name": "company_names",
    "company_domain": "company_domains",
    "industry": "company_industries",
    "company_size": "company_sizes",
    "company_location": "company_locations",
}
_PERSON_COLUMNS = (
    "id", "name", "first_name", "last_name", "title", "headline", "email", "linkedin_url", "location",
    "location_details.country", "location_details.state", "location_details.city", "current_position_start_date",
    "gender",
)  # fmt: skip
_COMPANY_COLUMNS = (
    "id", "name", "website", "linkedin_url", "industry", "size", "estimated_number_of_employees", "location",
    "location_details.country", "type", "founded_year", "latest_funding_stage", "estimated_revenue", "keywords",
    "technologies", "is_b2b", "is_b2c",
)  # fmt: skip
SEARCH_COLUMNS = tuple(f"person_{c.replace('location_details.', '')}" for c in _PERSON_COLUMNS) + tuple(
    f"company_{c.replace('location_details.', '')}" for c in _COMPANY_COLUMNS
)


def _pick(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def flatten_person(person: Mapping[str, Any]) -> dict[str, Any]:
    """A search result as one flat row: ``person_*`` and ``company_*`` columns (``SEARCH_COLUMNS``)."""
    company = person.get("company") if isinstance(person.get("company"), Mapping) else {}
    values = [_pick(person, c) for c in _PERSON_COLUMNS] + [_pick(company or {}, c) for c in _COMPANY_COLUMNS]
    return dict(zip(SEARCH_COLUMNS, values, strict=True))


def search(client: Amplemarket, args: argparse.Namespace, out: Output) -> int:
    filters: dict[str, Any] = {}
    for option, field in SEARCH_FILTERS.items():
        for value in getattr(args, option) or []:
            filters.setdefault(field, []).append(value)
    if not filters:
        raise UsageError("search: give at least one filter (--title, --country, --company-domain, ...)")
    if args.limit < 1:
        raise UsageError(f"search: --limit must be at least 1, got {args.limit}")
    output: Path = args.output
    kind = _io.file_format(output, "OUTPUT")
    written = 0
    partial = output.with_name(output.name + ".part")  # renamed once complete: no half-written OUTPUT
    with partial.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.DictWriter(sink, fieldnames=SEARCH_COLUMNS) if kind == "csv" else None
        if writer is not None:
            writer.writeheader()
        for person in client.people.search(page_size=min(args.limit, 100), **filters):
            row = flatten_person(person.to_dict())
            if writer is not None:
                writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
            else:
                sink.write(json.dumps(row, default=str) + "\n")
            written += 1
            if written >= args.limit:
                break
    partial.replace(output)
    out.result([f"wrote {written} people to {output}"], {"event": "summary", "people": written, "output": str(output)})
    return EXIT_OK


# -- lead lists -------------------------------------------------------------------------------------------
LEAD_LIST_FIELDS = ("email", "linkedin_url", "title", "company_name", "company_domain")
_LEAD_LIST_NEEDS = {"email": ("email",), "linkedin": ("linkedin_url",), "titles_and_company": ("title",)}


def _first_user_email(client: Amplemarket) -> str:
    for user in client.users.list():
        if user.email:
            return str(user.email)
    raise UsageError("lead-lists create: the account has no user to own the list; give --owner EMAIL")


def lead_lists_create(client: Amplemarket, args: argparse.Namespace, out: Output) -> int:
    path: Path = args.input
    rows = read_rows(path, LEAD_LIST_FIELDS)
    _require_rows(path, rows)
    for column in _LEAD_LIST_NEEDS[args.type]:
        if not any(column in row.lead for row in rows):
            raise UsageError(f"{path}: line 1: no {column} column (a {args.type} lead list needs one)")
    ignored = sorted({key for row in rows for key in row.extra})
    if ignored:
        out.info(f"ignoring columns a lead list does not take: {', '.join(ignored)}")
    leads = [row.lead for row in rows]
    lines = [row.line for row in rows]
    owner = args.owner or _first_user_email(client)
    if args.dry_run:
        out.info(
            f"dry run: would create the {args.type} lead list {args.name!r} owned by {owner} with {len(leads)} leads"
        )
        out.result(
            (json.dumps(lead) for lead in leads),
            {"event": "dry_run", "name": args.name, "type": args.type, "owner": owner, "leads": leads},
        )
        return EXIT_OK
    job = client.lead_lists.create(owner=owner, type=args.type, leads=leads, name=args.name, on_invalid="skip")
    skipped = _skipped_lines(job.skipped, lines, path)
    out.info(f"lead list {job.id}: created, waiting for it to be processed")
    job.wait()
    entries = list(job.results())
    matched = sum(1 for entry in entries if entry.person_id)
    out.result(
        [
            f"lead list {job.id} ({args.name}): {len(entries)} entries, {matched} matched, {len(skipped)} rows skipped",
            *_skipped_text(skipped),
        ],
        {"event": "summary", "lead_list_id": str(job.id), "name": args.name, "entries": len(entries),
         "matched": matched, "skipped": skipped},
    )  # fmt: skip
    return EXIT_OK


# -- sequences --------------------------------------------------------------------------------------------
SEQUENCE_FIELDS = ("email", "linkedin_url")
_ADD_LEADS_COUNTS = (
    "duplicate_emails", "duplicate_linkedin_urls", "in_exclusion_list_and_skipped", "recently_contacted_and_skipped",
    "already_in_sequence_and_skipped", "in_other_draft_sequences_and_skipped", "in_other_active_sequences_and_skipped",
)  # fmt: skip


def _sequence_lead(row: InputRow) -> dict[str, Any]:
    """``email`` and ``linkedin_url`` as they are; every other column goes under ``data`` (as text)."""
    lead: dict[str, Any] = dict(row.lead)
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in row.extra.items()}
    if data:
        lead["data"] = data
    return lead


def sequences_add_leads(client: Amplemarket, args: argparse.Namespace, out: Output) -> int:
    path: Path = args.input
    rows = read_rows(path, SEQUENCE_FIELDS)
    _require_rows(path, rows)
    leads = [_sequence_lead(row) for row in rows]
    lines = [row.line for row in rows]
    if args.dry_run:
        out.info(f"dry run: would add {len(leads)} leads to sequence {args.sequence_id}")
        out.result(
            (json.dumps(lead) for lead in leads),
            {"event": "dry_run", "sequence_id": args.sequence_id, "leads": leads},
        )
        return EXIT_OK
    summary = client.sequences.add_leads(args.sequence_id, leads, on_invalid="skip")
    skipped = _skipped_lines(summary.skipped, lines, path)
    counts = {name: len(getattr(summary, name, None) or []) for name in _ADD_LEADS_COUNTS}
    details = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n)
    out.result(
        [
            f"sequence {args.sequence_id}: {summary.total_added_to_sequence} of {summary.total} leads added"
            + (f" ({details})" if details else "") + f", {len(skipped)} rows skipped",
            *_skipped_text(skipped),
        ],
        {"event": "summary", "sequence_id": args.sequence_id, "total": summary.total,
         "added": summary.total_added_to_sequence, **counts, "skipped": skipped},
    )  # fmt: skip
    return EXIT_OK


# -- exclusions -------------------------------------------------------------------------------------------
def _exclusion_values(args: argparse.Namespace) -> list[str]:
    values = list(args.values or [])
    if args.file is not None:
        path: Path = args.file
        column = args.kind[:-1]  # domains -> domain, emails -> email
        if path.suffix.lower() == ".csv" or path.suffix.lower() in JSONL_SUFFIXES:
            rows = read_rows(path, (column,))
            values += [str(row.lead[column]) for row in rows if column in row.lead]
        else:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise UsageError(f"{path}: cannot read it: {exc.strerror or exc}") from None
            values += [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not values:
        raise UsageError(f"exclusions {args.action} {args.kind}: give the {args.kind} as arguments or with --file")
    return values


def exclusions(client: Amplemarket, args: argparse.Namespace, out: Output) -> int:
    target = client.exclusions.domains if args.kind == "domains" else client.exclusions.emails
    field = args.kind[:-1]
    if args.action == "list":
        if args.values or args.file is not None:
            raise UsageError("exclusions list: takes no values")
        found = [str(getattr(item, field)) for item in target.list()]
        out.result(found, {"event": "exclusions", "kind": args.kind, args.kind: found})
        return EXIT_OK
    values = _exclusion_values(args)
    if args.dry_run:
        out.info(f"dry run: would {args.action} {len(values)} {args.kind}")
        out.result(values, {"event": "dry_run", "action": args.action, "kind": args.kind, args.kind: values})
        return EXIT_OK
    status = (target.add if args.action == "add" else target.remove)(values).to_dict()
    out.result(
        [f"{value}: {outcome}" for value, outcome in status.items()],
        {"event": "summary", "action": args.action, "kind": args.kind, "outcomes": status},
    )
    return EXIT_OK


# -- account ----------------------------------------------------------------------------------------------
def account(client: Amplemarket, args: argparse.Namespace, out: Output) -> int:
    info = client.account.info().to_dict()
    details = info.get("account", info)
    lines = [f"{key.replace('_', ' ')}: {value}" for key, value in details.items()]
    out.result(lines, {"event": "account", **details})
    return EXIT_OK
