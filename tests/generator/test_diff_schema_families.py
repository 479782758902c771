"""Schema families of the differ beyond types and enums: bounds, patterns, defaults, consts, nested schemas
under additionalProperties and object-valued parameters, media types the generated client does not read."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.specdiff import RULES, Spec, diff_specs, load_spec, load_spec_text

CURATED = Path(__file__).parents[2] / "spec" / "amplemarket" / "openapi.yaml"


def _spec(operation: dict[str, Any], method: str = "post", version: str = "3.1.0") -> Spec:
    operation = {"operationId": "op", "tags": ["t"], "responses": {"200": {"description": "OK"}}, **operation}
    document = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {"/things": {method: operation}}}
    return load_spec_text(json.dumps(document), name="spec.yaml")


def _body(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"requestBody": {"content": {media: {"schema": schema}}}}


def _response(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"responses": {"200": {"description": "OK", "content": {media: {"schema": schema}}}}}


def _found(old: Spec, new: Spec) -> list[tuple[str, str, str]]:
    return [(c.id, c.level, c.message) for c in diff_specs(old, new)]


def test_lowering_the_enrichment_leads_max_items_is_an_error(tmp_path: Path) -> None:
    document = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    revised = copy.deepcopy(document)
    body = revised["paths"]["/people/enrichment-requests"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = revised["components"]["schemas"][name]
    assert schema["properties"]["leads"]["maxItems"] == 10000
    schema["properties"]["leads"]["maxItems"] = 1000
    copy_path = tmp_path / "openapi.yaml"
    copy_path.write_text(yaml.safe_dump(revised, sort_keys=False), encoding="utf-8")
    changes = diff_specs(load_spec(str(CURATED)), load_spec(str(copy_path)))
    assert [(c.id, c.level, c.operation) for c in changes] == [
        ("request-property-max-items-decreased", "ERR", "POST /people/enrichment-requests")
    ]
    assert "maxItems decreased from 10000 to 1000" in changes[0].message


@pytest.mark.parametrize(
    ("old", "new", "found", "level"),
    [
        ({"maximum": 10}, {"maximum": 5}, "request-body-max-decreased", "ERR"),
        ({"maximum": 10}, {}, "request-body-max-increased", "INFO"),
        ({}, {"minimum": 1}, "request-body-min-increased", "ERR"),
        ({"maxLength": 5}, {"maxLength": 3}, "request-body-max-length-decreased", "ERR"),
        ({"minItems": 1}, {"minItems": 0}, "request-body-min-items-decreased", "INFO"),
    ],
)
def test_a_missing_bound_is_no_limit(old: dict[str, Any], new: dict[str, Any], found: str, level: str) -> None:
    changes = _found(_spec(_body(old)), _spec(_body(new)))
    assert [c[:2] for c in changes] == [(found, level)]


def test_bound_levels_follow_the_direction() -> None:
    tight = {"type": "integer", "maximum": 5}
    loose = {"type": "integer", "maximum": 50}
    assert _found(_spec(_body(loose)), _spec(_body(tight)))[0][:2] == ("request-body-max-decreased", "ERR")
    assert _found(_spec(_body(tight)), _spec(_body(loose)))[0][:2] == ("request-body-max-increased", "INFO")
    get = "get"
    assert _found(_spec(_response(tight), get), _spec(_response(loose), get))[0][:2] == (
        "response-body-max-increased",
        "WARN",
    )
    assert _found(_spec(_response(loose), get), _spec(_response(tight), get))[0][:2] == (
        "response-body-max-decreased",
        "INFO",
    )
    assert "do not check bounds" in (RULES["response-body-max-increased"].why or "")


def test_openapi_30_exclusive_flag_makes_the_maximum_exclusive() -> None:
    old = _spec(_body({"type": "number", "maximum": 10, "exclusiveMaximum": True}), version="3.0.3")
    new = _spec(_body({"type": "number", "maximum": 5, "exclusiveMaximum": True}), version="3.0.3")
    assert [c[0] for c in _found(old, new)] == ["request-body-exclusive-max-decreased"]


def test_a_bound_that_is_not_a_number_is_reported_as_not_compared() -> None:
    changes = _found(_spec(_body({"type": "number", "maximum": 10})), _spec(_body({"type": "number", "maximum": "x"})))
    assert changes == [
        ("request-body-not-compared", "INFO", "request body: not compared: maximum is not a number (10 -> 'x')")
    ]


def test_a_response_const_change_is_an_error_not_an_enum_change() -> None:
    old = _spec(_response({"type": "object", "properties": {"kind": {"const": "a"}}}), "get")
    new = _spec(_response({"type": "object", "properties": {"kind": {"const": "b"}}}), "get")
    assert [c[:2] for c in _found(old, new)] == [("response-property-const-changed", "ERR")]


def test_request_property_default_change_is_info() -> None:
    old = _spec(_body({"type": "object", "properties": {"size": {"type": "integer", "default": 10}}}))
    new = _spec(_body({"type": "object", "properties": {"size": {"type": "integer", "default": 20}}}))
    assert _found(old, new) == [
        ("request-property-default-value-changed", "INFO", "request body property size: default changed from 10 to 20")
    ]


def test_changes_under_additional_properties_are_reported() -> None:
    def spec(kind: str) -> Spec:
        return _spec(_response({"type": "object", "additionalProperties": {"type": kind}}), "get")

    assert _found(spec("string"), spec("integer")) == [
        ("response-property-type-changed", "ERR", "response 200 body property *: type changed from string to integer")
    ]


def test_object_valued_parameters_are_walked() -> None:
    def spec(limit: int) -> Spec:
        schema = {"type": "object", "properties": {"size": {"type": "integer", "maximum": limit}}}
        parameter = {"name": "filter", "in": "query", "style": "deepObject", "explode": True, "schema": schema}
        return _spec({"parameters": [parameter]}, "get")

    assert _found(spec(100), spec(50)) == [
        (
            "request-property-max-decreased",
            "ERR",
            "query parameter filter property size: maximum decreased from 100 to 50",
        )
    ]


def test_parameter_bounds_and_patterns() -> None:
    def spec(schema: dict[str, Any]) -> Spec:
        return _spec({"parameters": [{"name": "q", "in": "query", "schema": schema}]}, "get")

    assert [c[:2] for c in _found(spec({"type": "string"}), spec({"type": "string", "pattern": "^a$"}))] == [
        ("request-parameter-pattern-added", "ERR")
    ]
    assert [c[:2] for c in _found(spec({"type": "integer", "minimum": 1}), spec({"type": "integer"}))] == [
        ("request-parameter-min-decreased", "INFO")
    ]


@pytest.mark.parametrize("media", ["application/xml", "text/plain"])
def test_changes_under_media_types_the_client_does_not_read_are_info(media: str) -> None:
    old = _spec(_body({"type": "string"}, media))
    new = _spec(_body({"type": "integer"}, media))
    assert _found(old, new) == [
        (
            "request-body-unread-media-type-changed",
            "INFO",
            f"request body ({media}): type changed from string to integer "
            f"(at most INFO: the generated client does not read {media})",
        )
    ]


def test_json_suffix_media_types_are_read() -> None:
    old = _spec(_body({"type": "string"}, "application/problem+json"))
    new = _spec(_body({"type": "integer"}, "application/problem+json"))
    assert [c[:2] for c in _found(old, new)] == [("request-body-type-changed", "ERR")]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _with_variants(spec_operation: dict[str, Any], method: str = "get") -> Spec:
    operation = {"operationId": "op", "tags": ["t"], "responses": {"200": {"description": "OK"}}, **spec_operation}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {method: operation}},
        "components": {"schemas": {name: {"type": "object", "description": name} for name in ("A", "B", "C")}},
    }
    return load_spec_text(json.dumps(document), name="spec.yaml")


def test_a_branch_added_to_a_response_union_is_an_error() -> None:
    old = _with_variants(_response({"oneOf": [_ref("A"), _ref("B")]}))
    new = _with_variants(_response({"oneOf": [_ref("A"), _ref("B"), _ref("C")]}))
    assert _found(old, new) == [("response-body-one-of-added", "ERR", "response 200 body: oneOf branch C added")]
    assert "fails to parse" in (RULES["response-body-one-of-added"].why or "")


def test_a_branch_removed_from_a_request_union_is_an_error() -> None:
    old = _with_variants(_body({"anyOf": [_ref("A"), _ref("B")]}), "post")
    new = _with_variants(_body({"anyOf": [_ref("A")]}), "post")
    # anyOf: [A] alone is A itself: the union is gone, and B with it
    assert [c[:2] for c in _found(old, new)] == [("request-body-any-of-removed", "ERR")]


def test_branches_that_cannot_be_paired_are_reported_as_not_compared() -> None:
    old = _with_variants(_response({"oneOf": [{"type": "object"}, {"type": "object"}]}))
    new = _with_variants(_response({"oneOf": [{"type": "object"}, {"type": "object"}, _ref("C")]}))
    assert [c[:2] for c in _found(old, new)] == [("response-body-not-compared", "INFO")]


def test_closing_a_request_object_to_additional_properties_is_an_error() -> None:
    old = _spec(_body({"type": "object", "properties": {"a": {"type": "string"}}}))
    new = _spec(_body({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}))
    assert [c[:2] for c in _found(old, new)] == [("request-body-additional-properties-disallowed", "ERR")]
    assert [c[:2] for c in _found(new, old)] == [("request-body-additional-properties-allowed", "INFO")]


def test_a_required_response_property_that_became_write_only_is_an_error() -> None:
    def spec(write_only: bool) -> Spec:
        value = {"type": "string", **({"writeOnly": True} if write_only else {})}
        return _spec(_response({"type": "object", "properties": {"v": value}, "required": ["v"]}), "get")

    assert _found(spec(False), spec(True)) == [
        ("response-required-property-became-write-only", "ERR", "response 200 body property v: became write-only")
    ]
    assert [c[:2] for c in _found(spec(True), spec(False))] == [
        ("response-required-property-became-not-write-only", "INFO")
    ]


def test_a_const_without_a_type_has_the_type_of_its_value() -> None:
    old = _spec(_body({"type": "object", "properties": {"mode": {"const": "sync"}}}))
    new = _spec(_body({"type": "object", "properties": {"mode": {"type": "string"}}}))
    assert [c[:2] for c in _found(old, new)] == [("request-property-enum-removed", "INFO")]
