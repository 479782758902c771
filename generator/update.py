"""``python -m generator update-spec [DOCS...]``: bring the specs and the client up to date with the vendor docs.

The pipeline a user (or the scheduled CI job) runs when the vendor's documentation moves:

1. read DOCS (URLs, files or folders; none: the pages listed in ``spec/<vendor>/docs-sources.txt``);
2. compare them with ``spec/<vendor>/upstream.yaml`` and apply the edit of every difference
   (:mod:`generator.docs.sync`): the docs' facts change, our descriptions stay, and unchanged docs
   change nothing;
3. build the curated spec (upstream + fixes); a fix whose target is gone is skipped and listed,
   and so is a fix that no longer changes anything (the docs now say what it said);
4. when the curated spec changed: lint it (findings listed, not fatal), write it and regenerate
   ``generated/<package>``;
5. print (and with ``--changelog FILE`` write) the markdown changelog of the curated spec with its
   Python API impact, then the edits made to upstream, the stale and unnecessary fixes and the
   examples that contradict their schema.

The run is atomic: on any failure (or Ctrl-C) every file under ``spec/<vendor>/`` and
``generated/<package>/`` is put back as it was.  Exit status 0 when the pipeline ran (whether
or not anything changed), 1 when the new curated spec cannot be built, 2 when the docs cannot be
read; errors are one line on standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ._yamlio import load_document, rewrite_yaml
from .build import BuildResult, SpecBuildError, build_curated, curated_text
from .docs import DocsError, load_docs
from .docs.sources import documented_sources
from .docs.sync import SyncResult, sync
from .generate import generate
from .lint import LinterMissing, run_linters
from .packaging import GenerationError
from .pyapi import compare, surface
from .specdiff import diff_specs, load_spec_text
from .specdiff.report import Report, render_markdown
from .vendors import VENDORS, Vendor, get_vendor

__all__ = ["add_commands", "update_spec"]


class UpdateError(RuntimeError):
    """The update could not complete; the message is the one line to print."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def update_spec(
    vendor: Vendor,
    sources: Sequence[str] = (),
    *,
    lint: bool = True,
    out: TextIO = sys.stdout,
    changelog: Path | None = None,
) -> int:
    """Run the pipeline for ``vendor``; see the module docstring.  Returns the exit status."""
    try:
        with _restored_on_failure(vendor):
            text = _update(vendor, list(sources), lint=lint, out=out)
        if changelog is not None:
            changelog.write_text(text, encoding="utf-8")
    except UpdateError as exc:
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return exc.status
    return 0


def _update(vendor: Vendor, sources: list[str], *, lint: bool, out: TextIO) -> str:
    try:
        docs = load_docs(sources or documented_sources(vendor.docs_sources))
    except DocsError as exc:
        raise UpdateError(str(exc), 2) from None
    upstream_name = _rel(vendor, vendor.upstream)
    upstream = load_document(vendor.upstream)
    synced = sync(docs, upstream, spec_name=upstream_name)
    if synced.changed:
        rewrite_yaml(vendor.upstream, synced.document)
    old_text = vendor.curated.read_text(encoding="utf-8") if vendor.curated.exists() else ""
    old_api = surface(vendor.generated_dir, vendor.package) if vendor.generated_dir.exists() else {}
    try:
        build = build_curated(vendor, skip_stale=True, examples_fatal=False)
    except SpecBuildError as exc:
        raise UpdateError(f"the curated spec cannot be built from the updated upstream: {exc}", 1) from None
    text = curated_text(build.document)
    lint_lines = ["the curated spec did not change"]
    if text != old_text:
        lint_lines = _lint(text) if lint else ["lint skipped"]
        vendor.curated.write_text(text, encoding="utf-8")
        try:
            generate(vendor)
        except GenerationError as exc:
            raise UpdateError(f"the client cannot be generated from the updated spec: {exc}", 1) from None
    pages, differences = len(docs.pages), len(synced.applied)
    out.write(
        f"{docs.source}: {pages} page{'' if pages == 1 else 's'} read; "
        f"{differences} difference{'' if differences == 1 else 's'} from {upstream_name}\n"
    )
    changelog = _changelog(vendor, old_text, text, old_api, synced, build, lint_lines)
    if not docs.lists_every_operation and any(edit.op == "remove" for edit in synced.edits):
        out.write(
            "note: these docs list no index of every operation, so they may be only part of what the spec is "
            "built from; the removals below come from them alone. Check them, or pass every page the spec is "
            f"built from (the default: {_rel(vendor, vendor.docs_sources)}).\n"
        )
    out.write("\n" + changelog)
    return changelog


