"""``make update-spec DOCS=...`` end to end, in a scratch copy of the project so the real spec is untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator._yamlio import load_document

ROOT = Path(__file__).resolve().parents[2]
DOCS = Path(__file__).parent / "docs_fixtures" / "site"
COPIED = ("Makefile", "pyproject.toml", "package.json", "package-lock.json", ".spectral.yaml", "redocly.yaml")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the pipeline reads and writes; the installed tools are linked, not copied."""
    root = tmp_path_factory.mktemp("project")
    for name in COPIED:
        shutil.copy2(ROOT / name, root / name)
    for name in ("generator", "spec", "generated"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".venv", "node_modules"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    return root


def _make(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -o: the tools are installed already; never let make reinstall them into the linked folders.
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed", *args]
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    return subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, timeout=600, check=False)


@pytest.fixture(scope="module")
def updated(scratch: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    return scratch, _make(scratch, "update-spec", f"DOCS={DOCS}")


def test_pipeline_runs_and_prints_changelog_stale_fixes_and_conflicts(
    updated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, done = updated
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "harvested 3 operations" in out
    assert "## API changes: `previous spec/amplemarket/openapi.yaml` → `spec/amplemarket/openapi.yaml`" in out
    # The small documentation folder documents 3 of the 33 operations: 23 of the 26 paths disappear, and the
    # batch-enrichment path keeps its POST and GET but loses its PATCH (cancel); all of it breaking.
    assert out.count("removed without being deprecated first | `api-path-removed-without-deprecation` |") == 23
    assert "| `PATCH /people/enrichment-requests/{id}` | operation removed without being deprecated first |" in out
    assert "### Generated Python API" in out
    assert "removed function amplemarket_api.api.users.get_users.sync" in out
    stale = out[out.index("### Fixes that no longer apply") :]
    assert "- #24 `response-objects-open`:" in stale
    assert "linkedin_url or linkedin_id" in out[out.index("### Conflicts between documentation pages (2)") :]


def test_pipeline_rewrote_upstream_curated_and_generated(
    updated: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    root, done = updated
    assert done.returncode == 0, done.stderr
    upstream_text = (root / "spec/amplemarket/upstream.yaml").read_text(encoding="utf-8")
    assert upstream_text.startswith("# Harvested from ")
    upstream = load_document(root / "spec/amplemarket/upstream.yaml")
    assert sorted(upstream["paths"]) == [
        "/people/enrichment-requests",
        "/people/enrichment-requests/{id}",
        "/people/find",
    ]
    curated = root / "spec/amplemarket/openapi.yaml"
    assert sorted(load_document(curated)["paths"]) == sorted(upstream["paths"])
    manifest = json.loads((root / "generated/amplemarket_api/manifest.json").read_text(encoding="utf-8"))
    assert manifest["spec"]["sha256"] == hashlib.sha256(curated.read_bytes()).hexdigest()
    assert not (root / "generated/amplemarket_api/api/users").exists()
    # The project itself is untouched.
    assert not (ROOT / "spec/amplemarket/upstream.yaml").read_text(encoding="utf-8").startswith("# Harvested")


def test_unreadable_docs_stop_before_anything_is_written(tmp_path: Path, scratch: Path) -> None:
    fresh = tmp_path / "project"
    shutil.copytree(scratch, fresh, symlinks=True)
    before = (fresh / "spec/amplemarket/upstream.yaml").read_bytes()
    done = _make(fresh, "update-spec", f"DOCS={tmp_path / 'no-such-folder'}")
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "no-such-folder" in errors[0]
    assert (fresh / "spec/amplemarket/upstream.yaml").read_bytes() == before
