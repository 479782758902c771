"""Fuzz each vendor's simulator with schemathesis, against the curated spec it claims to implement.

    .venv/bin/python tools/fuzz.py [--vendor V] [--max-examples N] [--seed S] [--phases P] [-- SCHEMATHESIS_ARGS...]

``make fuzz`` runs it (``FUZZ_EXAMPLES``, ``FUZZ_SEED``, ``FUZZ_ARGS``). For each vendor (every
``spec/<vendor>/openapi.yaml`` with a simulator below, or only ``--vendor``) it:

1. starts the vendor's simulator (``<vendor>.testing.Simulator``) on a free port of 127.0.0.1, in a
   thread of this process;
2. runs ``schemathesis run spec/<vendor>/openapi.yaml --url <simulator>`` in a subprocess: every
   check and every phase, the key sent the way the spec's security scheme says, a fixed seed, no
   example database, one worker (two share Hypothesis state unsafely: "AST constructor recursion
   depth mismatch"), and any request that would leave loopback sent to a dead proxy instead.
   Identifiers the simulator holds (people, companies, contacts, active sequences, scheduled tasks:
   ``known_values``) replace the generated value half of the time, so the operations that look
   something up get past 404 to the code behind it;
3. stops the simulator and prints one line: operations tested, test cases, failures, and any failure
   ``tools/fuzz_hooks.py`` dropped as documented behaviour.

Exit status: 0 when schemathesis found nothing on every vendor, 1 when it found a failure (or
could not run), 2 on bad input. Schemathesis' own report (each failure with a ``curl`` line that
reproduces it) is printed as it runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from apicore.simulation import SimulatorBase

ROOT = Path(__file__).resolve().parents[1]
HOOKS = Path(__file__).resolve().with_name("fuzz_hooks.py")

#: The simulator class of each vendor, by module: ``<module>.Simulator``.
SIMULATORS = {"amplemarket": "amplemarket.testing", "apollo": "apollo.testing"}

DEFAULT_EXAMPLES = 20
DEFAULT_SEED = 20261130
#: How often a parameter with known values takes one of them instead of a generated value.
KNOWN_VALUE_PROBABILITY = 0.5
PHASES = ("examples", "coverage", "fuzzing", "stateful")

#: Sent as HTTP(S)_PROXY: a request for anything but loopback fails at once instead of leaving the machine.
DEAD_PROXY = "http://127.0.0.1:9"
LOOPBACK = "127.0.0.1,localhost,::1"


@dataclass(frozen=True)
class Outcome:
    """One vendor's run: schemathesis' exit status, its JSON report (if written) and the wall time."""

    vendor: str
    status: int
    report: Mapping[str, Any] | None
    seconds: float

    @property
    def passed(self) -> bool:
        return self.status == 0

    def summary(self) -> str:
        head = f"fuzz {self.vendor}: "
        if self.report is None:
            return f"{head}schemathesis exited {self.status} without a report ({self.seconds:.1f} s)"
        operations = self.report.get("operations", {})
        cases = self.report.get("test_cases", {})
        failures = sum(int(failure.get("count", 0)) for failure in self.report.get("failures", []))
        errors = len(self.report.get("errors", []))
        parts = [
            f"{operations.get('tested', 0)}/{operations.get('selected', 0)} operations tested",
            f"{cases.get('generated', 0)} test cases",
            _count(failures, "failure"),
        ]
        if errors:
            parts.append(_count(errors, "error"))
        if self.report.get("filtered"):
            parts.append(f"{self.report['filtered']} dropped as documented rejections (tools/fuzz_hooks.py)")
        verdict = "ok" if self.passed else f"FAILED (exit {self.status})"
        return f"{head}{verdict}: {', '.join(parts)} in {self.seconds:.1f} s"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def spec_path(vendor: str) -> Path:
    return ROOT / "spec" / vendor / "openapi.yaml"


def make_simulator(vendor: str) -> SimulatorBase:
    """The vendor's simulator, rate limits off.

    The simulators enforce the vendors' per-minute limits; a fuzzer sends hundreds of requests a
    minute, so nearly every answer would be a 429 and nothing behind the limiter would be reached.
    The limiter has tests of its own.
    """
    module = importlib.import_module(SIMULATORS[vendor])
    simulator: SimulatorBase = module.Simulator(rate_limits=False)
    return simulator


def auth_header(spec: Mapping[str, Any], key: str) -> tuple[str, str]:
    """The header that carries ``key``, as the spec's global security requirement says to send it."""
    schemes: Mapping[str, Any] = spec.get("components", {}).get("securitySchemes", {})
    for requirement in spec.get("security") or []:
        for name in requirement:
            scheme = schemes.get(name, {})
            if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                return "Authorization", f"Bearer {key}"
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                return str(scheme["name"]), key
    raise ValueError("the spec has no bearer or header API-key security requirement to send the key with")


