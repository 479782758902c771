"""The curated webhook schemas: valid JSON Schema 2020-12, built from upstream + fixes, every fix still needed,
every documented example present and valid, and the documented examples' defects kept as evidence upstream."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema

from generator._yamlio import load_document
from generator.overlay import apply_overlay
from generator.vendors import WEBHOOKS
from generator.webhook_spec import BUILT_COMMENT, build_webhook_schemas, schema_text

SPEC = WEBHOOKS["amplemarket"]
DOCS = "https://docs.amplemarket.com/webhooks/events/"

# Every example the event pages document: page -> {example tab: event definition}.
DOCUMENTED_EXAMPLES = {
    "replies": {
        "Email": "EmailReply",
        "LinkedIn": "LinkedInReply",
        "Reply Sequence (email only)": "ReplySequenceReply",
    },
    "sequence-stage": {
        "Email": "EmailStage",
        "LinkedIn": "LinkedInStage",
        "Call": "CallStage",
        "Generic task": "GenericTaskStage",
        "Reply Sequence (email only)": "ReplySequenceEmailStage",
    },
    "workflow": {
        "Reply": "WorkflowReply",
        "Out of Office": "OutOfOfficeWorkflow",
        "Follow Up": "FollowUpWorkflow",
        "Not The Right Person": "NotTheRightPersonWorkflow",
    },
}
EVENTS = {name: page for page, tabs in DOCUMENTED_EXAMPLES.items() for name in tabs.values()}
# The documented texts that are not JSON: missing commas, raw line breaks inside a string.
NOT_JSON_AS_DOCUMENTED = {
    "EmailReply",
    "LinkedInReply",
    "CallStage",
    "WorkflowReply",
    "OutOfOfficeWorkflow",
    "FollowUpWorkflow",
    "NotTheRightPersonWorkflow",
}
KNOWN_VALUES = {
    ("EmailReply", "labels"): 8,
    ("LinkedInReply", "labels"): 8,
    ("ReplySequenceReply", "labels"): 8,
    ("EmailMessage", "tag"): 8,
    ("SequenceStage", "type"): 10,
    ("CallActivity", "direction"): 2,
    ("CallActivity", "disposition"): 6,
}


@cache
def upstream() -> dict[str, Any]:
    document: dict[str, Any] = load_document(SPEC.upstream)
    return document


@cache
def fixes() -> dict[str, Any]:
    document: dict[str, Any] = load_document(SPEC.fixes)
    return document


@cache
def committed() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SPEC.outputs}


def curated_defs() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every curated definition: name -> (file name, schema)."""
    return {
        name: (file, schema) for file, document in committed().items() for name, schema in document["$defs"].items()
    }


def registry() -> referencing.Registry[Any]:
    spec = referencing.jsonschema.DRAFT202012
    resources = [
        (name, referencing.Resource.from_contents(doc, default_specification=spec)) for name, doc in committed().items()
    ]
    result: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
    return result


def _strip_file_refs(node: Any) -> Any:
    """The definition as it reads in the single curated document: ``common.json#/$defs/X`` -> ``#/$defs/X``."""
    if isinstance(node, dict):
        return {
            key: re.sub(r"^[a-z_]+\.json#", "#", value) if key == "$ref" else _strip_file_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_strip_file_refs(value) for value in node]
    return node


