"""Rules of the house that a test can hold: dependency direction, headers, set-up commands."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {
    "amplemarket",
    "amplemarket_api",
    "amplemarket_webhooks",
    "apollo",
    "apollo_api",
    "apicore",
    "generator",
    "overlays",
    "tests",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize(
    ("folder", "allowed"),
    [
        ("generated", set()),  # generated code imports nothing of ours (relative imports only)
        ("generator", {"generator"}),  # spec tooling imports neither generated nor overlays
        ("overlays/apicore", {"apicore"}),  # the shared core knows no vendor and no generated package
        # a vendor: the core and its own generated packages, never another vendor's
        ("overlays/amplemarket", {"amplemarket", "amplemarket_api", "amplemarket_webhooks", "apicore"}),
        ("overlays/apollo", {"apollo", "apollo_api", "apicore"}),
    ],
)
def test_dependencies_point_one_way(folder: str, allowed: set[str]) -> None:
    files = _python_files(folder)
    assert files, f"{folder}/ has no Python files"
    for path in files:
        relative = path.relative_to(ROOT / folder).parts
        own_package = relative[0] if len(relative) > 1 else ""
        wrong = (_imports(path) & OURS) - allowed - {own_package}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_no_absolute_machine_paths_in_the_repository() -> None:
    pattern = re.compile(r"/(?:work|home|root|Users|tmp)/[\w.-]+/")
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and not _ignored(p)]
    offenders = [
        str(p.relative_to(ROOT))
        for p in tracked
        if p.suffix in {".py", ".yaml", ".yml", ".md", ".json", ".toml", ".jinja", ""}
        and pattern.search(p.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert not offenders, f"absolute paths in: {offenders}"


def _ignored(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return bool({".git", ".venv", "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache"} & set(parts)) or (
        "__pycache__" in parts
    )


def test_readme_leads_with_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no command block"
    first = [line.split("#")[0].strip() for line in blocks[0].splitlines() if line.split("#")[0].strip()]
    assert len(first) == 2, f"the first command block must hold exactly the two set-up commands, got {first}"
    test_command = first[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci, f".ci/run must call the README's test command {test_command!r}"


def test_record_live_without_a_key_refuses_and_sends_nothing() -> None:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in {"AMPLEMARKET_API_KEY", "CI"}}
    completed = subprocess.run(
        ["make", "-s", "record-live"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert "AMPLEMARKET_API_KEY is not set; nothing was sent" in completed.stderr
    assert "pytest" not in completed.stdout