#: operationId -> {"<location>.<parameter>": values}
KnownValues = dict[str, dict[str, list[str]]]


def _get(url: str, header: tuple[str, str], path: str, params: Mapping[str, str] | None = None) -> Any:
    response = httpx.get(url + path, params=params, headers=dict([header]), timeout=10, trust_env=False)
    response.raise_for_status()
    return response.json()


def _amplemarket_values(simulator: Any, url: str, header: tuple[str, str]) -> KnownValues:
    people = simulator.people
    contacts = range(10)  # the simulator's contacts are its first 50 people
    spread = [index * 997 for index in range(10)]
    users = [user["id"] for user in _get(url, header, "/users").get("users", [])]
    tasks = [
        task["id"]
        for user in users[:3]
        for task in _get(url, header, "/tasks", {"user_id": user}).get("tasks", [])
        if task.get("status") == "scheduled"
    ][:20]
    sequences = _get(url, header, "/sequences", {"status": "active"}).get("sequences", [])
    return {
        "get_contact": {"path.id": [people.person(index)["id"] for index in contacts]},
        "get_contact_by_email": {"path.email": [people.email_of(index) for index in contacts]},
        "single_person_enrichment": {
            "query.email": [people.email_of(index) for index in spread],
            "query.linkedin_url": [people.linkedin_of(index) for index in spread],
        },
        "single_company_enrichment": {
            "query.domain": [people.company_domain(index) for index in range(10)],
            "query.linkedin_url": [people.company(index)["linkedin_url"] for index in range(10)],
        },
        "add_leads": {"path.id": [sequence["id"] for sequence in sequences]},
        "skip_task": {"path.id": tasks},
        "complete_task": {"path.id": tasks},
    }


def _apollo_values(simulator: Any, url: str, header: tuple[str, str]) -> KnownValues:
    people = simulator.people
    spread = [index * 97 for index in range(10)]
    return {
        "people_match": {
            "query.email": [people.email_of(index) for index in spread],
            "query.linkedin_url": [people.linkedin_of(index) for index in spread],
            "query.id": [people.id_of(index) for index in spread],
        },
    }


KNOWN_VALUES = {"amplemarket": _amplemarket_values, "apollo": _apollo_values}


def known_values(vendor: str, simulator: SimulatorBase, url: str, header: tuple[str, str]) -> KnownValues:
    """Identifiers the served simulator holds, for the operations that look them up.

    When they cannot be read (the simulator answers off-spec), the run goes on without them: the
    fuzzer reports the simulator's fault itself.
    """
    try:
        found = KNOWN_VALUES[vendor](simulator, url, header) if vendor in KNOWN_VALUES else {}
    except (httpx.HTTPError, KeyError, TypeError, ValueError, AttributeError) as exc:
        print(f"fuzz {vendor}: no known values, generated ones only ({type(exc).__name__}: {exc})", file=sys.stderr)
        return {}
    return {operation: {key: values for key, values in keys.items() if values} for operation, keys in found.items()}


