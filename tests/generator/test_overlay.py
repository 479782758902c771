"""The Overlay 1.0 applier: merge, append, remove, and errors that name the action."""

from __future__ import annotations

import pytest

from generator.overlay import OverlayError, apply_overlay


def _overlay(*actions: dict[str, object]) -> dict[str, object]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


DOC = {
    "components": {
        "schemas": {
            "Company": {
                "type": "object",
                "properties": {"size": {"type": "string", "enum": ["1-10", "11-50"]}},
                "required": ["id"],
            }
        }
    },
    "tags": [{"name": "A"}],
}


def test_update_merges_objects_recursively_and_replaces_arrays() -> None:
    result, reports = apply_overlay(
        DOC,
        _overlay(
            {
                "x-id": "add-null",
                "target": "$.components.schemas.Company",
                "update": {"properties": {"size": {"nullable": True, "enum": ["1-10", None]}}, "required": ["name"]},
            }
        ),
    )
    size = result["components"]["schemas"]["Company"]["properties"]["size"]
    assert size == {"type": "string", "enum": ["1-10", None], "nullable": True}
    assert result["components"]["schemas"]["Company"]["required"] == ["name"]
    assert reports[0].locations == ["$['components']['schemas']['Company']"]
    # the input document is never modified
    assert DOC["components"]["schemas"]["Company"]["properties"]["size"] == {
        "type": "string",
        "enum": ["1-10", "11-50"],
    }


def test_update_on_an_array_appends_one_entry() -> None:
    result, _ = apply_overlay(DOC, _overlay({"x-id": "tag", "target": "$.tags", "update": {"name": "B"}}))
    assert result["tags"] == [{"name": "A"}, {"name": "B"}]


def test_remove_deletes_every_selected_node() -> None:
    result, reports = apply_overlay(
        DOC, _overlay({"x-id": "open-size", "target": "$..properties.size.enum", "remove": True})
    )
    assert "enum" not in result["components"]["schemas"]["Company"]["properties"]["size"]
    assert reports[0].kind == "remove"


def test_remove_of_array_entries_keeps_the_right_ones() -> None:
    doc = {"a": [1, 2, 3, 4]}
    result, _ = apply_overlay(doc, _overlay({"x-id": "odd", "target": "$.a[?@ > 2]", "remove": True}))
    assert result == {"a": [1, 2]}


def test_remove_false_is_not_a_removal() -> None:
    with pytest.raises(OverlayError, match="needs 'update' or 'remove: true'"):
        apply_overlay(DOC, _overlay({"x-id": "noop", "target": "$.tags", "remove": False}))


def test_action_that_matches_nothing_names_the_action_and_target() -> None:
    overlay = _overlay(
        {"x-id": "fine", "target": "$.tags", "update": {"name": "B"}},
        {"x-id": "stale-fix", "target": "$.components.schemas.Person", "update": {"nullable": True}},
    )
    with pytest.raises(OverlayError) as info:
        apply_overlay(DOC, overlay)
    message = str(info.value)
    assert "#2 (stale-fix)" in message
    assert "$.components.schemas.Person" in message
    assert "matches nothing" in message


def test_skip_stale_reports_the_fix_and_applies_the_rest() -> None:
    result, reports = apply_overlay(
        DOC,
        _overlay(
            {"x-id": "gone", "target": "$.components.schemas.Person", "update": {"title": "P"}},
            {"x-id": "still-fits", "target": "$.components.schemas.Company", "update": {"title": "C"}},
        ),
        skip_stale=True,
    )
    assert [(r.action_id, r.kind) for r in reports] == [("gone", "stale"), ("still-fits", "update")]
    assert result["components"]["schemas"]["Company"]["title"] == "C"
    assert "Person" not in result["components"]["schemas"]


def test_invalid_jsonpath_is_reported() -> None:
    with pytest.raises(OverlayError, match="invalid JSONPath"):
        apply_overlay(DOC, _overlay({"x-id": "bad", "target": "$.tags[?", "update": {}}))


def test_update_type_mismatch_is_reported() -> None:
    with pytest.raises(OverlayError, match="update must be an object"):
        apply_overlay(DOC, _overlay({"x-id": "bad", "target": "$.components", "update": ["x"]}))


def test_unsupported_overlay_version() -> None:
    with pytest.raises(OverlayError, match="unsupported overlay version"):
        apply_overlay(DOC, {"overlay": "2.0.0", "actions": [{"target": "$", "remove": True}]})
