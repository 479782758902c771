"""The rule registry: every rule is documented, mirrored, and fired by its own fixture pair."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.specdiff import RULES, Spec, SpecError, diff_specs, load_spec, load_spec_text
from generator.specdiff.registry import LEVELS

CASES = Path(__file__).parent / "diff_cases"
EXTERNAL = CASES / "external"  # multi-file specs for the loader; not rule fixtures
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_well_formed(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert KEBAB.match(rule.id)
    assert rule.level in LEVELS
    assert rule.direction in ("request", "response", "none")
    assert rule.message.strip()
    if rule.direction != "none":
        assert rule.id.startswith(rule.direction) or rule.direction in rule.id, "the id names its direction"
    if rule.oasdiff_level is not None:
        assert rule.oasdiff_level != rule.level
        assert rule.why, "a level that differs from oasdiff's says why"


@pytest.mark.parametrize("rule_id", sorted(r.id for r in RULES.values() if r.direction != "none"))
def test_request_and_response_rules_mirror_each_other(rule_id: str) -> None:
    rule = RULES[rule_id]
    if rule.mirror is None:
        assert rule.unmirrored, f"{rule_id} has no mirror and no written reason"
        assert len(rule.unmirrored) > 20, f"{rule_id}: the reason it has no mirror is too short"
        return
    mirror = RULES.get(rule.mirror)
    assert mirror is not None, f"{rule_id} mirrors an unknown rule {rule.mirror}"
    assert {rule.direction, mirror.direction} == {"request", "response"}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fires_on_its_fixture_pair(rule_id: str) -> None:
    rule = RULES[rule_id]
    base = CASES / f"{rule.fixture_case}_base.yaml"
    revision = CASES / f"{rule.fixture_case}_revision.yaml"
    assert base.exists(), f"no fixture pair for {rule_id} ({base.name})"
    assert revision.exists(), f"no fixture pair for {rule_id} ({revision.name})"
    changes = diff_specs(load_spec(str(base)), load_spec(str(revision)))
    fired = [c for c in changes if c.id == rule_id]
    assert fired, f"{rule_id} did not fire; the pair produced {sorted({c.id for c in changes})}"
    for change in fired:
        assert "{" not in change.message
        assert change.message.strip()


def test_every_fixture_belongs_to_a_rule() -> None:
    cases = {r.fixture_case for r in RULES.values()}
    orphans = sorted(  # the top folder only: external/ holds the multi-file specs of the loader tests below
        p.name for p in CASES.glob("*.yaml") if re.sub(r"_(base|revision)\.yaml$", "", p.name) not in cases
    )
    assert not orphans


def test_fixture_pairs_fire_only_their_rule() -> None:
    """Each pair shows one change: anything else it fires is an engine false positive (or a sloppy pair)."""
    extra: dict[str, list[str]] = {}
    for rule in RULES.values():
        base, revision = CASES / f"{rule.fixture_case}_base.yaml", CASES / f"{rule.fixture_case}_revision.yaml"
        fired = {c.id for c in diff_specs(load_spec(str(base)), load_spec(str(revision)))}
        if fired != {rule.id}:
            extra[rule.id] = sorted(fired)
    assert not extra


def test_identical_specs_have_no_changes() -> None:
    for base in sorted(CASES.glob("*_base.yaml"))[:20]:
        spec = load_spec(str(base))
        assert diff_specs(spec, load_spec(str(base))) == []


# ----------------------------------------------------------------------------------------------------------------------
# Engine behaviour beyond single rules: references, cycles, shared schemas, nullable spellings.


def _spec(schemas: dict[str, Any], *bodies: tuple[str, Any], version: str = "3.0.3", name: str = "spec.yaml") -> Spec:
    """A spec whose operations ``GET <path>`` each return one JSON body schema."""
    paths = {
        path: {
            "get": {
                "operationId": f"get{index}",
                "tags": ["things"],
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}},
            }
        }
        for index, (path, schema) in enumerate(bodies)
    }
    document = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        document["components"] = {"schemas": schemas}
    return load_spec_text(json.dumps(document), name=name)


def _found(old: Spec, new: Spec) -> list[tuple[str | None, str, str]]:
    return [(c.operation, c.id, c.message) for c in diff_specs(old, new)]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _node(x_type: str, parent: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"x": {"type": x_type}, "parent": parent}}


@pytest.mark.parametrize(
    ("version", "parent", "where"),
    [
        ("3.0.3", _ref("Node"), ["x"]),
        ("3.0.3", {"nullable": True, "allOf": [_ref("Node")]}, ["x"]),
        ("3.1.0", {"anyOf": [_ref("Node"), {"type": "null"}]}, ["x"]),
        # an inline schema merging Node with more is another schema: its own copy of x is reported too
        ("3.0.3", {"allOf": [_ref("Node"), {"properties": {"depth": {"type": "integer"}}}]}, ["parent.x", "x"]),
    ],
    ids=["ref", "nullable-allOf", "anyOf-null", "allOf-merged"],
)
def test_ref_cycle_terminates_and_reports_the_change_inside(
    version: str, parent: dict[str, Any], where: list[str]
) -> None:
    old = _spec({"Node": _node("string", parent)}, ("/nodes", _ref("Node")), version=version)
    new = _spec({"Node": _node("integer", parent)}, ("/nodes", _ref("Node")), version=version)
    assert _found(old, new) == [
        (
            "GET /nodes",
            "response-property-type-changed",
            f"response 200 body property {w}: type changed from string to integer",
        )
        for w in where
    ]


def test_change_in_a_cycle_is_reported_for_every_operation_that_reaches_it() -> None:
    def spec(x_type: str, paths: list[str]) -> Spec:
        schemas = {
            "A": {"type": "object", "properties": {"x": {"type": x_type}, "b": _ref("B")}},
            "B": {"type": "object", "properties": {"a": _ref("A")}},
        }
        return _spec(schemas, *((path, _ref(path.strip("/").upper())) for path in paths))

    for paths in (["/a", "/b"], ["/b", "/a"]):  # the same whichever operation is compared first
        found = {
            (op, message.split(":")[0]) for op, _, message in _found(spec("string", paths), spec("integer", paths))
        }
        assert found == {("GET /a", "response 200 body property x"), ("GET /b", "response 200 body property a.x")}


def test_change_in_a_shared_component_is_reported_once_per_operation() -> None:
    def spec(name_type: str) -> Spec:
        widget = {"type": "object", "properties": {"name": {"type": name_type}}}
        listing = {"type": "array", "items": _ref("Widget")}
        return _spec({"Widget": widget}, ("/widgets", listing), ("/widgets/first", _ref("Widget")))

    assert _found(spec("string"), spec("integer")) == [
        (
            "GET /widgets",
            "response-property-type-changed",
            "response 200 body property [].name: type changed from string to integer",
        ),
        (
            "GET /widgets/first",
            "response-property-type-changed",
            "response 200 body property name: type changed from string to integer",
        ),
    ]


NULLABLE_STRING = {
    "3.0 nullable": ("3.0.3", {"type": "string", "nullable": True}),
    "3.1 type list": ("3.1.0", {"type": ["string", "null"]}),
    "anyOf null branch": ("3.1.0", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
    "oneOf enum [null] branch": ("3.1.0", {"oneOf": [{"type": "string"}, {"enum": [None]}]}),
    "anyOf ref and null": ("3.1.0", {"anyOf": [_ref("Text"), {"type": "null"}]}),
    "3.0 nullable allOf ref": ("3.0.3", {"nullable": True, "allOf": [_ref("Text")]}),
}


def _nullable_spec(spelling: str) -> Spec:
    version, schema = NULLABLE_STRING[spelling]
    body = {"type": "object", "properties": {"note": schema}}
    return _spec({"Text": {"type": "string"}}, ("/notes", body), version=version, name=f"{spelling}.yaml")


@pytest.mark.parametrize("new", sorted(NULLABLE_STRING))
@pytest.mark.parametrize("old", sorted(NULLABLE_STRING))
def test_nullable_spellings_compare_equal(old: str, new: str) -> None:
    assert _found(_nullable_spec(old), _nullable_spec(new)) == []


@pytest.mark.parametrize("spelling", sorted(NULLABLE_STRING))
def test_each_nullable_spelling_is_read_as_nullable(spelling: str) -> None:
    plain = _spec({"Text": {"type": "string"}}, ("/notes", {"type": "object", "properties": {"note": _ref("Text")}}))
    found = _found(plain, _nullable_spec(spelling))
    assert [rule for _, rule, _ in found] == ["response-property-became-nullable"]
    assert [rule for _, rule, _ in _found(_nullable_spec(spelling), plain)] == ["response-property-became-not-nullable"]


@pytest.mark.parametrize("first", ["/user", "/widget"])
def test_nullable_wrapper_does_not_leak_into_other_uses_of_the_reference(first: str) -> None:
    """``anyOf: [User, null]`` is compared with ``User`` for one operation; another returns ``User`` itself."""

    def spec(owner: dict[str, Any]) -> Spec:
        bodies = {"/user": _ref("User"), "/widget": {"type": "object", "properties": {"owner": owner}}}
        user = {"type": "object", "properties": {"id": {"type": "string"}}}
        order = [first, *(path for path in bodies if path != first)]
        return _spec({"User": user}, *((path, bodies[path]) for path in order), version="3.1.0")

    found = _found(spec(_ref("User")), spec({"anyOf": [_ref("User"), {"type": "null"}]}))
    assert found == [
        ("GET /widget", "response-property-became-nullable", "response 200 body property owner: now accepts null")
    ]


def test_external_refs_are_followed() -> None:
    """The path item, a response local to its file, and a schema in a third file: all in the same folder."""
    found = _found(
        load_spec(str(EXTERNAL / "base" / "openapi.yaml")), load_spec(str(EXTERNAL / "revision" / "openapi.yaml"))
    )
    assert found == [
        (
            "GET /widgets",
            "response-property-type-generalized",
            "response 200 body property [].size: type widened from integer to number",
        )
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "names"),
    [
        (
            "paths.yaml",
            "schemas.yaml#/Widget",
            "schemas.yaml#/Gadget",
            ["paths.yaml", "schemas.yaml#/Gadget", "Gadget"],
        ),
        (
            "paths.yaml",
            "schemas.yaml#/Widget",
            "widgets.yaml#/Widget",
            ["paths.yaml", "widgets.yaml#/Widget", "not found"],
        ),
        (
            "openapi.yaml",
            "paths.yaml#/widgets",
            "paths.yaml#/gadgets",
            ["openapi.yaml", "paths.yaml#/gadgets", "/paths/"],
        ),
    ],
    ids=["missing-name", "missing-file", "missing-path-item"],
)
def test_broken_external_ref_names_the_file_and_the_ref(
    tmp_path: Path, file: str, old: str, new: str, names: list[str]
) -> None:
    folder = tmp_path / "spec"
    shutil.copytree(EXTERNAL / "base", folder)
    text = (folder / file).read_text()
    assert old in text
    (folder / file).write_text(text.replace(old, new))
    with pytest.raises(SpecError) as caught:
        load_spec(str(folder / "openapi.yaml"))
    message = str(caught.value)
    assert "\n" not in message
    for name in names:
        assert name in message


def test_messages_show_a_numeric_enum_value_as_a_number() -> None:
    rule = RULES["response-property-enum-value-added"]
    assert rule.render({"where": "response 200 body property level", "value": 3}).endswith("enum value 3 added")
    assert rule.render({"where": "w", "value": "3"}).endswith("enum value '3' added")
