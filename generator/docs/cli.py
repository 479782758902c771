"""The ``harvest`` and ``drift`` commands of ``python -m generator``.

Both read the vendor's documentation from SOURCE... (URLs, files or folders; none: the pages
listed in ``spec/<vendor>/docs-sources.txt``).

``harvest [SOURCE...] [--vendor V]`` brings ``spec/<vendor>/upstream.yaml`` up to date with the
documentation: it applies the edit of every drift finding (unchanged docs change nothing) and
prints the edits; exit 0.  ``--out PATH`` instead writes a fresh transcription of the docs alone
(the start of a new vendor's upstream.yaml) and prints its counts and the conflicts between pages.

``drift [SOURCE...] [--vendor V] [--spec upstream|curated|both] [--spec-file PATH]`` compares the
documentation with the vendor's specs (or one given file) and prints the findings grouped per
operation and per schema; against the curated spec, differences that a fix makes are listed as
"curated by <x-id>" and are not drift.  Exit 0 when there is no drift, 1 when there is.

Both exit 2 on bad input (an unreadable or missing source, a URL that fails, a source with
nothing recognisable in it, a spec that cannot be parsed), with one line on standard error:
``error: <file or url>: <reason>``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._yamlio import load_document, load_text, rewrite_yaml
from ..build import SpecBuildError, build_curated
from ..validation import structural_errors
from ..vendors import VENDORS, get_vendor
from .drift import DriftReport, drift_report, explain, render
from .harvest import harvest, write_upstream
from .model import DocsError, DocSet
from .sources import display_source, documented_sources, load_docs
from .sync import sync

__all__ = ["add_commands", "run"]

_SPEC_CHOICES = ("upstream", "curated", "both")
_SOURCE_HELP = "documentation: http(s) URLs, files or folders of pages (default: spec/<vendor>/docs-sources.txt)"


def add_commands(commands: Any) -> None:
    """Register ``harvest`` and ``drift`` on an argparse sub-parsers object."""
    harvest_parser = commands.add_parser(
        "harvest",
        help="harvest the vendor's documentation (URL, file or folder) into spec/<vendor>/upstream.yaml",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    harvest_parser.add_argument("source", nargs="*", help=_SOURCE_HELP)
    harvest_parser.add_argument("--vendor", choices=sorted(VENDORS), default="amplemarket")
    harvest_parser.add_argument(
        "--out", type=Path, help="write a fresh transcription of the docs here instead of updating upstream.yaml"
    )
    harvest_parser.set_defaults(func=_cmd_harvest)

    drift_parser = commands.add_parser(
        "drift",
        help="compare the vendor's documentation with the specs; exit 1 when they differ",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    drift_parser.add_argument("source", nargs="*", help=_SOURCE_HELP)
    drift_parser.add_argument("--vendor", choices=sorted(VENDORS), default="amplemarket")
    drift_parser.add_argument(
        "--spec", choices=_SPEC_CHOICES, default="both", help="which of the vendor's specs to compare (default: both)"
    )
    drift_parser.add_argument("--spec-file", type=Path, help="compare this spec file instead of the vendor's")
    drift_parser.set_defaults(func=_cmd_drift)


def run(argv: Sequence[str]) -> int:
    """Run ``harvest`` or ``drift`` alone (``argv`` starts with the command name)."""
    parser = argparse.ArgumentParser(prog="python -m generator")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return int(args.func(args))


def _fail(message: str) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return 2


def _load(args: argparse.Namespace) -> DocSet | int:
    try:
        return load_docs(args.source or documented_sources(get_vendor(args.vendor).docs_sources))
    except DocsError as exc:
        return _fail(str(exc))


def _cmd_harvest(args: argparse.Namespace) -> int:
    docs = _load(args)
    if isinstance(docs, int):
        return docs
    if args.out:
        return _fresh_transcription(docs, args.out)
    upstream = get_vendor(args.vendor).upstream
    spec = _read_spec(upstream)
    if isinstance(spec, str):
        return _fail(spec)
    result = sync(docs, spec, spec_name=display_source(str(upstream)))
    if result.changed:
        rewrite_yaml(upstream, result.document)
    print(f"{docs.source}: {len(result.applied)} differences applied to {display_source(str(upstream))}")
    for finding in result.applied:
        print(f"  {finding.group}: {'; '.join(str(edit) for edit in finding.edits)} [{finding.page or 'no page'}]")
    for ref in result.pruned:
        print(f"  removed {ref} (used only by removed operations)")
    for finding in result.remaining:
        print(f"  left for a person: {finding}")
    return 0


def _fresh_transcription(docs: DocSet, out: Path) -> int:
    result = harvest(docs)
    problems = structural_errors(result.document)
    if problems:
        print(f"error: {docs.source}: the harvested document is not valid OpenAPI: {problems[0]}", file=sys.stderr)
        return 1
    try:
        write_upstream(result, out)
    except OSError as exc:
        return _fail(f"{out}: {exc.strerror or exc}")
    print(
        f"{docs.source}: {result.operations} operations, {result.schemas} schemas, "
        f"{len(result.conflicts)} conflicts -> {out}"
    )
    for conflict in result.conflicts:
        print(f"  conflict {conflict}")
    for note in result.notes:
        print(f"  note {note}")
    return 0


def _spec_files(args: argparse.Namespace) -> list[Path]:
    if args.spec_file:
        return [args.spec_file]
    vendor = get_vendor(args.vendor)
    chosen = {"upstream": [vendor.upstream], "curated": [vendor.curated], "both": [vendor.upstream, vendor.curated]}
    return chosen[args.spec]


def _read_spec(path: Path) -> dict[str, Any] | str:
    """The parsed spec, or the reason it cannot be used."""
    name = str(path)
    try:
        document = load_text(path.read_text(encoding="utf-8"), name=name)
    except OSError as exc:
        return f"{name}: {exc.strerror or exc}"
    except (ValueError, UnicodeDecodeError) as exc:
        return str(exc) if str(exc).startswith(name) else f"{name}: {exc}"
    if not isinstance(document, dict) or not ("openapi" in document or "swagger" in document):
        return f"{name}: not an OpenAPI document"
    return document


def _cmd_drift(args: argparse.Namespace) -> int:
    docs = _load(args)
    if isinstance(docs, int):
        return docs
    specs: list[tuple[str, dict[str, Any]]] = []
    for path in _spec_files(args):
        spec = _read_spec(path)
        if isinstance(spec, str):
            return _fail(spec)
        specs.append((display_source(str(path)), spec))
    explained = _explainer(args, docs)
    if isinstance(explained, int):
        return explained
    status = 0
    for (name, spec), path in zip(specs, _spec_files(args), strict=True):
        report = drift_report(docs, spec, spec_name=name)
        if explained is not None and path == get_vendor(args.vendor).curated:
            report = explained(report)
        sys.stdout.write(render(report))
        status = 1 if report.drift else status
    return status


def _explainer(args: argparse.Namespace, docs: DocSet) -> Callable[[DriftReport], DriftReport] | int | None:
    """For the vendor's curated spec: mark the differences its fixes make on purpose (None for other files)."""
    if args.spec_file or args.spec == "upstream":
        return None
    vendor = get_vendor(args.vendor)
    try:
        upstream = load_document(vendor.upstream)
        build = build_curated(vendor, skip_stale=True, examples_fatal=False)
    except (OSError, ValueError, SpecBuildError) as exc:
        return _fail(f"{vendor.upstream}: cannot rebuild the curated spec to tell fixes from drift: {exc}")
    baseline = drift_report(docs, upstream, spec_name=display_source(str(vendor.upstream)))
    return lambda report: explain(report, baseline, build.reports)
