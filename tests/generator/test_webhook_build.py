"""Building webhook JSON Schemas: split into files with cross-file refs; failures name the file, action or location."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import write_yaml
from generator.build import SpecBuildError
from generator.vendors import SchemaFile, WebhookSchemas
from generator.webhook_spec import build_webhook_schemas, schema_text, stale_webhook_schemas

UPSTREAM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "User": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"email": {"type": "string"}},
            "required": ["email"],
        },
        "Ping": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"kind": {"type": "string", "enum": ["ping"]}, "user": {"$ref": "#/$defs/User"}},
            "required": ["kind"],
        },
    },
}
FILES = (
    SchemaFile("common", "Shared", "Shared definitions.", ("User",)),
    SchemaFile("events", "Events", "The events.", ("Ping",)),
)


def _fix(action_id: str, **fields: Any) -> dict[str, Any]:
    return {"x-id": action_id, "description": "Docs: page.\nEvidence: e.\nDecision: d.", **fields}


def _spec(tmp_path: Path, *actions: dict[str, Any], upstream: Any = None, files: Any = FILES) -> WebhookSchemas:
    folder = tmp_path / "spec" / "mini" / "webhooks"
    write_yaml(folder / "upstream.yaml", copy.deepcopy(UPSTREAM) if upstream is None else upstream)
    overlay = {"overlay": "1.0.0", "info": {"title": "fixes", "version": "1"}, "actions": list(actions)}
    write_yaml(folder / "fixes.yaml", overlay)
    return WebhookSchemas(vendor="mini", package="mini_webhooks", files=files, root=tmp_path)


OPEN = _fix("open-enum", target="$['$defs'].Ping.properties.kind.enum", remove=True)


def test_a_good_build_splits_the_definitions_and_points_refs_across_files(tmp_path: Path) -> None:
    example = _fix("ping-example", target="$['$defs'].Ping", update={"examples": [{"kind": "pong"}]})
    spec = _spec(tmp_path, OPEN, example)
    result = build_webhook_schemas(spec, write=True)
    assert sorted(result.documents) == ["common.json", "events.json"]
    events = json.loads((spec.spec_dir / "events.json").read_text(encoding="utf-8"))
    assert events["$defs"]["Ping"]["properties"]["user"] == {"$ref": "common.json#/$defs/User"}
    assert events["$comment"].startswith("Built by `make spec`")
    assert result.examples == 1
    assert stale_webhook_schemas(spec)[1] == []


def test_a_stale_file_is_reported(tmp_path: Path) -> None:
    spec = _spec(tmp_path, OPEN)
    build_webhook_schemas(spec, write=True)
    (spec.spec_dir / "common.json").write_text("{}\n", encoding="utf-8")
    (spec.spec_dir / "events.json").unlink()
    assert stale_webhook_schemas(spec)[1] == [
        "spec/mini/webhooks/common.json",
        "spec/mini/webhooks/events.json (missing)",
    ]


def test_an_example_that_contradicts_its_schema_names_the_location_and_the_action(tmp_path: Path) -> None:
    example = _fix("ping-example", target="$['$defs'].Ping", update={"examples": [{"kind": "pong"}]})
    with pytest.raises(SpecBuildError) as info:
        build_webhook_schemas(_spec(tmp_path, example))
    message = str(info.value)
    assert "events.json#/$defs/Ping/examples/0 at $['kind']: 'pong' is not one of ['ping']" in message
    assert "changed by action #1 (ping-example)" in message


def test_a_fix_that_no_longer_applies_names_the_action(tmp_path: Path) -> None:
    gone = _fix("gone", target="$['$defs'].Pong", update={"description": "x"})
    with pytest.raises(SpecBuildError) as info:
        build_webhook_schemas(_spec(tmp_path, gone))
    assert "fixes.yaml: overlay action #1 (gone) target $['$defs'].Pong: the target matches nothing" in str(info.value)


def test_a_fix_without_evidence_is_refused(tmp_path: Path) -> None:
    bad = {"x-id": "no-why", "target": "$['$defs'].Ping", "description": "Docs: x", "update": {"title": "P"}}
    with pytest.raises(SpecBuildError, match=r"action #1 \(no-why\): the description must say Evidence:, Decision:"):
        build_webhook_schemas(_spec(tmp_path, bad))


def test_a_fix_that_makes_an_invalid_schema_names_the_location_and_the_action(tmp_path: Path) -> None:
    broken = _fix("bad-type", target="$['$defs'].User.properties.email", update={"type": "text"})
    with pytest.raises(SpecBuildError) as info:
        build_webhook_schemas(_spec(tmp_path, broken))
    message = str(info.value)
    assert "not a valid JSON Schema 2020-12 document" in message
    assert "$['$defs']['User']['properties']['email']['type']" in message
    assert "changed by action #1 (bad-type)" in message


def test_an_invalid_upstream_is_named(tmp_path: Path) -> None:
    upstream = copy.deepcopy(UPSTREAM)
    upstream["$defs"]["User"]["required"] = "email"
    with pytest.raises(SpecBuildError, match=r"spec/mini/webhooks/upstream.yaml is not a valid JSON Schema 2020-12"):
        build_webhook_schemas(_spec(tmp_path, OPEN, upstream=upstream))


def test_every_definition_must_have_exactly_one_file(tmp_path: Path) -> None:
    files = (SchemaFile("events", "Events", "The events.", ("Ping", "Missing")),)
    with pytest.raises(SpecBuildError) as info:
        build_webhook_schemas(_spec(tmp_path, OPEN, files=files))
    message = str(info.value)
    assert "events.json lists Missing, which the curated schema does not define" in message
    assert "$['$defs']['User'] belongs to no file" in message


def test_a_dangling_reference_is_named(tmp_path: Path) -> None:
    dangling = _fix("dangling", target="$['$defs'].Ping.properties", update={"team": {"$ref": "#/$defs/Team"}})
    with pytest.raises(SpecBuildError) as info:
        build_webhook_schemas(_spec(tmp_path, OPEN, dangling))
    assert "events.json#['$defs']['Ping']['properties']['team']: $ref '#/$defs/Team' points at nothing" in str(
        info.value
    )


def test_the_committed_form_is_stable_json(tmp_path: Path) -> None:
    spec = _spec(tmp_path, OPEN)
    first = build_webhook_schemas(spec).documents
    second = build_webhook_schemas(spec).documents
    assert [schema_text(d) for d in first.values()] == [schema_text(d) for d in second.values()]
    assert schema_text({"a": "é"}) == '{\n  "a": "é"\n}\n'
