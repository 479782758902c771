"""The generated webhook models (generated/amplemarket_webhooks): every documented example parses with its class and
round-trips; unknown fields, unknown values, nulls and missing fields never fail; the package says it is generated."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import metadata
from typing import Any

import pydantic
import pytest

import amplemarket_webhooks
from amplemarket_webhooks import common, replies, sequence_stage, workflow
from generator.vendors import PROJECT_ROOT, WEBHOOKS
from generator.webhook_models import GENERATOR, OPTIONS, PINNED_VERSION

SPEC = WEBHOOKS["amplemarket"]
MODULES = {"common": common, "replies": replies, "sequence_stage": sequence_stage, "workflow": workflow}
CLASSES = {
    "common": {
        "User", "DynamicFields", "Sender", "Sequence", "SequenceStage", "ReplySequence", "ReplySequenceStage",
        "Contact", "LinkedInActivity", "CallActivity", "TaskActivity",
    },
    "replies": {"EmailReply", "LinkedInReply", "ReplySequenceReply"},
    "sequence_stage": {"EmailStage", "LinkedInStage", "CallStage", "GenericTaskStage", "ReplySequenceEmailStage"},
    "workflow": {
        "EmailMessage", "WorkflowSequenceStage", "WorkflowSequence", "WorkflowUser", "Lead", "OutOfOfficeInfo",
        "FollowUpInfo", "NotTheRightPersonInfo", "WorkflowReply", "OutOfOfficeWorkflow", "FollowUpWorkflow",
        "NotTheRightPersonWorkflow",
    },
}  # fmt: skip
EVENTS = sorted(CLASSES["replies"] | CLASSES["sequence_stage"] | CLASSES["workflow"] - {
    "EmailMessage", "WorkflowSequenceStage", "WorkflowSequence", "WorkflowUser", "Lead", "OutOfOfficeInfo",
    "FollowUpInfo", "NotTheRightPersonInfo",
})  # fmt: skip


def _schemas() -> dict[str, dict[str, Any]]:
    """Definition name -> curated schema (with its module name under ``"module"``)."""
    out = {}
    for path in SPEC.outputs:
        for name, schema in json.loads(path.read_text(encoding="utf-8"))["$defs"].items():
            out[name] = {**schema, "module": path.stem}
    return out


SCHEMAS = _schemas()
EXAMPLES = [(name, index) for name in EVENTS for index in range(len(SCHEMAS[name].get("examples", [])))]


def _model(name: str) -> type[pydantic.BaseModel]:
    cls: type[pydantic.BaseModel] = getattr(amplemarket_webhooks, name)
    return cls


def _example(name: str, index: int = 0) -> dict[str, Any]:
    example: dict[str, Any] = copy.deepcopy(SCHEMAS[name]["examples"][index])
    return example


def test_the_package_exports_exactly_the_listed_classes_from_their_modules() -> None:
    assert set(amplemarket_webhooks.__all__) == set().union(*CLASSES.values())
    for module_name, names in CLASSES.items():
        module = MODULES[module_name]
        defined = {
            name
            for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, pydantic.BaseModel) and value.__module__ == module.__name__
        }
        assert defined == names, module_name
        for name in names:
            assert getattr(amplemarket_webhooks, name) is getattr(module, name)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_model_has_the_fields_its_schema_declares(name: str) -> None:
    model = _model(name)
    aliases = {field.alias or key for key, field in model.model_fields.items()}
    assert aliases == set(SCHEMAS[name]["properties"])
    assert model.model_config.get("extra") == "allow"
    assert all(not field.is_required() for field in model.model_fields.values())


def test_every_documented_example_is_covered() -> None:
    assert len(EXAMPLES) == 12
    assert {name for name, _ in EXAMPLES} == set(EVENTS)


@pytest.mark.parametrize(("name", "index"), EXAMPLES)
def test_every_example_parses_with_its_class_and_round_trips(name: str, index: int) -> None:
    example = _example(name, index)
    event = _model(name).model_validate(example)
    assert event.model_extra == {}  # every documented field is a declared field
    assert event.model_dump(by_alias=True, exclude_unset=True) == example
    assert event.model_dump(mode="json", by_alias=True, exclude_unset=True) == example
    assert json.loads(event.model_dump_json(by_alias=True, exclude_unset=True)) == example


def test_python_keyword_fields_have_an_alias() -> None:
    reply = amplemarket_webhooks.EmailReply.model_validate(_example("EmailReply"))
    assert reply.from_ == "noreply@amplemarket.com"
    call = amplemarket_webhooks.CallStage.model_validate(_example("CallStage"))
    assert call.call is not None
    assert (call.call.from_, call.call.to) == ("+351999999999", "+351888888888")
    built = amplemarket_webhooks.EmailReply(from_="a@example.com")  # Python code may use the field name
    assert built.model_dump(by_alias=True, exclude_unset=True) == {"from": "a@example.com"}


def test_typed_fields_parse_to_their_models() -> None:
    reply = amplemarket_webhooks.LinkedInReply.model_validate(_example("LinkedInReply"))
    assert isinstance(reply.linkedin, common.LinkedInActivity)
    assert isinstance(reply.sequence_stage, common.SequenceStage)
    assert (reply.sequence_stage.index, reply.sequence_stage.type, reply.sequence_stage.automatic) == (
        2,
        "linkedin_message",
        True,
    )
    stage = amplemarket_webhooks.EmailStage.model_validate(_example("EmailStage"))
    assert stage.dynamic_fields is not None
    assert isinstance(stage.dynamic_fields.sender, common.Sender)
    ooo = amplemarket_webhooks.OutOfOfficeWorkflow.model_validate(_example("OutOfOfficeWorkflow"))
    assert isinstance(ooo.additional_info, workflow.OutOfOfficeInfo)
    assert ooo.additional_info.return_date == "2023-01-01"
    referred = amplemarket_webhooks.NotTheRightPersonWorkflow.model_validate(_example("NotTheRightPersonWorkflow"))
    assert isinstance(referred.additional_info, workflow.NotTheRightPersonInfo)
    assert referred.additional_info.third_party_first_name == "John"
    assert referred.lead is not None
    assert referred.lead.first_name == "Jane"
    follow_up = amplemarket_webhooks.FollowUpWorkflow.model_validate(_example("FollowUpWorkflow"))
    assert isinstance(follow_up.additional_info, workflow.FollowUpInfo)


def test_dates_and_the_call_duration_stay_the_strings_that_were_sent() -> None:
    reply = amplemarket_webhooks.EmailReply.model_validate({**_example("EmailReply"), "date": "yesterday-ish"})
    assert reply.date == "yesterday-ish"
    call = amplemarket_webhooks.CallStage.model_validate(_example("CallStage"))
    assert call.call is not None
    assert call.call.duration == "1970-01-01T00:02:00.000Z"
    assert call.call.date == "2024-10-11T10:57:00Z"


@pytest.mark.parametrize(("name", "index"), EXAMPLES)
def test_unknown_fields_are_kept_at_every_level(name: str, index: int) -> None:
    example = _example(name, index)
    example["brand_new_field"] = {"nested": [1, 2]}
    nested = next(key for key, value in example.items() if isinstance(value, dict) and key != "brand_new_field")
    example[nested]["also_new"] = "x"
    event = _model(name).model_validate(example)
    assert event.model_extra == {"brand_new_field": {"nested": [1, 2]}}
    child = getattr(event, nested)
    assert child.model_extra == {"also_new": "x"}
    assert event.model_dump(by_alias=True, exclude_unset=True) == example


@pytest.mark.parametrize(
    ("name", "path", "value"),
    [
        ("EmailReply", ("labels",), ["asked_for_pricing", "Interested"]),
        ("LinkedInReply", ("sequence_stage", "type"), "whatsapp_message"),
        ("CallStage", ("call", "direction"), "transferred"),
        ("CallStage", ("call", "disposition"), "left_voicemail_with_assistant"),
        ("CallStage", ("sequence_stage", "type"), "sms"),
        ("WorkflowReply", ("email_message", "tag"), ["asked_for_pricing"]),
    ],
)
def test_unknown_values_pass_as_plain_strings(name: str, path: tuple[str, ...], value: Any) -> None:
    example = _example(name)
    target = example
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    event = _model(name).model_validate(example)
    got: Any = event
    for key in path:
        got = getattr(got, key)
    assert got == value
    assert all(type(item) is str for item in (got if isinstance(got, list) else [got]))
    assert event.model_dump(by_alias=True, exclude_unset=True) == example


@pytest.mark.parametrize(("name", "index"), EXAMPLES)
def test_null_in_any_field_and_missing_fields_never_fail(name: str, index: int) -> None:
    example = _example(name, index)
    for key in example:
        nulled = {**example, key: None}
        assert _model(name).model_validate(nulled).model_dump(by_alias=True, exclude_unset=True) == nulled
        if isinstance(example[key], dict):
            inner = {**example, key: dict.fromkeys(example[key])}
            assert _model(name).model_validate(inner).model_dump(by_alias=True, exclude_unset=True) == inner
    empty = _model(name).model_validate({})
    assert empty.model_dump(by_alias=True, exclude_unset=True) == {}


def test_workflow_reply_takes_any_additional_info() -> None:
    example = _example("WorkflowReply")
    example["additional_info"] = {"meeting_date": "2023-02-01", "note": None}
    event = amplemarket_webhooks.WorkflowReply.model_validate(example)
    assert event.additional_info == {"meeting_date": "2023-02-01", "note": None}


def test_a_field_of_the_wrong_type_is_still_an_error() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        amplemarket_webhooks.CallStage.model_validate({"sequence_stage": {"index": "third"}})
    assert info.value.errors()[0]["loc"] == ("sequence_stage", "index")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_every_file_says_it_is_generated_and_the_manifest_records_inputs_and_files() -> None:
    package = SPEC.generated_dir
    for path in sorted(package.glob("*.py")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        source = "spec/amplemarket/webhooks/" + ("*" if path.stem == "__init__" else path.stem) + ".json"
        assert first.startswith(f"# Generated by `make generate` from {source} with {GENERATOR} {PINNED_VERSION}")
        assert first.endswith("; do not edit."), path.name
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == {"name": GENERATOR, "version": PINNED_VERSION}
    assert metadata.version(GENERATOR) == PINNED_VERSION
    assert manifest["options"] == list(OPTIONS)
    for path in SPEC.outputs:
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        assert manifest["schemas"][relative] == _sha(path.read_bytes()), f"{relative} changed: run `make generate`"
    present = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name != "manifest.json"
    }
    assert set(manifest["files"]) == present
    assert "py.typed" in present
    for name, digest in manifest["files"].items():
        assert _sha((package / name).read_bytes()) == digest, f"{name} was edited after generation"
