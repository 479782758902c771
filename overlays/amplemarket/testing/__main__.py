"""``python -m amplemarket.testing serve [--port N] [--seed S] [--time-scale X] [--fault-rate R]``."""

from __future__ import annotations

import argparse
import sys

from apicore.simulation import FAULT_KINDS

from . import Simulator, make_server

DESCRIPTION = """\
Serve the Amplemarket simulator on 127.0.0.1 until interrupted.

GET /_simulator/stats answers (no API key needed, never counted, faulted or rate-limited) with
JSON: requests per operationId, statuses, jobs created per kind and in total, credits used per
credit type and faults injected per kind.  Every answer carries an X-Request-Id header.
"""


def _kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in text.split(",") if kind.strip())
    unknown = sorted(set(kinds) - set(FAULT_KINDS))
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"choose from {','.join(FAULT_KINDS)}; got {text!r}")
    return kinds


def _rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"a rate between 0 and 1, not {text!r}")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m amplemarket.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the simulator on loopback until interrupted",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0 picks a free one)")
    serve.add_argument("--seed", type=int, default=42, help="seeds the people, the request ids and the faults")
    serve.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per real second")
    serve.add_argument("--job-seconds", type=float, default=5.0, help="simulated seconds a job takes")
    serve.add_argument("--api-key", default=None, help="the key clients must send (default: the simulator's)")
    faults = serve.add_argument_group(
        "random faults",
        "At --fault-rate R each request (never /_simulator/*) is faulted with probability R, the kind\n"
        "drawn with an RNG seeded by --seed: the same requests in the same order meet the same faults.\n"
        "A 500, a 429 (Retry-After: 1) or a dropped connection happens before the request is processed\n"
        "(nothing is created or charged); a slow answer is processed, then sent --fault-delay seconds late.",
    )
    faults.add_argument("--fault-rate", type=_rate, default=0.0, metavar="R", help="0 (default) to 1")
    faults.add_argument(
        "--fault-kinds",
        type=_kinds,
        default=FAULT_KINDS,
        metavar="KINDS",
        help=f"comma-separated, from {','.join(FAULT_KINDS)} (default: all)",
    )
    faults.add_argument("--fault-delay", type=float, default=1.0, metavar="SECONDS", help="how late a slow answer is")
    args = parser.parse_args(argv)
    options = {"seed": args.seed, "time_scale": args.time_scale, "job_seconds": args.job_seconds}
    if args.api_key:
        options["api_key"] = args.api_key
    simulator = Simulator(**options)
    if args.fault_rate:
        simulator.faults.at_rate(args.fault_rate, seed=args.seed, kinds=args.fault_kinds, delay=args.fault_delay)
    server = make_server(simulator, "127.0.0.1", args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Amplemarket simulator on {url} (api key: {simulator.api_key})", flush=True)
    print(f"stats: {url}/_simulator/stats", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
