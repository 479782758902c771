"""Webhooks (payloads compared as responses), deprecation with ``x-sunset``, and the Python API escalation."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import dump_yaml
from generator.specdiff import RULES, Spec, diff_specs, load_spec_text
from generator.specdiff.cli import run
from generator.specdiff.engine import Differ
from generator.specdiff.rules import endpoints

# ----------------------------------------------------------------------------------------------------------------------
# Webhooks: what the API sends to the user's receiver is parsed like a response.

LEAD: dict[str, Any] = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "stage": {"type": "string", "enum": ["new", "won"]},
    },
}


def _webhook_spec(lead: dict[str, Any], *, via_path_item_ref: bool = False) -> Spec:
    operation = {
        "operationId": "leadCreated",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Lead"}}}},
        "responses": {"200": {"description": "Received"}},
    }
    components: dict[str, Any] = {"schemas": {"Lead": lead}}
    webhook: dict[str, Any] = {"post": operation}
    if via_path_item_ref:
        components["pathItems"] = {"LeadCreated": webhook}
        webhook = {"$ref": "#/components/pathItems/LeadCreated"}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {"leadCreated": webhook},
        "components": components,
    }
    return load_spec_text(json.dumps(document), name="hooks.yaml")


@pytest.mark.parametrize("via_path_item_ref", [False, True], ids=["inline", "components-pathItems-ref"])
def test_webhook_payload_changes_are_graded_as_responses(via_path_item_ref: bool) -> None:
    revised = copy.deepcopy(LEAD)
    del revised["properties"]["name"]  # a receiver's model loses an optional field: WARN, as in a response
    revised["properties"]["score"] = {"type": "integer"}
    revised["required"].append("score")  # the API now always sends it: INFO (for a request body it would be ERR)
    revised["properties"]["stage"]["enum"].remove("won")  # the API sends fewer values: INFO
    found = {
        (c.operation, c.id, c.level, c.message)
        for c in diff_specs(
            _webhook_spec(LEAD, via_path_item_ref=via_path_item_ref),
            _webhook_spec(revised, via_path_item_ref=via_path_item_ref),
        )
    }
    op = "WEBHOOK POST leadCreated"
    assert found == {
        (
            op,
            "response-optional-property-removed",
            "WARN",
            "webhook leadCreated payload property name: property removed",
        ),
        (
            op,
            "response-required-property-added",
            "INFO",
            "webhook leadCreated payload property score: required property added",
        ),
        (
            op,
            "response-property-enum-value-removed",
            "INFO",
            "webhook leadCreated payload property stage: enum value 'won' removed",
        ),
    }


def test_webhook_rules_are_about_what_a_receiver_parses() -> None:
    webhook_rules = {r.id: r for r in RULES.values() if r.family == "webhooks"}
    assert webhook_rules["webhook-removed"].level == "ERR"
    assert webhook_rules["webhook-added"].level == "INFO"
    assert all(r.direction in ("response", "none") for r in webhook_rules.values())


def test_a_30_document_without_webhooks_reports_none() -> None:
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec = load_spec_text(json.dumps(document))
    assert diff_specs(spec, spec) == []


# ----------------------------------------------------------------------------------------------------------------------
# Deprecation and x-sunset, against a fixed day.

TODAY = date(2026, 1, 1)


def _ops_spec(*, deprecated: bool = False, sunset: Any = None, removed: bool = False) -> Spec:
    gadgets: dict[str, Any] = {"operationId": "deleteWidgets", "responses": {"204": {"description": "gone"}}}
    if deprecated:
        gadgets["deprecated"] = True
    if sunset is not None:
        gadgets["x-sunset"] = sunset
    item: dict[str, Any] = {"get": {"operationId": "listWidgets", "responses": {"200": {"description": "OK"}}}}
    if not removed:
        item["delete"] = gadgets
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/widgets": item}}
    return load_spec_text(dump_yaml(document))


def _lifecycle(old: Spec, new: Spec) -> list[tuple[str, dict[str, Any]]]:
    differ = Differ(old, new, today=TODAY)
    old_ops, new_ops = differ.operations("old"), differ.operations("new")
    endpoints.check_presence(differ, old_ops, new_ops)
    for key, operation in new_ops.items():
        if key in old_ops:
            endpoints.check_operation(differ, old_ops[key], operation)
    return [(c.id, c.params) for c in differ.sorted_changes()]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (endpoints.MIN_SUNSET_DAYS, "endpoint-deprecated-with-sunset"),
        (endpoints.MIN_SUNSET_DAYS - 1, "api-sunset-date-too-small"),
    ],
)
def test_a_sunset_must_give_the_minimum_notice(days: int, expected: str) -> None:
    sunset = (TODAY + timedelta(days=days)).isoformat()
    assert [rule for rule, _ in _lifecycle(_ops_spec(), _ops_spec(deprecated=True, sunset=sunset))] == [expected]


@pytest.mark.parametrize("sunset", [date(2026, 12, 1), "2026-12-01T00:00:00Z"], ids=["yaml-date", "date-time"])
def test_sunset_spellings_parse(sunset: Any) -> None:
    assert _lifecycle(_ops_spec(), _ops_spec(deprecated=True, sunset=sunset)) == [
        ("endpoint-deprecated-with-sunset", {"sunset": "2026-12-01"})
    ]


@pytest.mark.parametrize(
    ("sunset", "expected"),
    [
        ((TODAY + timedelta(days=1)).isoformat(), "api-removed-before-sunset"),
        (TODAY.isoformat(), "api-removed-with-deprecation"),
        (None, "api-removed-with-deprecation"),
        ("when we feel like it", "api-path-sunset-parse"),
    ],
)
def test_removing_a_deprecated_operation_waits_for_its_sunset(sunset: str | None, expected: str) -> None:
    found = _lifecycle(_ops_spec(deprecated=True, sunset=sunset), _ops_spec(removed=True))
    assert [rule for rule, _ in found] == [expected]


def test_a_later_sunset_or_an_unchanged_one_is_not_reported() -> None:
    old = _ops_spec(deprecated=True, sunset="2030-01-01")
    assert _lifecycle(old, _ops_spec(deprecated=True, sunset="2031-01-01")) == []
    assert _lifecycle(old, old) == []


# ----------------------------------------------------------------------------------------------------------------------
# The generated Python API: a change that removes a public name is ERR whatever its wire level.
# (Each run generates the client twice: a few seconds.  Keep these few.)

SHOP: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Shop", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "operationId": "list_items",
                "tags": ["Items"],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    }
                },
            },
            "delete": {
                "operationId": "purge_items",
                "tags": ["Items"],
                "deprecated": True,
                "responses": {"204": {"description": "purged"}},
            },
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}, "label": {"type": "string"}},
            }
        }
    },
}


@pytest.fixture
def renamed(tmp_path: Path) -> tuple[str, str]:
    """A response property renamed (WARN + INFO on the wire) and a deprecated operation removed (INFO)."""
    revision = copy.deepcopy(SHOP)
    properties = revision["components"]["schemas"]["Item"]["properties"]
    properties["title"] = properties.pop("label")
    del revision["paths"]["/items"]["delete"]
    paths = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    for path, document in zip(paths, (SHOP, revision), strict=True):
        path.write_text(dump_yaml(document), encoding="utf-8")
    return str(paths[0]), str(paths[1])


def test_without_the_python_api_the_rename_is_only_a_warning(renamed: tuple[str, str], capsys: Any) -> None:
    assert run([*renamed, "--no-python-api", "--fail-on", "ERR"]) == 0
    out = capsys.readouterr().out
    assert "0 ERR, 1 WARN, 2 INFO" in out


def test_python_api_losing_a_name_makes_the_change_err(renamed: tuple[str, str], capsys: Any) -> None:
    assert run([*renamed, "--python-api", "--vendor", "amplemarket", "--format", "json", "--fail-on", "ERR"]) == 1
    report = json.loads(capsys.readouterr().out)
    by_id = {c["id"]: c for c in report["changes"]}
    removed = by_id["response-optional-property-removed"]
    assert (removed["wire_level"], removed["level"]) == ("WARN", "ERR")
    api = {c["fingerprint"]: c for c in report["python_api"]}
    assert [api[f]["symbol"] for f in removed["python_api_impact"]] == ["amplemarket_api.models.item.Item.label"]
    assert api[removed["python_api_impact"][0]]["caused_by"] == [removed["fingerprint"]]
    purged = by_id["api-removed-with-deprecation"]
    assert (purged["wire_level"], purged["level"]) == ("INFO", "ERR")
    assert {api[f]["symbol"].rsplit(".", 1)[0] for f in purged["python_api_impact"]} == {
        "amplemarket_api.api.items.purge_items"
    }
    added = by_id["response-optional-property-added"]
    assert (added["wire_level"], added["level"]) == ("INFO", "INFO")
    assert report["summary"]["ERR"] >= 2


def test_markdown_shows_the_wire_level_and_the_python_impact(renamed: tuple[str, str], capsys: Any) -> None:
    assert run([*renamed, "--python-api", "--vendor", "amplemarket", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    breaking = out[out.index("### Breaking changes") : out.index("### Generated Python API")]
    assert "| Operation | Change | Rule (wire level) | Python API impact |" in breaking
    assert (
        "| `GET /items` | response 200 body property label: property removed "
        "| `response-optional-property-removed` (WARN → **ERR** in Python) "
        "| **ERR** removed field `amplemarket_api.models.item.Item.label` |"
    ) in breaking
    assert "`api-removed-with-deprecation` (INFO → **ERR** in Python)" in breaking
