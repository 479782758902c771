"""``amplemarket.webhooks.parse``: every documented event (valid JSON fixtures written from the docs' examples)
parses to its type with its fields; unknown tags, values and fields are kept; unknown shapes are generic events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from amplemarket import errors, webhooks

FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED: dict[str, type[Any]] = {
    "reply_email.json": webhooks.EmailReply,
    "reply_linkedin.json": webhooks.LinkedInReply,
    "reply_reply_sequence.json": webhooks.ReplySequenceReply,
    "stage_email.json": webhooks.EmailStage,
    "stage_linkedin.json": webhooks.LinkedInStage,
    "stage_call.json": webhooks.CallStage,
    "stage_generic_task.json": webhooks.GenericTaskStage,
    "stage_reply_sequence.json": webhooks.ReplySequenceEmailStage,
    "workflow_interested.json": webhooks.WorkflowReply,
    "workflow_out_of_office.json": webhooks.OutOfOfficeWorkflow,
    "workflow_follow_up.json": webhooks.FollowUpWorkflow,
    "workflow_not_the_right_person.json": webhooks.NotTheRightPersonWorkflow,
}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def test_there_is_a_fixture_for_every_documented_example() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_documented_event_parses_to_its_type_and_round_trips(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    event = webhooks.parse(raw)
    assert type(event) is EXPECTED[name]
    assert webhooks.classify(json.loads(raw)) is EXPECTED[name]
    assert event.model_dump(mode="json", by_alias=True, exclude_unset=True) == json.loads(raw)


@pytest.mark.parametrize("form", ["bytes", "str", "dict"])
def test_parse_takes_bytes_text_or_a_decoded_object(form: str) -> None:
    data = _load("reply_email.json")
    body: Any = {"bytes": json.dumps(data).encode(), "str": json.dumps(data), "dict": data}[form]
    event = webhooks.parse(body)
    assert isinstance(event, webhooks.EmailReply)
    assert event.from_ == "rita.okoro@lumenfreight.example"
    assert event.to == ["marta@seller.example"]
    assert event.labels == ["interested"]
    assert event.dynamic_fields is not None
    assert event.dynamic_fields.company_name == "Lumen Freight"
    assert event.sequence_stage is not None
    assert event.sequence_stage.index == 2


def test_reply_kinds_carry_their_channel_details() -> None:
    linkedin = webhooks.parse(_load("reply_linkedin.json"))
    assert isinstance(linkedin, webhooks.LinkedInReply)
    assert linkedin.linkedin is not None
    assert linkedin.linkedin.description == 'Message: "Happy to talk next week"'
    assert linkedin.sequence_stage is not None
    assert linkedin.sequence_stage.type == "linkedin_message"
    assert linkedin.sequence_stage.automatic is True
    in_reply_sequence = webhooks.parse(_load("reply_reply_sequence.json"))
    assert isinstance(in_reply_sequence, webhooks.ReplySequenceReply)
    assert in_reply_sequence.reply_sequence is not None
    assert in_reply_sequence.reply_sequence.name == "Warm follow-ups"


def test_stage_kinds_carry_their_activity() -> None:
    call = webhooks.parse(_load("stage_call.json"))
    assert isinstance(call, webhooks.CallStage)
    assert call.call is not None
    assert call.call.direction == "outgoing"
    assert call.call.disposition == "interested"
    assert call.call.from_ == "+351210000002"
    assert call.call.duration == "1970-01-01T00:03:20.000Z"  # a duration the API writes as an instant: kept as given
    task = webhooks.parse(_load("stage_generic_task.json"))
    assert isinstance(task, webhooks.GenericTaskStage)
    assert task.task is not None
    assert task.task.user_notes == "Attach the Lisbon numbers"
    email = webhooks.parse(_load("stage_email.json"))
    assert isinstance(email, webhooks.EmailStage)
    assert email.is_reply is False
    assert email.dynamic_fields is not None
    assert email.dynamic_fields.sender is not None
    assert email.dynamic_fields.sender.first_name == "Marta"


def test_workflow_events_have_their_tag_and_typed_additional_info() -> None:
    interested = webhooks.parse(_load("workflow_interested.json"))
    assert isinstance(interested, webhooks.WorkflowReply)
    assert interested.tag == "interested"
    ooo = webhooks.parse(_load("workflow_out_of_office.json"))
    assert isinstance(ooo, webhooks.OutOfOfficeWorkflow)
    assert ooo.tag == "ooo"
    assert ooo.additional_info is not None
    assert str(ooo.additional_info.return_date) == "2025-04-01"
    follow_up = webhooks.parse(_load("workflow_follow_up.json"))
    assert isinstance(follow_up, webhooks.FollowUpWorkflow)
    assert follow_up.additional_info is not None
    assert str(follow_up.additional_info.follow_up_date) == "2025-05-15"
    referred = webhooks.parse(_load("workflow_not_the_right_person.json"))
    assert isinstance(referred, webhooks.NotTheRightPersonWorkflow)
    assert referred.tag == "not_the_right_person"
    assert referred.lead is not None
    assert referred.lead.first_name == "Tomas"  # the newly referred person
    assert referred.additional_info is not None
    assert referred.additional_info.third_party_first_name == "Rita"  # the person first contacted


def test_an_unknown_tag_is_a_workflow_reply_that_keeps_its_tag() -> None:
    data = _load("workflow_interested.json")
    data["email_message"]["tag"] = ["asked_for_pricing"]
    event = webhooks.parse(data)
    assert isinstance(event, webhooks.WorkflowReply)
    assert event.tag == "asked_for_pricing"
    assert event.tags == ["asked_for_pricing"]


def test_unknown_values_and_extra_fields_are_kept() -> None:
    data = _load("stage_call.json")
    data["call"]["disposition"] = "left_message_with_assistant"  # not among the documented values
    data["sequence_stage"]["type"] = "whatsapp_message"
    data["priority"] = "high"  # a new top-level field
    data["call"]["transcript_url"] = "https://calls.example/t/42"  # a new nested field
    event = webhooks.parse(data)
    assert isinstance(event, webhooks.CallStage)
    assert event.call is not None
    assert event.call.disposition == "left_message_with_assistant"
    assert event.model_extra == {"priority": "high"}
    assert event.model_dump(mode="json", by_alias=True, exclude_unset=True) == data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"event": "lead.created", "lead": {"id": 1}}, "no known event has this shape"),
        ({"is_reply": True, "id": "x"}, "no known event has this shape"),
        ({}, "no known event has this shape"),
        ({"is_reply": True, "linkedin": "a string, not an object"}, "looks like LinkedInReply but linkedin:"),
        (
            {"is_reply": False, "sequence_stage": {"index": "third"}, "call": {}},
            "looks like CallStage but sequence_stage.index:",
        ),
    ],
)
def test_an_unknown_or_ill_typed_shape_is_a_generic_event(data: dict[str, Any], reason: str) -> None:
    event = webhooks.parse(json.dumps(data))
    assert isinstance(event, webhooks.GenericEvent)
    assert event.raw == data
    assert event.reason.startswith(reason)
    assert "raw" not in repr(event)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON: Expecting value at line 1 column 1"),
        ('{"is_reply": true "labels": []}', "not JSON: Expecting ',' delimiter"),  # the docs' missing comma
        ("[1, 2]", "JSON list where an object was expected"),
        ('"text"', "JSON str where an object was expected"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (42, "expected bytes, str or a mapping, got int"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_invalid(body: Any, reason: str) -> None:
    with pytest.raises(errors.InvalidWebhook) as info:
        webhooks.parse(body)
    assert info.value.reason.startswith(reason)
    assert str(info.value) == f"invalid webhook body: {info.value.reason}"
    assert isinstance(info.value, errors.ClientError)


def test_the_readme_example_runs() -> None:
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(from amplemarket import webhooks\n.*?)```", readme, re.S)
    assert code, "README lost its webhook example"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    assert isinstance(namespace["event"], webhooks.OutOfOfficeWorkflow)