def schemathesis_config(values: KnownValues) -> str:
    """A ``schemathesis.toml`` that binds each known parameter to a dictionary of its values."""
    lines: list[str] = []
    for operation, keys in sorted(values.items()):
        bindings = []
        for key, entries in sorted(keys.items()):
            name = f"{operation}-{key.replace('.', '-')}"
            lines += [f"[dictionaries.{json.dumps(name)}]", f"values = {json.dumps(entries)}", ""]
            bindings.append(
                f"{json.dumps(key)} = {{ dictionary = {json.dumps(name)}, probability = {KNOWN_VALUE_PROBABILITY} }}"
            )
        if bindings:
            lines += ["[[operations]]", f"include-operation-id = {json.dumps(operation)}"]
            lines += [f"parameters = {{ {', '.join(bindings)} }}", ""]
    return "\n".join(lines)


def schemathesis_command(
    spec: Path,
    url: str,
    header: tuple[str, str],
    *,
    max_examples: int,
    seed: int,
    phases: Sequence[str],
    report: Path,
    config: Path,
    extra: Sequence[str] = (),
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        str(spec),
        "--url",
        url,
        "--header",
        f"{header[0]}: {header[1]}",
        "--checks",
        "all",
        "--phases",
        ",".join(phases),
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "10",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *extra,
    ]


def schemathesis_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SCHEMATHESIS_HOOKS"] = str(HOOKS)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[name] = DEAD_PROXY
    env["NO_PROXY"] = env["no_proxy"] = LOOPBACK
    return env


def fuzz(
    vendor: str,
    *,
    simulator: SimulatorBase | None = None,
    max_examples: int = DEFAULT_EXAMPLES,
    seed: int = DEFAULT_SEED,
    phases: Sequence[str] = PHASES,
    extra: Sequence[str] = (),
    timeout: float | None = None,
) -> Outcome:
    """Run schemathesis against ``vendor``'s simulator (or ``simulator``) served on loopback."""
    spec = spec_path(vendor)
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    simulator = simulator if simulator is not None else make_simulator(vendor)
    header = auth_header(document, simulator.api_key)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch, simulator.serve() as url:
        report_path = Path(scratch) / "report.json"
        config_path = Path(scratch) / "schemathesis.toml"
        config_path.write_text(schemathesis_config(known_values(vendor, simulator, url, header)), encoding="utf-8")
        command = schemathesis_command(
            spec,
            url,
            header,
            max_examples=max_examples,
            seed=seed,
            phases=phases,
            report=report_path,
            config=config_path,
            extra=extra,
        )
        try:
            status = subprocess.run(
                command, cwd=scratch, env=schemathesis_env(), timeout=timeout, check=False
            ).returncode
        except subprocess.TimeoutExpired:
            print(f"fuzz {vendor}: schemathesis did not finish in {timeout} s", file=sys.stderr)
            status = 1
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else None
    return Outcome(vendor, status, report, time.monotonic() - started)


def _phases(value: str) -> list[str]:
    chosen = [phase.strip() for phase in value.split(",") if phase.strip()]
    unknown = sorted(set(chosen) - set(PHASES))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"phases are a comma-separated subset of {','.join(PHASES)}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/fuzz.py",
        description="Fuzz the simulators with schemathesis against the curated specs.",
        epilog="Arguments after -- go to `schemathesis run` as they are.",
    )
    parser.add_argument("--vendor", choices=sorted(SIMULATORS), help="one vendor (default: every vendor)")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_EXAMPLES, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="schemathesis' random seed")
    parser.add_argument("--phases", type=_phases, default=list(PHASES), help="comma-separated (default: all)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one vendor's run may take")
    parser.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.max_examples < 1:
        parser.error("--max-examples must be at least 1")
    vendors = [args.vendor] if args.vendor else sorted(SIMULATORS)
    outcomes = []
    for vendor in vendors:
        outcome = fuzz(
            vendor,
            max_examples=args.max_examples,
            seed=args.seed,
            phases=args.phases,
            extra=args.extra,
            timeout=args.timeout,
        )
        outcomes.append(outcome)
        print(outcome.summary(), flush=True)
    if len(outcomes) > 1:
        for outcome in outcomes:
            print(outcome.summary())
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
