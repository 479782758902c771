"""How long regenerating the client takes, and what ``import amplemarket`` costs a program.

Generation: ``generator.generate.generate_into(get_vendor("amplemarket"), tmpdir)``, the step behind
``make generate`` (loosened view of the curated spec, openapi-python-client with the custom templates,
ruff, headers, manifest), into a temporary folder so the committed ``generated/`` is never touched.
Each run is compared with the committed package, as ``make check-generated`` does.

Import: the CPU time (user + system, from ``getrusage``; time a shared machine gives to its neighbours
is not counted) of a fresh ``python -c "import amplemarket"`` minus a fresh ``python -c "pass"`` (the
interpreter's own start), next to ``import httpx``, the one dependency every user pays anyway.
``import amplemarket`` exposes its names lazily (PEP 562), so the figure a program that uses the client
pays is ``from amplemarket import Amplemarket``: both are measured, both against the target
``<= 1.3x import httpx`` (issue 16).  The command line's start is ``amplemarket --help`` (the console
script beside this interpreter, else ``python -m amplemarket --help``), whole wall time, target < 300 ms.
All the commands run in interleaved rounds in fresh processes; medians.  Bytecode is cached for
everything (a ``PYTHONPYCACHEPREFIX`` in a temporary folder, filled by a first run), since that is what
a user sees from the second run on; the same import figure as the current environment runs it (no
bytecode written when ``PYTHONDONTWRITEBYTECODE`` is set) is reported beside it, and ``-X importtime``
says which packages the time goes to.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from generator.generate import generate_into
from generator.packaging import differences
from generator.vendors import get_vendor

from ._common import Row, at_most, cli, info, row

__all__ = ["HELP_TARGET_MS", "IMPORT_TARGET", "import_times", "importtime_breakdown", "main", "measure"]

STATEMENTS = {
    "python": "pass",
    "httpx": "import httpx",
    "amplemarket": "import amplemarket",
    "client": "from amplemarket import Amplemarket",
}
#: ``import amplemarket`` (and ``from amplemarket import Amplemarket``) / ``import httpx``, at most (issue 16).
IMPORT_TARGET = 1.3
#: ``amplemarket --help``, whole wall time in ms, less than (issue 16).
HELP_TARGET_MS = 300.0


def _help_command() -> list[str]:
    """``amplemarket --help``: the console script installed beside this interpreter, else ``-m amplemarket``."""
    script = Path(sys.executable).with_name("amplemarket")
    return [str(script), "--help"] if script.exists() else [sys.executable, "-m", "amplemarket", "--help"]


def _generate(runs: int) -> tuple[list[float], int, list[str]]:
    vendor = get_vendor("amplemarket")
    times: list[float] = []
    files, problems = 0, []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            package = generate_into(vendor, Path(tmp))
            times.append(time.perf_counter() - started)
            files = sum(1 for path in package.rglob("*.py"))
            problems = differences(package, vendor.generated_dir)
    return times, files, problems


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run_command(command: list[str], env: Mapping[str, str], cwd: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stderr)."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=dict(env), cwd=cwd, capture_output=True, text=True, check=False)
    elapsed, used = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-1000:]}")
    return elapsed, used, done.stderr


def _run(statement: str, env: Mapping[str, str], cwd: str, *flags: str) -> tuple[float, float, str]:
    return _run_command([sys.executable, *flags, "-c", statement], env, cwd)


def import_times(
    env: Mapping[str, str], rounds: int, cwd: str, *, with_help: bool = False
) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall seconds and median CPU seconds of each statement in ``STATEMENTS`` (fresh interpreters,
    interleaved), and of ``amplemarket --help`` under the name ``"help"`` when ``with_help``."""
    commands = {name: [sys.executable, "-c", statement] for name, statement in STATEMENTS.items()}
    if with_help:
        commands["help"] = _help_command()
    names = list(commands)
    for name in names:  # the first run fills the bytecode cache, if one is written
        _run_command(commands[name], env, cwd)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            elapsed, used, _ = _run_command(commands[name], env, cwd)
            wall[name].append(elapsed)
            cpu[name].append(used)
    median = statistics.median
    return {name: median(v) for name, v in wall.items()}, {name: median(v) for name, v in cpu.items()}