def _keys(node: Any) -> Any:
    """Every key of a JSON value, depth first, in document order."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def _walk(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key != "examples":
                yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def test_the_build_writes_one_file_per_family_plus_shared_definitions() -> None:
    assert sorted(committed()) == ["common.json", "replies.json", "sequence_stage.json", "workflow.json"]
    for name, document in committed().items():
        assert list(document)[:2] == ["$schema", "$comment"], name
        assert document["$comment"] == BUILT_COMMENT
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(committed()["replies.json"]["$defs"]) == {"EmailReply", "LinkedInReply", "ReplySequenceReply"}
    refs = json.dumps(committed()["replies.json"])
    assert '"$ref": "common.json#/$defs/User"' in refs  # shared definitions are referenced across files


def test_committed_files_are_the_build_of_upstream_and_fixes() -> None:
    result = build_webhook_schemas(SPEC)
    for path in SPEC.outputs:
        assert path.read_text(encoding="utf-8") == schema_text(result.documents[path.name]), f"{path.name} is stale"
    assert result.examples == 12


def test_every_fix_applies_changes_something_and_says_why() -> None:
    document = upstream()
    for action in fixes()["actions"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", action["x-id"]), action["x-id"]
        lines = action["description"].splitlines()
        for part in ("Docs:", "Evidence:", "Decision:"):
            said = next((line for line in lines if line.startswith(part)), "")
            assert said[len(part) :].strip(), f"{action['x-id']}: {part} must start a line and say something"
        changed, _ = apply_overlay(document, {**fixes(), "actions": [action]})
        assert changed != document, f"{action['x-id']} changes nothing"
        document = changed
    # The committed files hold exactly the curated definitions, nothing more or less.
    assert {name: _strip_file_refs(schema) for name, (_, schema) in curated_defs().items()} == document["$defs"]


@pytest.mark.parametrize(
    "name", ["upstream.yaml", "common.json", "replies.json", "sequence_stage.json", "workflow.json"]
)
def test_every_schema_is_valid_json_schema_2020_12(name: str) -> None:
    document = upstream() if name == "upstream.yaml" else committed()[name]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


def test_every_documented_example_is_kept_upstream_and_curated() -> None:
    assert sum(len(tabs) for tabs in DOCUMENTED_EXAMPLES.values()) == 3 + 5 + 4 == 12
    documented = {name for name, schema in upstream()["$defs"].items() if "x-doc-example" in schema}
    curated = {name for name, (_, schema) in curated_defs().items() if schema.get("examples")}
    assert documented == curated == set(EVENTS)
    for page, tabs in DOCUMENTED_EXAMPLES.items():
        for tab, name in tabs.items():
            schema = upstream()["$defs"][name]
            assert schema["x-doc-page"] == DOCS + page
            assert schema["x-doc-example-title"] == tab
            assert len(curated_defs()[name][1]["examples"]) == 1


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_every_example_validates_against_its_curated_schema(name: str) -> None:
    file, schema = curated_defs()[name]
    validator = jsonschema.Draft202012Validator({"$ref": f"{file}#/$defs/{name}"}, registry=registry())
    for example in schema["examples"]:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)]
        assert not errors, errors


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_the_curated_example_is_the_documented_one_repaired_or_unchanged(name: str) -> None:
    text = upstream()["$defs"][name]["x-doc-example"]
    example = curated_defs()[name][1]["examples"][0]
    if name in NOT_JSON_AS_DOCUMENTED:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
    else:
        assert json.loads(text) == example
    # The repair adds and drops nothing: the same keys, at every depth, in the documented order.
    assert list(_keys(example)) == re.findall(r'"([A-Za-z_]+)": ', text)


def test_the_workflow_examples_get_their_addresses_back() -> None:
    for name in ("WorkflowReply", "OutOfOfficeWorkflow", "FollowUpWorkflow", "NotTheRightPersonWorkflow"):
        assert '"from": "\\"Sender\\" "' in upstream()["$defs"][name]["x-doc-example"]  # as documented: no address
        message = curated_defs()[name][1]["examples"][0]["email_message"]
        assert message["from"] == '"Sender" <sender@example.com>'
        assert message["to"].count("@example.com>") == 3
        assert message["cc"] == '"Carbon Copy" <cc@example.com>'
        assert message["bcc"] == '"Blind Carbon Copy" <bcc@example.com>'


def test_the_call_example_keeps_its_line_breaks_as_escapes() -> None:
    raw = upstream()["$defs"]["CallStage"]["x-doc-example"]
    assert "Answered\nCall recording URL" in raw  # a raw line break inside a JSON string
    call = curated_defs()["CallStage"][1]["examples"][0]["call"]
    assert call["description"] == "Call disposition: Answered\nCall recording URL: https://amplemarket.com/example\n"
    assert call["duration"] == "1970-01-01T00:02:00.000Z"


def test_documented_examples_fail_the_schema_as_documented() -> None:
    """Evidence that curation was needed: the repaired reply examples break the transcribed closed label list."""
    failing = set()
    for name in EVENTS:
        example = curated_defs()[name][1]["examples"][0]
        validator = jsonschema.Draft202012Validator({**upstream(), "$ref": f"#/$defs/{name}"})
        if any(True for _ in validator.iter_errors(example)):
            failing.add(name)
    assert {"EmailReply", "LinkedInReply"} <= failing
    assert curated_defs()["EmailReply"][1]["examples"][0]["labels"] == ["Interested"]


def test_unknown_fields_values_nulls_and_missing_fields_pass_the_curated_schemas() -> None:
    example = json.loads(json.dumps(curated_defs()["CallStage"][1]["examples"][0]))
    example["priority"] = "high"
    example["call"]["transcript_url"] = "https://calls.example/t/1"
    example["call"]["disposition"] = "left_voicemail_with_assistant"
    example["sequence_stage"]["type"] = "whatsapp_message"
    example["dynamic_fields"]["city"] = None
    example["contact"] = None
    del example["user"]
    validator = jsonschema.Draft202012Validator({"$ref": "sequence_stage.json#/$defs/CallStage"}, registry=registry())
    assert [e.message for e in validator.iter_errors(example)] == []
    assert [e.message for e in validator.iter_errors({})] == []


def test_the_curated_schemas_are_tolerant_everywhere() -> None:
    for file, document in committed().items():
        for path, node in _walk(document["$defs"]):
            assert "enum" not in node, f"{file}{path}: closed enum"
            assert "required" not in node, f"{file}{path}: required fields"
            assert "x-doc-example" not in node, f"{file}{path}: the verbatim text belongs upstream"
            types = node.get("type")
            if types == "object" or (isinstance(types, list) and "object" in types) or "properties" in node:
                assert node.get("additionalProperties") is True, f"{file}{path}: closed object"
    for name, (_, schema) in curated_defs().items():
        for field, prop in schema.get("properties", {}).items():
            if field == "is_reply":  # says which family a payload belongs to; documented for every payload
                continue
            types = prop.get("type")
            target = curated_defs()[prop["$ref"].rsplit("/", 1)[1]][1] if "$ref" in prop else None
            nullable = (isinstance(types, list) and "null" in types) or (
                target is not None and "null" in target["type"]
            )
            assert nullable, f"{name}.{field} is not nullable"


def test_documented_value_lists_are_kept_as_known_values() -> None:
    for (name, field), count in KNOWN_VALUES.items():
        prop = curated_defs()[name][1]["properties"][field]
        values = prop.get("items", prop)["x-known-values"]
        assert len(values) == count
        upstream_prop = upstream()["$defs"][name]["properties"][field]
        assert values == upstream_prop.get("items", upstream_prop)["enum"]


def test_the_call_duration_is_a_string_not_an_instant() -> None:
    assert upstream()["$defs"]["CallActivity"]["properties"]["duration"]["format"] == "date-time"
    duration = curated_defs()["CallActivity"][1]["properties"]["duration"]
    assert "format" not in duration
    assert duration["type"] == ["string", "null"]
    assert "x-duration-encoding" in duration


def test_workflow_events_type_their_additional_info() -> None:
    defs = {name: schema for name, (_, schema) in curated_defs().items()}
    assert defs["WorkflowReply"]["properties"]["additional_info"]["additionalProperties"] is True
    assert "additional_info" not in upstream()["$defs"]["WorkflowReply"]["properties"]  # not documented for Reply
    for event, info in [
        ("OutOfOfficeWorkflow", "OutOfOfficeInfo"),
        ("FollowUpWorkflow", "FollowUpInfo"),
        ("NotTheRightPersonWorkflow", "NotTheRightPersonInfo"),
    ]:
        assert defs[event]["properties"]["additional_info"]["$ref"] == f"#/$defs/{info}"
