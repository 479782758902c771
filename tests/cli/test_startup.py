"""``amplemarket --help`` starts on argparse alone: the client (httpx), rich and the simulator are imported
when a command runs.  Checked on ``sys.modules`` of a fresh interpreter; the start time itself is a
benchmark row (``make bench``: ``startup: amplemarket --help``, target < 300 ms)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Imported by ``--help`` only at a cost: httpx (which imports rich and click itself), rich, the client
#: machinery, the generated package and the simulator.
HEAVY = ("httpx", "rich", "click", "attrs", "asyncio", "apicore", "amplemarket_api", "amplemarket.testing")
HEAVY_OURS = ("amplemarket._client", "amplemarket._async_client", "amplemarket.errors", "amplemarket.cli._jobs")


def _modules_after_cli(*argv: str) -> tuple[set[str], str]:
    program = (
        "import json, sys\n"
        "from amplemarket.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stderr.splitlines()[-1])), done.stdout


@pytest.mark.parametrize("argv", [["--help"], ["enrich", "--help"], ["exclusions", "add", "--help"], []])
def test_help_imports_neither_rich_nor_httpx_nor_the_client(argv: list[str]) -> None:
    modules, _ = _modules_after_cli(*argv)
    loaded = {name for name in modules if name.split(".")[0] in HEAVY or name in HEAVY_OURS}
    loaded |= {name for name in modules if any(name.startswith(f"{heavy}.") for heavy in HEAVY)}
    assert not loaded


def test_help_still_lists_every_command() -> None:
    _, out = _modules_after_cli("--help")
    for command in ("enrich", "validate-emails", "search", "lead-lists", "sequences", "exclusions", "account"):
        assert command in out


def test_a_command_imports_what_it_needs() -> None:
    modules, _ = _modules_after_cli("account", "--simulate", "--json")
    assert {"httpx", "amplemarket._client", "amplemarket.errors", "amplemarket.testing"} <= modules