def _changelog(
    vendor: Vendor,
    old_text: str,
    text: str,
    old_api: dict[str, Any],
    synced: SyncResult,
    build: BuildResult,
    lint_lines: list[str],
) -> str:
    curated = _rel(vendor, vendor.curated)
    if text == old_text:
        parts = [f"## API changes: none\n\nThe documentation says what `{curated}` was built from; nothing changed.\n"]
    else:
        old_spec = load_spec_text(
            old_text or "openapi: 3.0.3\ninfo: {title: none, version: '0'}\npaths: {}\n", name=f"previous {curated}"
        )
        new_spec = load_spec_text(text, name=curated)
        api = compare(old_api, surface(vendor.generated_dir, vendor.package))
        parts = [render_markdown(Report(old_spec, new_spec, diff_specs(old_spec, new_spec), api))]
    parts.append(_section(f"Documentation changes applied to `{_rel(vendor, vendor.upstream)}`", _applied(synced)))
    parts.append(_section("Differences left for a person", [f"{f}" for f in synced.remaining]))
    stale = [r for r in build.reports if r.kind == "stale"]
    idle = [r for r in build.reports if r.kind != "stale" and not r.changed]
    parts.append(
        _section(
            "Fixes that no longer apply", [f"#{r.index} `{r.action_id}`: `{r.target}` matches nothing" for r in stale]
        )
    )
    parts.append(
        _section(
            "Fixes that no longer change anything (the documentation now says it)",
            [f"#{r.index} `{r.action_id}`" for r in idle],
        )
    )
    parts.append(_section("Examples that contradict their schema", build.example_problems))
    parts.append(_section("Lint", lint_lines))
    if synced.changed or stale or idle:
        parts.append(
            "Review `git diff spec/ generated/`; rewrite or remove the fixes listed above, then `make spec generate`.\n"
        )
    return "\n".join(parts)


def _applied(synced: SyncResult) -> list[str]:
    lines = []
    for finding in synced.applied:
        edits = "; ".join(str(edit) for edit in finding.edits)
        lines.append(f"{finding.group}: {finding.kind}: {edits} ({finding.page or 'no page'})")
    lines += [f"removed {ref}, which only removed operations used" for ref in synced.pruned]
    return lines


def _section(title: str, lines: list[str]) -> str:
    body = "".join(f"- {line}\n" for line in lines) if lines else "None.\n"
    return f"### {title} ({len(lines)})\n\n{body}"


@contextlib.contextmanager
def _restored_on_failure(vendor: Vendor) -> Iterator[None]:
    """Put ``spec/<vendor>/`` and ``generated/<package>/`` back as they were if the block fails."""
    folders = [vendor.spec_dir, vendor.generated_dir]
    with tempfile.TemporaryDirectory() as tmp:
        saved = []
        for index, folder in enumerate(folders):
            copy = Path(tmp) / str(index)
            if folder.exists():
                shutil.copytree(folder, copy, symlinks=True)
            saved.append((folder, copy))
        try:
            yield
        except BaseException:
            for folder, copy in saved:
                shutil.rmtree(folder, ignore_errors=True)
                if copy.exists():
                    shutil.copytree(copy, folder, symlinks=True)
            raise


def _rel(vendor: Vendor, path: Path) -> str:
    try:
        return path.relative_to(vendor.root).as_posix()
    except ValueError:
        return path.as_posix()


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
    return update_spec(get_vendor(args.vendor), args.docs, lint=not args.no_lint, changelog=args.changelog)


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "update-spec",
        help="bring upstream.yaml up to date with the docs, rebuild, regenerate, and print the changelog",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "docs",
        nargs="*",
        help="the vendor documentation: http(s) URLs, files or folders (default: spec/<vendor>/docs-sources.txt)",
    )
    parser.add_argument("--vendor", choices=sorted(VENDORS), default="amplemarket")
    parser.add_argument("--no-lint", action="store_true", help="skip the npm linters")
    parser.add_argument("--changelog", type=Path, help="also write the markdown changelog to this file")
    parser.set_defaults(func=_cmd_update)
