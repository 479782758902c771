"""``python -m generator diff``: output formats, --fail-on, git refs, and one-line errors with exit status 2."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import dump_yaml, load_document
from generator.specdiff import diff_specs, load_spec, load_spec_text
from generator.specdiff.cli import run

CURATED = Path(__file__).resolve().parents[2] / "spec" / "amplemarket" / "openapi.yaml"

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Shop", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "operationId": "list_items",
                "tags": ["Items"],
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer"},
                    "state": {"type": "string", "enum": ["new", "old"]},
                },
            }
        }
    },
}


def _write(path: Path, document: dict[str, Any]) -> str:
    path.write_text(dump_yaml(document), encoding="utf-8")
    return str(path)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    """A base spec and a revision with one ERR, one WARN-free INFO and one client-aware INFO change."""
    revision = copy.deepcopy(BASE)
    item = revision["components"]["schemas"]["Item"]
    del item["properties"]["id"]  # required response property removed: ERR
    item["properties"]["state"]["enum"].append("archived")  # response enum value added: INFO (open enums)
    revision["paths"]["/items"]["get"]["parameters"].append(
        {"name": "page", "in": "query", "schema": {"type": "integer"}}
    )
    return _write(tmp_path / "base.yaml", BASE), _write(tmp_path / "revision.yaml", revision)


def test_text_lists_each_change_with_level_rule_and_operation(pair: tuple[str, str], capsys: Any) -> None:
    assert run([*pair]) == 0
    out = capsys.readouterr().out
    assert "3 changes: 1 ERR, 0 WARN, 2 INFO" in out
    assert re.search(r"ERR\s+response-required-property-removed\s+GET /items\s+response 200 body property id", out)
    assert re.search(r"INFO\s+response-property-enum-value-added\s+GET /items .*'archived' added", out)
    assert re.search(r"INFO\s+new-optional-request-parameter\s+GET /items\s+query parameter page", out)


def test_fail_on_sets_the_exit_status(pair: tuple[str, str], tmp_path: Path) -> None:
    assert run([*pair, "--fail-on", "ERR"]) == 1
    assert run([*pair, "--fail-on", "WARN"]) == 1
    only_info = copy.deepcopy(BASE)
    only_info["components"]["schemas"]["Item"]["properties"]["state"]["enum"].append("archived")
    info_path = _write(tmp_path / "info.yaml", only_info)
    assert run([pair[0], info_path, "--fail-on", "ERR"]) == 0
    assert run([pair[0], info_path, "--fail-on", "WARN"]) == 0
    warn = copy.deepcopy(BASE)
    del warn["components"]["schemas"]["Item"]["properties"]["state"]  # optional response property: WARN
    warn_path = _write(tmp_path / "warn.yaml", warn)
    assert run([pair[0], warn_path, "--fail-on", "ERR"]) == 0
    assert run([pair[0], warn_path, "--fail-on", "WARN"]) == 1


def test_markdown_is_a_changelog_with_breaking_changes_first(pair: tuple[str, str], tmp_path: Path) -> None:
    out = tmp_path / "changelog.md"
    assert run([*pair, "--format", "markdown", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## API changes")
    assert "**1** ERR · **0** WARN · **2** INFO" in text
    breaking = text.index("### Breaking changes (1)")
    assert breaking < text.index("<details><summary>Other changes (2)</summary>")
    assert "| `GET /items` | response 200 body property id: required property removed | " in text


def test_json_has_a_stable_fingerprint_per_change(pair: tuple[str, str], capsys: Any, tmp_path: Path) -> None:
    run([*pair, "--format", "json"])
    first = json.loads(capsys.readouterr().out)
    assert first["summary"] == {"ERR": 1, "WARN": 0, "INFO": 2}
    prints = [c["fingerprint"] for c in first["changes"]]
    assert all(re.fullmatch(r"[0-9a-f]{16}", p) for p in prints)
    assert len(set(prints)) == 3
    change = next(c for c in first["changes"] if c["id"] == "response-property-enum-value-added")
    assert change["direction"] == "response"
    assert change["params"]["value"] == "archived"
    # The same change between other copies of the specs keeps its fingerprint.
    again = [tmp_path / "again_base.yaml", tmp_path / "again_revision.yaml"]
    for source, target in zip(pair, again, strict=True):
        target.write_text(Path(source).read_text(encoding="utf-8"), encoding="utf-8")
    run([str(again[0]), str(again[1]), "--format", "json"])
    second = json.loads(capsys.readouterr().out)
    assert [c["fingerprint"] for c in second["changes"]] == prints


def test_github_annotations_point_at_the_line(pair: tuple[str, str], capsys: Any) -> None:
    run([*pair, "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    match = re.match(r"::error file=(?P<file>[^,]+),line=(?P<line>\d+),title=(?P<title>[^:]+)::(?P<msg>.+)", error)
    assert match, error
    assert match["file"].endswith("base.yaml")  # a removal points into the old spec
    assert match["title"] == "response-required-property-removed (GET /items)"
    line = Path(pair[0]).read_text(encoding="utf-8").splitlines()[int(match["line"]) - 1]
    assert line.strip() == "schema:"
    assert any(line.startswith("::notice ") for line in lines)
    assert lines[-1] == "3 changes: 1 ERR, 0 WARN, 2 INFO"


def test_json_and_openapi_31_inputs(tmp_path: Path) -> None:
    old = copy.deepcopy(BASE)
    old["openapi"] = "3.1.0"
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Item"]["properties"]["id"]["type"] = ["integer", "null"]
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    changes = diff_specs(load_spec(str(tmp_path / "old.json")), load_spec(_write(tmp_path / "new.yaml", new)))
    assert [(c.id, c.params["where"]) for c in changes] == [
        ("response-property-became-nullable", "response 200 body property id")
    ]


def test_curated_spec_against_itself_with_one_rename() -> None:
    text = CURATED.read_text(encoding="utf-8")
    renamed = text.replace("operationId: single_person_enrichment", "operationId: find_person", 1)
    assert renamed != text
    changes = diff_specs(load_spec_text(text, name="old"), load_spec_text(renamed, name="new"))
    assert [(c.id, c.level, c.operation) for c in changes] == [("api-operation-id-changed", "ERR", "GET /people/find")]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_git_refs_and_external_refs_read_from_the_commit(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    repo = tmp_path / "repo"
    (repo / "spec").mkdir(parents=True)
    main = copy.deepcopy(BASE)
    main["components"]["schemas"]["Item"] = {"$ref": "item.yaml"}
    _write(repo / "spec" / "api.yaml", main)
    _write(repo / "spec" / "item.yaml", BASE["components"]["schemas"]["Item"])
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    changed = copy.deepcopy(BASE["components"]["schemas"]["Item"])
    changed["properties"]["id"]["type"] = "string"
    _write(repo / "spec" / "item.yaml", changed)  # only the referenced file changes
    monkeypatch.chdir(repo)
    assert run(["HEAD:spec/api.yaml", "spec/api.yaml", "--fail-on", "ERR"]) == 1
    out = capsys.readouterr().out
    assert "response-property-type-changed" in out
    assert "from integer to string" in out
    assert "HEAD:spec/api.yaml -> spec/api.yaml" in out


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: ("missing.yaml", None), r"^error: missing\.yaml: file not found$"),
        (
            lambda d: (_text(d, "bad.yaml", "openapi: 3.0.3\npaths: [\n"), None),
            r"^error: .*bad\.yaml:3:1: not valid YAML",
        ),
        (lambda d: (_text(d, "bad.json", '{"openapi": "3.0.3",}'), None), r"^error: .*bad\.json:1:\d+: not valid JSON"),
        (
            lambda d: (_text(d, "v2.yaml", "swagger: '2.0'\n"), None),
            r"^error: .*v2\.yaml: #/openapi: only OpenAPI 3\.0",
        ),
        (
            lambda d: (_write(d / "ref.yaml", _broken_ref()), None),
            r"^error: .*ref\.yaml: \$ref '#/components/schemas/Gone' does not resolve .* at "
            r"#/paths/~1items/get/responses/200/content/application~1json/schema$",
        ),
        (
            lambda d: (_write(d / "ext.yaml", _broken_ref("other.yaml#/Item")), None),
            r"^error: .*ext\.yaml: \$ref .other\.yaml#/Item. does not resolve: .*other\.yaml: file not found "
            r"at #/paths",
        ),
        (lambda d: ("no-such-ref:spec/amplemarket/openapi.yaml", None), r"git ref 'no-such-ref' does not exist$"),
        (
            lambda d: ("HEAD:spec/none.yaml", None),
            r"^error: HEAD:spec/none\.yaml: no file 'spec/none\.yaml' in git ref",
        ),
    ],
    ids=["missing", "yaml", "json", "swagger2", "ref", "external-ref", "git-ref", "git-path"],
)
def test_bad_input_is_one_line_and_exit_status_2(
    make: Any, expected: str, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    source, _ = make(tmp_path)
    assert run([source, str(CURATED)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(expected, err.strip()), err


def _text(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _broken_ref(target: str = "#/components/schemas/Gone") -> dict[str, Any]:
    broken = copy.deepcopy(BASE)
    broken["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {"$ref": target}
    return broken


def test_list_rules_counts_every_rule(capsys: Any) -> None:
    from generator.specdiff import RULES

    assert run(["--list-rules"]) == 0
    out = capsys.readouterr().out
    assert all(f"`{rule_id}`" in out for rule_id in RULES)
    assert f"{len(RULES)} rules: ERR" in out


def test_loaded_yaml_is_the_same_as_the_projects_loader() -> None:
    assert load_spec(str(CURATED)).document == load_document(CURATED)


def test_the_committed_rule_table_is_current() -> None:
    from generator.specdiff.report import rules_table

    committed = CURATED.parents[2] / "docs" / "diff-rules.md"
    assert committed.read_text(encoding="utf-8") == rules_table(), (
        "run: python -m generator diff --list-rules > docs/diff-rules.md"
    )


def test_python_api_impact_through_the_command(pair: tuple[str, str], capsys: Any) -> None:
    assert run([*pair, "--python-api", "--vendor", "amplemarket", "--format", "markdown", "--fail-on", "ERR"]) == 1
    out = capsys.readouterr().out
    api = out[out.index("### Generated Python API") :]
    assert "**ERR** removed field amplemarket_api.models.item.Item.id" in api
    assert "**INFO** changed function amplemarket_api.api.items.list_items.sync" in api
    assert "new optional parameter page" in api


def test_python_api_needs_to_know_the_vendor(pair: tuple[str, str], capsys: Any) -> None:
    assert run([*pair, "--python-api"]) == 2
    assert "pass --vendor" in capsys.readouterr().err
