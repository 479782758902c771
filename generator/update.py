"""``python -m generator update-spec DOCS``: re-harvest the vendor docs and show what changed.

The pipeline a user runs when the vendor's documentation moves:

1. harvest DOCS (a URL, file or folder) into ``spec/<vendor>/upstream.yaml``;
2. build the curated spec (upstream + fixes); a fix whose target is gone is skipped and listed
   instead of stopping the build;
3. lint the result (findings are listed, not fatal: the point is to see them) and write it;
4. regenerate ``generated/<package>``;
5. diff the spec that was there before against the new one, with the generated Python API
   impact, and print the markdown changelog, the fixes that no longer apply and the conflicts
   between documentation pages.

Examples that contradict their schema and lint findings are listed too, not fatal: ``make
spec`` still refuses them, so they must be dealt with before the update can be committed.
Nothing is committed: the working tree shows the new files for review.  Exit status 0 when
the pipeline ran, 1 when the new curated spec is not valid OpenAPI, 2 when DOCS cannot be read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from .build import SpecBuildError, build_curated, curated_text
from .docs import DocsError, harvest, load_docs, write_upstream
from .generate import generate
from .lint import LinterMissing, run_linters
from .pyapi import compare, surface
from .specdiff import diff_specs, load_spec_text
from .specdiff.report import Report, render_markdown
from .vendors import VENDORS, Vendor, get_vendor

__all__ = ["add_commands", "update_spec"]

_EMPTY_SPEC = "openapi: 3.0.3\ninfo: {title: none, version: '0'}\npaths: {}\n"


def update_spec(vendor: Vendor, source: str, *, lint: bool = True, out: TextIO = sys.stdout) -> int:
    """Run the pipeline for ``vendor``; see the module docstring."""
    old_text = vendor.curated.read_text(encoding="utf-8") if vendor.curated.exists() else _EMPTY_SPEC
    old_api = surface(vendor.generated_dir, vendor.package) if vendor.generated_dir.exists() else {}
    try:
        docs = load_docs(source)
    except DocsError as exc:
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    harvested = harvest(docs)
    write_upstream(harvested, vendor.upstream)
    print(
        f"harvested {harvested.operations} operations, {harvested.schemas} schemas -> {_rel(vendor, vendor.upstream)}"
    )
    try:
        build = build_curated(vendor, skip_stale=True, examples_fatal=False)
    except SpecBuildError as exc:
        print(f"error: the curated spec cannot be built from the new upstream: {exc}", file=sys.stderr)
        return 1
    text = curated_text(build.document)
    lint_lines = _lint(text) if lint else ["lint skipped"]
    vendor.curated.write_text(text, encoding="utf-8")
    generate(vendor)
    new_api = surface(vendor.generated_dir, vendor.package)
    old_spec = load_spec_text(old_text, name=f"previous {_rel(vendor, vendor.curated)}")
    new_spec = load_spec_text(text, name=_rel(vendor, vendor.curated))
    report = Report(old_spec, new_spec, diff_specs(old_spec, new_spec), compare(old_api, new_api))
    out.write(render_markdown(report))
    stale = [r for r in build.reports if r.kind == "stale"]
    applied = len(build.reports) - len(stale)
    out.write(f"\n### Fixes that no longer apply ({len(stale)} of {len(build.reports)}; {applied} applied)\n\n")
    out.writelines(f"- #{r.index} `{r.action_id}`: `{r.target}` matches nothing\n" for r in stale)
    if not stale:
        out.write("Every fix in fixes.yaml still applies.\n")
    out.write(f"\n### Conflicts between documentation pages ({len(harvested.conflicts)})\n\n")
    out.writelines(f"- {conflict}\n" for conflict in harvested.conflicts)
    out.write(f"\n### Examples that contradict their schema ({len(build.example_problems)})\n\n")
    out.writelines(f"- {problem}\n" for problem in build.example_problems)
    out.write("\n### Lint\n\n" + "".join(f"- {line}\n" for line in lint_lines))
    out.write("\nReview `git diff spec/ generated/`; remove or rewrite the stale fixes, then `make spec generate`.\n")
    return 0


def _rel(vendor: Vendor, path: Path) -> str:
    return path.relative_to(vendor.root).as_posix()


def _lint(text: str) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / "openapi.yaml"
        candidate.write_text(text, encoding="utf-8")
        try:
            results = run_linters(candidate)
        except LinterMissing as exc:
            return [f"linters not installed ({exc}); run `make install`"]
    lines = [result.summary() for result in results]
    lines += [message for result in results for message in result.messages[:20]]
    return lines


def _cmd_update(args: argparse.Namespace) -> int:
    return update_spec(get_vendor(args.vendor), args.docs, lint=not args.no_lint)


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "update-spec",
        help="harvest the docs, rebuild, regenerate, and print the changelog and the fixes that no longer apply",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("docs", help="the vendor documentation: an http(s) URL, a file, or a folder of pages")
    parser.add_argument("--vendor", choices=sorted(VENDORS), default="amplemarket")
    parser.add_argument("--no-lint", action="store_true", help="skip the npm linters")
    parser.set_defaults(func=_cmd_update)
