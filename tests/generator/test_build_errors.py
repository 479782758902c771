"""`make spec` on bad input fails with a message naming the action, the JSON path and the reason."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import write_yaml
from generator.build import SpecBuildError, build_curated
from generator.validation import check_examples
from generator.vendors import Vendor

UPSTREAM: dict[str, Any] = {
    "openapi": "3.0.1",
    "info": {"title": "Mini", "version": "v1"},
    "paths": {
        "/things/{id}": {
            "get": {
                "operationId": "get_thing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "A thing",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/thing"},
                                "examples": {"ok": {"value": {"size": "1-10 employees"}}},
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "thing": {
                "type": "object",
                "properties": {"size": {"type": "string", "enum": ["1-10 employees"]}},
            }
        }
    },
}


def _fix(action_id: str, **fields: Any) -> dict[str, Any]:
    return {"x-id": action_id, "description": "Docs: page. Evidence: e. Decision: d.", **fields}


def _vendor(tmp_path: Path, upstream: Any, *actions: dict[str, Any]) -> Vendor:
    write_yaml(tmp_path / "spec" / "mini" / "upstream.yaml", upstream)
    overlay = {"overlay": "1.0.0", "info": {"title": "fixes", "version": "1"}, "actions": list(actions)}
    write_yaml(tmp_path / "spec" / "mini" / "fixes.yaml", overlay)
    return Vendor(name="mini", package="mini_api", root=tmp_path)


def test_a_good_overlay_builds(tmp_path: Path) -> None:
    vendor = _vendor(
        tmp_path,
        UPSTREAM,
        _fix("open-size", target="$.components.schemas.thing.properties.size.enum", remove=True),
    )
    result = build_curated(vendor)
    assert "enum" not in result.document["components"]["schemas"]["thing"]["properties"]["size"]
    assert result.operations == 1


def test_an_action_that_matches_nothing_is_named(tmp_path: Path) -> None:
    vendor = _vendor(
        tmp_path,
        UPSTREAM,
        _fix("add-industry", target="$.components.schemas.company.properties", update={"industry": {}}),
    )
    with pytest.raises(SpecBuildError) as info:
        build_curated(vendor)
    message = str(info.value)
    assert "spec/mini/fixes.yaml" in message
    assert "#1 (add-industry)" in message
    assert "$.components.schemas.company.properties" in message
    assert "matches nothing" in message


def test_an_invalid_upstream_is_reported_with_its_json_path(tmp_path: Path) -> None:
    broken = {
        **UPSTREAM,
        "paths": {
            "/things/{id}": {
                "get": {"operationId": "x", "parameters": UPSTREAM["paths"]["/things/{id}"]["get"]["parameters"]}
            }
        },
    }
    vendor = _vendor(tmp_path, broken, _fix("noop", target="$.info", update={"description": "d"}))
    with pytest.raises(SpecBuildError) as info:
        build_curated(vendor)
    message = str(info.value)
    assert "spec/mini/upstream.yaml is not a valid OpenAPI document" in message
    assert "$['paths']['/things/{id}']['get']: 'responses' is a required property" in message


def test_an_example_that_contradicts_its_schema_names_path_reason_and_action(tmp_path: Path) -> None:
    vendor = _vendor(
        tmp_path,
        UPSTREAM,
        _fix(
            "size-is-an-integer",
            target="$.components.schemas.thing.properties.size",
            update={"type": "integer"},
        ),
    )
    with pytest.raises(SpecBuildError) as info:
        build_curated(vendor)
    message = str(info.value)
    assert "$['paths']['/things/{id}']['get']['responses']['200']['content']['application/json']" in message
    assert "'1-10 employees' is not of type 'integer'" in message
    # the example itself is upstream's; the schema change that broke it is the action's
    assert "example does not match its schema" in message


def test_an_upstream_example_contradiction_says_no_fix_touches_it(tmp_path: Path) -> None:
    upstream = copy.deepcopy(UPSTREAM)
    media = upstream["paths"]["/things/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    del media["examples"]
    media["example"] = {"size": 3}
    vendor = _vendor(tmp_path, upstream, _fix("describe", target="$.info", update={"description": "d"}))
    with pytest.raises(SpecBuildError, match="no fix touches it"):
        build_curated(vendor)


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ({"target": "$.info", "update": {}, "description": "Docs: a Evidence: b Decision: c"}, "x-id"),
        ({"x-id": "no-evidence", "target": "$.info", "update": {}, "description": "Docs: only"}, "Evidence:"),
    ],
)
def test_house_rules_for_fix_descriptions(tmp_path: Path, action: dict[str, Any], reason: str) -> None:
    vendor = _vendor(tmp_path, UPSTREAM, action)
    with pytest.raises(SpecBuildError, match=reason):
        build_curated(vendor)


def test_examples_under_a_dangling_reference_are_reported_not_a_crash() -> None:
    """A harvested document can reference a component the docs never define (a response header, a schema)."""
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/missing"}, "example": {"a": 1}}}
    response = {"description": "x", "headers": {"X-Id": {"$ref": "#/components/headers/missing"}}, "content": content}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": response}}}},
    }
    [problem] = check_examples(document)
    assert problem.location.endswith("['example']")
    assert "unresolvable reference" in problem.reason
