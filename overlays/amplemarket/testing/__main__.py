"""``python -m amplemarket.testing serve [--port N] [--seed S] [--time-scale X]``."""

from __future__ import annotations

import argparse
import sys

from . import Simulator, make_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m amplemarket.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulator on loopback until interrupted")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0 picks a free one)")
    serve.add_argument("--seed", type=int, default=42)
    serve.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per real second")
    serve.add_argument("--job-seconds", type=float, default=5.0, help="simulated seconds a job takes")
    serve.add_argument("--api-key", default=None, help="the key clients must send (default: the simulator's)")
    args = parser.parse_args(argv)
    options = {"seed": args.seed, "time_scale": args.time_scale, "job_seconds": args.job_seconds}
    if args.api_key:
        options["api_key"] = args.api_key
    simulator = Simulator(**options)
    server = make_server(simulator, "127.0.0.1", args.port)
    print(
        f"Amplemarket simulator on http://127.0.0.1:{server.server_address[1]} (api key: {simulator.api_key})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
