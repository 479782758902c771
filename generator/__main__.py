"""Command line: ``python -m generator <command> [vendor]``."""

from __future__ import annotations

import argparse
import sys

from . import update
from .build import SpecBuildError, build_spec, curated_text
from .docs import cli as docs_cli
from .generate import GenerationError, check_generated, generate
from .lint import LinterMissing
from .specdiff import cli as diff_cli
from .vendors import VENDORS, WEBHOOKS, get_vendor
from .webhook_models import check_generated_webhooks, generate_webhooks
from .webhook_spec import build_webhook_schemas, stale_webhook_schemas


def _vendors(name: str | None) -> list[str]:
    return [name] if name else sorted(VENDORS)


def _cmd_spec(args: argparse.Namespace) -> int:
    for name in _vendors(args.vendor):
        vendor = get_vendor(name)
        result = build_spec(vendor, lint=not args.no_lint, write=True)
        print(
            f"{name}: {result.operations} operations, {result.schemas} schemas, "
            f"{len(result.reports)} fixes applied -> spec/{name}/openapi.yaml"
        )
        for lint in result.lint:
            print(f"  {lint.summary()}")
        if name in WEBHOOKS:
            hooks = build_webhook_schemas(WEBHOOKS[name], write=True)
            print(
                f"{name} webhooks: {hooks.definitions} definitions, {len(hooks.reports)} fixes applied, "
                f"{hooks.examples} examples checked -> spec/{name}/webhooks/: " + ", ".join(sorted(hooks.documents))
            )
    return 0


def _cmd_check_spec(args: argparse.Namespace) -> int:
    status = 0
    for name in _vendors(args.vendor):
        vendor = get_vendor(name)
        committed = vendor.curated.read_text(encoding="utf-8") if vendor.curated.exists() else ""
        result = build_spec(vendor, lint=True, write=False)
        if curated_text(result.document) != committed:
            print(f"{name}: spec/{name}/openapi.yaml is stale; run `make spec` and commit it", file=sys.stderr)
            status = 1
        else:
            print(f"{name}: openapi.yaml is up to date; " + "; ".join(r.summary() for r in result.lint))
        if name in WEBHOOKS:
            hooks, stale = stale_webhook_schemas(WEBHOOKS[name])
            for path in stale:
                print(f"{name}: {path} is stale; run `make spec` and commit it", file=sys.stderr)
                status = 1
            if not stale:
                print(
                    f"{name} webhooks: {', '.join(sorted(hooks.documents))} are up to date; "
                    f"{hooks.examples} examples valid"
                )
    return status


def _cmd_generate(args: argparse.Namespace) -> int:
    for name in _vendors(args.vendor):
        path = generate(get_vendor(name))
        print(f"{name}: generated {path.relative_to(path.parent.parent)}")
        if name in WEBHOOKS:
            path = generate_webhooks(WEBHOOKS[name])
            print(f"{name} webhooks: generated {path.relative_to(path.parent.parent)}")
    return 0


def _cmd_check_generated(args: argparse.Namespace) -> int:
    status = 0
    for name in _vendors(args.vendor):
        vendor = get_vendor(name)
        problems = check_generated(vendor)
        if problems:
            status = 1
            print(f"{name}: generated/{vendor.package} differs from a fresh generation:", file=sys.stderr)
            for problem in problems[:50]:
                print(f"  {problem}", file=sys.stderr)
            print("  run `make generate` and commit the result (never edit generated/ by hand)", file=sys.stderr)
        else:
            print(f"{name}: generated/{vendor.package} matches a fresh generation")
        if name in WEBHOOKS:
            hooks = WEBHOOKS[name]
            problems = check_generated_webhooks(hooks)
            if problems:
                status = 1
                print(f"{name}: generated/{hooks.package} differs from a fresh generation:", file=sys.stderr)
                for problem in problems[:50]:
                    print(f"  {problem}", file=sys.stderr)
                print("  run `make generate` and commit the result (never edit generated/ by hand)", file=sys.stderr)
            else:
                print(f"{name}: generated/{hooks.package} matches a fresh generation")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    spec = commands.add_parser(
        "spec", help="build spec/<vendor>/openapi.yaml (and webhook schemas) from upstream + fixes, validate, lint"
    )
    spec.add_argument("vendor", nargs="?")
    spec.add_argument("--no-lint", action="store_true", help="skip the npm linters")
    spec.set_defaults(func=_cmd_spec)
    check_spec = commands.add_parser(
        "check-spec", help="fail if the committed openapi.yaml or webhook schemas are stale, or not lint-clean"
    )
    check_spec.add_argument("vendor", nargs="?")
    check_spec.set_defaults(func=_cmd_check_spec)
    gen = commands.add_parser("generate", help="delete and regenerate generated/<package>")
    gen.add_argument("vendor", nargs="?")
    gen.set_defaults(func=_cmd_generate)
    check = commands.add_parser("check-generated", help="regenerate into a temporary folder and compare")
    check.add_argument("vendor", nargs="?")
    check.set_defaults(func=_cmd_check_generated)
    diff_cli.add_commands(commands)
    docs_cli.add_commands(commands)
    update.add_commands(commands)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (SpecBuildError, GenerationError, LinterMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
