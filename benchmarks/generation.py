"""How long regenerating the client takes, and what ``import amplemarket`` costs a program.

Generation: ``generator.generate.generate_into(get_vendor("amplemarket"), tmpdir)``, the step behind
``make generate`` (loosened view of the curated spec, openapi-python-client with the custom templates,
ruff, headers, manifest), into a temporary folder so the committed ``generated/`` is never touched.
Each run is compared with the committed package, as ``make check-generated`` does.

Import: wall time of a fresh ``python -c "import amplemarket"`` minus a fresh ``python -c "pass"``
(the interpreter's own start), next to ``import httpx``, the one dependency every user pays anyway.
The three commands run in interleaved rounds; medians.  Bytecode is cached for everything (a
``PYTHONPYCACHEPREFIX`` in a temporary folder, filled by a first run), since that is what a user sees
from the second run on; the same figure as the current environment runs it (no bytecode written when
``PYTHONDONTWRITEBYTECODE`` is set) is reported beside it, and ``-X importtime`` says which packages
the time goes to.  No targets: these figures are for information.
"""

from __future__ import annotations

import os
import re
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

from ._common import Row, cli, info

__all__ = ["import_times", "importtime_breakdown", "main", "measure"]

STATEMENTS = {"python": "pass", "httpx": "import httpx", "amplemarket": "import amplemarket"}


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


def _run(statement: str, env: Mapping[str, str], cwd: str, *flags: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *flags, "-c", statement], env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"python -c {statement!r} failed: {done.stderr[-1000:]}")
    return elapsed, done.stderr


def import_times(env: Mapping[str, str], rounds: int, cwd: str) -> dict[str, float]:
    """Median wall seconds of each statement in ``STATEMENTS`` (fresh interpreters, interleaved)."""
    names = list(STATEMENTS)
    for name in names:  # the first run fills the bytecode cache, if one is written
        _run(STATEMENTS[name], env, cwd)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            samples[name].append(_run(STATEMENTS[name], env, cwd)[0])
    return {name: statistics.median(values) for name, values in samples.items()}


def importtime_breakdown(env: Mapping[str, str], cwd: str, top: int = 5) -> str:
    """``-X importtime`` of ``import amplemarket``: own time summed per top-level package, largest first."""
    _, stderr = _run(STATEMENTS["amplemarket"], env, cwd, "-X", "importtime")
    own: dict[str, int] = defaultdict(int)
    for line in stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if found:
            own[found.group(2).split(".")[0]] += int(found.group(1))
    total = sum(own.values()) or 1
    largest = sorted(own.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"{name} {us / 1000:.0f} ms ({100 * us / total:.0f}%)" for name, us in largest)


def measure(quick: bool = False) -> list[Row]:
    runs, rounds = (1, 3) if quick else (3, 5)
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
        warm = import_times(cached, rounds, cwd)
        breakdown = importtime_breakdown(cached, cwd)
        as_is = import_times(os.environ, rounds, cwd)
    ours, theirs = warm["amplemarket"] - warm["python"], warm["httpx"] - warm["python"]
    how = f"fresh interpreters, median of {rounds} interleaved rounds, bytecode cached"
    rows += [
        info(
            "import: httpx",
            "import time (ms)",
            1000 * theirs,
            f"{how}; `python -c pass` {1000 * warm['python']:.0f} ms",
        ),
        info("import: amplemarket", "import time (ms)", 1000 * ours, f"{how}; own time by package: {breakdown}"),
        info(
            "import: amplemarket vs httpx",
            "import amplemarket / import httpx (x)",
            ours / theirs,
            "amplemarket imports httpx itself, so at least 1x",
        ),
    ]
    writes = (
        "PYTHONDONTWRITEBYTECODE is set: the project's modules are compiled on every start"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else "bytecode written as usual"
    )
    rows.append(
        info(
            "import: amplemarket, environment as is",
            "import time (ms)",
            1000 * (as_is["amplemarket"] - as_is["python"]),
            f"{writes}; import httpx {1000 * (as_is['httpx'] - as_is['python']):.0f} ms the same way",
        )
    )
    return rows


def main() -> None:
    cli(measure, __doc__)


if __name__ == "__main__":
    main()
