"""The steps every generated package shares, whichever generator wrote it.

Run the pinned generator, tidy its output with ruff, stamp each module's header, add
``py.typed`` and a ``manifest.json`` (the hashes of every input and every file), then replace
the package at its destination.  ``differences`` compares a fresh generation with the
committed one for ``make check-generated``.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .vendors import PROJECT_ROOT

__all__ = ["GenerationError", "check_version", "differences", "finish", "rel", "run", "sha256", "tidy"]

MANIFEST_NOTE = "Generated; never edit by hand. `make generate` rebuilds it, `make check-generated` verifies it."


class GenerationError(RuntimeError):
    """Generation failed or its output differs from what is committed."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rel(path: Path, root: Path = PROJECT_ROOT) -> str:
    """``path`` relative to the project (just its name when it lies outside)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def check_version(distribution: str, pinned: str) -> None:
    try:
        installed = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        installed = "nothing"
    if installed != pinned:
        raise GenerationError(f"{distribution} {installed} is installed but {pinned} is pinned; run `make install`")


def run(command: list[str], cwd: Path) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    if completed.returncode != 0:
        raise GenerationError(f"{' '.join(command[:4])} failed:\n{completed.stdout}\n{completed.stderr}")


def tidy(package: Path) -> None:
    """Sorted imports, no unused ones, formatted at the project's line length (no project config read)."""
    ruff = [sys.executable, "-m", "ruff"]
    quiet = ["--quiet", "--no-cache", "--isolated"]
    # Run from the parent: inside the package its modules (types.py) would shadow the standard library's.
    run([*ruff, "check", *quiet, "--fix-only", "--select", "I,F401", str(package)], package.parent)
    run([*ruff, "format", *quiet, "--line-length", "120", str(package)], package.parent)


def finish(package: Path, destination: Path, inputs: Mapping[str, Any]) -> Path:
    """Add ``py.typed`` and the manifest to ``package`` (headers already stamped), then install it
    as ``destination/<name>``, replacing what was there; returns the installed folder."""
    (package / "py.typed").write_text("", encoding="utf-8")
    files = {p.relative_to(package).as_posix(): sha256(p) for p in sorted(package.rglob("*")) if p.is_file()}
    manifest = {"note": MANIFEST_NOTE, "package": package.name, **inputs, "files": files}
    (package / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    destination.mkdir(parents=True, exist_ok=True)
    final = destination / package.name
    if final.exists():
        shutil.rmtree(final)
    shutil.copytree(package, final)
    return final


def differences(expected: Path, actual: Path) -> list[str]:
    """Files missing, unexpected or different in ``actual`` compared with ``expected``."""

    def files(root: Path) -> set[str]:
        if not root.exists():
            return set()
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}

    want, have = files(expected), files(actual)
    problems = [f"missing: {name}" for name in sorted(want - have)]
    problems += [f"unexpected: {name}" for name in sorted(have - want)]
    same = {name for name in want & have if filecmp.cmp(expected / name, actual / name, shallow=False)}
    problems += [f"differs: {name}" for name in sorted(want & have - same)]
    return problems
