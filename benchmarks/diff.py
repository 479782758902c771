"""How long ``python -m generator diff`` takes.

Two figures: the curated Amplemarket spec against itself with one change (the
common pull-request case), and a synthetic spec of 2,000 operations against a
revision with a few hundred changes of every family.  Parsing is timed apart
from diffing.  Run with ``make bench-diff`` (or ``python -m benchmarks.diff``);
``--json PATH`` also writes the figures.  ``rows(quick)`` gives them in the shape the whole suite
(``python -m benchmarks``) prints.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator._yamlio import dump_yaml
from generator.specdiff import Change, Spec, diff_specs, load_spec_text
from generator.specdiff.engine import METHODS

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "spec" / "amplemarket" / "openapi.yaml"


def synthetic(operations: int = 2000, schemas: int = 200) -> dict[str, Any]:
    """A spec shaped like a real one: shared component schemas with nested references, parameters, bodies."""
    components: dict[str, Any] = {}
    for index in range(schemas):
        properties: dict[str, Any] = {
            "id": {"type": "string"},
            "name": {"type": "string", "nullable": True},
            "count": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "state": {"type": "string", "enum": ["active", "paused", "archived"]},
            "tags": {"type": "array", "items": {"type": "string"}},
        }
        # Each thing links to its parent (a tree of depth 8) and lists children of its own kind (a cycle).
        properties["children"] = {"type": "array", "items": {"$ref": f"#/components/schemas/Thing{index}"}}
        if index:
            properties["parent"] = {"$ref": f"#/components/schemas/Thing{(index - 1) // 2}"}
        components[f"Thing{index}"] = {"type": "object", "required": ["id", "state"], "properties": properties}
    paths: dict[str, Any] = {}
    for index in range(operations // 2):
        schema = {"$ref": f"#/components/schemas/Thing{index % schemas}"}
        ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
        paths[f"/things{index}/{{id}}"] = {
            "get": {
                "operationId": f"get_thing_{index}",
                "tags": [f"Group{index % 20}"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "expand", "in": "query", "schema": {"type": "string", "enum": ["parent", "children"]}},
                ],
                "responses": {"200": ok, "404": {"description": "missing"}},
            },
            "post": {
                "operationId": f"update_thing_{index}",
                "tags": [f"Group{index % 20}"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                "responses": {"200": ok, "422": {"description": "invalid"}},
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "paths": paths,
        "components": {"schemas": components},
    }


EDITS = 20 + 10 + 10 + 60 + 40 + 30 + 20 + 40


def revise(document: dict[str, Any], seed: int = 11) -> dict[str, Any]:
    """``EDITS`` (a few hundred) edits spread over the rule families; shared schemas make each one count per use."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    revised = copy.deepcopy(document)
    schemas = revised["components"]["schemas"]
    names = sorted(schemas)
    for name in rng.sample(names, 20):
        schemas[name]["properties"]["state"]["enum"].append("deleted")
    for name in rng.sample(names, 10):
        del schemas[name]["properties"]["count"]
    for name in rng.sample(names, 10):
        schemas[name]["properties"]["name"].pop("nullable")
    paths = revised["paths"]
    keys = sorted(paths)
    for path in rng.sample(keys, 60):
        paths[path]["get"]["parameters"].append({"name": "limit", "in": "query", "schema": {"type": "integer"}})
    for path in rng.sample(keys, 40):
        paths[path]["post"]["operationId"] += "_v2"
    for path in rng.sample(keys, 30):
        paths[path]["get"]["responses"].pop("404")
    for path in rng.sample(keys, 20):
        del paths[path]
    for index in range(40):
        paths[f"/new{index}"] = copy.deepcopy(document["paths"][keys[index]])
    return revised


def _best(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(repeat: int = 5) -> list[dict[str, Any]]:
    text = CURATED.read_text(encoding="utf-8")
    one_change = text.replace("operationId: single_person_enrichment", "operationId: find_person", 1)
    synthetic_old = dump_yaml(synthetic())
    synthetic_new = dump_yaml(revise(synthetic()))
    rows = []
    for label, edits, old_text, new_text in (
        ("curated spec vs itself + 1 change", 1, text, one_change),
        ("synthetic 2,000 operations, revised", EDITS, synthetic_old, synthetic_new),
    ):

        def load(o: str = old_text, n: str = new_text) -> tuple[Spec, Spec]:
            return load_spec_text(o, name="old"), load_spec_text(n, name="new")

        load_time, specs = _best(load, repeat)

        def run(pair: tuple[Spec, Spec] = specs) -> list[Change]:
            return diff_specs(*pair)

        diff_time, changes = _best(run, repeat)
        old_spec = specs[0]
        ops = sum(1 for item in old_spec.document["paths"].values() for key in item if key in METHODS)
        rows.append(
            {
                "case": label,
                "operations": ops,
                "edits": edits,
                "changes": len(changes),
                "by_level": dict(Counter(c.level for c in changes)),
                "parse_s": round(load_time, 3),
                "diff_s": round(diff_time, 3),
                "total_s": round(load_time + diff_time, 3),
            }
        )
    return rows


def rows(quick: bool = False) -> list[dict[str, Any]]:
    """The figures as rows in the shape every benchmark module returns (see ``benchmarks/_common.py``).

    ``measure`` keeps its own shape for ``main()`` and ``make bench-diff``; ``--quick`` times each step once.
    """
    repeat = 1 if quick else 5
    how = f"median of {repeat} run(s)" if repeat > 1 else "one run"
    found: list[dict[str, Any]] = []
    for case in measure(repeat):
        levels = ", ".join(f"{level} {count}" for level, count in sorted(case["by_level"].items()))
        detail = f"{case['operations']:,} operations, {case['edits']} edit(s), {case['changes']:,} changes ({levels})"
        for key, figure in (("parse_s", "parse both specs (s)"), ("diff_s", "diff (s)")):
            found.append(
                {
                    "name": f"diff: {case['case']}",
                    "figure": figure,
                    "value": case[key],
                    "target": None,
                    "met": None,
                    "detail": f"{detail}; {how}",
                }
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    rows = measure(args.repeat)
    print(f"diff benchmark on {platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    print(f"{'case':<40} {'ops':>6} {'edits':>6} {'changes':>8} {'parse s':>8} {'diff s':>8} {'total s':>8}")
    for row in rows:
        print(
            f"{row['case']:<40} {row['operations']:>6} {row['edits']:>6} {row['changes']:>8} {row['parse_s']:>8.3f} "
            f"{row['diff_s']:>8.3f} {row['total_s']:>8.3f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
