"""The ``diff`` command: ``python -m generator diff OLD NEW [--format ...] [--fail-on ERR|WARN]``.

Exit status: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 when
an input cannot be read (unreadable file, unparseable text, unknown git ref,
unresolvable ``$ref``); the error is one line naming the file and the location.

``--python-api`` also generates the client from both specs and links each change
to the public Python names it changes: a change that removes a generated name is
ERR whatever its wire level (renaming a response property is WARN on the wire but
removes a model attribute), and the report shows both levels.  ``make spec-diff``
and the spec workflow turn it on; ``--no-python-api`` (``PYTHON_API=0``) turns it off.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..vendors import VENDORS
from . import diff_specs
from .loader import Spec, SpecError, load_spec
from .registry import LEVELS
from .report import FORMATS, ApiChangeLike, Report, render, rules_table

__all__ = ["add_commands", "run"]


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "diff",
        help="classify every change between two specs (files or git refs such as origin/main:spec/x/openapi.yaml)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", nargs="?", help="the base spec: a file, or REF:path in the git repository")
    parser.add_argument("new", nargs="?", help="the revised spec: a file, or REF:path")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--fail-on", choices=LEVELS[:2], help="exit 1 when a change of this level or worse is found")
    parser.add_argument("--output", type=Path, help="write the report to this file instead of standard output")
    parser.add_argument(
        "--python-api",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also generate the client from both specs and list the public Python names that change; a change "
        "that removes one is ERR whatever its wire level (default: off; make spec-diff turns it on)",
    )
    parser.add_argument(
        "--vendor", choices=sorted(VENDORS), help="generator config for --python-api (default: from the path)"
    )
    parser.add_argument("--list-rules", action="store_true", help="print the rule registry and exit")
    parser.set_defaults(func=_cmd_diff)


def _vendor_for(spec: Spec, explicit: str | None) -> str:
    if explicit:
        return explicit
    match = re.search(r"(?:^|/)spec/([^/]+)/", spec.root_name)
    if match and match[1] in VENDORS:
        return match[1]
    raise SpecError(f"{spec.label}: cannot tell which vendor's generator config to use; pass --vendor")


def _api_changes(old: Spec, new: Spec, vendor_name: str) -> list[ApiChangeLike]:
    from ..pyapi import api_impact
    from ..vendors import get_vendor

    if old.text == new.text and len(old.documents) == len(new.documents) == 1:
        return []  # the same document generates the same code
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for side, spec in (("old", old), ("new", new)):
            if len(spec.documents) > 1:
                raise SpecError(f"{spec.label}: --python-api needs a single-file spec (this one has external $refs)")
            path = Path(tmp) / side / "openapi.yaml"
            path.parent.mkdir()
            path.write_text(spec.text, encoding="utf-8")
            paths.append(path)
        return list(api_impact(paths[0], paths[1], get_vendor(vendor_name)))


def _cmd_diff(args: argparse.Namespace) -> int:
    if args.list_rules:
        print(rules_table(), end="")
        return 0
    if not args.old or not args.new:
        print("error: diff needs OLD and NEW (or --list-rules)", file=sys.stderr)
        return 2
    try:
        old, new = load_spec(args.old), load_spec(args.new)
        api = _api_changes(old, new, _vendor_for(new, args.vendor)) if args.python_api else []
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = Report(old, new, diff_specs(old, new), api)
    text = render(report, args.format)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 1 if report.fails(args.fail_on) else 0


def run(argv: Sequence[str]) -> int:
    """Run the diff command alone (tests, the update pipeline)."""
    parser = argparse.ArgumentParser(prog="python -m generator")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["diff", *argv])
    return int(args.func(args))