def importtime_breakdown(env: Mapping[str, str], cwd: str, top: int = 5) -> str:
    """``-X importtime`` of ``from amplemarket import Amplemarket``: own time summed per top-level package,
    largest first."""
    _, _, stderr = _run(STATEMENTS["client"], env, cwd, "-X", "importtime")
    own: dict[str, int] = defaultdict(int)
    for line in stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if found:
            own[found.group(2).split(".")[0]] += int(found.group(1))
    total = sum(own.values()) or 1
    largest = sorted(own.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"{name} {us / 1000:.0f} ms ({100 * us / total:.0f}%)" for name, us in largest)


def measure(quick: bool = False) -> list[Row]:
    runs, rounds = (1, 9) if quick else (3, 15)
    times, files, problems = _generate(runs)
    same = "identical to" if not problems else f"{len(problems)} difference(s) from"
    rows = [
        info(
            "generation: amplemarket",
            "generate_into (s)",
            statistics.median(times),
            f"median of {runs} run(s) ({', '.join(f'{t:.2f}' for t in times)} s); {files} modules, {same} "
            "the committed generated/amplemarket_api",
        )
    ]
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as cwd:
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        warm, cpu = import_times(cached, rounds, cwd, with_help=True)
        breakdown = importtime_breakdown(cached, cwd)
        as_is, _ = import_times(os.environ, rounds, cwd)
    theirs = cpu["httpx"] - cpu["python"]
    ours, client = cpu["amplemarket"] - cpu["python"], cpu["client"] - cpu["python"]
    how = f"CPU time of fresh interpreters, median of {rounds} interleaved rounds, bytecode cached"
    rows += [
        info(
            "import: httpx",
            "import time (ms)",
            1000 * theirs,
            f"{how}; `python -c pass` {1000 * cpu['python']:.0f} ms; wall time "
            f"{1000 * (warm['httpx'] - warm['python']):.0f} ms",
        ),
        info("import: amplemarket", "import time (ms)", 1000 * ours, how),
        at_most(
            "import: amplemarket vs httpx",
            "import amplemarket / import httpx (x)",
            ours / theirs,
            IMPORT_TARGET,
            "the package's names are imported on first use (PEP 562): httpx, the clients and the generated "
            "package are not imported yet",
            unit="x",
        ),
        at_most(
            "import: Amplemarket client vs httpx",
            "from amplemarket import Amplemarket / import httpx (x)",
            client / theirs,
            IMPORT_TARGET,
            f"{1000 * client:.0f} ms: what a program using the client pays (it imports httpx itself, so at least "
            "1x); generated models and endpoint modules are imported when an operation first needs them; own time "
            f"by package: {breakdown}",
            unit="x",
        ),
    ]
    help_ms = 1000 * warm["help"]
    rows.append(
        row(
            "startup: amplemarket --help",
            "wall time, interpreter start included (ms)",
            help_ms,
            f"< {HELP_TARGET_MS:g} ms",
            help_ms < HELP_TARGET_MS,
            f"`{' '.join(Path(part).name for part in _help_command())}`, fresh interpreters, median of {rounds} "
            f"interleaved rounds, bytecode cached; `python -c pass` {1000 * warm['python']:.0f} ms",
        )
    )
    writes = (
        "PYTHONDONTWRITEBYTECODE is set: the project's modules are compiled on every start"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else "bytecode written as usual"
    )
    rows.append(
        info(
            "import: Amplemarket client, environment as is",
            "from amplemarket import Amplemarket (ms)",
            1000 * (as_is["client"] - as_is["python"]),
            f"{writes}; import amplemarket {1000 * (as_is['amplemarket'] - as_is['python']):.0f} ms, "
            f"import httpx {1000 * (as_is['httpx'] - as_is['python']):.0f} ms the same way",
        )
    )
    return rows


def main() -> None:
    cli(measure, __doc__)


if __name__ == "__main__":
    main()
